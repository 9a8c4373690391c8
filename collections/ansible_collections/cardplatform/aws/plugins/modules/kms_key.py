#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.kms_key is an action plugin (plugins/action/kms_key.py)
# that runs amazon.aws.kms_key.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kms_key
short_description: amazon.aws.kms_key, run only when a pre-read key is missing or drifted
version_added: 0.1.0
description:
  - Takes the options of M(amazon.aws.kms_key) plus O(current), the C(kms_keys) an
    M(amazon.aws.kms_key_info) read returned.
  - When that read shows exactly one key, as the module would leave it, returns C(changed=false)
    and the key as read, in the keys the module returns (RV(key_arn) among them), without any API
    call. The module reads a key 17 times per run even when nothing changes (describe, aliases,
    rotation, grants, tags, policies, before and after); the info read 7 times.
  - Otherwise (the key is missing or drifted, or the options hold anything the comparison does
    not model) runs M(amazon.aws.kms_key) with the same options, so its own check mode and
    errors apply. Without O(current) it always runs the module.
  - Compared - the key state (C(Enabled)); the alias (O(alias) among the key's aliases) or the
    key (O(key_id) is its ID or ARN); the description and the rotation, when given; the tags
    (exactly O(tags) with O(purge_tags), else a superset; C(aws:) tags ignored, values as
    strings; not compared when O(tags) is omitted); no grants wanted, and with O(purge_grants)
    none on the key. O(policy), O(grants), O(multi_region), O(enabled=false), option aliases and
    O(state=absent) are not compared - the module runs. O(key_spec), O(key_usage) and
    O(pending_window) only matter when the module creates or deletes a key.
author:
  - Card platform team
options:
  current:
    description:
      - The C(kms_keys) of an M(amazon.aws.kms_key_info) read, or one entry of it. Exactly one key,
        or the module runs.
      - Omitted - the module always runs.
    type: raw
  alias:
    description: Alias of the key, with or without C(alias/).
    type: str
  key_id:
    description: ID or ARN of the key.
    type: str
  description:
    description: Description of the key.
    type: str
  enabled:
    description: Whether the key is enabled.
    type: bool
    default: true
  multi_region:
    description: Create a multi-Region key.
    type: bool
    default: false
  enable_key_rotation:
    description: Whether AWS rotates the key material every year.
    type: bool
  grants:
    description: Grants, as M(amazon.aws.kms_key) takes them.
    type: list
    elements: dict
    default: []
  purge_grants:
    description: Retire grants that are not in O(grants).
    type: bool
    default: false
  policy:
    description: Key policy (JSON).
    type: json
  key_spec:
    description: Key spec of a new key.
    type: str
    default: SYMMETRIC_DEFAULT
  key_usage:
    description: Usage of a new key.
    type: str
    default: ENCRYPT_DECRYPT
  pending_window:
    description: Waiting period in days before a key scheduled for deletion is deleted.
    type: int
attributes:
  diff_mode:
    description: M(amazon.aws.kms_key) returns no diff.
    support: none
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
seealso:
  - module: amazon.aws.kms_key
  - module: amazon.aws.kms_key_info
"""

EXAMPLES = r"""
- name: Read the KMS key
  amazon.aws.kms_key_info:
    alias: alias/card-platform-production-eks-secrets
  register: found

- name: Create the KMS key, or repair it when it drifted
  cardplatform.aws.kms_key:
    alias: alias/card-platform-production-eks-secrets
    description: Envelope encryption of Kubernetes Secrets
    enable_key_rotation: true
    tags: {Project: card-platform}
    purge_tags: true
    state: present
    current: "{{ found.kms_keys }}"
  register: key   # key.key_arn, read or created (not in check mode for a new key)
"""

RETURN = r"""
key_arn:
  description: ARN of the key (from the read when unchanged).
  returned: on success, except for a key check mode would create
  type: str
key_id:
  description:
    - ID of the key. Besides, what M(amazon.aws.kms_key) returns - C(key_state), C(description),
      C(enable_key_rotation), C(aliases) (without C(alias/)), C(grants), C(tags), ...
  returned: on success, except for a key check mode would create
  type: str
"""
