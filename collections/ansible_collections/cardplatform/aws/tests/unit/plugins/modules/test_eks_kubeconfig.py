# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.eks_kubeconfig, on moto's in-process mock."""

from __future__ import annotations

import base64
import os
import stat
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import yaml
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import eks_kubeconfig as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials


@pytest.fixture(autouse=True)
def eks(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        client = boto3.client("eks", region_name=REGION)
        client.create_cluster(
            name="card",
            version="1.35",
            roleArn="arn:aws:iam::123456789012:role/eks-cluster",
            resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"]},
        )
        yield client


def decode(token):
    assert token.startswith("k8s-aws-v1.")
    payload = token[len("k8s-aws-v1.") :]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_token_is_a_presigned_get_caller_identity():
    sts = boto3.client("sts", region_name=REGION, endpoint_url="https://sts.us-east-1.amazonaws.com")
    url = urlparse(decode(module_under_test.make_token(sts, "card")))
    query = parse_qs(url.query)
    assert url.netloc == "sts.us-east-1.amazonaws.com"
    assert query["Action"] == ["GetCallerIdentity"]
    assert query["X-Amz-Expires"] == ["60"]
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"][0].split(";")
    assert "=" not in module_under_test.make_token(sts, "card")[-2:]


def test_writes_private_kubeconfig_then_unchanged(eks, tmp_path, capsys):
    path = tmp_path / "kube" / "card.yml"
    first = run_module(module_under_test, dict(cluster_name="card", path=str(path)), capsys)
    assert first["changed"] is True
    assert "token" not in first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    config = yaml.safe_load(path.read_text())
    cluster = eks.describe_cluster(name="card")["cluster"]
    assert config["current-context"] == "card"
    assert config["clusters"][0]["cluster"]["server"] == cluster["endpoint"]
    assert config["clusters"][0]["cluster"]["certificate-authority-data"] == cluster["certificateAuthority"]["data"]
    assert config["users"][0]["user"]["token"].startswith("k8s-aws-v1.")
    assert "exec" not in config["users"][0]["user"]
    # A fresh token is written, but a token refresh is not a configuration change.
    second = run_module(module_under_test, dict(cluster_name="card", path=str(path)), capsys, diff=True)
    assert second["changed"] is False
    assert "k8s-aws-v1." not in second["diff"]["after"]


def test_check_mode_writes_nothing(eks, tmp_path, capsys):
    path = tmp_path / "card.yml"
    result = run_module(module_under_test, dict(cluster_name="card", path=str(path)), capsys, check_mode=True)
    assert result["changed"] is True
    assert not path.exists()


def test_token_returned_only_on_request(eks, tmp_path, capsys):
    result = run_module(
        module_under_test, dict(cluster_name="card", path=str(tmp_path / "c.yml"), return_token=True), capsys
    )
    assert result["token"].startswith("k8s-aws-v1.")


def test_missing_cluster_fails(eks, tmp_path, capsys):
    result = run_module(module_under_test, dict(cluster_name="nope", path=str(tmp_path / "c.yml")), capsys)
    assert result["failed"] is True
    assert "does not exist" in result["msg"]
