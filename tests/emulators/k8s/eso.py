"""External Secrets Operator simulation: ExternalSecret -> Kubernetes Secret, from the AWS emulator.

Active when the emulator knows the AWS endpoint (``K8S_EMULATOR_AWS_ENDPOINT`` / ``--aws-endpoint``)
and the ESO CRDs are served (``K8S_EMULATOR_CRDS=external-secrets`` or applied by a client).
What it does, as ESO's controllers do for the AWS Secrets Manager provider:

- SecretStore / ClusterSecretStore: status ``Ready=True`` (reason ``Valid``, "store validated"),
  ``capabilities: ReadWrite``; ``Ready=False`` (``InvalidProviderConfig``) for a provider other
  than ``aws`` / ``SecretsManager``.
- ExternalSecret: reads every ``spec.data[].remoteRef`` (``key``, optional ``property`` of a JSON
  secret, optional ``version``/``versionId`` stage) and ``spec.dataFrom[].extract`` with
  ``secretsmanager:GetSecretValue`` in the store's region, writes the target Secret (``Opaque``,
  label ``reconcile.external-secrets.io/managed``, annotation ``.../data-hash``; owned by the
  ExternalSecret with ``creationPolicy: Owner``, only updated with ``Merge``, never written with
  ``None``), and sets ``status.conditions[Ready]`` (``SecretSynced`` / ``SecretSyncedError``),
  ``refreshTime``, ``syncedResourceVersion`` and ``binding``. ``refreshInterval`` re-reads on a
  timer (``0`` never); deleting or editing the target Secret is repaired.

The store's ``auth`` (IRSA service account, access keys) is not checked: the emulator's AWS
accepts any credentials. Not simulated: ``target.template``, ``dataFrom.find``/``sourceRef``
generators, PushSecret, ClusterExternalSecret, refresh policies other than the interval.
No secret value is ever logged: errors carry the AWS error code and the key name only.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import logging
import re

from .engine import Api, now_iso
from .errors import ApiError

LOG = logging.getLogger("k8s-emulator.eso")
GROUP = "external-secrets.io"
MANAGED_LABEL = "reconcile.external-secrets.io/managed"
HASH_ANNOTATION = "reconcile.external-secrets.io/data-hash"
STORE_PLURALS = {"SecretStore": "secretstores", "ClusterSecretStore": "clustersecretstores"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")


def parse_duration(text) -> float:
    """Go duration ("1h", "15m30s", "0") in seconds; 0 for empty or unparsable."""
    text = str(text or "").strip()
    if not text or text == "0":
        return 0.0
    total, pos = 0.0, 0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            return 0.0
        pos = match.end()
        total += float(match.group(1)) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[match.group(2)]
    return total if pos == len(text) else 0.0


def _condition(old_status: dict, status: str, reason: str, message: str) -> dict:
    prev = next((c for c in (old_status or {}).get("conditions") or [] if c.get("type") == "Ready"), {})
    changed = prev.get("status") != status
    return {
        "type": "Ready",
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": now_iso() if changed or not prev else prev.get("lastTransitionTime", now_iso()),
    }


class SyncError(Exception):
    """A reason and a message for the Ready=False condition (never a secret value)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class EsoSimulation:
    def __init__(self, api: Api, aws_endpoint: str) -> None:
        self.api = api
        self.aws_endpoint = aws_endpoint
        self._clients: dict[str, object] = {}

    # ------------------------------------------------------------------ helpers
    def _rt(self, plural: str):
        for version in ("v1", "v1beta1"):
            rt = self.api.catalog.find(GROUP, version, plural)
            if rt is not None:
                return rt
        return None

    def _client(self, region: str):
        if region not in self._clients:
            import boto3  # lazily: the emulator runs without boto3 when ESO is not simulated

            self._clients[region] = boto3.client(
                "secretsmanager",
                region_name=region,
                endpoint_url=self.aws_endpoint,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",  # noqa: S106 - the emulator accepts any key pair
            )
        return self._clients[region]

    def _write_status(self, rt, obj: dict, status: dict) -> None:
        if (obj.get("status") or {}) == status:
            return
        new = copy.deepcopy(obj)
        new["status"] = status
        self.api.controller_write(rt, new, "status")

    # ------------------------------------------------------------------ stores
    @staticmethod
    def _provider_error(store: dict) -> str:
        aws = ((store.get("spec") or {}).get("provider") or {}).get("aws")
        if not isinstance(aws, dict):
            return "the emulator simulates only the aws provider"
        if aws.get("service") not in ("SecretsManager", None):
            return f"the emulator simulates only service SecretsManager, not {aws.get('service')}"
        return ""

    def sync_store(self, kind: str, ns: str, name: str) -> None:
        rt = self._rt(STORE_PLURALS[kind])
        if rt is None:
            return
        raw = self.api.get_raw(rt, ns if rt.namespaced else "", name)
        if raw is None:
            return
        store = self.api.render(rt, raw)
        error = self._provider_error(store)
        old = store.get("status") or {}
        status = {
            "conditions": [
                (
                    _condition(old, "False", "InvalidProviderConfig", error)
                    if error
                    else _condition(old, "True", "Valid", "store validated")
                )
            ],
        }
        if not error:
            status["capabilities"] = "ReadWrite"
        self._write_status(rt, store, status)

    # ------------------------------------------------------------------ external secrets
    def _store_for(self, es: dict, ns: str) -> dict:
        ref = (es.get("spec") or {}).get("secretStoreRef") or {}
        kind = ref.get("kind") or "SecretStore"
        if kind not in STORE_PLURALS:
            raise SyncError("SecretSyncedError", f"unsupported secretStoreRef kind {kind}")
        rt = self._rt(STORE_PLURALS[kind])
        raw = self.api.get_raw(rt, "" if kind == "ClusterSecretStore" else ns, ref.get("name", "")) if rt else None
        if raw is None:
            raise SyncError("SecretSyncedError", f'could not get {kind} "{ref.get("name", "")}"')
        store = self.api.render(rt, raw)
        if kind == "ClusterSecretStore":
            conditions = (store.get("spec") or {}).get("conditions") or []
            allowed = [n for c in conditions for n in c.get("namespaces") or []]
            if conditions and ns not in allowed:
                raise SyncError(
                    "SecretSyncedError",
                    f'using cluster store "{ref.get("name")}" is not allowed from namespace "{ns}": denied by spec.condition',
                )
        error = self._provider_error(store)
        if error:
            raise SyncError("SecretSyncedError", error)
        return store

    def _get_value(self, client, ref: dict, where: str) -> str:
        key = ref.get("key", "")
        kwargs = {"SecretId": key}
        version = ref.get("version")
        if version:
            if str(version).startswith("uuid/"):
                kwargs["VersionId"] = str(version)[5:]
            else:
                kwargs["VersionStage"] = str(version)
        try:
            answer = client.get_secret_value(**kwargs)
        except Exception as exc:  # botocore ClientError, connection errors: code and key only
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            raise SyncError("SecretSyncedError", f"error processing {where} (key: {key}), err: {code}") from None
        if "SecretString" in answer:
            return answer["SecretString"]
        return base64.b64decode(answer.get("SecretBinary") or b"").decode("utf-8", "replace")

    def _resolve(self, es: dict, store: dict) -> dict[str, str]:
        region = ((store.get("spec") or {}).get("provider") or {}).get("aws", {}).get("region") or "us-east-1"
        client = self._client(region)
        spec = es.get("spec") or {}
        out: dict[str, str] = {}
        for idx, entry in enumerate(spec.get("dataFrom") or []):
            extract = entry.get("extract")
            if not isinstance(extract, dict):
                raise SyncError("SecretSyncedError", f"spec.dataFrom[{idx}]: the emulator simulates only extract")
            raw = self._get_value(client, extract, f"spec.dataFrom[{idx}]")
            try:
                values = json.loads(raw)
            except ValueError:
                raise SyncError(
                    "SecretSyncedError", f"spec.dataFrom[{idx}] (key: {extract.get('key')}): not JSON"
                ) from None
            for key, value in (values or {}).items():
                out[key] = value if isinstance(value, str) else json.dumps(value)
        for idx, entry in enumerate(spec.get("data") or []):
            ref = entry.get("remoteRef") or {}
            raw = self._get_value(client, ref, f"spec.data[{idx}]")
            prop = ref.get("property")
            if prop:
                try:
                    value = json.loads(raw)
                    for part in str(prop).split("."):
                        value = value[part]
                except (ValueError, KeyError, TypeError):
                    raise SyncError(
                        "SecretSyncedError",
                        f"error processing spec.data[{idx}] (key: {ref.get('key')}), err: key {prop} does not exist in secret",
                    ) from None
                raw = value if isinstance(value, str) else json.dumps(value)
            out[entry.get("secretKey", "")] = raw
        return out

    def _write_target(self, es: dict, ns: str, values: dict[str, str]) -> str:
        spec = es.get("spec") or {}
        target = spec.get("target") or {}
        name = target.get("name") or es["metadata"]["name"]
        policy = target.get("creationPolicy") or "Owner"
        data = {k: base64.b64encode(v.encode()).decode() for k, v in sorted(values.items())}
        digest = hashlib.md5(json.dumps(data, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
        secret_rt = self.api.catalog.find("", "v1", "secrets")
        old = self.api.get_raw(secret_rt, ns, name)
        if policy == "None":
            return name
        if old is None:
            if policy == "Merge":
                raise SyncError(
                    "SecretSyncedError", f"could not update secret {name}: not found (creationPolicy Merge)"
                )
            body = {
                "metadata": {
                    "name": name,
                    "namespace": ns,
                    "labels": {MANAGED_LABEL: "true"},
                    "annotations": {HASH_ANNOTATION: digest},
                    "ownerReferences": [
                        {
                            "apiVersion": es["apiVersion"],
                            "kind": "ExternalSecret",
                            "name": es["metadata"]["name"],
                            "uid": es["metadata"]["uid"],
                            "controller": True,
                            "blockOwnerDeletion": True,
                        }
                    ],
                },
                "type": "Opaque",
                "data": data,
            }
            self.api.create(secret_rt, ns, body)
            return name
        new = self.api.render(secret_rt, old)
        meta = new["metadata"]
        meta.setdefault("labels", {})[MANAGED_LABEL] = "true"
        meta.setdefault("annotations", {})[HASH_ANNOTATION] = digest
        new["data"] = {**(new.get("data") or {}), **data} if policy == "Merge" else data
        if new != self.api.render(secret_rt, old):
            self.api.controller_write(secret_rt, new)
        return name

    def sync_external_secret(self, ns: str, name: str) -> float:
        """Reconcile one ExternalSecret; returns its refresh interval in seconds (0: none)."""
        rt = self._rt("externalsecrets")
        if rt is None:
            return 0.0
        raw = self.api.get_raw(rt, ns, name)
        if raw is None or raw["metadata"].get("deletionTimestamp"):
            return 0.0
        es = self.api.render(rt, raw)
        old = es.get("status") or {}
        status = {k: v for k, v in old.items() if k not in ("conditions",)}
        try:
            store = self._store_for(es, ns)
            values = self._resolve(es, store)
            target = self._write_target(es, ns, values)
        except SyncError as err:
            LOG.info("externalsecret %s/%s: %s", ns, name, err)
            status["conditions"] = [_condition(old, "False", err.reason, str(err))]
        except ApiError as err:
            LOG.info("externalsecret %s/%s: %s", ns, name, err.message)
            status["conditions"] = [_condition(old, "False", "SecretSyncedError", err.message)]
        else:
            synced = f"{es['metadata'].get('generation', 1)}-{hashlib.sha256(json.dumps(es['metadata'].get('labels') or {}, sort_keys=True).encode()).hexdigest()[:32]}"
            ready = _condition(old, "True", "SecretSynced", "secret synced")
            status["binding"] = {"name": target}
            status["conditions"] = [ready]
            if old.get("syncedResourceVersion") != synced or old.get("conditions") != [ready]:
                status["refreshTime"] = now_iso()
            status["syncedResourceVersion"] = synced
        self._write_status(rt, es, status)
        return parse_duration((es.get("spec") or {}).get("refreshInterval", "1h"))
