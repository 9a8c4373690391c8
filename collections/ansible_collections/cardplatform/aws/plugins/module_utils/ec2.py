# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 helpers of the project's modules (ec2_vpc_flow_log), on top of amazon.aws' ec2 module_utils."""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import add_ec2_tags
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import remove_ec2_tags
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags as _sync_tags


def fail_if_unsuccessful(module, response, msg):
    """EC2's batch calls (CreateFlowLogs, DeleteFlowLogs ...) answer errors in ``Unsuccessful`` instead of raising."""
    unsuccessful = response.get("Unsuccessful")
    if unsuccessful:
        error = unsuccessful[0].get("Error", {})
        module.fail_json(
            msg=f"{msg}: {error.get('Code')}: {error.get('Message')}",
            unsuccessful=[camel_dict_to_snake_dict(entry) for entry in unsuccessful],
        )


def normalise(resource, drop=()):
    """An EC2 description in snake_case, its tag list as a dict."""
    if not resource:
        return {}
    result = snake_dict(resource, ignore=("Tags",), drop=drop)
    result["tags"] = boto3_tag_list_to_ansible_dict(resource.get("Tags", []))
    return result


def sync_tags(module, client, resource_id, current, wanted, purge):
    """Bring the tags of EC2 resource ``resource_id`` to ``wanted`` (amazon.aws add_ec2_tags / remove_ec2_tags).

    ``wanted`` None leaves them alone; nothing is written in check mode. Returns whether the tags change.
    """
    to_add, to_remove, _after = _sync_tags(
        module.check_mode, current, wanted, purge,
        tag=lambda tags: add_ec2_tags(client, module, resource_id, tags),
        untag=lambda keys: remove_ec2_tags(client, module, resource_id, keys),
    )
    return bool(to_add or to_remove)
