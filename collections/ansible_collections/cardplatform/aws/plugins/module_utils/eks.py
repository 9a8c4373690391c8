# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the project's EKS modules (eks_cluster, eks_addon, eks_access_entry,
eks_nodegroup, eks_nodegroup_info, eks_kubeconfig)."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags as _sync_tags

NOT_FOUND = ("ResourceNotFoundException",)
# Describe<Resource> answers {<key>: {...}}.
_ANSWER_KEYS = {"cluster": "cluster", "nodegroup": "nodegroup", "addon": "addon", "access_entry": "accessEntry"}


def describe(module, client, resource, msg, missing=NOT_FOUND, **ids):
    """The description of ``resource`` (cluster, nodegroup, addon, access_entry), None when it does not exist.

    Other errors fail the module with ``msg``.
    """
    answer = call(module, client, f"describe_{resource}", msg, missing, **ids)
    return None if answer is None else answer[_ANSWER_KEYS[resource]]


def normalise(resource, keep=("tags",)):
    """A description in snake_case for results and diffs: ``keep`` maps keep their keys, timestamps go."""
    return snake_dict(resource, ignore=keep, drop=("created_at", "modified_at"))


def sync_tags(module, client, arn, current, wanted, purge, msg):
    """Bring the tags of an EKS resource (TagResource/UntagResource) to ``wanted``; None leaves them alone.

    Returns ``(changed, tags after)``; nothing is written in check mode; an error fails the
    module with ``msg``.
    """
    to_add, to_remove, after = _sync_tags(
        module.check_mode, current, wanted, purge,
        tag=lambda tags: call(module, client, "tag_resource", msg, resourceArn=arn, tags=tags),
        untag=lambda keys: call(module, client, "untag_resource", msg, resourceArn=arn, tagKeys=keys),
    )
    return bool(to_add or to_remove), after


class EKSResourceManager(AWSResourceManager):
    """Base of the EKS modules' managers."""

    service = "eks"

    def wait(self, waiter_name, delay, msg, **ids):
        """Wait with an EKS waiter, unless wait=false or in check mode (nothing was written)."""
        if self.params["wait"] and not self.module.check_mode:
            self.wait_for(waiter_name, delay, msg, **ids)

    def ensure_tags(self, arn, current, after, msg):
        """Sync the tags of the resource ``arn`` from its description ``current``; ``after`` gets the new tags."""
        changed, tags = sync_tags(
            self.module, self.client, arn, current.get("tags"), self.params["tags"], self.params["purge_tags"], msg
        )
        if changed:
            self.changed = True
            after["tags"] = tags
        return changed
