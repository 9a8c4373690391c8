#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_irsa_role
short_description: Converge one IAM role for a Kubernetes service account (EKS IRSA) in as few IAM calls as possible
version_added: 0.2.0
description:
  - Creates, updates or deletes one IAM role with its trust policy, description, tags, attached managed
    policies and one named inline policy - what amazon.aws.iam_role and amazon.aws.iam_policy do in two
    tasks, in one task and fewer IAM reads.
  - "Reads when I(state=present): IAM C(GetRole) (trust policy, description, tags, maximum session
    duration), C(ListAttachedRolePolicies) (paginated) and, when I(inline_policy) is given,
    C(GetRolePolicy) of I(inline_policy_name) (C(NoSuchEntity) means the policy is absent). A run
    that changes nothing makes these 3 reads and no write; for a new role only C(GetRole) is read."
  - "Writes, each only when needed: C(CreateRole) (with the trust policy, description and tags),
    C(UpdateAssumeRolePolicy), C(UpdateRole) (description), C(TagRole)/C(UntagRole),
    C(AttachRolePolicy)/C(DetachRolePolicy), C(PutRolePolicy)/C(DeleteRolePolicy)."
  - "I(state=absent) reads C(GetRole), C(ListAttachedRolePolicies) and C(ListRolePolicies), detaches
    every managed policy, deletes every inline policy, then calls C(DeleteRole)."
  - Policy documents are compared by meaning, not by text (amazon.aws C(compare_policies)) - key order,
    the order of list items, a single string against a one-item list (C(Action), C(Resource),
    principals, condition values) and a document IAM returns URL-encoded or as a JSON string all
    compare equal to the same dict.
  - Calls are retried on throttling (amazon.aws C(AWSRetry.jittered_backoff)); the calls that follow a
    C(CreateRole) also retry C(NoSuchEntity) while IAM's new role propagates. Any other error fails the
    module with the role's name.
author:
  - Card platform team
options:
  name:
    description: Name of the role, 1-64 letters, digits and C(+=,.@_-).
    type: str
    required: true
    aliases: [role_name]
  description:
    description:
      - Description of the role (at most 1000 characters).
      - Omitted leaves an existing role's description alone.
    type: str
  assume_role_policy_document:
    description:
      - Trust policy of the role, a dict (for IRSA - C(sts:AssumeRoleWithWebIdentity) by the cluster's OIDC
        provider with C(sub) and C(aud) conditions).
      - Required with I(state=present); replaces the role's trust policy (C(UpdateAssumeRolePolicy)) when
        it differs in meaning.
    type: dict
  managed_policy_arns:
    description:
      - ARNs of the managed policies attached to the role, exactly. Policies attached to the role and not
        listed are detached.
      - Omitted leaves the role's attached policies alone.
      - A policy that does not exist fails the module with C(NoSuchEntity).
    type: list
    elements: str
  inline_policy_name:
    description:
      - Name of the one inline policy the module manages. Defaults to I(name).
      - Other inline policies of the role are left alone (as amazon.aws.iam_policy does); I(state=absent)
        deletes them all with the role.
    type: str
  inline_policy:
    description:
      - Document of the inline policy I(inline_policy_name), a dict. Put (C(PutRolePolicy)) when it
        differs in meaning from the role's.
      - C({}) means no such policy - deleted (C(DeleteRolePolicy)) when the role has it.
      - Omitted leaves the inline policies alone (and saves the C(GetRolePolicy) read).
    type: dict
  tags:
    description:
      - Tags of the role (at most 50). Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the role's tags not listed in I(tags) (only when I(tags) is given).
    type: bool
    default: true
  state:
    description: Whether the role exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode (reads only; the ARN of an existing role is returned, a role that would be
    created returns an empty I(iam_role)) and diff mode (before/after of the trust policy, description,
    managed policies, the inline policy and tags).
  - Instance profiles are not managed; deleting a role that is in an instance profile fails with
    C(DeleteConflict) (IRSA roles have none).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: IRSA role of the AWS Load Balancer Controller
  cardplatform.aws.iam_irsa_role:
    name: card-platform-us-east-1-aws-load-balancer-controller
    description: IRSA role of kube-system/aws-load-balancer-controller
    assume_role_policy_document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal:
            Federated: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringEquals:
              oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub: system:serviceaccount:kube-system:aws-load-balancer-controller
              oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud: sts.amazonaws.com
    managed_policy_arns: []
    inline_policy_name: aws-load-balancer-controller
    inline_policy: "{{ lookup('file', 'alb-policy.json') | from_json }}"
    tags:
      Project: card-platform
  register: irsa

- name: Delete it, with its policies
  cardplatform.aws.iam_irsa_role:
    name: card-platform-us-east-1-aws-load-balancer-controller
    state: absent
"""

RETURN = r"""
iam_role:
  description:
    - The role (amazon.aws.iam_role's main keys); empty when absent, and in check mode for a role that would
      be created.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the role.
      type: str
      sample: arn:aws:iam::123456789012:role/card-platform-us-east-1-external-secrets
    role_name:
      description: Name.
      type: str
    role_id:
      description: Stable unique ID.
      type: str
    path:
      description: Path.
      type: str
      sample: /
    create_date:
      description: Creation time, ISO 8601.
      type: str
    description:
      description: Description.
      type: str
    max_session_duration:
      description: Maximum session duration, in seconds.
      type: int
      sample: 3600
    assume_role_policy_document:
      description: Trust policy (keys as IAM has them).
      type: dict
    attached_policies:
      description: Attached managed policies.
      type: list
      elements: dict
      contains:
        policy_arn:
          description: ARN.
          type: str
        policy_name:
          description: Name.
          type: str
    inline_policy_name:
      description: Name of the inline policy the module manages.
      type: str
    inline_policy:
      description: Its document; C({}) when the role has none (or when I(inline_policy) was omitted).
      type: dict
    tags:
      description: Tags.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.iam import normalize_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cardplatform.aws.plugins.module_utils import iam
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags


class IrsaRoleManager(AWSResourceManager):
    service = "iam"

    def __init__(self, module):
        super().__init__(module, label=f"role {module.params['name']}")
        self.name = module.params["name"]
        self.policy_name = module.params["inline_policy_name"] or self.name

    # reads -----------------------------------------------------------------------------------
    def get_role(self):
        answer = self.call("get_role", "Couldn't read the role", iam.NOT_FOUND, RoleName=self.name)
        return answer["Role"] if answer else None

    def attached_arns(self):
        answer = self.paginate("list_attached_role_policies", "Couldn't list the role's managed policies",
                               RoleName=self.name)
        return sorted(p["PolicyArn"] for p in answer["AttachedPolicies"])

    def inline_document(self):
        answer = self.call("get_role_policy", "Couldn't read the role's inline policy", iam.NOT_FOUND,
                           RoleName=self.name, PolicyName=self.policy_name)
        return iam.policy_document(answer["PolicyDocument"]) if answer else {}

    def state_of(self, role, attached, inline):
        """The module's view (the diff's before/after); {} for no role."""
        if not role:
            return {}
        return {
            "assume_role_policy_document": iam.policy_document(role.get("AssumeRolePolicyDocument")),
            "description": role.get("Description", ""),
            "managed_policy_arns": attached,
            "inline_policy": {self.policy_name: inline} if inline else {},
            "tags": boto3_tag_list_to_ansible_dict(role.get("Tags", [])),
        }

    # present ---------------------------------------------------------------------------------
    def present(self):
        p = self.params
        role = self.get_role()
        if role is None:
            return self.create()
        attached = self.attached_arns()
        inline = self.inline_document() if p["inline_policy"] is not None else {}
        before = self.state_of(role, attached, inline)
        after = dict(before)
        writes = []  # (method, kwargs), in order

        trust = p["assume_role_policy_document"]
        if iam.policies_differ(before["assume_role_policy_document"], trust):
            after["assume_role_policy_document"] = trust
            writes.append(("update_assume_role_policy", dict(PolicyDocument=iam.policy_json(trust))))
        if p["description"] is not None and p["description"] != before["description"]:
            after["description"] = p["description"]
            writes.append(("update_role", dict(Description=p["description"])))
        if p["managed_policy_arns"] is not None:
            wanted = sorted(set(p["managed_policy_arns"]))
            writes += [("detach_role_policy", dict(PolicyArn=a)) for a in attached if a not in wanted]
            writes += [("attach_role_policy", dict(PolicyArn=a)) for a in wanted if a not in attached]
            after["managed_policy_arns"] = wanted
        if p["inline_policy"] is not None:
            if not p["inline_policy"]:
                if inline:
                    writes.append(("delete_role_policy", dict(PolicyName=self.policy_name)))
                after["inline_policy"] = {}
            elif not inline or iam.policies_differ(inline, p["inline_policy"]):
                writes.append(("put_role_policy", dict(PolicyName=self.policy_name,
                                                       PolicyDocument=iam.policy_json(p["inline_policy"]))))
                after["inline_policy"] = {self.policy_name: p["inline_policy"]}

        if not self.module.check_mode:
            for method, kwargs in writes:
                self.call(method, f"Couldn't {method.replace('_', ' ')}", RoleName=self.name, **kwargs)
        to_add, to_remove, after["tags"] = sync_tags(
            self.module.check_mode, before["tags"], p["tags"], p["purge_tags"],
            tag=lambda tags: self.call("tag_role", "Couldn't tag the role", RoleName=self.name,
                                       Tags=ansible_dict_to_boto3_tag_list(tags)),
            untag=lambda keys: self.call("untag_role", "Couldn't untag the role", RoleName=self.name, TagKeys=keys),
        )
        self.changed = bool(writes or to_add or to_remove)
        return before, after, self.result(role, after)

    def create(self):
        p = self.params
        inline = p["inline_policy"] or {}
        after = {
            "assume_role_policy_document": p["assume_role_policy_document"],
            "description": p["description"] or "",
            "managed_policy_arns": sorted(set(p["managed_policy_arns"] or [])),
            "inline_policy": {self.policy_name: inline} if inline else {},
            "tags": p["tags"] or {},
        }
        self.changed = True
        if self.module.check_mode:
            return {}, after, {}
        kwargs = dict(RoleName=self.name, AssumeRolePolicyDocument=iam.policy_json(p["assume_role_policy_document"]))
        if p["description"]:
            kwargs["Description"] = p["description"]
        if p["tags"]:
            kwargs["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
        role = self.call("create_role", "Couldn't create the role", **kwargs)["Role"]
        # A new role takes a moment to reach every IAM endpoint: NoSuchEntity is retried too.
        self.client = self.module.client(
            "iam", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=list(iam.NOT_FOUND))
        )
        for arn in after["managed_policy_arns"]:
            self.call("attach_role_policy", "Couldn't attach a managed policy", RoleName=self.name, PolicyArn=arn)
        if inline:
            self.call("put_role_policy", "Couldn't put the inline policy", RoleName=self.name,
                      PolicyName=self.policy_name, PolicyDocument=iam.policy_json(inline))
        return {}, after, self.result(role, after)

    def result(self, role, after):
        """amazon.aws.iam_role's main keys, from the role as read or created and the state ``after``."""
        if not role:
            return {}
        role = dict(role, AssumeRolePolicyDocument=after["assume_role_policy_document"],
                    Tags=ansible_dict_to_boto3_tag_list(after["tags"]))
        role.pop("RoleLastUsed", None)
        if after["description"]:
            role["Description"] = after["description"]
        result = normalize_iam_role(role)
        result["attached_policies"] = [
            {"policy_arn": arn, "policy_name": arn.rsplit("/", 1)[-1]} for arn in after["managed_policy_arns"]
        ]
        result["inline_policy_name"] = self.policy_name
        result["inline_policy"] = after["inline_policy"].get(self.policy_name, {})
        return result

    # absent ----------------------------------------------------------------------------------
    def absent(self):
        role = self.get_role()
        if role is None:
            return {}, {}, {}
        attached = self.attached_arns()
        names = self.paginate("list_role_policies", "Couldn't list the role's inline policies",
                              RoleName=self.name)["PolicyNames"]
        before = self.state_of(role, attached, {})
        before["inline_policy"] = {name: "(deleted with the role)" for name in sorted(names)}
        self.changed = True
        if not self.module.check_mode:
            for arn in attached:
                self.call("detach_role_policy", "Couldn't detach a managed policy", iam.NOT_FOUND,
                          RoleName=self.name, PolicyArn=arn)
            for name in names:
                self.call("delete_role_policy", "Couldn't delete an inline policy", iam.NOT_FOUND,
                          RoleName=self.name, PolicyName=name)
            self.call("delete_role", "Couldn't delete the role", iam.NOT_FOUND, RoleName=self.name)
        return before, {}, {}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["role_name"]),
        description=dict(type="str"),
        assume_role_policy_document=dict(type="dict"),
        managed_policy_arns=dict(type="list", elements="str"),
        inline_policy_name=dict(type="str"),
        inline_policy=dict(type="dict"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["assume_role_policy_document"])],
    )
    manager = IrsaRoleManager(module)
    before, after, role = manager.present() if module.params["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, iam_role=role)


if __name__ == "__main__":
    main()
