# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.cloudwatch_dashboard, on moto's in-process mock."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import cloudwatch_dashboard as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

BODY = {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "# Targets"}}]}


@pytest.fixture(autouse=True)
def cloudwatch(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield boto3.client("cloudwatch", region_name=REGION)


def test_creates_then_changes_nothing(cloudwatch, capsys):
    result = run_module(module_under_test, dict(name="targets", body=BODY), capsys, diff=True)
    assert result["changed"] is True and result["diff"] == {"before": {}, "after": BODY}
    assert result["dashboard"]["dashboard_arn"].endswith(":dashboard/targets")
    assert json.loads(cloudwatch.get_dashboard(DashboardName="targets")["DashboardBody"]) == BODY
    assert run_module(module_under_test, dict(name="targets", body=BODY), capsys)["changed"] is False


def test_key_order_and_white_space_are_not_a_change(cloudwatch, capsys):
    cloudwatch.put_dashboard(DashboardName="targets", DashboardBody=json.dumps(BODY, indent=4))
    reordered = json.dumps({"widgets": [dict(reversed(list(BODY["widgets"][0].items())))]})
    assert run_module(module_under_test, dict(name="targets", body=reordered), capsys)["changed"] is False


def test_check_mode_writes_nothing_and_an_edit_is_put_back(cloudwatch, capsys):
    assert run_module(module_under_test, dict(name="targets", body=BODY), capsys, check_mode=True)["changed"] is True
    assert cloudwatch.list_dashboards()["DashboardEntries"] == []
    cloudwatch.put_dashboard(DashboardName="targets", DashboardBody=json.dumps({"widgets": []}))
    result = run_module(module_under_test, dict(name="targets", body=BODY), capsys, diff=True)
    assert result["changed"] is True and result["diff"]["before"] == {"widgets": []}
    assert json.loads(cloudwatch.get_dashboard(DashboardName="targets")["DashboardBody"]) == BODY


def test_absent_deletes_once(cloudwatch, capsys):
    run_module(module_under_test, dict(name="targets", body=BODY), capsys)
    assert run_module(module_under_test, dict(name="targets", state="absent"), capsys)["changed"] is True
    assert cloudwatch.list_dashboards()["DashboardEntries"] == []
    assert run_module(module_under_test, dict(name="targets", state="absent"), capsys)["changed"] is False


@pytest.mark.parametrize(("body", "message"), [(None, "body: required"), ("{not json", "body: not valid JSON"),
                                               ("[1]", "body: a dict")])
def test_refuses_bad_input(body, message, capsys):
    result = run_module(module_under_test, dict(name="targets", body=body), capsys)
    assert result["failed"] is True and message in result["msg"]
