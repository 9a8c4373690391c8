"""HTTP front end: discovery, OpenAPI index, the resource verbs, watch streaming, Table output."""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import charts, protobuf
from .catalog import SERVER_VERSION, Catalog, ResourceType
from .controllers import Controllers, Settings
from .engine import Api, Store, dumps
from .nodes import evict, node_info
from .errors import ApiError, bad_request
from .selectors import SelectorError, field_matcher, label_matcher
from .tables import table

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML ships with ansible
    yaml = None

LOG = logging.getLogger("k8s-emulator")
MAX_WATCH_SECONDS = 1800


class Emulator:
    """Everything one server instance holds: catalog, store, API, controllers, request log."""

    def __init__(
        self,
        settings: Settings,
        require_namespace: bool = True,
        address: str = "",
        crds: list[dict] | tuple = (),
        charts_dir: Path | None = None,
    ) -> None:
        # the chart repository served under /charts/ (k8s/charts.py); None: every /charts/ path is 404
        self.charts_dir = charts_dir
        self.catalog = Catalog()
        self.store = Store()
        self.api = Api(self.catalog, self.store, require_namespace)
        self.settings = settings
        self.controllers = Controllers(self.api, settings)
        self.requests: collections.deque = collections.deque(maxlen=20000)
        self.address = address
        self._seed()
        # CRDs the cluster already has (an operator installed before the tests): K8S_EMULATOR_CRDS.
        crd_rt = self.catalog.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        for crd in crds:
            self.api.create(crd_rt, "", crd)

    def _seed(self) -> None:
        ns_rt = self.catalog.find("", "v1", "namespaces")
        for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.api.create(ns_rt, "", {"metadata": {"name": ns}})
        self.api.create(
            self.catalog.find("", "v1", "services"),
            "default",
            {
                "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443}]},
            },
        )
        self.api.create(
            self.catalog.find("", "v1", "nodes"),
            "",
            {
                "metadata": {
                    "name": "emulator-node",
                    "labels": {
                        "kubernetes.io/hostname": "emulator-node",
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "topology.kubernetes.io/zone": "us-east-1a",
                    },
                },
                "status": {
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": "True",
                            "reason": "KubeletReady",
                            "message": "kubelet is posting ready status",
                        }
                    ],
                    "nodeInfo": node_info(SERVER_VERSION["gitVersion"], "amd64", "emulator-node"),
                },
            },
        )

    # ------------------------------------------------------------------ discovery documents
    def api_versions(self) -> dict:
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": self.address}],
        }

    def api_group(self, group: str, versions: list[str]) -> dict:
        vers = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        return {"name": group, "versions": vers, "preferredVersion": vers[0]}

    def api_group_list(self) -> dict:
        groups = [self.api_group(g, vs) for g, vs in self.catalog.group_versions().items()]
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def resource_list(self, group: str, version: str) -> dict | None:
        types = self.catalog.in_gv(group, version)
        if not types:
            return None
        resources = []
        for rt in types:
            resources.extend(rt.discovery())
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version,
            "resources": resources,
        }

    # ------------------------------------------------------------------ OpenAPI v3 (just enough for kubectl)
    def _gv_paths(self) -> dict[str, list[ResourceType]]:
        out: dict[str, list[ResourceType]] = {}
        for rt in self.catalog.all():
            key = f"apis/{rt.group}/{rt.version}" if rt.group else f"api/{rt.version}"
            out.setdefault(key, []).append(rt)
        return out

    def openapi_index(self) -> dict:
        paths = {}
        for key, types in self._gv_paths().items():
            digest = hashlib.sha512(json.dumps([(t.plural, t.kind, t.namespaced) for t in types]).encode())
            paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest.hexdigest()[:64].upper()}"}
        return {"paths": paths}

    def openapi_doc(self, key: str) -> dict | None:
        types = self._gv_paths().get(key)
        if not types:
            return None
        params = [
            {"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
            for n in ("dryRun", "fieldManager", "fieldValidation", "force", "pretty")
        ]
        content = {
            t: {"schema": {"type": "object"}}
            for t in ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")
        }
        paths = {}
        for rt in types:
            prefix = f"/{key}/namespaces/{{namespace}}" if rt.namespaced else f"/{key}"
            gvk = {"group": rt.group, "version": rt.version, "kind": rt.kind}
            paths[f"{prefix}/{rt.plural}/{{name}}"] = {
                "patch": {
                    "operationId": f"patch{rt.kind}",
                    "parameters": params,
                    "requestBody": {"content": content, "required": True},
                    "responses": {"200": {"description": "OK"}},
                    "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk,
                },
            }
        return {
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": SERVER_VERSION["gitVersion"]},
            "paths": paths,
            "components": {"schemas": {}},
        }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "k8s-emulator/1.0"
    emu: Emulator  # set on the subclass by make_server

    # ------------------------------------------------------------------ plumbing
    def log_message(self, fmt: str, *args) -> None:  # BaseHTTPRequestHandler's stderr logging
        pass

    def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(time.time_ns()))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._status = code

    def _json(self, code: int, obj) -> None:
        self._send(code, dumps(obj))

    def _error(self, err: ApiError) -> None:
        self._json(err.code, err.status())

    def _not_found(self) -> None:
        self._error(
            ApiError(
                404,
                "NotFound",
                "the server could not find the requested resource",
                {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]},
            )
        )

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        ctype = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip()
        if "protobuf" in ctype:
            try:
                return protobuf.decode(raw)
            except (ValueError, IndexError, UnicodeDecodeError) as exc:
                raise ApiError(
                    415,
                    "UnsupportedMediaType",
                    f"the body of the request was in an unknown format - "
                    f"accepted media types include: application/json, application/yaml ({exc})",
                ) from exc
        try:
            if ctype.endswith("yaml") and yaml is not None:
                return yaml.safe_load(raw)
            return json.loads(raw)
        except (ValueError, yaml.YAMLError if yaml else ValueError) as exc:
            raise bad_request(f"the body of the request could not be decoded: {exc}") from exc

    def _record(self, started: float) -> None:
        url = urlsplit(self.path)
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "status": getattr(self, "_status", 0),
            "userAgent": self.headers.get("User-Agent", ""),
        }
        if not url.path.startswith("/emulator/"):
            self.emu.requests.append(entry)
        LOG.info(
            "%s %s%s -> %s (%.0f ms) %s",
            self.command,
            url.path,
            f"?{url.query}" if url.query else "",
            entry["status"],
            (time.monotonic() - started) * 1000,
            entry["userAgent"].split(" ")[0],
        )

    def _dispatch(self) -> None:
        started = time.monotonic()
        self._status = 0
        try:
            self._route()
        except ApiError as err:
            self._error(err)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # answer like the API server does instead of dropping the connection
            LOG.exception("internal error")
            self._error(ApiError(500, "InternalError", f"Internal error occurred: {exc}"))
        finally:
            self._record(started)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch

    # ------------------------------------------------------------------ routing
    def _route(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        parts = [p for p in url.path.split("/") if p]
        emu = self.emu
        if parts[:1] == ["charts"]:  # the chart repository: GET/HEAD of its files, 404 for anything else
            if self.command not in ("GET", "HEAD"):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))  # keep the connection usable
            found = charts.lookup(emu.charts_dir, parts[1:]) if self.command in ("GET", "HEAD") else None
            return self._send(200, *found) if found else self._send(404, b"404 page not found\n", "text/plain")
        if self.command == "GET" or self.command == "HEAD":
            if parts in (["healthz"], ["livez"], ["readyz"]) or (parts and parts[0] in ("healthz", "livez", "readyz")):
                return self._send(200, b"ok", "text/plain; charset=utf-8")
            if parts == ["version"]:
                return self._json(200, SERVER_VERSION)
            if parts == ["api"]:
                return self._json(200, emu.api_versions())
            if parts == ["apis"]:
                return self._json(200, emu.api_group_list())
            if parts == ["openapi", "v3"]:
                return self._json(200, emu.openapi_index())
            if len(parts) >= 3 and parts[:2] == ["openapi", "v3"]:
                doc = emu.openapi_doc("/".join(parts[2:]))
                return self._json(200, doc) if doc else self._not_found()
            if parts == ["emulator", "requests"]:
                return self._json(200, {"items": list(emu.requests)})
            if len(parts) == 2 and parts[0] == "apis":
                versions = emu.catalog.group_versions().get(parts[1])
                if not versions:
                    return self._not_found()
                return self._json(200, {"kind": "APIGroup", "apiVersion": "v1", **emu.api_group(parts[1], versions)})
            if parts == ["api", "v1"] or (len(parts) == 3 and parts[0] == "apis"):
                doc = emu.resource_list(*(("", "v1") if parts[0] == "api" else (parts[1], parts[2])))
                return self._json(200, doc) if doc else self._not_found()
        if self.command == "DELETE" and parts == ["emulator", "requests"]:
            emu.requests.clear()
            return self._json(200, {"items": []})
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 4 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self._not_found()
        ns = ""
        if len(rest) >= 3 and rest[0] == "namespaces":
            cand = emu.catalog.find(group, version, rest[2])
            if cand is not None and cand.namespaced:
                ns, rest = rest[1], rest[2:]
        if not rest or len(rest) > 3:
            return self._not_found()
        rt = emu.catalog.find(group, version, rest[0])
        name = rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        if rt is None or (ns and not rt.namespaced) or (sub and sub not in rt.subresources):
            return self._not_found()
        if rt.namespaced and name and not ns:
            return self._not_found()
        self._resource(rt, ns, name, sub, query)

    # ------------------------------------------------------------------ verbs
    def _wants_table(self) -> bool:
        return "as=Table" in (self.headers.get("Accept") or "")

    def _resource(self, rt: ResourceType, ns: str, name: str, sub: str, query: dict) -> None:
        api = self.emu.api
        dry_run = query.get("dryRun") == "All"
        method = self.command
        if sub == "eviction":  # policy Eviction: create only, PodDisruptionBudgets honoured (k8s/nodes.py)
            if method != "POST":
                raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
            return self._json(201, evict(api, ns, name, self._body() or {}))
        if method in ("GET", "HEAD"):
            if name:
                obj = api.get_scale(rt, ns, name) if sub == "scale" else api.get(rt, ns, name)
                if self._wants_table() and sub != "scale":
                    return self._json(200, self._table(rt, [obj], obj["metadata"].get("resourceVersion", ""), query))
                return self._json(200, obj)
            try:
                pred = self._predicate(query)
            except SelectorError as exc:
                raise bad_request(str(exc)) from exc
            if query.get("watch") in ("true", "1", "True"):
                return self._watch(rt, ns, pred, query)
            items, rv = api.list(rt, ns or None, pred)
            cont = {}
            limit = int(query.get("limit") or 0)
            start = int(query.get("continue") or 0) if (query.get("continue") or "0").isdigit() else 0
            if start:
                items = items[start:]
            if limit and len(items) > limit:
                cont = {"continue": str(start + limit), "remainingItemCount": len(items) - limit}
                items = items[:limit]
            if self._wants_table():
                out = self._table(rt, items, rv, query)
                out["metadata"].update(cont)
                return self._json(200, out)
            return self._json(
                200,
                {
                    "kind": rt.list_kind,
                    "apiVersion": rt.api_version,
                    "metadata": {"resourceVersion": rv, **cont},
                    "items": items,
                },
            )
        if method == "POST":
            if name:
                raise ApiError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested " "resource"
                )
            obj = api.create(rt, ns, self._body() or {}, dry_run)
            return self._json(201, obj)
        if method == "PUT":
            if not name:
                raise ApiError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested " "resource"
                )
            body = self._body() or {}
            if sub == "scale":
                return self._json(200, api.write_scale(rt, ns, name, body, None, dry_run))
            return self._json(200, api.update(rt, ns, name, body, sub, dry_run))
        if method == "PATCH":
            if not name:
                raise ApiError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested " "resource"
                )
            ctype = self.headers.get("Content-Type") or "application/merge-patch+json"
            body = self._body()
            if sub == "scale":
                return self._json(200, api.write_scale(rt, ns, name, body, ctype, dry_run))
            obj = api.patch(rt, ns, name, body, ctype, sub, dry_run, query.get("fieldManager"))
            return self._json(200, obj)
        if method == "DELETE":
            body = self._body() or {}
            # orphanDependents is the deprecated spelling of propagationPolicy (true: Orphan)
            orphan = query.get("orphanDependents", body.get("orphanDependents"))
            if orphan is not None:
                orphan = "Orphan" if str(orphan).lower() == "true" else "Background"
            propagation = query.get("propagationPolicy") or body.get("propagationPolicy") or orphan or "Background"
            dry_run = dry_run or "All" in (body.get("dryRun") or [])
            if not name:
                try:
                    pred = self._predicate(query)
                except SelectorError as exc:
                    raise bad_request(str(exc)) from exc
                items = api.delete_collection(rt, ns or None, pred, dry_run)
                return self._json(
                    200,
                    {
                        "kind": rt.list_kind,
                        "apiVersion": rt.api_version,
                        "metadata": {"resourceVersion": str(self.emu.store.rv)},
                        "items": items,
                    },
                )
            obj = api.delete(rt, ns, name, propagation, dry_run, body.get("preconditions"))
            if rt.kind in ("Namespace", "Pod") or obj["metadata"].get("finalizers") or dry_run:
                return self._json(200, obj)
            details = {"name": name, "kind": rt.plural, "uid": obj["metadata"]["uid"]}
            if rt.group:
                details["group"] = rt.group
            return self._json(
                200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
            )
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def _predicate(self, query: dict):
        labels = label_matcher(query.get("labelSelector"))
        fields = field_matcher(query.get("fieldSelector"))
        return lambda obj: labels(obj["metadata"].get("labels") or {}) and fields(obj)

    def _table(self, rt: ResourceType, items: list, rv: str, query: dict) -> dict:
        return table(
            rt.kind, items, rv, query.get("includeObject", "Metadata"), rt.crd if rt.custom else None, rt.version
        )

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
        return False

    def _watch(self, rt: ResourceType, ns: str, pred, query: dict) -> None:
        timeout = float(query.get("timeoutSeconds") or MAX_WATCH_SECONDS)
        timeout = min(max(timeout, 0), MAX_WATCH_SECONDS)
        since = query.get("resourceVersion")
        if query.get("sendInitialEvents") == "true":
            since = ""
        as_table = self._wants_table()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self._status = 200
        try:
            for event in self.emu.api.watch(rt, ns or None, pred, since, timeout):
                if event is None:
                    if self._client_gone():
                        break
                    continue
                if as_table and event["type"] != "ERROR":
                    event = {
                        "type": event["type"],
                        "object": self._table(
                            rt, [event["object"]], event["object"]["metadata"].get("resourceVersion", ""), query
                        ),
                    }
                data = dumps(event) + b"\n"
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(
    host: str,
    port: int,
    settings: Settings,
    require_namespace: bool = True,
    crds: list[dict] | tuple = (),
    charts_dir: Path | None = None,
) -> tuple[Server, Emulator]:
    emu = Emulator(settings, require_namespace, f"{host}:{port}", crds, charts_dir)
    handler = type("BoundHandler", (Handler,), {"emu": emu})
    server = Server((host, port), handler)
    emu.controllers.start()
    return server, emu


def serve_until(server: Server, emu: Emulator, stop: threading.Event) -> None:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    stop.wait()
    emu.store.close()
    emu.controllers.stop()
    server.shutdown()
    server.server_close()
