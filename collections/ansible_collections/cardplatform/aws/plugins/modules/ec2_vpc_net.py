#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_vpc_net is an action plugin (plugins/action/ec2_vpc_net.py)
# that runs amazon.aws.ec2_vpc_net.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_net
short_description: amazon.aws.ec2_vpc_net, run only when a pre-read VPC is missing or drifted
version_added: 0.2.0
description:
  - Takes the options of M(amazon.aws.ec2_vpc_net) plus O(current), the C(vpcs) an M(amazon.aws.ec2_vpc_net_info) read returned.
  - The module makes about eleven reads even when nothing changes (DescribeVpcs 6, DescribeVpcAttribute 4, DescribeTags 1); the info module three.
  - Compared - exactly one VPC named O(name) (C(Name) tag) with O(cidr_block) as its CIDR, C(available), the CIDR block associated, DNS support and DNS hostnames as wanted, and the tags (O(tags) plus C(Name)). O(multi_ok), O(purge_cidrs), several CIDR blocks, IPv6, DHCP options and O(state=absent) are not compared - the module runs. Tenancy is not compared (the module does not change it on an existing VPC).
author:
  - Card platform team
options:
  name:
    description: Name of the VPC (its C(Name) tag).
    type: str
    required: true
  cidr_block:
    description: Primary CIDR block of the VPC.
    type: list
    elements: str
    required: true
  dns_support:
    description: Whether DNS resolution is supported.
    type: bool
    default: true
  dns_hostnames:
    description: Whether instances get DNS hostnames.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
  - cardplatform.aws.read_gate.vpc
seealso:
  - module: amazon.aws.ec2_vpc_net
  - module: amazon.aws.ec2_vpc_net_info
"""

EXAMPLES = r"""
- name: Read the VPC
  amazon.aws.ec2_vpc_net_info:
    filters:
      "tag:Name": card-platform-production
      cidr-block: 10.20.0.0/16
  register: found

- name: Create the VPC, or repair it when it drifted
  cardplatform.aws.ec2_vpc_net:
    name: card-platform-production
    cidr_block: 10.20.0.0/16
    tags: {Project: card-platform}
    purge_tags: true
    state: present
    current: "{{ found.vpcs }}"
  register: vpc   # vpc.vpc.id, read or created
"""

RETURN = r"""
vpc:
  description: The VPC (C(id), C(cidr_block), C(tags), C(name), ...), from the read when unchanged.
  returned: on success, except for a VPC check mode would create
  type: dict
"""
