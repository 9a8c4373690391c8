# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the project's EKS modules (eks_cluster, eks_addon, eks_access_entry)."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def sync_tags(client, check_mode: bool, arn: str, current: dict | None, wanted: dict | None, purge: bool):
    """Bring the tags of an EKS resource (TagResource/UntagResource) to ``wanted``.

    ``wanted`` None leaves the tags alone. Returns ``(changed, tags_after)``; nothing is
    written in check mode. ``client`` must be wrapped with AWSRetry (``aws_retry=True``);
    botocore errors propagate to the caller, which names the resource in its message.
    """
    current = current or {}
    if wanted is None:
        return False, current
    to_add, to_remove = compare_aws_tags(current, wanted, purge)
    if not to_add and not to_remove:
        return False, current
    after = wanted if purge else dict(current, **to_add)
    if not check_mode:
        if to_remove:
            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_remove)
        if to_add:
            client.tag_resource(aws_retry=True, resourceArn=arn, tags=to_add)
    return True, after
