# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.ec2_vpc_flow_log, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import ec2_vpc_flow_log as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

ROLE = "arn:aws:iam::123456789012:role/flow-logs"
GROUP = "/aws/vpc-flow-logs/test"


@pytest.fixture(autouse=True)
def ec2(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        client = boto3.client("ec2", region_name=REGION)
        boto3.client("logs", region_name=REGION).create_log_group(logGroupName=GROUP)
        yield client


@pytest.fixture
def vpc_id(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def args(vpc_id, **overrides):
    base = dict(
        resource_id=vpc_id,
        traffic_type="ALL",
        log_group_name=GROUP,
        deliver_logs_permission_arn=ROLE,
        max_aggregation_interval=600,
        tags={"Project": "card-platform", "Name": "test-flow-log"},
    )
    base.update(overrides)
    return base


def flow_logs(ec2, vpc_id):
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]


def test_check_mode_create_writes_nothing(ec2, vpc_id, capsys):
    result = run_module(module_under_test, args(vpc_id), capsys, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["traffic_type"] == "ALL"
    assert flow_logs(ec2, vpc_id) == []


def test_create_then_idempotent(ec2, vpc_id, capsys):
    first = run_module(module_under_test, args(vpc_id), capsys)
    assert first["changed"] is True
    log = first["flow_log"]
    assert log["flow_log_id"].startswith("fl-")
    assert log["traffic_type"] == "ALL"
    assert log["log_group_name"] == GROUP
    assert log["deliver_logs_permission_arn"] == ROLE
    assert log["tags"] == {"Project": "card-platform", "Name": "test-flow-log"}
    second = run_module(module_under_test, args(vpc_id), capsys)
    assert second["changed"] is False
    assert second["flow_log"]["flow_log_id"] == log["flow_log_id"]
    check = run_module(module_under_test, args(vpc_id), capsys, check_mode=True)
    assert check["changed"] is False
    assert len(flow_logs(ec2, vpc_id)) == 1


def test_tags_change_in_place(ec2, vpc_id, capsys):
    first = run_module(module_under_test, args(vpc_id), capsys)
    changed = run_module(
        module_under_test, args(vpc_id, tags={"Project": "card-platform", "Owner": "payments"}), capsys
    )
    assert changed["changed"] is True
    assert changed["flow_log"]["flow_log_id"] == first["flow_log"]["flow_log_id"]
    assert changed["flow_log"]["tags"] == {"Project": "card-platform", "Owner": "payments"}


def test_immutable_change_replaces_the_flow_log(ec2, vpc_id, capsys):
    first = run_module(module_under_test, args(vpc_id), capsys)
    check = run_module(module_under_test, args(vpc_id, max_aggregation_interval=60), capsys, check_mode=True)
    assert check["changed"] is True
    assert flow_logs(ec2, vpc_id)[0]["FlowLogId"] == first["flow_log"]["flow_log_id"]
    replaced = run_module(module_under_test, args(vpc_id, max_aggregation_interval=60), capsys)
    assert replaced["changed"] is True
    current = flow_logs(ec2, vpc_id)
    assert len(current) == 1
    assert current[0]["MaxAggregationInterval"] == 60
    assert current[0]["FlowLogId"] != first["flow_log"]["flow_log_id"]


def test_other_traffic_type_is_another_flow_log(ec2, vpc_id, capsys):
    run_module(module_under_test, args(vpc_id), capsys)
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName=GROUP + "-rejects")
    other = run_module(
        module_under_test, args(vpc_id, traffic_type="REJECT", log_group_name=GROUP + "-rejects"), capsys
    )
    assert other["changed"] is True
    assert sorted(f["TrafficType"] for f in flow_logs(ec2, vpc_id)) == ["ALL", "REJECT"]


def test_absent(ec2, vpc_id, capsys):
    run_module(module_under_test, args(vpc_id), capsys)
    gone = run_module(module_under_test, args(vpc_id, state="absent"), capsys)
    assert gone["changed"] is True
    assert flow_logs(ec2, vpc_id) == []
    again = run_module(module_under_test, args(vpc_id, state="absent"), capsys)
    assert again["changed"] is False


def test_cloudwatch_destination_needs_a_role(ec2, vpc_id, capsys):
    result = run_module(module_under_test, args(vpc_id, deliver_logs_permission_arn=None), capsys)
    assert result["failed"] is True
    assert "deliver_logs_permission_arn" in result["msg"]
    assert flow_logs(ec2, vpc_id) == []
