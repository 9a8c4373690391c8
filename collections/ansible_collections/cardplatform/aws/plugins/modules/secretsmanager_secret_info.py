#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: secretsmanager_secret_info
short_description: Describe Secrets Manager secrets without reading their values
version_added: 0.1.0
description:
  - Describes each secret in I(names) with Secrets Manager C(DescribeSecret) - name, ARN, KMS
    key, rotation, tags, and the deletion date of a secret scheduled for deletion. Read only;
    it never calls C(GetSecretValue), so no secret value reaches Ansible.
  - Written because amazon.aws and community.aws (10.x) offer only the C(secretsmanager_secret)
    lookup, which reads the value. Used by the drift check.
author:
  - Card platform team
options:
  names:
    description: Names or ARNs of the secrets.
    type: list
    elements: str
    required: true
  resource_policy:
    description:
      - Also read each existing secret's resource policy (C(GetResourcePolicy), one more call per
        secret) into C(resource_policy).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe the platform's secrets
  cardplatform.aws.secretsmanager_secret_info:
    names:
      - card-platform-production/rds/master
      - card-platform-production/rds/app
  register: secrets
"""

RETURN = r"""
secrets:
  description: One entry per requested name, keyed by that name.
  returned: always
  type: dict
  contains:
    exists:
      description: Whether the secret exists (a secret scheduled for deletion exists, with C(deleted_date)).
      type: bool
    arn:
      description: ARN of the secret.
      type: str
    kms_key_id:
      description: KMS key that encrypts the secret (absent for the AWS managed key).
      type: str
    deleted_date:
      description: When the secret is scheduled to be deleted (ISO 8601), or null.
      type: str
    description:
      description: Description of the secret.
      type: str
    rotation_enabled:
      description: Whether rotation is on.
      type: bool
    rotation_lambda_arn:
      description: ARN of the rotation Lambda function, or null.
      type: str
    rotation_rules:
      description: "Rotation schedule, e.g. C({automatically_after_days: 30}), or C({})."
      type: dict
    resource_policy:
      description: The resource policy as a dict, or null when the secret has none.
      type: dict
      returned: with O(resource_policy=true), for an existing secret
    tags:
      description: Tags as a dict.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import secretsmanager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import retrying_client


def read(module, client, name):
    secret = secretsmanager.secret_info(secretsmanager.describe_secret(module, client, name))
    if secret["exists"] and module.params["resource_policy"]:
        secret["resource_policy"] = secretsmanager.resource_policy(module, client, name)
    return secret


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            names=dict(type="list", elements="str", required=True),
            resource_policy=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = retrying_client(module, "secretsmanager")
    module.exit_json(changed=False, secrets={name: read(module, client, name) for name in module.params["names"]})


if __name__ == "__main__":
    main()
