#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_vpc_endpoint is an action plugin (plugins/action/ec2_vpc_endpoint.py)
# that runs amazon.aws.ec2_vpc_endpoint.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_endpoint
short_description: amazon.aws.ec2_vpc_endpoint, run only when a pre-read VPC endpoint is missing or drifted
version_added: 0.2.0
description:
  - Takes the options of M(amazon.aws.ec2_vpc_endpoint) plus O(current), the C(vpc_endpoints) an M(amazon.aws.ec2_vpc_endpoint_info) read returned.
  - The module makes three reads per endpoint even when nothing changes; one info read serves every endpoint of the VPC.
  - Compared - exactly one endpoint of O(vpc_id) for O(service) with exactly O(route_table_ids) (the way the module finds it), C(available), of O(vpc_endpoint_type), with the tags and the AWS default full-access policy; an interface endpoint also exactly O(vpc_endpoint_subnets) and O(vpc_endpoint_security_groups) (as IDs) and private DNS on. The comparison is stricter than the module (which only converges the tags of an endpoint it finds) - a drifted endpoint runs the module, which reports it. O(policy), O(policy_file), O(vpc_endpoint_id) and O(state=absent) are not compared.
author:
  - Card platform team
options:
  vpc_id:
    description: VPC of the endpoint.
    type: str
  service:
    description: Service name, C(com.amazonaws.<region>.<service>).
    type: str
  vpc_endpoint_type:
    description: C(Gateway) or C(Interface).
    type: str
    default: Gateway
  route_table_ids:
    description: Route tables of a gateway endpoint.
    type: list
    elements: str
  vpc_endpoint_subnets:
    description: Subnets of an interface endpoint.
    type: list
    elements: str
  vpc_endpoint_security_groups:
    description: Security groups of an interface endpoint.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
  - cardplatform.aws.read_gate.vpc
seealso:
  - module: amazon.aws.ec2_vpc_endpoint
  - module: amazon.aws.ec2_vpc_endpoint_info
"""

EXAMPLES = r"""
- name: Read the VPC's endpoints
  amazon.aws.ec2_vpc_endpoint_info:
    filters:
      vpc-id: vpc-0123456789abcdef0
  register: found

- name: Create the S3 gateway endpoint, or repair it when it drifted
  cardplatform.aws.ec2_vpc_endpoint:
    vpc_id: vpc-0123456789abcdef0
    service: com.amazonaws.eu-west-1.s3
    vpc_endpoint_type: Gateway
    route_table_ids: [rtb-0123456789abcdef0]
    tags: {Name: card-platform-s3}
    state: present
    current: "{{ found.vpc_endpoints }}"
  register: endpoint   # endpoint.result.vpc_endpoint_id
"""

RETURN = r"""
result:
  description: The endpoint (C(vpc_endpoint_id), C(state), C(route_table_ids), ...), from the read when unchanged.
  returned: on success, except for an endpoint check mode would create
  type: dict
"""
