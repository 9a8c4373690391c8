"""The project's own helm and kubectl (tools/install_k8s_tools.py, installed by `make venv`)."""

from __future__ import annotations

import importlib.util
import json
import shutil

import pytest

from helpers import BIN, REPO, run, tool_env

spec = importlib.util.spec_from_file_location("install_k8s_tools", REPO / "tools" / "install_k8s_tools.py")
installer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(installer)


def test_binaries_are_installed_with_the_pinned_digests():
    assert installer.installed(BIN), f"helm/kubectl missing or not the pinned build in {BIN}: run make venv"


def test_helm_reports_the_pinned_version():
    result = run([str(BIN / "helm"), "version", "--short"])
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().startswith(installer.HELM_VERSION + "+"), result.stdout
    assert installer.HELM_VERSION == "v3.18.0"


def test_kubectl_reports_the_pinned_version():
    result = run([str(BIN / "kubectl"), "version", "--client", "-o", "json"])
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["clientVersion"]["gitVersion"] == installer.KUBECTL_VERSION == "v1.33.9"


def test_the_tools_on_the_test_path_are_the_projects():
    path = tool_env()["PATH"]
    found = [shutil.which(tool, path=path) for tool in ("helm", "kubectl")]
    assert found == [str(BIN / "helm"), str(BIN / "kubectl")]


def test_checksum_mismatch_is_refused():
    data = b"not the binary"
    wrong = "0" * 64
    with pytest.raises(installer.ChecksumError) as err:
        installer.verify("helm/helm", data, wrong)
    message = str(err.value)
    assert "helm/helm" in message and wrong in message and installer.sha256(data) in message
    installer.verify("helm/helm", data, installer.sha256(data))  # the right digest passes


def test_a_tampered_binary_is_not_taken_as_installed(tmp_path):
    for name in installer.BINARIES:
        (tmp_path / name).write_bytes((BIN / name).read_bytes())
        (tmp_path / name).chmod(0o755)
    assert installer.installed(tmp_path)
    with open(tmp_path / "kubectl", "ab") as out:
        out.write(b"\0")
    assert not installer.installed(tmp_path)
