# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read gates: is a resource, as an `*_info` module returned it, already what a collection
module would make of it? The roles read once and call the (read-heavy) module only for a
missing or drifted resource. Each filter compares exactly what that module compares with the
arguments the roles pass; anything they cannot judge answers False, so the module decides.

kms_key_in_sync(key, description, enable_key_rotation, tags)
    key: one entry of amazon.aws.kms_key_info's `kms_keys`. True when the key is Enabled,
    has that description and rotation, and exactly those tags (amazon.aws.kms_key with
    purge_tags: true; `aws:` tags ignored, values compared as strings).

secretsmanager_secret_in_sync(secret, tags, rotation_lambda_arn=None, rotation_days=None)
    secret: one entry of cardplatform.aws.secretsmanager_secret_info's `secrets`, read with
    `resource_policy: true`. True when community.aws.secretsmanager_secret (overwrite: false,
    no resource_policy, no replica, purge_tags: true) would change nothing: the secret
    exists and is not scheduled for deletion, has no resource policy, rotation is off without
    a rotation Lambda or on with that Lambda every `rotation_days` days, and exactly those tags.
    The module never rewrites the value, description or KMS key of an existing secret when
    overwrite is false, so neither does this compare them.

security_group_in_sync(groups, wanted)
    groups: amazon.aws.ec2_security_group_info's `security_groups` (a list, e.g. every group
    of a role read at once) or one entry of it; wanted: the arguments given to
    amazon.aws.ec2_security_group (name or group_id, vpc_id, description, rules, rules_egress,
    purge_rules, purge_rules_egress, tags, purge_tags). The group is the one entry with that
    group_id, or that name (and vpc_id). True when the module would change nothing: one such
    group, same description, tags equal (a superset without purge_tags; `aws:` tags ignored),
    ingress rules equal to `rules` (a superset without purge_rules) and egress rules equal to
    `rules_egress` (a superset without purge_rules_egress; not compared when rules_egress is
    omitted, as the module leaves egress alone then). Rules are expanded as the module
    expands them: one permission per port (an int, "443" or a range "1025-65535") or
    from_port/to_port, per target (cidr_ip, group_id, or group_name naming this group
    itself), with rule_desc as its description; proto all/-1 means every port. Anything else
    (IPv6, prefix lists, ICMP, numeric protocols, a group_name naming another group, ingress
    rules omitted with purge_rules) is not judged here: False.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def _tags(tags, name):
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise AnsibleFilterError(f"{name}: tags must be a dict, got {type(tags).__name__}")
    return {str(k): str(v) for k, v in tags.items() if not str(k).startswith("aws:")}


def _entry(value, name):
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AnsibleFilterError(f"{name}: expected a dict from the info module, got {type(value).__name__}")
    return value


def kms_key_in_sync(key, description, enable_key_rotation, tags):
    key = _entry(key, "kms_key_in_sync")
    if not key or key.get("key_state") != "Enabled":
        return False
    return (
        (key.get("description") or "") == (description or "")
        and bool(key.get("enable_key_rotation")) == bool(enable_key_rotation)
        and _tags(key.get("tags"), "kms_key_in_sync") == _tags(tags, "kms_key_in_sync")
    )


def secretsmanager_secret_in_sync(secret, tags, rotation_lambda_arn=None, rotation_days=None):
    secret = _entry(secret, "secretsmanager_secret_in_sync")
    if not secret.get("exists") or secret.get("deleted_date"):
        return False
    if "resource_policy" not in secret or secret["resource_policy"]:
        return False
    if rotation_lambda_arn:
        rules = secret.get("rotation_rules") or {}
        rotation = (
            secret.get("rotation_enabled") is True
            and secret.get("rotation_lambda_arn") == rotation_lambda_arn
            and rules.get("automatically_after_days") == int(rotation_days)
            and set(rules) == {"automatically_after_days"}
        )
    else:
        rotation = not secret.get("rotation_enabled")
    return rotation and _tags(secret.get("tags"), "secretsmanager_secret_in_sync") == _tags(
        tags, "secretsmanager_secret_in_sync"
    )


class _NotJudged(Exception):
    """A rule shape this filter does not model: the module decides."""


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _wanted_rules(rules, group):
    out = set()
    for rule in rules:
        if not isinstance(rule, Mapping):
            raise AnsibleFilterError(f"security_group_in_sync: each rule must be a dict, got {type(rule).__name__}")
        unknown = set(rule) - {"proto", "ports", "from_port", "to_port", "cidr_ip", "group_id", "group_name", "rule_desc"}
        if unknown:
            raise _NotJudged(sorted(unknown))
        proto = str(rule.get("proto", "tcp")).lower()
        if proto in ("all", "-1"):
            proto, ports = "-1", [(None, None)]
        elif proto in ("tcp", "udp"):
            if rule.get("from_port") is not None or rule.get("to_port") is not None:
                if rule.get("from_port") is None or rule.get("to_port") is None:
                    raise _NotJudged("one of from_port/to_port")
                ports = [(int(rule["from_port"]), int(rule["to_port"]))]
            elif rule.get("ports"):
                ports = []
                for port in rule["ports"]:
                    low, _, high = str(port).strip().partition("-")
                    pair = sorted((int(low), int(high or low)))
                    ports.append(tuple(pair))
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


def _rules_match(wanted, current, purge):
    return wanted == current if purge else wanted <= current


def _the_group(groups, wanted):
    if isinstance(groups, Mapping):
        groups = [groups]
    if not isinstance(groups, (list, tuple)):
        raise AnsibleFilterError(f"security_group_in_sync: expected the info module's security_groups, got {type(groups).__name__}")
    if wanted.get("group_id"):
        matches = [g for g in groups if g.get("group_id") == wanted["group_id"]]
    else:
        matches = [g for g in groups if g.get("group_name") == wanted.get("name")
                   and (not wanted.get("vpc_id") or g.get("vpc_id") == wanted["vpc_id"])]
    return matches[0] if len(matches) == 1 else None


def security_group_in_sync(groups, wanted):
    wanted = _entry(wanted, "security_group_in_sync")
    group = _the_group(groups or [], wanted)
    if group is None or group.get("description") != wanted.get("description"):
        return False
    current_tags = _tags(group.get("tags"), "security_group_in_sync")
    wanted_tags = _tags(wanted.get("tags"), "security_group_in_sync")
    if wanted.get("tags") is not None and not (
        current_tags == wanted_tags if wanted.get("purge_tags", True) else wanted_tags.items() <= current_tags.items()
    ):
        return False
    try:
        rules, purge = wanted.get("rules"), wanted.get("purge_rules", True)
        if rules is None:
            if purge:
                raise _NotJudged("ingress rules omitted with purge_rules")
        elif not _rules_match(_wanted_rules(rules, group), _current_rules(group.get("ip_permissions")), purge):
            return False
        rules, purge = wanted.get("rules_egress"), wanted.get("purge_rules_egress", True)
        if rules is not None and not _rules_match(
            _wanted_rules(rules, group), _current_rules(group.get("ip_permissions_egress")), purge
        ):
            return False
    except (_NotJudged, ValueError, TypeError):  # not modelled, or input the module would reject
        return False
    return True


class FilterModule:
    def filters(self):
        return {
            "kms_key_in_sync": kms_key_in_sync,
            "secretsmanager_secret_in_sync": secretsmanager_secret_in_sync,
            "security_group_in_sync": security_group_in_sync,
        }
