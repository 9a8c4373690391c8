# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eks role's outputs of its looped tasks (eks_outputs.addons, .nodegroups, .access_entries):
each entry from what the module returned, or, where it returned nothing (check mode, a task
that did not run), from what the inventory asked for.

eks_addon_outputs(results, previous={})
    results: the registered ``results`` of the cardplatform.aws.eks_addon loop over the
    eks_addons entries. previous: the outputs of an earlier phase, kept unless this one has the
    add-on too. {name: {version, status (PLANNED when not returned), arn,
    service_account_role_arn}}.

eks_nodegroup_outputs(results, polled={})
    results: the registered ``results`` of the cardplatform.aws.eks_nodegroup loop over the
    ec2_launch_template results (whose ``item`` is the eks_nodegroups entry). polled: the
    ``nodegroups`` of the eks_nodegroup_info wait, newer than what the module returned.
    {name: {instance_types, ami_type, min_size, max_size, desired_size, labels, taints,
    version, status (PLANNED when not returned), arn}}.

eks_access_entry_outputs(results)
    results: the registered ``results`` of the cardplatform.aws.eks_access_entry loop over
    eks_access_entries. {principal_arn: {arn, kubernetes_groups, access_policies (the policy ARNs)}}.

Results without the loop item (not a loop result) are left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def _results(results, name):
    if results is None:
        return []
    if not isinstance(results, (list, tuple)):
        raise AnsibleFilterError(f"{name}: expected the registered results of a loop, got {type(results).__name__}")
    return [r for r in results if isinstance(r, Mapping) and isinstance(r.get("item"), Mapping)]


def _dict(value):
    return value if isinstance(value, Mapping) else {}


def eks_addon_outputs(results, previous=None):
    out = dict(_dict(previous))
    for r in _results(results, "eks_addon_outputs"):
        want, addon = r["item"], _dict(r.get("addon"))
        out[want["name"]] = {
            "version": addon.get("addon_version", want.get("version")),
            "status": addon.get("status", "PLANNED"),
            "arn": addon.get("addon_arn", ""),
            "service_account_role_arn": addon.get("service_account_role_arn", want.get("service_account_role_arn", "")),
        }
    return out


def eks_nodegroup_outputs(results, polled=None):
    polled = _dict(polled)
    out = {}
    for r in _results(results, "eks_nodegroup_outputs"):
        want = r["item"].get("item")
        if not isinstance(want, Mapping):
            continue
        ng = _dict(polled[want["name"]] if want["name"] in polled else r.get("nodegroup"))
        scaling = _dict(ng.get("scaling_config"))
        out[want["name"]] = {
            "instance_types": ng.get("instance_types", want.get("instance_types")),
            "ami_type": ng.get("ami_type", want.get("ami_type")),
            "min_size": scaling.get("min_size", want.get("min_size")),
            "max_size": scaling.get("max_size", want.get("max_size")),
            "desired_size": scaling.get("desired_size", want.get("desired_size", want.get("min_size"))),
            "labels": ng.get("labels", want.get("labels", {})),
            "taints": ng.get("taints", want.get("taints", [])),
            "version": ng.get("version", ""),
            "status": ng.get("status", "PLANNED"),
            "arn": ng.get("nodegroup_arn", ""),
        }
    return out


def eks_access_entry_outputs(results):
    out = {}
    for r in _results(results, "eks_access_entry_outputs"):
        want, entry = r["item"], _dict(r.get("access_entry"))
        policies = entry.get("access_policies", want.get("access_policies", []))
        out[want["principal_arn"]] = {
            "arn": entry.get("access_entry_arn", ""),
            "kubernetes_groups": entry.get("kubernetes_groups", want.get("kubernetes_groups", [])),
            "access_policies": [_dict(p).get("policy_arn") for p in policies or []],
        }
    return out


class FilterModule:
    def filters(self):
        return {
            "eks_addon_outputs": eks_addon_outputs,
            "eks_nodegroup_outputs": eks_nodegroup_outputs,
            "eks_access_entry_outputs": eks_access_entry_outputs,
        }
