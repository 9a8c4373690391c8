# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the read-gate actions (ec2_security_group, kms_key, secretsmanager_secret) share."""

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
