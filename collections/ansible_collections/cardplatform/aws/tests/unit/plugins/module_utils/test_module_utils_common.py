# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws module_utils/common.py (fake module; moto for the client calls)."""

from __future__ import annotations

import botocore
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.cardplatform.aws.plugins.module_utils import common

from _module_utils_helpers import Exited, Failed, FakeModule, aws  # noqa: F401


def test_retrying_client_retries_only_when_asked(aws):
    module = FakeModule()
    client = common.retrying_client(module, "sqs")
    assert module.retry_decorators[0] is not None
    assert isinstance(client, RetryingBotoClientWrapper)


def test_call_returns_none_when_missing_and_fails_with_the_message_otherwise(aws):
    module = FakeModule()
    client = common.retrying_client(module, "sqs")
    assert common.call(module, client, "get_queue_url", "no queue", ("AWS.SimpleQueueService.NonExistentQueue",),
                       QueueName="nope") is None
    with pytest.raises(Failed) as failed:
        common.call(module, client, "get_queue_url", "Couldn't find queue nope", QueueName="nope")
    assert failed.value.msg == "Couldn't find queue nope"
    assert isinstance(failed.value.error, botocore.exceptions.ClientError)
    url = common.call(module, client, "create_queue", "create", QueueName="q")["QueueUrl"]
    assert common.call(module, client, "get_queue_url", "get", QueueName="q")["QueueUrl"] == url


def test_paginate_builds_the_full_result(aws):
    module = FakeModule()
    client = common.retrying_client(module, "sqs")
    for i in range(3):
        client.create_queue(QueueName=f"q{i}")
    listed = common.paginate(module, client, "list_queues", "list", MaxResults=1)
    assert len(listed["QueueUrls"]) == 3


class FakeWaiter:
    def __init__(self, error=None):
        self.error = error
        self.kwargs = None

    def wait(self, **kwargs):
        self.kwargs = kwargs
        if self.error:
            raise self.error


class FakeClient:
    def __init__(self, waiter):
        self.waiter = waiter

    def get_waiter(self, name):
        self.waiter.name = name
        return self.waiter


def test_wait_spreads_the_timeout_over_polls_and_reports_what_it_saw():
    waiter = FakeWaiter()
    common.wait(FakeModule(), FakeClient(waiter), "thing_ready", 600, 20, "never", Name="x")
    assert waiter.name == "thing_ready" and waiter.kwargs["Name"] == "x"
    config = waiter.kwargs["WaiterConfig"]
    assert config["Delay"] == 20 and (config["MaxAttempts"] - 1) * config["Delay"] >= 600

    error = botocore.exceptions.WaiterError(name="thing_ready", reason="Max attempts exceeded",
                                            last_response={"thing": {"status": "CREATING"}})
    with pytest.raises(Failed) as failed:
        common.wait(FakeModule(), FakeClient(FakeWaiter(error)), "thing_ready", 60, 20,
                    lambda e: f"still {e.last_response['thing']['status']}")
    assert failed.value.msg == "still CREATING" and failed.value.error is error
    with pytest.raises(Failed, match="plain message"):
        common.wait(FakeModule(), FakeClient(FakeWaiter(error)), "thing_ready", 60, 20, "plain message")


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic/time.sleep of common.py on a fake clock."""
    now = [0.0]
    monkeypatch.setattr(common.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(common.time, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    return now


def test_poll_returns_the_value_and_the_seconds_waited(clock):
    values = iter(["CREATING", "CREATING", "RUNNING"])
    assert common.poll(FakeModule(), lambda: next(values), lambda v: v == "RUNNING", 100, 10, str) == ("RUNNING", 20.0)


def test_poll_fails_before_a_read_after_the_timeout(clock):
    reads = []

    def read():
        reads.append(clock[0])
        return "CREATING"

    with pytest.raises(Failed) as failed:
        common.poll(FakeModule(), read, lambda v: False, 25, 10, lambda v: f"timed out, last {v}")
    assert failed.value.msg == "timed out, last CREATING"
    assert reads == [0.0, 10.0, 20.0]


def test_sync_tags_writes_removals_then_additions_and_reports_the_result():
    calls = []
    tag = lambda tags: calls.append(("tag", tags))  # noqa: E731
    untag = lambda keys: calls.append(("untag", keys))  # noqa: E731
    current = {"Project": "card", "Old": "x", "Team": "a"}

    assert common.sync_tags(False, current, None, True, tag, untag) == ({}, [], current)
    assert common.sync_tags(False, current, dict(current), True, tag, untag) == ({}, [], current)
    assert calls == []

    to_add, to_remove, after = common.sync_tags(False, current, {"Project": "card", "Team": "b"}, True, tag, untag)
    assert (to_add, to_remove, after) == ({"Team": "b"}, ["Old"], {"Project": "card", "Team": "b"})
    assert calls == [("untag", ["Old"]), ("tag", {"Team": "b"})]

    calls.clear()
    _, to_remove, after = common.sync_tags(True, current, {"New": "1"}, False, tag, untag)
    assert to_remove == [] and after == dict(current, New="1")
    assert calls == []  # check mode writes nothing
    assert common.sync_tags(False, None, {"A": "1"}, True, tag, untag)[2] == {"A": "1"}


def test_snake_dict_keeps_tags_and_drops_timestamps():
    resource = {"ClusterName": "c", "CreatedAt": "now", "Tags": {"CamelKey": "v"}}
    assert common.snake_dict(resource, ignore=("Tags",), drop=("created_at",)) == {"cluster_name": "c", "tags": {"CamelKey": "v"}}
    assert common.snake_dict(None) == {}


@pytest.mark.parametrize("diff", [False, True])
def test_exit_with_diff_adds_the_diff_only_in_diff_mode(diff):
    with pytest.raises(Exited) as exited:
        common.exit_with_diff(FakeModule(diff=diff), dict(before={}, after={"a": 1}), changed=True, thing={"a": 1})
    assert ("diff" in exited.value.result) is diff
    assert exited.value.result["changed"] is True and exited.value.result["thing"] == {"a": 1}


def test_resource_manager_names_its_resource_in_failures(aws):
    class QueueManager(common.AWSResourceManager):
        service = "sqs"

    manager = QueueManager(FakeModule(wait_timeout=30), label="queue q")
    assert manager.changed is False and manager.params == {"wait_timeout": 30}
    with pytest.raises(Failed) as failed:
        manager.call("get_queue_url", "Failed to read", QueueName="q")
    assert failed.value.msg == "Failed to read (queue q)"
    assert manager.call("get_queue_url", "Failed to read", ("AWS.SimpleQueueService.NonExistentQueue",), QueueName="q") is None
