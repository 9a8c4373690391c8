# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.eks_cluster, on moto's in-process mock.

moto 5.2.5 lacks UpdateClusterVersion, DescribeUpdate and AssociateEncryptionConfig and
answers UpdateClusterConfig with the wrong shape; the tests apply the emulator's
``eks_cluster_updates`` extension (tests/emulators/aws_extensions.py), as the role's
emulator does.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import eks_cluster as module_under_test

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

ROLE = "arn:aws:iam::123456789012:role/eks-cluster"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


@pytest.fixture(autouse=True)
def eks(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("eks_cluster_updates", "eks_addons_and_access_entries")
    with mock_aws():
        yield boto3.client("eks", region_name=REGION)


@pytest.fixture
def network():
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("abc")
    ]
    group = ec2.create_security_group(GroupName="eks-extra", Description="extra", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "group": group}


def args(network, **overrides):
    base = dict(
        name="card",
        version="1.33",
        role_arn=ROLE,
        subnets=network["subnets"],
        security_groups=[network["group"]],
        endpoint_private_access=True,
        endpoint_public_access=False,
        logging_types=["api", "audit", "authenticator"],
        encryption_kms_key_arn=KEY,
        tags={"Project": "card-platform"},
        wait=True,
    )
    base.update(overrides)
    return base


def test_check_mode_create_writes_nothing(eks, network, capsys):
    result = run_module(module_under_test, args(network), capsys, check_mode=True)
    assert result["changed"] is True
    assert eks.list_clusters()["clusters"] == []


def test_create_with_settings_then_idempotent(eks, network, capsys):
    first = run_module(module_under_test, args(network), capsys)
    assert first["changed"] is True
    cluster = eks.describe_cluster(name="card")["cluster"]
    assert cluster["version"] == "1.33"
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["endpointPrivateAccess"] is True and vpc["endpointPublicAccess"] is False
    assert vpc["securityGroupIds"] == [network["group"]]
    enabled = [e for e in cluster["logging"]["clusterLogging"] if e["enabled"]]
    assert enabled == [{"types": ["api", "audit", "authenticator"], "enabled": True}]
    assert cluster["encryptionConfig"][0]["provider"]["keyArn"] == KEY
    assert first["cluster"]["identity"]["oidc"]["issuer"].startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")
    second = run_module(module_under_test, args(network), capsys)
    assert second["changed"] is False
    assert second["updates"] == []


def test_logging_and_access_change_in_place(eks, network, capsys):
    run_module(module_under_test, args(network), capsys)
    check = run_module(
        module_under_test,
        args(network, logging_types=["audit"], endpoint_public_access=True, public_access_cidrs=["203.0.113.0/24"]),
        capsys,
        check_mode=True,
        diff=True,
    )
    assert check["changed"] is True
    assert {u["type"] for u in check["updates"]} == {"EndpointAccessUpdate", "LoggingUpdate"}
    assert eks.describe_cluster(name="card")["cluster"]["resourcesVpcConfig"]["endpointPublicAccess"] is False
    applied = run_module(
        module_under_test,
        args(network, logging_types=["audit"], endpoint_public_access=True, public_access_cidrs=["203.0.113.0/24"]),
        capsys,
    )
    assert applied["changed"] is True
    cluster = eks.describe_cluster(name="card")["cluster"]
    assert cluster["resourcesVpcConfig"]["publicAccessCidrs"] == ["203.0.113.0/24"]
    assert cluster["resourcesVpcConfig"]["subnetIds"] == network["subnets"]
    assert [e["types"] for e in cluster["logging"]["clusterLogging"] if e["enabled"]] == [["audit"]]


def test_version_upgrade_one_minor_at_a_time(eks, network, capsys):
    run_module(module_under_test, args(network), capsys)
    check = run_module(module_under_test, args(network, version="1.35"), capsys, check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"]["version"] == "1.35"
    assert eks.describe_cluster(name="card")["cluster"]["version"] == "1.33"
    upgraded = run_module(module_under_test, args(network, version="1.35"), capsys)
    assert upgraded["changed"] is True
    assert [u["type"] for u in upgraded["updates"]] == ["VersionUpdate", "VersionUpdate"]
    assert eks.describe_cluster(name="card")["cluster"]["version"] == "1.35"
    assert run_module(module_under_test, args(network, version="1.35"), capsys)["changed"] is False


def test_downgrade_fails(eks, network, capsys):
    run_module(module_under_test, args(network), capsys)
    result = run_module(module_under_test, args(network, version="1.32"), capsys)
    assert result["failed"] is True
    assert "cannot downgrade" in result["msg"]
    assert result["replacement_needed"] == ["version (1.33 -> 1.32)"]


def test_check_mode_refuses_a_downgrade_as_a_read(eks, network, capsys):
    """The eks role's guard: a check-mode call with only the settings EKS cannot change."""
    run_module(module_under_test, args(network), capsys)
    result = run_module(module_under_test, {"name": "card", "version": "1.32", "state": "present"}, capsys,
                        check_mode=True)
    assert result["failed"] is True and result["replacement_needed"] == ["version (1.33 -> 1.32)"]
    assert eks.describe_cluster(name="card")["cluster"]["version"] == "1.33"


def test_encryption_key_cannot_change(eks, network, capsys):
    run_module(module_under_test, args(network), capsys)
    other = KEY.replace("5555", "6666")
    result = run_module(module_under_test, args(network, encryption_kms_key_arn=other), capsys)
    assert result["failed"] is True
    assert "cannot change the key" in result["msg"]


def test_tags_and_absent(eks, network, capsys):
    run_module(module_under_test, args(network), capsys)
    tagged = run_module(module_under_test, args(network, tags={"Project": "card-platform", "Team": "payments"}), capsys)
    assert tagged["changed"] is True
    arn = eks.describe_cluster(name="card")["cluster"]["arn"]
    assert eks.list_tags_for_resource(resourceArn=arn)["tags"] == {"Project": "card-platform", "Team": "payments"}
    gone = run_module(module_under_test, dict(name="card", state="absent"), capsys)
    assert gone["changed"] is True
    assert eks.list_clusters()["clusters"] == []


def test_authentication_mode_at_creation_and_forward_only(eks, network, capsys):
    created = run_module(module_under_test, args(network, authentication_mode="API_AND_CONFIG_MAP"), capsys)
    assert created["changed"] is True
    assert eks.describe_cluster(name="card")["cluster"]["accessConfig"]["authenticationMode"] == "API_AND_CONFIG_MAP"
    assert run_module(module_under_test, args(network, authentication_mode="API_AND_CONFIG_MAP"), capsys)["changed"] is False
    check = run_module(module_under_test, args(network, authentication_mode="API"), capsys, check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"]["access_config"]["authentication_mode"] == "API"
    assert eks.describe_cluster(name="card")["cluster"]["accessConfig"]["authenticationMode"] == "API_AND_CONFIG_MAP"
    moved = run_module(module_under_test, args(network, authentication_mode="API"), capsys)
    assert [u["type"] for u in moved["updates"]] == ["AccessConfigUpdate"]
    assert eks.describe_cluster(name="card")["cluster"]["accessConfig"]["authenticationMode"] == "API"
    back = run_module(module_under_test, args(network, authentication_mode="CONFIG_MAP"), capsys)
    assert back["failed"] is True and "cannot change it back" in back["msg"]


def test_authentication_mode_steps_from_config_map(eks, network, capsys):
    run_module(module_under_test, args(network), capsys)
    assert eks.describe_cluster(name="card")["cluster"]["accessConfig"]["authenticationMode"] == "CONFIG_MAP"
    moved = run_module(module_under_test, args(network, authentication_mode="API"), capsys)
    assert [u["type"] for u in moved["updates"]] == ["AccessConfigUpdate", "AccessConfigUpdate"]
    assert eks.describe_cluster(name="card")["cluster"]["accessConfig"]["authenticationMode"] == "API"
