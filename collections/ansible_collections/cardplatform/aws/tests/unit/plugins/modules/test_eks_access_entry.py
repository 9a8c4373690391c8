# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.eks_access_entry, on moto's in-process mock.

moto 5.2.5 answers 404 for the access-entry APIs; the tests apply the emulator's
``eks_addons_and_access_entries`` extension (tests/emulators/aws_extensions.py).
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import eks_access_entry as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

OPS = "arn:aws:iam::123456789012:role/platform-operators"
ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"


def make_cluster(client, mode):
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(2)]
    client.create_cluster(
        name="card", version="1.35", roleArn="arn:aws:iam::123456789012:role/eks-cluster",
        resourcesVpcConfig={"subnetIds": subnets}, accessConfig={"authenticationMode": mode},
    )


@pytest.fixture(autouse=True)
def eks(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("eks_cluster_updates", "eks_addons_and_access_entries")
    with mock_aws():
        yield boto3.client("eks", region_name=REGION)


@pytest.fixture
def api_cluster(eks):
    make_cluster(eks, "API")
    return eks


def args(**overrides):
    base = dict(
        cluster_name="card",
        principal_arn=OPS,
        kubernetes_groups=["platform-operators"],
        access_policies=[{"policy_arn": ADMIN, "access_scope": {"type": "cluster"}}],
        tags={"Project": "card-platform"},
    )
    base.update(overrides)
    return base


def policies(eks):
    return eks.list_associated_access_policies(clusterName="card", principalArn=OPS)["associatedAccessPolicies"]


def test_check_mode_create_writes_nothing(api_cluster, capsys):
    result = run_module(module_under_test, args(), capsys, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["access_policies"][0]["policy_arn"] == ADMIN
    assert api_cluster.list_access_entries(clusterName="card")["accessEntries"] == []


def test_create_with_policy_then_idempotent(api_cluster, capsys):
    first = run_module(module_under_test, args(), capsys)
    assert first["changed"] is True
    entry = api_cluster.describe_access_entry(clusterName="card", principalArn=OPS)["accessEntry"]
    assert entry["kubernetesGroups"] == ["platform-operators"] and entry["type"] == "STANDARD"
    assert entry["tags"] == {"Project": "card-platform"}
    assert [(p["policyArn"], p["accessScope"]["type"]) for p in policies(api_cluster)] == [(ADMIN, "cluster")]
    assert first["access_entry"]["access_policies"] == [
        {"policy_arn": ADMIN, "access_scope": {"type": "cluster", "namespaces": []}}
    ]
    assert run_module(module_under_test, args(), capsys)["changed"] is False


def test_groups_scope_and_policy_set_change(api_cluster, capsys):
    run_module(module_under_test, args(), capsys)
    new = args(
        kubernetes_groups=["ops", "platform-operators"],
        access_policies=[{"policy_arn": VIEW, "access_scope": {"type": "namespace", "namespaces": ["card-*"]}}],
    )
    check = run_module(module_under_test, new, capsys, check_mode=True, diff=True)
    assert check["changed"] is True
    assert [p["policyArn"] for p in policies(api_cluster)] == [ADMIN]
    applied = run_module(module_under_test, new, capsys)
    assert applied["changed"] is True
    assert [(p["policyArn"], p["accessScope"]) for p in policies(api_cluster)] == [
        (VIEW, {"type": "namespace", "namespaces": ["card-*"]})
    ]
    entry = api_cluster.describe_access_entry(clusterName="card", principalArn=OPS)["accessEntry"]
    assert sorted(entry["kubernetesGroups"]) == ["ops", "platform-operators"]
    assert run_module(module_under_test, new, capsys)["changed"] is False


def test_namespace_scope_needs_namespaces(api_cluster, capsys):
    bad = args(access_policies=[{"policy_arn": VIEW, "access_scope": {"type": "namespace"}}])
    result = run_module(module_under_test, bad, capsys)
    assert result["failed"] is True and "needs namespaces" in result["msg"]
    assert api_cluster.list_access_entries(clusterName="card")["accessEntries"] == []


def test_config_map_cluster_is_refused_by_eks(eks, capsys):
    make_cluster(eks, "CONFIG_MAP")
    result = run_module(module_under_test, args(), capsys)
    assert result["failed"] is True
    assert "authentication mode" in result["msg"] or "authentication mode" in str(result.get("error", ""))


def test_check_mode_on_config_map_cluster_plans_the_entry(eks, capsys):
    make_cluster(eks, "CONFIG_MAP")
    result = run_module(module_under_test, args(), capsys, check_mode=True)
    assert result["changed"] is True


def test_absent(api_cluster, capsys):
    run_module(module_under_test, args(), capsys)
    gone = run_module(module_under_test, dict(cluster_name="card", principal_arn=OPS, state="absent"), capsys)
    assert gone["changed"] is True
    assert api_cluster.list_access_entries(clusterName="card")["accessEntries"] == []
    again = run_module(module_under_test, dict(cluster_name="card", principal_arn=OPS, state="absent"), capsys)
    assert again["changed"] is False
