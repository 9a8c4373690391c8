# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the vpc role's subnet plan (plugins/filter/network.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.network import subnet_plan

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
TIERS = [{"name": "public", "kind": "public", "newbits": 8, "netnum_offset": 48},
         {"name": "private", "kind": "private", "newbits": 4, "netnum_offset": 0}]


def cidrs(plan, tier):
    return [(s["az"], s["cidr"]) for s in plan["subnets"] if s["tier"] == tier]


def test_cidrsubnet_like_terraform():
    plan = subnet_plan("10.0.0.0/16", AZS, TIERS, "us-east-1")
    assert plan["errors"] == []
    assert cidrs(plan, "public") == [("us-east-1a", "10.0.48.0/24"), ("us-east-1b", "10.0.49.0/24"), ("us-east-1c", "10.0.50.0/24")]
    assert cidrs(plan, "private") == [("us-east-1a", "10.0.0.0/20"), ("us-east-1b", "10.0.16.0/20"), ("us-east-1c", "10.0.32.0/20")]
    first = plan["subnets"][0]
    assert first == {"tier": "public", "kind": "public", "az": "us-east-1a", "cidr": "10.0.48.0/24",
                     "first": 167784448, "last": 167784703, "tags": {}}


def test_explicit_cidrs_and_tags():
    tiers = TIERS + [{"name": "db", "kind": "isolated", "cidrs": ["10.0.60.0/28", "10.0.60.16/28", "10.0.60.32/28"], "tags": {"Tier": "db"}}]
    plan = subnet_plan("10.0.0.0/16", AZS, tiers, "us-east-1")
    assert plan["errors"] == []
    assert cidrs(plan, "db")[1] == ("us-east-1b", "10.0.60.16/28")
    assert {s["tier"]: s["tags"] for s in plan["subnets"]}["db"] == {"Tier": "db"}


@pytest.mark.parametrize(("cidr", "message"), [
    ("10.0.0.0/33", "vpc_cidr_block: 10.0.0.0/33 is not an IPv4 CIDR; allowed: an IPv4 CIDR /16-/24 without host bits"),
    ("10.0.1.0/16", "vpc_cidr_block: 10.0.1.0/16 has host bits set; allowed: an IPv4 CIDR /16-/24 without host bits"),
    ("10.0.0.0/12", "vpc_cidr_block: prefix /12 is outside /16../24; allowed: an IPv4 CIDR /16-/24 without host bits"),
    (None, "vpc_cidr_block: None is not an IPv4 CIDR"),
])
def test_a_bad_vpc_cidr_is_the_only_cidr_message(cidr, message):
    plan = subnet_plan(cidr, AZS, TIERS, "us-east-1")
    assert len(plan["errors"]) == 1 and plan["errors"][0].startswith(message), plan["errors"]
    assert plan["subnets"] == []


def test_azs_distinct_and_in_the_region():
    plan = subnet_plan("10.0.0.0/16", ["us-east-1a", "us-east-1a", "us-west-2b"], TIERS, "us-east-1")
    assert plan["errors"] == [
        "vpc_azs: the AZs must be distinct, got us-east-1a, us-east-1a, us-west-2b; allowed: distinct AZs of vpc_region, "
        "so that every tier has one subnet per AZ and tier",
        "vpc_azs: us-west-2b is not an AZ of region us-east-1; allowed: distinct AZs of vpc_region, so that every tier has one subnet per AZ "
        "and tier",
    ]


def test_tiers_public_and_private_required_and_unique():
    plan = subnet_plan("10.0.0.0/16", AZS, [TIERS[0], dict(TIERS[0], netnum_offset=60)], "us-east-1")
    assert "vpc_subnet_tiers: tier names must be unique, got public, public" in plan["errors"]
    assert any(e.startswith("vpc_subnet_tiers: exactly one tier named public of kind public is required") for e in plan["errors"])
    assert any(e.startswith("vpc_subnet_tiers: exactly one tier named private of kind private is required") for e in plan["errors"])


def test_overlaps_and_outside_the_vpc():
    tiers = [{"name": "public", "kind": "public", "cidrs": ["10.0.0.0/24", "10.0.1.0/24", "10.9.2.0/24"]}, TIERS[1]]
    errors = subnet_plan("10.0.0.0/16", AZS, tiers, "us-east-1")["errors"]
    assert errors == [
        "vpc_subnet_tiers[public]: 10.9.2.0/24 (us-east-1c) is not inside vpc_cidr_block 10.0.0.0/16; allowed: subnets /28 or larger, "
        "without host bits, inside vpc_cidr_block and not overlapping any other subnet",
        "vpc_subnet_tiers: 10.0.0.0/20 (private, us-east-1a) overlaps 10.0.0.0/24 (public, us-east-1a), 10.0.1.0/24 (public, us-east-1b) "
        "overlaps 10.0.0.0/20 (private, us-east-1a); allowed: subnets /28 or larger, without host bits, inside vpc_cidr_block and not "
        "overlapping any other subnet",
    ]


def test_one_message_per_rule_naming_every_offender():
    tiers = [{"name": "public", "kind": "public", "cidrs": ["10.9.0.0/24", "10.9.1.0/24", "10.9.2.0/24"]}, TIERS[1]]
    errors = subnet_plan("10.0.0.0/16", ["us-west-2a", "us-west-2b", "us-west-2c"], tiers, "us-east-1")["errors"]
    assert errors[0].startswith("vpc_azs: us-west-2a is not an AZ of region us-east-1, nor are us-west-2b, us-west-2c; allowed:")
    assert errors[1].startswith("vpc_subnet_tiers[public]: 10.9.0.0/24 (us-west-2a) is not inside vpc_cidr_block 10.0.0.0/16, "
                                "nor are 10.9.1.0/24 (us-west-2b), 10.9.2.0/24 (us-west-2c); allowed:")
    assert len(errors) == 2


@pytest.mark.parametrize(("tier", "message"), [
    ({"name": "public", "kind": "public", "cidrs": ["10.0.48.0/24"] * 4}, "vpc_subnet_tiers[public].cidrs: 4 CIDRs for 3 AZs; allowed: one subnet per AZ"),
    ({"name": "public", "kind": "public"}, "vpc_subnet_tiers[public]: set newbits (and netnum_offset) or cidrs"),
    ({"name": "public", "kind": "public", "newbits": 14}, "vpc_subnet_tiers[public].newbits: /30 is smaller than /28, the smallest AWS subnet"),
    ({"name": "public", "kind": "public", "cidrs": ["10.0.48.0/24", "10.0.49.1/24", "10.0.50.0/29"]}, "vpc_subnet_tiers[public]: 10.0.49.1/24 has host bits set"),
    ({"name": "public", "kind": "public", "cidrs": ["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/29"]}, "vpc_subnet_tiers[public]: 10.0.50.0/29 is smaller than /28"),
    ({"name": "public", "kind": "public", "cidrs": ["10.0.48.0/24", "10.0.49.0/24", "nope"]}, "vpc_subnet_tiers[public].cidrs: nope is not an IPv4 CIDR"),
])
def test_tier_errors_name_the_tier(tier, message):
    errors = subnet_plan("10.0.0.0/16", AZS, [tier, TIERS[1]], "us-east-1")["errors"]
    assert any(e.startswith(message) for e in errors), errors


def test_wrong_argument_types_are_filter_errors():
    with pytest.raises(AnsibleFilterError):
        subnet_plan("10.0.0.0/16", "us-east-1a", TIERS, "us-east-1")


# --- route_table_plan ------------------------------------------------------------------------

from ansible_collections.cardplatform.aws.plugins.filter.network import route_table_plan  # noqa: E402

SUBNETS = [{"tier": t, "az": az, "kind": k, "id": f"subnet-{t}-{az[-1]}"}
           for t, k in (("public", "public"), ("private", "private"), ("data", "isolated")) for az in AZS[:2]]


def test_route_table_plan_per_az_nat_gateways():
    plan = route_table_plan(SUBNETS, "p", "igw-1", {"us-east-1a": "nat-a", "us-east-1b": "nat-b"})
    assert plan == [
        {"kind": "public", "tier": "public", "az": "", "name": "p-public", "subnets": ["subnet-public-a", "subnet-public-b"],
         "routes": [{"dest": "0.0.0.0/0", "gateway_id": "igw-1"}], "plannable": True},
        {"kind": "private", "tier": "private", "az": "us-east-1a", "name": "p-private-us-east-1a", "subnets": ["subnet-private-a"],
         "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-a"}], "plannable": True},
        {"kind": "private", "tier": "private", "az": "us-east-1b", "name": "p-private-us-east-1b", "subnets": ["subnet-private-b"],
         "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-b"}], "plannable": True},
        {"kind": "isolated", "tier": "data", "az": "", "name": "p-data", "subnets": ["subnet-data-a", "subnet-data-b"],
         "routes": [], "plannable": True},
    ]


def test_route_table_plan_single_nat_no_nat_and_check_mode():
    single = route_table_plan(SUBNETS, "p", "igw-1", {"us-east-1a": "nat-a"}, True, "us-east-1a")
    assert [p["routes"] for p in single if p["kind"] == "private"] == [[{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-a"}]] * 2
    none = route_table_plan(SUBNETS, "p", "igw-1", {}, False, "")
    assert [(p["routes"], p["plannable"]) for p in none if p["kind"] == "private"] == [([], True)] * 2
    planned = route_table_plan(SUBNETS, "p", "igw-1", {}, True, "")   # check mode: no NAT gateway IDs yet
    assert [p["plannable"] for p in planned] == [True, False, False, True]
    unknown = route_table_plan([{**s, "id": ""} if s["tier"] == "data" else s for s in SUBNETS], "p", "igw-1", {})
    assert [p["name"] for p in unknown] == ["p-public", "p-private-us-east-1a", "p-private-us-east-1b"]


@pytest.mark.parametrize("subnets, nat_ids", [("subnet-1", {}), ([["subnet-1"]], {}), (SUBNETS, ["nat-a"])])
def test_route_table_plan_bad_input(subnets, nat_ids):
    with pytest.raises(AnsibleFilterError, match="route_table_plan"):
        route_table_plan(subnets, "p", "igw-1", nat_ids)


def test_region_clashes_names_a_region_used_twice_and_overlapping_blocks():
    from ansible_collections.cardplatform.aws.plugins.filter.network import region_clashes

    hosts = {
        "production-us-east-1": {"platform_name": "card-platform-production", "aws_region": "us-east-1", "vpc_cidr_block": "10.0.0.0/16"},
        "production-eu-west-1": {"platform_name": "card-platform-production", "aws_region": "eu-west-1", "vpc_cidr_block": "10.1.0.0/16"},
        "staging-us-east-1": {"platform_name": "card-platform-staging", "aws_region": "us-east-1", "vpc_cidr_block": "10.0.0.0/16"},
    }
    assert region_clashes(hosts) == []
    hosts["production-again"] = {"platform_name": "card-platform-production", "aws_region": "us-east-1", "vpc_cidr_block": "10.2.0.0/16"}
    hosts["production-ap"] = {"platform_name": "card-platform-production", "aws_region": "ap-southeast-1", "vpc_cidr_block": "10.1.128.0/17"}
    assert region_clashes(hosts) == [
        "production-again and production-us-east-1 are both card-platform-production in us-east-1",
        "production-ap (10.1.128.0/17) and production-eu-west-1 (10.1.0.0/16) have overlapping vpc_cidr_block values in card-platform-production",
    ]
