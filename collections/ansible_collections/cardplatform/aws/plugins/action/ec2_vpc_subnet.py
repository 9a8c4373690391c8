# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.ec2_vpc_subnet: amazon.aws.ec2_vpc_subnet, run only for a subnet that ``current``
(an amazon.aws.ec2_vpc_subnet_info read) shows missing or drifted. Documented in
plugins/modules/ec2_vpc_subnet.py; the comparison is module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import ec2_vpc_subnet
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    MODULE = "amazon.aws.ec2_vpc_subnet"
    gate = staticmethod(ec2_vpc_subnet)

    def in_sync_result(self, resource):
        # The module returns the subnet under `subnet`, with its IPv6 CIDR block and association
        # ID ("" for a subnet without one, as every subnet the gate finds in sync is).
        subnet = super().in_sync_result(resource)
        subnet.setdefault("ipv6_cidr_block", "")
        subnet.setdefault("ipv6_association_id", "")
        return {"subnet": subnet}
