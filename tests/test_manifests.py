"""Every Kubernetes manifest the app_deploy role renders is valid for the inventory's cluster.

The manifests are rendered by tools/render_manifests.yml (the role's own templates with each
inventory's values; no API call) and validated offline by kubernetes-validate in strict mode
(an unknown or misspelt field fails) against the Kubernetes OpenAPI schemas of the
inventory's `eks_cluster_version` and of the next minor version (the in-place upgrade target),
so a template that an upgrade would reject fails here first. The three inventories render
concurrently; the whole module takes about as long as one ansible-playbook run.
"""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path

import kubernetes_validate  # requirements.txt pins it: a missing validator must fail, not skip
import pytest
import yaml

from helpers import BIN, REPO

INVENTORIES = ("local", "staging", "production")
# Every kind the role may render; a template that silently stops rendering one fails the test.
EXPECTED_KINDS = {
    "Namespace",
    "ConfigMap",
    "NetworkPolicy",
    "Ingress",
    "ServiceAccount",
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
}


def _cluster_version(inventory: str) -> str:
    """eks_cluster_version from the inventory's topic file (the role default when unset)."""
    for path in (
        REPO / "inventories" / inventory / "group_vars" / "all" / "eks.yml",
        REPO / "roles/eks/defaults/main.yml",
    ):
        value = (yaml.safe_load(path.read_text()) or {}).get("eks_cluster_version")
        if value:
            return str(value)
    raise AssertionError(f"no eks_cluster_version for {inventory}")


def _next_minor(version: str) -> str:
    major, minor = version.split(".")[:2]
    return f"{major}.{int(minor) + 1}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[tuple[str, dict]]]:
    """{inventory: [(file name, document)]}, rendered by three concurrent ansible-playbook runs."""
    base = tmp_path_factory.mktemp("manifests")
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_HOME": str(REPO / ".ansible"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    procs = {
        inv: subprocess.Popen(
            [
                str(BIN / "ansible-playbook"),
                "tools/render_manifests.yml",
                "-i",
                f"inventories/{inv}",
                "-e",
                f"manifests_dir={base / inv}",
            ],
            cwd=REPO,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for inv in INVENTORIES
    }
    out = {}
    for inv, proc in procs.items():
        stdout, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, stdout[-4000:]
        out[inv] = [
            (p.name, doc)
            for p in sorted((base / inv).glob("*.yml"))
            for doc in yaml.safe_load_all(p.read_text())
            if doc
        ]
    return out


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_every_rendered_manifest_is_valid_for_the_cluster_version(rendered, inventory):
    version = _cluster_version(inventory)
    docs = rendered[inventory]
    assert {doc["kind"] for _, doc in docs} >= EXPECTED_KINDS
    failures = []
    for target in (version, _next_minor(version)):
        for name, doc in docs:
            try:
                kubernetes_validate.validate(doc, target, strict=True)
            except kubernetes_validate.ValidationError as err:
                failures.append(
                    f"{name} {doc['kind']}/{doc['metadata']['name']} on {target}: {err.message} at {list(err.path)}"
                )
            except (
                kubernetes_validate.utils.SchemaNotFoundError,
                kubernetes_validate.utils.VersionNotSupportedError,
            ) as err:
                failures.append(f"{name} {doc['kind']} on {target}: no schema ({err})")
    assert not failures, "\n".join(failures)


def test_strict_validation_rejects_an_unknown_field(rendered):
    """The check above would pass vacuously if strict mode let unknown fields through."""
    deployment = next(doc for _, doc in rendered["production"] if doc["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["securityContex"] = {"runAsNonRoot": True}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, _cluster_version("production"), strict=True)
