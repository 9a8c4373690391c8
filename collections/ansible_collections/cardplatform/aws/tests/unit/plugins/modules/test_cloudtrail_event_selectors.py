# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.cloudtrail_event_selectors, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import cloudtrail_event_selectors as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

TRAIL = "audit-trail"
DATA = [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::card-data/", "arn:aws:s3:::card-keys/"]}]


@pytest.fixture(autouse=True)
def cloudtrail(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("cloudtrail_default_event_selectors")
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="audit-bucket")
        client = boto3.client("cloudtrail", region_name=REGION)
        client.create_trail(Name=TRAIL, S3BucketName="audit-bucket", IsMultiRegionTrail=True)
        yield client


def selectors(client):
    return client.get_event_selectors(TrailName=TRAIL)["EventSelectors"]


def test_a_new_trail_already_records_management_events(cloudtrail, capsys):
    result = run_module(module_under_test, dict(trail_name=TRAIL), capsys)
    assert result["changed"] is False
    assert result["event_selectors"] == [{"read_write_type": "All", "include_management_events": True,
                                          "data_resources": [], "exclude_management_event_sources": []}]


def test_adds_data_events_then_changes_nothing(cloudtrail, capsys):
    result = run_module(module_under_test, dict(trail_name=TRAIL, data_resources=DATA), capsys, diff=True)
    assert result["changed"] is True and result["trail_arn"].endswith(f":trail/{TRAIL}")
    assert selectors(cloudtrail)[0]["DataResources"] == [{"Type": "AWS::S3::Object", "Values": DATA[0]["values"]}]
    assert result["diff"]["before"][0]["data_resources"] == []
    reordered = [{"type": "AWS::S3::Object", "values": list(reversed(DATA[0]["values"]))}]
    assert run_module(module_under_test, dict(trail_name=TRAIL, data_resources=reordered), capsys)["changed"] is False


def test_check_mode_reports_the_change_and_writes_nothing(cloudtrail, capsys):
    result = run_module(module_under_test, dict(trail_name=TRAIL, data_resources=DATA), capsys, check_mode=True)
    assert result["changed"] is True and result["event_selectors"][0]["data_resources"]
    assert selectors(cloudtrail)[0]["DataResources"] == []


def test_management_events_turned_off_are_turned_back_on(cloudtrail, capsys):
    cloudtrail.put_event_selectors(TrailName=TRAIL, EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": False, "DataResources": []}])
    result = run_module(module_under_test, dict(trail_name=TRAIL), capsys)
    assert result["changed"] is True
    assert selectors(cloudtrail)[0]["IncludeManagementEvents"] is True
    assert selectors(cloudtrail)[0]["ReadWriteType"] == "All"


def test_a_missing_trail_fails_naming_it(cloudtrail, capsys):
    result = run_module(module_under_test, dict(trail_name="no-such-trail"), capsys)
    assert result["failed"] is True
    assert "Couldn't read the trail's event selectors (no-such-trail)" in result["msg"]


@pytest.mark.parametrize(("args", "message"), [
    (dict(data_resources=[{"type": "AWS::S3::Object", "values": []}]), "data_resources: each entry needs at least one value"),
    (dict(data_resources=[{"type": "AWS::S3::Object", "values": [f"arn:aws:s3:::b{i}/" for i in range(251)]}]),
     "data_resources: at most 250 values in all, got 251"),
])
def test_bad_input_is_refused_before_any_write(cloudtrail, capsys, args, message):
    result = run_module(module_under_test, dict(args, trail_name=TRAIL), capsys)
    assert result["failed"] is True and message in result["msg"]
    assert selectors(cloudtrail)[0]["DataResources"] == []


def test_documentation_parses_and_names_every_option():
    import yaml  # pylint: disable=import-outside-toplevel

    doc = yaml.safe_load(module_under_test.DOCUMENTATION)
    assert set(doc["options"]) == {"trail_name", "read_write_type", "include_management_events", "data_resources"}
    assert set(doc["options"]["data_resources"]["suboptions"]) == {"type", "values"}
    yaml.safe_load(module_under_test.EXAMPLES)
    assert set(yaml.safe_load(module_under_test.RETURN)) == {"trail_arn", "event_selectors", "before"}
