# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.ec2_vpc_net: amazon.aws.ec2_vpc_net, run only for a VPC that ``current`` (an
amazon.aws.ec2_vpc_net_info read) shows missing or drifted. Documented in
plugins/modules/ec2_vpc_net.py; the comparison is module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import ec2_vpc_net
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    MODULE = "amazon.aws.ec2_vpc_net"
    gate = staticmethod(ec2_vpc_net)

    def in_sync_result(self, resource):
        # The module returns the VPC (with `name`) under `vpc`.
        return {"vpc": super().in_sync_result(resource)}
