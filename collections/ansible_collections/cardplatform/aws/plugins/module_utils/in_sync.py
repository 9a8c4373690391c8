# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read gates: would a collection module change a resource, as an ``*_info`` module read it?

The roles read once and run the (read-heavy) module only for a missing or drifted resource:
the action plugins of the same names (plugins/action/, through plugins/plugin_utils/read_gate.py)
ask the functions below.

Each function takes the read (``current``) and the arguments the module would get (``args``,
without the connection options) and returns the resource as read when the module would change
nothing, else None: missing, drifted, or anything it does not model (an option or a rule shape
it does not know, an option given by an alias): the module decides then. Input that is not the
info module's shape raises ReadGateError.

kms_key(current, args)
    current: amazon.aws.kms_key_info's ``kms_keys`` (or one entry); exactly one key. args: of
    amazon.aws.kms_key. In sync when the key is Enabled (``enabled`` true, the default), carries
    the alias (``alias``) or is the key (``key_id``), and has the description (when given),
    rotation (when given) and tags (when given: exactly those with purge_tags, the default, else
    a superset; ``aws:`` tags ignored, values compared as strings). ``grants`` must be empty, and
    with ``purge_grants`` the key must have none; ``policy``, ``multi_region`` and
    ``state: absent`` go to the module. key_spec, key_usage and pending_window only matter
    when the module creates or deletes a key.

secretsmanager_secret(current, args)
    current: one entry of cardplatform.aws.secretsmanager_secret_info's ``secrets`` read with
    ``resource_policy: true``, or the whole ``secrets`` dict (the entry of ``args.name`` is
    taken). args: of community.aws.secretsmanager_secret. Judged only with ``overwrite: false``,
    no ``resource_policy`` and no ``replica`` (anything else goes to the module). In sync when
    the secret exists and is not scheduled for deletion, has no resource policy, rotation is
    off without ``rotation_lambda`` or on with that Lambda every ``rotation_interval`` days
    (default 30, no other rotation rule), and the tags match (as for kms_key). The module never
    rewrites the value, description or KMS key of an existing secret when overwrite is false,
    so neither are they compared.

security_group(current, args)
    current: amazon.aws.ec2_security_group_info's ``security_groups`` (e.g. every group of a
    role read at once) or one entry. args: of amazon.aws.ec2_security_group. The group is the
    one entry with ``group_id``, or with ``name`` (and ``vpc_id``). In sync when the module
    would change nothing: one such group, same description, tags as for kms_key, ingress rules
    equal to ``rules`` (a superset without purge_rules) and egress rules equal to
    ``rules_egress`` (a superset without purge_rules_egress; not compared when rules_egress is
    omitted, as the module leaves egress alone then). Rules are expanded as the module expands
    them: one permission per port (an int, "443" or a range "1025-65535") or
    from_port/to_port, per target (cidr_ip, group_id, or group_name naming this group itself),
    with rule_desc as its description; proto all/-1 means every port. Anything else (IPv6,
    prefix lists, ICMP, numeric protocols, a group_name naming another group, ingress rules
    omitted with purge_rules) is not judged.

ec2_vpc_net, ec2_vpc_subnet, ec2_vpc_nat_gateway, ec2_vpc_route_table, ec2_vpc_endpoint, ec2_tag
    current: the list the amazon.aws *_info module returns (vpcs, subnets, result,
    route_tables, vpc_endpoints), e.g. every resource of the VPC read at once; for ec2_tag the
    resource's tags. What each compares is in its docstring and plugins/modules/<name>.py; tags
    as for kms_key (a list of key/value pairs is read as a dict).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping

from ansible.module_utils.parsing.convert_bool import boolean


class ReadGateError(TypeError):
    """``current`` (or a value compared with it) is not what the info module returns."""


class _NotJudged(Exception):
    """A shape the gate does not model: the module decides."""


def tags_of(tags, what):
    """Tags as the modules compare them: values as strings, AWS's own ``aws:`` tags left out."""
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise ReadGateError(f"{what}: tags must be a dict, got {type(tags).__name__}")
    return {str(k): str(v) for k, v in tags.items() if not str(k).startswith("aws:")}


def _tags_in_sync(current, wanted, purge, what):
    """compare_aws_tags finds nothing to add or remove (wanted None: the module leaves the tags alone)."""
    if wanted is None:
        return True
    current, wanted = tags_of(current, what), tags_of(wanted, what)
    return current == wanted if purge else wanted.items() <= current.items()


def _entry(value, what):
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ReadGateError(f"{what}: expected a dict from the info module, got {type(value).__name__}")
    return value


def _entries(current, what):
    """The info module's list (or one entry of it) as a list of dicts."""
    if current is None:
        return []
    if isinstance(current, Mapping):
        return [current]
    if not isinstance(current, (list, tuple)):
        raise ReadGateError(f"{what}: expected the info module's list, got {type(current).__name__}")
    return [_entry(value, what) for value in current]


def _flag(args, name, default):
    value = args.get(name)
    return default if value is None else boolean(value)


def _only(args, judged):
    """Raise _NotJudged for an option (or alias) the gate does not model, given a value."""
    unknown = sorted(name for name, value in args.items() if name not in judged and value is not None)
    if unknown:
        raise _NotJudged(unknown)


def _gate(judge):
    """Turn _NotJudged (and input the module itself would reject) into None: the module decides."""

    def gated(current, args):
        args = _entry(args, judge.__name__)
        try:
            _only(args, judge.judged)
            if (args.get("state") or "present") != "present":
                return None
            return judge(current, args)
        except ReadGateError:
            raise
        except (_NotJudged, ValueError, TypeError):  # not modelled, or input the module would reject
            return None

    gated.__name__ = judge.__name__
    gated.__doc__ = judge.__doc__
    gated.judged = judge.judged
    return gated


def _judged(*names):
    def mark(judge):
        judge.judged = frozenset(names)
        return judge

    return mark


# --- amazon.aws.kms_key -------------------------------------------------------------------


@_gate
@_judged("alias", "key_id", "description", "enabled", "enable_key_rotation", "tags", "purge_tags",
         "grants", "purge_grants", "multi_region", "key_spec", "key_usage", "pending_window", "state")
def kms_key(current, args):
    """The key (an entry of kms_key_info's kms_keys) when amazon.aws.kms_key would change nothing."""
    keys = _entries(current, "kms_key")
    if len(keys) != 1:
        return None
    key = keys[0]
    if not _flag(args, "enabled", True) or _flag(args, "multi_region", False) or args.get("grants"):
        return None
    if key.get("key_state") != "Enabled":
        return None
    if args.get("alias") is not None:
        alias = str(args["alias"])
        if alias.removeprefix("alias/") not in (key.get("aliases") or []):
            return None
    if args.get("key_id") is not None and args["key_id"] not in (key.get("key_id"), key.get("key_arn")):
        return None
    if args.get("description") is not None and (key.get("description") or "") != args["description"]:
        return None
    rotation = args.get("enable_key_rotation")
    if rotation is not None and key.get("enable_key_rotation") is not boolean(rotation):
        return None
    if _flag(args, "purge_grants", False) and (key.get("grants") is None or key["grants"]):
        return None
    if not _tags_in_sync(key.get("tags"), args.get("tags"), _flag(args, "purge_tags", True), "kms_key"):
        return None
    return key


# --- community.aws.secretsmanager_secret --------------------------------------------------


def _the_secret(current, name):
    current = _entry(current, "secretsmanager_secret")
    if "exists" in current:
        return current
    return _entry(current.get(name), "secretsmanager_secret") if name is not None else {}


@_gate
@_judged("name", "overwrite", "description", "kms_key_id", "secret_type", "secret", "json_secret",
         "resource_policy", "replica", "tags", "purge_tags", "rotation_lambda", "rotation_interval",
         "recovery_window", "state")
def secretsmanager_secret(current, args):
    """The secret (an entry of secretsmanager_secret_info's secrets) when the module would change nothing."""
    if _flag(args, "overwrite", True) or args.get("resource_policy") is not None or args.get("replica") is not None:
        return None
    secret = _the_secret(current, args.get("name"))
    if not secret.get("exists") or secret.get("deleted_date"):
        return None
    if "resource_policy" not in secret or secret["resource_policy"]:
        return None
    if args.get("rotation_lambda"):
        rules = secret.get("rotation_rules") or {}
        interval = args.get("rotation_interval")
        rotation = (
            secret.get("rotation_enabled") is True
            and secret.get("rotation_lambda_arn") == args["rotation_lambda"]
            and rules.get("automatically_after_days") == int(30 if interval is None else interval)
            and set(rules) == {"automatically_after_days"}
        )
    else:
        rotation = not secret.get("rotation_enabled")
    if not rotation:
        return None
    if not _tags_in_sync(secret.get("tags"), args.get("tags"), _flag(args, "purge_tags", True), "secretsmanager_secret"):
        return None
    return secret


# --- amazon.aws.ec2_security_group --------------------------------------------------------

RULE_KEYS = frozenset(("proto", "ports", "from_port", "to_port", "cidr_ip", "group_id", "group_name", "rule_desc"))


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _wanted_rules(rules, group):
    out = set()
    for rule in rules:
        if not isinstance(rule, Mapping):
            raise ReadGateError(f"security_group: each rule must be a dict, got {type(rule).__name__}")
        unknown = {key for key, value in rule.items() if value is not None} - RULE_KEYS
        if unknown:
            raise _NotJudged(sorted(unknown))
        proto = str(rule.get("proto") or "tcp").lower()
        if proto in ("all", "-1"):
            proto, ports = "-1", [(None, None)]
        elif proto in ("tcp", "udp"):
            if rule.get("from_port") is not None or rule.get("to_port") is not None:
                if rule.get("from_port") is None or rule.get("to_port") is None:
                    raise _NotJudged("one of from_port/to_port")
                ports = [(int(rule["from_port"]), int(rule["to_port"]))]
            elif rule.get("ports"):
                ports = []
                for port in _as_list(rule["ports"]):
                    low, _, high = str(port).strip().partition("-")
                    ports.append(tuple(sorted((int(low), int(high or low)))))
            else:
                raise _NotJudged("no ports")
        else:
            raise _NotJudged(proto)
        targets = [("cidr", str(ipaddress.ip_network(str(c), strict=False))) for c in _as_list(rule.get("cidr_ip"))]
        targets += [("group", str(g)) for g in _as_list(rule.get("group_id"))]
        for name in _as_list(rule.get("group_name")):
            if name != group.get("group_name"):
                raise _NotJudged(name)
            targets.append(("group", group.get("group_id")))
        if not targets:
            raise _NotJudged("no target")
        description = rule.get("rule_desc") or None
        out.update((proto, low, high, kind, target, description) for low, high in ports for kind, target in targets)
    return out


def _current_rules(permissions):
    out = set()
    for perm in permissions or []:
        proto = str(perm.get("ip_protocol")).lower()
        low, high = (None, None) if proto == "-1" else (perm.get("from_port"), perm.get("to_port"))
        for r in perm.get("ip_ranges") or []:
            out.add((proto, low, high, "cidr", r.get("cidr_ip"), r.get("description") or None))
        for r in perm.get("user_id_group_pairs") or []:
            out.add((proto, low, high, "group", r.get("group_id"), r.get("description") or None))
        for r in perm.get("ipv6_ranges") or []:
            out.add((proto, low, high, "cidr6", r.get("cidr_ipv6"), r.get("description") or None))
        for r in perm.get("prefix_list_ids") or []:
            out.add((proto, low, high, "prefix", r.get("prefix_list_id"), r.get("description") or None))
    return out


def _rules_in_sync(rules, purge, permissions, group):
    if rules is None:
        if purge:
            raise _NotJudged("rules omitted with purge")  # the module would purge every rule
        return True
    wanted, current = _wanted_rules(rules, group), _current_rules(permissions)
    return wanted == current if purge else wanted <= current


def _the_group(current, args):
    groups = _entries(current, "security_group")
    if args.get("group_id"):
        matches = [g for g in groups if g.get("group_id") == args["group_id"]]
    else:
        matches = [g for g in groups if g.get("group_name") == args.get("name")
                   and (not args.get("vpc_id") or g.get("vpc_id") == args["vpc_id"])]
    return matches[0] if len(matches) == 1 else None


@_gate
@_judged("name", "group_id", "description", "vpc_id", "rules", "rules_egress", "purge_rules",
         "purge_rules_egress", "tags", "purge_tags", "state")
def security_group(current, args):
    """The group (an entry of ec2_security_group_info's security_groups) when the module would change nothing."""
    group = _the_group(current, args)
    if group is None or group.get("description") != args.get("description"):
        return None
    if not _tags_in_sync(group.get("tags"), args.get("tags"), _flag(args, "purge_tags", True), "security_group"):
        return None
    if not _rules_in_sync(args.get("rules"), _flag(args, "purge_rules", True), group.get("ip_permissions"), group):
        return None
    egress = args.get("rules_egress")
    if egress is not None and not _rules_in_sync(
        egress, _flag(args, "purge_rules_egress", True), group.get("ip_permissions_egress"), group
    ):
        return None
    return group


# --- the VPC's own resources (amazon.aws.ec2_vpc_*, ec2_tag) ------------------------------


def _tag_dict(tags, what):
    """Tags as a dict: the info modules return a dict, or AWS's list of key/value (Key/Value) pairs."""
    if not isinstance(tags, (list, tuple)):
        return tags
    out = {}
    for tag in tags:
        if not isinstance(tag, Mapping):
            raise ReadGateError(f"{what}: each tag must be a dict, got {type(tag).__name__}")
        out[tag.get("key", tag.get("Key"))] = tag.get("value", tag.get("Value"))
    return out


def _vpc_tags_in_sync(current, args, what, extra=None, purge_default=True):
    wanted = args.get("tags")
    if extra:
        wanted = {**(wanted or {}), **extra}
    return _tags_in_sync(_tag_dict(current.get("tags"), what), wanted, _flag(args, "purge_tags", purge_default), what)


def _one(entries, match):
    found = [entry for entry in entries if match(entry)]
    return found[0] if len(found) == 1 else None


def _ids(values, prefix):
    """Resource IDs as a sorted list; anything else (a CIDR or Name the module resolves itself) is not judged."""
    values = [str(v) for v in _as_list(values)]
    if not all(v.startswith(prefix) for v in values):
        raise _NotJudged(f"not {prefix}IDs")
    return sorted(values)


@_gate
@_judged("name", "cidr_block", "dns_support", "dns_hostnames", "tags", "purge_tags", "multi_ok", "tenancy",
         "purge_cidrs", "state")
def ec2_vpc_net(current, args):
    """The VPC (an entry of ec2_vpc_net_info's vpcs, plus ``name``) when amazon.aws.ec2_vpc_net would change nothing."""
    cidrs = _as_list(args.get("cidr_block"))
    if len(cidrs) != 1 or _flag(args, "multi_ok", False) or _flag(args, "purge_cidrs", False) or not args.get("name"):
        return None
    support, hostnames = _flag(args, "dns_support", True), _flag(args, "dns_hostnames", True)
    if hostnames and not support:
        return None  # the module refuses it
    vpc = _one(_entries(current, "ec2_vpc_net"),
               lambda v: _tag_dict(v.get("tags"), "ec2_vpc_net").get("Name") == args["name"] and v.get("cidr_block") == cidrs[0])
    if vpc is None or vpc.get("state") != "available":
        return None
    associated = [a.get("cidr_block") for a in vpc.get("cidr_block_association_set") or []
                  if (a.get("cidr_block_state") or {}).get("state") not in ("disassociating", "disassociated")]
    if cidrs[0] not in associated:
        return None
    if vpc.get("enable_dns_support") is not support or vpc.get("enable_dns_hostnames") is not hostnames:
        return None
    if args.get("tags") is not None and not _vpc_tags_in_sync(vpc, args, "ec2_vpc_net", {"Name": args["name"]}):
        return None
    return {**vpc, "name": args["name"]}


@_gate
@_judged("vpc_id", "cidr", "az", "map_public", "assign_instances_ipv6", "ipv6_cidr", "tags", "purge_tags",
         "wait", "wait_timeout", "state")
def ec2_vpc_subnet(current, args):
    """The subnet (an entry of ec2_vpc_subnet_info's subnets) when amazon.aws.ec2_vpc_subnet would change nothing."""
    if args.get("ipv6_cidr") or _flag(args, "assign_instances_ipv6", False):
        return None
    cidr = str(ipaddress.ip_network(str(args.get("cidr")), strict=False))
    subnet = _one(_entries(current, "ec2_vpc_subnet"),
                  lambda s: s.get("cidr_block") == cidr and s.get("vpc_id") == args.get("vpc_id"))
    if subnet is None or subnet.get("state") != "available":
        return None
    if args.get("az") and subnet.get("availability_zone") != args["az"]:
        return None
    if subnet.get("map_public_ip_on_launch") is not _flag(args, "map_public", False):
        return None
    if subnet.get("assign_ipv6_address_on_creation") is not False:
        return None
    if any((a.get("ipv6_cidr_block_state") or {}).get("state", "unknown") != "disassociated"
           for a in subnet.get("ipv6_cidr_block_association_set") or []):
        return None
    if not _vpc_tags_in_sync(subnet, args, "ec2_vpc_subnet"):
        return None
    return subnet


@_gate
@_judged("subnet_id", "connectivity_type", "if_exist_do_not_create", "tags", "purge_tags", "wait", "wait_timeout",
         "release_eip", "state")
def ec2_vpc_nat_gateway(current, args):
    """The gateway (an entry of ec2_vpc_nat_gateway_info's result) when amazon.aws.ec2_vpc_nat_gateway would change nothing."""
    if not _flag(args, "if_exist_do_not_create", False) or not args.get("subnet_id"):
        return None  # without it the module looks gateways up by their Elastic IP too
    gateway = _one(_entries(current, "ec2_vpc_nat_gateway"),
                   lambda g: g.get("subnet_id") == args["subnet_id"] and g.get("state") in ("pending", "available"))
    if gateway is None or gateway.get("state") != "available":
        return None
    if (gateway.get("connectivity_type") or "public") != (args.get("connectivity_type") or "public"):
        return None
    if not _vpc_tags_in_sync(gateway, args, "ec2_vpc_nat_gateway"):
        return None
    return gateway


ROUTE_TARGETS = frozenset(("gateway_id", "nat_gateway_id", "instance_id", "network_interface_id",
                           "vpc_peering_connection_id", "transit_gateway_id", "carrier_gateway_id"))


def _wanted_routes(routes):
    out = []
    for route in _as_list(routes):
        if not isinstance(route, Mapping):
            raise ReadGateError(f"ec2_vpc_route_table: each route must be a dict, got {type(route).__name__}")
        route = {k: str(v) for k, v in route.items() if v not in (None, "")}
        dest = route.pop("dest", "")
        if set(route) - ROUTE_TARGETS or len(route) != 1 or ":" in dest or dest.startswith("pl-") or not dest:
            raise _NotJudged("route")  # IPv6, prefix lists, no or several targets: the module decides
        if route.get("gateway_id") == "igw":
            raise _NotJudged("gateway_id igw")  # the module looks the VPC's internet gateway up
        if route.get("gateway_id", "").startswith("nat-"):
            route = {"nat_gateway_id": route["gateway_id"]}
        out.append({"destination_cidr_block": str(ipaddress.ip_network(dest, strict=False)), **route})
    return out


def _current_routes(routes):
    """The routes CreateRoute made, as the module compares them; prefix-list routes (gateway endpoints') left out."""
    return [{k: v for k, v in route.items() if k not in ("origin", "state") and v}
            for route in routes or []
            if route.get("origin") == "CreateRoute" and not route.get("destination_prefix_list_id")]


def _same(wanted, current, purge):
    def key(item):
        return tuple(sorted((k, str(v)) for k, v in item.items()))

    wanted, current = sorted(map(key, wanted)), sorted(map(key, current))
    return wanted == current if purge else set(wanted) <= set(current)


@_gate
@_judged("vpc_id", "lookup", "route_table_id", "tags", "purge_tags", "subnets", "purge_subnets", "routes",
         "purge_routes", "propagating_vgw_ids", "state")
def ec2_vpc_route_table(current, args):
    """The table (an entry of ec2_vpc_route_table_info's route_tables) when amazon.aws.ec2_vpc_route_table would change nothing."""
    if args.get("propagating_vgw_ids"):
        return None
    tables = _entries(current, "ec2_vpc_route_table")
    if (args.get("lookup") or "tag") == "id":
        table = _one(tables, lambda t: args.get("route_table_id") and t.get("id") == args["route_table_id"])
    else:
        wanted = tags_of(args.get("tags"), "ec2_vpc_route_table")
        if not wanted:
            return None  # no lookup without tags: the module creates a table
        table = _one(tables, lambda t: t.get("vpc_id") == args.get("vpc_id") and wanted.items()
                     <= tags_of(_tag_dict(t.get("tags"), "ec2_vpc_route_table"), "ec2_vpc_route_table").items())
    if table is None or not _vpc_tags_in_sync(table, args, "ec2_vpc_route_table"):
        return None
    associations = [a for a in table.get("associations") or [] if not a.get("main")]
    if any(a.get("gateway_id") for a in associations):
        return None  # a gateway edge association
    if any((a.get("association_state") or {}).get("state", "associated") != "associated" for a in associations):
        return None
    if args.get("subnets") is not None:
        have = sorted(a["subnet_id"] for a in associations if a.get("subnet_id"))
        want = _ids(args["subnets"], "subnet-")
        if not (have == want if _flag(args, "purge_subnets", True) else set(want) <= set(have)):
            return None
    if args.get("routes") is not None or _flag(args, "purge_routes", True):
        if not _same(_wanted_routes(args.get("routes")), _current_routes(table.get("routes")), _flag(args, "purge_routes", True)):
            return None
    return table


# The policy AWS gives an endpoint created without one (full access).
DEFAULT_ENDPOINT_POLICY = {"Version": "2008-10-17",
                           "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


@_gate
@_judged("vpc_id", "service", "vpc_endpoint_type", "route_table_ids", "vpc_endpoint_subnets",
         "vpc_endpoint_security_groups", "tags", "purge_tags", "wait", "wait_timeout", "state")
def ec2_vpc_endpoint(current, args):
    """The endpoint (an entry of ec2_vpc_endpoint_info's vpc_endpoints) when it is as amazon.aws.ec2_vpc_endpoint would create it."""
    kind = args.get("vpc_endpoint_type") or "Gateway"
    route_tables = _ids(args.get("route_table_ids"), "rtb-")
    endpoint = _one(_entries(current, "ec2_vpc_endpoint"),
                    lambda e: e.get("vpc_id") == args.get("vpc_id") and e.get("service_name") == args.get("service")
                    and "route_table_ids" in e and sorted(e["route_table_ids"] or []) == route_tables)
    if endpoint is None or endpoint.get("state") != "available" or endpoint.get("vpc_endpoint_type") != kind:
        return None
    if not _vpc_tags_in_sync(endpoint, args, "ec2_vpc_endpoint"):
        return None
    policy = endpoint.get("policy_document")
    if (json.loads(policy) if isinstance(policy, str) and policy else policy) != DEFAULT_ENDPOINT_POLICY:
        return None
    if kind == "Interface":
        if sorted(endpoint.get("subnet_ids") or []) != _ids(args.get("vpc_endpoint_subnets"), "subnet-"):
            return None
        groups = sorted(g.get("group_id") for g in endpoint.get("groups") or [])
        if groups != _ids(args.get("vpc_endpoint_security_groups"), "sg-") or endpoint.get("private_dns_enabled") is not True:
            return None
    return endpoint


@_gate
@_judged("resource", "tags", "purge_tags", "state")
def ec2_tag(current, args):
    """The resource's tags (``current``: its ``tags`` as an *_info module read them) when amazon.aws.ec2_tag would change nothing."""
    if current is None or args.get("tags") is None:
        return None
    tags = _tag_dict(current, "ec2_tag")
    if not isinstance(tags, Mapping):
        raise ReadGateError(f"ec2_tag: expected the resource's tags, got {type(tags).__name__}")
    if not _tags_in_sync(tags, args["tags"], _flag(args, "purge_tags", False), "ec2_tag"):
        return None
    return {"tags": dict(tags)}
