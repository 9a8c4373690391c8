"""In-memory object store with resourceVersion/watch semantics, and the API verbs on top of it."""

from __future__ import annotations

import bisect
import copy
import json
import threading
import time
import uuid
from typing import Any, Callable, Iterator

from . import defaults as dflt
from .catalog import GENERATION_KINDS, Catalog, ResourceType
from .errors import ApiError, already_exists, bad_request, conflict, not_found
from .patch import PatchError, json_patch, merge_patch, strategic_merge
from .selectors import selector_string

LOG_KEEP = 20000


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Store:
    """Objects keyed by storage type and (namespace, name); a global resourceVersion counter; an event log."""

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.RLock())
        self.rv = 1000
        self.objects: dict[tuple[str, str], dict[tuple[str, str], dict]] = {}
        self.log: list[tuple[int, tuple[str, str], str, dict, dict | None]] = []
        self.log_rvs: list[int] = []
        self.log_floor = self.rv  # watches from a resourceVersion below this get 410 Gone
        self.closing = False
        self.listeners: list[Callable[[tuple[str, str], str, dict], None]] = []

    def bucket(self, key: tuple[str, str]) -> dict[tuple[str, str], dict]:
        return self.objects.setdefault(key, {})

    def record(self, key: tuple[str, str], etype: str, obj: dict, old: dict | None) -> None:
        """Append a watch event (call with the lock held, after obj got its resourceVersion)."""
        rv = int(obj["metadata"]["resourceVersion"])
        self.log.append((rv, key, etype, copy.deepcopy(obj), copy.deepcopy(old) if old else None))
        self.log_rvs.append(rv)
        if len(self.log) > LOG_KEEP:
            cut = LOG_KEEP // 2
            self.log_floor = self.log_rvs[cut - 1]
            del self.log[:cut]
            del self.log_rvs[:cut]
        self.cond.notify_all()
        for listener in self.listeners:
            listener(key, etype, obj)

    def next_rv(self) -> str:
        self.rv += 1
        return str(self.rv)

    def close(self) -> None:
        with self.cond:
            self.closing = True
            self.cond.notify_all()


def _strip_for_compare(obj: dict) -> dict:
    out = copy.deepcopy(obj)
    meta = out.get("metadata", {})
    for key in ("resourceVersion", "managedFields", "generation"):
        meta.pop(key, None)
    return out


def _spec_part(obj: dict, include_status: bool) -> dict:
    skip = {"metadata", "kind", "apiVersion"} | (set() if include_status else {"status"})
    return {k: v for k, v in obj.items() if k not in skip}


class Api:
    """The verbs of the Kubernetes API over a Store. Thread-safe (one lock for all writes)."""

    def __init__(self, catalog: Catalog, store: Store, require_namespace: bool = True) -> None:
        self.catalog = catalog
        self.store = store
        self.require_namespace = require_namespace
        self.lock = store.cond

    # ------------------------------------------------------------------ helpers
    def key(self, rt: ResourceType) -> tuple[str, str]:
        return (rt.group, rt.plural)

    def render(self, rt: ResourceType, obj: dict) -> dict:
        out = copy.deepcopy(obj)
        out["apiVersion"] = rt.api_version
        out["kind"] = rt.kind
        return out

    def _ns_rt(self) -> ResourceType:
        return self.catalog.find("", "v1", "namespaces")

    def _check_namespace(self, ns: str) -> None:
        if not self.require_namespace:
            return
        if ("", ns) not in self.store.bucket(("", "namespaces")):
            raise not_found("namespaces", ns)
        nsobj = self.store.bucket(("", "namespaces")).get(("", ns))
        if nsobj and nsobj.get("metadata", {}).get("deletionTimestamp"):
            raise ApiError(
                403,
                "Forbidden",
                f"unable to create new content in namespace {ns} because it is being " "terminated",
                {"name": ns, "kind": "namespaces"},
            )

    def get_raw(self, rt: ResourceType, ns: str, name: str) -> dict | None:
        with self.lock:
            obj = self.store.bucket(self.key(rt)).get((ns if rt.namespaced else "", name))
            return copy.deepcopy(obj) if obj else None

    # ------------------------------------------------------------------ read
    def get(self, rt: ResourceType, ns: str, name: str) -> dict:
        obj = self.get_raw(rt, ns, name)
        if obj is None:
            raise not_found(rt.gr, name, rt.group, rt.plural)
        return self.render(rt, obj)

    def list(self, rt: ResourceType, ns: str | None, pred: Callable[[dict], bool] | None = None) -> tuple[list, str]:
        with self.lock:
            items = [
                self.render(rt, o)
                for (ons, _), o in sorted(self.store.bucket(self.key(rt)).items())
                if (not ns or ons == ns) and (pred is None or pred(o))
            ]
            return items, str(self.store.rv)

    def watch(
        self,
        rt: ResourceType,
        ns: str | None,
        pred: Callable[[dict], bool],
        since: str | None,
        timeout: float,
    ) -> Iterator[dict | None]:
        """Yield watch events ({type, object}); None is a keep-alive tick (about once a second)."""
        key = self.key(rt)
        deadline = time.monotonic() + timeout
        with self.lock:
            if since in (None, "", "0"):
                initial = [
                    {"type": "ADDED", "object": self.render(rt, o)}
                    for (ons, _), o in sorted(self.store.bucket(key).items())
                    if (not ns or ons == ns) and pred(o)
                ]
                cursor = self.store.rv
            else:
                try:
                    cursor = int(since)
                except ValueError:
                    cursor = -1
                if cursor < self.store.log_floor:
                    yield {
                        "type": "ERROR",
                        "object": ApiError(
                            410, "Expired", f"too old resource version: {since} " f"({self.store.log_floor})"
                        ).status(),
                    }
                    return
                initial = []
        yield from initial
        while True:
            batch = []
            with self.lock:
                while True:
                    if self.store.closing:
                        return
                    pos = bisect.bisect_right(self.store.log_rvs, cursor)
                    if pos < len(self.store.log):
                        batch = self.store.log[pos:]
                        cursor = self.store.log_rvs[-1]
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return
                    if not self.store.cond.wait(min(remaining, 1.0)):
                        break
            if not batch:
                if time.monotonic() >= deadline:
                    return
                yield None
                continue
            for _rv, ekey, etype, obj, old in batch:
                if ekey != key:
                    continue
                ons = obj["metadata"].get("namespace", "")
                if ns and ons != ns:
                    continue
                now_match = pred(obj)
                was_match = pred(old) if old is not None else False
                if etype == "MODIFIED":
                    if now_match and not was_match:
                        etype = "ADDED"
                    elif was_match and not now_match:
                        etype = "DELETED"
                    elif not now_match:
                        continue
                elif not now_match:
                    continue
                yield {"type": etype, "object": self.render(rt, obj)}

    # ------------------------------------------------------------------ write core
    def _commit(self, rt: ResourceType, new: dict, old: dict | None, dry_run: bool) -> dict:
        """Default, validate, bump generation, store, record. Returns the stored object."""
        srt = self.catalog.storage_type(rt)
        dflt.apply_defaults(rt.kind, new, old)
        dflt.validate(rt.kind, new, old)
        meta = new["metadata"]
        has_generation = rt.kind in GENERATION_KINDS or rt.custom
        if old is None:
            if has_generation:
                meta["generation"] = 1
        else:
            for field in ("uid", "creationTimestamp", "deletionTimestamp", "generation"):
                if field in old["metadata"]:
                    meta[field] = old["metadata"][field]
                else:
                    meta.pop(field, None)
            include_status = rt.custom and "status" not in rt.subresources
            if has_generation and _spec_part(new, include_status) != _spec_part(old, include_status):
                meta["generation"] = int(old["metadata"].get("generation", 1)) + 1
            if _strip_for_compare(new) == _strip_for_compare(old):
                return copy.deepcopy(old)  # no-op: no new resourceVersion, no event
        new["apiVersion"] = srt.api_version
        if dry_run:
            if old is None:
                meta.pop("resourceVersion", None)
            else:
                meta["resourceVersion"] = old["metadata"]["resourceVersion"]
            return new
        if old is not None and old["metadata"].get("deletionTimestamp") and not meta.get("finalizers"):
            self._remove(rt, old, "Background")
            return new
        meta["resourceVersion"] = self.store.next_rv()
        bucket = self.store.bucket(self.key(srt))
        bucket[(meta.get("namespace", ""), meta["name"])] = copy.deepcopy(new)
        self.store.record(self.key(srt), "ADDED" if old is None else "MODIFIED", new, old)
        self._after_write(rt, new, old)
        return copy.deepcopy(new)

    def _after_write(self, rt: ResourceType, obj: dict, old: dict | None) -> None:
        if rt.kind == "CustomResourceDefinition" and rt.group == "apiextensions.k8s.io":
            self.catalog.register_crd(obj)
        if rt.kind == "Namespace" and rt.group == "" and old is None:
            self._seed_namespace(obj["metadata"]["name"])

    def _seed_namespace(self, ns: str) -> None:
        """What the service-account and root-CA controllers add to every new namespace."""
        sa_rt = self.catalog.find("", "v1", "serviceaccounts")
        cm_rt = self.catalog.find("", "v1", "configmaps")
        if ns:
            for rt, body in (
                (sa_rt, {"metadata": {"name": "default", "namespace": ns}}),
                (
                    cm_rt,
                    {
                        "metadata": {
                            "name": "kube-root-ca.crt",
                            "namespace": ns,
                            "annotations": {
                                "kubernetes.io/description": "Contains a CA bundle that can "
                                "be used to verify the kube-apiserver when using internal "
                                "endpoints such as the internal service IP or "
                                "kubernetes.default.svc."
                            },
                        },
                        "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nZW11bGF0b3I=\n-----END CERTIFICATE-----\n"},
                    },
                ),
            ):
                if (ns, body["metadata"]["name"]) not in self.store.bucket(self.key(rt)):
                    self.create(rt, ns, body, dry_run=False)

    def _new_meta(self, rt: ResourceType, ns: str, body: dict) -> dict:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        obj = copy.deepcopy(body)
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise bad_request("metadata must be an object")
        if body.get("kind") and body["kind"] != rt.kind:
            raise bad_request(
                f"the kind of the provided object ({body['kind']}) does not match the resource " f"({rt.kind})"
            )
        if rt.namespaced:
            if meta.get("namespace") and ns and meta["namespace"] != ns:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on the " "request"
                )
            meta["namespace"] = ns or meta.get("namespace") or "default"
        else:
            meta.pop("namespace", None)
        obj["kind"] = rt.kind
        return obj

    # ------------------------------------------------------------------ verbs
    def create(self, rt: ResourceType, ns: str, body: dict, dry_run: bool = False) -> dict:
        obj = self._new_meta(rt, ns, body)
        meta = obj["metadata"]
        if not meta.get("name"):
            if meta.get("generateName"):
                meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
            else:
                raise ApiError(
                    422,
                    "Invalid",
                    f'{rt.kind} "" is invalid: metadata.name: Required value: name or ' "generateName is required",
                    {
                        "kind": rt.kind,
                        "causes": [
                            {
                                "reason": "FieldValueRequired",
                                "message": "Required value: name or generateName " "is required",
                                "field": "metadata.name",
                            }
                        ],
                    },
                )
        if meta.get("resourceVersion"):
            raise bad_request("resourceVersion should not be set on objects to be created")
        with self.lock:
            if rt.namespaced:
                self._check_namespace(meta["namespace"])
            bucket = self.store.bucket(self.key(self.catalog.storage_type(rt)))
            if (meta.get("namespace", ""), meta["name"]) in bucket:
                raise already_exists(rt.gr, meta["name"], rt.group, rt.plural)
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_iso()
            meta.pop("deletionTimestamp", None)
            meta.pop("managedFields", None)
            return self.render(rt, self._commit(rt, obj, None, dry_run))

    def update(self, rt: ResourceType, ns: str, name: str, body: dict, sub: str = "", dry_run: bool = False) -> dict:
        obj = self._new_meta(rt, ns, body)
        if obj["metadata"].get("name") and obj["metadata"]["name"] != name:
            raise bad_request("the name of the object does not match the name on the URL")
        obj["metadata"]["name"] = name
        with self.lock:
            old = self.get_raw(rt, ns, name)
            if old is None:
                raise not_found(rt.gr, name, rt.group, rt.plural)
            want_rv = obj["metadata"].get("resourceVersion")
            if want_rv and want_rv != old["metadata"]["resourceVersion"]:
                raise conflict(rt.gr, name, rt.group, rt.plural)
            obj = self._split_subresource(rt, old, obj, sub)
            return self.render(rt, self._commit(rt, obj, old, dry_run))

    def _split_subresource(self, rt: ResourceType, old: dict, new: dict, sub: str) -> dict:
        """Main resource writes keep the old status; status writes keep everything but status."""
        if sub == "status":
            merged = copy.deepcopy(old)
            if "status" in new:
                merged["status"] = new["status"]
            else:
                merged.pop("status", None)
            return merged
        if "status" in rt.subresources:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        return new

    def patch(
        self,
        rt: ResourceType,
        ns: str,
        name: str,
        body: Any,
        content_type: str,
        sub: str = "",
        dry_run: bool = False,
        field_manager: str | None = None,
    ) -> dict:
        ctype = content_type.split(";")[0].strip().lower()
        with self.lock:
            old = self.get_raw(rt, ns, name)
            if ctype == "application/apply-patch+yaml":
                if not field_manager:
                    raise bad_request(
                        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is '
                        "required for apply patch"
                    )
                if old is None and sub == "":
                    body = dict(body or {})
                    body.setdefault("metadata", {})["name"] = name
                    return self.create(rt, ns, body, dry_run)
            if old is None:
                raise not_found(rt.gr, name, rt.group, rt.plural)
            current = self.render(rt, old)
            try:
                if ctype == "application/merge-patch+json":
                    patched = merge_patch(current, body)
                elif ctype == "application/strategic-merge-patch+json":
                    if rt.custom:
                        raise ApiError(
                            415,
                            "UnsupportedMediaType",
                            "the body of the request was in an unknown "
                            "format - accepted media types include: application/json-patch+json, "
                            "application/merge-patch+json, application/apply-patch+yaml",
                        )
                    patched = strategic_merge(current, body, rt.kind)
                elif ctype == "application/json-patch+json":
                    patched = json_patch(current, body)
                elif ctype == "application/apply-patch+yaml":
                    patched = merge_patch(current, body) if rt.custom else strategic_merge(current, body, rt.kind)
                else:
                    raise ApiError(
                        415,
                        "UnsupportedMediaType",
                        f"the body of the request was in an unknown format - "
                        f"accepted media types include: application/json-patch+json, "
                        f"application/merge-patch+json, application/apply-patch+yaml, "
                        f"application/strategic-merge-patch+json ({ctype})",
                    )
            except PatchError as exc:
                raise ApiError(422, "Invalid", str(exc)) from exc
            if not isinstance(patched, dict):
                raise bad_request("the patch did not produce an object")
            want_rv = (patched.get("metadata") or {}).get("resourceVersion")
            if want_rv and want_rv != old["metadata"]["resourceVersion"]:
                raise conflict(rt.gr, name, rt.group, rt.plural)
            patched = self._new_meta(rt, ns, patched)
            patched["metadata"]["name"] = name
            patched = self._split_subresource(rt, old, patched, sub)
            return self.render(rt, self._commit(rt, patched, old, dry_run))

    def delete(
        self,
        rt: ResourceType,
        ns: str,
        name: str,
        propagation: str = "Background",
        dry_run: bool = False,
        preconditions: dict | None = None,
    ) -> dict:
        with self.lock:
            old = self.get_raw(rt, ns, name)
            if old is None:
                raise not_found(rt.gr, name, rt.group, rt.plural)
            pre = preconditions or {}
            if pre.get("resourceVersion") and pre["resourceVersion"] != old["metadata"]["resourceVersion"]:
                raise conflict(rt.gr, name, rt.group, rt.plural)
            if pre.get("uid") and pre["uid"] != old["metadata"]["uid"]:
                raise conflict(rt.gr, name, rt.group, rt.plural)
            if dry_run:
                return self.render(rt, old)
            if old["metadata"].get("finalizers") and rt.kind != "Namespace":
                if not old["metadata"].get("deletionTimestamp"):
                    new = copy.deepcopy(old)
                    new["metadata"]["deletionTimestamp"] = now_iso()
                    new["metadata"]["deletionGracePeriodSeconds"] = 0
                    new["metadata"]["resourceVersion"] = self.store.next_rv()
                    self.store.bucket(self.key(self.catalog.storage_type(rt)))[(ns if rt.namespaced else "", name)] = (
                        copy.deepcopy(new)
                    )
                    self.store.record(self.key(self.catalog.storage_type(rt)), "MODIFIED", new, old)
                    return self.render(rt, new)
                return self.render(rt, old)
            final = self._remove(rt, old, propagation)
            return self.render(rt, final)

    def _remove(self, rt: ResourceType, old: dict, propagation: str) -> dict:
        srt = self.catalog.storage_type(rt)
        meta = old["metadata"]
        final = copy.deepcopy(old)
        if rt.kind == "Namespace" and rt.group == "":
            final["metadata"]["deletionTimestamp"] = now_iso()
            final.setdefault("status", {})["phase"] = "Terminating"
            self._purge_namespace(meta["name"])
        self.store.bucket(self.key(srt)).pop((meta.get("namespace", ""), meta["name"]), None)
        final["metadata"]["resourceVersion"] = self.store.next_rv()
        self.store.record(self.key(srt), "DELETED", final, old)
        if rt.kind == "CustomResourceDefinition" and rt.group == "apiextensions.k8s.io":
            self._purge_crd(old)
        if propagation != "Orphan":
            self._collect_dependents(meta["uid"])
        return final

    def _purge_namespace(self, ns: str) -> None:
        for rt in self.catalog.all():
            if not rt.namespaced or self.catalog.storage_type(rt) is not rt:
                continue
            for (ons, name), obj in sorted(self.store.bucket(self.key(rt)).items()):
                if ons == ns:
                    self._remove(rt, obj, "Orphan")

    def _purge_crd(self, crd: dict) -> None:
        types = [
            rt
            for rt in self.catalog.all()
            if rt.custom and rt.crd and rt.group == crd["spec"]["group"] and rt.plural == crd["spec"]["names"]["plural"]
        ]
        if types:
            srt = self.catalog.storage_type(types[0])
            for _key, obj in sorted(self.store.bucket(self.key(srt)).items()):
                self._remove(srt, obj, "Background")
            self.store.objects.pop(self.key(srt), None)
        self.catalog.unregister_crd(crd)

    def _collect_dependents(self, uid: str) -> None:
        for rt in self.catalog.all():
            if self.catalog.storage_type(rt) is not rt:
                continue
            for _key, obj in sorted(self.store.bucket(self.key(rt)).items()):
                refs = obj["metadata"].get("ownerReferences") or []
                if any(r.get("uid") == uid for r in refs):
                    if self.get_raw(rt, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]) is not None:
                        self._remove(rt, obj, "Background")

    def delete_collection(self, rt: ResourceType, ns: str | None, pred: Callable[[dict], bool], dry_run: bool) -> list:
        with self.lock:
            items, _ = self.list(rt, ns, pred)
            out = []
            for item in items:
                meta = item["metadata"]
                try:
                    out.append(self.delete(rt, meta.get("namespace", ""), meta["name"], dry_run=dry_run))
                except ApiError:
                    pass
            return out

    # ------------------------------------------------------------------ scale subresource
    def get_scale(self, rt: ResourceType, ns: str, name: str) -> dict:
        obj = self.get(rt, ns, name)
        meta = obj["metadata"]
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta
            },
            "spec": {"replicas": obj.get("spec", {}).get("replicas", 0)},
            "status": {
                "replicas": obj.get("status", {}).get("replicas", 0),
                "selector": selector_string(obj.get("spec", {}).get("selector")),
            },
        }

    def write_scale(
        self, rt: ResourceType, ns: str, name: str, body: Any, content_type: str | None, dry_run: bool
    ) -> dict:
        with self.lock:
            scale = self.get_scale(rt, ns, name)
            if content_type is None:
                new_scale = body
                want_rv = (body.get("metadata") or {}).get("resourceVersion")
                if want_rv and want_rv != scale["metadata"]["resourceVersion"]:
                    raise conflict(rt.gr, name, rt.group, rt.plural)
            else:
                ctype = content_type.split(";")[0].strip()
                try:
                    if ctype == "application/json-patch+json":
                        new_scale = json_patch(scale, body)
                    elif ctype == "application/strategic-merge-patch+json":
                        new_scale = strategic_merge(scale, body, "Scale")
                    else:
                        new_scale = merge_patch(scale, body)
                except PatchError as exc:
                    raise ApiError(422, "Invalid", str(exc)) from exc
            replicas = (new_scale.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or replicas < 0:
                raise ApiError(
                    422,
                    "Invalid",
                    f'Scale.autoscaling "{name}" is invalid: spec.replicas: Invalid value: '
                    f"{replicas}: must be greater than or equal to 0",
                )
            obj = self.get_raw(rt, ns, name)
            obj["spec"]["replicas"] = replicas
            self.update(rt, ns, name, self.render(rt, obj), dry_run=dry_run)
            result = self.get_scale(rt, ns, name)
            result["spec"]["replicas"] = replicas
            return result

    # ------------------------------------------------------------------ internal writes for controllers
    def controller_write(self, rt: ResourceType, obj: dict, sub: str = "") -> dict | None:
        """Write as a controller would (unconditional update of main resource or status). None if gone."""
        meta = obj["metadata"]
        with self.lock:
            old = self.get_raw(rt, meta.get("namespace", ""), meta["name"])
            if old is None or old["metadata"]["uid"] != meta.get("uid", old["metadata"]["uid"]):
                return None
            new = copy.deepcopy(obj)
            new["metadata"].pop("resourceVersion", None)
            new = self._split_subresource(rt, old, new, sub)
            return self._commit(rt, new, old, dry_run=False)


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()
