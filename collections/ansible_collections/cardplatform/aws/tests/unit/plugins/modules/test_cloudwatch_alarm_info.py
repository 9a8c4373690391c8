# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.cloudwatch_alarm_info, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import cloudwatch_alarm_info as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

PREFIX = "card-platform-local-"


@pytest.fixture(autouse=True)
def cloudwatch(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        client = boto3.client("cloudwatch", region_name=REGION)
        for name in (f"{PREFIX}rds-cpu", f"{PREFIX}elasticache-hit-rate", "someone-else-cpu"):
            client.put_metric_alarm(AlarmName=name, Namespace="AWS/RDS", MetricName="CPUUtilization", Statistic="Average",
                                    Period=60, EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold")
        client.set_alarm_state(AlarmName=f"{PREFIX}rds-cpu", StateValue="ALARM", StateReason="drill")
        client.set_alarm_state(AlarmName=f"{PREFIX}elasticache-hit-rate", StateValue="INSUFFICIENT_DATA", StateReason="new")
        yield client


def test_lists_the_prefixed_alarms_with_their_state(capsys):
    result = run_module(module_under_test, dict(alarm_name_prefix=PREFIX), capsys, check_mode=True)
    assert result["changed"] is False
    assert [(a["name"], a["type"], a["state"]) for a in result["alarms"]] == [
        (f"{PREFIX}elasticache-hit-rate", "MetricAlarm", "INSUFFICIENT_DATA"),
        (f"{PREFIX}rds-cpu", "MetricAlarm", "ALARM"),
    ]
    cpu = result["alarms"][1]
    assert cpu["reason"] == "drill" and cpu["updated"][:4].isdigit()


def test_asks_for_composite_alarms_too(monkeypatch, capsys):
    """DescribeAlarms returns metric alarms only unless AlarmTypes names CompositeAlarm."""
    sent = {}
    real = module_under_test.AlarmReader.paginate

    def paginate(self, method, msg, missing=(), **kwargs):
        sent.update(kwargs)
        found = real(self, method, msg, missing, **kwargs)
        return {**found, "CompositeAlarms": [{"AlarmName": f"{PREFIX}jit-degraded", "StateValue": "OK", "StateReason": "",
                                              "StateUpdatedTimestamp": "2026-12-07T22:00:00+00:00"}]}

    monkeypatch.setattr(module_under_test.AlarmReader, "paginate", paginate)
    result = run_module(module_under_test, dict(alarm_name_prefix=PREFIX), capsys)
    assert sent == {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "AlarmNamePrefix": PREFIX}
    assert {"name": f"{PREFIX}jit-degraded", "type": "CompositeAlarm", "state": "OK", "reason": "",
            "updated": "2026-12-07T22:00:00+00:00"} in result["alarms"]


def test_no_alarm_is_an_empty_list(capsys):
    assert run_module(module_under_test, dict(alarm_name_prefix="nothing-"), capsys)["alarms"] == []
