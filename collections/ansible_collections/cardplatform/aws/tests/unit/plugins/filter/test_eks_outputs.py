# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the eks role's output filters (plugins/filter/eks_outputs.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.eks_outputs import (
    eks_access_entry_outputs,
    eks_addon_outputs,
    eks_nodegroup_outputs,
)

OPERATORS = "arn:aws:iam::123456789012:role/platform-operators"
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


def test_access_entries_from_the_module():
    results = [{
        "item": {"principal_arn": OPERATORS, "kubernetes_groups": ["wanted"], "access_policies": []},
        "access_entry": {"access_entry_arn": "arn:entry", "kubernetes_groups": ["ops"],
                         "access_policies": [{"policy_arn": ADMIN_POLICY, "access_scope": {"type": "cluster"}}]},
    }]
    assert eks_access_entry_outputs(results) == {
        OPERATORS: {"arn": "arn:entry", "kubernetes_groups": ["ops"], "access_policies": [ADMIN_POLICY]},
    }


def test_access_entries_planned_from_the_inventory():
    results = [
        {"item": {"principal_arn": OPERATORS, "access_policies": [{"policy_arn": ADMIN_POLICY}]}, "changed": True},
        {"item": {"principal_arn": "arn:other"}},
        {"changed": False, "msg": "not a loop result"},
    ]
    assert eks_access_entry_outputs(results) == {
        OPERATORS: {"arn": "", "kubernetes_groups": [], "access_policies": [ADMIN_POLICY]},
        "arn:other": {"arn": "", "kubernetes_groups": [], "access_policies": []},
    }


def test_addons_are_added_to_the_earlier_phase():
    before = {"vpc-cni": {"version": "v1.19.0-eksbuild.1", "status": "ACTIVE", "arn": "arn:cni", "service_account_role_arn": "arn:irsa"}}
    results = [
        {"item": {"name": "coredns", "version": "v1.11.4-eksbuild.2"},
         "addon": {"addon_version": "v1.11.4-eksbuild.2", "status": "ACTIVE", "addon_arn": "arn:dns"}},
        {"item": {"name": "aws-ebs-csi-driver", "version": "v1.38.1-eksbuild.1", "service_account_role_arn": "arn:ebs"}},
    ]
    assert eks_addon_outputs(results, before) == {
        **before,
        "coredns": {"version": "v1.11.4-eksbuild.2", "status": "ACTIVE", "arn": "arn:dns", "service_account_role_arn": ""},
        "aws-ebs-csi-driver": {"version": "v1.38.1-eksbuild.1", "status": "PLANNED", "arn": "", "service_account_role_arn": "arn:ebs"},
    }
    assert before["vpc-cni"]["status"] == "ACTIVE" and "coredns" not in before  # not changed in place


def test_an_addon_of_this_phase_replaces_the_earlier_entry():
    before = {"vpc-cni": {"version": "old", "status": "PLANNED", "arn": "", "service_account_role_arn": ""}}
    results = [{"item": {"name": "vpc-cni", "version": "new"}, "addon": {"status": "ACTIVE"}}]
    assert eks_addon_outputs(results, before)["vpc-cni"] == {"version": "new", "status": "ACTIVE", "arn": "", "service_account_role_arn": ""}
    assert eks_addon_outputs([]) == {}


WANT = {"name": "general", "instance_types": ["t3.xlarge"], "ami_type": "AL2023_x86_64_STANDARD", "min_size": 3, "max_size": 10}


def test_nodegroups_from_the_wait_then_the_module_then_the_inventory():
    results = [
        {"item": {"item": WANT, "template": {"launch_template_id": "lt-1"}},
         "nodegroup": {"status": "CREATING", "version": "1.31", "instance_types": ["t3.xlarge"]}},
        {"item": {"item": {**WANT, "name": "jit", "desired_size": 5, "labels": {"pool": "jit"}}, "template": {}},
         "nodegroup": {"status": "ACTIVE", "version": "1.31", "nodegroup_arn": "arn:jit", "labels": {"pool": "jit"},
                       "scaling_config": {"min_size": 3, "max_size": 10, "desired_size": 6}}},
        {"item": {"item": {**WANT, "name": "batch", "taints": [{"key": "batch", "effect": "NO_SCHEDULE"}]}}, "skipped": True},
        {"changed": False},
    ]
    polled = {"general": {"status": "ACTIVE", "version": "1.31", "nodegroup_arn": "arn:general",
                          "scaling_config": {"min_size": 3, "max_size": 10, "desired_size": 4}}}
    out = eks_nodegroup_outputs(results, polled)
    assert out["general"] == {
        "instance_types": ["t3.xlarge"], "ami_type": "AL2023_x86_64_STANDARD", "min_size": 3, "max_size": 10,
        "desired_size": 4, "labels": {}, "taints": [], "version": "1.31", "status": "ACTIVE", "arn": "arn:general",
    }
    assert out["jit"]["desired_size"] == 6 and out["jit"]["arn"] == "arn:jit" and out["jit"]["status"] == "ACTIVE"
    assert out["batch"] == {
        "instance_types": ["t3.xlarge"], "ami_type": "AL2023_x86_64_STANDARD", "min_size": 3, "max_size": 10,
        "desired_size": 3, "labels": {}, "taints": [{"key": "batch", "effect": "NO_SCHEDULE"}],
        "version": "", "status": "PLANNED", "arn": "",
    }
    assert list(out) == ["general", "jit", "batch"]


def test_nodegroups_without_a_wait():
    results = [{"item": {"item": {**WANT, "desired_size": 5}, "template": {}}}]
    assert eks_nodegroup_outputs(results)["general"]["desired_size"] == 5
    assert eks_nodegroup_outputs(results, {})["general"]["status"] == "PLANNED"


@pytest.mark.parametrize("name, call", [
    ("eks_addon_outputs", lambda: eks_addon_outputs({"results": []})),
    ("eks_nodegroup_outputs", lambda: eks_nodegroup_outputs("x")),
    ("eks_access_entry_outputs", lambda: eks_access_entry_outputs(42)),
])
def test_not_a_loop_result_is_an_error(name, call):
    with pytest.raises(AnsibleFilterError, match=f"{name}: expected the registered results of a loop"):
        call()
