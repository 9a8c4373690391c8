"""AWS emulator realism: request log, fault injection and resource lifecycles for moto.

Test harness only (never product code). ``aws_server.py`` wraps moto's WSGI application in
``RealismMiddleware`` and calls ``install_lifecycle()`` after ``aws_extensions.apply()``.

- Request log: every AWS call with service, operation, whether it mutates, HTTP status, AWS
  error code and injected fault. ``GET /_emulator/requests[?since=<seq>]``,
  ``DELETE /_emulator/requests``.
- Fault injection, deterministic per seed: ``throttle``, ``server_error`` and
  ``not_found_after_create`` rules from ``AWS_EMULATOR_FAULTS`` / ``AWS_EMULATOR_SEED`` or
  ``POST /_emulator/faults``; each answers in the wire format of the service's protocol.
- Lifecycles: resources pass through their AWS states (NAT ``pending``, EKS ``CREATING``, RDS
  ``creating``/``backing-up``, ElastiCache ``creating``, Amazon MQ ``CREATION_IN_PROGRESS`` ...)
  for typical AWS durations scaled by ``AWS_EMULATOR_TIME_SCALE`` (seconds per AWS minute;
  ``0``, the default, keeps moto's instant behaviour), and calls that AWS rejects in a
  transitional state are rejected with AWS's error codes.

The README in this directory documents the control API, the knobs and what is covered.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import os
import re
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, parse_qsl

ENV_TIME_SCALE = "AWS_EMULATOR_TIME_SCALE"
ENV_DURATIONS = "AWS_EMULATOR_DURATIONS"
ENV_FAULTS = "AWS_EMULATOR_FAULTS"
ENV_SEED = "AWS_EMULATOR_SEED"
ENV_LOG_MAX = "AWS_EMULATOR_REQUEST_LOG_MAX"

# Seconds of emulated wait per AWS minute. 0 = instant (moto's own behaviour). Switch the
# default for everything that does not set AWS_EMULATOR_TIME_SCALE here.
DEFAULT_TIME_SCALE = 0.0
CONTROL_PREFIX = "/_emulator/"

# Typical AWS durations in minutes (/work/shared/FACTS.md, AWS documentation, Terraform
# provider experience). Override any key with AWS_EMULATOR_DURATIONS or POST /_emulator/lifecycle.
DEFAULT_DURATIONS: dict[str, float] = {
    "ec2.nat_gateway.create": 2.0,  # pending -> available
    "ec2.nat_gateway.delete": 1.0,  # deleting -> deleted
    "eks.cluster.create": 12.0,  # CREATING -> ACTIVE
    "eks.cluster.update": 4.0,  # UPDATING (config, logging, endpoint access, encryption)
    "eks.cluster.update_version": 10.0,  # UPDATING (Kubernetes version)
    "eks.cluster.delete": 5.0,  # DELETING -> gone
    "eks.nodegroup.create": 2.0,  # CREATING -> ACTIVE
    "eks.nodegroup.update": 2.0,  # UPDATING (scaling, labels, taints)
    "eks.nodegroup.update_version": 8.0,  # UPDATING (rolling AMI / version)
    "eks.nodegroup.delete": 3.0,  # DELETING -> gone
    "eks.nodegroup.replace_instance": 3.0,  # a terminated node's replacement running (ASG health check + boot)
    "rds.instance.create": 8.0,  # Single-AZ, creating + backing-up
    "rds.instance.create_multi_az": 15.0,  # Multi-AZ, creating + backing-up
    "rds.instance.backing_up": 2.0,  # the backing-up tail of a create or restore
    "rds.instance.replica": 12.0,  # read replica creating -> available
    "rds.instance.restore": 15.0,  # point-in-time / snapshot restore, creating + backing-up
    "rds.instance.modify": 3.0,  # modifying (ApplyImmediately=true)
    "rds.instance.reboot": 1.5,  # rebooting (also with ForceFailover)
    "rds.instance.promote": 3.0,  # modifying while a replica is promoted
    "rds.instance.snapshot": 2.0,  # backing-up during a manual snapshot
    "rds.instance.stop": 3.0,  # stopping -> stopped
    "rds.instance.start": 3.0,  # starting -> available
    "rds.instance.delete": 5.0,  # deleting -> gone
    "elasticache.replication_group.create": 12.0,  # creating -> available
    "elasticache.replication_group.modify": 5.0,  # modifying -> available
    "elasticache.replication_group.snapshot": 3.0,  # snapshotting -> available
    "elasticache.replication_group.delete": 5.0,  # deleting -> gone
    "mq.broker.create": 15.0,  # SINGLE_INSTANCE / ACTIVE_STANDBY_MULTI_AZ
    "mq.broker.create_cluster": 20.0,  # RabbitMQ CLUSTER_MULTI_AZ
    "mq.broker.reboot": 5.0,  # REBOOT_IN_PROGRESS -> RUNNING
    "mq.broker.delete": 5.0,  # DELETION_IN_PROGRESS -> gone
}

FAULT_KINDS = ("throttle", "server_error", "not_found_after_create")


class ConfigError(ValueError):
    """A bad fault rule or lifecycle setting (answered 400 by the control API)."""


# ---------------------------------------------------------------------------------------------
# Identifying the call: service, operation, protocol, parameters
# ---------------------------------------------------------------------------------------------

# SigV4 signing names whose botocore service name differs.
SIGNING_ALIASES = {"monitoring": "cloudwatch", "email": "ses", "states": "stepfunctions"}

_CREDENTIAL_RE = re.compile(r"Credential=([^,\s]+)")


class OperationResolver:
    """Map REST requests (method + path) to operation names with botocore's service models."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, Any] = {}
        self._routes: dict[str, list[tuple[int, str, re.Pattern[str], list[str], dict[str, str], str]]] = {}
        self._session = None

    def model(self, service: str) -> Any:
        with self._lock:
            if service not in self._models:
                try:
                    import botocore.session

                    if self._session is None:
                        self._session = botocore.session.get_session()
                    self._models[service] = self._session.get_service_model(service)
                except Exception:  # noqa: BLE001 - unknown service: no model
                    self._models[service] = None
            return self._models[service]

    def protocol(self, service: str) -> str | None:
        model = self.model(service)
        return model.protocol if model is not None else None

    def _compile(self, service: str) -> list[tuple[int, str, re.Pattern[str], list[str], dict[str, str], str]]:
        model = self.model(service)
        routes = []
        if model is None:
            return routes
        for name in model.operation_names:
            http = model.operation_model(name).http
            uri = http.get("requestUri", "/")
            path, _, query = uri.partition("?")
            pattern, groups, literal = "", {}, 0
            for part in re.split(r"(\{[^}]+\})", path):
                if part.startswith("{") and part.endswith("}"):
                    label = part[1:-1]
                    greedy = label.endswith("+")
                    label = label.rstrip("+")
                    group = f"g{len(groups)}"
                    groups[group] = label
                    pattern += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
                else:
                    pattern += re.escape(part)
                    literal += len(part)
            required = [q.split("=")[0] for q in query.split("&") if q]
            routes.append((literal + 10 * len(required), http.get("method", "POST"),
                           re.compile(pattern.rstrip("/") + "/?$"), required, groups, name))
        routes.sort(key=lambda r: -r[0])
        return routes

    def rest_operation(self, service: str, method: str, path: str, query: dict[str, list[str]]) -> tuple[str | None, dict[str, str]]:
        with self._lock:
            routes = self._routes.get(service)
        if routes is None:
            routes = self._compile(service)
            with self._lock:
                self._routes[service] = routes
        for _, route_method, regex, required, groups, name in routes:
            if route_method != method:
                continue
            match = regex.match(path)
            if match and all(q in query for q in required):
                return name, {groups[g]: v for g, v in match.groupdict().items()}
        return None, {}


RESOLVER = OperationResolver()


class Call:
    """What the middleware knows about one request."""

    def __init__(self) -> None:
        self.service = "unknown"
        self.signing_name = ""
        self.region = ""
        self.operation = ""
        self.protocol = "unknown"
        self.params: dict[str, Any] = {}
        self.mutating = True
        self.dry_run = False


def _flat(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


def identify(environ: dict[str, Any], body: bytes) -> Call:
    call = Call()
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "") or "/"
    query_string = environ.get("QUERY_STRING", "")
    query = parse_qs(query_string, keep_blank_values=True)
    headers_target = environ.get("HTTP_X_AMZ_TARGET", "")
    content_type = environ.get("CONTENT_TYPE", "") or ""

    match = _CREDENTIAL_RE.search(environ.get("HTTP_AUTHORIZATION", "") or "")
    credential = match.group(1) if match else (query.get("X-Amz-Credential") or [""])[0]
    scope = credential.split("/")
    if len(scope) >= 5:
        call.region, call.signing_name = scope[-3], scope[-2].lower()
        call.service = SIGNING_ALIASES.get(call.signing_name, call.signing_name)

    form: dict[str, str] = {}
    if content_type.startswith("application/x-www-form-urlencoded") and body:
        form = _flat(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    params = _flat((k, v[0]) for k, v in query.items())
    params.update(form)

    if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor" or "/operation/" in path and path.startswith("/service/"):
        call.protocol = "cbor"
        call.operation = path.rstrip("/").rsplit("/", 1)[-1]
    elif headers_target:
        call.protocol = "json"
        call.operation = headers_target.rsplit(".", 1)[-1]
        try:
            call.params = json.loads(body or b"{}")
        except ValueError:
            call.params = {}
    elif "Action" in params:
        call.operation = params["Action"]
        call.protocol = "ec2" if call.service == "ec2" else "query"
        call.params = params
    else:
        call.protocol = RESOLVER.protocol(call.service) or "rest-json"
        operation, path_params = RESOLVER.rest_operation(call.service, method, path, query)
        call.operation = operation or f"{method} {path}"
        merged: dict[str, Any] = dict(params)
        if body and "json" in content_type or (body and body[:1] == b"{"):
            try:
                decoded = json.loads(body)
                if isinstance(decoded, dict):
                    merged.update(decoded)
            except ValueError:
                pass
        merged.update(path_params)
        call.params = merged
    call.dry_run = str(call.params.get("DryRun", "")).lower() == "true"
    call.mutating = is_mutating(call.service, call.operation, method, call.dry_run)
    return call


# ---------------------------------------------------------------------------------------------
# Read or write
# ---------------------------------------------------------------------------------------------

READ_PREFIXES = (
    "Describe", "List", "Get", "Head", "Lookup", "BatchGet", "Search", "Scan", "Query", "Select",
    "Filter", "Check", "Validate", "Simulate", "Decode", "Verify", "Estimate", "Preview", "Download",
)
# Calls that change no AWS state although their name does not say so: credentials and
# cryptographic operations.
READ_OPERATIONS = {
    ("sts", "AssumeRole"), ("sts", "AssumeRoleWithWebIdentity"), ("sts", "AssumeRoleWithSAML"),
    ("kms", "Encrypt"), ("kms", "Decrypt"), ("kms", "ReEncrypt"), ("kms", "GenerateDataKey"),
    ("kms", "GenerateDataKeyWithoutPlaintext"), ("kms", "GenerateDataKeyPair"),
    ("kms", "GenerateDataKeyPairWithoutPlaintext"), ("kms", "GenerateRandom"), ("kms", "GenerateMac"),
    ("kms", "Sign"),
}
# Calls whose name starts like a read but that change state (none in the services we use so
# far; listed here so that the exception has a home).
WRITE_OPERATIONS: set[tuple[str, str]] = set()


def is_mutating(service: str, operation: str, method: str = "POST", dry_run: bool = False) -> bool:
    if dry_run:
        return False  # EC2 DryRun=true validates permissions and parameters, changes nothing
    if (service, operation) in WRITE_OPERATIONS:
        return True
    if (service, operation) in READ_OPERATIONS:
        return False
    if " " in operation:  # unresolved REST call: "METHOD /path"
        return method not in ("GET", "HEAD", "OPTIONS")
    return not operation.startswith(READ_PREFIXES)


# ---------------------------------------------------------------------------------------------
# AWS error responses, per protocol
# ---------------------------------------------------------------------------------------------


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([(major << 5) | n])
    if n < 256:
        return bytes([(major << 5) | 24, n])
    if n < 65536:
        return bytes([(major << 5) | 25]) + n.to_bytes(2, "big")
    return bytes([(major << 5) | 26]) + n.to_bytes(4, "big")


def cbor_encode(value: Any) -> bytes:
    """Minimal CBOR encoder (maps, text, integers, booleans, null) for rpc-v2-cbor errors."""
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(cbor_encode(str(k)) + cbor_encode(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return _cbor_head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    raise TypeError(f"cannot CBOR-encode {type(value).__name__}")


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def render_error(call: Call, code: str, message: str, status: int,
                 extra: dict[str, Any] | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    """An AWS error response in the wire format botocore parses for the call's protocol."""
    request_id = str(uuid.uuid4())
    sender = "Sender" if status < 500 else "Receiver"
    msg = _xml_escape(message)
    headers = [("x-amzn-RequestId", request_id)]
    if call.protocol == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{msg}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
    elif call.protocol in ("query", "rest-xml"):
        if call.service == "s3":
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{msg}</Message>'
                    f"<RequestId>{request_id}</RequestId></Error>")
        else:
            model = RESOLVER.model(call.service) if call.protocol == "query" else None
            namespace = (model.metadata.get("xmlNamespace") if model is not None else None) or ""
            xmlns = f' xmlns="{namespace}"' if namespace else ""
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse{xmlns}><Error><Type>{sender}</Type>'
                    f"<Code>{code}</Code><Message>{msg}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        headers.append(("Content-Type", "text/xml"))
    elif call.protocol == "json":
        model = RESOLVER.model(call.service)
        version = (model.metadata.get("jsonVersion") if model is not None else None) or "1.1"
        payload = {"__type": code, "message": message}
        payload.update(extra or {})
        body = json.dumps(payload)
        headers.append(("Content-Type", f"application/x-amz-json-{version}"))
    elif call.protocol == "cbor":
        payload = {"__type": code, "message": message}
        payload.update(extra or {})
        data = cbor_encode(payload)
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                    ("x-amzn-query-error", f"{code};{sender}"), ("Content-Length", str(len(data)))]
        return status, headers, data
    else:  # rest-json and anything unknown
        payload = {"message": message}
        payload.update(extra or {})
        body = json.dumps(payload)
        headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    data = body.encode("utf-8")
    headers.append(("Content-Length", str(len(data))))
    return status, headers, data


_XML_CODE_RE = re.compile(rb"<Code>([^<]+)</Code>")


def error_code_of(status: int, headers: list[tuple[str, str]], body: bytes) -> str | None:
    if status < 400:
        return None
    for name, value in headers:
        if name.lower() == "x-amzn-errortype" and value:
            return value.split(":", 1)[0]
        if name.lower() == "x-amzn-query-error" and value:
            return value.split(";", 1)[0]
    match = _XML_CODE_RE.search(body[:4096])
    if match:
        return match.group(1).decode("utf-8", "replace")
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return None
    if isinstance(payload, dict):
        code = payload.get("__type") or payload.get("code") or payload.get("Code")
        if isinstance(code, str):
            return code.rsplit("#", 1)[-1]
    return None


def throttle_error(call: Call) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a throttled call, as AWS answers it per protocol."""
    if call.protocol == "ec2":
        return "RequestLimitExceeded", "Request limit exceeded.", 503
    if call.service == "s3":
        return "SlowDown", "Please reduce your request rate.", 503
    if call.protocol in ("query", "rest-xml"):
        return "Throttling", "Rate exceeded", 400
    if call.protocol == "rest-json":
        return "ThrottlingException", "Rate exceeded", 429
    return "ThrottlingException", "Rate exceeded", 400


SERVER_ERROR_CODES = {
    "kms": "KMSInternalException",
    "secretsmanager": "InternalServiceError",
    "eks": "ServerException",
    "mq": "InternalServerErrorException",
}


def server_error(call: Call) -> tuple[str, str, int]:
    if call.protocol == "ec2":
        return "InternalError", "An internal error has occurred.", 500
    if call.service == "s3":
        return "InternalError", "We encountered an internal error. Please try again.", 500
    code = SERVER_ERROR_CODES.get(call.service, "InternalFailure")
    return code, "The request processing has failed because of an unknown error, exception or failure.", 500


# ---------------------------------------------------------------------------------------------
# Eventual consistency: what was created when, and how AWS says "not found"
# ---------------------------------------------------------------------------------------------

# EC2 id prefix -> (error code, message template). DescribeNatGateways answers
# NatGatewayNotFound (what the nat_gateway_available waiter retries on); other calls naming a
# NAT gateway answer InvalidNatGatewayID.NotFound.
EC2_NOT_FOUND = {
    "vpc": ("InvalidVpcID.NotFound", "The vpc ID '{id}' does not exist"),
    "subnet": ("InvalidSubnetID.NotFound", "The subnet ID '{id}' does not exist"),
    "nat": ("InvalidNatGatewayID.NotFound", "The natGateway ID '{id}' does not exist"),
    "sg": ("InvalidGroup.NotFound", "The security group '{id}' does not exist"),
    "igw": ("InvalidInternetGatewayID.NotFound", "The internetGateway ID '{id}' does not exist"),
    "rtb": ("InvalidRouteTableID.NotFound", "The routeTable ID '{id}' does not exist"),
    "eipalloc": ("InvalidAllocationID.NotFound", "The allocation ID '{id}' does not exist"),
    "i": ("InvalidInstanceID.NotFound", "The instance ID '{id}' does not exist"),
    "lt": ("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID {id}, does not exist."),
}
EC2_CREATE_ID_TAGS = {
    "CreateVpc": "vpcId", "CreateSubnet": "subnetId", "CreateNatGateway": "natGatewayId",
    "CreateSecurityGroup": "groupId", "CreateInternetGateway": "internetGatewayId",
    "CreateRouteTable": "routeTableId", "AllocateAddress": "allocationId", "RunInstances": "instanceId",
    "CreateLaunchTemplate": "launchTemplateId",
}
EC2_ID_PARAM_RE = re.compile(
    r"^(VpcId|SubnetId|NatGatewayId|GroupId|InternetGatewayId|RouteTableId|AllocationId|InstanceId|"
    r"ResourceId|LaunchTemplateId)(\.\d+)?$"
)

# service -> request parameter -> (resource kind, error code, HTTP status, message template)
NAMED_REFERENCES: dict[str, dict[str, tuple[str, str, int, str]]] = {
    "rds": {
        "DBInstanceIdentifier": ("db", "DBInstanceNotFound", 404, "DBInstance {id} not found."),
        "SourceDBInstanceIdentifier": ("db", "DBInstanceNotFound", 404, "DBInstance {id} not found."),
        "DBSubnetGroupName": ("subnetgroup", "DBSubnetGroupNotFoundFault", 404, "DBSubnetGroup {id} not found."),
    },
    "elasticache": {
        "ReplicationGroupId": ("rg", "ReplicationGroupNotFoundFault", 404, "ReplicationGroup {id} not found."),
        "CacheSubnetGroupName": ("subnetgroup", "CacheSubnetGroupNotFoundFault", 400, "CacheSubnetGroup {id} not found."),
    },
    "eks": {
        "name": ("cluster", "ResourceNotFoundException", 404, "No cluster found for name: {id}."),
        "nodegroupName": ("nodegroup", "ResourceNotFoundException", 404, "No node group found for name: {id}."),
    },
    "mq": {
        "broker-id": ("broker", "NotFoundException", 404,
                      "Can't find requested broker [{id}]. Make sure your broker exists."),
    },
    "secretsmanager": {
        "SecretId": ("secret", "ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret."),
    },
    "iam": {
        "RoleName": ("role", "NoSuchEntity", 404, "The role with name {id} cannot be found."),
        "InstanceProfileName": ("instanceprofile", "NoSuchEntity", 404, "Instance Profile {id} cannot be found."),
        "PolicyArn": ("policy", "NoSuchEntity", 404, "Policy {id} does not exist or is not attachable."),
    },
    "kms": {
        "KeyId": ("key", "NotFoundException", 400, "Key '{id}' does not exist"),
    },
}
# (service, operation) -> [(kind, request parameter or None, response regex or None)]
NAMED_CREATES: dict[tuple[str, str], list[tuple[str, str | None, str | None]]] = {
    ("rds", "CreateDBInstance"): [("db", "DBInstanceIdentifier", None)],
    ("rds", "CreateDBInstanceReadReplica"): [("db", "DBInstanceIdentifier", None)],
    ("rds", "RestoreDBInstanceToPointInTime"): [("db", "TargetDBInstanceIdentifier", None)],
    ("rds", "RestoreDBInstanceFromDBSnapshot"): [("db", "DBInstanceIdentifier", None)],
    ("rds", "CreateDBSubnetGroup"): [("subnetgroup", "DBSubnetGroupName", None)],
    ("elasticache", "CreateReplicationGroup"): [("rg", "ReplicationGroupId", None)],
    ("elasticache", "CreateCacheSubnetGroup"): [("subnetgroup", "CacheSubnetGroupName", None)],
    ("eks", "CreateCluster"): [("cluster", "name", None)],
    ("eks", "CreateNodegroup"): [("nodegroup", "nodegroupName", None)],
    ("mq", "CreateBroker"): [("broker", None, r'"brokerId"\s*:\s*"([^"]+)"')],
    ("secretsmanager", "CreateSecret"): [("secret", "Name", None), ("secret", None, r'"ARN"\s*:\s*"([^"]+)"')],
    ("iam", "CreateRole"): [("role", "RoleName", None)],
    ("iam", "CreateInstanceProfile"): [("instanceprofile", "InstanceProfileName", None)],
    ("iam", "CreatePolicy"): [("policy", None, r"<Arn>([^<]+)</Arn>")],
    ("kms", "CreateKey"): [("key", None, r'"KeyId"\s*:\s*"([^"]+)"'), ("key", None, r'"Arn"\s*:\s*"([^"]+)"')],
}
_LOWERCASE_KINDS = {("rds", "db"), ("rds", "subnetgroup"), ("elasticache", "rg"), ("elasticache", "subnetgroup")}


def _named_key(call: Call, kind: str, value: str) -> tuple[str, str, str]:
    if call.service == "rds" and kind == "db" and value.startswith("arn:"):
        value = value.rsplit(":", 1)[-1]
    if (call.service, kind) in _LOWERCASE_KINDS:
        value = value.lower()
    if call.service == "eks" and kind == "nodegroup":
        value = f"{call.params.get('name')}/{value}"
    return call.service, kind, value


class CreationRegistry:
    """Creation times of resources created through the emulator (for eventual consistency)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._created: dict[tuple[str, str, str], float] = {}

    def clear(self) -> None:
        with self._lock:
            self._created.clear()

    def record(self, call: Call, body: bytes) -> None:
        now = time.monotonic()
        keys: list[tuple[str, str, str]] = []
        if call.service == "ec2":
            tag = EC2_CREATE_ID_TAGS.get(call.operation)
            if tag:
                ids = re.findall(rf"<{tag}>([^<]+)</{tag}>".encode(), body)
                if call.operation != "RunInstances":
                    ids = ids[:1]
                keys = [("ec2", "id", i.decode()) for i in ids]
        else:
            for kind, param, pattern in NAMED_CREATES.get((call.service, call.operation), []):
                if param and call.params.get(param):
                    keys.append(_named_key(call, kind, str(call.params[param])))
                if pattern:
                    keys += [(call.service, kind, m.decode()) for m in re.findall(pattern.encode(), body)]
        with self._lock:
            for key in keys:
                self._created[key] = now

    def age(self, key: tuple[str, str, str]) -> float | None:
        with self._lock:
            created = self._created.get(key)
        return None if created is None else time.monotonic() - created

    def recent_reference(self, call: Call, window_s: float) -> tuple[str, str, int, str] | None:
        """The NotFound error to answer if the call names a resource created < window_s ago."""
        own = {param for _, param, _ in NAMED_CREATES.get((call.service, call.operation), []) if param}
        if call.service == "ec2":
            for key, value in call.params.items():
                if not EC2_ID_PARAM_RE.match(key) or not isinstance(value, str):
                    continue
                age = self.age(("ec2", "id", value))
                if age is not None and age < window_s:
                    prefix = value.split("-", 1)[0]
                    code, message = EC2_NOT_FOUND.get(prefix, ("InvalidID", "The ID '{id}' is not valid"))
                    if prefix == "nat" and call.operation == "DescribeNatGateways":
                        code, message = "NatGatewayNotFound", "NAT gateway {id} was not found"
                    return value, code, 400, message.format(id=value)
            return None
        for param, (kind, code, status, message) in NAMED_REFERENCES.get(call.service, {}).items():
            value = call.params.get(param)
            if not isinstance(value, str) or not value or param in own:
                continue
            if call.service == "eks" and kind == "cluster" and call.operation == "CreateCluster":
                continue
            age = self.age(_named_key(call, kind, value))
            if age is not None and age < window_s:
                return value, code, status, message.format(id=value)
        return None


# ---------------------------------------------------------------------------------------------
# Fault rules
# ---------------------------------------------------------------------------------------------

RULE_KEYS = {"service", "operation", "kind", "rate", "window_s", "mutating", "max", "status", "code", "after"}


class FaultRule:
    def __init__(self, spec: dict[str, Any]) -> None:
        if not isinstance(spec, dict):
            raise ConfigError(f"a fault rule must be an object, got {spec!r}")
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise ConfigError(f"unknown fault rule keys {sorted(unknown)}; allowed: {sorted(RULE_KEYS)}")
        self.kind = spec.get("kind")
        if self.kind not in FAULT_KINDS:
            raise ConfigError(f"fault rule kind must be one of {list(FAULT_KINDS)}, got {self.kind!r}")
        self.service = str(spec.get("service", "*"))
        self.operation = str(spec.get("operation", "*"))
        try:
            self.rate = float(spec.get("rate", 1.0))
        except (TypeError, ValueError):
            raise ConfigError(f"fault rule rate must be a number in [0, 1], got {spec.get('rate')!r}") from None
        if not 0.0 <= self.rate <= 1.0:
            raise ConfigError(f"fault rule rate must be in [0, 1], got {self.rate}")
        self.window_s = float(spec.get("window_s", 10.0))
        if self.window_s <= 0:
            raise ConfigError(f"fault rule window_s must be > 0 seconds, got {self.window_s}")
        self.mutating = spec.get("mutating")
        if self.mutating is not None and not isinstance(self.mutating, bool):
            raise ConfigError(f"fault rule mutating must be true, false or absent, got {self.mutating!r}")
        self.max = spec.get("max")
        if self.max is not None and (not isinstance(self.max, int) or self.max < 0):
            raise ConfigError(f"fault rule max must be a non-negative integer, got {self.max!r}")
        self.status = spec.get("status")
        if self.status is not None and not (isinstance(self.status, int) and 400 <= self.status <= 599):
            raise ConfigError(f"fault rule status must be an HTTP error status (400-599), got {self.status!r}")
        self.code = spec.get("code")
        self.after = bool(spec.get("after", False))
        if self.after and self.kind != "server_error":
            raise ConfigError("fault rule after=true applies to kind server_error only")
        self.spec = dict(spec)
        self.matched = 0
        self.injected = 0

    def matches(self, call: Call) -> bool:
        if not (fnmatch.fnmatchcase(call.service, self.service) or fnmatch.fnmatchcase(call.signing_name, self.service)):
            return False
        if not fnmatch.fnmatchcase(call.operation, self.operation):
            return False
        if self.mutating is not None and call.mutating != self.mutating:
            return False
        return self.max is None or self.injected < self.max

    def describe(self) -> dict[str, Any]:
        out = dict(self.spec)
        out.update(matched=self.matched, injected=self.injected)
        return out


class Fault:
    def __init__(self, kind: str, status: int, code: str, message: str, after: bool = False,
                 extra: dict[str, Any] | None = None) -> None:
        self.kind, self.status, self.code, self.message, self.after, self.extra = kind, status, code, message, after, extra


def _parse_rules(value: Any) -> tuple[list[FaultRule], int | None]:
    seed = None
    if isinstance(value, dict):
        seed = value.get("seed")
        value = value.get("rules", [])
    if not isinstance(value, list):
        raise ConfigError("fault rules must be a JSON list of rules (or {\"rules\": [...], \"seed\": n})")
    if seed is not None and not isinstance(seed, int):
        raise ConfigError(f"seed must be an integer, got {seed!r}")
    return [FaultRule(spec) for spec in value], seed


class FaultInjector:
    """Deterministic faults: the n-th matching call of an operation faults iff
    sha256(seed, rule, service, operation, n) < rate, whatever other calls interleave."""

    def __init__(self, registry: CreationRegistry, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.registry = registry
        self.seed = seed
        self.rules: list[FaultRule] = []
        self._counters: dict[tuple[int, str, str], int] = {}
        self.injected_total = {kind: 0 for kind in FAULT_KINDS}

    def configure(self, rules: list[FaultRule], seed: int | None = None) -> None:
        with self._lock:
            self.rules = rules
            if seed is not None:
                self.seed = seed
            self._counters.clear()

    def clear(self) -> None:
        self.configure([])

    def _draw(self, index: int, call: Call) -> float:
        key = (index, call.service, call.operation)
        n = self._counters.get(key, 0)
        self._counters[key] = n + 1
        digest = hashlib.sha256(f"{self.seed}:{index}:{call.service}:{call.operation}:{n}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def decide(self, call: Call) -> Fault | None:
        with self._lock:
            for index, rule in enumerate(self.rules):
                if not rule.matches(call):
                    continue
                reference = None
                if rule.kind == "not_found_after_create":
                    reference = self.registry.recent_reference(call, rule.window_s)
                    if reference is None:
                        continue
                rule.matched += 1
                if self._draw(index, call) >= rule.rate:
                    continue
                rule.injected += 1
                self.injected_total[rule.kind] += 1
                if rule.kind == "throttle":
                    code, message, status = throttle_error(call)
                elif rule.kind == "server_error":
                    code, message, status = server_error(call)
                else:
                    _, code, status, message = reference  # type: ignore[misc]
                extra = None
                if call.service == "eks" and rule.kind == "not_found_after_create":
                    extra = {"clusterName": call.params.get("name"), "nodegroupName": call.params.get("nodegroupName")}
                return Fault(rule.kind, rule.status or status, rule.code or code, message, rule.after, extra)
        return None

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "seed": self.seed,
                "rules": [rule.describe() for rule in self.rules],
                "injected_total": dict(self.injected_total),
            }


# ---------------------------------------------------------------------------------------------
# Request log
# ---------------------------------------------------------------------------------------------


class RequestLog:
    def __init__(self, maxlen: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._seq = 0
        self._in_flight = 0

    def begin(self) -> None:
        """A request arrived; it is logged (append) when its answer is ready. A client that dies
        meanwhile does not stop it, as on AWS: `in_flight` tells a test when those have landed."""
        with self._lock:
            self._in_flight += 1

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def append(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)

    def since(self, seq: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries if e["seq"] > seq]

    def clear(self) -> int:
        with self._lock:
            n = len(self._entries)
            self._entries.clear()
            return n

    @property
    def last_seq(self) -> int:
        return self._seq

    @property
    def in_flight(self) -> int:
        return self._in_flight


# ---------------------------------------------------------------------------------------------
# Lifecycles
# ---------------------------------------------------------------------------------------------


class Lifecycle:
    """Time scale, durations, and the deferred actions (removal of deleted resources, update
    completion) run before each request."""

    def __init__(self, time_scale: float = DEFAULT_TIME_SCALE, durations: dict[str, float] | None = None) -> None:
        self._lock = threading.Lock()
        self.time_scale = float(time_scale)
        self.durations = dict(DEFAULT_DURATIONS)
        self.durations.update(durations or {})
        self._deferred: list[tuple[float, Callable[[], None]]] = []

    def configure(self, time_scale: Any = None, durations: Any = None) -> None:
        if time_scale is not None:
            try:
                scale = float(time_scale)
            except (TypeError, ValueError):
                raise ConfigError(f"time_scale must be a number >= 0, got {time_scale!r}") from None
            if scale < 0:
                raise ConfigError(f"time_scale must be >= 0, got {scale}")
            self.time_scale = scale
        if durations is not None:
            if not isinstance(durations, dict):
                raise ConfigError("durations must be an object of {key: AWS minutes}")
            for key, value in durations.items():
                if key not in DEFAULT_DURATIONS:
                    raise ConfigError(f"unknown duration {key!r}; known: {sorted(DEFAULT_DURATIONS)}")
                if not isinstance(value, (int, float)) or value < 0:
                    raise ConfigError(f"duration {key} must be >= 0 AWS minutes, got {value!r}")
                self.durations[key] = float(value)

    def remember_initial(self) -> None:
        self._initial = (self.time_scale, dict(self.durations))

    def restore_initial(self) -> None:
        scale, durations = getattr(self, "_initial", (DEFAULT_TIME_SCALE, DEFAULT_DURATIONS))
        self.time_scale, self.durations = scale, dict(durations)

    def seconds(self, key: str) -> float:
        return self.durations[key] * self.time_scale

    def state(self) -> dict[str, Any]:
        return {"time_scale": self.time_scale, "durations": dict(self.durations),
                "seconds": {k: round(self.seconds(k), 3) for k in self.durations}}

    def defer(self, delay_s: float, action: Callable[[], None]) -> None:
        with self._lock:
            self._deferred.append((time.monotonic() + delay_s, action))

    def run_due(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = [a for t, a in self._deferred if t <= now]
            self._deferred = [(t, a) for t, a in self._deferred if t > now]
        for action in due:
            try:
                action()
            except Exception:  # noqa: BLE001 - a stale action (backend reset) is harmless
                pass

    def reset(self) -> None:
        with self._lock:
            self._deferred.clear()


LIFECYCLE = Lifecycle()


class Phased:
    """Data descriptor for a status attribute: transitional phases with end times, then the
    settled value. Assignments by moto (``self.status = "available"``) set the settled value
    and end any phase in progress, so moto's own code keeps working."""

    def __init__(self, attr: str) -> None:
        self.attr = attr
        self.value_key = f"_realism_{attr}"
        self.phases_key = f"_realism_{attr}_phases"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        phases = d.get(self.phases_key)
        if phases:
            now = time.monotonic()
            for until, state in phases:
                if now < until:
                    return state
            d.pop(self.phases_key, None)
        if self.value_key in d:
            return d[self.value_key]
        return d.get(self.attr)

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.value_key] = value
        obj.__dict__.pop(self.phases_key, None)


class HiddenWhile:
    """Data descriptor: an attribute that AWS does not report yet in some states (an RDS
    instance has no Endpoint while creating, an EKS cluster no endpoint while CREATING, a
    broker no instances while CREATION_IN_PROGRESS)."""

    def __init__(self, attr: str, status_attr: str, states: tuple[str, ...], empty: Any, original: Any = None) -> None:
        self.attr, self.status_attr, self.states, self.empty = attr, status_attr, states, empty
        self.original = original if isinstance(original, property) else None
        self.key = f"_realism_hidden_{attr}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        if getattr(obj, self.status_attr, None) in self.states:
            return self.empty
        if self.original is not None:
            return self.original.fget(obj)  # type: ignore[misc]
        d = obj.__dict__
        return d[self.key] if self.key in d else d.get(self.attr)

    def __set__(self, obj: Any, value: Any) -> None:
        if self.original is not None and self.original.fset is not None:
            self.original.fset(obj, value)
        else:
            obj.__dict__[self.key] = value


def _install_hidden(cls: type, attr: str, status_attr: str, states: tuple[str, ...], empty: Any) -> None:
    if not isinstance(cls.__dict__.get(attr), HiddenWhile):
        setattr(cls, attr, HiddenWhile(attr, status_attr, states, empty, cls.__dict__.get(attr)))


def _install_descriptor(cls: type, attr: str) -> None:
    if not isinstance(cls.__dict__.get(attr), Phased):
        setattr(cls, attr, Phased(attr))


def set_phases(obj: Any, attr: str, phases: list[tuple[str, str]], settled: Any = None) -> float:
    """Put obj.<attr> through [(state, duration key), ...] from now; return the total seconds."""
    descriptor = type(obj).__dict__.get(attr) or next(
        (c.__dict__[attr] for c in type(obj).__mro__ if isinstance(c.__dict__.get(attr), Phased)), None)
    if settled is not None:
        setattr(obj, attr, settled)
    if not isinstance(descriptor, Phased):
        return 0.0
    now = time.monotonic()
    timeline, end = [], now
    for state, key in phases:
        seconds = LIFECYCLE.seconds(key) if isinstance(key, str) else float(key)
        if seconds > 0:
            end += seconds
            timeline.append((end, state))
    if timeline:
        obj.__dict__[descriptor.phases_key] = timeline
    else:
        obj.__dict__.pop(descriptor.phases_key, None)
    return end - now


def status_of(obj: Any, attr: str) -> Any:
    return getattr(obj, attr)


def tombstone(container: dict[Any, Any], key: Any, obj: Any, seconds: float) -> None:
    """Keep a deleted object visible (in its deleting state) for `seconds`, then remove it."""
    if seconds <= 0:
        return
    container[key] = obj

    def remove() -> None:
        if container.get(key) is obj:
            del container[key]

    LIFECYCLE.defer(seconds, remove)


_INSTALLED = False


def install_lifecycle() -> None:
    """Patch moto's models and backends (after aws_extensions.apply(): wraps what is there)."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    _lifecycle_nat_gateways()
    _lifecycle_eks()
    _lifecycle_rds()
    _lifecycle_elasticache()
    _lifecycle_mq()


def _wrap(cls: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(cls, name, None)
    if original is None:
        return
    setattr(cls, name, make(original))


def _lifecycle_nat_gateways() -> None:
    from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend

    _install_descriptor(NatGateway, "state")

    def create(original):  # type: ignore[no-untyped-def]
        def create_nat_gateway(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            gateway = original(self, *args, **kwargs)
            set_phases(gateway, "state", [("pending", "ec2.nat_gateway.create")])
            return gateway
        return create_nat_gateway

    def delete(original):  # type: ignore[no-untyped-def]
        def delete_nat_gateway(self, nat_gateway_id, *args, **kwargs):  # type: ignore[no-untyped-def]
            gateway = self.nat_gateways.get(nat_gateway_id)
            if gateway is not None and gateway.state in ("deleting", "deleted"):
                return gateway
            gateway = original(self, nat_gateway_id, *args, **kwargs)
            set_phases(gateway, "state", [("deleting", "ec2.nat_gateway.delete")], settled="deleted")
            return gateway
        return delete_nat_gateway

    _wrap(NatGatewayBackend, "create_nat_gateway", create)
    _wrap(NatGatewayBackend, "delete_nat_gateway", delete)


def _lifecycle_eks() -> None:
    from moto.eks.exceptions import ResourceInUseException
    from moto.eks.models import Cluster, EKSBackend, Nodegroup
    from moto.eks.responses import EKSResponse

    _install_descriptor(Cluster, "status")
    _install_descriptor(Nodegroup, "status")
    _install_hidden(Cluster, "endpoint", "status", ("CREATING",), None)

    def in_use(message: str, cluster: str | None = None, nodegroup: str | None = None) -> ResourceInUseException:
        return ResourceInUseException(clusterName=cluster, nodegroupName=nodegroup, addonName=None, message=message)

    def create_cluster(original):  # type: ignore[no-untyped-def]
        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            cluster = original(self, *args, **kwargs)
            set_phases(cluster, "status", [("CREATING", "eks.cluster.create")])
            return cluster
        return wrapped

    def delete_cluster(original):  # type: ignore[no-untyped-def]
        def wrapped(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
            cluster = self.clusters.get(name)
            if cluster is not None:
                if cluster.status == "DELETING":
                    return cluster
                if cluster.status == "UPDATING":
                    raise in_use("Cannot delete because cluster has an update in progress", cluster=name)
                if cluster.nodegroups:  # moto counts only live ones; DELETING node groups block too
                    raise in_use("Cluster has nodegroups attached", cluster=name)
            cluster = original(self, name, *args, **kwargs)
            cluster.status = "DELETING"
            tombstone(self.clusters, name, cluster, LIFECYCLE.seconds("eks.cluster.delete"))
            return cluster
        return wrapped

    def create_nodegroup(original):  # type: ignore[no-untyped-def]
        # moto already answers InvalidRequestException "Cluster '<name>' is not in ACTIVE
        # status" (the message AWS gives) when cluster.status != ACTIVE.
        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            nodegroup = original(self, *args, **kwargs)
            set_phases(nodegroup, "status", [("CREATING", "eks.nodegroup.create")])
            return nodegroup
        return wrapped

    def delete_nodegroup(original):  # type: ignore[no-untyped-def]
        def wrapped(self, cluster_name, nodegroup_name, *args, **kwargs):  # type: ignore[no-untyped-def]
            cluster = self.clusters.get(cluster_name)
            existing = cluster.nodegroups.get(nodegroup_name) if cluster is not None else None
            if existing is not None and existing.status == "DELETING":
                return existing
            nodegroup = original(self, cluster_name, nodegroup_name, *args, **kwargs)
            nodegroup.status = "DELETING"
            tombstone(cluster.nodegroups, nodegroup_name, nodegroup, LIFECYCLE.seconds("eks.nodegroup.delete"))
            return nodegroup
        return wrapped

    def require_active_nodegroup(self_backend, cluster_name, nodegroup_name):  # type: ignore[no-untyped-def]
        cluster = self_backend.clusters.get(cluster_name)
        nodegroup = cluster.nodegroups.get(nodegroup_name) if cluster is not None else None
        if nodegroup is not None and nodegroup.status != "ACTIVE":
            raise in_use(f"Nodegroup {nodegroup_name} is currently {nodegroup.status} and cannot be updated",
                         cluster=cluster_name, nodegroup=nodegroup_name)
        return nodegroup

    def update_nodegroup_config(original):  # type: ignore[no-untyped-def]
        def wrapped(self, cluster_name, nodegroup_name, *args, **kwargs):  # type: ignore[no-untyped-def]
            nodegroup = require_active_nodegroup(self, cluster_name, nodegroup_name)
            update = original(self, cluster_name, nodegroup_name, *args, **kwargs)
            seconds = set_phases(nodegroup, "status", [("UPDATING", "eks.nodegroup.update")]) if nodegroup else 0
            _update_in_progress(update, seconds)
            return update
        return wrapped

    _wrap(EKSBackend, "create_cluster", create_cluster)
    _wrap(EKSBackend, "delete_cluster", delete_cluster)
    _wrap(EKSBackend, "create_nodegroup", create_nodegroup)
    _wrap(EKSBackend, "delete_nodegroup", delete_nodegroup)
    _wrap(EKSBackend, "update_nodegroup_config", update_nodegroup_config)

    # Updates added by aws_extensions.eks_cluster_updates (response level): the cluster (or
    # node group) is UPDATING and the update InProgress for the scaled duration.
    def cluster_update(name: str, key: str) -> None:
        def make(original):  # type: ignore[no-untyped-def]
            def wrapped(self):  # type: ignore[no-untyped-def]
                cluster_name = self._get_param("name")
                cluster = self.eks_backend.clusters.get(cluster_name)
                if cluster is not None and cluster.status != "ACTIVE":
                    message = ("Cluster has an update in progress" if cluster.status == "UPDATING"
                               else f"Cluster {cluster_name} is in {cluster.status} state")
                    raise in_use(message, cluster=cluster_name)
                result = original(self)
                seconds = set_phases(cluster, "status", [("UPDATING", key)]) if cluster is not None else 0
                _update_in_progress(_update_of(result), seconds)
                return result
            return wrapped
        _wrap(EKSResponse, name, make)

    cluster_update("update_cluster_config", "eks.cluster.update")
    cluster_update("update_cluster_version", "eks.cluster.update_version")
    cluster_update("associate_encryption_config", "eks.cluster.update")

    def nodegroup_version(original):  # type: ignore[no-untyped-def]
        def wrapped(self):  # type: ignore[no-untyped-def]
            nodegroup = require_active_nodegroup(self.eks_backend, self._get_param("name"), self._get_param("nodegroupName"))
            result = original(self)
            seconds = set_phases(nodegroup, "status", [("UPDATING", "eks.nodegroup.update_version")]) if nodegroup else 0
            _update_in_progress(_update_of(result), seconds)
            return result
        return wrapped

    _wrap(EKSResponse, "update_nodegroup_version", nodegroup_version)


def _update_of(result: Any) -> dict[str, Any] | None:
    payload = getattr(result, "result", None)
    if isinstance(payload, dict) and isinstance(payload.get("update"), dict):
        return payload["update"]
    return None


def _update_in_progress(update: dict[str, Any] | None, seconds: float) -> None:
    """An EKS update answers InProgress until the resource is ACTIVE again, then Successful."""
    if not update or seconds <= 0:
        return
    final = update.get("status", "Successful")
    update["status"] = "InProgress"

    def finish() -> None:
        update["status"] = final

    LIFECYCLE.defer(seconds, finish)


def _lifecycle_rds() -> None:
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import DBInstance, RDSBackend

    _install_descriptor(DBInstance, "status")
    _install_hidden(DBInstance, "endpoint", "status", ("creating",), None)

    def invalid_state(message: str) -> RDSClientError:
        return RDSClientError("InvalidDBInstanceState", message)

    def standalone(db: Any) -> bool:
        return getattr(db, "db_cluster_identifier", None) is None

    def creating(db: Any, total_key: str) -> None:
        if not standalone(db):
            return
        total = LIFECYCLE.seconds(total_key)
        backing_up = min(LIFECYCLE.seconds("rds.instance.backing_up"), total)
        set_phases(db, "status", [("creating", total - backing_up), ("backing-up", backing_up)])

    def lookup(backend: Any, identifier: str | None) -> Any:
        if not identifier:
            return None
        try:
            return backend.find_db_from_id(identifier)
        except Exception:  # noqa: BLE001 - let moto answer DBInstanceNotFound
            return None

    def require_available(db: Any, message: str) -> None:
        if db is not None and standalone(db) and db.status != "available":
            raise invalid_state(message.format(id=db.db_instance_identifier, status=db.status))

    def create_db_instance(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_kwargs, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = original(self, db_kwargs, *args, **kwargs)
            creating(db, "rds.instance.create_multi_az" if db.multi_az else "rds.instance.create")
            return db
        return wrapped

    def create_replica(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_kwargs, *args, **kwargs):  # type: ignore[no-untyped-def]
            source = lookup(self, db_kwargs.get("source_db_instance_identifier"))
            require_available(source, "Instance {id} is not in available state (current state: {status}).")
            replica = original(self, db_kwargs, *args, **kwargs)
            set_phases(replica, "status", [("creating", "rds.instance.replica")], settled="available")
            return replica
        return wrapped

    def restore(original):  # type: ignore[no-untyped-def]
        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = original(self, *args, **kwargs)
            creating(db, "rds.instance.restore")
            return db
        return wrapped

    def modify(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_instance_identifier, db_kwargs, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = lookup(self, db_instance_identifier)
            require_available(db, "Database instance is not in available state.")
            db = original(self, db_instance_identifier, db_kwargs, *args, **kwargs)
            if db_kwargs.get("apply_immediately") and standalone(db):
                set_phases(db, "status", [("modifying", "rds.instance.modify")])
            return db
        return wrapped

    def reboot(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_instance_identifier, *args, **kwargs):  # type: ignore[no-untyped-def]
            require_available(lookup(self, db_instance_identifier), "Instance {id} is not in available state.")
            db = original(self, db_instance_identifier, *args, **kwargs)
            if standalone(db):
                set_phases(db, "status", [("rebooting", "rds.instance.reboot")])
            return db
        return wrapped

    def promote(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_kwargs, *args, **kwargs):  # type: ignore[no-untyped-def]
            require_available(lookup(self, db_kwargs.get("db_instance_identifier")),
                              "DB Instance {id} is not in available state.")
            db = original(self, db_kwargs, *args, **kwargs)
            set_phases(db, "status", [("modifying", "rds.instance.promote")])
            return db
        return wrapped

    def snapshot(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_instance_identifier, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = lookup(self, db_instance_identifier)
            require_available(db, "Cannot create a snapshot because the instance {id} is not in available state.")
            result = original(self, db_instance_identifier, *args, **kwargs)
            if db is not None and standalone(db) and db.status == "available":
                set_phases(db, "status", [("backing-up", "rds.instance.snapshot")])
            return result
        return wrapped

    def stop(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_instance_identifier, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = original(self, db_instance_identifier, *args, **kwargs)
            target = lookup(self, db_instance_identifier)
            if target is not None and standalone(target):
                set_phases(target, "status", [("stopping", "rds.instance.stop")])
            return db
        return wrapped

    def start(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_instance_identifier, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = original(self, db_instance_identifier, *args, **kwargs)
            target = lookup(self, db_instance_identifier)
            if target is not None and standalone(target):
                set_phases(target, "status", [("starting", "rds.instance.start")])
            return db
        return wrapped

    def delete(original):  # type: ignore[no-untyped-def]
        def wrapped(self, db_instance_identifier, final_db_snapshot_identifier=None,
                    skip_final_snapshot=False, *args, **kwargs):  # type: ignore[no-untyped-def]
            db = self.databases.get(db_instance_identifier)
            if db is not None and standalone(db):
                if db.status == "deleting":
                    raise invalid_state(f"Instance {db_instance_identifier} is already being deleted.")
                if db.status != "available" and final_db_snapshot_identifier and not skip_final_snapshot:
                    raise invalid_state(
                        f"Instance {db_instance_identifier} is currently {db.status} - a final snapshot cannot be taken.")
            db = original(self, db_instance_identifier, final_db_snapshot_identifier, skip_final_snapshot,
                          *args, **kwargs)
            if standalone(db):
                db.status = "deleting"
                tombstone(self.databases, db_instance_identifier, db, LIFECYCLE.seconds("rds.instance.delete"))
            return db
        return wrapped

    _wrap(RDSBackend, "create_db_instance", create_db_instance)
    _wrap(RDSBackend, "create_db_instance_read_replica", create_replica)
    _wrap(RDSBackend, "restore_db_instance_to_point_in_time", restore)
    _wrap(RDSBackend, "restore_db_instance_from_db_snapshot", restore)
    _wrap(RDSBackend, "modify_db_instance", modify)
    _wrap(RDSBackend, "reboot_db_instance", reboot)
    _wrap(RDSBackend, "promote_read_replica", promote)
    _wrap(RDSBackend, "create_db_snapshot", snapshot)
    _wrap(RDSBackend, "stop_db_instance", stop)
    _wrap(RDSBackend, "start_db_instance", start)
    _wrap(RDSBackend, "delete_db_instance", delete)


def _lifecycle_elasticache() -> None:
    from moto.elasticache import models as ec_models
    from moto.elasticache import responses as ec_responses
    from moto.elasticache.exceptions import ElastiCacheException

    class InvalidReplicationGroupState(ElastiCacheException):
        code = "InvalidReplicationGroupState"

    _install_descriptor(ec_models.ReplicationGroup, "status")
    _install_descriptor(ec_models.CacheCluster, "cache_cluster_status")
    backend_cls = ec_models.ElastiCacheBackend
    response_cls = ec_responses.ElastiCacheResponse

    def members(backend: Any, rg: Any) -> list[Any]:
        return [c for c in backend.cache_clusters.values()
                if getattr(c, "replication_group_id", None) == rg.replication_group_id]

    def require_available(rg: Any, action: str) -> None:
        if rg is not None and rg.status != "available":
            raise InvalidReplicationGroupState(
                f"Replication group {rg.replication_group_id} must be in available state to {action} "
                f"(current state: {rg.status}).")

    def create(original):  # type: ignore[no-untyped-def]
        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            rg = original(self, *args, **kwargs)
            set_phases(rg, "status", [("creating", "elasticache.replication_group.create")])
            for cluster in members(self, rg):
                set_phases(cluster, "cache_cluster_status", [("creating", "elasticache.replication_group.create")])
            return rg
        return wrapped

    def snapshot(original):  # type: ignore[no-untyped-def]
        def wrapped(self, snapshot_name, replication_group_id=None, *args, **kwargs):  # type: ignore[no-untyped-def]
            rg = self.replication_groups.get(replication_group_id) if replication_group_id else None
            require_available(rg, "create a snapshot")
            result = original(self, snapshot_name, replication_group_id, *args, **kwargs)
            if rg is not None:
                set_phases(rg, "status", [("snapshotting", "elasticache.replication_group.snapshot")])
            return result
        return wrapped

    _wrap(backend_cls, "create_replication_group", create)
    _wrap(backend_cls, "create_snapshot", snapshot)

    # Response-level operations (moto's, or aws_extensions' replacements): check the state
    # first, then put the group into "modifying".
    def modifying(name: str, action: str):  # type: ignore[no-untyped-def]
        def make(original):  # type: ignore[no-untyped-def]
            def wrapped(self):  # type: ignore[no-untyped-def]
                rg = self.elasticache_backend.replication_groups.get(self._get_param("ReplicationGroupId"))
                require_available(rg, action)
                result = original(self)
                if rg is not None:
                    set_phases(rg, "status", [("modifying", "elasticache.replication_group.modify")])
                return result
            return wrapped
        _wrap(response_cls, name, make)

    modifying("modify_replication_group", "be modified")
    modifying("increase_replica_count", "increase its replica count")
    modifying("decrease_replica_count", "decrease its replica count")
    modifying("modify_replication_group_shard_configuration", "change its shard configuration")

    def delete(original):  # type: ignore[no-untyped-def]
        def wrapped(self):  # type: ignore[no-untyped-def]
            backend = self.elasticache_backend
            rg_id = self._get_param("ReplicationGroupId")
            rg = backend.replication_groups.get(rg_id)
            if rg is not None and rg.status in ("creating", "modifying", "snapshotting", "deleting"):
                raise InvalidReplicationGroupState(
                    f"Replication group {rg_id} is not in a state that allows deletion (current state: {rg.status}).")
            result = original(self)
            if rg is not None:
                rg.status = "deleting"
                if backend.replication_groups.get(rg_id) is not rg:  # aws_extensions removes it at once
                    tombstone(backend.replication_groups, rg_id, rg,
                              LIFECYCLE.seconds("elasticache.replication_group.delete"))
            return result
        return wrapped

    _wrap(response_cls, "delete_replication_group", delete)


def _lifecycle_mq() -> None:
    from moto.mq.exceptions import BadRequestException
    from moto.mq.models import Broker, MQBackend

    _install_descriptor(Broker, "state")
    _install_hidden(Broker, "instances", "state", ("CREATION_IN_PROGRESS",), [])

    def refuse(broker: Any, verb: str, allowed: tuple[str, ...] = ("RUNNING",)) -> None:
        if broker is not None and broker.state not in allowed:
            raise BadRequestException(f"Broker [{broker.id}] can't be {verb} while in state [{broker.state}]")

    def create(original):  # type: ignore[no-untyped-def]
        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            arn, broker_id = original(self, *args, **kwargs)
            broker = self.brokers[broker_id]
            key = "mq.broker.create_cluster" if broker.deployment_mode == "CLUSTER_MULTI_AZ" else "mq.broker.create"
            set_phases(broker, "state", [("CREATION_IN_PROGRESS", key)])
            return arn, broker_id
        return wrapped

    def delete(original):  # type: ignore[no-untyped-def]
        def wrapped(self, broker_id, *args, **kwargs):  # type: ignore[no-untyped-def]
            broker = self.brokers.get(broker_id)
            refuse(broker, "deleted", ("RUNNING", "CREATION_FAILED"))
            result = original(self, broker_id, *args, **kwargs)
            if broker is not None:
                broker.state = "DELETION_IN_PROGRESS"
                tombstone(self.brokers, broker_id, broker, LIFECYCLE.seconds("mq.broker.delete"))
            return result
        return wrapped

    def reboot(original):  # type: ignore[no-untyped-def]
        def wrapped(self, broker_id, *args, **kwargs):  # type: ignore[no-untyped-def]
            broker = self.brokers.get(broker_id)
            refuse(broker, "rebooted")
            result = original(self, broker_id, *args, **kwargs)
            if broker is not None:
                set_phases(broker, "state", [("REBOOT_IN_PROGRESS", "mq.broker.reboot")])
            return result
        return wrapped

    def update(original):  # type: ignore[no-untyped-def]
        def wrapped(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            broker = self.brokers.get(kwargs.get("broker_id"))
            refuse(broker, "updated", ("RUNNING", "REBOOT_IN_PROGRESS"))
            return original(self, *args, **kwargs)
        return wrapped

    _wrap(MQBackend, "create_broker", create)
    _wrap(MQBackend, "delete_broker", delete)
    _wrap(MQBackend, "reboot_broker", reboot)
    _wrap(MQBackend, "update_broker", update)


# ---------------------------------------------------------------------------------------------
# The middleware and its control API
# ---------------------------------------------------------------------------------------------


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    return body


class RealismMiddleware:
    """WSGI middleware in front of moto: control API, faults, request log, deferred actions."""

    def __init__(self, app: Callable[..., Any], faults: FaultInjector, log: RequestLog,
                 registry: CreationRegistry, lifecycle: Lifecycle = LIFECYCLE) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.registry = registry
        self.lifecycle = lifecycle

    # -- control API --
    def _json(self, start_response: Callable[..., Any], status: int, payload: Any) -> list[bytes]:
        data = json.dumps(payload, default=str).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "OK")
        start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")[len(CONTROL_PREFIX):].strip("/")
        query = _flat(parse_qsl(environ.get("QUERY_STRING", "")))
        body = _read_body(environ)
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            return self._json(start_response, 400, {"error": "request body is not JSON"})
        try:
            if path == "requests":
                if method == "GET":
                    entries = self.log.since(int(query.get("since", 0) or 0))
                    for key in ("service", "operation"):
                        if key in query:
                            entries = [e for e in entries if fnmatch.fnmatchcase(e[key], query[key])]
                    if "mutating" in query:
                        want = query["mutating"].lower() == "true"
                        entries = [e for e in entries if e["mutating"] == want]
                    return self._json(start_response, 200, entries)
                if method == "DELETE":
                    return self._json(start_response, 200, {"cleared": self.log.clear(), "last_seq": self.log.last_seq})
            elif path == "faults":
                if method == "GET":
                    return self._json(start_response, 200, self.faults.state())
                if method in ("POST", "PUT"):
                    rules, seed = _parse_rules(payload if payload is not None else [])
                    if "seed" in query:
                        seed = int(query["seed"])
                    self.faults.configure(rules, seed)
                    return self._json(start_response, 200, self.faults.state())
                if method == "DELETE":
                    self.faults.clear()
                    return self._json(start_response, 200, self.faults.state())
            elif path == "lifecycle":
                if method == "GET":
                    return self._json(start_response, 200, self.lifecycle.state())
                if method in ("POST", "PUT"):
                    payload = payload or {}
                    if not isinstance(payload, dict):
                        raise ConfigError("lifecycle settings must be an object {time_scale, durations}")
                    self.lifecycle.configure(payload.get("time_scale"), payload.get("durations"))
                    return self._json(start_response, 200, self.lifecycle.state())
                if method == "DELETE":  # back to the start-up settings
                    self.lifecycle.restore_initial()
                    return self._json(start_response, 200, self.lifecycle.state())
            elif path == "eks/nodes":
                if method == "GET":  # the node groups' instances, for the Kubernetes emulator's kubelets
                    import aws_extensions

                    self.lifecycle.run_due()
                    return self._json(start_response, 200, aws_extensions.nodegroup_nodes())
            elif path == "stats":
                if method == "GET":
                    return self._json(start_response, 200, self.stats())
            else:
                return self._json(start_response, 404, {"error": f"unknown control path /{CONTROL_PREFIX.strip('/')}/{path}"})
        except (ConfigError, ValueError) as exc:
            return self._json(start_response, 400, {"error": str(exc)})
        return self._json(start_response, 405, {"error": f"{method} not allowed on {environ.get('PATH_INFO')}"})

    def stats(self) -> dict[str, Any]:
        entries = self.log.since(0)
        faults: dict[str, int] = {}
        errors: dict[str, int] = {}
        for e in entries:
            if e["fault"]:
                faults[e["fault"]] = faults.get(e["fault"], 0) + 1
            if e["error_code"]:
                errors[e["error_code"]] = errors.get(e["error_code"], 0) + 1
        return {
            "requests": len(entries),
            "mutating": sum(1 for e in entries if e["mutating"]),
            "faults": faults,
            "errors": errors,
            "injected_total": self.faults.state()["injected_total"],
            "in_flight": self.log.in_flight,
        }

    # -- AWS calls --
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith(CONTROL_PREFIX):
            return self.control(environ, start_response)
        self.lifecycle.run_due()
        if path.startswith("/moto-api") or path == "/favicon.ico":
            if path.rstrip("/") == "/moto-api/reset":
                self.registry.clear()
                self.lifecycle.reset()
            return self.app(environ, start_response)

        started = time.monotonic()
        self.log.begin()
        try:
            return self._call(environ, start_response, path, started)
        finally:
            self.log.end()

    def _call(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str,
              started: float) -> Iterable[bytes]:
        body = _read_body(environ)
        call = identify(environ, body)
        fault = self.faults.decide(call)

        if fault is not None and not fault.after:
            status, headers, data = render_error(call, fault.code, fault.message, fault.status, fault.extra)
        elif call.protocol == "ec2" and call.dry_run:
            # AWS answers 412 DryRunOperation and changes nothing; moto 5.2.5 ignores DryRun
            # on most EC2 calls (CreateVpc with DryRun=true creates a VPC).
            status, headers, data = render_error(
                call, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
        else:
            status, headers, data = self._forward(environ)
            if fault is not None:  # server_error after the call took effect
                status, headers, data = render_error(call, fault.code, fault.message, fault.status, fault.extra)
            elif 200 <= status < 300 and call.mutating:
                self.registry.record(call, data)

        self.log.append({
            "time": time.time(),
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "service": call.service,
            "region": call.region,
            "operation": call.operation,
            "mutating": call.mutating,
            "dry_run": call.dry_run,
            "protocol": call.protocol,
            "method": environ.get("REQUEST_METHOD", ""),
            "path": path,
            "status": status,
            "error_code": error_code_of(status, headers, data),
            "fault": fault.kind if fault is not None else None,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        })
        start_response(f"{status} {_reason(status)}", headers)
        return [data]

    def _forward(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda chunk: None

        result = self.app(environ, capture)
        try:
            data = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = int(str(captured.get("status", "500")).split(" ", 1)[0])
        return status, list(captured.get("headers", [])), data


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


# ---------------------------------------------------------------------------------------------
# Configuration from the environment, and the server
# ---------------------------------------------------------------------------------------------


class Realism:
    """Everything the server needs: log, registry, faults, lifecycle settings."""

    def __init__(self, time_scale: float | None = None, faults: Any = None, seed: int | None = None,
                 durations: dict[str, float] | None = None, log_max: int | None = None) -> None:
        env = os.environ
        if time_scale is None and env.get(ENV_TIME_SCALE, "") != "":
            time_scale = _env_float(ENV_TIME_SCALE)
        if durations is None and env.get(ENV_DURATIONS):
            durations = _env_json(ENV_DURATIONS)
        if faults is None and env.get(ENV_FAULTS):
            faults = _env_json(ENV_FAULTS)
        if seed is None and env.get(ENV_SEED, "") != "":
            try:
                seed = int(env[ENV_SEED])
            except ValueError:
                raise ConfigError(f"{ENV_SEED} must be an integer, got {env[ENV_SEED]!r}") from None
        if log_max is None:
            log_max = int(env.get(ENV_LOG_MAX) or 100_000)
        LIFECYCLE.configure(time_scale if time_scale is not None else DEFAULT_TIME_SCALE, durations)
        LIFECYCLE.remember_initial()
        self.lifecycle = LIFECYCLE
        self.log = RequestLog(log_max)
        self.registry = CreationRegistry()
        self.faults = FaultInjector(self.registry, 0)
        rules, rules_seed = _parse_rules(faults if faults is not None else [])
        self.faults.configure(rules, seed if seed is not None else (rules_seed if rules_seed is not None else 0))

    def wrap(self, app: Callable[..., Any]) -> RealismMiddleware:
        return RealismMiddleware(app, self.faults, self.log, self.registry, self.lifecycle)

    def summary(self) -> str:
        rules = self.faults.state()["rules"]
        return (f"time scale {self.lifecycle.time_scale} s per AWS minute; "
                f"{len(rules)} fault rule(s), seed {self.faults.seed}")


def _env_float(name: str) -> float:
    try:
        return float(os.environ[name])
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {os.environ[name]!r}") from None


def _env_json(name: str) -> Any:
    value = os.environ[name]
    if value.startswith("@"):
        with open(value[1:], encoding="utf-8") as handle:
            value = handle.read()
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ConfigError(f"{name} is not valid JSON: {exc}") from None


def make_server_class():  # type: ignore[no-untyped-def]
    """ThreadedMotoServer whose WSGI app is wrapped in RealismMiddleware."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class RealismMotoServer(ThreadedMotoServer):
        def __init__(self, realism: Realism, ip_address: str = "127.0.0.1", port: int = 4566,
                     verbose: bool = False) -> None:
            super().__init__(ip_address=ip_address, port=port, verbose=verbose)
            self.realism = realism

        def _server_entry(self) -> None:
            app = self.realism.wrap(DomainDispatcherApplication(create_backend_app))
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return RealismMotoServer
