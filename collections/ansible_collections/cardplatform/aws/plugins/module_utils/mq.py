# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the project's Amazon MQ modules (mq_broker, mq_configuration)."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def sync_tags(call, check_mode: bool, arn: str, current: dict | None, wanted: dict, purge: bool):
    """Bring the tags of an Amazon MQ resource (CreateTags/DeleteTags) to ``wanted``.

    ``call(method, msg, **kwargs)`` is the module's retrying boto3 caller that fails the
    module with ``msg`` on an error. Returns ``(to_add, to_remove)``; nothing is written in
    check mode.
    """
    to_add, to_remove = compare_aws_tags(current or {}, wanted, purge)
    if not check_mode:
        if to_remove:
            call("delete_tags", "Failed to remove tags", ResourceArn=arn, TagKeys=to_remove)
        if to_add:
            call("create_tags", "Failed to add tags", ResourceArn=arn, Tags=to_add)
    return to_add, to_remove
