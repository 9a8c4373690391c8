# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.ec2_vpc_nat_gateway: amazon.aws.ec2_vpc_nat_gateway, run only for a gateway that
``current`` (an amazon.aws.ec2_vpc_nat_gateway_info read) shows missing or drifted. Documented in
plugins/modules/ec2_vpc_nat_gateway.py; the comparison is module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import ec2_vpc_nat_gateway
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    # The module returns the gateway's keys at the top level (nat_gateway_id, subnet_id, state,
    # nat_gateway_addresses, connectivity_type, tags, vpc_id, create_time), as the info module does.
    MODULE = "amazon.aws.ec2_vpc_nat_gateway"
    gate = staticmethod(ec2_vpc_nat_gateway)
