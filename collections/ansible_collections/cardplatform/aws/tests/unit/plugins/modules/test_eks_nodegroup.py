# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.eks_nodegroup, on moto's in-process mock (with the
emulator's EKS update extensions applied)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import eks_nodegroup as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

NODE_ROLE = "arn:aws:iam::123456789012:role/eks-node"


@pytest.fixture(autouse=True)
def eks(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("eks_cluster_updates", "eks_nodegroup_update_config_at_creation")
    with mock_aws():
        client = boto3.client("eks", region_name=REGION)
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
                "SubnetId"
            ]
            for i, az in enumerate("abc")
        ]
        client.create_cluster(
            name="card",
            version="1.34",
            roleArn="arn:aws:iam::123456789012:role/eks-cluster",
            resourcesVpcConfig={"subnetIds": subnets},
        )
        client.subnets = subnets
        yield client


def args(eks, **overrides):
    base = dict(
        name="jit",
        cluster_name="card",
        node_role=NODE_ROLE,
        subnets=eks.subnets,
        instance_types=["c6g.2xlarge"],
        ami_type="AL2023_ARM_64_STANDARD",
        min_size=5,
        max_size=20,
        desired_size=5,
        max_unavailable=1,
        version="1.34",
        labels={"workload": "jit"},
        taints=[{"key": "workload", "value": "jit", "effect": "NO_SCHEDULE"}],
        tags={"Project": "card-platform"},
    )
    base.update(overrides)
    return base


def describe(eks):
    return eks.describe_nodegroup(clusterName="card", nodegroupName="jit")["nodegroup"]


def test_check_mode_create_writes_nothing(eks, capsys):
    result = run_module(module_under_test, args(eks), capsys, check_mode=True)
    assert result["changed"] is True
    assert eks.list_nodegroups(clusterName="card")["nodegroups"] == []


def test_create_reads_back_equal_then_idempotent(eks, capsys):
    first = run_module(module_under_test, args(eks), capsys)
    assert first["changed"] is True
    assert first["nodegroup"]["nodegroup_arn"].startswith("arn:aws:eks:")
    group = describe(eks)
    assert group["amiType"] == "AL2023_ARM_64_STANDARD"
    assert group["instanceTypes"] == ["c6g.2xlarge"]
    assert group["scalingConfig"] == {"minSize": 5, "maxSize": 20, "desiredSize": 5}
    assert group["labels"] == {"workload": "jit"}
    assert group["taints"] == [{"key": "workload", "value": "jit", "effect": "NO_SCHEDULE"}]
    assert group["version"] == "1.34"
    # Subnets in another order are the same subnets.
    second = run_module(module_under_test, args(eks, subnets=list(reversed(eks.subnets))), capsys)
    assert second["changed"] is False


def test_desired_size_is_left_to_the_autoscaler(eks, capsys):
    run_module(module_under_test, args(eks), capsys)
    eks.update_nodegroup_config(
        clusterName="card", nodegroupName="jit", scalingConfig={"minSize": 5, "maxSize": 20, "desiredSize": 9}
    )
    # The autoscaler's 9 nodes stay (desired_size 5 is the creation value only).
    assert run_module(module_under_test, args(eks), capsys)["changed"] is False
    assert describe(eks)["scalingConfig"]["desiredSize"] == 9
    # Raising min_size above the current desired size raises the desired size, no failure.
    raised = run_module(module_under_test, args(eks, min_size=12, desired_size=12), capsys)
    assert raised["changed"] is True
    assert describe(eks)["scalingConfig"] == {"minSize": 12, "maxSize": 20, "desiredSize": 12}


def test_labels_and_taints_change_in_place(eks, capsys):
    run_module(module_under_test, args(eks), capsys)
    new = dict(
        labels={"workload": "jit", "tier": "latency"},
        taints=[{"key": "workload", "value": "jit", "effect": "NO_EXECUTE"}],
    )
    check = run_module(module_under_test, args(eks, **new), capsys, check_mode=True, diff=True)
    assert check["changed"] is True
    assert describe(eks)["labels"] == {"workload": "jit"}
    applied = run_module(module_under_test, args(eks, **new), capsys)
    assert applied["changed"] is True
    group = describe(eks)
    assert group["labels"] == {"workload": "jit", "tier": "latency"}
    assert group["taints"] == [{"key": "workload", "value": "jit", "effect": "NO_EXECUTE"}]
    assert run_module(module_under_test, args(eks, **new), capsys)["changed"] is False


def test_immutable_attribute_fails_naming_it(eks, capsys):
    run_module(module_under_test, args(eks), capsys)
    result = run_module(module_under_test, args(eks, ami_type="AL2023_x86_64_STANDARD"), capsys)
    assert result["failed"] is True
    assert "ami_type cannot change" in result["msg"]


def test_version_follows_the_control_plane(eks, capsys):
    run_module(module_under_test, args(eks), capsys)
    eks.update_cluster_version(name="card", version="1.35")
    upgraded = run_module(module_under_test, args(eks, version="1.35"), capsys)
    assert upgraded["changed"] is True
    assert describe(eks)["version"] == "1.35"


def test_bad_sizes_fail_before_any_call(eks, capsys):
    result = run_module(module_under_test, args(eks, min_size=6, max_size=3, desired_size=None), capsys)
    assert result["failed"] is True
    assert "min_size" in result["msg"]
    assert eks.list_nodegroups(clusterName="card")["nodegroups"] == []


def test_absent(eks, capsys):
    run_module(module_under_test, args(eks), capsys)
    gone = run_module(module_under_test, dict(name="jit", cluster_name="card", state="absent"), capsys)
    assert gone["changed"] is True
    assert eks.list_nodegroups(clusterName="card")["nodegroups"] == []
