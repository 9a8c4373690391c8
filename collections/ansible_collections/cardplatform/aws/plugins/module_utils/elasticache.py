# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the project's ElastiCache modules (elasticache_replication_group,
elasticache_subnet_group, elasticache_test_failover)."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags as _sync_tags


def describe_replication_group(module, client, group_id, msg=None):
    """DescribeReplicationGroups' group ``group_id``, None when it does not exist."""
    answer = call(
        module, client, "describe_replication_groups", msg or f"Failed to describe replication group {group_id}",
        ("ReplicationGroupNotFoundFault",), ReplicationGroupId=group_id,
    )
    return None if answer is None else answer["ReplicationGroups"][0]


def list_tags(module, client, arn):
    """The tags of the ElastiCache resource ``arn`` as a dict (ListTagsForResource)."""
    answer = call(module, client, "list_tags_for_resource", f"Failed to list the tags of {arn}", ResourceName=arn)
    return boto3_tag_list_to_ansible_dict(answer.get("TagList") or [])


def sync_tags(module, client, arn, current, wanted, purge):
    """Bring the tags of ``arn`` to ``wanted`` (AddTagsToResource/RemoveTagsFromResource); None leaves them alone.

    Returns ``(to_add, to_remove, tags after)``; nothing is written in check mode.
    """
    return _sync_tags(
        module.check_mode, current, wanted, purge,
        tag=lambda tags: call(
            module, client, "add_tags_to_resource", f"Failed to add tags to {arn}",
            ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags),
        ),
        untag=lambda keys: call(
            module, client, "remove_tags_from_resource", f"Failed to remove tags from {arn}", ResourceName=arn, TagKeys=keys
        ),
    )


class ElastiCacheResourceManager(AWSResourceManager):
    """Base of the ElastiCache modules' managers."""

    service = "elasticache"

    def list_tags(self, arn):
        return list_tags(self.module, self.client, arn)

    def sync_tags(self, arn, current):
        return sync_tags(self.module, self.client, arn, current, self.params["tags"], self.params["purge_tags"])
