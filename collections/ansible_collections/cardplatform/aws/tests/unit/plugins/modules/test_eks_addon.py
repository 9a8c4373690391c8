# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.eks_addon, on moto's in-process mock.

moto 5.2.5 answers 404 for the add-on APIs; the tests apply the emulator's
``eks_addons_and_access_entries`` extension (tests/emulators/aws_extensions.py), as the
role's emulator does.
"""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import eks_addon as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

CNI = "v1.21.1-eksbuild.1"
CNI_OLD = "v1.20.4-eksbuild.2"


@pytest.fixture(autouse=True)
def eks(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("eks_cluster_updates", "eks_addons_and_access_entries")
    with mock_aws():
        client = boto3.client("eks", region_name=REGION)
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(2)]
        client.create_cluster(
            name="card", version="1.35", roleArn="arn:aws:iam::123456789012:role/eks-cluster",
            resourcesVpcConfig={"subnetIds": subnets},
        )
        yield client


def args(**overrides):
    base = dict(cluster_name="card", name="vpc-cni", version=CNI, tags={"Project": "card-platform"})
    base.update(overrides)
    return base


def describe(eks):
    return eks.describe_addon(clusterName="card", addonName="vpc-cni")["addon"]


def test_check_mode_create_writes_nothing(eks, capsys):
    result = run_module(module_under_test, args(), capsys, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["addon_version"] == CNI
    assert eks.list_addons(clusterName="card")["addons"] == []


def test_create_active_then_idempotent(eks, capsys):
    first = run_module(module_under_test, args(configuration_values={"env": {"ENABLE_PREFIX_DELEGATION": "true"}}), capsys)
    assert first["changed"] is True
    assert first["addon"]["status"] == "ACTIVE"
    addon = describe(eks)
    assert addon["addonVersion"] == CNI
    assert json.loads(addon["configurationValues"]) == {"env": {"ENABLE_PREFIX_DELEGATION": "true"}}
    assert addon["tags"] == {"Project": "card-platform"}
    # the same configuration as a differently formatted string is no change
    again = run_module(
        module_under_test, args(configuration_values='{ "env": {"ENABLE_PREFIX_DELEGATION": "true"} }'), capsys
    )
    assert again["changed"] is False
    assert again["updates"] == []


def test_version_and_role_update_in_place(eks, capsys):
    run_module(module_under_test, args(version=CNI_OLD), capsys)
    role = "arn:aws:iam::123456789012:role/vpc-cni"
    check = run_module(module_under_test, args(service_account_role_arn=role), capsys, check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["before"]["addon_version"] == CNI_OLD
    assert check["diff"]["after"]["addon_version"] == CNI
    assert describe(eks)["addonVersion"] == CNI_OLD
    applied = run_module(module_under_test, args(service_account_role_arn=role), capsys)
    assert applied["changed"] is True
    assert [u["type"] for u in applied["updates"]] == ["AddonUpdate"]
    addon = describe(eks)
    assert addon["addonVersion"] == CNI and addon["serviceAccountRoleArn"] == role
    assert run_module(module_under_test, args(service_account_role_arn=role), capsys)["changed"] is False


def test_unknown_version_fails_before_writing(eks, capsys):
    result = run_module(module_under_test, args(version="v9.9.9-eksbuild.1"), capsys)
    assert result["failed"] is True
    assert "not offered for Kubernetes 1.35" in result["msg"] and CNI in result["msg"]
    assert eks.list_addons(clusterName="card")["addons"] == []


def test_version_checked_against_the_target_kubernetes_version(eks, capsys):
    # --check of an upgrade: the cluster still runs 1.35, the add-on must suit the target.
    result = run_module(module_under_test, args(kubernetes_version="1.99"), capsys, check_mode=True)
    assert result["failed"] is True
    assert "not offered for Kubernetes 1.99" in result["msg"]
    assert run_module(module_under_test, args(kubernetes_version="1.35"), capsys, check_mode=True)["changed"] is True


def test_tags_then_absent(eks, capsys):
    run_module(module_under_test, args(), capsys)
    tagged = run_module(module_under_test, args(tags={"Project": "card-platform", "Team": "payments"}), capsys)
    assert tagged["changed"] is True
    arn = describe(eks)["addonArn"]
    assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"Project": "card-platform", "Team": "payments"}
    assert run_module(module_under_test, dict(cluster_name="card", name="vpc-cni", state="absent"), capsys, check_mode=True)["changed"] is True
    assert eks.list_addons(clusterName="card")["addons"] == ["vpc-cni"]
    gone = run_module(module_under_test, dict(cluster_name="card", name="vpc-cni", state="absent"), capsys)
    assert gone["changed"] is True
    assert eks.list_addons(clusterName="card")["addons"] == []
    assert run_module(module_under_test, dict(cluster_name="card", name="vpc-cni", state="absent"), capsys)["changed"] is False


@pytest.fixture
def eks_calls(monkeypatch):
    """Names of the EKS operations the module calls (botocore ``before-call`` event)."""
    calls = []
    original = module_under_test.AnsibleAWSModule.client

    def client(self, service, *args, **kwargs):
        wrapped = original(self, service, *args, **kwargs)
        wrapped.meta.events.register(f"before-call.{service}", lambda model, **_: calls.append(model.name))
        return wrapped

    monkeypatch.setattr(module_under_test.AnsibleAWSModule, "client", client)
    return calls


def test_converged_addon_reads_once_without_describe_addon_versions(eks, capsys, eks_calls):
    run_module(module_under_test, args(kubernetes_version="1.35"), capsys)
    assert "DescribeAddonVersions" in eks_calls and "CreateAddon" in eks_calls
    eks_calls.clear()
    # no-op run as the role calls it: one DescribeAddon, nothing else
    again = run_module(module_under_test, args(kubernetes_version="1.35"), capsys, diff=True)
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert eks_calls == ["DescribeAddon"]
    eks_calls.clear()
    # without kubernetes_version neither DescribeCluster is read
    assert run_module(module_under_test, args(), capsys, check_mode=True)["changed"] is False
    assert eks_calls == ["DescribeAddon"]


def test_upgrade_still_validates_the_version(eks, capsys, eks_calls):
    run_module(module_under_test, args(version=CNI_OLD, kubernetes_version="1.35"), capsys)
    eks_calls.clear()
    check = run_module(module_under_test, args(kubernetes_version="1.35"), capsys, check_mode=True, diff=True)
    assert check["changed"] is True and check["diff"]["after"]["addon_version"] == CNI
    assert eks_calls == ["DescribeAddon", "DescribeAddonVersions"]
    eks_calls.clear()
    bad = run_module(module_under_test, args(version="v9.9.9-eksbuild.1", kubernetes_version="1.35"), capsys)
    assert bad["failed"] is True and "not offered for Kubernetes 1.35" in bad["msg"]
    assert "UpdateAddon" not in eks_calls and "TagResource" not in eks_calls
    assert describe(eks)["addonVersion"] == CNI_OLD
    eks_calls.clear()
    applied = run_module(module_under_test, args(kubernetes_version="1.35"), capsys)
    assert applied["changed"] is True and describe(eks)["addonVersion"] == CNI
    assert eks_calls[:3] == ["DescribeAddon", "DescribeAddonVersions", "UpdateAddon"]
    assert eks_calls.count("DescribeAddonVersions") == 1


def test_tag_or_config_change_of_a_converged_version_skips_describe_addon_versions(eks, capsys, eks_calls):
    run_module(module_under_test, args(kubernetes_version="1.35"), capsys)
    eks_calls.clear()
    result = run_module(module_under_test, args(kubernetes_version="1.35", tags={"Project": "card-platform", "Team": "p"}), capsys)
    assert result["changed"] is True
    assert "DescribeAddonVersions" not in eks_calls and "TagResource" in eks_calls


def test_check_version_rechecks_an_unchanged_version_during_a_cluster_upgrade(eks, capsys, eks_calls):
    run_module(module_under_test, args(kubernetes_version="1.35"), capsys)
    eks_calls.clear()
    # --check of a cluster upgrade to a version the installed add-on version is not offered for
    upgrade = run_module(module_under_test, args(kubernetes_version="1.99", check_version=True), capsys, check_mode=True)
    assert upgrade["failed"] is True and "not offered for Kubernetes 1.99" in upgrade["msg"]
    assert eks_calls == ["DescribeAddon", "DescribeAddonVersions"]
    eks_calls.clear()
    ok = run_module(module_under_test, args(kubernetes_version="1.35", check_version=True), capsys)
    assert ok["changed"] is False
    assert eks_calls == ["DescribeAddon", "DescribeAddonVersions"]


def test_configuration_values_compared_as_json_then_updated_and_removed(eks, capsys, eks_calls):
    # vpc-cni's network policy agent (the inventories' configuration_values)
    policy = {"enableNetworkPolicy": "true", "env": {"ENABLE_PREFIX_DELEGATION": "true"}}
    run_module(module_under_test, args(configuration_values=policy), capsys)
    assert json.loads(describe(eks)["configurationValues"]) == policy
    eks_calls.clear()
    # other key order, as a JSON string, and as YAML: no UpdateAddon
    for same in ('{"env": {"ENABLE_PREFIX_DELEGATION": "true"}, "enableNetworkPolicy": "true"}',
                 'enableNetworkPolicy: "true"\nenv: {ENABLE_PREFIX_DELEGATION: "true"}\n'):
        assert run_module(module_under_test, args(configuration_values=same), capsys)["changed"] is False
    assert "UpdateAddon" not in eks_calls
    # another value is an UpdateAddon
    changed = run_module(module_under_test, args(configuration_values={"enableNetworkPolicy": "false"}), capsys, diff=True)
    assert changed["changed"] is True and [u["type"] for u in changed["updates"]] == ["AddonUpdate"]
    assert json.loads(describe(eks)["configurationValues"]) == {"enableNetworkPolicy": "false"}
    assert json.loads(changed["diff"]["after"]["configuration_values"]) == {"enableNetworkPolicy": "false"}
    # {} removes it; omitted leaves it alone
    assert run_module(module_under_test, args(configuration_values={}), capsys)["changed"] is True
    assert "configurationValues" not in describe(eks)
    assert run_module(module_under_test, args(), capsys)["changed"] is False
