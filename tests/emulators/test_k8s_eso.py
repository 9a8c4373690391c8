"""The Kubernetes emulator as a cluster with External Secrets Operator installed (K8S_EMULATOR_CRDS=external-secrets):
the ESO CRDs are served at start, and ExternalSecrets are materialised from the AWS emulator's
Secrets Manager with ESO's status conditions. About 10 s (both emulators start once)."""

from __future__ import annotations

import base64
import json
import subprocess
import time

import boto3
import pytest
import yaml

from helpers import BIN, private_emulators

# The project's pinned kubectl (make venv), never one that happens to be on the machine.
KUBECTL = str(BIN / "kubectl")

STORE = """
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: platform}
spec:
  conditions: [{namespaces: [app]}]
  provider:
    aws:
      service: SecretsManager
      region: us-east-1
      auth: {jwt: {serviceAccountRef: {name: reader, namespace: external-secrets}}}
"""


def external_secret(name: str, data: list[dict], namespace: str = "app", refresh: str = "1h") -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {
                "refreshInterval": refresh,
                "secretStoreRef": {"kind": "ClusterSecretStore", "name": "platform"},
                "target": {"name": name, "creationPolicy": "Owner"},
                "data": data,
            },
        }
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    state = tmp_path_factory.mktemp("eso")
    with private_emulators(state, K8S_EMULATOR_CRDS="external-secrets") as env:
        sm = boto3.client(
            "secretsmanager",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{env['AWS_EMULATOR_PORT']}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - the emulator accepts any key pair
        )
        yield {"kubeconfig": str(state / "kubeconfig"), "sm": sm}


def kubectl(cluster, *args: str, stdin: str | None = None, check: bool = True) -> str:
    result = subprocess.run(
        [KUBECTL, "--kubeconfig", cluster["kubeconfig"], *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0 or not check, result.stderr
    return result.stdout


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def ready(cluster, kind: str, name: str, namespace: str = "app") -> dict:
    obj = json.loads(kubectl(cluster, "get", kind, name, "-n", namespace, "-o", "json"))
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c["type"] == "Ready"), {})


def secret_data(cluster, name: str, namespace: str = "app") -> dict | None:
    out = kubectl(cluster, "get", "secret", name, "-n", namespace, "-o", "json", "--ignore-not-found")
    if not out.strip():
        return None
    return {k: base64.b64decode(v).decode() for k, v in (json.loads(out).get("data") or {}).items()}


def test_the_eso_crds_are_served_with_their_short_names(cluster):
    crds = kubectl(cluster, "get", "crd", "-o", "name").split()
    assert {
        f"customresourcedefinition.apiextensions.k8s.io/{p}.external-secrets.io"
        for p in ("externalsecrets", "secretstores", "clustersecretstores")
    } <= set(crds)
    resources = kubectl(cluster, "api-resources", "--api-group=external-secrets.io", "-o", "wide")
    assert "es " in resources and "css " in resources and "ss " in resources
    assert "external-secrets.io/v1 " in resources


def test_an_external_secret_is_materialised_from_secrets_manager(cluster):
    cluster["sm"].create_secret(
        Name="platform/db", SecretString=json.dumps({"username": "app", "password": "s3cr3t-v1"})
    )
    kubectl(cluster, "create", "namespace", "app")
    kubectl(cluster, "apply", "-f", "-", stdin=STORE)
    mapping = [
        {"secretKey": "DB_USER", "remoteRef": {"key": "platform/db", "property": "username"}},
        {"secretKey": "DB_PASSWORD", "remoteRef": {"key": "platform/db", "property": "password"}},
    ]
    kubectl(cluster, "apply", "-f", "-", stdin=external_secret("creds", mapping))
    assert wait_for(lambda: secret_data(cluster, "creds")) == {"DB_USER": "app", "DB_PASSWORD": "s3cr3t-v1"}
    condition = wait_for(
        lambda: ready(cluster, "externalsecret", "creds").get("status") == "True" and ready(cluster, "es", "creds")
    )
    assert condition["reason"] == "SecretSynced"
    store = ready(cluster, "clustersecretstore", "platform", "default")
    assert (store["status"], store["reason"]) == ("True", "Valid")
    secret = json.loads(kubectl(cluster, "get", "secret", "creds", "-n", "app", "-o", "json"))
    assert secret["type"] == "Opaque"
    assert secret["metadata"]["labels"]["reconcile.external-secrets.io/managed"] == "true"
    assert [(o["kind"], o["name"], o["controller"]) for o in secret["metadata"]["ownerReferences"]] == [
        ("ExternalSecret", "creds", True)
    ]
    # kubectl get shows ESO's printer columns, filled from the status
    table = kubectl(cluster, "get", "es", "creds", "-n", "app")
    assert "SecretSynced" in table and "ClusterSecretStore" in table

    # ESO writes back a deleted target Secret, and follows a changed spec
    kubectl(cluster, "delete", "secret", "creds", "-n", "app")
    assert wait_for(lambda: secret_data(cluster, "creds")) == {"DB_USER": "app", "DB_PASSWORD": "s3cr3t-v1"}
    kubectl(cluster, "apply", "-f", "-", stdin=external_secret("creds", mapping[:1]))
    assert wait_for(lambda: secret_data(cluster, "creds") == {"DB_USER": "app"})

    # the Secret goes with its ExternalSecret (owner reference)
    kubectl(cluster, "delete", "externalsecret", "creds", "-n", "app")
    assert wait_for(lambda: secret_data(cluster, "creds") is None)


def test_sync_errors_are_conditions_and_never_show_a_value(cluster):
    kubectl(cluster, "create", "namespace", "app", check=False)  # exists when the test above ran first
    kubectl(cluster, "create", "namespace", "other")
    cluster["sm"].create_secret(Name="platform/cache", SecretString=json.dumps({"auth_token": "t0ken-value"}))
    missing = [{"secretKey": "X", "remoteRef": {"key": "platform/cache", "property": "nope"}}]
    kubectl(cluster, "apply", "-f", "-", stdin=external_secret("missing-property", missing))
    condition = wait_for(
        lambda: ready(cluster, "es", "missing-property").get("status") and ready(cluster, "es", "missing-property")
    )
    assert (condition["status"], condition["reason"]) == ("False", "SecretSyncedError")
    assert "nope" in condition["message"] and "t0ken-value" not in condition["message"]
    assert secret_data(cluster, "missing-property") is None

    # the store's conditions admit only the namespace "app"
    good = [{"secretKey": "TOKEN", "remoteRef": {"key": "platform/cache", "property": "auth_token"}}]
    kubectl(cluster, "apply", "-f", "-", stdin=external_secret("denied", good, namespace="other"))
    condition = wait_for(
        lambda: ready(cluster, "es", "denied", "other").get("status") and ready(cluster, "es", "denied", "other")
    )
    assert condition["status"] == "False" and "not allowed" in condition["message"]
    assert secret_data(cluster, "denied", "other") is None
