# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.sns_topic, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import sns_topic as module_under_test

from _vpc_eks_helpers import REGION, run_module_raw, set_credentials

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
SECRET_URL = "https://events.pagerduty.com/integration/s3cr3tIntegrationKey0123/enqueue"
ARGS = dict(name="card-platform-alerts", kms_master_key_id=KEY, subscriptions=[{"protocol": "email", "endpoint": "oncall@example.com"}],
            sensitive_subscriptions=[{"protocol": "https", "endpoint": SECRET_URL}])


@pytest.fixture(autouse=True)
def sns(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield boto3.client("sns", region_name=REGION)


def run(args, capsys, **kwargs):
    result, raw = run_module_raw(module_under_test, args, capsys, **kwargs)
    assert SECRET_URL not in raw and "s3cr3t" not in raw
    return result


def subs(sns, arn):
    return sorted((s["Protocol"], s["Endpoint"]) for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"])


def test_creates_encrypted_topic_and_subscriptions_then_changes_nothing(sns, capsys):
    result = run(ARGS, capsys, diff=True)
    assert result["changed"] is True and result["topic_arn"].endswith(":card-platform-alerts")
    assert sns.get_topic_attributes(TopicArn=result["topic_arn"])["Attributes"]["KmsMasterKeyId"] == KEY
    assert subs(sns, result["topic_arn"]) == [("email", "oncall@example.com"), ("https", SECRET_URL)]
    assert {"protocol": "https", "endpoint": "********", "pending": False} in result["subscriptions"]
    again = run(ARGS, capsys, diff=True)
    assert again["changed"] is False and again["topic_arn"] == result["topic_arn"]


def test_check_mode_writes_nothing(sns, capsys):
    assert run(ARGS, capsys, check_mode=True, diff=True)["changed"] is True
    assert sns.list_topics()["Topics"] == []


def test_key_and_subscriptions_changed_out_of_band_are_put_back(sns, capsys):
    arn = run(ARGS, capsys)["topic_arn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="intruder@example.com")
    result = run(ARGS, capsys, diff=True)
    assert result["changed"] is True and result["diff"]["before"]["kms_master_key_id"] == "alias/aws/sns"
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["KmsMasterKeyId"] == KEY
    assert subs(sns, arn) == [("email", "oncall@example.com"), ("https", SECRET_URL)]


def test_absent_deletes_the_topic_once(sns, capsys):
    run(ARGS, capsys)
    assert run(dict(name="card-platform-alerts", state="absent"), capsys)["changed"] is True
    assert sns.list_topics()["Topics"] == []
    assert run(dict(name="card-platform-alerts", state="absent"), capsys)["changed"] is False


def test_refuses_a_topic_without_key(capsys):
    result = run(dict(name="t"), capsys)
    assert result["failed"] is True and "kms_master_key_id: required" in result["msg"]
