# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.cloudwatch_metric_alarms, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import cloudwatch_metric_alarms as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

TOPIC = "arn:aws:sns:us-east-1:123456789012:card-platform-alerts"
CPU = dict(name="db-cpu", namespace="AWS/RDS", metric_name="CPUUtilization", statistic="Average",
           dimensions={"DBInstanceIdentifier": "card-platform-db"}, period=300, evaluation_periods=3, threshold=80,
           comparison="GreaterThanOrEqualToThreshold")


def _stat(metric, node="card-platform-0001-001"):
    return {"period": 300, "stat": "Sum", "metric": {"namespace": "AWS/ElastiCache", "metric_name": metric,
                                                     "dimensions": [{"name": "CacheClusterId", "value": node}]}}


HIT_RATE = dict(name="redis-hit-rate", evaluation_periods=3, threshold=70, comparison="LessThanThreshold",
                treat_missing_data="notBreaching", metrics=[
                    {"id": "hits", "return_data": False, "metric_stat": _stat("CacheHits")},
                    {"id": "misses", "return_data": False, "metric_stat": _stat("CacheMisses")},
                    {"id": "hit_rate", "expression": "100 * hits / (hits + misses)", "label": "Hit rate", "return_data": True}])
ARGS = dict(alarm_actions=[TOPIC], ok_actions=[TOPIC], alarms=[CPU, HIT_RATE])


@pytest.fixture(autouse=True)
def cloudwatch(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield boto3.client("cloudwatch", region_name=REGION)


def alarms(client):
    return {a["AlarmName"]: a for a in client.describe_alarms()["MetricAlarms"]}


def test_creates_both_kinds_then_changes_nothing(cloudwatch, capsys):
    result = run_module(module_under_test, ARGS, capsys, diff=True)
    assert result["changed"] is True and [r["changed"] for r in result["alarms"]] == [True, True]
    assert all(r["arn"].endswith(":alarm:" + r["name"]) for r in result["alarms"])
    found = alarms(cloudwatch)
    assert found["db-cpu"]["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "card-platform-db"}]
    assert found["db-cpu"]["AlarmActions"] == [TOPIC] and found["db-cpu"]["OKActions"] == [TOPIC]
    assert found["redis-hit-rate"]["Metrics"][2]["Expression"] == "100 * hits / (hits + misses)"
    assert found["redis-hit-rate"]["Metrics"][0]["MetricStat"]["Metric"]["Dimensions"] == [
        {"Name": "CacheClusterId", "Value": "card-platform-0001-001"}]
    again = run_module(module_under_test, ARGS, capsys)
    assert again["changed"] is False and [r["changed"] for r in again["alarms"]] == [False, False]
    assert again["alarms"][0]["current"] == again["alarms"][0]["wanted"]


def test_check_mode_writes_nothing(cloudwatch, capsys):
    result = run_module(module_under_test, ARGS, capsys, check_mode=True, diff=True)
    assert result["changed"] is True and set(result["diff"]["after"]) == {"db-cpu", "redis-hit-rate"}
    assert alarms(cloudwatch) == {}


def test_threshold_or_actions_changed_out_of_band_are_reported_and_put_back(cloudwatch, capsys):
    run_module(module_under_test, ARGS, capsys)
    cloudwatch.put_metric_alarm(AlarmName="db-cpu", Namespace="AWS/RDS", MetricName="CPUUtilization", Statistic="Average",
                                Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "card-platform-db"}], Period=300,
                                EvaluationPeriods=3, Threshold=99.0, ComparisonOperator="GreaterThanOrEqualToThreshold",
                                AlarmActions=[], OKActions=[TOPIC])
    check = run_module(module_under_test, ARGS, capsys, check_mode=True)
    cpu = check["alarms"][0]
    assert cpu["changed"] is True and check["alarms"][1]["changed"] is False
    assert (cpu["current"]["threshold"], cpu["wanted"]["threshold"]) == (99.0, 80.0)
    assert (cpu["current"]["alarm_actions"], cpu["wanted"]["alarm_actions"]) == ([], [TOPIC])
    assert run_module(module_under_test, ARGS, capsys)["changed"] is True
    assert alarms(cloudwatch)["db-cpu"]["Threshold"] == 80.0


def test_absent_deletes_only_the_named_alarms(cloudwatch, capsys):
    run_module(module_under_test, ARGS, capsys)
    cloudwatch.put_metric_alarm(AlarmName="other", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
                                Period=60, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
    absent = dict(state="absent", alarms=[{"name": "db-cpu"}, dict(HIT_RATE)])
    assert run_module(module_under_test, absent, capsys)["changed"] is True
    assert list(alarms(cloudwatch)) == ["other"]
    assert run_module(module_under_test, absent, capsys)["changed"] is False


@pytest.mark.parametrize(("alarm", "message"), [
    (dict(CPU, metrics=HIT_RATE["metrics"]), "cannot be combined with"),
    (dict(CPU, namespace=None), "missing namespace"),
    (dict(CPU, extended_statistic="p95"), "mutually exclusive"),
    (dict(HIT_RATE, metrics=HIT_RATE["metrics"][:2]), "exactly one entry with return_data"),
    (dict(CPU, datapoints_to_alarm=5), "datapoints_to_alarm: 1-evaluation_periods"),
    (dict(CPU, evaluation_periods=0), "evaluation_periods: 1 or more"),
    (dict(CPU, threshold=None), "threshold required with state=present"),
])
def test_refuses_bad_input(alarm, message, capsys):
    result = run_module(module_under_test, dict(alarms=[alarm]), capsys)
    assert result["failed"] is True and message in result["msg"]


def test_refuses_duplicate_names(capsys):
    result = run_module(module_under_test, dict(alarms=[CPU, CPU]), capsys)
    assert result["failed"] is True and "db-cpu given more than once" in result["msg"]
