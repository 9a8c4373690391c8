# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.iam_oidc_provider, on moto's in-process mock (with the
emulator's ``iam_oidc_provider_client_ids`` extension: moto lacks the client-ID calls)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import iam_oidc_provider as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

URL = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


@pytest.fixture(autouse=True)
def iam(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("iam_oidc_provider_client_ids")
    with mock_aws():
        yield boto3.client("iam", region_name=REGION)


def providers(iam):
    return [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]


def test_check_mode_create_writes_nothing(iam, capsys):
    result = run_module(module_under_test, dict(url=URL), capsys, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["client_ids"] == ["sts.amazonaws.com"]
    assert providers(iam) == []


def test_create_then_idempotent(iam, capsys):
    first = run_module(module_under_test, dict(url=URL, tags={"Project": "card-platform"}), capsys)
    assert first["changed"] is True
    arn = first["oidc_provider"]["arn"]
    assert arn == "arn:aws:iam::123456789012:oidc-provider/" + URL[len("https://") :]
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["sts.amazonaws.com"]
    second = run_module(module_under_test, dict(url=URL, tags={"Project": "card-platform"}), capsys)
    assert second["changed"] is False
    assert providers(iam) == [arn]


def test_client_ids_and_tags_change_in_place(iam, capsys):
    arn = run_module(module_under_test, dict(url=URL), capsys)["oidc_provider"]["arn"]
    changed = run_module(module_under_test, dict(url=URL, client_ids=["other"], tags={"Team": "payments"}), capsys)
    assert changed["changed"] is True
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["other"]
    assert changed["oidc_provider"]["tags"] == {"Team": "payments"}


def test_absent(iam, capsys):
    run_module(module_under_test, dict(url=URL), capsys)
    assert run_module(module_under_test, dict(url=URL, state="absent"), capsys)["changed"] is True
    assert providers(iam) == []
    assert run_module(module_under_test, dict(url=URL, state="absent"), capsys)["changed"] is False


def test_url_must_be_https(iam, capsys):
    result = run_module(module_under_test, dict(url="oidc.example.com"), capsys)
    assert result["failed"] is True
    assert "https://" in result["msg"]
