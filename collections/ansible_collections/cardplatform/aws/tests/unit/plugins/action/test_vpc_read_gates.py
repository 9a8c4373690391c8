# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VPC read gates (plugins/action/ec2_vpc_net, ec2_vpc_subnet, ec2_vpc_nat_gateway,
ec2_vpc_route_table, ec2_vpc_endpoint, ec2_tag) against the real amazon.aws modules on moto
(in-process): what the module creates, read back by its *_info module, is in sync (no module
run, the keys the module returns); a drift runs the module; check mode writes nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest.mock import MagicMock

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.modules import (
    ec2_eip_info,
    ec2_tag,
    ec2_vpc_endpoint,
    ec2_vpc_endpoint_info,
    ec2_vpc_igw,
    ec2_vpc_nat_gateway,
    ec2_vpc_nat_gateway_info,
    ec2_vpc_net,
    ec2_vpc_net_info,
    ec2_vpc_route_table,
    ec2_vpc_route_table_info,
    ec2_vpc_subnet,
    ec2_vpc_subnet_info,
)
from ansible_collections.cardplatform.aws.plugins.action import ec2_tag as tag_action
from ansible_collections.cardplatform.aws.plugins.action import ec2_vpc_endpoint as endpoint_action
from ansible_collections.cardplatform.aws.plugins.action import ec2_vpc_nat_gateway as nat_action
from ansible_collections.cardplatform.aws.plugins.action import ec2_vpc_net as vpc_action
from ansible_collections.cardplatform.aws.plugins.action import ec2_vpc_route_table as route_table_action
from ansible_collections.cardplatform.aws.plugins.action import ec2_vpc_subnet as subnet_action
from ansible_collections.cardplatform.aws.plugins.plugin_utils import read_gate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "modules"))
from _vpc_eks_helpers import REGION, run_module, set_credentials  # noqa: E402  pylint: disable=wrong-import-position

MODULES = {f"amazon.aws.{m.__name__.rsplit('.', 1)[-1]}": m
           for m in (ec2_vpc_net, ec2_vpc_subnet, ec2_vpc_nat_gateway, ec2_vpc_route_table, ec2_vpc_endpoint, ec2_tag)}
TAGS = {"Project": "card-platform", "Environment": "local"}


class Gate:
    """Runs one read-gate action the way the task executor does, the module in-process."""

    def __init__(self, plugin, capsys, monkeypatch):
        self.plugin, self.capsys, self.calls = plugin, capsys, []
        monkeypatch.setattr(read_gate, "_apply_action_arg_defaults", lambda name, task, options, templar: dict(options))

    def run(self, args, check_mode=False):
        task = MagicMock(args=args, action="cardplatform.aws.gate", async_val=0, check_mode=check_mode, diff=False)
        connection = MagicMock()
        connection._shell.tmpdir = None
        action = self.plugin.ActionModule(task, connection, MagicMock(), loader=None, templar=None)

        def execute(module_name, module_args, task_vars, wrap_async=False):
            assert module_name == self.plugin.ActionModule.MODULE and wrap_async is False
            self.calls.append(dict(module_args))
            return run_module(MODULES[module_name], module_args, self.capsys, check_mode=check_mode)

        action._execute_module = execute
        return action.run(task_vars={})

    def twice(self, args, read):
        """Run with the read: once creating, then in sync. Return both results."""
        created = self.run({**args, "current": read()})
        again = self.run({**args, "current": read()})
        return created, again


@pytest.fixture
def aws(monkeypatch):
    set_credentials(monkeypatch)
    monkeypatch.setattr(ec2_vpc_route_table, "sleep", lambda seconds: None)
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


@pytest.fixture
def vpc_id(aws):
    return aws.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def module_keys(module, args, capsys):
    """The keys the module itself returns for an unchanged resource."""
    result = run_module(module, args, capsys)
    assert result["changed"] is False
    return result


def test_vpc(aws, capsys, monkeypatch):
    gate = Gate(vpc_action, capsys, monkeypatch)
    args = dict(name="platform", cidr_block="10.1.0.0/16", dns_support=True, dns_hostnames=True, tags=TAGS,
                purge_tags=True, state="present")

    def read():
        return run_module(ec2_vpc_net_info, dict(filters={"tag:Name": "platform", "cidr-block": "10.1.0.0/16"}), capsys)["vpcs"]

    planned = gate.run({**args, "current": read()}, check_mode=True)
    assert planned["changed"] is True and read() == []
    created, again = gate.twice(args, read)
    assert created["changed"] is True and again["changed"] is False and len(gate.calls) == 2
    assert again["vpc"]["id"] == created["vpc"]["id"] and again["vpc"]["name"] == "platform"
    assert set(module_keys(ec2_vpc_net, args, capsys)["vpc"]) <= set(again["vpc"])
    aws.modify_vpc_attribute(VpcId=created["vpc"]["id"], EnableDnsHostnames={"Value": False})
    assert gate.run({**args, "current": read()})["changed"] is True and len(gate.calls) == 3


def test_subnet(aws, vpc_id, capsys, monkeypatch):
    gate = Gate(subnet_action, capsys, monkeypatch)
    args = dict(vpc_id=vpc_id, cidr="10.0.48.0/24", az=f"{REGION}a", map_public=True,
                tags={**TAGS, "Name": "platform-public-a", "kubernetes.io/role/elb": "1"}, purge_tags=True, state="present")

    def read():
        return run_module(ec2_vpc_subnet_info, dict(filters={"vpc-id": vpc_id}), capsys)["subnets"]

    assert gate.run({**args, "current": read()}, check_mode=True)["changed"] is True and read() == []
    created, again = gate.twice(args, read)
    assert created["changed"] is True and again["changed"] is False and len(gate.calls) == 2
    assert again["subnet"]["id"] == created["subnet"]["id"]
    assert set(module_keys(ec2_vpc_subnet, args, capsys)["subnet"]) <= set(again["subnet"])
    aws.modify_subnet_attribute(SubnetId=created["subnet"]["id"], MapPublicIpOnLaunch={"Value": False})
    assert gate.run({**args, "current": read()})["changed"] is True and len(gate.calls) == 3


@pytest.fixture
def network(aws, vpc_id, capsys):
    """Public and private subnets in one AZ and the internet gateway."""
    public = aws.create_subnet(VpcId=vpc_id, CidrBlock="10.0.48.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    private = aws.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/20", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    igw = run_module(ec2_vpc_igw, dict(vpc_id=vpc_id, state="present"), capsys)["gateway_id"]
    return {"vpc_id": vpc_id, "public": public, "private": private, "igw": igw}


def nat_args(network):
    return dict(subnet_id=network["public"], connectivity_type="public", if_exist_do_not_create=True,
                tags={**TAGS, "Name": "platform-nat-a"}, purge_tags=True, wait=False, state="present")


def read_nat(network, capsys):
    return run_module(ec2_vpc_nat_gateway_info, dict(filters={"vpc-id": network["vpc_id"], "state": ["pending", "available"]}),
                      capsys)["result"]


def test_nat_gateway_and_its_elastic_ip_tags(aws, network, capsys, monkeypatch):
    gate = Gate(nat_action, capsys, monkeypatch)
    args = nat_args(network)
    assert gate.run({**args, "current": read_nat(network, capsys)}, check_mode=True)["changed"] is True
    assert read_nat(network, capsys) == []
    created, again = gate.twice(args, lambda: read_nat(network, capsys))
    assert created["changed"] is True and again["changed"] is False and len(gate.calls) == 2
    assert again["nat_gateway_id"] == created["nat_gateway_id"] and again["state"] == "available"
    assert {"nat_gateway_id", "subnet_id", "state", "nat_gateway_addresses", "tags"} <= set(again)
    aws.create_tags(Resources=[created["nat_gateway_id"]], Tags=[{"Key": "Owner", "Value": "someone"}])
    assert gate.run({**args, "current": read_nat(network, capsys)})["changed"] is True and len(gate.calls) == 3

    tagger = Gate(tag_action, capsys, monkeypatch)
    allocation = again["nat_gateway_addresses"][0]["allocation_id"]
    tag_args = dict(resource=allocation, tags={**TAGS, "Name": "platform-nat-a"}, state="present")

    def read_eip():
        return run_module(ec2_eip_info, dict(filters={"allocation-id": [allocation]}), capsys)["addresses"][0].get("tags", {})

    assert tagger.run({**tag_args, "current": read_eip()}, check_mode=True)["changed"] is True and read_eip() == {}
    tagged, unchanged = tagger.twice(tag_args, read_eip)
    assert tagged["changed"] is True and unchanged["changed"] is False and len(tagger.calls) == 2  # check mode, tag
    assert unchanged["tags"] == tag_args["tags"]


def test_route_tables(aws, network, capsys, monkeypatch):
    nat_id = Gate(nat_action, capsys, monkeypatch).run(nat_args(network))["nat_gateway_id"]
    gate = Gate(route_table_action, capsys, monkeypatch)
    tables = {
        "public": dict(subnets=[network["public"]], routes=[{"dest": "0.0.0.0/0", "gateway_id": network["igw"]}]),
        "private": dict(subnets=[network["private"]], routes=[{"dest": "0.0.0.0/0", "nat_gateway_id": nat_id}]),
    }

    def args(name, lookup="tag", table_id=None):
        return dict(vpc_id=network["vpc_id"], lookup=lookup, route_table_id=table_id, tags={**TAGS, "Name": name},
                    purge_tags=True, purge_subnets=True, purge_routes=True, state="present", **tables[name])

    def read():
        return run_module(ec2_vpc_route_table_info, dict(filters={"vpc-id": network["vpc_id"]}), capsys)["route_tables"]

    assert gate.run({**args("public"), "current": read()}, check_mode=True)["changed"] is True and len(read()) == 1
    ids = {}
    for name in tables:
        created = gate.run({**args(name), "current": read()})
        assert created["changed"] is True
        ids[name] = created["route_table"]["id"]
    calls = len(gate.calls)
    for name in tables:  # by tag, then by ID as the role does
        for again in (gate.run({**args(name), "current": read()}), gate.run({**args(name, "id", ids[name]), "current": read()})):
            assert again["changed"] is False and again["route_table"]["id"] == ids[name]
    assert len(gate.calls) == calls
    unchanged = module_keys(ec2_vpc_route_table, {k: v for k, v in args("private", "id", ids["private"]).items() if v is not None}, capsys)
    assert set(unchanged["route_table"]) <= set(again["route_table"])

    # A gateway endpoint's prefix-list route on the private table is left alone, as the module leaves it.
    aws.create_vpc_endpoint(VpcId=network["vpc_id"], ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[ids["private"]])
    assert gate.run({**args("private", "id", ids["private"]), "current": read()})["changed"] is False
    # A route out of plan is drift.
    aws.create_route(RouteTableId=ids["public"], DestinationCidrBlock="192.168.0.0/16", GatewayId=network["igw"])
    repaired = gate.run({**args("public", "id", ids["public"]), "current": read()})
    assert repaired["changed"] is True and len(gate.calls) == calls + 1
    assert gate.run({**args("public", "id", ids["public"]), "current": read()})["changed"] is False


def test_endpoints(aws, network, capsys, monkeypatch):
    table = aws.create_route_table(VpcId=network["vpc_id"])["RouteTable"]["RouteTableId"]
    group = aws.create_security_group(VpcId=network["vpc_id"], GroupName="endpoints", Description="endpoints")["GroupId"]
    gate = Gate(endpoint_action, capsys, monkeypatch)
    gateway = dict(vpc_id=network["vpc_id"], service=f"com.amazonaws.{REGION}.s3", vpc_endpoint_type="Gateway",
                   route_table_ids=[table], tags={**TAGS, "Name": "platform-s3"}, purge_tags=True, wait=True,
                   wait_timeout=60, state="present")
    interface = dict(vpc_id=network["vpc_id"], service=f"com.amazonaws.{REGION}.sts", vpc_endpoint_type="Interface",
                     vpc_endpoint_subnets=[network["private"]], vpc_endpoint_security_groups=[group],
                     tags={**TAGS, "Name": "platform-sts"}, purge_tags=True, wait=True, wait_timeout=60, state="present")

    def read():
        return run_module(ec2_vpc_endpoint_info, dict(filters={"vpc-id": network["vpc_id"]}), capsys)["vpc_endpoints"]

    assert gate.run({**gateway, "current": read()}, check_mode=True)["changed"] is True and read() == []
    for args in (gateway, interface):
        created, again = gate.twice(args, read)
        assert created["changed"] is True and again["changed"] is False
        assert again["result"]["vpc_endpoint_id"] == created["result"]["vpc_endpoint_id"]
    assert len(gate.calls) == 3  # check mode, two creates
    aws.create_tags(Resources=[again["result"]["vpc_endpoint_id"]], Tags=[{"Key": "Owner", "Value": "someone"}])
    assert gate.run({**interface, "current": read()})["changed"] is True and len(gate.calls) == 4
