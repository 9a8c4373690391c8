# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.ec2_vpc_route_table: amazon.aws.ec2_vpc_route_table, run only for a table that
``current`` (an amazon.aws.ec2_vpc_route_table_info read) shows missing or drifted. Documented in
plugins/modules/ec2_vpc_route_table.py; the comparison is module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import ec2_vpc_route_table
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    MODULE = "amazon.aws.ec2_vpc_route_table"
    gate = staticmethod(ec2_vpc_route_table)

    def in_sync_result(self, resource):
        # The module returns the table under `route_table`.
        return {"route_table": super().in_sync_result(resource)}
