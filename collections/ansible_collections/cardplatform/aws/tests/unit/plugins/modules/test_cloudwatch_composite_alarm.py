# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.cloudwatch_composite_alarm, on moto's in-process mock with the
emulator's ``cloudwatch_composite_alarms`` extension (moto 5.2.5 lacks PutCompositeAlarm)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import cloudwatch_composite_alarm as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

TOPIC = "arn:aws:sns:us-east-1:123456789012:card-platform-alerts"
ARGS = dict(name="jit-degraded", alarm_rule='ALARM("cpu") OR ALARM("hit-rate")', description="JIT authorization degraded",
            alarm_actions=[TOPIC], ok_actions=[TOPIC])


@pytest.fixture(autouse=True)
def cloudwatch(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("cloudwatch_composite_alarms")
    with mock_aws():
        client = boto3.client("cloudwatch", region_name=REGION)
        for name in ("cpu", "hit-rate"):
            client.put_metric_alarm(AlarmName=name, Namespace="AWS/RDS", MetricName="CPUUtilization", Statistic="Average",
                                    Period=60, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
        yield client


def composite(client):
    return client.describe_alarms(AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]


def test_creates_then_changes_nothing(cloudwatch, capsys):
    result = run_module(module_under_test, ARGS, capsys, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["alarm"]["alarm_rule"] == ARGS["alarm_rule"] and result["alarm"]["alarm_arn"].endswith(":alarm:jit-degraded")
    [alarm] = composite(cloudwatch)
    assert (alarm["AlarmActions"], alarm["OKActions"], alarm["AlarmDescription"]) == ([TOPIC], [TOPIC], "JIT authorization degraded")
    assert run_module(module_under_test, ARGS, capsys)["changed"] is False


def test_check_mode_writes_nothing(cloudwatch, capsys):
    result = run_module(module_under_test, ARGS, capsys, check_mode=True, diff=True)
    assert result["changed"] is True and result["diff"]["after"]["alarm_rule"] == ARGS["alarm_rule"]
    assert composite(cloudwatch) == []


def test_a_rule_or_action_changed_out_of_band_is_put_back(cloudwatch, capsys):
    run_module(module_under_test, ARGS, capsys)
    cloudwatch.put_composite_alarm(AlarmName="jit-degraded", AlarmRule='ALARM("cpu")', AlarmActions=[], OKActions=[TOPIC])
    result = run_module(module_under_test, ARGS, capsys, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["alarm_rule"] == 'ALARM("cpu")' and result["diff"]["before"]["alarm_actions"] == []
    assert composite(cloudwatch)[0]["AlarmRule"] == ARGS["alarm_rule"]


def test_absent_deletes_once(cloudwatch, capsys):
    run_module(module_under_test, ARGS, capsys)
    check = run_module(module_under_test, dict(name="jit-degraded", state="absent"), capsys, check_mode=True)
    assert check["changed"] is True and len(composite(cloudwatch)) == 1
    assert run_module(module_under_test, dict(name="jit-degraded", state="absent"), capsys)["changed"] is True
    assert composite(cloudwatch) == []
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]] == ["cpu", "hit-rate"]
    assert run_module(module_under_test, dict(name="jit-degraded", state="absent"), capsys)["changed"] is False


@pytest.mark.parametrize(("args", "message"), [
    (dict(name="x"), "alarm_rule: required"),
    (dict(ARGS, alarm_actions=[TOPIC + str(i) for i in range(6)]), "alarm_actions: at most 5"),
])
def test_refuses_bad_input(args, message, capsys):
    result = run_module(module_under_test, args, capsys)
    assert result["failed"] is True and message in result["msg"]
