#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.ec2_tag is an action plugin (plugins/action/ec2_tag.py)
# that runs amazon.aws.ec2_tag.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_tag
short_description: amazon.aws.ec2_tag, run only when a pre-read resource lacks a wanted tag
version_added: 0.2.0
description:
  - Takes the options of M(amazon.aws.ec2_tag) plus O(current), the resource's C(tags) as an C(*_info) module read them (a dict, or AWS's list of key/value pairs).
  - The module reads the resource's tags (DescribeTags) each time; one info read can serve many resources.
  - Compared - every tag of O(tags) on the resource with that value (values as strings); with O(purge_tags) no other tag (C(aws:) tags ignored). O(state=absent) or C(list) runs the module.
author:
  - Card platform team
options:
  resource:
    description: ID of the resource.
    type: str
    required: true
  current:
    description:
      - The resource's tags as an C(*_info) module read them (e.g. an entry's C(tags) of M(amazon.aws.ec2_eip_info)),
        a dict or AWS's list of key/value pairs.
      - Omitted - the module always runs.
    type: raw
  tags:
    description: Tags the resource must carry (values compared as strings); others are kept unless O(purge_tags).
    type: dict
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
  - cardplatform.aws.read_gate.vpc
seealso:
  - module: amazon.aws.ec2_tag
  - module: amazon.aws.ec2_eip_info
"""

EXAMPLES = r"""
- name: Read the Elastic IP
  amazon.aws.ec2_eip_info:
    filters:
      allocation-id: eipalloc-0123456789abcdef0
  register: found

- name: Tag the Elastic IP when it lacks a tag
  cardplatform.aws.ec2_tag:
    resource: eipalloc-0123456789abcdef0
    tags: {Name: card-platform-nat-eu-west-1a}
    state: present
    current: "{{ (found.addresses | first).tags | default({}) }}"
"""

RETURN = r"""
tags:
  description: The resource's tags (from the read when unchanged).
  returned: on success
  type: dict
"""
