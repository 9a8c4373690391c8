"""Decode the Kubernetes protobuf request bodies kubectl's typed clients send (`kubectl create ns|cm|secret|sa`)
and the DeleteOptions helm's typed clients send with DELETE (`helm uninstall`).

Only the kinds kubectl's `create <kind>` generators post with protobuf and that carry ObjectMeta plus maps
or strings are decoded, and DeleteOptions; any other protobuf body answers 415, which is what a server
without that codec does.
"""

from __future__ import annotations

import base64

MAGIC = b"k8s\x00"


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(buf: bytes):
    """Yield (field number, wire type, value) for a protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = _varint(buf, pos)
        elif wire == 1:
            val, pos = buf[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            val, pos = buf[pos : pos + length], pos + length
        elif wire == 5:
            val, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield num, wire, val


def _map_entry(buf: bytes, value_bytes: bool) -> tuple[str, str]:
    key, val = "", b""
    for num, _wire, raw in fields(buf):
        if num == 1:
            key = raw.decode()
        elif num == 2:
            val = raw
    return key, base64.b64encode(val).decode() if value_bytes else val.decode()


def _object_meta(buf: bytes) -> dict:
    meta: dict = {}
    names = {1: "name", 2: "generateName", 3: "namespace", 5: "uid", 6: "resourceVersion"}
    for num, _wire, raw in fields(buf):
        if num in names:
            meta[names[num]] = raw.decode()
        elif num in (11, 12):
            key, val = _map_entry(raw, False)
            meta.setdefault("labels" if num == 11 else "annotations", {})[key] = val
        elif num == 14:
            meta.setdefault("finalizers", []).append(raw.decode())
    return meta


def _strings(buf: bytes) -> list[str]:
    return [raw.decode() for num, _w, raw in fields(buf) if num == 1]


# per kind: field number -> (json name, decoder)
SCHEMAS = {
    "Namespace": {2: ("spec", lambda b: {"finalizers": _strings(b)} if _strings(b) else {})},
    "ConfigMap": {2: ("data", "map"), 3: ("binaryData", "bytesmap"), 4: ("immutable", "bool")},
    "Secret": {2: ("data", "bytesmap"), 3: ("type", "str"), 4: ("stringData", "map"), 5: ("immutable", "bool")},
    "ServiceAccount": {4: ("automountServiceAccountToken", "bool")},
}


def _delete_options(raw: bytes) -> dict:
    """meta.k8s.io/v1 DeleteOptions: no ObjectMeta; 1 gracePeriodSeconds (int64), 2 preconditions
    {1 uid, 2 resourceVersion}, 3 orphanDependents, 4 propagationPolicy, 5 dryRun (repeated)."""
    obj: dict = {}
    for num, _wire, val in fields(raw):
        if num == 1:
            obj["gracePeriodSeconds"] = val - (1 << 64) if val >= 1 << 63 else val
        elif num == 2:
            names = {1: "uid", 2: "resourceVersion"}
            obj["preconditions"] = {names[n]: v.decode() for n, _w, v in fields(val) if n in names}
        elif num == 3:
            obj["orphanDependents"] = bool(val)
        elif num == 4:
            obj["propagationPolicy"] = val.decode()
        elif num == 5:
            obj.setdefault("dryRun", []).append(val.decode())
    return obj


def decode(body: bytes) -> dict:
    """Return the JSON form of a protobuf-encoded object; ValueError when the kind is not supported."""
    if not body.startswith(MAGIC):
        raise ValueError("not a Kubernetes protobuf envelope")
    api_version = kind = ""
    raw = b""
    for num, _wire, val in fields(body[len(MAGIC) :]):
        if num == 1:
            for tnum, _tw, tval in fields(val):
                if tnum == 1:
                    api_version = tval.decode()
                elif tnum == 2:
                    kind = tval.decode()
        elif num == 2:
            raw = val
    if kind == "DeleteOptions" and api_version in ("v1", "meta.k8s.io/v1"):
        return {"apiVersion": api_version, "kind": kind, **_delete_options(raw)}
    schema = SCHEMAS.get(kind)
    if schema is None or api_version != "v1":
        raise ValueError(f"protobuf bodies of {api_version}/{kind} are not supported by the emulator; send JSON")
    obj: dict = {"apiVersion": api_version, "kind": kind}
    for num, wire, val in fields(raw):
        if num == 1:
            obj["metadata"] = _object_meta(val)
            continue
        if num not in schema:
            continue
        name, how = schema[num]
        if callable(how):
            obj[name] = how(val)
        elif how == "str":
            obj[name] = val.decode()
        elif how == "bool":
            obj[name] = bool(val)
        elif how in ("map", "bytesmap"):
            key, value = _map_entry(val, how == "bytesmap")
            obj.setdefault(name, {})[key] = value
    return obj
