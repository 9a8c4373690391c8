# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.ec2_security_group: amazon.aws.ec2_security_group, run only for a group that
``current`` (an amazon.aws.ec2_security_group_info read) shows missing or drifted. Documented in
plugins/modules/ec2_security_group.py; the comparison is module_utils/in_sync.py's."""

from __future__ import annotations

import copy

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import security_group
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    MODULE = "amazon.aws.ec2_security_group"
    gate = staticmethod(security_group)

    def in_sync_result(self, resource):
        # The module returns the group as DescribeSecurityGroups has it (snake_case, tags as a
        # dict), as the info module does; with --diff, before and after.
        result = super().in_sync_result(resource)
        if self._task.diff:
            result["diff"] = [{"before": copy.deepcopy(dict(resource)), "after": copy.deepcopy(dict(resource))}]
        return result
