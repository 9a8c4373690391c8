#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_vpc_subnet is an action plugin (plugins/action/ec2_vpc_subnet.py)
# that runs amazon.aws.ec2_vpc_subnet.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_subnet
short_description: amazon.aws.ec2_vpc_subnet, run only when a pre-read subnet is missing or drifted
version_added: 0.2.0
description:
  - Takes the options of M(amazon.aws.ec2_vpc_subnet) plus O(current), the C(subnets) an M(amazon.aws.ec2_vpc_subnet_info) read returned.
  - The module makes about three reads per subnet even when nothing changes; one info read serves every subnet of the VPC.
  - Compared - exactly one subnet of O(vpc_id) with O(cidr), C(available), in O(az) (when given), with O(map_public) as MapPublicIpOnLaunch, no AssignIpv6AddressOnCreation and no IPv6 CIDR associated, and the tags. O(ipv6_cidr), O(assign_instances_ipv6) and O(state=absent) are not compared - the module runs.
author:
  - Card platform team
options:
  vpc_id:
    description: VPC of the subnet.
    type: str
    required: true
  cidr:
    description: CIDR block of the subnet.
    type: str
  az:
    description: Availability Zone of the subnet.
    type: str
  map_public:
    description: Whether instances launched in the subnet get a public IPv4 address.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
  - cardplatform.aws.read_gate.vpc
seealso:
  - module: amazon.aws.ec2_vpc_subnet
  - module: amazon.aws.ec2_vpc_subnet_info
"""

EXAMPLES = r"""
- name: Read the VPC's subnets
  amazon.aws.ec2_vpc_subnet_info:
    filters:
      vpc-id: vpc-0123456789abcdef0
  register: found

- name: Create the subnet, or repair it when it drifted
  cardplatform.aws.ec2_vpc_subnet:
    vpc_id: vpc-0123456789abcdef0
    cidr: 10.20.0.0/20
    az: eu-west-1a
    map_public: true
    tags: {Name: card-platform-public-eu-west-1a}
    purge_tags: true
    state: present
    current: "{{ found.subnets }}"
  register: subnet   # subnet.subnet.id
"""

RETURN = r"""
subnet:
  description: The subnet (C(id), C(cidr_block), C(availability_zone), C(tags), ...), from the read when unchanged.
  returned: on success, except for a subnet check mode would create
  type: dict
"""
