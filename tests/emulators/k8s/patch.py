"""JSON merge patch (RFC 7386), JSON patch (RFC 6902) and Kubernetes strategic merge patch."""

from __future__ import annotations

import copy
from typing import Any


class PatchError(ValueError):
    """The patch cannot be applied (answered as 422 / 400 by the server)."""


# ---------------------------------------------------------------- JSON merge patch
def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# ---------------------------------------------------------------- JSON patch
def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> tuple[Any, str]:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, list):
            try:
                node = node[int(part)]
            except (ValueError, IndexError) as exc:
                raise PatchError(f"path element {part!r} not found") from exc
        elif isinstance(node, dict):
            if part not in node:
                raise PatchError(f"doc is missing path: {part!r}")
            node = node[part]
        else:
            raise PatchError(f"cannot traverse into {part!r}")
    return node, parts[-1]


def _get(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    if not parts:
        return doc
    parent, last = _parent(doc, parts)
    try:
        return parent[int(last)] if isinstance(parent, list) else parent[last]
    except (KeyError, ValueError, IndexError) as exc:
        raise PatchError(f"doc is missing path: {path}") from exc


def _add(doc: Any, path: str, value: Any) -> Any:
    parts = _pointer(path)
    if not parts:
        return value
    parent, last = _parent(doc, parts)
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            idx = int(last)
            if idx > len(parent):
                raise PatchError(f"index {idx} out of range")
            parent.insert(idx, value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise PatchError(f"cannot add at {path}")
    return doc


def _remove(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    parent, last = _parent(doc, parts)
    try:
        if isinstance(parent, list):
            del parent[int(last)]
        else:
            del parent[last]
    except (KeyError, ValueError, IndexError) as exc:
        raise PatchError(f"unable to remove nonexistent key: {path}") from exc
    return doc


def json_patch(target: Any, ops: Any) -> Any:
    if not isinstance(ops, list):
        raise PatchError("a JSON patch must be a list of operations")
    doc = copy.deepcopy(target)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op:
            raise PatchError(f"invalid operation {op!r}")
        kind, path = op["op"], op.get("path", "")
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            doc = _remove(doc, path)
        elif kind == "replace":
            _get(doc, path)
            parts = _pointer(path)
            if not parts:
                doc = copy.deepcopy(op.get("value"))
            else:
                parent, last = _parent(doc, parts)
                if isinstance(parent, list):
                    parent[int(last)] = copy.deepcopy(op.get("value"))
                else:
                    parent[last] = copy.deepcopy(op.get("value"))
        elif kind == "move":
            value = _get(doc, op["from"])
            doc = _remove(doc, op["from"])
            doc = _add(doc, path, value)
        elif kind == "copy":
            doc = _add(doc, path, copy.deepcopy(_get(doc, op["from"])))
        elif kind == "test":
            if _get(doc, path) != op.get("value"):
                raise PatchError(f"test operation failed at {path}")
        else:
            raise PatchError(f"unknown operation {kind!r}")
    return doc


# ---------------------------------------------------------------- strategic merge patch
# patchMergeKey by field name (the Kubernetes struct tags for the fields that matter here).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "ports": "containerPort",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "conditions": "type",
    "ownerReferences": "uid",
    "resourceClaims": "name",
    "schedulingGates": "name",
    "resizePolicy": "resourceName",
    "secrets": "name",  # ServiceAccount.secrets
}
# Primitive lists merged as sets.
MERGE_PRIMITIVE = {"finalizers"}


def _merge_key(field: str, path: tuple[str, ...], kind: str) -> str | None:
    if field == "ports":
        if kind == "Service" and path == ("spec",):
            return "port"
        if path and path[-1] in ("containers", "initContainers", "ephemeralContainers"):
            return "containerPort"
        return None  # e.g. NetworkPolicy rule ports are atomic
    return MERGE_KEYS.get(field)


def strategic_merge(target: Any, patch: Any, kind: str = "", path: tuple[str, ...] = ()) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    original = target if isinstance(target, dict) else {}
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if directive == "delete":
        return None
    result = copy.deepcopy(original)
    retain = patch.get("$retainKeys")
    orders: dict[str, list] = {}
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list):
                result[field] = [v for v in result[field] if v not in (value or [])]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            merged = strategic_merge(result.get(key), value, kind, path + (key,))
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, key, kind, path)
        else:
            result[key] = copy.deepcopy(value)
    for field, order in orders.items():
        if isinstance(result.get(field), list):
            result[field] = _apply_order(result[field], order, _merge_key(field, path, kind))
    if isinstance(retain, list):
        keep = set(retain) | {k for k in patch if not k.startswith("$")}
        result = {k: v for k, v in result.items() if k in keep}
    return result


def _merge_list(current: Any, patch: list, field: str, kind: str, path: tuple[str, ...]) -> list:
    current = current if isinstance(current, list) else []
    if any(isinstance(item, dict) and item.get("$patch") == "replace" for item in patch):
        return [copy.deepcopy(i) for i in patch if not (isinstance(i, dict) and i.get("$patch") == "replace")]
    key = _merge_key(field, path, kind)
    if field in MERGE_PRIMITIVE and all(not isinstance(i, (dict, list)) for i in patch):
        out = list(current)
        for item in patch:
            if item not in out:
                out.append(item)
        return out
    if not key or not all(isinstance(i, dict) for i in patch):
        return [copy.deepcopy(i) for i in patch if not (isinstance(i, dict) and i.get("$patch"))]
    out = copy.deepcopy(current)
    for item in patch:
        if key not in item:
            if item.get("$patch") == "delete":
                continue
            out.append(copy.deepcopy(item))
            continue
        idx = next((n for n, cur in enumerate(out) if isinstance(cur, dict) and cur.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
            continue
        if idx is None:
            out.append(strategic_merge({}, item, kind, path + (field,)))
        else:
            out[idx] = strategic_merge(out[idx], item, kind, path + (field,))
    return out


def _apply_order(items: list, order: list, key: str | None) -> list:
    if not key:
        return items
    wanted = [o.get(key) if isinstance(o, dict) else o for o in order]
    pos = {v: n for n, v in enumerate(wanted)}
    ordered = sorted((i for i in items if isinstance(i, dict) and i.get(key) in pos), key=lambda i: pos[i.get(key)])
    rest = [i for i in items if not (isinstance(i, dict) and i.get(key) in pos)]
    return ordered + rest
