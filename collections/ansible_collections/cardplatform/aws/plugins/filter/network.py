# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""subnet_plan: the vpc role's subnets, one per tier and AZ, and what is wrong with its inputs;
route_table_plan: the vpc_egress role's route tables for those subnets.

    vpc_cidr_block | cardplatform.aws.subnet_plan(vpc_azs, vpc_subnet_tiers, vpc_region)
    -> {"subnets": [{tier, kind, az, cidr, first, last, tags}], "errors": [message, ...]}

CIDRs follow Terraform's cidrsubnet(vpc_cidr, newbits, netnum_offset + az_index) unless a
tier lists its `cidrs` (one per AZ, in AZ order). Each message names the variable, what is
wrong and what is allowed (roles/vpc/meta/rules.yml reports them before any API call;
tasks/start.yml and absent_network.yml use the subnets).

    vpc_egress__subnets | cardplatform.aws.route_table_plan(name, igw_id, nat_gateway_ids_by_az,
                                                            enable_nat_gateway, single_nat_az)
    -> [{kind, tier, az, name, subnets, routes, plannable}]

One public table (<name>-public: every subnet of a public tier, 0.0.0.0/0 to the internet
gateway); one table per AZ of each private tier (<name>-<tier>-<az>: 0.0.0.0/0 to the NAT
gateway of its AZ, or of single_nat_az when it is set; no route without NAT gateways); one
table per isolated tier (<name>-<tier>: no route out). A private table whose NAT gateway
has no ID yet (check mode) is `plannable: false`. Subnets without an ID are left out.

    {host: {platform_name, aws_region, vpc_cidr_block}} | cardplatform.aws.region_clashes
    -> ["<host> and <host> are both <platform_name> in <region>", ...]

Two hosts of one platform are two regions of it: playbooks/validate.yml refuses a region
used twice or overlapping CIDR blocks before any API call.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

CIDR_RE = re.compile(r"^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}/([0-9]|[12][0-9]|3[0-2])$")
VPC_ALLOWED = "allowed: an IPv4 CIDR /16-/24 without host bits, such as 10.0.0.0/16"
AZ_ALLOWED = "allowed: distinct AZs of vpc_region, so that every tier has one subnet per AZ and tier"
PER_AZ_ALLOWED = "allowed: one subnet per AZ and tier (explicit cidrs: exactly one per AZ, in vpc_azs order)"
SUBNET_ALLOWED = "allowed: subnets /28 or larger, without host bits, inside vpc_cidr_block and not overlapping any other subnet"


def _network(text):
    """(first address, prefix length, host bits set) of an IPv4 CIDR, or None."""
    if not isinstance(text, str) or not CIDR_RE.match(text):
        return None
    address, prefix = text.split("/")
    first = int(ipaddress.IPv4Address(address))
    size = 2 ** (32 - int(prefix))
    return first, int(prefix), first % size != 0


def _cidr(first: int, prefix: int) -> str:
    return f"{ipaddress.IPv4Address(first)}/{prefix}"


def _one_message(errors: list, template: str, items: list, allowed: str) -> None:
    """One message per rule: the first offender in the sentence, the others after it."""
    if items:
        also = f", nor {'is' if len(items) == 2 else 'are'} {', '.join(items[1:])}" if len(items) > 1 else ""
        errors.append(f"{template.format(items[0])}{also}; {allowed}")


def subnet_plan(vpc_cidr_block, vpc_azs, vpc_subnet_tiers, vpc_region):
    if not isinstance(vpc_azs, Sequence) or isinstance(vpc_azs, str):
        raise AnsibleFilterError(f"subnet_plan: vpc_azs must be a list, got {vpc_azs!r}")
    if not isinstance(vpc_subnet_tiers, Sequence) or isinstance(vpc_subnet_tiers, str):
        raise AnsibleFilterError(f"subnet_plan: vpc_subnet_tiers must be a list, got {vpc_subnet_tiers!r}")
    errors: list[str] = []
    subnets: list[dict] = []
    azs = [str(az) for az in vpc_azs]

    if len(set(azs)) != len(azs):
        errors.append(f"vpc_azs: the AZs must be distinct, got {', '.join(azs)}; {AZ_ALLOWED}")
    region_az = re.compile("^" + re.escape(str(vpc_region)) + "[a-z]$")
    _one_message(errors, "vpc_azs: {} is not an AZ of region " + str(vpc_region), [az for az in azs if not region_az.match(az)], AZ_ALLOWED)

    tiers = [tier for tier in vpc_subnet_tiers if isinstance(tier, Mapping)]
    names = [str(tier.get("name")) for tier in tiers]
    if len(set(names)) != len(names):
        errors.append(f"vpc_subnet_tiers: tier names must be unique, got {', '.join(names)}")
    for required in ("public", "private"):
        if sum(1 for tier in tiers if tier.get("name") == required and tier.get("kind") == required) != 1:
            errors.append(f"vpc_subnet_tiers: exactly one tier named {required} of kind {required} is required, got {', '.join(names)}")

    vpc = _network(vpc_cidr_block)
    if vpc is None:
        errors.append(f"vpc_cidr_block: {vpc_cidr_block} is not an IPv4 CIDR; {VPC_ALLOWED}")
        return {"subnets": [], "errors": errors}
    vpc_first, vpc_prefix, host_bits = vpc
    if not 16 <= vpc_prefix <= 24:
        errors.append(f"vpc_cidr_block: prefix /{vpc_prefix} is outside /16../24; {VPC_ALLOWED}")
    elif host_bits:
        errors.append(f"vpc_cidr_block: {vpc_cidr_block} has host bits set; {VPC_ALLOWED}")
    if not 16 <= vpc_prefix <= 24 or host_bits:
        # The subnets are carved out of the VPC's CIDR: no plan without a valid one.
        return {"subnets": [], "errors": errors}
    vpc_last = vpc_first + 2 ** (32 - vpc_prefix) - 1

    for tier in tiers:
        name = tier.get("name")
        host_bits_set, too_small, outside = [], [], []
        given = tier.get("cidrs") or None
        newbits = tier.get("newbits")
        if given:
            if len(given) != len(azs):
                errors.append(f"vpc_subnet_tiers[{name}].cidrs: {len(given)} CIDRs for {len(azs)} AZs; {PER_AZ_ALLOWED}")
        elif newbits is None:
            errors.append(f"vpc_subnet_tiers[{name}]: set newbits (and netnum_offset) or cidrs")
            continue
        elif vpc_prefix + int(newbits) > 28:
            errors.append(f"vpc_subnet_tiers[{name}].newbits: /{vpc_prefix + int(newbits)} is smaller than /28, the smallest AWS subnet")
            continue
        for index, az in enumerate(azs):
            if given:
                if index >= len(given):
                    continue
                parsed = _network(given[index])
                if parsed is None:
                    errors.append(f"vpc_subnet_tiers[{name}].cidrs: {given[index]} is not an IPv4 CIDR; {SUBNET_ALLOWED}")
                    continue
                first, prefix, host_bits = parsed
                cidr = given[index]
            else:
                prefix = vpc_prefix + int(newbits)
                first = vpc_first + (int(tier.get("netnum_offset") or 0) + index) * 2 ** (32 - prefix)
                host_bits = False
                cidr = _cidr(first % 2 ** 32, prefix)
            last = first + 2 ** (32 - prefix) - 1
            if host_bits:
                host_bits_set.append(cidr)
            if prefix > 28:
                too_small.append(cidr)
            if first < vpc_first or last > vpc_last:
                outside.append(f"{cidr} ({az})")
            subnets.append({"tier": name, "kind": tier.get("kind"), "az": az, "cidr": cidr, "first": first, "last": last,
                            "tags": dict(tier.get("tags") or {})})
        _one_message(errors, f"vpc_subnet_tiers[{name}]: {{}} has host bits set", host_bits_set, SUBNET_ALLOWED)
        _one_message(errors, f"vpc_subnet_tiers[{name}]: {{}} is smaller than /28", too_small, SUBNET_ALLOWED)
        _one_message(errors, f"vpc_subnet_tiers[{name}]: {{}} is not inside vpc_cidr_block {vpc_cidr_block}", outside, SUBNET_ALLOWED)

    ordered = sorted(subnets, key=lambda s: s["first"])
    overlaps = [f"{subnet['cidr']} ({subnet['tier']}, {subnet['az']}) overlaps {previous['cidr']} ({previous['tier']}, {previous['az']})"
                for previous, subnet in zip(ordered, ordered[1:]) if subnet["first"] <= previous["last"]]
    if overlaps:
        errors.append(f"vpc_subnet_tiers: {', '.join(overlaps)}; {SUBNET_ALLOWED}")
    return {"subnets": subnets, "errors": errors}


def route_table_plan(subnets, name, igw_id, nat_gateway_ids_by_az, enable_nat_gateway=True, single_nat_az=""):
    if not isinstance(subnets, Sequence) or isinstance(subnets, str) or not all(isinstance(s, Mapping) for s in subnets):
        raise AnsibleFilterError(f"route_table_plan: expected a list of subnets ({{tier, az, kind, id}}), got {subnets!r}")
    if not isinstance(nat_gateway_ids_by_az, Mapping):
        raise AnsibleFilterError(f"route_table_plan: nat_gateway_ids_by_az must be a dict, got {nat_gateway_ids_by_az!r}")
    known = [s for s in subnets if s.get("id")]

    def ids(kind, tier=None):
        return [s["id"] for s in known if s.get("kind") == kind and (tier is None or s.get("tier") == tier)]

    plan = [{"kind": "public", "tier": "public", "az": "", "name": f"{name}-public", "subnets": ids("public"),
             "routes": [{"dest": "0.0.0.0/0", "gateway_id": igw_id}], "plannable": True}]
    for subnet in known:
        if subnet.get("kind") != "private":
            continue
        nat_id = str(nat_gateway_ids_by_az.get(single_nat_az or subnet["az"]) or "") if enable_nat_gateway else ""
        plan.append({"kind": "private", "tier": subnet["tier"], "az": subnet["az"],
                     "name": f"{name}-{subnet['tier']}-{subnet['az']}", "subnets": [subnet["id"]],
                     "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": nat_id}] if enable_nat_gateway else [],
                     "plannable": not enable_nat_gateway or bool(nat_id)})
    for tier in dict.fromkeys(s.get("tier") for s in known if s.get("kind") == "isolated"):
        plan.append({"kind": "isolated", "tier": tier, "az": "", "name": f"{name}-{tier}", "subnets": ids("isolated", tier),
                     "routes": [], "plannable": True})
    return plan


def region_clashes(hosts):
    """What two inventory hosts of one platform (same platform_name, the prefix of every resource
    name) share: a region (both would converge the same resources) or overlapping CIDR blocks (the
    regions' VPCs could never be peered or routed).

        {host: {platform_name, aws_region, vpc_cidr_block}} | cardplatform.aws.region_clashes
        -> ["production-a and production-b are both card-platform-production in eu-west-1", ...]
    """
    if not isinstance(hosts, Mapping):
        raise AnsibleFilterError(f"region_clashes expects a mapping of hosts, got {type(hosts).__name__}")
    found = []
    names = sorted(hosts)
    for index, first in enumerate(names):
        for second in names[index + 1:]:
            a, b = hosts[first], hosts[second]
            if a.get("platform_name") != b.get("platform_name"):
                continue
            platform = a.get("platform_name")
            if a.get("aws_region") == b.get("aws_region"):
                found.append(f"{first} and {second} are both {platform} in {a.get('aws_region')}")
                continue
            try:
                overlap = ipaddress.ip_network(a.get("vpc_cidr_block")).overlaps(ipaddress.ip_network(b.get("vpc_cidr_block")))
            except (TypeError, ValueError):
                continue  # the vpc role's own rules report a malformed block
            if overlap:
                found.append(f"{first} ({a.get('vpc_cidr_block')}) and {second} ({b.get('vpc_cidr_block')}) "
                             f"have overlapping vpc_cidr_block values in {platform}")
    return found


class FilterModule:
    def filters(self):
        return {"subnet_plan": subnet_plan, "route_table_plan": route_table_plan, "region_clashes": region_clashes}
