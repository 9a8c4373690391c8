"""meta.k8s.io/v1 Table responses (what `kubectl get` prints), with the real columns for common kinds."""

from __future__ import annotations

import re

import calendar
import time

from .selectors import selector_string


def _age(ts: str | None) -> str:
    if not ts:
        return "<unknown>"
    try:
        secs = int(time.time() - calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return "<unknown>"
    secs = max(secs, 0)
    if secs < 120:
        return f"{secs}s"
    mins = secs // 60
    if mins < 10:
        return f"{mins}m{secs % 60}s" if secs % 60 else f"{mins}m"
    if mins < 180:
        return f"{mins}m"
    hours = mins // 60
    if hours < 8:
        return f"{hours}h{mins % 60}m" if mins % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    return f"{days}d{hours % 24}h" if days < 8 and hours % 24 else f"{days}d"


def _col(name: str, ctype: str = "string", fmt: str = "", priority: int = 0, desc: str = "") -> dict:
    return {"name": name, "type": ctype, "format": fmt, "description": desc or name, "priority": priority}


def _containers(obj: dict) -> list:
    return (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []


def _ports(spec: dict) -> str:
    out = []
    for p in spec.get("ports") or []:
        text = f"{p.get('port')}"
        if p.get("nodePort"):
            text += f":{p['nodePort']}"
        out.append(f"{text}/{p.get('protocol', 'TCP')}")
    return ",".join(out) or "<none>"


def _pod_ready(pod: dict) -> str:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    total = len((pod.get("spec") or {}).get("containers") or [])
    return f"{sum(1 for s in statuses if s.get('ready'))}/{total}"


def _metrics(spec: dict) -> str:
    parts = []
    for m in spec.get("metrics") or []:
        res = m.get("resource") or {}
        target = res.get("target") or {}
        if "averageUtilization" in target:
            parts.append(f"{res.get('name')}: <unknown>/{target['averageUtilization']}%")
    return ", ".join(parts) or "<none>"


def _job_status(obj: dict) -> str:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Complete" and c.get("status") == "True":
            return "Complete"
        if c.get("type") == "Failed" and c.get("status") == "True":
            return "Failed"
    return "Running"


def columns_for(kind: str, crd: dict | None = None, version: str = ""):
    """Return (column definitions, cell function)."""
    name = _col("Name", fmt="name", desc="Name must be unique within a namespace.")
    age = _col(
        "Age", desc="CreationTimestamp is a timestamp representing the server time when this object was " "created."
    )

    def meta(o):
        return o["metadata"]

    if kind == "Namespace":
        return [name, _col("Status"), age], lambda o: [
            meta(o)["name"],
            (o.get("status") or {}).get("phase", "Active"),
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "Deployment":
        return [
            name,
            _col("Ready"),
            _col("Up-to-date", "integer"),
            _col("Available", "integer"),
            age,
            _col("Containers", priority=1),
            _col("Images", priority=1),
            _col("Selector", priority=1),
        ], lambda o: [
            meta(o)["name"],
            f"{(o.get('status') or {}).get('readyReplicas', 0)}/{(o.get('spec') or {}).get('replicas', 1)}",
            (o.get("status") or {}).get("updatedReplicas", 0),
            (o.get("status") or {}).get("availableReplicas", 0),
            _age(meta(o).get("creationTimestamp")),
            ",".join(c.get("name", "") for c in _containers(o)),
            ",".join(c.get("image", "") for c in _containers(o)),
            selector_string((o.get("spec") or {}).get("selector")),
        ]
    if kind in ("ReplicaSet", "StatefulSet"):
        if kind == "StatefulSet":
            return [name, _col("Ready"), age], lambda o: [
                meta(o)["name"],
                f"{(o.get('status') or {}).get('readyReplicas', 0)}/{(o.get('spec') or {}).get('replicas', 1)}",
                _age(meta(o).get("creationTimestamp")),
            ]
        return [
            name,
            _col("Desired", "integer"),
            _col("Current", "integer"),
            _col("Ready", "integer"),
            age,
            _col("Containers", priority=1),
            _col("Images", priority=1),
        ], lambda o: [
            meta(o)["name"],
            (o.get("spec") or {}).get("replicas", 0),
            (o.get("status") or {}).get("replicas", 0),
            (o.get("status") or {}).get("readyReplicas", 0),
            _age(meta(o).get("creationTimestamp")),
            ",".join(c.get("name", "") for c in _containers(o)),
            ",".join(c.get("image", "") for c in _containers(o)),
        ]
    if kind == "Pod":
        return [
            name,
            _col("Ready"),
            _col("Status"),
            _col("Restarts", "string"),
            age,
            _col("IP", priority=1),
            _col("Node", priority=1),
        ], lambda o: [
            meta(o)["name"],
            _pod_ready(o),
            (o.get("status") or {}).get("phase", "Pending"),
            "0",
            _age(meta(o).get("creationTimestamp")),
            (o.get("status") or {}).get("podIP", "<none>"),
            (o.get("spec") or {}).get("nodeName", "<none>"),
        ]
    if kind == "Service":
        return [
            name,
            _col("Type"),
            _col("Cluster-IP"),
            _col("External-IP"),
            _col("Port(s)"),
            age,
            _col("Selector", priority=1),
        ], lambda o: [
            meta(o)["name"],
            (o.get("spec") or {}).get("type", "ClusterIP"),
            (o.get("spec") or {}).get("clusterIP", "<none>"),
            ",".join(
                i.get("hostname") or i.get("ip", "")
                for i in ((o.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            )
            or ("<pending>" if (o.get("spec") or {}).get("type") == "LoadBalancer" else "<none>"),
            _ports(o.get("spec") or {}),
            _age(meta(o).get("creationTimestamp")),
            ",".join(f"{k}={v}" for k, v in sorted(((o.get("spec") or {}).get("selector") or {}).items())) or "<none>",
        ]
    if kind == "ConfigMap":
        return [name, _col("Data", "integer"), age], lambda o: [
            meta(o)["name"],
            len(o.get("data") or {}) + len(o.get("binaryData") or {}),
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "Secret":
        return [name, _col("Type"), _col("Data", "integer"), age], lambda o: [
            meta(o)["name"],
            o.get("type", "Opaque"),
            len(o.get("data") or {}),
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "HorizontalPodAutoscaler":
        return [
            name,
            _col("Reference"),
            _col("Targets"),
            _col("MinPods", "integer"),
            _col("MaxPods", "integer"),
            _col("Replicas", "integer"),
            age,
        ], lambda o: [
            meta(o)["name"],
            f"{((o.get('spec') or {}).get('scaleTargetRef') or {}).get('kind')}/"
            f"{((o.get('spec') or {}).get('scaleTargetRef') or {}).get('name')}",
            _metrics(o.get("spec") or {}),
            (o.get("spec") or {}).get("minReplicas", 1),
            (o.get("spec") or {}).get("maxReplicas", 0),
            (o.get("status") or {}).get("currentReplicas", 0),
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "PodDisruptionBudget":
        return [
            name,
            _col("Min Available"),
            _col("Max Unavailable"),
            _col("Allowed Disruptions", "integer"),
            age,
        ], lambda o: [
            meta(o)["name"],
            str((o.get("spec") or {}).get("minAvailable", "N/A")),
            str((o.get("spec") or {}).get("maxUnavailable", "N/A")),
            (o.get("status") or {}).get("disruptionsAllowed", 0),
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "Ingress":
        return [name, _col("Class"), _col("Hosts"), _col("Address"), _col("Ports"), age], lambda o: [
            meta(o)["name"],
            (o.get("spec") or {}).get("ingressClassName", "<none>"),
            ",".join(r.get("host", "*") for r in (o.get("spec") or {}).get("rules") or []) or "*",
            ",".join(
                i.get("hostname") or i.get("ip", "")
                for i in ((o.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            ),
            "80, 443" if (o.get("spec") or {}).get("tls") else "80",
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "Job":
        return [name, _col("Status"), _col("Completions"), _col("Duration"), age], lambda o: [
            meta(o)["name"],
            _job_status(o),
            f"{(o.get('status') or {}).get('succeeded', 0)}/{(o.get('spec') or {}).get('completions', 1)}",
            "0s" if (o.get("status") or {}).get("completionTime") else _age((o.get("status") or {}).get("startTime")),
            _age(meta(o).get("creationTimestamp")),
        ]
    if kind == "Event":
        return [_col("Last Seen"), _col("Type"), _col("Reason"), _col("Object"), _col("Message")], lambda o: [
            _age(o.get("lastTimestamp")),
            o.get("type", ""),
            o.get("reason", ""),
            f"{(o.get('involvedObject') or {}).get('kind', '').lower()}/{(o.get('involvedObject') or {}).get('name')}",
            o.get("message", ""),
        ]
    if kind == "CustomResourceDefinition":
        return [name, _col("Created At", "date")], lambda o: [meta(o)["name"], meta(o).get("creationTimestamp")]
    if crd is not None:
        ver = next((v for v in (crd.get("spec") or {}).get("versions") or [] if v.get("name") == version), {})
        extra = ver.get("additionalPrinterColumns") or []
        if extra:
            defs = [name] + [
                _col(
                    c["name"],
                    c.get("type", "string"),
                    c.get("format", ""),
                    c.get("priority", 0),
                    c.get("description", ""),
                )
                for c in extra
            ]

            def cells(o, extra=extra):
                row = [meta(o)["name"]]
                for c in extra:
                    val = _jsonpath(o, c.get("jsonPath", ""))
                    if c.get("type") == "date" and isinstance(val, str):
                        val = _age(val)
                    row.append(val)
                return row

            if not any(c["name"].lower() == "age" for c in extra):
                defs.append(age)
                return defs, lambda o: cells(o) + [_age(meta(o).get("creationTimestamp"))]
            return defs, cells
    return [name, age], lambda o: [meta(o)["name"], _age(meta(o).get("creationTimestamp"))]


_JSONPATH_STEP = re.compile(r"""\.?([^.\[]+)|\[(\d+)\]|\[\?\(@\.([\w.-]+)\s*==\s*["']([^"']*)["']\)\]""")


def _jsonpath(obj, path: str):
    """The JSONPath subset of printer columns: .a.b, [n], and [?(@.key=="value")] filters."""
    node, pos, path = obj, 0, path.strip()
    while pos < len(path):
        match = _JSONPATH_STEP.match(path, pos)
        if not match:
            return None
        pos = match.end()
        field, index, fkey, fval = match.groups()
        if field is not None:
            node = node.get(field) if isinstance(node, dict) else None
        elif index is not None:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        else:
            found = [i for i in node or [] if isinstance(i, dict) and str(_jsonpath(i, "." + fkey)) == fval]
            node = found[0] if found else None
        if node is None:
            return None
    return node


def table(
    kind: str, items: list, resource_version: str, include_object: str, crd: dict | None = None, version: str = ""
) -> dict:
    defs, cells = columns_for(kind, crd, version)
    rows = []
    for obj in items:
        if include_object == "None":
            embedded = None
        elif include_object == "Object":
            embedded = obj
        else:
            embedded = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}
        row = {"cells": cells(obj), "object": embedded}
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": defs,
        "rows": rows,
    }
