#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_access_entry
short_description: Manage an Amazon EKS access entry and its access policy associations
version_added: 0.2.0
description:
  - Creates, updates or deletes the access entry of one IAM principal on an EKS cluster and the
    EKS access policies associated with it (EKS C(CreateAccessEntry), C(DescribeAccessEntry),
    C(UpdateAccessEntry), C(DeleteAccessEntry), C(AssociateAccessPolicy),
    C(DisassociateAccessPolicy), C(ListAssociatedAccessPolicies), C(TagResource), C(UntagResource)).
  - Access entries replace the C(aws-auth) ConfigMap; the cluster's authentication mode must be
    C(API) or C(API_AND_CONFIG_MAP) (cardplatform.aws.eks_cluster I(authentication_mode)).
  - Written because neither amazon.aws (10.1) nor community.aws (10.0) has an access entry module.
  - Access entry changes take effect at once on EKS; there is no status to wait for.
author:
  - Card platform team
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  principal_arn:
    description:
      - ARN of the IAM role or user (C(arn:aws:iam::111122223333:role/ops)). It must exist when the
        entry is created (EKS answers C(InvalidParameterException) "invalid principal" otherwise) and
        cannot be changed afterwards. Role ARNs may include a path; STS session ARNs are refused.
    type: str
    required: true
  type:
    description:
      - Access entry type (AWS default C(STANDARD)). Node types (C(EC2_LINUX), C(EC2_WINDOWS),
        C(FARGATE_LINUX), C(EC2), C(HYBRID_LINUX)) take no Kubernetes groups and no access policies.
        It cannot change after creation; a different type fails the task.
    type: str
    choices: [STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX]
    default: STANDARD
  kubernetes_groups:
    description:
      - Kubernetes groups the principal is in, for RoleBindings/ClusterRoleBindings you manage
        (must not start with C(system:)). Omitted leaves the current groups.
    type: list
    elements: str
  username:
    description:
      - Kubernetes user name. Omitted - EKS derives one from the principal and keeps it; the module
        only changes it when given.
    type: str
  access_policies:
    description:
      - EKS access policies associated with the entry (C(AssociateAccessPolicy)). Omitted leaves the
        associations alone; a list is the complete set - policies not in it are disassociated.
    type: list
    elements: dict
    suboptions:
      policy_arn:
        description: C(arn:aws:eks::aws:cluster-access-policy/<name>), e.g. C(AmazonEKSClusterAdminPolicy), C(AmazonEKSViewPolicy).
        type: str
        required: true
      access_scope:
        description: Where the policy applies.
        type: dict
        default: {type: cluster}
        suboptions:
          type:
            description: C(cluster) for the whole cluster, C(namespace) for the listed namespaces.
            type: str
            choices: [cluster, namespace]
            default: cluster
          namespaces:
            description: Namespaces (wildcard suffix C(*) allowed) with I(type=namespace).
            type: list
            elements: str
            default: []
  tags:
    description: Tags of the access entry. Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags).
    type: bool
    default: true
  state:
    description: Whether the access entry exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Give the operators' role cluster admin through an access entry
  cardplatform.aws.eks_access_entry:
    cluster_name: card-platform-production
    principal_arn: arn:aws:iam::123456789012:role/platform-operators
    kubernetes_groups: [platform-operators]
    access_policies:
      - policy_arn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
        access_scope: {type: cluster}
    tags:
      Project: card-platform

- name: Read-only access to the app namespaces for auditors
  cardplatform.aws.eks_access_entry:
    cluster_name: card-platform-production
    principal_arn: arn:aws:iam::123456789012:role/auditors
    access_policies:
      - policy_arn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
        access_scope: {type: namespace, namespaces: [card-*]}
"""

RETURN = r"""
access_entry:
  description: The entry as DescribeAccessEntry returns it (snake case, tags keep their keys) plus C(access_policies); empty when absent.
  returned: always
  type: dict
  contains:
    principal_arn:
      description: IAM principal.
      type: str
    access_entry_arn:
      description: ARN of the access entry.
      type: str
    kubernetes_groups:
      description: Kubernetes groups.
      type: list
    username:
      description: Kubernetes user name.
      type: str
    type:
      description: Access entry type.
      type: str
    access_policies:
      description: Associated policies - policy_arn and access_scope (type, namespaces).
      type: list
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff


def scope_key(scope):
    return {"type": scope.get("type", "cluster"), "namespaces": sorted(scope.get("namespaces") or [])}


def normalise(entry, policies):
    if not entry:
        return {}
    result = eks.normalise(entry)
    result["access_policies"] = [
        {"policy_arn": p["policyArn"], "access_scope": scope_key(p.get("accessScope") or {})}
        for p in sorted(policies, key=lambda p: p["policyArn"])
    ]
    return result


class AccessEntryManager(eks.EKSResourceManager):
    def __init__(self, module):
        super().__init__(module)
        self.ids = dict(clusterName=self.params["cluster_name"], principalArn=self.params["principal_arn"])

    def what(self, action):
        return f"Couldn't {action} access entry {self.params['principal_arn']} of cluster {self.params['cluster_name']}"

    def get(self):
        # A CONFIG_MAP cluster has no access entries (InvalidRequestException). In check mode the
        # authentication mode change that precedes this task was only planned: report the entry as new.
        missing = eks.NOT_FOUND + (("InvalidRequestException",) if self.module.check_mode else ())
        entry = eks.describe(self.module, self.client, "access_entry", self.what("describe"), missing, **self.ids)
        if entry is None:
            return None, []
        if entry.get("type", "STANDARD") != "STANDARD":
            return entry, []
        policies = self.paginate("list_associated_access_policies", self.what("list the access policies of"), **self.ids)
        return entry, policies.get("associatedAccessPolicies", [])

    def wanted_policies(self):
        if self.params["access_policies"] is None:
            return None
        wanted = {}
        for policy in self.params["access_policies"]:
            scope = policy.get("access_scope") or {"type": "cluster"}
            if scope.get("type") == "namespace" and not scope.get("namespaces"):
                self.module.fail_json(msg=f"access_policies[{policy['policy_arn']}]: a namespace access scope needs namespaces")
            if scope.get("type", "cluster") == "cluster" and scope.get("namespaces"):
                self.module.fail_json(msg=f"access_policies[{policy['policy_arn']}]: a cluster access scope takes no namespaces")
            wanted[policy["policy_arn"]] = scope_key(scope)
        return wanted

    def ensure_policies(self, current_policies, wanted):
        if wanted is None:
            return
        have = {p["policyArn"]: scope_key(p.get("accessScope") or {}) for p in current_policies}
        for arn, scope in sorted(wanted.items()):
            if have.get(arn) == scope:
                continue
            self.changed = True
            if self.module.check_mode:
                continue
            access_scope = {"type": scope["type"]}
            if scope["namespaces"]:
                access_scope["namespaces"] = scope["namespaces"]
            self.call(
                "associate_access_policy", self.what(f"associate {arn} with"), policyArn=arn, accessScope=access_scope, **self.ids
            )
        for arn in sorted(set(have) - set(wanted)):
            self.changed = True
            if self.module.check_mode:
                continue
            self.call("disassociate_access_policy", self.what(f"disassociate {arn} from"), eks.NOT_FOUND, policyArn=arn, **self.ids)

    def create(self, wanted):
        p = self.params
        kwargs = dict(self.ids, type=p["type"])
        if p["kubernetes_groups"]:
            kwargs["kubernetesGroups"] = p["kubernetes_groups"]
        if p["username"]:
            kwargs["username"] = p["username"]
        if p["tags"]:
            kwargs["tags"] = p["tags"]
        self.changed = True
        if self.module.check_mode:
            after = {"principal_arn": p["principal_arn"], "cluster_name": p["cluster_name"], "type": p["type"],
                     "kubernetes_groups": p["kubernetes_groups"] or [], "tags": p["tags"] or {}}
            after["access_policies"] = [{"policy_arn": a, "access_scope": s} for a, s in sorted((wanted or {}).items())]
            return after
        self.call("create_access_entry", self.what("create"), **kwargs)
        self.ensure_policies([], wanted)
        return normalise(*self.get())

    def update(self, current, after):
        p = self.params
        change = {}
        if p["kubernetes_groups"] is not None and sorted(p["kubernetes_groups"]) != sorted(current.get("kubernetesGroups") or []):
            change["kubernetesGroups"] = p["kubernetes_groups"]
            after["kubernetes_groups"] = p["kubernetes_groups"]
        if p["username"] and p["username"] != current.get("username"):
            change["username"] = after["username"] = p["username"]
        if not change:
            return
        self.changed = True
        if self.module.check_mode:
            return
        self.call("update_access_entry", self.what("update"), **self.ids, **change)

    def present(self):
        p = self.params
        wanted = self.wanted_policies()
        if p["type"] != "STANDARD" and (p["kubernetes_groups"] or wanted):
            self.module.fail_json(msg=f"An access entry of type {p['type']} takes no kubernetes_groups and no access_policies")
        current, policies = self.get()
        if not current:
            return {}, self.create(wanted)
        if current.get("type", "STANDARD") != p["type"]:
            self.module.fail_json(
                msg=f"Access entry {p['principal_arn']} has type {current.get('type')}; EKS cannot change it to {p['type']} "
                "(delete the entry first)"
            )
        before = normalise(current, policies)
        after = copy.deepcopy(before)
        self.update(current, after)
        self.ensure_tags(current["accessEntryArn"], current, after, self.what("tag"))
        if wanted is not None:
            self.ensure_policies(policies, wanted)
            after["access_policies"] = [{"policy_arn": a, "access_scope": s} for a, s in sorted(wanted.items())]
        if self.changed and not self.module.check_mode:
            after = normalise(*self.get())
        return before, after

    def absent(self):
        current, policies = self.get()
        if not current:
            return {}, {}
        self.changed = True
        if not self.module.check_mode:
            self.call("delete_access_entry", self.what("delete"), eks.NOT_FOUND, **self.ids)
        return normalise(current, policies), {}


def main():
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        principal_arn=dict(type="str", required=True),
        type=dict(
            type="str",
            default="STANDARD",
            choices=["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX"],
        ),
        kubernetes_groups=dict(type="list", elements="str"),
        username=dict(type="str"),
        access_policies=dict(
            type="list",
            elements="dict",
            options=dict(
                policy_arn=dict(type="str", required=True),
                access_scope=dict(
                    type="dict",
                    default={"type": "cluster"},
                    options=dict(
                        type=dict(type="str", default="cluster", choices=["cluster", "namespace"]),
                        namespaces=dict(type="list", elements="str", default=[]),
                    ),
                ),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    manager = AccessEntryManager(module)
    before, after = manager.present() if module.params["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, access_entry=after)


if __name__ == "__main__":
    main()
