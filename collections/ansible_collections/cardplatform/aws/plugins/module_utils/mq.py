# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the project's Amazon MQ modules (mq_broker, mq_configuration)."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags as _sync_tags

NOT_FOUND = ("NotFoundException",)


def sync_tags(module, client, arn, current, wanted, purge, label):
    """Bring the tags of the Amazon MQ resource ``arn`` (CreateTags/DeleteTags) to ``wanted``; None leaves them alone.

    Returns ``(to_add, to_remove, tags after)``; nothing is written in check mode; an error
    fails the module with a message naming ``label``.
    """
    return _sync_tags(
        module.check_mode, current, wanted, purge,
        tag=lambda tags: call(module, client, "create_tags", f"Failed to add tags ({label})", ResourceArn=arn, Tags=tags),
        untag=lambda keys: call(
            module, client, "delete_tags", f"Failed to remove tags ({label})", ResourceArn=arn, TagKeys=keys
        ),
    )


class MQResourceManager(AWSResourceManager):
    """Base of the Amazon MQ modules' managers."""

    service = "mq"

    def describe_resource(self, method, msg, **ids):
        """``Describe*`` answer without its ResponseMetadata, None when the resource does not exist (any more)."""
        answer = self.call(method, msg, NOT_FOUND, **ids)
        if answer is not None:
            answer.pop("ResponseMetadata", None)
        return answer

    def sync_tags(self, arn, current):
        return sync_tags(self.module, self.client, arn, current, self.params["tags"], self.params["purge_tags"], self.label)
