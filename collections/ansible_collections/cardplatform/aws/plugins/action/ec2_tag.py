# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.ec2_tag: amazon.aws.ec2_tag, run only when ``current`` (the resource's tags as an
*_info module read them) lacks a wanted tag. Documented in plugins/modules/ec2_tag.py; the comparison
is module_utils/in_sync.py's."""

from __future__ import annotations

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import ec2_tag
from ansible_collections.cardplatform.aws.plugins.plugin_utils.read_gate import ReadGateAction


class ActionModule(ReadGateAction):
    # The gate returns {"tags": ...}: the module returns the resource's tags under `tags`.
    MODULE = "amazon.aws.ec2_tag"
    gate = staticmethod(ec2_tag)
