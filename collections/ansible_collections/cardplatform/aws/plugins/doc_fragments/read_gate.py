# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the read-gate actions (plugins/action/, on plugins/plugin_utils/read_gate.py) share."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  state:
    description: C(absent) always runs the module.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    description: In check mode an unchanged resource is reported as read; otherwise the module's check mode applies.
    support: full
notes:
  - An action plugin of this collection (C(plugins/action/), on C(plugins/plugin_utils/read_gate.py)). The comparison
    is C(plugins/module_utils/in_sync.py); an option it does not model, or an option given by an alias, runs the module.
  - C(module_defaults) for C(group/cardplatform.aws.aws) reach the action; the module it runs also gets those a task
    calling it directly would get (C(group/aws), the module's own).
"""

    # The read gates of the VPC's own resources (ec2_vpc_net, ec2_vpc_subnet,
    # ec2_vpc_nat_gateway, ec2_vpc_route_table, ec2_vpc_endpoint, ec2_tag).
    VPC = r"""
options:
  current:
    description:
      - What the module's C(*_info) module read - its list of resources (e.g. every one of the VPC, read at once),
        or one entry. The gate looks the resource up in it the way the module would.
      - Omitted - the module always runs.
    type: raw
  tags:
    description: Tags, exactly these with O(purge_tags) (C(aws:) tags ignored, values compared as strings).
    type: dict
  purge_tags:
    description: Remove the tags not in O(tags).
    type: bool
    default: true
attributes:
  diff_mode:
    description: The module's own diff, when it runs.
    support: partial
notes:
  - When the read shows the resource as the module would leave it, the action returns C(changed=false) and the resource
    as read, in the keys the module returns, without any API call. Otherwise (missing or drifted, or an option the
    comparison does not model) it runs the module with the same options, so that its own check mode, diff and errors
    apply. Without O(current) it always runs the module.
"""
