# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.run_lock (moto in-process DynamoDB)."""

from __future__ import annotations

import time

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import run_lock as module_under_test

from _data_services_helpers import REGION, recorder, set_credentials  # noqa: F401
from _vpc_eks_helpers import run_module

TABLE = "card-platform-run-locks"
LOCK = dict(table=TABLE, lock_id="local/us-east-1", playbook="site.yml")


@pytest.fixture(autouse=True)
def dynamodb(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield boto3.client("dynamodb", region_name=REGION)


@pytest.fixture(autouse=True)
def warned(monkeypatch):
    """The warnings the module gave (ansible-core 2.19 returns them outside the module's result)."""
    given = []
    original = module_under_test.warn

    def record(module, msg):
        given.append(msg)
        original(module, msg)

    monkeypatch.setattr(module_under_test, "warn", record)
    return given


def item(client):
    found = client.get_item(TableName=TABLE, Key={"lock_id": {"S": "local/us-east-1"}}, ConsistentRead=True)
    return {k: next(iter(v.values())) for k, v in found.get("Item", {}).items()}


def writes(recorder):
    return [name for name, _ in recorder.calls if name not in ("GetItem", "DescribeTable")]


def take(capsys, run_id, **extra):
    return run_module(module_under_test, dict(LOCK, run_id=run_id, holder=f"ops@host pid {run_id}", **extra), capsys)


def test_acquire_creates_the_table_refuses_a_second_run_and_releases(dynamodb, capsys, recorder):
    planned = run_module(module_under_test, dict(LOCK, run_id="run-a", holder="ops@host pid 1"), capsys, check_mode=True)
    assert planned["changed"] is True and writes(recorder) == [] and planned["lock"]["run_id"] == "run-a"

    first = take(capsys, "run-a", ttl=600)
    assert first["changed"] is True and first["lock"]["holder"] == "ops@host pid run-a"
    table = dynamodb.describe_table(TableName=TABLE)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "SSEDescription" not in table  # DynamoDB's default encryption, no KMS key of the account
    assert boto3.client("kms", region_name=REGION).list_keys()["Keys"] == []
    stored = item(dynamodb)
    assert stored["run_id"] == "run-a" and stored["playbook"] == "site.yml"
    assert 590 <= int(stored["expires_at"]) - time.time() <= 600 and stored["started_at"].endswith("Z")

    # A second run is refused at once, naming the holder and how to break it; nothing written.
    recorder.calls.clear()
    second = take(capsys, "run-b")
    assert second["failed"] is True and second["held_by_other"] is True
    assert "held by ops@host pid run-a (run run-a, site.yml" in second["msg"] and "break_lock=run-a" in second["msg"]
    assert item(dynamodb)["run_id"] == "run-a"
    assert writes(recorder) == ["PutItem"]  # the refused conditional put only

    # The holder renews (same run ID), then releases; releasing again changes nothing.
    assert take(capsys, "run-a")["changed"] is True and item(dynamodb)["run_id"] == "run-a"
    other = run_module(module_under_test, dict(LOCK, state="released", run_id="run-b"), capsys)
    assert other["changed"] is False and other["held_by_other"] is True and item(dynamodb)["run_id"] == "run-a"
    released = run_module(module_under_test, dict(LOCK, state="released", run_id="run-a"), capsys)
    assert released["changed"] is True and released["previous"]["run_id"] == "run-a" and item(dynamodb) == {}
    again = run_module(module_under_test, dict(LOCK, state="released", run_id="run-a"), capsys)
    assert again["changed"] is False and again["held_by_other"] is False
    assert take(capsys, "run-b")["changed"] is True and item(dynamodb)["run_id"] == "run-b"


def test_break_only_names_the_dead_holder(dynamodb, capsys, warned):
    take(capsys, "dead")
    wrong = take(capsys, "new", break_run_id="someone-else")
    assert wrong["failed"] is True and "does not name the holder" in wrong["msg"] and item(dynamodb)["run_id"] == "dead"
    planned = run_module(module_under_test, dict(LOCK, run_id="new", holder="x", break_run_id="dead"), capsys, check_mode=True)
    assert planned["changed"] is True and planned["previous"]["run_id"] == "dead" and item(dynamodb)["run_id"] == "dead"
    taken = take(capsys, "new", break_run_id="dead")
    assert taken["changed"] is True and taken["previous"]["run_id"] == "dead" and item(dynamodb)["run_id"] == "new"
    assert "Broke run lock" in str(warned)

    refused = run_module(module_under_test, dict(LOCK, state="broken", run_id="dead"), capsys)
    assert refused["failed"] is True and "Not broken" in refused["msg"] and item(dynamodb)["run_id"] == "new"
    broken = run_module(module_under_test, dict(LOCK, state="broken", run_id="new"), capsys)
    assert broken["changed"] is True and item(dynamodb) == {}


def test_an_expired_lock_is_taken_over_with_a_warning(dynamodb, capsys, monkeypatch, warned):
    take(capsys, "old", ttl=60)
    later = time.time() + 120
    monkeypatch.setattr(module_under_test.time, "time", lambda: later)
    taken = take(capsys, "new")
    assert taken["changed"] is True and taken["previous"]["run_id"] == "old"
    assert "Took over the expired run lock" in str(warned)
    released = run_module(module_under_test, dict(LOCK, state="released", run_id="old"), capsys)
    assert released["changed"] is False and "now held by" in str(warned)
    assert item(dynamodb)["run_id"] == "new"


def test_inputs_are_checked_before_any_call(capsys, recorder):
    bad = run_module(module_under_test, dict(LOCK, table="x", run_id=" ", holder="h", ttl=5), capsys)
    assert bad["failed"] is True and recorder.calls == []
    assert "table must be" in bad["msg"] and "run_id must not be empty" in bad["msg"] and "ttl must be 60-86400" in bad["msg"]
    missing = run_module(module_under_test, dict(LOCK, run_id="r", create_table=False, holder="h"), capsys)
    assert missing["failed"] is True and "does not exist" in missing["msg"]

