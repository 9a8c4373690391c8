# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.elasticache_test_failover, eks_nodegroup_info and
secretsmanager_secret_info on moto's in-process mock with the emulator's extensions."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import eks_nodegroup_info
from ansible_collections.cardplatform.aws.plugins.modules import elasticache_test_failover as failover
from ansible_collections.cardplatform.aws.plugins.modules import secretsmanager_secret_info

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("elasticache_replication_group_fidelity", "elasticache_test_failover", "eks_list_nodegroups_missing_cluster")
    with mock_aws():
        yield


def redis(failover_enabled=True, replicas=2):
    client = boto3.client("elasticache", region_name=REGION)
    client.create_replication_group(
        ReplicationGroupId="redis", ReplicationGroupDescription="d", Engine="redis", CacheNodeType="cache.r6g.large",
        NumNodeGroups=1, ReplicasPerNodeGroup=replicas, AutomaticFailoverEnabled=failover_enabled,
        CacheParameterGroupName="default.redis7.cluster.on", ClusterMode="enabled" if failover_enabled else "disabled",
    ) if failover_enabled else client.create_replication_group(
        ReplicationGroupId="redis", ReplicationGroupDescription="d", Engine="redis", CacheNodeType="cache.r6g.large",
        NumCacheClusters=replicas + 1, AutomaticFailoverEnabled=False,
    )
    return client


def test_check_mode_validates_without_failing_over(capsys):
    redis()
    result = run_module(failover, {"replication_group_id": "redis"}, capsys, check_mode=True)
    assert result["changed"] is True and result["node_group_id"] == "0001"
    assert result["replication_group"]["status"] == "available"


def test_failover_and_wait(capsys):
    client = redis()
    result = run_module(failover, {"replication_group_id": "redis", "wait_delay": 1}, capsys)
    assert result["changed"] is True and result["replication_group"]["status"] == "available"
    assert client.describe_replication_groups(ReplicationGroupId="redis")["ReplicationGroups"][0]["Status"] == "available"


def test_refuses_what_aws_rejects(capsys):
    redis(failover_enabled=False)
    result = run_module(failover, {"replication_group_id": "redis"}, capsys)
    assert result["failed"] and "automatic failover" in result["msg"]
    result = run_module(failover, {"replication_group_id": "nope"}, capsys)
    assert result["failed"] and "does not exist" in result["msg"]


def test_unknown_node_group(capsys):
    redis()
    result = run_module(failover, {"replication_group_id": "redis", "node_group_id": "0009"}, capsys)
    assert result["failed"] and "0009" in result["msg"]


def test_emulator_rejects_failover_without_automatic_failover():
    client = redis(failover_enabled=False)
    with pytest.raises(client.exceptions.ClientError, match="Automatic failover is not enabled"):
        client.test_failover(ReplicationGroupId="redis", NodeGroupId="0001")


def test_nodegroup_info_missing_cluster(capsys):
    result = run_module(eks_nodegroup_info, {"cluster_name": "nope"}, capsys)
    assert result["cluster_exists"] is False and result["nodegroups"] == {}


def test_secret_info_never_returns_values(capsys):
    client = boto3.client("secretsmanager", region_name=REGION)
    client.create_secret(Name="app/db", SecretString="s3cr3t-value", Tags=[{"Key": "Project", "Value": "p"}])  # pragma: allowlist secret
    client.create_secret(Name="app/gone", SecretString="x")  # pragma: allowlist secret
    client.delete_secret(SecretId="app/gone", RecoveryWindowInDays=7)  # pragma: allowlist secret
    result = run_module(secretsmanager_secret_info, {"names": ["app/db", "app/gone", "app/none"]}, capsys)
    assert "s3cr3t-value" not in str(result)  # pragma: allowlist secret
    assert result["secrets"]["app/db"]["tags"] == {"Project": "p"} and result["secrets"]["app/db"]["deleted_date"] is None
    assert result["secrets"]["app/gone"]["deleted_date"]
    assert result["secrets"]["app/none"] == {"exists": False}
