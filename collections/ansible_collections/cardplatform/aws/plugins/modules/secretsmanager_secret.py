#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: cardplatform.aws.secretsmanager_secret is an action plugin
# (plugins/action/secretsmanager_secret.py) that runs community.aws.secretsmanager_secret.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: secretsmanager_secret
short_description: community.aws.secretsmanager_secret, run only when a pre-read secret is missing or drifted
version_added: 0.1.0
description:
  - Takes the options of M(community.aws.secretsmanager_secret) plus O(current), what a
    M(cardplatform.aws.secretsmanager_secret_info) read with C(resource_policy=true) returned.
  - When that read shows the secret as the module would leave it, returns C(changed=false) and
    the secret as read in RV(secret) (RV(secret.arn) among its keys), without any API call. The
    module reads a secret 4 times per run even when nothing changes (its value among them); the
    info read twice and never the value.
  - Otherwise (the secret is missing, scheduled for deletion or drifted, or the options hold
    anything the comparison does not model) runs M(community.aws.secretsmanager_secret) with the
    same options, so its own check mode and errors apply. Without O(current) it always runs the
    module.
  - Compared only with O(overwrite=false), no O(resource_policy) and no O(replica) (anything
    else runs the module) - the secret exists and is not scheduled for deletion; it has no
    resource policy; rotation is off without O(rotation_lambda), or on with that Lambda every
    O(rotation_interval) days and no other rotation rule; the tags (exactly O(tags) with
    O(purge_tags), else a superset; C(aws:) tags ignored, values as strings; not compared when
    O(tags) is omitted). With O(overwrite=false) the module never rewrites the value,
    description or KMS key of an existing secret, so neither are they compared. Option aliases
    and O(state=absent) run the module.
author:
  - Card platform team
options:
  current:
    description:
      - One entry of the C(secrets) of a M(cardplatform.aws.secretsmanager_secret_info) read with
        C(resource_policy=true), or the whole C(secrets) dict (the entry of O(name) is taken).
      - Omitted - the module always runs.
    type: raw
  name:
    description: Name of the secret.
    type: str
    required: true
  overwrite:
    description: Update an existing secret's value, description and KMS key when they differ. Only C(false) is compared here.
    type: bool
    default: true
  description:
    description: Description of the secret.
    type: str
    default: ""
  kms_key_id:
    description: KMS key that encrypts the secret.
    type: str
  secret_type:
    description: Whether the value is a string or binary.
    type: str
    choices: [binary, string]
    default: string
  secret:
    description: The value, as a string. Mutually exclusive with O(json_secret).
    type: str
    default: ""
  json_secret:
    description: The value, as JSON. Mutually exclusive with O(secret).
    type: json
  resource_policy:
    description: Resource policy (JSON). Given, the module runs.
    type: json
  replica:
    description: Regions to replicate the secret to, as M(community.aws.secretsmanager_secret) takes them. Given, the module runs.
    type: list
    elements: dict
  rotation_lambda:
    description: ARN of the rotation Lambda function; rotation is off without it.
    type: str
  rotation_interval:
    description: Days between rotations.
    type: int
    default: 30
  recovery_window:
    description: Days before a deleted secret is gone (O(state=absent)).
    type: int
    default: 30
attributes:
  diff_mode:
    description: M(community.aws.secretsmanager_secret) returns no diff.
    support: none
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - cardplatform.aws.read_gate
seealso:
  - module: community.aws.secretsmanager_secret
  - module: cardplatform.aws.secretsmanager_secret_info
"""

EXAMPLES = r"""
- name: Read the secret, without its value
  cardplatform.aws.secretsmanager_secret_info:
    names: [card-platform-production/rds/app]
    resource_policy: true
  register: found

- name: Create the secret, keeping any existing value
  cardplatform.aws.secretsmanager_secret:
    name: card-platform-production/rds/app
    description: Application user of PostgreSQL
    json_secret: "{{ initial_value }}"
    overwrite: false
    tags: {Project: card-platform}
    purge_tags: true
    state: present
    current: "{{ found.secrets }}"
  register: secret   # secret.secret.arn, read or created
  no_log: true
"""

RETURN = r"""
secret:
  description:
    - The secret (DescribeSecret, snake_case). Unchanged, from the read - C(arn), C(name),
      C(description), C(kms_key_id), C(rotation_enabled), C(rotation_lambda_arn), C(rotation_rules),
      C(tags) (a list of C(key)/C(value)) and C(tags_dict).
  returned: on success, except for a secret check mode would create
  type: dict
  contains:
    arn:
      description: ARN of the secret.
      type: str
    name:
      description: Name of the secret.
      type: str
    tags_dict:
      description: Tags as a dict.
      type: dict
"""
