# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets Manager helpers of the project's modules (secretsmanager_secret_info). They never read a
secret's value (GetSecretValue)."""

from __future__ import annotations

import json

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cardplatform.aws.plugins.module_utils.common import call

NOT_FOUND = ("ResourceNotFoundException",)


def describe_secret(module, client, name):
    """DescribeSecret's answer for ``name`` (name or ARN), None when there is no such secret."""
    return call(module, client, "describe_secret", f"Couldn't describe secret {name}", NOT_FOUND, SecretId=name)


def resource_policy(module, client, name):
    """The secret's resource policy as a dict, None when it has none."""
    policy = call(
        module, client, "get_resource_policy", f"Couldn't read the resource policy of secret {name}", SecretId=name
    ).get("ResourcePolicy")
    return json.loads(policy) if policy else None


def secret_info(secret):
    """The module's view of a DescribeSecret answer (snake_case, ISO dates, tags as a dict); None -> not there."""
    if secret is None:
        return {"exists": False}
    deleted = secret.get("DeletedDate")
    return {
        "exists": True,
        "name": secret.get("Name"),
        "arn": secret.get("ARN"),
        "description": secret.get("Description"),
        "kms_key_id": secret.get("KmsKeyId"),
        "deleted_date": deleted.isoformat() if hasattr(deleted, "isoformat") else deleted,
        "rotation_enabled": bool(secret.get("RotationEnabled")),
        "rotation_lambda_arn": secret.get("RotationLambdaARN"),
        "rotation_rules": camel_dict_to_snake_dict(secret.get("RotationRules") or {}),
        "tags": boto3_tag_list_to_ansible_dict(secret.get("Tags") or []),
    }
