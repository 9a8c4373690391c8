#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_vpc_nat_gateway is an action plugin (plugins/action/ec2_vpc_nat_gateway.py)
# that runs amazon.aws.ec2_vpc_nat_gateway.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_nat_gateway
short_description: amazon.aws.ec2_vpc_nat_gateway, run only when a pre-read NAT gateway is missing or drifted
version_added: 0.2.0
description:
  - Takes the options of M(amazon.aws.ec2_vpc_nat_gateway) plus O(current), the C(result) an M(amazon.aws.ec2_vpc_nat_gateway_info) read returned.
  - One info read serves every gateway of the VPC; the module reads the subnet's gateways, Elastic IPs and tags each time.
  - Compared - with O(if_exist_do_not_create), exactly one C(pending) or C(available) gateway in O(subnet_id), C(available), of O(connectivity_type), with the tags. Without O(if_exist_do_not_create), with O(allocation_id), O(eip_address), O(client_token) or O(state=absent) the module runs.
author:
  - Card platform team
options:
  subnet_id:
    description: Subnet of the gateway.
    type: str
  connectivity_type:
    description: C(public) or C(private).
    type: str
    default: public
  if_exist_do_not_create:
    description: Adopt a gateway the subnet already has instead of creating one. Required for the comparison.
    type: bool
    default: false
  wait:
    description: Wait for the gateway to be available (only when the module runs).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
  - cardplatform.aws.read_gate.vpc
seealso:
  - module: amazon.aws.ec2_vpc_nat_gateway
  - module: amazon.aws.ec2_vpc_nat_gateway_info
"""

EXAMPLES = r"""
- name: Read the VPC's NAT gateways
  amazon.aws.ec2_vpc_nat_gateway_info:
    filters:
      vpc-id: vpc-0123456789abcdef0
      state: [pending, available]
  register: found

- name: Create the NAT gateway, or repair it when it drifted
  cardplatform.aws.ec2_vpc_nat_gateway:
    subnet_id: subnet-0123456789abcdef0
    if_exist_do_not_create: true
    tags: {Name: card-platform-nat-eu-west-1a}
    purge_tags: true
    state: present
    current: "{{ found.result }}"
  register: gateway   # gateway.nat_gateway_id
"""

RETURN = r"""
nat_gateway_id:
  description:
    - ID of the gateway. Besides, C(subnet_id), C(state), C(nat_gateway_addresses), C(connectivity_type),
      C(tags), C(vpc_id) - from the read when unchanged.
  returned: on success, except for a gateway check mode would create
  type: str
"""
