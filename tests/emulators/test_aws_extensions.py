"""The aws_extensions package applies every extension its service modules define, once each."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aws_extensions  # noqa: E402


def service_extensions() -> list:
    """The public functions defined in the service modules (``common`` holds helpers only)."""
    found = []
    for info in pkgutil.iter_modules(aws_extensions.__path__):
        if info.name == "common":
            continue
        module = importlib.import_module(f"aws_extensions.{info.name}")
        found += [func for name, func in inspect.getmembers(module, inspect.isfunction)
                  if func.__module__ == module.__name__ and not name.startswith("_")]
    return found


def test_every_extension_is_applied_once():
    defined = service_extensions()
    assert defined
    assert sorted(f.__name__ for f in aws_extensions.EXTENSIONS) == sorted(f.__name__ for f in defined)


def test_every_extension_is_importable_from_the_package_by_name():
    for func in aws_extensions.EXTENSIONS:
        assert getattr(aws_extensions, func.__name__) is func


def test_cloudwatch_composite_alarms_round_trip(monkeypatch):
    """PutCompositeAlarm stores the rule and actions; DescribeAlarms filters by AlarmTypes as AWS does."""
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    aws_extensions.cloudwatch_composite_alarms()
    topic = "arn:aws:sns:us-east-1:123456789012:alerts"
    with mock_aws():
        cw = boto3.client("cloudwatch", region_name="us-east-1")
        cw.put_metric_alarm(AlarmName="cpu", Namespace="AWS/RDS", MetricName="CPUUtilization", Statistic="Average",
                            Period=60, EvaluationPeriods=3, Threshold=80.0, ComparisonOperator="GreaterThanThreshold")
        cw.put_composite_alarm(AlarmName="jit", AlarmRule='ALARM("cpu")', AlarmActions=[topic], OKActions=[topic],
                               AlarmDescription="JIT authorization degraded")
        composite = cw.describe_alarms(AlarmTypes=["CompositeAlarm"])
        assert composite["MetricAlarms"] == []
        [alarm] = composite["CompositeAlarms"]
        assert (alarm["AlarmName"], alarm["AlarmRule"], alarm["AlarmActions"], alarm["OKActions"]) == (
            "jit", 'ALARM("cpu")', [topic], [topic])
        assert alarm["AlarmArn"].endswith(":alarm:jit")
        default = cw.describe_alarms()
        assert [a["AlarmName"] for a in default["MetricAlarms"]] == ["cpu"] and default["CompositeAlarms"] == []
        both = cw.describe_alarms(AlarmNames=["jit", "cpu"], AlarmTypes=["CompositeAlarm", "MetricAlarm"])
        assert len(both["MetricAlarms"]) == 1 and len(both["CompositeAlarms"]) == 1
        cw.put_composite_alarm(AlarmName="jit", AlarmRule='ALARM("cpu") OR ALARM("x")')
        assert cw.describe_alarms(AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0]["AlarmRule"] == 'ALARM("cpu") OR ALARM("x")'
        cw.delete_alarms(AlarmNames=["jit"])
        assert cw.describe_alarms(AlarmTypes=["CompositeAlarm"])["CompositeAlarms"] == []
def test_cloudtrail_describe_trails_answers_only_the_named_trail(monkeypatch):
    """Two regions, each with a multi-region trail: a name finds the region's own trail only."""
    import boto3  # pylint: disable=import-outside-toplevel
    from moto import mock_aws  # pylint: disable=import-outside-toplevel

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    aws_extensions.cloudtrail_describe_trails_by_name()
    with mock_aws():
        trails = {}
        for region, name in (("us-east-1", "audit-east"), ("eu-west-1", "audit-west")):
            s3 = boto3.client("s3", region_name=region)
            config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            s3.create_bucket(Bucket=f"{name}-bucket", **config)
            client = boto3.client("cloudtrail", region_name=region)
            trails[region] = client.create_trail(Name=name, S3BucketName=f"{name}-bucket", IsMultiRegionTrail=True)["TrailARN"]
        east = boto3.client("cloudtrail", region_name="us-east-1")
        assert [t["Name"] for t in east.describe_trails(trailNameList=["audit-east"])["trailList"]] == ["audit-east"]
        # A name never matches a shadow (another region's trail); its ARN does.
        assert east.describe_trails(trailNameList=["audit-west"])["trailList"] == []
        by_arn = east.describe_trails(trailNameList=[trails["eu-west-1"]])["trailList"]
        assert [(t["Name"], t["HomeRegion"]) for t in by_arn] == [("audit-west", "eu-west-1")]
        # Without a list: the region's trails and the shadows, as before.
        assert sorted(t["Name"] for t in east.describe_trails()["trailList"]) == ["audit-east", "audit-west"]


def test_cloudtrail_delete_trail_by_arn(monkeypatch):
    import boto3  # pylint: disable=import-outside-toplevel
    import pytest  # pylint: disable=import-outside-toplevel
    from moto import mock_aws  # pylint: disable=import-outside-toplevel

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    aws_extensions.cloudtrail_delete_trail_by_arn()
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="audit-bucket")
        client = boto3.client("cloudtrail", region_name="us-east-1")
        arn = client.create_trail(Name="audit-trail", S3BucketName="audit-bucket", IsMultiRegionTrail=True)["TrailARN"]
        client.delete_trail(Name=arn)
        assert client.describe_trails()["trailList"] == []
        with pytest.raises(client.exceptions.TrailNotFoundException):
            client.delete_trail(Name="audit-trail")
