# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.secretsmanager_secret: community.aws.secretsmanager_secret, run only for a
secret that ``current`` (a cardplatform.aws.secretsmanager_secret_info read) shows missing or
drifted. Documented in plugins/modules/secretsmanager_secret.py; the comparison is
module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import secretsmanager_secret
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction

# What the module returns in `secret` (DescribeSecret, snake_case) that the info read has too.
SECRET_KEYS = ("arn", "name", "description", "kms_key_id", "rotation_enabled", "rotation_lambda_arn", "rotation_rules")


class ActionModule(ReadGateAction):
    MODULE = "community.aws.secretsmanager_secret"
    gate = staticmethod(secretsmanager_secret)

    def in_sync_result(self, resource):
        secret = {key: resource[key] for key in SECRET_KEYS if resource.get(key) is not None}
        tags = dict(resource.get("tags") or {})
        secret["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
        secret["tags_dict"] = tags
        return {"secret": secret}
