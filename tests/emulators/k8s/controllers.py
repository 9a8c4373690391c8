"""Controller simulations: Deployment (ReplicaSets, Pods, status, revisions), HPA, Job, PDB,
and (with an AWS endpoint) External Secrets Operator (eso.py).

They run in one background thread, woken by store events and by timers, and write through
the same API as clients do, so every status change is a MODIFIED watch event with a new
resourceVersion.
"""

from __future__ import annotations

import copy
import hashlib
import heapq
import json
import logging
import math
import random
import re
import threading
import time

from .engine import Api, now_iso
from .errors import ApiError
from .eso import GROUP as ESO_GROUP
from .eso import EsoSimulation
from .nodes import NodeSimulation, budget_of, schedule
from .selectors import label_selector_matcher

LOG = logging.getLogger("k8s-emulator.controllers")
REV = "deployment.kubernetes.io/revision"
REV_HISTORY = "deployment.kubernetes.io/revision-history"
HASH_LABEL = "pod-template-hash"
NOT_COPIED = {
    "kubectl.kubernetes.io/last-applied-configuration",
    REV,
    REV_HISTORY,
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
}
SAFE_CHARS = "bcdfghjklmnpqrstvwxz2456789"


class Settings:
    def __init__(
        self,
        rollout_delay: float = 0.5,
        unready_image: str = r":never-ready$",
        progress_deadline_cap: float | None = None,
        job_delay: float = 0.5,
        hpa_scale: bool = True,
        aws_endpoint: str | None = None,
        node_sync: float = 0.5,
    ) -> None:
        self.rollout_delay = rollout_delay
        self.unready = re.compile(unready_image) if unready_image else None
        self.progress_deadline_cap = progress_deadline_cap
        self.job_delay = job_delay
        self.hpa_scale = hpa_scale
        # AWS emulator the External Secrets Operator simulation reads Secrets Manager from.
        self.aws_endpoint = aws_endpoint or None
        # Seconds between reads of the node groups' instances (nodes.py; 0: no node group Nodes).
        self.node_sync = node_sync


def pod_template_hash(template: dict) -> str:
    t = copy.deepcopy(template)
    (t.get("metadata") or {}).get("labels", {}).pop(HASH_LABEL, None)
    digest = hashlib.sha256(json.dumps(t, sort_keys=True).encode()).digest()
    return "".join(SAFE_CHARS[b % len(SAFE_CHARS)] for b in digest[:10])


def _without_hash(template: dict) -> dict:
    t = copy.deepcopy(template or {})
    labels = (t.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return t


def _int_or_percent(value, total: int, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        frac = float(value[:-1]) * total / 100.0
        return int(math.ceil(frac) if round_up else math.floor(frac))
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _rev(obj: dict) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REV, "0"))
    except ValueError:
        return 0


def _owned_by(obj: dict, uid: str) -> bool:
    return any(r.get("uid") == uid and r.get("controller") for r in obj["metadata"].get("ownerReferences") or [])


def _condition(conds: list, ctype: str, status: str, reason: str, message: str, now: str) -> list:
    out = [c for c in conds if c.get("type") != ctype]
    prev = next((c for c in conds if c.get("type") == ctype), None)
    new = {
        "type": ctype,
        "status": status,
        "lastUpdateTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    }
    if prev:
        if prev.get("status") == status:
            new["lastTransitionTime"] = prev.get("lastTransitionTime", now)
        if prev.get("status") == status and prev.get("reason") == reason and prev.get("message") == message:
            new["lastUpdateTime"] = prev.get("lastUpdateTime", now)
    out.append(new)
    order = {"Available": 0, "Progressing": 1, "ReplicaFailure": 2}
    return sorted(out, key=lambda c: order.get(c.get("type"), 9))


class Controllers(threading.Thread):
    def __init__(self, api: Api, settings: Settings) -> None:
        super().__init__(name="controllers", daemon=True)
        self.api = api
        self.settings = settings
        self.wake = threading.Condition()
        self.dirty: set[tuple[str, str, str]] = set()
        self.timers: list[tuple[float, tuple[str, str, str]]] = []
        self.state: dict[str, dict] = {}
        self.stopping = False
        api.store.listeners.append(self._on_event)
        cat = api.catalog
        self.rt = {
            "deploy": cat.find("apps", "v1", "deployments"),
            "rs": cat.find("apps", "v1", "replicasets"),
            "pod": cat.find("", "v1", "pods"),
            "hpa": cat.find("autoscaling", "v2", "horizontalpodautoscalers"),
            "job": cat.find("batch", "v1", "jobs"),
            "pdb": cat.find("policy", "v1", "poddisruptionbudgets"),
            "event": cat.find("", "v1", "events"),
            "sts": cat.find("apps", "v1", "statefulsets"),
            "node": cat.find("", "v1", "nodes"),
        }
        self.pod_ready_at: dict[str, float] = {}  # pod uid -> monotonic time its containers are ready
        self.eso = EsoSimulation(api, settings.aws_endpoint) if settings.aws_endpoint else None
        self.eso_due: dict[tuple[str, str], float] = {}  # next refresh of each ExternalSecret
        self.nodes = NodeSimulation(api, settings.aws_endpoint) if settings.aws_endpoint and settings.node_sync > 0 else None
        if self.nodes is not None:
            self.dirty.add(("nodes", "", "*"))

    # ---------------------------------------------------------------- scheduling
    def _on_event(self, key: tuple[str, str], etype: str, obj: dict) -> None:
        meta = obj["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        marks = []
        if key == ("apps", "deployments"):
            marks += [("deploy", ns, name), ("hpa", ns, "*")]
        elif key == ("apps", "replicasets"):
            for ref in meta.get("ownerReferences") or []:
                if ref.get("kind") == "Deployment":
                    marks.append(("deploy", ns, ref.get("name")))
        elif key == ("autoscaling", "horizontalpodautoscalers"):
            marks.append(("hpa", ns, name))
        elif key == ("batch", "jobs"):
            marks.append(("job", ns, name))
        elif key == ("apps", "statefulsets"):
            marks.append(("sts", ns, name))
        if key in (("", "pods"), ("policy", "poddisruptionbudgets")):
            marks.append(("pdb", ns, "*"))
        if key == ("", "pods") and etype == "DELETED":  # evicted or garbage-collected: the ReplicaSet replaces it
            marks += [("rs_pods", ns, ref.get("name")) for ref in meta.get("ownerReferences") or []
                      if ref.get("kind") == "ReplicaSet" and ref.get("controller")]
        if key == ("", "nodes") and etype != "DELETED":  # a node registered or uncordoned: bind Pending pods
            marks.append(("alldeploy", "", "*"))
        if self.eso is not None:
            marks += self._eso_marks(key, etype, meta, ns, name)
        if marks:
            with self.wake:
                self.dirty.update(marks)
                self.wake.notify()

    @staticmethod
    def _eso_marks(key: tuple[str, str], etype: str, meta: dict, ns: str, name: str) -> list:
        if key == (ESO_GROUP, "externalsecrets"):
            return [] if etype == "DELETED" else [("eso", ns, name)]
        if key == (ESO_GROUP, "secretstores"):
            return [("eso_store", ns, "SecretStore/" + name), ("eso", ns, "*")]
        if key == (ESO_GROUP, "clustersecretstores"):
            return [("eso_store", "", "ClusterSecretStore/" + name), ("eso", "*", "*")]
        if key == ("", "secrets"):  # a target Secret edited or deleted: ESO writes it back
            return [
                ("eso", ns, ref["name"])
                for ref in meta.get("ownerReferences") or []
                if ref.get("kind") == "ExternalSecret"
            ]
        return []

    def _later(self, delay: float, item: tuple[str, str, str]) -> None:
        with self.wake:
            heapq.heappush(self.timers, (time.monotonic() + max(delay, 0.01), item))
            self.wake.notify()

    def stop(self) -> None:
        with self.wake:
            self.stopping = True
            self.wake.notify()

    def run(self) -> None:
        while True:
            with self.wake:
                while (
                    not self.stopping and not self.dirty and not (self.timers and self.timers[0][0] <= time.monotonic())
                ):
                    timeout = self.timers[0][0] - time.monotonic() if self.timers else None
                    self.wake.wait(timeout)
                if self.stopping:
                    return
                now = time.monotonic()
                while self.timers and self.timers[0][0] <= now:
                    self.dirty.add(heapq.heappop(self.timers)[1])
                work, self.dirty = sorted(self.dirty), set()
            for kind, ns, name in work:
                try:
                    getattr(self, f"_sync_{kind}")(ns, name)
                except ApiError as exc:
                    LOG.info("controller %s %s/%s: %s", kind, ns, name, exc.message)
                except Exception:  # a controller bug must not kill the thread
                    LOG.exception("controller %s %s/%s failed", kind, ns, name)

    # ---------------------------------------------------------------- deployments
    def _unready(self, template: dict) -> bool:
        if not self.settings.unready:
            return False
        containers = ((template or {}).get("spec") or {}).get("containers") or []
        return any(self.settings.unready.search(str(c.get("image", ""))) for c in containers)

    def _event(self, obj: dict, reason: str, message: str, component: str, etype: str = "Normal") -> None:
        meta = obj["metadata"]
        now = now_iso()
        body = {
            "metadata": {"name": f"{meta['name']}.{random.getrandbits(64):016x}", "namespace": meta["namespace"]},
            "involvedObject": {
                "kind": obj["kind"],
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
                "apiVersion": obj["apiVersion"],
                "resourceVersion": meta.get("resourceVersion", ""),
            },
            "reason": reason,
            "message": message,
            "source": {"component": component},
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": etype,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": "",
        }
        try:
            self.api.create(self.rt["event"], meta["namespace"], body)
        except ApiError:
            pass

    def _sync_deploy(self, ns: str, name: str) -> None:
        api, drt, rsrt = self.api, self.rt["deploy"], self.rt["rs"]
        d = api.get_raw(drt, ns, name)
        if d is None or d["metadata"].get("deletionTimestamp"):
            return
        d = api.render(drt, d)
        uid, gen = d["metadata"]["uid"], d["metadata"].get("generation", 1)
        spec = d["spec"]
        want = int(spec.get("replicas", 1))
        template = spec["template"]
        st = self.state.setdefault(uid, {})
        mono = time.monotonic()
        if st.get("gen") != gen:
            st["gen"] = gen
            st["t_change"] = mono
            if st.get("template") != _without_hash(template):
                st["template"] = _without_hash(template)
                st["progress_start"] = mono
        ready_at = st["t_change"] + self.settings.rollout_delay

        rss, _ = api.list(rsrt, ns, lambda o: _owned_by(o, uid))
        max_rev = max((_rev(rs) for rs in rss), default=0)
        new_rs = next((rs for rs in rss if _without_hash(rs["spec"]["template"]) == _without_hash(template)), None)
        dep_ann = {k: v for k, v in (d["metadata"].get("annotations") or {}).items() if k not in NOT_COPIED}
        created = False
        if new_rs is None:
            thash = pod_template_hash(template)
            rs_template = copy.deepcopy(template)
            rs_template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = thash
            selector = copy.deepcopy(spec["selector"])
            selector.setdefault("matchLabels", {})[HASH_LABEL] = thash
            body = {
                "metadata": {
                    "name": f"{name}-{thash}",
                    "namespace": ns,
                    "labels": dict(rs_template["metadata"]["labels"]),
                    "annotations": {
                        **dep_ann,
                        REV: str(max_rev + 1),
                        "deployment.kubernetes.io/desired-replicas": str(want),
                        "deployment.kubernetes.io/max-replicas": str(want + self._surge(spec, want)),
                    },
                    "ownerReferences": [
                        {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "name": name,
                            "uid": uid,
                            "controller": True,
                            "blockOwnerDeletion": True,
                        }
                    ],
                },
                "spec": {
                    "replicas": 0,
                    "minReadySeconds": spec.get("minReadySeconds", 0),
                    "selector": selector,
                    "template": rs_template,
                },
            }
            new_rs = api.create(rsrt, ns, body)
            created = True
            rss.append(new_rs)
        elif _rev(new_rs) < max_rev or any(
            (new_rs["metadata"].get("annotations") or {}).get(k) != v for k, v in dep_ann.items()
        ):
            ann = new_rs["metadata"].setdefault("annotations", {})
            if _rev(new_rs) < max_rev:
                history = [h for h in ann.get(REV_HISTORY, "").split(",") if h]
                ann[REV_HISTORY] = ",".join(history + [str(_rev(new_rs))])
                ann[REV] = str(max_rev + 1)
            ann.update(dep_ann)
            new_rs = api.controller_write(rsrt, new_rs) or new_rs
            rss = [new_rs if rs["metadata"]["uid"] == new_rs["metadata"]["uid"] else rs for rs in rss]
        new_uid = new_rs["metadata"]["uid"]
        olds = sorted((rs for rs in rss if rs["metadata"]["uid"] != new_uid), key=_rev)

        # desired RS sizes and readiness
        surge, unavail = self._surge(spec, want), self._unavailable(spec, want)
        unready = self._unready(template)
        ripe = mono >= ready_at
        old_total = sum(int(rs["spec"].get("replicas", 0)) for rs in olds)
        old_ready = {
            rs["metadata"]["uid"]: min(
                int(rs.get("status", {}).get("readyReplicas", 0)), int(rs["spec"].get("replicas", 0))
            )
            for rs in olds
        }
        prev_new_ready = min(int(new_rs.get("status", {}).get("readyReplicas", 0)), want)
        paused = bool(spec.get("paused"))
        recreate = (spec.get("strategy") or {}).get("type") == "Recreate"
        if paused:
            new_size = int(new_rs["spec"].get("replicas", 0))
            old_sizes = {rs["metadata"]["uid"]: int(rs["spec"].get("replicas", 0)) for rs in olds}
            new_ready = min(prev_new_ready, new_size) if unready or not ripe else new_size
        elif old_total == 0 or recreate or (not unready and ripe):
            new_size = want
            old_sizes = {rs["metadata"]["uid"]: 0 for rs in olds}
            new_ready = 0 if unready else (want if ripe else prev_new_ready)
        else:
            keep = min(old_total, max(want - unavail, 0))
            new_size = min(want, max(want + surge - keep, 1))
            old_sizes, left = {}, keep
            for rs in reversed(olds):  # newest old RS keeps its pods longest
                size = min(int(rs["spec"].get("replicas", 0)), left)
                old_sizes[rs["metadata"]["uid"]] = size
                left -= size
            new_ready = 0 if unready else prev_new_ready
        ready_counts = {new_uid: new_ready}
        for rs in olds:
            ready_counts[rs["metadata"]["uid"]] = min(
                old_ready[rs["metadata"]["uid"]], old_sizes[rs["metadata"]["uid"]]
            )

        for rs in [new_rs] + olds:
            ruid = rs["metadata"]["uid"]
            size = new_size if ruid == new_uid else old_sizes[ruid]
            before = int(rs["spec"].get("replicas", 0))
            ready_counts[ruid] = self._size_rs(rs, size, ready_counts[ruid], want, ready_at)
            if size != before:
                verb = "up" if size > before else "down"
                self._event(
                    d,
                    "ScalingReplicaSet",
                    f"Scaled {verb} replica set {rs['metadata']['name']} from " f"{before} to {size}",
                    "deployment-controller",
                )

        new_ready = ready_counts[new_uid]  # the pods that are ready (bound to a node, started)

        # deployment annotations (revision) and status
        d_now = api.get_raw(drt, ns, name)
        if d_now is None or d_now["metadata"]["uid"] != uid:
            return
        new_rev = _rev(api.get_raw(rsrt, ns, new_rs["metadata"]["name"]) or new_rs)
        ann = d_now["metadata"].setdefault("annotations", {})
        if ann.get(REV) != str(new_rev):
            ann[REV] = str(new_rev)
            d_now = api.controller_write(drt, d_now)
            if d_now is None:
                return
        total = new_size + sum(old_sizes.values())
        ready = sum(ready_counts.values())
        status = copy.deepcopy(d_now.get("status") or {})
        status.update(
            {
                "observedGeneration": gen,
                "replicas": total,
                "updatedReplicas": new_size,
                "readyReplicas": ready,
                "availableReplicas": ready,
            }
        )
        if total - ready > 0:
            status["unavailableReplicas"] = total - ready
        else:
            status.pop("unavailableReplicas", None)
        for zero in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas"):
            if status[zero] == 0:
                status.pop(zero)
        now = now_iso()
        conds = status.get("conditions") or []
        min_avail = max(want - unavail, 0)
        if ready >= min_avail:
            conds = _condition(
                conds, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now
            )
        else:
            conds = _condition(
                conds,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now,
            )
        rs_name = new_rs["metadata"]["name"]
        converged = new_size == want and new_ready == want and sum(old_sizes.values()) == 0
        deadline = float(spec.get("progressDeadlineSeconds", 600))
        if self.settings.progress_deadline_cap is not None:
            deadline = min(deadline, self.settings.progress_deadline_cap)
        prev_prog = next((c for c in conds if c.get("type") == "Progressing"), {})
        if paused:
            conds = _condition(conds, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now)
        elif converged:
            conds = _condition(
                conds,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                f'ReplicaSet "{rs_name}" has successfully progressed.',
                now,
            )
        elif mono - st.get("progress_start", mono) >= deadline or (
            prev_prog.get("reason") == "ProgressDeadlineExceeded" and rs_name in prev_prog.get("message", "")
        ):
            conds = _condition(
                conds,
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                f'ReplicaSet "{rs_name}" has timed out progressing.',
                now,
            )
        elif created:
            conds = _condition(
                conds, "Progressing", "True", "NewReplicaSetCreated", f'Created new replica set "{rs_name}"', now
            )
        elif prev_prog.get("reason") == "NewReplicaSetCreated" and rs_name in prev_prog.get("message", ""):
            pass
        else:
            conds = _condition(
                conds, "Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{rs_name}" is progressing.', now
            )
        status["conditions"] = conds
        if status != d_now.get("status"):
            d_now["status"] = status
            api.controller_write(drt, d_now, sub="status")
        if not converged and not paused:
            if not ripe:
                self._later(ready_at - mono, ("deploy", ns, name))
            left = st.get("progress_start", mono) + deadline - mono
            if left > 0:
                self._later(left, ("deploy", ns, name))

    def _surge(self, spec: dict, want: int) -> int:
        ru = (spec.get("strategy") or {}).get("rollingUpdate") or {}
        surge = _int_or_percent(ru.get("maxSurge", "25%"), want, True)
        unavail = _int_or_percent(ru.get("maxUnavailable", "25%"), want, False)
        return surge if (surge or unavail) else 0

    def _unavailable(self, spec: dict, want: int) -> int:
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            return want
        ru = (spec.get("strategy") or {}).get("rollingUpdate") or {}
        surge = _int_or_percent(ru.get("maxSurge", "25%"), want, True)
        unavail = _int_or_percent(ru.get("maxUnavailable", "25%"), want, False)
        return unavail if (surge or unavail) else 1

    def _size_rs(self, rs: dict, size: int, ready: int, desired: int, ready_at: float = 0.0) -> int:
        """Size the ReplicaSet and its pods; returns how many of them are ready."""
        api, rsrt = self.api, self.rt["rs"]
        ns = rs["metadata"]["namespace"]
        cur = api.get_raw(rsrt, ns, rs["metadata"]["name"])
        if cur is None:
            return 0
        cur = api.render(rsrt, cur)
        # Pods missing from a ReplicaSet that keeps its size replace lost ones (evicted, node gone).
        replacing = int(cur["spec"].get("replicas", 0)) >= size
        if int(cur["spec"].get("replicas", 0)) != size or cur["metadata"].get("annotations", {}).get(
            "deployment.kubernetes.io/desired-replicas"
        ) != str(desired):
            cur["spec"]["replicas"] = size
            cur["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = str(desired)
            cur = api.controller_write(rsrt, cur) or cur
        ready = self._pods_for(cur, size, ready, ready_at, replacing)
        status = {
            "replicas": size,
            "fullyLabeledReplicas": size,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": cur["metadata"].get("generation", 1),
        }
        status = {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
        if cur.get("status") != status:
            cur["status"] = status
            api.controller_write(rsrt, cur, sub="status")
        return ready

    def _sync_rs_pods(self, ns: str, name: str) -> None:
        """A pod of the ReplicaSet went away or becomes ready: sync its Deployment."""
        rs = self.api.get_raw(self.rt["rs"], ns, name)
        for ref in (rs or {}).get("metadata", {}).get("ownerReferences") or []:
            if ref.get("kind") == "Deployment" and ref.get("controller"):
                self._sync_deploy(ns, ref.get("name"))

    def _sync_alldeploy(self, ns: str, name: str) -> None:
        deployments, _ = self.api.list(self.rt["deploy"], None)
        for d in deployments:
            self._sync_deploy(d["metadata"]["namespace"], d["metadata"]["name"])

    def _sync_nodes(self, ns: str, name: str) -> None:
        try:
            self.nodes.sync()
        finally:
            self._later(self.settings.node_sync, ("nodes", "", "*"))

    def _pods_for(self, rs: dict, size: int, ready: int, ready_at: float = 0.0, replacing: bool = False) -> int:
        api, prt = self.api, self.rt["pod"]
        ns, ruid = rs["metadata"]["namespace"], rs["metadata"]["uid"]
        pods, _ = api.list(prt, ns, lambda o: _owned_by(o, ruid))
        pods.sort(key=lambda p: (not self._pod_ready(p), p["metadata"]["creationTimestamp"], p["metadata"]["name"]))
        for pod in pods[size:]:
            try:
                api.delete(prt, ns, pod["metadata"]["name"])
            except ApiError:
                pass
        pods = pods[:size]
        template = rs["spec"]["template"]
        mono = time.monotonic()
        # New pods are ready with the Deployment's rollout (ready_at, as before nodes were
        # modelled); a replacement of a lost pod K8S_EMULATOR_ROLLOUT_DELAY after its creation.
        starts_at = mono + self.settings.rollout_delay if replacing and mono >= ready_at else ready_at
        nodes, _ = api.list(self.rt["node"], None)
        node_ip = {n["metadata"]["name"]: next((a["address"] for a in (n.get("status") or {}).get("addresses") or []
                                                if a.get("type") == "InternalIP"), "10.0.100.10") for n in nodes}
        ns_pods, _ = api.list(prt, ns)
        for idx, pod in enumerate(pods):  # bind the Pending ones if a node fits now
            if not (pod.get("spec") or {}).get("nodeName"):
                node = schedule(pod["spec"], pod["metadata"].get("labels") or {}, nodes, ns_pods)
                if node is not None:
                    pod["spec"]["nodeName"] = node
                    pods[idx] = api.controller_write(prt, pod) or pod
                    ns_pods.append(pods[idx])
                    self.pod_ready_at[pod["metadata"]["uid"]] = starts_at
        while len(pods) < size:
            suffix = "".join(random.choice(SAFE_CHARS) for _ in range(5))
            spec = copy.deepcopy(template.get("spec") or {})
            labels = dict((template.get("metadata") or {}).get("labels") or {})
            node = schedule(spec, labels, nodes, ns_pods)
            if node is not None:
                spec["nodeName"] = node
            body = {
                "metadata": {
                    "name": f"{rs['metadata']['name']}-{suffix}",
                    "namespace": ns,
                    "labels": labels,
                    "annotations": dict((template.get("metadata") or {}).get("annotations") or {}),
                    "ownerReferences": [
                        {
                            "apiVersion": "apps/v1",
                            "kind": "ReplicaSet",
                            "name": rs["metadata"]["name"],
                            "uid": ruid,
                            "controller": True,
                            "blockOwnerDeletion": True,
                        }
                    ],
                },
                "spec": spec,
            }
            try:
                pod = api.create(prt, ns, body)
            except ApiError:
                break
            pods.append(pod)
            ns_pods.append(pod)
            self.pod_ready_at[pod["metadata"]["uid"]] = starts_at
        count, wake = 0, None
        for pod in pods:
            uid = pod["metadata"]["uid"]
            node = (pod.get("spec") or {}).get("nodeName")
            started = node is not None and node in node_ip and self.pod_ready_at.get(uid, 0.0) <= mono
            if node is not None and not started and self.pod_ready_at.get(uid, 0.0) > mono:
                wake = min(wake or self.pod_ready_at[uid], self.pod_ready_at[uid])
            want_ready = started and count < ready
            count += 1 if want_ready else 0
            status = self._pod_status(pod, want_ready, node_ip.get(node) if node else None)
            if pod.get("status") != status:
                pod["status"] = status
                api.controller_write(prt, pod, sub="status")
        if wake is not None and count < ready:
            self._later(wake - mono, ("rs_pods", ns, rs["metadata"]["name"]))
        return count

    @staticmethod
    def _pod_ready(pod: dict) -> bool:
        return any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (pod.get("status") or {}).get("conditions") or []
        )

    def _pod_status(self, pod: dict, ready: bool, host_ip: str | None = "10.0.100.10") -> dict:
        old = pod.get("status") or {}
        if host_ip is None:  # no node fits: Pending, as the scheduler leaves it
            since = next((c.get("lastTransitionTime") for c in old.get("conditions") or []
                          if c.get("type") == "PodScheduled" and c.get("status") == "False"), None) or now_iso()
            return {
                "phase": "Pending",
                "conditions": [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                "lastTransitionTime": since, "reason": "Unschedulable",
                                "message": "0/%d nodes are available: no node fits the pod's node selector, "
                                           "tolerations or is schedulable." % len(self._node_names())}],
                "qosClass": "Burstable",
            }
        start = old.get("startTime") or now_iso()
        flag = "True" if ready else "False"
        since = start
        prev_ready = next((c for c in old.get("conditions") or [] if c.get("type") == "Ready"), None)
        if prev_ready and prev_ready.get("status") == flag:
            since = prev_ready.get("lastTransitionTime", start)
        elif prev_ready:
            since = now_iso()
        octet = int(hashlib.md5(pod["metadata"]["uid"].encode()).hexdigest()[:4], 16)
        conds = [
            {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": None, "lastTransitionTime": start},
            {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": start},
            {"type": "Ready", "status": flag, "lastProbeTime": None, "lastTransitionTime": since},
            {"type": "ContainersReady", "status": flag, "lastProbeTime": None, "lastTransitionTime": since},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": start},
        ]
        if not ready:
            for c in conds[2:4]:
                c["reason"] = "ContainersNotReady"
        statuses = []
        for c in (pod.get("spec") or {}).get("containers") or []:
            statuses.append(
                {
                    "name": c.get("name"),
                    "image": c.get("image"),
                    "imageID": "",
                    "ready": ready,
                    "started": True,
                    "restartCount": 0,
                    "containerID": f"containerd://{pod['metadata']['uid']}",
                    "state": {"running": {"startedAt": start}},
                }
            )
        return {
            "phase": "Running",
            "conditions": conds,
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": f"10.244.{octet >> 8}.{octet & 255}",
            "podIPs": [{"ip": f"10.244.{octet >> 8}.{octet & 255}"}],
            "startTime": start,
            "qosClass": "Burstable",
            "containerStatuses": statuses,
        }

    def _node_names(self) -> list[str]:
        return [n["metadata"]["name"] for n in self.api.list(self.rt["node"], None)[0]]

    # ---------------------------------------------------------------- HPA
    def _sync_eso_store(self, ns: str, name: str) -> None:
        kind, _, store = name.partition("/")
        self.eso.sync_store(kind, ns, store)

    def _sync_eso(self, ns: str, name: str) -> None:
        if name != "*":
            refresh = self.eso.sync_external_secret(ns, name)
            if refresh > 0 and self.eso_due.get((ns, name), 0.0) <= time.monotonic():
                self.eso_due[(ns, name)] = time.monotonic() + refresh
                self._later(refresh, ("eso", ns, name))
            return
        rt = self.eso._rt("externalsecrets")
        if rt is None:
            return
        items, _ = self.api.list(rt, None if ns == "*" else ns)
        for item in items:
            self.eso.sync_external_secret(item["metadata"]["namespace"], item["metadata"]["name"])

    def _sync_hpa(self, ns: str, name: str) -> None:
        api, hrt = self.api, self.rt["hpa"]
        if name == "*":
            hpas, _ = api.list(hrt, ns)
        else:
            one = api.get_raw(hrt, ns, name)
            hpas = [api.render(hrt, one)] if one else []
        for hpa in hpas:
            spec = hpa.get("spec") or {}
            ref = spec.get("scaleTargetRef") or {}
            target_rt = None
            api_version = ref.get("apiVersion", "apps/v1")
            target_rt = api.catalog.by_kind(api_version, ref.get("kind", ""))
            target = api.get_raw(target_rt, ns, ref.get("name", "")) if target_rt else None
            now = now_iso()
            status = copy.deepcopy(hpa.get("status") or {})
            if target is None:
                status["conditions"] = [
                    {
                        "type": "AbleToScale",
                        "status": "False",
                        "reason": "FailedGetScale",
                        "message": f"the HPA controller was unable to get the target's current scale: "
                        f'{ref.get("kind", "").lower()}s "{ref.get("name")}" not found',
                        "lastTransitionTime": now,
                    }
                ]
                status.setdefault("currentReplicas", 0)
                status.setdefault("desiredReplicas", 0)
            else:
                current = int((target.get("spec") or {}).get("replicas", 1))
                lo, hi = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", current))
                desired = min(max(current, lo), hi)
                if desired != current and self.settings.hpa_scale:
                    target = api.render(target_rt, target)
                    target["spec"]["replicas"] = desired
                    api.controller_write(target_rt, target)
                    status["lastScaleTime"] = now
                limited = "False" if lo < desired < hi or lo == hi else "True"
                reason = (
                    "DesiredWithinRange"
                    if limited == "False"
                    else ("TooFewReplicas" if desired <= lo else "TooManyReplicas")
                )
                status["currentReplicas"] = int((target.get("status") or {}).get("replicas", current))
                status["desiredReplicas"] = desired
                old_conds = {c["type"]: c for c in status.get("conditions") or []}
                conds = []
                for ctype, cstatus, creason, msg in (
                    ("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"),
                    (
                        "ScalingActive",
                        "True",
                        "ValidMetricFound",
                        "the HPA was able to successfully calculate a "
                        "replica count from cpu resource utilization (percentage of request)",
                    ),
                    (
                        "ScalingLimited",
                        limited,
                        reason,
                        (
                            "the desired count is within the acceptable range"
                            if limited == "False"
                            else "the desired replica count is outside the acceptable range"
                        ),
                    ),
                ):
                    prev = old_conds.get(ctype, {})
                    since = prev.get("lastTransitionTime", now) if prev.get("status") == cstatus else now
                    conds.append(
                        {
                            "type": ctype,
                            "status": cstatus,
                            "lastTransitionTime": since,
                            "reason": creason,
                            "message": msg,
                        }
                    )
                status["conditions"] = conds
            status["observedGeneration"] = hpa["metadata"].get("generation", 1)
            if status != hpa.get("status"):
                hpa["status"] = status
                api.controller_write(hrt, hpa, sub="status")

    # ---------------------------------------------------------------- Job
    def _sync_job(self, ns: str, name: str) -> None:
        api, jrt = self.api, self.rt["job"]
        job = api.get_raw(jrt, ns, name)
        if job is None:
            return
        job = api.render(jrt, job)
        spec, status = job.get("spec") or {}, copy.deepcopy(job.get("status") or {})
        if any(
            c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
            for c in status.get("conditions") or []
        ) or spec.get("suspend"):
            return
        uid = job["metadata"]["uid"]
        st = self.state.setdefault(uid, {"t": time.monotonic()})
        now = now_iso()
        if "startTime" not in status:
            status.update(
                {
                    "startTime": now,
                    "active": int(spec.get("parallelism", 1)),
                    "ready": 0,
                    "terminating": 0,
                    "uncountedTerminatedPods": {},
                }
            )
        elif not self._unready(spec.get("template") or {}) and time.monotonic() - st["t"] >= self.settings.job_delay:
            status.pop("active", None)
            status.update({"succeeded": int(spec.get("completions", 1)), "completionTime": now, "ready": 0})
            status["conditions"] = [
                {
                    "type": "SuccessCriteriaMet",
                    "status": "True",
                    "lastProbeTime": now,
                    "lastTransitionTime": now,
                    "reason": "CompletionsReached",
                    "message": "Reached expected number of succeeded pods",
                },
                {
                    "type": "Complete",
                    "status": "True",
                    "lastProbeTime": now,
                    "lastTransitionTime": now,
                    "reason": "CompletionsReached",
                    "message": "Reached expected number of succeeded pods",
                },
            ]
        else:
            self._later(self.settings.job_delay, ("job", ns, name))
        if status != job.get("status"):
            job["status"] = status
            api.controller_write(jrt, job, sub="status")
            if "completionTime" not in status:
                self._later(self.settings.job_delay, ("job", ns, name))

    # ---------------------------------------------------------------- StatefulSet (minimal)
    def _sync_sts(self, ns: str, name: str) -> None:
        api, srt = self.api, self.rt["sts"]
        sts = api.get_raw(srt, ns, name)
        if sts is None:
            return
        sts = api.render(srt, sts)
        want = int((sts.get("spec") or {}).get("replicas", 1))
        ready = 0 if self._unready((sts.get("spec") or {}).get("template") or {}) else want
        status = {
            "observedGeneration": sts["metadata"].get("generation", 1),
            "replicas": want,
            "readyReplicas": ready,
            "currentReplicas": want,
            "updatedReplicas": want,
            "availableReplicas": ready,
            "collisionCount": 0,
        }
        if sts.get("status") != status:
            sts["status"] = status
            api.controller_write(srt, sts, sub="status")

    # ---------------------------------------------------------------- PDB
    def _sync_pdb(self, ns: str, name: str) -> None:
        api, prt = self.api, self.rt["pdb"]
        pdbs, _ = api.list(prt, ns)
        if not pdbs:
            return
        pods, _ = api.list(self.rt["pod"], ns)
        for pdb in pdbs:
            budget = budget_of(api, pdb, pods)
            expected, healthy, desired = budget["expected"], budget["healthy"], budget["desired"]
            allowed = max(healthy - desired, 0)
            old = pdb.get("status") or {}
            prev = next((c for c in old.get("conditions") or [] if c.get("type") == "DisruptionAllowed"), {})
            cstatus = "True" if allowed > 0 else "False"
            cond = {
                "type": "DisruptionAllowed",
                "status": cstatus,
                "reason": "SufficientPods" if allowed > 0 else "InsufficientPods",
                "message": "",
                "observedGeneration": pdb["metadata"].get("generation", 1),
                "lastTransitionTime": prev.get("lastTransitionTime") if prev.get("status") == cstatus else now_iso(),
            }
            status = {
                "observedGeneration": pdb["metadata"].get("generation", 1),
                "expectedPods": expected,
                "currentHealthy": healthy,
                "desiredHealthy": desired,
                "disruptionsAllowed": allowed,
                "conditions": [cond],
            }
            if status != old:
                pdb["status"] = status
                api.controller_write(prt, pdb, sub="status")
