#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_image_info
short_description: Look up image tags in an Amazon ECR repository
version_added: 0.1.0
description:
  - Reports which of the given image tags exist in an ECR repository, with each image's digest
    and push time (ECR C(DescribeImages) with C(imageIds), one call per 100 tags).
  - Read-only; never changes anything, so it runs the same way in check mode.
  - A missing repository is not an error - I(repository_exists) is C(false) and every tag is
    listed in I(missing_tags) - so a playbook can refuse a rollout with its own message.
  - amazon.aws 10.1 and community.aws 10.0 manage ECR repositories (C(community.aws.ecs_ecr)) but
    have no module that reads images.
author:
  - Card platform team
options:
  repository_name:
    description: Repository name, for example C(card-platform/api).
    type: str
    required: true
  registry_id:
    description:
      - AWS account ID that owns the registry (the first label of
        C(<account>.dkr.ecr.<region>.amazonaws.com)). Omitted, ECR uses the caller's account.
    type: str
  image_tags:
    description: Tags to look up (case-sensitive). Looked up 100 per call, the C(DescribeImages) limit.
    type: list
    elements: str
    required: true
notes:
  - Supports check mode (it is read-only).
  - "IAM: C(ecr:DescribeImages) on the repository."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Refuse a tag that was never pushed
  cardplatform.aws.ecr_image_info:
    registry_id: "123456789012"
    repository_name: card-platform/api
    image_tags: ["1.13.0"]
  register: ecr

- name: Stop when the tag is missing
  ansible.builtin.assert:
    that: ecr.missing_tags | length == 0
    fail_msg: "Not in ECR: {{ ecr.missing_tags | join(', ') }}"
"""

RETURN = r"""
repository_exists:
  description: Whether the repository exists in the registry.
  returned: always
  type: bool
  sample: true
images:
  description: One entry per requested tag found in the repository.
  returned: always
  type: list
  elements: dict
  contains:
    image_tag:
      description: The requested tag.
      type: str
      sample: "1.13.0"
    image_digest:
      description: Digest of the image manifest the tag points to.
      type: str
      sample: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    image_pushed_at:
      description: When the image was pushed (ISO 8601).
      type: str
    image_tags:
      description: Every tag of that image.
      type: list
      elements: str
missing_tags:
  description: Requested tags that are not in the repository (all of them when it does not exist).
  returned: always
  type: list
  elements: str
  sample: ["9.9.9"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWS_ERRORS
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager

BATCH = 100  # DescribeImages accepts at most 100 imageIds


class ImageReader(AWSResourceManager):
    service = "ecr"

    def _describe(self, tags):
        kwargs = {"repositoryName": self.params["repository_name"], "imageIds": [{"imageTag": t} for t in tags]}
        if self.params["registry_id"]:
            kwargs["registryId"] = self.params["registry_id"]
        # A batch with some unknown tags answers with imageDetails for the known ones and
        # failures for the others; a single unknown tag raises ImageNotFoundException.
        try:
            return self.client.describe_images(aws_retry=True, **kwargs).get("imageDetails", [])
        except is_boto3_error_code("ImageNotFoundException"):
            if len(tags) == 1:
                return []
            found = []
            for tag in tags:
                found.extend(self._describe([tag]))
            return found

    def read(self):
        tags = list(dict.fromkeys(self.params["image_tags"]))
        found = {}
        try:
            for start in range(0, len(tags), BATCH):
                for detail in self._describe(tags[start:start + BATCH]):
                    for tag in detail.get("imageTags", []):
                        if tag in tags:
                            found[tag] = detail
        except is_boto3_error_code("RepositoryNotFoundException"):
            return False, [], tags
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(
                e, msg=f"Couldn't read the images of ECR repository {self.params['repository_name']}"
            )
        images = []
        for tag in tags:
            if tag in found:
                detail = found[tag]
                pushed = detail.get("imagePushedAt")
                images.append(
                    {
                        "image_tag": tag,
                        "image_digest": detail.get("imageDigest", ""),
                        "image_pushed_at": pushed.isoformat() if hasattr(pushed, "isoformat") else str(pushed or ""),
                        "image_tags": sorted(detail.get("imageTags", [])),
                    }
                )
        return True, images, [t for t in tags if t not in found]


def main():
    argument_spec = dict(
        repository_name=dict(type="str", required=True),
        registry_id=dict(type="str"),
        image_tags=dict(type="list", elements="str", required=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params["image_tags"]:
        module.fail_json(msg="image_tags must name at least one tag")
    exists, images, missing = ImageReader(module).read()
    module.exit_json(changed=False, repository_exists=exists, images=images, missing_tags=missing)


if __name__ == "__main__":
    main()
