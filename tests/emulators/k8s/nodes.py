"""Nodes of EKS managed node groups, scheduling onto them, and the Eviction API.

Active when the emulator knows the AWS endpoint (``K8S_EMULATOR_AWS_ENDPOINT`` / ``--aws-endpoint``;
``ctl.py`` passes its AWS emulator). What it does, as the kubelet, the cloud node lifecycle
controller, the scheduler, the pod garbage collector and the API server's eviction handler do:

- Every ``K8S_EMULATOR_NODE_SYNC`` seconds it reads the node groups' EC2 instances from the AWS
  emulator (``GET /_emulator/eks/nodes``: a control path, so neither the request log nor fault
  injection see it) and registers each *running* instance as a Node, named by its private DNS
  name, with the labels EKS gives (``topology.kubernetes.io/zone`` and ``region``,
  ``eks.amazonaws.com/nodegroup``, ``eks.amazonaws.com/capacityType``,
  ``node.kubernetes.io/instance-type``, ``kubernetes.io/arch`` from the AMI type, the node
  group's own labels), its taints, ``spec.providerID`` ``aws:///<az>/<instance id>``, status Ready
  and its addresses. A Node whose instance is gone (terminated, node group deleted) is deleted,
  and so are the pods bound to it; their ReplicaSets create replacements. When the first node
  group node registers, the stand-in ``emulator-node`` is removed.
- Scheduling (``schedule``): a new pod is bound to a Ready node that is not cordoned
  (``spec.unschedulable``), matches its ``nodeSelector`` and whose ``NoSchedule``/``NoExecute``
  taints it tolerates, preferring the zone, then the node, with the fewest pods of the same
  owner (the spreading ``topologySpreadConstraints`` ask for, always as ``ScheduleAnyway``);
  with no such node it stays ``Pending`` (``PodScheduled=False``, ``Unschedulable``) until one
  appears.
- Eviction (``evict``): ``POST .../pods/<name>/eviction`` (policy/v1 or v1beta1) deletes the pod
  unless a PodDisruptionBudget selecting it has no disruption left, computed from the pods at
  that moment (a replacement counts once Ready): then ``429 TooManyRequests`` with the
  ``DisruptionBudget`` cause, as the API server answers. More than one PDB: 500, as the server.
  A pod that is not Ready may be evicted while the budget's healthy pods are enough
  (``unhealthyPodEvictionPolicy: IfHealthyBudget``, the default).

Not modelled: node affinity, pod (anti-)affinity, resource requests against allocatable,
``DoNotSchedule`` skew limits, NotReady nodes and taint-based eviction, graceful termination.
"""

from __future__ import annotations

import json
import logging
import urllib.request

from .engine import Api, now_iso
from .errors import ApiError
from .selectors import label_selector_matcher

LOG = logging.getLogger("k8s-emulator.nodes")
STANDIN = "emulator-node"
NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup"
ZONE_LABEL = "topology.kubernetes.io/zone"
TAINT_EFFECTS = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}
SIZES = {  # vCPU, GiB of the instance types the inventories use; others get 2 / 8
    "t3.medium": (2, 4), "t3.large": (2, 8), "t3.xlarge": (4, 16), "m5.large": (2, 8), "m5.xlarge": (4, 16),
    "m6i.large": (2, 8), "m6i.xlarge": (4, 16), "c6g.xlarge": (4, 8), "c6g.2xlarge": (8, 16),
}


def node_info(kubelet_version: str, arch: str, machine_id: str) -> dict:
    """status.nodeInfo with every field the typed clients require (kubernetes' V1NodeSystemInfo)."""
    return {
        "architecture": arch,
        "bootID": f"{machine_id}-boot",
        "containerRuntimeVersion": "containerd://1.7.27",
        "kernelVersion": "6.1.132-147.221.amzn2023." + ("aarch64" if arch == "arm64" else "x86_64"),
        "kubeProxyVersion": kubelet_version,
        "kubeletVersion": kubelet_version,
        "machineID": machine_id,
        "operatingSystem": "linux",
        "osImage": "Amazon Linux 2023.7.20250512",
        "systemUUID": machine_id,
    }


def node_body(instance: dict) -> dict:
    """The Node a kubelet on this node group instance registers."""
    name = instance["private_dns_name"]
    arch = "arm64" if "ARM" in str(instance.get("ami_type", "")) else "amd64"
    cpu, gib = SIZES.get(instance.get("instance_type", ""), (2, 8))
    labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": arch,
        "node.kubernetes.io/instance-type": instance.get("instance_type", ""),
        "topology.kubernetes.io/region": instance["region"],
        ZONE_LABEL: instance["availability_zone"],
        NODEGROUP_LABEL: instance["nodegroup"],
        "eks.amazonaws.com/capacityType": instance.get("capacity_type") or "ON_DEMAND",
        "alpha.eksctl.io/cluster-name": instance["cluster"],
        **{str(k): str(v) for k, v in (instance.get("labels") or {}).items()},
    }
    taints = [
        {"key": t.get("key"), "value": t.get("value", ""), "effect": TAINT_EFFECTS.get(t.get("effect"), t.get("effect"))}
        for t in instance.get("taints") or []
    ]
    spec = {"providerID": f"aws:///{instance['availability_zone']}/{instance['instance_id']}"}
    if taints:
        spec["taints"] = taints
    now = now_iso()
    return {
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {"alpha.kubernetes.io/provided-node-ip": instance.get("private_ip") or ""},
        },
        "spec": spec,
        "status": {
            "conditions": [
                {"type": t, "status": "False", "reason": r, "message": m, "lastHeartbeatTime": now,
                 "lastTransitionTime": now}
                for t, r, m in (
                    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                )
            ]
            + [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                "lastHeartbeatTime": now, "lastTransitionTime": now}],
            "addresses": [
                {"type": "InternalIP", "address": instance.get("private_ip") or ""},
                {"type": "InternalDNS", "address": name},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {"cpu": str(cpu), "memory": f"{gib * 1024 * 1024}Ki", "pods": "58"},
            "allocatable": {"cpu": f"{cpu * 1000 - 90}m", "memory": f"{gib * 1024 * 1024 - 700000}Ki", "pods": "58"},
            "nodeInfo": node_info(f"v{instance.get('version') or '1.33'}.0-eks", arch, instance["instance_id"]),
        },
    }


def node_ready(node: dict) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in (node.get("status") or {}).get("conditions") or []
    )


def _tolerates(tolerations: list, taint: dict) -> bool:
    for tol in tolerations or []:
        if tol.get("effect") and tol["effect"] != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists":
            if not tol.get("key") or tol.get("key") == taint.get("key"):
                return True
        elif tol.get("key") == taint.get("key") and str(tol.get("value", "")) == str(taint.get("value", "")):
            return True
    return False


def fits(pod_spec: dict, node: dict) -> bool:
    """Whether the scheduler may bind a pod with this spec to the node (filters only)."""
    if node["metadata"].get("deletionTimestamp") or not node_ready(node):
        return False
    spec = node.get("spec") or {}
    if spec.get("unschedulable"):
        return False
    if node["metadata"]["name"] == STANDIN:  # the stand-in before node groups exist takes any pod
        return True
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != str(v) for k, v in (pod_spec.get("nodeSelector") or {}).items()):
        return False
    return all(
        taint.get("effect") not in ("NoSchedule", "NoExecute") or _tolerates(pod_spec.get("tolerations"), taint)
        for taint in spec.get("taints") or []
    )


def schedule(pod_spec: dict, pod_labels: dict, nodes: list[dict], pods: list[dict]) -> str | None:
    """Pick a node for a pod: the fitting node in the zone, then on the node, with the fewest pods
    matching the pod's spread selector (its first topologySpreadConstraint's, else its labels),
    then the fewest pods overall. None: nothing fits (the pod stays Pending)."""
    candidates = [n for n in nodes if fits(pod_spec, n)]
    if not candidates:
        return None
    spread = (pod_spec.get("topologySpreadConstraints") or [{}])[0].get("labelSelector")
    match = label_selector_matcher(spread) if spread else (lambda labels: all(labels.get(k) == v for k, v in pod_labels.items()))
    zone_of = {n["metadata"]["name"]: (n["metadata"].get("labels") or {}).get(ZONE_LABEL, "") for n in nodes}
    same_node: dict[str, int] = {}
    same_zone: dict[str, int] = {}
    total: dict[str, int] = {}
    for pod in pods:
        node = (pod.get("spec") or {}).get("nodeName")
        if not node or pod["metadata"].get("deletionTimestamp"):
            continue
        total[node] = total.get(node, 0) + 1
        if match(pod["metadata"].get("labels") or {}):
            same_node[node] = same_node.get(node, 0) + 1
            same_zone[zone_of.get(node, "")] = same_zone.get(zone_of.get(node, ""), 0) + 1
    best = min(
        candidates,
        key=lambda n: (
            same_zone.get(zone_of[n["metadata"]["name"]], 0),
            same_node.get(n["metadata"]["name"], 0),
            total.get(n["metadata"]["name"], 0),
            n["metadata"]["name"],
        ),
    )
    return best["metadata"]["name"]


class NodeSimulation:
    """Registers node group instances as Nodes and removes the Nodes (and their pods) of gone ones."""

    def __init__(self, api: Api, aws_endpoint: str) -> None:
        self.api = api
        self.url = aws_endpoint.rstrip("/") + "/_emulator/eks/nodes"
        self.node_rt = api.catalog.find("", "v1", "nodes")
        self.pod_rt = api.catalog.find("", "v1", "pods")
        self.failed = False

    def _instances(self) -> list[dict] | None:
        try:
            with urllib.request.urlopen(self.url, timeout=5) as resp:  # noqa: S310 - the AWS emulator on 127.0.0.1
                data = json.loads(resp.read())
            self.failed = False
            return data if isinstance(data, list) else None
        except (OSError, ValueError) as exc:
            if not self.failed:
                LOG.info("cannot read the node groups' instances from %s: %s", self.url, exc)
            self.failed = True
            return None

    def delete_node(self, name: str) -> None:
        """The cloud node lifecycle controller deletes the Node; the pod GC its pods."""
        try:
            self.api.delete(self.node_rt, "", name)
        except ApiError:
            pass
        pods, _ = self.api.list(self.pod_rt, None, lambda p: (p.get("spec") or {}).get("nodeName") == name)
        for pod in pods:
            try:
                self.api.delete(self.pod_rt, pod["metadata"]["namespace"], pod["metadata"]["name"])
            except ApiError:
                pass

    def sync(self) -> None:
        instances = self._instances()
        if instances is None:
            return
        running = {i["private_dns_name"]: i for i in instances if i.get("state") == "running" and i.get("private_dns_name")}
        existing, _ = self.api.list(self.node_rt, None)
        names = {n["metadata"]["name"]: n for n in existing}
        for name, instance in sorted(running.items()):
            if name not in names:
                node = self.api.create(self.node_rt, "", node_body(instance))
                LOG.info("node %s registered (%s, %s, %s)", name, instance["nodegroup"], instance["availability_zone"],
                         instance["instance_id"])
                names[name] = node
        for name, node in names.items():
            if (node["metadata"].get("labels") or {}).get(NODEGROUP_LABEL) and name not in running:
                LOG.info("node %s: its instance is gone, deleting the Node and its pods", name)
                self.delete_node(name)
        if running and STANDIN in names:
            self.delete_node(STANDIN)



def evict(api: Api, ns: str, name: str, body: dict | None) -> dict:
    """POST pods/<name>/eviction: delete the pod unless a PodDisruptionBudget forbids it."""
    pdb_rt = api.catalog.find("policy", "v1", "poddisruptionbudgets")
    pod_rt = api.catalog.find("", "v1", "pods")
    with api.lock:
        pod = api.get(pod_rt, ns, name)
        labels = pod["metadata"].get("labels") or {}
        pdbs, _ = api.list(pdb_rt, ns)
        matching = [
            p for p in pdbs
            if (p.get("spec") or {}).get("selector") and label_selector_matcher(p["spec"]["selector"])(labels)
        ]
        if len(matching) > 1:
            raise ApiError(500, "InternalError",
                           "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
        if matching:
            budget = budget_of(api, matching[0], api.list(pod_rt, ns)[0])
            allowed = budget["healthy"] - budget["desired"]
            if (pod_ready(pod) and allowed <= 0) or allowed < 0:
                pdb_name = matching[0]["metadata"]["name"]
                raise ApiError(
                    429,
                    "TooManyRequests",
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    {"causes": [{"reason": "DisruptionBudget",
                                 "message": f"The disruption budget {pdb_name} needs {budget['desired']} healthy pods "
                                            f"and has {budget['healthy']} currently"}]},
                )
        options = (body or {}).get("deleteOptions") or {}
        api.delete(pod_rt, ns, name, options.get("propagationPolicy") or "Background",
                   "All" in (options.get("dryRun") or []), options.get("preconditions"))
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def pod_ready(pod: dict) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in (pod.get("status") or {}).get("conditions") or []
    )


def budget_of(api: Api, pdb: dict, pods: list[dict]) -> dict:
    """expected, healthy and desired healthy pods of a PodDisruptionBudget, from the pods now. As
    the disruption controller, the expected count is the scale of the pods' controllers
    (Deployment, StatefulSet, ReplicaSet replicas), so a pod evicted and not yet replaced still counts."""
    from .controllers import _int_or_percent

    spec = pdb.get("spec") or {}
    match = label_selector_matcher(spec.get("selector"))
    chosen = [p for p in pods if match(p["metadata"].get("labels") or {})
              and not p["metadata"].get("deletionTimestamp")] if spec.get("selector") else []
    healthy = sum(1 for p in chosen if pod_ready(p))
    expected = _controller_scale(api, pdb["metadata"].get("namespace", ""), chosen)
    if expected is None:
        expected = len(chosen)
    if "minAvailable" in spec:
        desired = _int_or_percent(spec["minAvailable"], expected, True)
    elif "maxUnavailable" in spec:
        desired = max(expected - _int_or_percent(spec["maxUnavailable"], expected, True), 0)
    else:
        desired = expected
    return {"expected": expected, "healthy": healthy, "desired": desired}


def _controller_scale(api: Api, ns: str, pods: list[dict]) -> int | None:
    """Sum of spec.replicas of the pods' top controllers; None when a pod has none."""
    if not pods:
        return None
    cat = api.catalog
    kinds = {"ReplicaSet": cat.find("apps", "v1", "replicasets"), "Deployment": cat.find("apps", "v1", "deployments"),
             "StatefulSet": cat.find("apps", "v1", "statefulsets")}
    scales: dict[str, int] = {}
    for pod in pods:
        ref = next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
        if ref is None or ref.get("kind") not in kinds:
            return None
        owner = api.get_raw(kinds[ref["kind"]], ns, ref.get("name", ""))
        if owner is not None and ref["kind"] == "ReplicaSet":
            up = next((r for r in owner["metadata"].get("ownerReferences") or []
                       if r.get("controller") and r.get("kind") == "Deployment"), None)
            top = api.get_raw(kinds["Deployment"], ns, up.get("name", "")) if up else None
            owner = top or owner
        if owner is None:
            return None
        scales[owner["metadata"]["uid"]] = int((owner.get("spec") or {}).get("replicas", 1))
    return sum(scales.values())
