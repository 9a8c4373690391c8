#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_vpc_route_table is an action plugin (plugins/action/ec2_vpc_route_table.py)
# that runs amazon.aws.ec2_vpc_route_table.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_route_table
short_description: amazon.aws.ec2_vpc_route_table, run only when a pre-read route table is missing or drifted
version_added: 0.2.0
description:
  - Takes the options of M(amazon.aws.ec2_vpc_route_table) plus O(current), the C(route_tables) an M(amazon.aws.ec2_vpc_route_table_info) read returned.
  - The module makes 7-11 reads per table even when nothing changes; one info read serves every table of the VPC. With C(async) and C(poll=0) the module runs as a job; a table in sync is answered at once, without C(ansible_job_id).
  - Compared - the table (O(route_table_id) with O(lookup=id); else the one table of O(vpc_id) carrying every tag of O(tags)); the tags; its subnet associations (not the main one, each C(associated), no gateway edge association) against O(subnets), as subnet IDs (names or CIDRs are not compared); the routes CreateRoute made, except prefix-list routes (the gateway endpoints', which the module leaves alone), against O(routes) (each a C(dest) and one target; a C(gateway_id) C(nat-...) counts as C(nat_gateway_id)). IPv6 or prefix-list destinations, C(gateway_id=igw), O(propagating_vgw_ids), O(gateway_id) and O(state=absent) are not compared - the module runs.
author:
  - Card platform team
options:
  vpc_id:
    description: VPC of the table.
    type: str
  lookup:
    description: Find the table by C(tag) (O(tags)) or by C(id) (O(route_table_id)).
    type: str
    choices: [tag, id]
    default: tag
  route_table_id:
    description: ID of the table, with O(lookup=id).
    type: str
  subnets:
    description: Subnets associated with the table.
    type: list
    elements: str
  purge_subnets:
    description: Disassociate the subnets not in O(subnets).
    type: bool
    default: true
  routes:
    description: Routes, each a C(dest) and one target (C(gateway_id), C(nat_gateway_id), ...).
    type: list
    elements: dict
    default: []
  purge_routes:
    description: Delete the routes not in O(routes).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
  - cardplatform.aws.read_gate.vpc
seealso:
  - module: amazon.aws.ec2_vpc_route_table
  - module: amazon.aws.ec2_vpc_route_table_info
"""

EXAMPLES = r"""
- name: Read the VPC's route tables
  amazon.aws.ec2_vpc_route_table_info:
    filters:
      vpc-id: vpc-0123456789abcdef0
  register: found

- name: Create the route table, or repair it when it drifted
  cardplatform.aws.ec2_vpc_route_table:
    vpc_id: vpc-0123456789abcdef0
    tags: {Name: card-platform-private-eu-west-1a}
    subnets: [subnet-0123456789abcdef0]
    routes:
      - dest: 0.0.0.0/0
        nat_gateway_id: nat-0123456789abcdef0
    state: present
    current: "{{ found.route_tables }}"
  register: table   # table.route_table.id
"""

RETURN = r"""
route_table:
  description: The table (C(id), C(associations), C(routes), C(tags), ...), from the read when unchanged.
  returned: on success, except for a table check mode would create
  type: dict
"""
