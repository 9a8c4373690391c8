# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base of the read-gate action plugins (plugins/action/: ec2_security_group, kms_key,
secretsmanager_secret, ec2_vpc_net, ec2_vpc_subnet, ec2_vpc_nat_gateway, ec2_vpc_route_table,
ec2_vpc_endpoint, ec2_tag).

A read gate takes the options of a collection module plus ``current``, what an ``*_info``
module read of the resource. When the module would change nothing (the comparison of
plugins/module_utils/in_sync.py) it returns ``changed: false`` and the resource as read, in
the keys the module returns, without any API call; otherwise it runs the module with the
same options (``current`` left out) through ``_execute_module``, so that the module's own
check mode, diff and errors apply. Without ``current`` it always runs the module. With
``async``/``poll`` the module runs as an async job, as the normal action runs one; a resource
in sync is answered at once (no ``ansible_job_id`` in the result).

The module gets the module_defaults a task calling it directly would get (group/aws for
amazon.aws and community.aws modules) under the options given to the action, which already
hold group/cardplatform.aws.aws's.
"""

from __future__ import annotations

import copy

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import ReadGateError

try:  # how ansible-core's own package/service actions apply module_defaults to the module they run
    from ansible.executor.module_common import _apply_action_arg_defaults
except ImportError:  # pragma: no cover - another ansible-core: the action's own defaults only
    _apply_action_arg_defaults = None

CURRENT = "current"


def connection_options():
    """The AWS connection options every amazon.aws module takes (region, credentials, ...), with their aliases."""
    names = set()
    for name, spec in aws_argument_spec().items():
        names.add(name)
        names.update(spec.get("aliases") or ())
    return frozenset(names)


CONNECTION_OPTIONS = connection_options()


class ReadGateAction(ActionBase):
    """Run MODULE only when ``gate(current, options)`` finds no resource that is in sync."""

    MODULE = ""  # FQCN of the module the action stands in for
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    @staticmethod
    def gate(current, options):
        """The resource as read when the module would change nothing, else None."""
        raise NotImplementedError

    def in_sync_result(self, resource):
        """What the module returns for an unchanged resource, from the read (without ``changed``)."""
        return copy.deepcopy(dict(resource))

    def module_options(self):
        options = dict(self._task.args)
        options.pop(CURRENT, None)
        if _apply_action_arg_defaults is not None:
            options = _apply_action_arg_defaults(self.MODULE, self._task, options, self._templar)
        return options

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        options = self.module_options()
        if CURRENT in self._task.args:
            judged = {k: v for k, v in options.items() if k not in CONNECTION_OPTIONS}
            try:
                resource = self.gate(self._task.args[CURRENT], judged)
            except ReadGateError as error:
                result.update(failed=True, msg=f"{self._task.action}: {CURRENT}: {error}")
                return result
            if resource is not None:
                result.update(self.in_sync_result(resource))
                result["changed"] = False
                return result
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(module_name=self.MODULE, module_args=options,
                                                         task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
