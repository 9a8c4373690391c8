"""Server-side defaulting and the validation rules worth emulating (what a real API server rejects)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import itertools
import re
import threading

from .errors import ApiError
from .selectors import label_selector_matcher

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# kinds whose names must be DNS-1123 labels (63 chars, no dots)
LABEL_NAMED = {"Namespace", "Service", "Deployment", "Job", "CronJob"}


class IPAllocator:
    def __init__(self, cidr: str = "10.96.0.0/12", first: int = 10) -> None:
        self._net = ipaddress.ip_network(cidr)
        self._counter = itertools.count(first)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            return str(self._net.network_address + next(self._counter))


CLUSTER_IPS = IPAllocator()
NODE_PORTS = itertools.count(30080)


def _pod_spec_defaults(spec: dict) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            if not isinstance(c, dict):
                continue
            c.setdefault("terminationMessagePath", "/dev/termination-log")
            c.setdefault("terminationMessagePolicy", "File")
            image = str(c.get("image", ""))
            tag = image.rsplit("/", 1)[-1]
            if "imagePullPolicy" not in c:
                c["imagePullPolicy"] = (
                    "Always" if ("@" not in tag and (":" not in tag or tag.endswith(":latest"))) else "IfNotPresent"
                )
            c.setdefault("resources", {})
            for port in c.get("ports") or []:
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")
            for probe_key in ("livenessProbe", "readinessProbe", "startupProbe"):
                probe = c.get(probe_key)
                if isinstance(probe, dict):
                    probe.setdefault("timeoutSeconds", 1)
                    probe.setdefault("periodSeconds", 10)
                    probe.setdefault("successThreshold", 1)
                    probe.setdefault("failureThreshold", 3)
                    if isinstance(probe.get("httpGet"), dict):
                        probe["httpGet"].setdefault("scheme", "HTTP")
            for env in c.get("env") or []:
                ref = (env.get("valueFrom") or {}).get("fieldRef") if isinstance(env, dict) else None
                if isinstance(ref, dict):
                    ref.setdefault("apiVersion", "v1")


def apply_defaults(kind: str, obj: dict, old: dict | None) -> None:
    """Fill the fields a real API server defaults (mutates obj)."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    if kind == "Namespace":
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj.setdefault("status", {}).setdefault("phase", "Active")
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    elif kind == "Secret":
        string_data = obj.pop("stringData", None) or {}
        if string_data:
            data = obj.setdefault("data", {}) or {}
            for key, val in string_data.items():
                data[key] = base64.b64encode(str(val).encode()).decode()
            obj["data"] = data
        obj.setdefault("type", "Opaque")
    elif kind == "Service" and spec is not None:
        stype = spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        if stype != "ExternalName":
            spec.setdefault("internalTrafficPolicy", "Cluster")
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
            old_ip = ((old or {}).get("spec") or {}).get("clusterIP")
            if not spec.get("clusterIP"):
                spec["clusterIP"] = old_ip or CLUSTER_IPS.next()
            spec.setdefault("clusterIPs", [spec["clusterIP"]])
        old_ports = {p.get("port"): p for p in ((old or {}).get("spec") or {}).get("ports") or []}
        for port in spec.get("ports") or []:
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))
            if stype in ("NodePort", "LoadBalancer") and not port.get("nodePort"):
                port["nodePort"] = old_ports.get(port.get("port"), {}).get("nodePort") or next(NODE_PORTS)
        if stype in ("NodePort", "LoadBalancer"):
            spec.setdefault("externalTrafficPolicy", "Cluster")
        if stype == "LoadBalancer":
            spec.setdefault("allocateLoadBalancerNodePorts", True)
        obj.setdefault("status", {}).setdefault("loadBalancer", {})
    elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet") and spec is not None:
        if kind != "DaemonSet":
            spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Deployment":
            strategy = spec.setdefault("strategy", {})
            strategy.setdefault("type", "RollingUpdate")
            if strategy["type"] == "RollingUpdate":
                ru = strategy.setdefault("rollingUpdate", {})
                ru.setdefault("maxSurge", "25%")
                ru.setdefault("maxUnavailable", "25%")
            spec.setdefault("progressDeadlineSeconds", 600)
        template = spec.get("template")
        if isinstance(template, dict):
            template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
            if isinstance(template.get("spec"), dict):
                _pod_spec_defaults(template["spec"])
    elif kind == "Job" and spec is not None:
        spec.setdefault("parallelism", 1)
        spec.setdefault("completions", 1)
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completionMode", "NonIndexed")
        spec.setdefault("suspend", False)
        uid = obj["metadata"]["uid"]
        labels = {
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": obj["metadata"]["name"],
            "controller-uid": uid,
            "job-name": obj["metadata"]["name"],
        }
        spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
        template = spec.setdefault("template", {})
        template.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
        if isinstance(template.get("spec"), dict):
            template["spec"].setdefault("restartPolicy", "Never")
            _pod_spec_defaults(template["spec"])
    elif kind == "Pod" and spec is not None:
        _pod_spec_defaults(spec)
    elif kind == "HorizontalPodAutoscaler" and spec is not None:
        spec.setdefault("minReplicas", 1)
    elif kind == "CustomResourceDefinition" and spec is not None:
        for ver in spec.get("versions") or []:
            ver.setdefault("served", True)
        names = spec.setdefault("names", {})
        names.setdefault("singular", str(names.get("kind", "")).lower())
        names.setdefault("listKind", f"{names.get('kind', '')}List")
        spec.setdefault("conversion", {"strategy": "None"})
        obj["status"] = {
            "acceptedNames": dict(names),
            "conditions": [
                {
                    "type": "NamesAccepted",
                    "status": "True",
                    "reason": "NoConflicts",
                    "message": "no conflicts found",
                    "lastTransitionTime": obj["metadata"]["creationTimestamp"],
                },
                {
                    "type": "Established",
                    "status": "True",
                    "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted",
                    "lastTransitionTime": obj["metadata"]["creationTimestamp"],
                },
            ],
            "storedVersions": [v["name"] for v in spec.get("versions") or [] if v.get("storage")],
        }


def _invalid(kind: str, name: str, causes: list[tuple[str, str]]) -> ApiError:
    msg = "; ".join(f"{field}: {why}" for field, why in causes)
    return ApiError(
        422,
        "Invalid",
        f'{kind} "{name}" is invalid: {msg}',
        {
            "name": name,
            "kind": kind,
            "causes": [{"reason": "FieldValueInvalid", "message": why, "field": field} for field, why in causes],
        },
    )


def validate(kind: str, obj: dict, old: dict | None) -> None:
    """Reject what a real API server rejects (the subset that catches real mistakes)."""
    meta = obj.get("metadata") or {}
    name = meta.get("name", "")
    causes: list[tuple[str, str]] = []
    pattern = DNS1123_LABEL if kind in LABEL_NAMED else DNS1123_SUBDOMAIN
    limit = 63 if kind in LABEL_NAMED else 253
    if kind not in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding") and (
        not pattern.match(name) or len(name) > limit
    ):
        causes.append(
            (
                "metadata.name",
                f'Invalid value: "{name}": a lowercase RFC 1123 '
                f'{"label" if limit == 63 else "subdomain"} must consist of lower case alphanumeric '
                "characters, '-' or '.'",
            )
        )
    for key, val in (meta.get("labels") or {}).items():
        if not isinstance(val, str) or len(val) > 63 or not LABEL_VALUE.match(val):
            causes.append(
                (
                    f"metadata.labels",
                    f'Invalid value: "{val}": a valid label must be an empty string or '
                    "consist of alphanumeric characters, '-', '_' or '.'",
                )
            )
    for key, val in (meta.get("annotations") or {}).items():
        if not isinstance(val, str):
            causes.append((f"metadata.annotations", f"Invalid value: annotation {key} must be a string"))
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    old_spec = (old or {}).get("spec") or {}
    if kind == "Secret":
        for key, val in (obj.get("data") or {}).items():
            try:
                base64.b64decode(str(val), validate=True)
            except (binascii.Error, ValueError):
                causes.append((f"data[{key}]", "Invalid value: illegal base64 data"))
    if kind == "ConfigMap":
        for key, val in (obj.get("data") or {}).items():
            if not isinstance(val, str):
                causes.append((f"data[{key}]", "Invalid value: must be a string"))
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
        selector = spec.get("selector")
        tlabels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
            causes.append(("spec.selector", "Required value"))
        elif not label_selector_matcher(selector)(tlabels):
            causes.append(
                (
                    "spec.template.metadata.labels",
                    f"Invalid value: {tlabels}: `selector` does not match template `labels`",
                )
            )
        if old and old_spec.get("selector") != spec.get("selector") and kind != "ReplicaSet":
            causes.append(("spec.selector", "Invalid value: field is immutable"))
        if isinstance(spec.get("replicas"), int) and spec["replicas"] < 0:
            causes.append(("spec.replicas", "Invalid value: must be greater than or equal to 0"))
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        pod_spec = (spec.get("template") or {}).get("spec") or {}
        causes.extend(_pod_spec_causes(pod_spec, "spec.template.spec"))
    if kind == "Pod":
        causes.extend(_pod_spec_causes(spec, "spec"))
    if kind == "Service":
        if (
            spec.get("type", "ClusterIP") != "ExternalName"
            and not spec.get("ports")
            and spec.get("clusterIP") != "None"
        ):
            causes.append(("spec.ports", "Required value"))
        old_ip = old_spec.get("clusterIP")
        if old and old_ip and spec.get("clusterIP") and spec.get("clusterIP") != old_ip:
            causes.append(("spec.clusterIPs[0]", "Invalid value: field is immutable"))
    if kind == "HorizontalPodAutoscaler":
        lo, hi = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if not isinstance(hi, int):
            causes.append(("spec.maxReplicas", "Required value"))
        elif isinstance(lo, int) and lo > hi:
            causes.append(("spec.maxReplicas", f"Invalid value: {hi}: must be greater than or equal to `minReplicas`"))
        if not (spec.get("scaleTargetRef") or {}).get("name"):
            causes.append(("spec.scaleTargetRef.name", "Required value"))
    if kind == "PodDisruptionBudget" and "minAvailable" in spec and "maxUnavailable" in spec:
        causes.append(("spec", "Invalid value: minAvailable and maxUnavailable cannot be both set"))
    if kind == "Job" and old and old_spec.get("template") != spec.get("template"):
        causes.append(("spec.template", "Invalid value: field is immutable"))
    if kind == "CustomResourceDefinition":
        names = spec.get("names") or {}
        if name != f"{names.get('plural')}.{spec.get('group')}":
            causes.append(("metadata.name", f'Invalid value: "{name}": must be spec.names.plural+"."+spec.group'))
        versions = spec.get("versions") or []
        if sum(1 for v in versions if v.get("storage")) != 1:
            causes.append(("spec.versions", "Invalid value: must have exactly one version marked as storage version"))
        if spec.get("scope") not in ("Namespaced", "Cluster"):
            causes.append(("spec.scope", 'Unsupported value: supported values: "Cluster", "Namespaced"'))
    if causes:
        raise _invalid(kind, name, causes)


def _pod_spec_causes(pod_spec: dict, prefix: str) -> list[tuple[str, str]]:
    causes = []
    containers = pod_spec.get("containers") or []
    if not containers:
        causes.append((f"{prefix}.containers", "Required value"))
    seen = set()
    for idx, c in enumerate(containers + (pod_spec.get("initContainers") or [])):
        cname = c.get("name") if isinstance(c, dict) else None
        if not cname or not DNS1123_LABEL.match(str(cname)):
            causes.append((f"{prefix}.containers[{idx}].name", f'Invalid value: "{cname}"'))
        if cname in seen:
            causes.append((f"{prefix}.containers[{idx}].name", f'Duplicate value: "{cname}"'))
        seen.add(cname)
        if isinstance(c, dict) and not c.get("image"):
            causes.append((f"{prefix}.containers[{idx}].image", "Required value"))
    return causes
