#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_addon
short_description: Manage an Amazon EKS add-on (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver ...)
version_added: 0.2.0
description:
  - Creates, updates or deletes one Amazon EKS add-on of a cluster (EKS C(CreateAddon),
    C(DescribeAddon), C(UpdateAddon), C(DeleteAddon), C(DescribeUpdate), C(TagResource),
    C(UntagResource)).
  - "AWS APIs per run: always one C(DescribeAddon). With I(state=present) and I(version) set,
    C(DescribeAddonVersions) (paginated, one call per page) checks the version before any write,
    only when the version would be written: the add-on does not exist yet, or its installed
    version differs from I(version). When I(kubernetes_version) is omitted, that check first
    reads the cluster's version with C(DescribeCluster). An add-on already at I(version) makes
    neither call (EKS accepted that version when it was installed): a no-op run is one read.
    Tags are compared with the C(tags) of the C(DescribeAddon) answer (no extra read).
    A create or update adds the write, the waiter's C(DescribeAddon) polls and a final
    C(DescribeAddon); a delete adds C(DeleteAddon) and the waiter's polls."
  - Written because neither amazon.aws (10.1) nor community.aws (10.0) has an EKS add-on module.
  - An existing add-on is changed in place with C(UpdateAddon) when its version, service
    account role or configuration values differ; tags are changed with C(TagResource) /
    C(UntagResource). The task waits for the add-on to be C(ACTIVE) (boto3 waiter
    C(addon_active)) or gone (C(addon_deleted)).
author:
  - Card platform team
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  name:
    description:
      - Add-on name as C(DescribeAddonVersions) lists it, e.g. C(vpc-cni), C(coredns),
        C(kube-proxy), C(aws-ebs-csi-driver).
    type: str
    required: true
  version:
    description:
      - Add-on version, e.g. C(v1.21.1-eksbuild.1); when it is written (new add-on, or a
        different installed version) it must be one C(DescribeAddonVersions) lists for the
        cluster's Kubernetes version, else the module fails before writing. An installed add-on
        already at this version is not checked again (no API call).
      - Omitted - EKS installs the default version for the cluster and the module never changes
        the version afterwards.
    type: str
  kubernetes_version:
    description:
      - The Kubernetes version I(version) must be offered for (C(DescribeAddonVersions)), e.g.
        C(1.35). Pass the version the cluster is being converged to, so that C(--check) of a
        cluster upgrade validates the changed add-on versions against the new version, not the
        running one.
      - Only used when I(version) is written (see I(version)); an add-on whose installed version
        equals I(version) is not checked against a new I(kubernetes_version); change I(version)
        together with a cluster upgrade to have it checked.
      - Omitted - the cluster's current version (C(DescribeCluster), read only when the check runs).
    type: str
  check_version:
    description:
      - Check I(version) with C(DescribeAddonVersions) even when the installed version already
        equals it. Set it while the cluster's Kubernetes version changes (the eks role does when
        its cluster update plan holds a C(VersionUpdate)), so that an add-on version not offered
        for the new I(kubernetes_version) fails before any write, also in check mode.
    type: bool
    default: false
  service_account_role_arn:
    description:
      - IAM role (IRSA) bound to the add-on's service account. Omitted leaves the current value;
        an empty string removes it (the add-on then uses the node role).
    type: str
  configuration_values:
    description:
      - Add-on configuration as a dict (sent as JSON) or a JSON/YAML string, validated by EKS
        against C(DescribeAddonConfiguration). Omitted leaves the current value; C({}) removes it.
      - Compared as parsed JSON, so key order and whitespace never cause an update.
    type: raw
  resolve_conflicts:
    description:
      - How EKS treats fields of a self-managed installation it takes over (C(CreateAddon)) or
        fields changed outside EKS (C(UpdateAddon)). AWS default C(NONE). C(PRESERVE) is only
        valid for updates; on creation it is sent as C(NONE).
    type: str
    choices: [OVERWRITE, NONE, PRESERVE]
    default: OVERWRITE
  preserve:
    description: With I(state=absent), keep the add-on's Kubernetes resources on the cluster (C(DeleteAddon) C(preserve)).
    type: bool
    default: false
  tags:
    description: Tags of the add-on. Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags).
    type: bool
    default: true
  state:
    description: Whether the add-on is installed.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait for C(ACTIVE) after a create or update, for the add-on to be gone after a delete.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait (Terraform's AWS provider waits 20 minutes to create, 20 to update, 40 to delete).
    type: int
    default: 1200
notes:
  - Supports check mode and diff mode.
  - An add-on in C(CREATE_FAILED) or C(DEGRADED) fails the wait with the add-on's health issues.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Install the VPC CNI with prefix delegation before the node groups
  cardplatform.aws.eks_addon:
    cluster_name: card-platform-production
    name: vpc-cni
    version: v1.21.1-eksbuild.1
    configuration_values:
      env:
        ENABLE_PREFIX_DELEGATION: "true"
    tags:
      Project: card-platform

- name: Remove the EBS CSI driver but keep its Kubernetes objects
  cardplatform.aws.eks_addon:
    cluster_name: card-platform-production
    name: aws-ebs-csi-driver
    preserve: true
    state: absent
"""

RETURN = r"""
addon:
  description: The add-on as DescribeAddon returns it, keys in snake case (tags keep their keys); empty when absent.
  returned: always
  type: dict
  contains:
    addon_name:
      description: Add-on name.
      type: str
    addon_version:
      description: Installed version.
      type: str
    status:
      description: CREATING, ACTIVE, UPDATING, DEGRADED, CREATE_FAILED ...
      type: str
    addon_arn:
      description: ARN of the add-on.
      type: str
    service_account_role_arn:
      description: IRSA role of the add-on's service account.
      type: str
    configuration_values:
      description: Configuration as a JSON string.
      type: str
    health:
      description: issues - the problems EKS reports.
      type: dict
updates:
  description: Updates started by this run (type and id).
  returned: always
  type: list
  elements: dict
"""

import copy
import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff


def parse_configuration(value):
    """Return the configuration as a Python value (None when not given, {} for empty)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    text = str(value).strip()
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        import yaml  # YAML is a superset of JSON; EKS accepts both

        return yaml.safe_load(text) or {}


class AddonManager(eks.EKSResourceManager):
    def __init__(self, module):
        super().__init__(module)
        self.updates = []
        self.ids = dict(clusterName=self.params["cluster_name"], addonName=self.params["name"])
        self.version_checked = False

    def what(self, action):
        return f"Couldn't {action} add-on {self.params['name']} of cluster {self.params['cluster_name']}"

    def get(self):
        return eks.describe(self.module, self.client, "addon", self.what("describe"), **self.ids)

    def cluster_version(self):
        cluster = eks.describe(
            self.module, self.client, "cluster", self.what("read the Kubernetes version for"), name=self.params["cluster_name"]
        )
        if cluster is None:
            self.module.fail_json(msg=f"Cluster {self.params['cluster_name']} does not exist")
        return cluster["version"]

    def check_version(self):
        """Fail before any write when the version is not offered for the cluster's Kubernetes version."""
        wanted = self.params["version"]
        if not wanted or self.version_checked:
            return
        self.version_checked = True
        k8s = self.params["kubernetes_version"] or self.cluster_version()
        pages = self.paginate(
            "describe_addon_versions", self.what("list the versions of"), addonName=self.params["name"], kubernetesVersion=k8s
        )
        offered = [v["addonVersion"] for a in pages.get("addons", []) for v in a.get("addonVersions", [])]
        if wanted not in offered:
            self.module.fail_json(
                msg=f"Add-on {self.params['name']} {wanted} is not offered for Kubernetes {k8s}; "
                f"DescribeAddonVersions lists: {', '.join(offered) or 'none'}"
            )

    def wait_addon(self, waiter_name):
        def timed_out(error):
            addon = (getattr(error, "last_response", None) or {}).get("addon", {})
            return (
                f"Add-on {self.params['name']} of cluster {self.params['cluster_name']} did not reach "
                f"{'ACTIVE' if waiter_name == 'addon_active' else 'deletion'} (status {addon.get('status')}, "
                f"health {addon.get('health', {}).get('issues')})"
            )

        self.wait(waiter_name, 10, timed_out, **self.ids)

    def create(self):
        p = self.params
        kwargs = dict(self.ids, resolveConflicts="NONE" if p["resolve_conflicts"] == "PRESERVE" else p["resolve_conflicts"])
        after = {"addon_name": p["name"], "cluster_name": p["cluster_name"], "status": "ACTIVE"}
        if p["version"]:
            self.check_version()
            kwargs["addonVersion"] = after["addon_version"] = p["version"]
        if p["service_account_role_arn"]:
            kwargs["serviceAccountRoleArn"] = after["service_account_role_arn"] = p["service_account_role_arn"]
        config = parse_configuration(p["configuration_values"])
        if config:
            kwargs["configurationValues"] = after["configuration_values"] = json.dumps(config, sort_keys=True)
        if p["tags"]:
            kwargs["tags"] = after["tags"] = p["tags"]
        self.changed = True
        if self.module.check_mode:
            return after
        self.call("create_addon", self.what("create"), **kwargs)
        self.wait_addon("addon_active")
        return eks.normalise(self.get())

    def update(self, current, after):
        p = self.params
        change = {}
        if p["version"] and p["version"] != current.get("addonVersion"):
            self.check_version()
            change["addonVersion"] = after["addon_version"] = p["version"]
        role = p["service_account_role_arn"]
        if role is not None and role != (current.get("serviceAccountRoleArn") or ""):
            change["serviceAccountRoleArn"] = role
            after["service_account_role_arn"] = role
        wanted_config = parse_configuration(p["configuration_values"])
        if wanted_config is not None:
            have_config = parse_configuration(current.get("configurationValues") or "")
            if wanted_config != have_config:
                change["configurationValues"] = json.dumps(wanted_config, sort_keys=True) if wanted_config else ""
                after["configuration_values"] = change["configurationValues"]
        if not change:
            return
        self.changed = True
        if self.module.check_mode:
            self.updates.append({"type": "AddonUpdate"})
            return
        update = self.call("update_addon", self.what("update"), resolveConflicts=p["resolve_conflicts"], **self.ids, **change)
        update = update["update"]
        self.updates.append({"type": update.get("type"), "id": update.get("id")})
        self.wait_addon("addon_active")

    def present(self):
        current = self.get()
        # Only a version that would be written is checked (DescribeAddonVersions), and before
        # any wait or write; an add-on already at the version costs no further read.
        if self.params["check_version"] or not current or current.get("addonVersion") != self.params["version"]:
            self.check_version()
        if not current:
            return {}, self.create()
        if current.get("status") in ("CREATING", "UPDATING"):
            self.wait_addon("addon_active")
            current = self.get() or current
        if current.get("status") == "DELETING":
            self.module.fail_json(msg=f"Add-on {self.params['name']} is being deleted; run again once it is gone")
        before = eks.normalise(current)
        after = copy.deepcopy(before)
        self.update(current, after)
        self.ensure_tags(current["addonArn"], current, after, self.what("tag"))
        if self.changed and not self.module.check_mode:
            after = eks.normalise(self.get())
        return before, after

    def absent(self):
        current = self.get()
        if not current:
            return {}, {}
        self.changed = True
        if not self.module.check_mode:
            if current.get("status") != "DELETING":
                self.call("delete_addon", self.what("delete"), eks.NOT_FOUND, preserve=self.params["preserve"], **self.ids)
            self.wait_addon("addon_deleted")
        return eks.normalise(current), {}


def main():
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        name=dict(type="str", required=True),
        version=dict(type="str"),
        kubernetes_version=dict(type="str"),
        check_version=dict(type="bool", default=False),
        service_account_role_arn=dict(type="str"),
        configuration_values=dict(type="raw"),
        resolve_conflicts=dict(type="str", default="OVERWRITE", choices=["OVERWRITE", "NONE", "PRESERVE"]),
        preserve=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1200),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["configuration_values"] is not None and not isinstance(module.params["configuration_values"], (dict, str)):
        module.fail_json(msg="configuration_values must be a dict or a JSON/YAML string")
    manager = AddonManager(module)
    before, after = manager.present() if module.params["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, addon=after, updates=manager.updates)


if __name__ == "__main__":
    main()
