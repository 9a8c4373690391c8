# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.elasticache_replication_group, on moto's in-process mock.

moto's replication groups are extended by tests/emulators/aws_extensions.py (member cache
clusters, full ModifyReplicationGroup, replica/shard APIs, AWS's parameter rules); the tests
apply that one extension so they see what the role sees against the emulator.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import elasticache_replication_group as module_under_test

sys.path.insert(0, str(Path(__file__).resolve().parents[8] / "tests" / "emulators"))
import aws_extensions  # noqa: E402  pylint: disable=wrong-import-position

REGION = "us-east-1"
TOKEN = "A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6"
NEW_TOKEN = "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4"


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    aws_extensions.elasticache_replication_group_fidelity()
    with mock_aws():
        yield boto3.client("elasticache", region_name=REGION)


def base_args(**overrides):
    args = dict(
        region=REGION,
        replication_group_id="card-cache",
        description="card platform cache",
        cluster_mode="enabled",
        num_node_groups=1,
        replicas_per_node_group=2,
        node_type="cache.r6g.large",
        engine="redis",
        engine_version="7.1",
        parameter_group_name="default.redis7.cluster.on",
        security_group_ids=["sg-0b", "sg-0a"],
        automatic_failover=True,
        multi_az=True,
        transit_encryption=True,
        transit_encryption_mode="required",
        at_rest_encryption=True,
        kms_key_id="arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        auth_token=TOKEN,
        snapshot_retention_limit=7,
        snapshot_window="03:00-04:00",
        maintenance_window="sun:05:00-sun:06:00",
        log_delivery=[{"log_type": "slow-log", "destination": "/aws/elasticache/card-cache/slow-log"}],
        notification_topic_arn="arn:aws:sns:us-east-1:123456789012:card-events",
        tags={"Project": "card-platform", "Environment": "test"},
    )
    args.update(overrides)
    return {k: v for k, v in args.items() if v is not None}


def run(args, check_mode=False, diff=False, capsys=None):
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module_under_test.main()
    out = capsys.readouterr().out
    return json.loads(out)


class Recorder:
    """Records the ElastiCache API calls botocore makes (to prove what was, or was not, sent)."""

    def __init__(self):
        self.calls = []

    def __call__(self, params, model, **kwargs):
        self.calls.append((model.name, params))


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    original = boto3.session.Session.client

    def client(self, service_name, *args, **kwargs):
        c = original(self, service_name, *args, **kwargs)
        c.meta.events.register("provide-client-params.*.*", rec)
        return c

    monkeypatch.setattr(boto3.session.Session, "client", client)
    return rec


def writes(recorder):
    return [name for name, _ in recorder.calls if not name.startswith(("Describe", "List"))]


def test_create_then_idempotent(aws, capsys):
    first = run(base_args(), capsys=capsys)
    assert first["changed"] is True
    group = first["replication_group"]
    assert group["cluster_enabled"] is True
    assert group["automatic_failover"] == "enabled"
    assert group["multi_az"] == "enabled"
    assert group["transit_encryption_enabled"] is True
    assert group["at_rest_encryption_enabled"] is True
    assert group["auth_token_enabled"] is True
    assert len(group["member_clusters"]) == 3
    assert group["configuration_endpoint"]["port"] == 6379
    assert group["configuration_endpoint"]["address"].startswith("clustercfg.card-cache.")
    assert group["cache_parameter_group_name"] == "default.redis7.cluster.on"
    assert sorted(group["security_group_ids"]) == ["sg-0a", "sg-0b"]
    assert group["tags"] == {"Project": "card-platform", "Environment": "test"}
    assert TOKEN not in json.dumps(first)

    second = run(base_args(), capsys=capsys)
    assert second["changed"] is False, second["changes"]


def test_check_mode_create_writes_nothing(aws, capsys, recorder):
    result = run(base_args(), check_mode=True, diff=True, capsys=capsys)
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["node_type"] == "cache.r6g.large"
    assert "auth_token" not in json.dumps(result["diff"]).replace("auth_token_enabled", "")
    assert writes(recorder) == []
    assert aws.describe_replication_groups()["ReplicationGroups"] == []


def test_auth_token_not_resent_without_strategy(aws, capsys, recorder):
    run(base_args(), capsys=capsys)
    recorder.calls.clear()
    result = run(base_args(auth_token=NEW_TOKEN), capsys=capsys)
    assert result["changed"] is False
    assert not any("AuthToken" in params for _, params in recorder.calls)


def test_auth_token_rotate_and_set(aws, capsys, recorder):
    run(base_args(), capsys=capsys)
    recorder.calls.clear()
    for strategy in ("ROTATE", "SET"):
        result = run(base_args(auth_token=NEW_TOKEN, auth_token_update_strategy=strategy), capsys=capsys)
        assert result["changed"] is True
        assert result["changes"] == ["auth_token"]
    sent = [params for name, params in recorder.calls if name == "ModifyReplicationGroup"]
    assert [p["AuthTokenUpdateStrategy"] for p in sent] == ["ROTATE", "SET"]
    assert all(p["AuthToken"] == NEW_TOKEN for p in sent)


def test_modify_online_settings(aws, capsys):
    run(base_args(), capsys=capsys)
    result = run(
        base_args(
            snapshot_retention_limit=14,
            security_group_ids=["sg-0c"],
            maintenance_window="MON:01:00-MON:02:00",
            node_type="cache.r6g.xlarge",
            replicas_per_node_group=3,
            num_node_groups=2,
            log_delivery=[],
            tags={"Project": "card-platform", "Owner": "payments"},
        ),
        diff=True,
        capsys=capsys,
    )
    assert result["changed"] is True
    assert set(result["changes"]) == {
        "snapshot_retention_limit", "security_group_ids", "maintenance_window", "node_type",
        "replicas_per_node_group", "num_node_groups", "log_delivery", "tags",
    }
    group = result["replication_group"]
    assert group["snapshot_retention_limit"] == 14
    assert group["security_group_ids"] == ["sg-0c"]
    assert group["cache_node_type"] == "cache.r6g.xlarge"
    assert len(group["node_groups"]) == 2
    assert len(group["member_clusters"]) == 8
    assert group["log_delivery_configurations"] == []
    assert group["tags"] == {"Project": "card-platform", "Owner": "payments"}
    assert result["diff"]["before"]["snapshot_retention_limit"] == 7
    assert result["diff"]["after"]["snapshot_retention_limit"] == 14
    # Window case does not matter; the re-run is quiet.
    again = run(
        base_args(
            snapshot_retention_limit=14, security_group_ids=["sg-0c"], maintenance_window="mon:01:00-mon:02:00",
            node_type="cache.r6g.xlarge", replicas_per_node_group=3, num_node_groups=2, log_delivery=[],
            tags={"Project": "card-platform", "Owner": "payments"},
        ),
        capsys=capsys,
    )
    assert again["changed"] is False, again["changes"]


def test_omitted_options_change_nothing(aws, capsys, recorder):
    run(base_args(), capsys=capsys)
    recorder.calls.clear()
    minimal = dict(region=REGION, replication_group_id="card-cache")
    result = run(minimal, capsys=capsys)
    assert result["changed"] is False
    assert writes(recorder) == []


def test_check_mode_modify_writes_nothing(aws, capsys, recorder):
    run(base_args(), capsys=capsys)
    recorder.calls.clear()
    result = run(base_args(snapshot_retention_limit=1, tags={"New": "tag"}), check_mode=True, diff=True, capsys=capsys)
    assert result["changed"] is True
    assert set(result["changes"]) == {"snapshot_retention_limit", "tags"}
    assert result["diff"]["after"]["tags"] == {"New": "tag"}
    assert writes(recorder) == []
    group = aws.describe_replication_groups(ReplicationGroupId="card-cache")["ReplicationGroups"][0]
    assert group["SnapshotRetentionLimit"] == 7


@pytest.mark.parametrize(
    "override, setting",
    [
        ({"at_rest_encryption": False, "kms_key_id": None}, "at_rest_encryption"),
        ({"subnet_group_name": "other"}, "subnet_group_name"),
        ({"engine": "valkey"}, "engine"),
        ({"cluster_mode": "disabled", "num_node_groups": None}, "cluster_mode"),
        ({"engine_version": "6.2"}, "engine_version downgrade"),
        ({"kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555"}, "kms_key_id"),
    ],
)
def test_replacement_refused(aws, capsys, recorder, override, setting):
    run(base_args(), capsys=capsys)
    recorder.calls.clear()
    args = base_args()
    args.update(override)
    args = {k: v for k, v in args.items() if v is not None}
    result = run(args, capsys=capsys)
    assert result.get("failed") is True
    assert "cannot be changed in place" in result["msg"]
    assert setting in result["msg"]
    assert "allow_replacement=true" in result["msg"]
    assert writes(recorder) == []


def test_replacement_allowed(aws, capsys):
    first = run(base_args(), capsys=capsys)
    result = run(base_args(subnet_group_name="other", allow_replacement=True), capsys=capsys)
    assert result["changed"] is True
    assert result["changes"] == ["replace"]
    assert result["replication_group"]["arn"] == first["replication_group"]["arn"]
    assert result["replication_group"]["cache_subnet_group_name"] == "other"


@pytest.mark.parametrize(
    "override, message",
    [
        ({"replicas_per_node_group": 0}, "cannot fail over"),
        ({"transit_encryption": False, "transit_encryption_mode": None}, "auth_token needs transit_encryption=true"),
        ({"auth_token": "short"}, "auth_token must be 16-128"),
        ({"num_node_groups": 0}, "num_node_groups must be between 1 and 500"),
        ({"replication_group_id": "Bad_Name"}, "replication_group_id must be"),
        ({"auth_token_update_strategy": "ROTATE", "auth_token": None}, "needs auth_token"),
    ],
)
def test_bad_input_fails_before_any_call(aws, capsys, recorder, override, message):
    args = base_args()
    args.update(override)
    args = {k: v for k, v in args.items() if v is not None}
    result = run(args, capsys=capsys)
    assert result.get("failed") is True
    assert message in result["msg"]
    assert recorder.calls == []


def test_delete(aws, capsys):
    run(base_args(), capsys=capsys)
    check = run(dict(region=REGION, replication_group_id="card-cache", state="absent"), check_mode=True, capsys=capsys)
    assert check["changed"] is True
    assert len(aws.describe_replication_groups()["ReplicationGroups"]) == 1
    result = run(dict(region=REGION, replication_group_id="card-cache", state="absent"), capsys=capsys)
    assert result["changed"] is True
    assert aws.describe_replication_groups()["ReplicationGroups"] == []
    again = run(dict(region=REGION, replication_group_id="card-cache", state="absent"), capsys=capsys)
    assert again["changed"] is False


def test_transit_encryption_enabled_online_in_two_steps(aws, capsys, recorder):
    run(base_args(transit_encryption=False, transit_encryption_mode=None, auth_token=None), capsys=capsys)
    recorder.calls.clear()
    result = run(base_args(auth_token=None), capsys=capsys)
    assert result["changed"] is True
    assert result["replication_group"]["transit_encryption_enabled"] is True
    assert result["replication_group"]["transit_encryption_mode"] == "required"
    modes = [p.get("TransitEncryptionMode") for n, p in recorder.calls if n == "ModifyReplicationGroup"]
    assert modes == ["preferred", "required"]
