#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_security_group is an action plugin
# (plugins/action/ec2_security_group.py) that runs amazon.aws.ec2_security_group.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_security_group
short_description: amazon.aws.ec2_security_group, run only when a pre-read group is missing or drifted
version_added: 0.1.0
description:
  - Takes the options of M(amazon.aws.ec2_security_group) plus O(current), the groups an
    M(amazon.aws.ec2_security_group_info) read returned (for instance every group of a role, read
    at once).
  - When that read shows the group exactly as the module would leave it, returns
    C(changed=false) and the group as read, in the keys the module returns (RV(group_id) among
    them), without any API call. The module reads a group 5 times per run even when nothing
    changes; the info read is one call.
  - Otherwise (the group is missing or drifted, or the options hold anything the comparison does
    not model) runs M(amazon.aws.ec2_security_group) with the same options, so its own check
    mode, diff, waits and errors apply. Without O(current) it always runs the module.
  - Compared as the module compares them - the description; the tags (exactly O(tags) with
    O(purge_tags), else a superset; C(aws:) tags ignored, values as strings); the ingress rules
    (exactly O(rules) with O(purge_rules), else a superset) and the egress rules (likewise, not
    compared when O(rules_egress) is omitted). Rules are expanded one permission per port (an
    int, C("443") or a range C("1025-65535")) or O(rules[].from_port)/O(rules[].to_port), per
    target (O(rules[].cidr_ip), O(rules[].group_id), or O(rules[].group_name) naming this group
    itself), with O(rules[].rule_desc) as the description; C(proto=all) or C(-1) is every port.
    IPv6, prefix lists, ICMP, numeric protocols, a O(rules[].group_name) naming another group,
    ingress rules omitted with O(purge_rules), option aliases and O(state=absent) are not
    compared - the module runs.
author:
  - Card platform team
options:
  current:
    description:
      - The C(security_groups) of an M(amazon.aws.ec2_security_group_info) read, or one entry of it.
        The group is the one entry with O(group_id), or with O(name) and O(vpc_id); none, or
        several, means the module runs.
      - Omitted - the module always runs.
    type: raw
  name:
    description: Name of the group (M(amazon.aws.ec2_security_group)).
    type: str
  group_id:
    description: ID of an existing group (M(amazon.aws.ec2_security_group)).
    type: str
  description:
    description: Description of the group; required with O(state=present).
    type: str
  vpc_id:
    description: VPC of the group.
    type: str
  rules:
    description: Ingress rules, as M(amazon.aws.ec2_security_group) takes them.
    type: list
    elements: dict
  rules_egress:
    description: Egress rules, as M(amazon.aws.ec2_security_group) takes them.
    type: list
    elements: dict
  purge_rules:
    description: Remove ingress rules that are not in O(rules).
    type: bool
    default: true
  purge_rules_egress:
    description: Remove egress rules that are not in O(rules_egress).
    type: bool
    default: true
attributes:
  diff_mode:
    description: The module's diff; an unchanged group is its own before and after.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
seealso:
  - module: amazon.aws.ec2_security_group
  - module: amazon.aws.ec2_security_group_info
"""

EXAMPLES = r"""
- name: Read the security group
  amazon.aws.ec2_security_group_info:
    filters:
      vpc-id: "{{ vpc_id }}"
      group-name: card-platform-production-postgres
  register: found

- name: Create the security group, or repair it when it drifted
  cardplatform.aws.ec2_security_group:
    name: card-platform-production-postgres
    description: PostgreSQL from the EKS cluster only
    vpc_id: "{{ vpc_id }}"
    rules:
      - proto: tcp
        ports: [5432]
        group_id: "{{ node_security_group_id }}"
        rule_desc: PostgreSQL from EKS
    purge_rules: true
    tags: {Project: card-platform}
    purge_tags: true
    state: present
    current: "{{ found.security_groups }}"
  register: security_group   # security_group.group_id, read or created
"""

RETURN = r"""
group_id:
  description: ID of the group (from the read when unchanged).
  returned: on success
  type: str
  sample: sg-0123456789abcdef0
group_name:
  description: Name of the group.
  returned: on success
  type: str
description:
  description: Description of the group.
  returned: on success
  type: str
vpc_id:
  description: VPC of the group.
  returned: on success
  type: str
ip_permissions:
  description: Ingress rules as EC2 holds them.
  returned: on success
  type: list
  elements: dict
ip_permissions_egress:
  description: Egress rules as EC2 holds them.
  returned: on success
  type: list
  elements: dict
tags:
  description: Tags of the group.
  returned: on success
  type: dict
owner_id:
  description: AWS account that owns the group.
  returned: on success
  type: str
"""
