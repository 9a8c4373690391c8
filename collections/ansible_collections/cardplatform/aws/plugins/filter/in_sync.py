# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read gates as filters: is a resource, as an `*_info` module returned it, already what a
collection module would make of it? The comparison is plugins/module_utils/in_sync.py's, the
one the action plugins cardplatform.aws.ec2_security_group, kms_key and secretsmanager_secret
use (the roles call those; these filters remain for the roles not converted yet).
Anything the gate cannot judge answers False, so the module decides.

kms_key_in_sync(key, description, enable_key_rotation, tags)
    key: one entry of amazon.aws.kms_key_info's `kms_keys`. True when amazon.aws.kms_key with
    that description, rotation and tags (purge_tags: true) would change nothing.

secretsmanager_secret_in_sync(secret, tags, rotation_lambda_arn=None, rotation_days=None)
    secret: one entry of cardplatform.aws.secretsmanager_secret_info's `secrets`, read with
    `resource_policy: true`. True when community.aws.secretsmanager_secret (overwrite: false,
    no resource_policy, no replica, purge_tags: true) would change nothing.

security_group_in_sync(groups, wanted)
    groups: amazon.aws.ec2_security_group_info's `security_groups` (or one entry); wanted: the
    arguments given to amazon.aws.ec2_security_group. True when the module would change nothing.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.module_utils import in_sync


def _ask(gate, name, current, args):
    try:
        return gate(current, args) is not None
    except in_sync.ReadGateError as error:
        raise AnsibleFilterError(f"{name}: {error}") from error


def kms_key_in_sync(key, description, enable_key_rotation, tags):
    args = {"description": description, "enable_key_rotation": enable_key_rotation, "tags": tags, "purge_tags": True}
    return _ask(in_sync.kms_key, "kms_key_in_sync", [] if key is None else [key], args)


def secretsmanager_secret_in_sync(secret, tags, rotation_lambda_arn=None, rotation_days=None):
    args = {"overwrite": False, "tags": tags, "purge_tags": True, "rotation_lambda": rotation_lambda_arn,
            "rotation_interval": rotation_days}
    return _ask(in_sync.secretsmanager_secret, "secretsmanager_secret_in_sync", {"exists": False} if secret is None else secret, args)


def security_group_in_sync(groups, wanted):
    return _ask(in_sync.security_group, "security_group_in_sync", groups or [], wanted)


class FilterModule:
    def filters(self):
        return {
            "kms_key_in_sync": kms_key_in_sync,
            "secretsmanager_secret_in_sync": secretsmanager_secret_in_sync,
            "security_group_in_sync": security_group_in_sync,
        }
