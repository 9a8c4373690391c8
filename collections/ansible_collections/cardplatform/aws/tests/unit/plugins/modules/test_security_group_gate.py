# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security-group read gate agrees with the module it gates.

The comparison of plugins/module_utils/in_sync.py (security_group), through the action
cardplatform.aws.ec2_security_group, lets the roles skip amazon.aws.ec2_security_group (5 reads
per group per run) when one amazon.aws.ec2_security_group_info read shows nothing to change.
Here the real modules run on moto in-process: a group the module just converged must be in
sync, and every drift the module would repair must not be.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.modules import ec2_security_group, ec2_security_group_info
from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import security_group

from _vpc_eks_helpers import REGION, apply_extensions, run_module, set_credentials

TAGS = {"Project": "card-platform", "Environment": "local", "Name": "nodes"}


@pytest.fixture
def ec2(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("ec2_security_group_rule_description_return")
    # The module sleeps 3 s after a create and 10 s per rule re-read for AWS's eventual
    # consistency; moto in-process is consistent at once.
    monkeypatch.setattr(ec2_security_group, "sleep", lambda seconds: None)
    with mock_aws():
        client = boto3.client("ec2", region_name=REGION)
        vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        other = client.create_security_group(GroupName="control-plane", Description="cp", VpcId=vpc)["GroupId"]
        yield client, vpc, other


def node_group_args(vpc, other):
    """The shape of roles/eks/tasks/control_plane.yml's node security group."""
    return dict(
        name="nodes",
        description="EKS cluster - managed nodes",
        vpc_id=vpc,
        rules=[
            {"proto": "all", "group_name": "nodes", "rule_desc": "Node to node, all traffic"},
            {"proto": "tcp", "ports": ["443", "10250", "1025-65535"], "group_id": other, "rule_desc": "Control plane to nodes"},
            {"proto": "tcp", "ports": ["5432"], "cidr_ip": "10.0.1.7/24", "rule_desc": "PostgreSQL"},
        ],
        purge_rules=True,
        rules_egress=[{"proto": "all", "cidr_ip": "0.0.0.0/0", "rule_desc": "Nodes to anywhere"}],
        purge_rules_egress=True,
        tags=TAGS,
        purge_tags=True,
        state="present",
    )


def permission(client, group_id, from_port):
    """The ingress permission on from_port exactly as EC2 holds it (moto revokes only exact matches)."""
    group = client.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return next(p for p in group["IpPermissions"] if p.get("FromPort") == from_port)


def read(capsys, vpc, name="nodes"):
    found = run_module(ec2_security_group_info, dict(filters={"vpc-id": vpc, "group-name": name}), capsys)
    assert len(found["security_groups"]) == 1
    return found["security_groups"][0]


def security_group_in_sync(groups, args):
    return security_group(groups, args) is not None


def in_sync(group, args):
    return security_group_in_sync([group] if group else [], args)


def test_converged_group_is_in_sync_and_the_module_agrees(ec2, capsys):
    _, vpc, other = ec2
    args = node_group_args(vpc, other)
    assert run_module(ec2_security_group, args, capsys)["changed"] is True
    assert in_sync(read(capsys, vpc), args) is True
    assert run_module(ec2_security_group, args, capsys)["changed"] is False


@pytest.mark.parametrize(
    "drift",
    ["revoke_rule", "extra_rule", "rule_description", "extra_egress", "tag", "missing"],
)
def test_every_drift_the_module_repairs_goes_to_the_module(ec2, capsys, drift):
    client, vpc, other = ec2
    args = node_group_args(vpc, other)
    group_id = run_module(ec2_security_group, args, capsys)["group_id"]
    if drift == "revoke_rule":
        client.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[permission(client, group_id, 10250)])
    elif drift == "extra_rule":
        client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    elif drift == "rule_description":
        # moto ignores UpdateSecurityGroupRuleDescriptionsIngress: revoke and authorize instead
        rule = permission(client, group_id, 443)
        client.revoke_security_group_ingress(GroupId=group_id, IpPermissions=[rule])
        rule["UserIdGroupPairs"][0]["Description"] = "edited by hand"
        client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[rule])
    elif drift == "extra_egress":
        client.authorize_security_group_egress(GroupId=group_id, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    elif drift == "tag":
        client.create_tags(Resources=[group_id], Tags=[{"Key": "Owner", "Value": "someone"}])
    group = read(capsys, vpc) if drift != "missing" else None
    assert in_sync(group, args) is False
    if drift != "missing":
        assert run_module(ec2_security_group, args, capsys)["changed"] is True
        if drift != "rule_description":  # moto does not apply the module's description update
            assert in_sync(read(capsys, vpc), args) is True


def test_egress_left_alone_when_not_given(ec2, capsys):
    client, vpc, other = ec2
    args = node_group_args(vpc, other)
    del args["rules_egress"]
    group_id = run_module(ec2_security_group, args, capsys)["group_id"]
    client.authorize_security_group_egress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    assert in_sync(read(capsys, vpc), args) is True
    assert run_module(ec2_security_group, args, capsys)["changed"] is False


def test_rules_kept_without_purge(ec2, capsys):
    client, vpc, _ = ec2
    args = dict(name="cluster", description="control plane ENIs", vpc_id=vpc, purge_rules=False, tags=TAGS, state="present")
    group_id = run_module(ec2_security_group, args, capsys)["group_id"]
    client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    assert in_sync(read(capsys, vpc, "cluster"), args) is True
    assert run_module(ec2_security_group, args, capsys)["changed"] is False


def test_shapes_the_filter_does_not_model_go_to_the_module(ec2, capsys):
    _, vpc, other = ec2
    args = node_group_args(vpc, other)
    run_module(ec2_security_group, args, capsys)
    group = read(capsys, vpc)
    for rules in (
        [{"proto": "tcp", "ports": ["443"], "cidr_ipv6": "::/0"}],
        [{"proto": "icmp", "icmp_type": 8, "icmp_code": -1, "cidr_ip": "10.0.0.0/16"}],
        [{"proto": "6", "ports": ["443"], "cidr_ip": "10.0.0.0/16"}],
        [{"proto": "tcp", "ports": ["443"], "group_name": "control-plane"}],
        [{"proto": "tcp", "cidr_ip": "10.0.0.0/16"}],
    ):
        assert in_sync(group, {**args, "rules": rules}) is False
    assert in_sync(group, {**args, "rules": None}) is False  # the module would purge every ingress rule


def test_the_group_is_picked_by_id_or_by_name_and_vpc(ec2, capsys):
    _, vpc, other = ec2
    args = node_group_args(vpc, other)
    run_module(ec2_security_group, args, capsys)
    every = run_module(ec2_security_group_info, dict(filters={"vpc-id": vpc}), capsys)["security_groups"]
    assert len(every) == 3  # default, control-plane, nodes
    assert security_group_in_sync(every, args) is True
    nodes = next(g for g in every if g["group_name"] == "nodes")
    assert security_group_in_sync(every, {**args, "group_id": nodes["group_id"]}) is True
    assert security_group_in_sync(every, {**args, "vpc_id": "vpc-other"}) is False
    assert security_group_in_sync([nodes, nodes], args) is False  # ambiguous: the module decides
    assert security_group_in_sync([], args) is False
    assert security_group_in_sync(every, {**args, "tags": {"Name": "nodes"}, "purge_tags": False}) is True
