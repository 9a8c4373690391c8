#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: elasticache_subnet_group
short_description: Manage an ElastiCache cache subnet group, with tags
version_added: 0.2.0
description:
  - Creates, modifies and deletes an ElastiCache cache subnet group, and keeps its tags.
  - The same options as M(community.aws.elasticache_subnet_group) (community.aws 10.0), plus
    O(tags) and O(purge_tags), which that module lacks.
  - Supports check mode (no write call) and diff mode.
author:
  - card-platform maintainers
options:
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it (AWS refuses while a
        cache cluster or replication group uses it).
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The group name (C(CacheSubnetGroupName)), up to 255 letters, digits or hyphens. AWS
        stores it in lowercase, so the module lowercases it.
    type: str
    required: true
  description:
    description:
      - The description (C(CacheSubnetGroupDescription)). Required by AWS on creation; when
        omitted there, the module uses O(name). Changed with C(ModifyCacheSubnetGroup).
    type: str
  subnets:
    description:
      - The subnet IDs (C(SubnetIds)), all in one VPC. Required on creation. Order does not
        matter. Changed with C(ModifyCacheSubnetGroup).
    type: list
    elements: str
  tags:
    description:
      - Tags as a dict. C(null) leaves the tags as they are. Compared with
        C(ListTagsForResource), changed with C(AddTagsToResource) / C(RemoveTagsFromResource).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Ignored when O(tags) is C(null).
    type: bool
    default: true
notes:
  - "AWS APIs called: elasticache:DescribeCacheSubnetGroups, CreateCacheSubnetGroup,
    ModifyCacheSubnetGroup, DeleteCacheSubnetGroup, ListTagsForResource, AddTagsToResource,
    RemoveTagsFromResource. Every call is retried with jittered backoff on throttling."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the cache subnet group on the private subnets, tagged
  cardplatform.aws.elasticache_subnet_group:
    name: card-platform-production
    description: Private subnets of Redis card-platform-production
    subnets: [subnet-0a, subnet-0b, subnet-0c]
    tags:
      Project: card-platform
      Environment: production

- name: Delete it
  cardplatform.aws.elasticache_subnet_group:
    name: card-platform-production
    state: absent
"""

RETURN = r"""
cache_subnet_group:
  description: The group as C(DescribeCacheSubnetGroups) reports it, in snake_case, with C(subnet_ids) and C(tags). Empty after deletion.
  returned: always
  type: dict
  contains:
    cache_subnet_group_name:
      description: The name.
      type: str
      sample: card-platform-production
    cache_subnet_group_description:
      description: The description.
      type: str
    vpc_id:
      description: The VPC of the subnets.
      type: str
      sample: vpc-0123456789abcdef0
    arn:
      description: The ARN.
      type: str
      sample: arn:aws:elasticache:us-east-1:111122223333:subnetgroup:card-platform-production
    subnet_ids:
      description: The subnet IDs.
      type: list
      elements: str
    tags:
      description: The tags as a dict.
      type: dict
      sample: {Project: card-platform}
changes:
  description: What was (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
  sample: [tags]
"""

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cardplatform.aws.plugins.module_utils import elasticache
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff


class SubnetGroupManager(elasticache.ElastiCacheResourceManager):
    def __init__(self, module):
        super().__init__(module, label=module.params["name"].lower())
        self.name = self.label

    def describe(self):
        groups = self.call(
            "describe_cache_subnet_groups", "Failed to describe cache subnet group", ("CacheSubnetGroupNotFoundFault",),
            CacheSubnetGroupName=self.name,
        )
        return groups["CacheSubnetGroups"][0] if groups else None

    @staticmethod
    def settings(group, tags):
        return dict(
            name=group["CacheSubnetGroupName"],
            description=group.get("CacheSubnetGroupDescription"),
            subnets=sorted(s["SubnetIdentifier"] for s in group.get("Subnets") or []),
            tags=tags,
        )

    def result(self, group, tags):
        if not group:
            return {}
        result = camel_dict_to_snake_dict(group)
        result["subnet_ids"] = [s["SubnetIdentifier"] for s in group.get("Subnets") or []]
        result["tags"] = tags
        return result


def ensure_present(module, manager):
    p = module.params
    group = manager.describe()
    if group is None:
        if not p["subnets"]:
            module.fail_json(msg=f"subnets is required to create cache subnet group {manager.name}")
        after = dict(name=manager.name, description=p["description"] or manager.name, subnets=sorted(p["subnets"]),
                     tags=p["tags"] or {})
        if module.check_mode:
            return True, dict(cache_subnet_group_name=manager.name, subnet_ids=p["subnets"], tags=p["tags"] or {}), \
                ["create"], dict(before={}, after=after)
        kwargs = dict(CacheSubnetGroupName=manager.name, CacheSubnetGroupDescription=after["description"],
                      SubnetIds=p["subnets"])
        if p["tags"]:
            kwargs["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
        group = manager.call("create_cache_subnet_group", "Failed to create cache subnet group", **kwargs)["CacheSubnetGroup"]
        return True, manager.result(group, manager.list_tags(group["ARN"])), ["create"], dict(before={}, after=after)

    tags = manager.list_tags(group["ARN"])
    before = manager.settings(group, tags)
    after = dict(before)
    changes = []
    modify = {}
    if p["description"] is not None and p["description"] != before["description"]:
        modify["CacheSubnetGroupDescription"] = p["description"]
        after["description"] = p["description"]
        changes.append("description")
    if p["subnets"] is not None and sorted(set(p["subnets"])) != before["subnets"]:
        modify["SubnetIds"] = p["subnets"]
        after["subnets"] = sorted(set(p["subnets"]))
        changes.append("subnets")
    if modify and not module.check_mode:
        group = manager.call("modify_cache_subnet_group", "Failed to modify cache subnet group",
                             CacheSubnetGroupName=manager.name, **modify)["CacheSubnetGroup"]
    to_add, to_remove, after["tags"] = manager.sync_tags(group["ARN"], tags)
    if to_add or to_remove:
        changes.append("tags")
    if changes and not module.check_mode:
        tags = manager.list_tags(group["ARN"])
    return bool(changes), manager.result(group, after["tags"] if module.check_mode else tags), changes, \
        dict(before=before, after=after)


def ensure_absent(module, manager):
    group = manager.describe()
    if group is None:
        return False, {}, [], dict(before={}, after={})
    before = manager.settings(group, {})
    if not module.check_mode:
        manager.call("delete_cache_subnet_group", "Failed to delete cache subnet group", CacheSubnetGroupName=manager.name)
    return True, {}, ["delete"], dict(before=before, after={})


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        subnets=dict(type="list", elements="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not re.match(r"^[A-Za-z0-9-]{1,255}$", module.params["name"]):
        module.fail_json(msg=f"name must be 1-255 letters, digits or hyphens (got {module.params['name']!r})")
    manager = SubnetGroupManager(module)
    if module.params["state"] == "present":
        changed, group, changes, diff = ensure_present(module, manager)
    else:
        changed, group, changes, diff = ensure_absent(module, manager)
    exit_with_diff(module, diff, changed=changed, cache_subnet_group=group, changes=changes)


if __name__ == "__main__":
    main()
