# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.kms_key: amazon.aws.kms_key, run only for a key that ``current`` (an
amazon.aws.kms_key_info read) shows missing or drifted. Documented in plugins/modules/kms_key.py;
the comparison is module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import kms_key
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    # The key as kms_key_info read it: the keys amazon.aws.kms_key returns (key_id, key_arn,
    # key_state, description, enable_key_rotation, aliases, grants, tags, key_policies, ...).
    MODULE = "amazon.aws.kms_key"
    gate = staticmethod(kms_key)
