#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_repository_info
short_description: Read Amazon ECR repositories' settings
version_added: 0.2.0
description:
  - Reads the named ECR repositories of the caller's registry (C(DescribeRepositories),
    C(GetLifecyclePolicy), C(ListTagsForResource)) and, with I(replication=true), the
    registry's replication configuration (C(DescribeRegistry)).
  - Read-only; runs the same way in check mode. A repository that does not exist is reported
    with C(exists=false), not as an error, so a drift check can call it missing.
  - community.aws 10.0's C(ecs_ecr) writes repositories but has no read-only counterpart.
author:
  - Card platform team
options:
  names:
    description: Repository names, for example C(card-platform/api).
    type: list
    elements: str
    required: true
  replication:
    description: Also read the registry's replication configuration.
    type: bool
    default: false
notes:
  - Supports check mode (it is read-only).
  - "IAM: C(ecr:DescribeRepositories), C(ecr:GetLifecyclePolicy), C(ecr:ListTagsForResource),
    C(ecr:DescribeRegistry)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the platform's repositories
  cardplatform.aws.ecr_repository_info:
    names: [card-platform/api, card-platform/worker]
    replication: true
  register: ecr
"""

RETURN = r"""
repositories:
  description: One entry per requested name, keyed by name.
  returned: always
  type: dict
  sample:
    card-platform/api:
      exists: true
      arn: arn:aws:ecr:us-east-1:123456789012:repository/card-platform/api
      uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/card-platform/api
      image_tag_mutability: IMMUTABLE
      scan_on_push: true
      encryption_type: KMS
      kms_key: arn:aws:kms:us-east-1:123456789012:key/0000
      lifecycle_policy: {"rules": []}
      tags: {"Environment": "staging"}
replication_rules:
  description: The registry's replication rules (snake_case), with I(replication=true).
  returned: when replication is true
  type: list
  elements: dict
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict


class RepositoryReader(AWSResourceManager):
    service = "ecr"

    def repository(self, name):
        found = self.call("describe_repositories", f"Couldn't describe ECR repository {name}",
                          missing=("RepositoryNotFoundException",), repositoryNames=[name])
        if not found or not found.get("repositories"):
            return {"exists": False}
        repo = found["repositories"][0]
        policy = self.call("get_lifecycle_policy", f"Couldn't read the lifecycle policy of {name}",
                           missing=("LifecyclePolicyNotFoundException",), repositoryName=name)
        tags = self.call("list_tags_for_resource", f"Couldn't read the tags of {name}",
                         resourceArn=repo["repositoryArn"]) or {}
        encryption = repo.get("encryptionConfiguration") or {}
        return {
            "exists": True,
            "arn": repo["repositoryArn"],
            "uri": repo.get("repositoryUri", ""),
            "image_tag_mutability": repo.get("imageTagMutability", ""),
            "scan_on_push": bool((repo.get("imageScanningConfiguration") or {}).get("scanOnPush")),
            "encryption_type": encryption.get("encryptionType", ""),
            "kms_key": encryption.get("kmsKey", ""),
            "lifecycle_policy": json.loads(policy["lifecyclePolicyText"]) if policy and policy.get("lifecyclePolicyText") else None,
            "tags": {t["Key"]: t["Value"] for t in tags.get("tags", [])},
        }

    def replication_rules(self):
        registry = self.call("describe_registry", "Couldn't describe the ECR registry") or {}
        return snake_dict({"rules": registry.get("replicationConfiguration", {}).get("rules", [])})["rules"]


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str", required=True),
        replication=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    reader = RepositoryReader(module)
    result = {"changed": False, "repositories": {name: reader.repository(name) for name in dict.fromkeys(module.params["names"])}}
    if module.params["replication"]:
        result["replication_rules"] = reader.replication_rules()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
