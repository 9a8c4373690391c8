# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the VPC read gates' comparison (plugins/module_utils/in_sync.py): ec2_vpc_net,
ec2_vpc_subnet, ec2_vpc_nat_gateway, ec2_vpc_route_table, ec2_vpc_endpoint and ec2_tag, on
reads shaped as the amazon.aws *_info modules return them. test_vpc_read_gates.py (action/)
runs them against the real modules on moto."""

from __future__ import annotations

import json

import pytest

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import (
    DEFAULT_ENDPOINT_POLICY,
    ReadGateError,
    ec2_tag,
    ec2_vpc_endpoint,
    ec2_vpc_nat_gateway,
    ec2_vpc_net,
    ec2_vpc_route_table,
    ec2_vpc_subnet,
)

TAGS = {"Project": "card-platform", "Environment": "local"}

VPC = {"id": "vpc-1", "vpc_id": "vpc-1", "state": "available", "cidr_block": "10.0.0.0/16",
       "cidr_block_association_set": [{"cidr_block": "10.0.0.0/16", "cidr_block_state": {"state": "associated"}}],
       "enable_dns_support": True, "enable_dns_hostnames": True, "tags": {**TAGS, "Name": "platform"}}
VPC_ARGS = {"name": "platform", "cidr_block": "10.0.0.0/16", "dns_support": True, "dns_hostnames": True,
            "tags": TAGS, "purge_tags": True, "state": "present"}


def test_vpc_in_sync_returns_the_vpc_with_its_name():
    assert ec2_vpc_net([VPC], VPC_ARGS) == {**VPC, "name": "platform"}
    assert ec2_vpc_net([VPC], {**VPC_ARGS, "cidr_block": ["10.0.0.0/16"], "tags": {**TAGS, "Name": "platform"}})


@pytest.mark.parametrize("current, args", [
    ([], {}),
    ([VPC, VPC], {}),                                                  # two VPCs match
    ([{**VPC, "state": "pending"}], {}),
    ([{**VPC, "enable_dns_hostnames": False}], {}),
    ([{**VPC, "tags": {**TAGS, "Name": "platform", "Owner": "x"}}], {}),  # purge_tags
    ([{**VPC, "tags": {"Name": "platform"}}], {}),
    ([{**VPC, "cidr_block_association_set": [{"cidr_block": "10.0.0.0/16", "cidr_block_state": {"state": "disassociating"}}]}], {}),
    ([VPC], {"name": "other"}),
    ([VPC], {"cidr_block": "10.1.0.0/16"}),
    ([VPC], {"dns_support": False, "dns_hostnames": True}),           # the module refuses it
    ([VPC], {"multi_ok": True}),
    ([VPC], {"cidr_block": ["10.0.0.0/16", "10.1.0.0/16"]}),
    ([VPC], {"ipv6_cidr": True}),                                      # not modelled
    ([VPC], {"state": "absent"}),
])
def test_vpc_missing_drifted_or_not_modelled_goes_to_the_module(current, args):
    assert ec2_vpc_net(current, {**VPC_ARGS, **args}) is None


def test_vpc_aws_tags_and_string_values():
    current = {**VPC, "tags": {"Project": "card-platform", "Environment": "local", "Name": "platform", "Count": "3",
                               "aws:cloudformation:stack-name": "s"}}
    assert ec2_vpc_net([current], {**VPC_ARGS, "tags": {**TAGS, "Count": 3}})


SUBNET = {"id": "subnet-1", "subnet_id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.48.0/24",
          "availability_zone": "us-east-1a", "state": "available", "map_public_ip_on_launch": True,
          "assign_ipv6_address_on_creation": False, "ipv6_cidr_block_association_set": [],
          "tags": {**TAGS, "Name": "platform-public-us-east-1a"}}
SUBNET_ARGS = {"vpc_id": "vpc-1", "cidr": "10.0.48.0/24", "az": "us-east-1a", "map_public": True,
               "tags": {**TAGS, "Name": "platform-public-us-east-1a"}, "purge_tags": True, "state": "present"}
OTHER_SUBNET = {**SUBNET, "id": "subnet-2", "cidr_block": "10.0.0.0/20", "map_public_ip_on_launch": False}


def test_subnet_in_sync_is_found_among_the_vpcs_subnets():
    assert ec2_vpc_subnet([OTHER_SUBNET, SUBNET], SUBNET_ARGS) is SUBNET
    assert ec2_vpc_subnet([SUBNET], {**SUBNET_ARGS, "az": None, "wait": True, "wait_timeout": 300}) is SUBNET


@pytest.mark.parametrize("current, args", [
    ([OTHER_SUBNET], {}),
    ([SUBNET, SUBNET], {}),
    ([{**SUBNET, "vpc_id": "vpc-2"}], {}),
    ([{**SUBNET, "state": "pending"}], {}),
    ([SUBNET], {"az": "us-east-1b"}),
    ([SUBNET], {"map_public": False}),
    ([{**SUBNET, "assign_ipv6_address_on_creation": True}], {}),
    ([{**SUBNET, "ipv6_cidr_block_association_set": [{"ipv6_cidr_block_state": {"state": "associated"}}]}], {}),
    ([{**SUBNET, "tags": TAGS}], {}),
    ([SUBNET], {"ipv6_cidr": "2001:db8::/64"}),
    ([SUBNET], {"assign_instances_ipv6": True}),
    ([SUBNET], {"cidr": "not-a-cidr"}),                                 # the module rejects it
])
def test_subnet_missing_drifted_or_not_modelled_goes_to_the_module(current, args):
    assert ec2_vpc_subnet(current, {**SUBNET_ARGS, **args}) is None


def test_subnet_read_that_is_not_a_read_fails():
    with pytest.raises(ReadGateError, match="ec2_vpc_subnet: expected the info module's list, got str"):
        ec2_vpc_subnet("subnet-1", SUBNET_ARGS)
    with pytest.raises(ReadGateError, match="tags must be a dict"):
        ec2_vpc_subnet([{**SUBNET, "tags": "Name=x"}], SUBNET_ARGS)


NAT = {"nat_gateway_id": "nat-1", "subnet_id": "subnet-1", "vpc_id": "vpc-1", "state": "available",
       "connectivity_type": "public", "nat_gateway_addresses": [{"allocation_id": "eipalloc-1", "public_ip": "1.2.3.4"}],
       "tags": {**TAGS, "Name": "platform-nat-us-east-1a"}}
NAT_ARGS = {"subnet_id": "subnet-1", "connectivity_type": "public", "if_exist_do_not_create": True,
            "tags": {**TAGS, "Name": "platform-nat-us-east-1a"}, "purge_tags": True, "wait": False, "state": "present"}


def test_nat_gateway_in_sync_returns_the_gateway():
    deleted = {**NAT, "nat_gateway_id": "nat-0", "state": "deleted"}
    assert ec2_vpc_nat_gateway([deleted, NAT, {**NAT, "subnet_id": "subnet-2"}], NAT_ARGS) is NAT


@pytest.mark.parametrize("current, args", [
    ([], {}),
    ([NAT, {**NAT, "nat_gateway_id": "nat-2", "state": "pending"}], {}),   # two in the subnet
    ([{**NAT, "state": "pending"}], {}),                                    # not available yet
    ([{**NAT, "connectivity_type": "private"}], {}),
    ([{**NAT, "tags": {"Name": "platform-nat-us-east-1a"}}], {}),
    ([NAT], {"if_exist_do_not_create": False}),
    ([NAT], {"allocation_id": "eipalloc-1"}),                               # not modelled
    ([NAT], {"state": "absent"}),
])
def test_nat_gateway_missing_drifted_or_not_modelled_goes_to_the_module(current, args):
    assert ec2_vpc_nat_gateway(current, {**NAT_ARGS, **args}) is None


LOCAL = {"destination_cidr_block": "10.0.0.0/16", "gateway_id": "local", "origin": "CreateRouteTable", "state": "active"}
S3 = {"destination_prefix_list_id": "pl-1", "gateway_id": "vpce-1", "origin": "CreateRoute", "state": "active"}
NAT_ROUTE = {"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "gateway_id": "", "instance_id": None,
             "origin": "CreateRoute", "state": "active"}
TABLE = {"id": "rtb-1", "route_table_id": "rtb-1", "vpc_id": "vpc-1", "tags": {**TAGS, "Name": "platform-private-us-east-1a"},
         "associations": [{"main": False, "subnet_id": "subnet-1", "route_table_association_id": "rtbassoc-1",
                           "association_state": {"state": "associated"}}],
         "routes": [LOCAL, S3, NAT_ROUTE]}
MAIN = {"id": "rtb-0", "vpc_id": "vpc-1", "tags": {}, "associations": [{"main": True}], "routes": [LOCAL]}
TABLE_ARGS = {"vpc_id": "vpc-1", "lookup": "id", "route_table_id": "rtb-1", "tags": {**TAGS, "Name": "platform-private-us-east-1a"},
              "purge_tags": True, "subnets": ["subnet-1"], "purge_subnets": True,
              "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-1"}], "purge_routes": True, "state": "present"}


def test_route_table_in_sync_by_id_or_by_tags():
    assert ec2_vpc_route_table([MAIN, TABLE], TABLE_ARGS) is TABLE
    by_tags = {**TABLE_ARGS, "lookup": "tag", "route_table_id": None}
    assert ec2_vpc_route_table([MAIN, TABLE], by_tags) is TABLE
    assert ec2_vpc_route_table([TABLE], {**TABLE_ARGS, "routes": [{"dest": "0.0.0.0/0", "gateway_id": "nat-1"}]}) is TABLE
    # without purge: a superset is in sync
    extra = {**TABLE, "associations": TABLE["associations"] + [{"main": False, "subnet_id": "subnet-9"}],
             "routes": TABLE["routes"] + [{"destination_cidr_block": "10.9.0.0/16", "gateway_id": "igw-1", "origin": "CreateRoute"}]}
    assert ec2_vpc_route_table([extra], {**TABLE_ARGS, "purge_subnets": False, "purge_routes": False}) is extra


def test_route_table_public_and_isolated_tables():
    public = {**TABLE, "routes": [LOCAL, {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1", "origin": "CreateRoute",
                                          "state": "active"}]}
    assert ec2_vpc_route_table([public], {**TABLE_ARGS, "routes": [{"dest": "0.0.0.0/0", "gateway_id": "igw-1"}]}) is public
    isolated = {**TABLE, "routes": [LOCAL]}
    assert ec2_vpc_route_table([isolated], {**TABLE_ARGS, "routes": []}) is isolated


@pytest.mark.parametrize("current, args", [
    ([MAIN], {}),
    ([TABLE], {"route_table_id": "rtb-2"}),
    ([TABLE, {**TABLE, "id": "rtb-2"}], {"lookup": "tag", "route_table_id": None}),   # the tags find two tables
    ([TABLE], {"lookup": "tag", "route_table_id": None, "tags": None}),              # no lookup: the module creates one
    ([{**TABLE, "tags": {"Name": "platform-private-us-east-1a"}}], {}),
    ([TABLE], {"subnets": ["subnet-1", "subnet-2"]}),
    ([TABLE], {"subnets": ["10.0.0.0/20"]}),                                         # a CIDR the module resolves
    ([{**TABLE, "associations": [{"main": False, "subnet_id": "subnet-1", "association_state": {"state": "associating"}}]}], {}),
    ([{**TABLE, "associations": TABLE["associations"] + [{"main": False, "gateway_id": "igw-1"}]}], {}),  # edge association
    ([TABLE], {"routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-2"}]}),
    ([TABLE], {"routes": []}),
    ([{**TABLE, "routes": [LOCAL, S3]}], {}),
    ([{**TABLE, "routes": TABLE["routes"] + [{"destination_cidr_block": "10.9.0.0/16", "gateway_id": "igw-1",
                                             "origin": "CreateRoute"}]}], {}),
    ([TABLE], {"routes": [{"dest": "0.0.0.0/0", "gateway_id": "igw"}]}),              # the module looks the IGW up
    ([TABLE], {"routes": [{"dest": "::/0", "gateway_id": "igw-1"}]}),                 # IPv6: not modelled
    ([TABLE], {"routes": [{"dest": "0.0.0.0/0"}]}),                                   # no target
    ([TABLE], {"propagating_vgw_ids": ["vgw-1"]}),
    ([TABLE], {"gateway_id": "igw-1"}),
    ([TABLE], {"state": "absent"}),
])
def test_route_table_missing_drifted_or_not_modelled_goes_to_the_module(current, args):
    assert ec2_vpc_route_table(current, {**TABLE_ARGS, **args}) is None


GATEWAY_EP = {"vpc_endpoint_id": "vpce-1", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.s3",
              "vpc_endpoint_type": "Gateway", "state": "available", "route_table_ids": ["rtb-2", "rtb-1"],
              "subnet_ids": [], "groups": [], "private_dns_enabled": False,
              "policy_document": json.dumps(DEFAULT_ENDPOINT_POLICY), "tags": [{"key": "Name", "value": "platform-s3"}]}
GATEWAY_ARGS = {"vpc_id": "vpc-1", "service": "com.amazonaws.us-east-1.s3", "vpc_endpoint_type": "Gateway",
                "route_table_ids": ["rtb-1", "rtb-2"], "tags": {"Name": "platform-s3"}, "purge_tags": True,
                "wait": True, "wait_timeout": 320, "state": "present"}
IFACE_EP = {**GATEWAY_EP, "vpc_endpoint_id": "vpce-2", "service_name": "com.amazonaws.us-east-1.sts",
            "vpc_endpoint_type": "Interface", "route_table_ids": [], "subnet_ids": ["subnet-2", "subnet-1"],
            "groups": [{"group_id": "sg-1", "group_name": "endpoints"}], "private_dns_enabled": True,
            "tags": [{"key": "Name", "value": "platform-sts"}]}
IFACE_ARGS = {**GATEWAY_ARGS, "service": "com.amazonaws.us-east-1.sts", "vpc_endpoint_type": "Interface",
              "route_table_ids": None, "vpc_endpoint_subnets": ["subnet-1", "subnet-2"],
              "vpc_endpoint_security_groups": ["sg-1"], "tags": {"Name": "platform-sts"}}


def test_endpoints_in_sync():
    assert ec2_vpc_endpoint([GATEWAY_EP, IFACE_EP], GATEWAY_ARGS) is GATEWAY_EP
    assert ec2_vpc_endpoint([GATEWAY_EP, IFACE_EP], IFACE_ARGS) is IFACE_EP
    assert ec2_vpc_endpoint([{**GATEWAY_EP, "policy_document": DEFAULT_ENDPOINT_POLICY}], GATEWAY_ARGS)


@pytest.mark.parametrize("current, args", [
    ([], GATEWAY_ARGS),
    ([GATEWAY_EP, {**GATEWAY_EP, "vpc_endpoint_id": "vpce-9"}], GATEWAY_ARGS),   # two match the module's lookup
    ([GATEWAY_EP], {**GATEWAY_ARGS, "route_table_ids": ["rtb-1"]}),
    ([{**GATEWAY_EP, "state": "pending"}], GATEWAY_ARGS),
    ([{**GATEWAY_EP, "vpc_endpoint_type": "Interface"}], GATEWAY_ARGS),
    ([{**GATEWAY_EP, "tags": []}], GATEWAY_ARGS),
    ([{**GATEWAY_EP, "policy_document": json.dumps({"Statement": []})}], GATEWAY_ARGS),
    ([GATEWAY_EP], {**GATEWAY_ARGS, "policy": {"Statement": []}}),
    ([{**IFACE_EP, "subnet_ids": ["subnet-1"]}], IFACE_ARGS),
    ([{**IFACE_EP, "groups": []}], IFACE_ARGS),
    ([{**IFACE_EP, "private_dns_enabled": False}], IFACE_ARGS),
    ([IFACE_EP], {**IFACE_ARGS, "vpc_endpoint_security_groups": ["endpoints"]}),   # a name, not an ID
    ([GATEWAY_EP], {**GATEWAY_ARGS, "state": "absent"}),
])
def test_endpoints_missing_drifted_or_not_modelled_go_to_the_module(current, args):
    assert ec2_vpc_endpoint(current, args) is None


def test_tag_superset_without_purge():
    current = {"Name": "platform-nat-us-east-1a", "Project": "card-platform", "Owner": "x", "Count": "3"}
    args = {"resource": "eipalloc-1", "tags": {"Name": "platform-nat-us-east-1a", "Count": 3}, "state": "present"}
    assert ec2_tag(current, args) == {"tags": current}
    assert ec2_tag([{"Key": "Name", "Value": "platform-nat-us-east-1a"}, {"Key": "Count", "Value": "3"}], args)
    assert ec2_tag(current, {**args, "purge_tags": True}) is None     # Owner would go
    assert ec2_tag({"Name": "other"}, args) is None
    assert ec2_tag({}, args) is None
    assert ec2_tag(None, args) is None                                 # not read
    assert ec2_tag(current, {**args, "state": "absent"}) is None
    with pytest.raises(ReadGateError, match="ec2_tag: expected the resource's tags, got str"):
        ec2_tag("Name=x", args)
