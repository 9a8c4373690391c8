# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""KMS key comparisons shared by the modules that take a key for encryption at rest
(elasticache_replication_group, mq_broker, rds_instance_master_password)."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import retrying_client


def resolve_key_arn(module, key_id):
    """The ARN of ``key_id`` (key ID, key ARN, alias name or alias ARN), with kms:DescribeKey."""
    kms = retrying_client(module, "kms")
    return call(module, kms, "describe_key", f"Failed to resolve KMS key {key_id}", KeyId=key_id)["KeyMetadata"]["Arn"]


def key_matches(module, wanted, current):
    """Whether ``wanted`` (any form of key reference, or None for "any") is ``current``, a key ARN as AWS reports it.

    KMS is asked only when the answer is not in the strings: ``wanted`` is an alias, or a key
    ID of another key.
    """
    if not wanted or wanted == current:
        return True
    if not current:
        return False
    if current.endswith("/" + wanted):
        return True  # the key ID of the current key
    if wanted.startswith("arn:") and ":key/" in wanted:
        return False  # another key's ARN
    return resolve_key_arn(module, wanted) == current
