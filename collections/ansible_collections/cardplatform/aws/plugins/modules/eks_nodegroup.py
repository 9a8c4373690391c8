#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_nodegroup
short_description: Manage an EKS managed node group
version_added: 0.1.0
description:
  - Creates, updates or deletes an Amazon EKS managed node group (EKS C(CreateNodegroup),
    C(DescribeNodegroup), C(UpdateNodegroupConfig), C(UpdateNodegroupVersion),
    C(DeleteNodegroup), C(TagResource), C(UntagResource)).
  - Written because C(community.aws.eks_nodegroup) (10.0) rejects the AL2023 AMI types, compares
    subnets as ordered lists and cannot roll a node group to a new Kubernetes version.
  - Scaling - I(desired_size) is used when the group is created. Afterwards the desired size
    belongs to the cluster autoscaler - the module only moves it into the new
    [I(min_size), I(max_size)] range when it falls outside (so raising I(min_size) above the
    current desired size raises the desired size instead of failing). Set
    I(enforce_desired_size=true) to set it on every run.
  - Labels, taints, scaling and update configuration are changed in place; the AMI type,
    instance types, subnets, node role, capacity type and disk size cannot change and a
    difference fails the task naming the attribute (replace the node group instead).
author:
  - Card platform team
options:
  name:
    description: Name of the node group.
    type: str
    required: true
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  node_role:
    description: ARN of the IAM role of the nodes. Required to create.
    type: str
  subnets:
    description: Subnet IDs the nodes run in. Required to create.
    type: list
    elements: str
  instance_types:
    description: EC2 instance types (AWS default C(t3.medium)).
    type: list
    elements: str
  ami_type:
    description:
      - AMI type, for example C(AL2023_x86_64_STANDARD) or C(AL2023_ARM_64_STANDARD).
        Passed to AWS unchecked so new AMI types need no module change.
    type: str
  capacity_type:
    description: ON_DEMAND or SPOT (AWS default ON_DEMAND).
    type: str
    choices: [ON_DEMAND, SPOT, CAPACITY_BLOCK]
    default: ON_DEMAND
  disk_size:
    description: Root volume size in GiB (AWS default 20). Not allowed with I(launch_template).
    type: int
  min_size:
    description: Minimum number of nodes. Required when I(state=present).
    type: int
  max_size:
    description: Maximum number of nodes. Required when I(state=present).
    type: int
  desired_size:
    description: Desired number of nodes at creation; defaults to I(min_size). See the description for updates.
    type: int
  enforce_desired_size:
    description: Set the desired size to I(desired_size) on every run instead of leaving it to the autoscaler.
    type: bool
    default: false
  max_unavailable:
    description: Nodes that may be unavailable during an update (AWS default 1). Mutually exclusive with I(max_unavailable_percentage).
    type: int
  max_unavailable_percentage:
    description: Percentage of nodes that may be unavailable during an update.
    type: int
  labels:
    description: Kubernetes labels of the nodes. Labels not listed are removed.
    type: dict
    default: {}
  taints:
    description: Kubernetes taints of the nodes. Taints not listed are removed.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description: Taint key.
        type: str
        required: true
        no_log: false
      value:
        description: Taint value.
        type: str
      effect:
        description: Taint effect, in the EKS API's spelling.
        type: str
        required: true
        choices: [NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE]
  launch_template:
    description: Launch template (I(id) or I(name), and I(version)). A new version rolls the nodes.
    type: dict
    suboptions:
      id:
        description: Launch template ID.
        type: str
      name:
        description: Launch template name.
        type: str
      version:
        description: Launch template version (a number as a string).
        type: str
  version:
    description:
      - Kubernetes version of the nodes (AWS default - the cluster's). When it differs from the
        node group's, the module calls UpdateNodegroupVersion and waits; upgrade the control
        plane first.
    type: str
  tags:
    description: Tags of the node group. Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags).
    type: bool
    default: true
  state:
    description: Whether the node group exists.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait for ACTIVE (or deletion) after a change.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait; Terraform's AWS provider uses 3600 for node groups.
    type: int
    default: 3600
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the JIT node group on Graviton
  cardplatform.aws.eks_nodegroup:
    name: jit
    cluster_name: card-platform-production
    node_role: arn:aws:iam::123456789012:role/card-platform-production-eks-node
    subnets: [subnet-aaaa, subnet-bbbb, subnet-cccc]
    instance_types: [c6g.2xlarge]
    ami_type: AL2023_ARM_64_STANDARD
    min_size: 5
    max_size: 20
    labels:
      workload: jit
    taints:
      - key: workload
        value: jit
        effect: NO_SCHEDULE
"""

RETURN = r"""
nodegroup:
  description: The node group as DescribeNodegroup returns it, keys in snake case (labels and tags keep their keys).
  returned: when state is present
  type: dict
  contains:
    nodegroup_name:
      description: Name.
      type: str
    nodegroup_arn:
      description: ARN.
      type: str
    status:
      description: ACTIVE, CREATING, UPDATING, ...
      type: str
    scaling_config:
      description: min_size, max_size, desired_size.
      type: dict
    instance_types:
      description: Instance types.
      type: list
    ami_type:
      description: AMI type.
      type: str
    labels:
      description: Labels.
      type: dict
    taints:
      description: Taints.
      type: list
    version:
      description: Kubernetes version.
      type: str
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff


def normalise(nodegroup):
    return eks.normalise(nodegroup, keep=("labels", "tags"))


def taint_key(taint):
    return (taint["key"], taint.get("value") or "", taint["effect"])


class NodegroupManager(eks.EKSResourceManager):
    def __init__(self, module):
        super().__init__(module)
        self.name = self.params["name"]
        self.ids = {"clusterName": self.params["cluster_name"], "nodegroupName": self.name}

    def get(self):
        return eks.describe(self.module, self.client, "nodegroup", f"Couldn't describe node group {self.name}", **self.ids)

    def wait_nodegroup(self, waiter_name):
        self.wait(waiter_name, 15, f"Timed out waiting for node group {self.name} ({waiter_name})", **self.ids)

    def _taints(self):
        return [
            {k: v for k, v in (("key", t["key"]), ("value", t.get("value")), ("effect", t["effect"])) if v is not None}
            for t in self.params["taints"]
        ]

    def _update_config(self):
        if self.params["max_unavailable"] is not None:
            return {"maxUnavailable": self.params["max_unavailable"]}
        if self.params["max_unavailable_percentage"] is not None:
            return {"maxUnavailablePercentage": self.params["max_unavailable_percentage"]}
        return None

    def _launch_template(self):
        lt = self.params["launch_template"]
        if not lt:
            return None
        return {k: v for k, v in (("id", lt.get("id")), ("name", lt.get("name")), ("version", lt.get("version"))) if v}

    def create(self):
        p = self.params
        for required in ("node_role", "subnets"):
            if not p[required]:
                self.module.fail_json(msg=f"{required} is required to create node group {p['name']}")
        desired = p["desired_size"] if p["desired_size"] is not None else p["min_size"]
        kwargs = {
            "clusterName": p["cluster_name"],
            "nodegroupName": p["name"],
            "nodeRole": p["node_role"],
            "subnets": p["subnets"],
            "scalingConfig": {"minSize": p["min_size"], "maxSize": p["max_size"], "desiredSize": desired},
            "capacityType": p["capacity_type"],
            "labels": p["labels"],
            "taints": self._taints(),
        }
        optional = {
            "instanceTypes": p["instance_types"],
            "amiType": p["ami_type"],
            "diskSize": p["disk_size"],
            "updateConfig": self._update_config(),
            "launchTemplate": self._launch_template(),
            "version": p["version"],
            "tags": p["tags"],
        }
        kwargs.update({k: v for k, v in optional.items() if v})
        self.changed = True
        if self.module.check_mode:
            return {}
        self.call("create_nodegroup", f"Couldn't create node group {p['name']}", **kwargs)
        self.wait_nodegroup("nodegroup_active")
        return normalise(self.get())

    def check_immutable(self, current):
        p = self.params
        checks = (
            ("node_role", p["node_role"], current.get("nodeRole")),
            ("ami_type", p["ami_type"], current.get("amiType")),
            ("capacity_type", p["capacity_type"], current.get("capacityType")),
            ("disk_size", p["disk_size"], current.get("diskSize")),
        )
        for name, wanted, actual in checks:
            if wanted is not None and actual is not None and wanted != actual:
                self.module.fail_json(
                    msg=f"Node group {p['name']}: {name} cannot change ({actual} -> {wanted}); replace the node group"
                )
        if (
            p["instance_types"]
            and current.get("instanceTypes")
            and sorted(p["instance_types"]) != sorted(current["instanceTypes"])
        ):
            self.module.fail_json(
                msg=f"Node group {p['name']}: instance_types cannot change ({current['instanceTypes']} -> {p['instance_types']}); replace the node group"
            )
        if p["subnets"] and set(p["subnets"]) != set(current.get("subnets", [])):
            self.module.fail_json(msg=f"Node group {p['name']}: subnets cannot change; replace the node group")

    def config_changes(self, current):
        p = self.params
        update = {}
        scaling = current.get("scalingConfig", {})
        desired = scaling.get("desiredSize", p["min_size"])
        if p["enforce_desired_size"] and p["desired_size"] is not None:
            desired = p["desired_size"]
        desired = min(max(desired, p["min_size"]), p["max_size"])
        wanted_scaling = {"minSize": p["min_size"], "maxSize": p["max_size"], "desiredSize": desired}
        if {k: scaling.get(k) for k in wanted_scaling} != wanted_scaling:
            update["scalingConfig"] = wanted_scaling
        wanted_update_config = self._update_config()
        if wanted_update_config:
            current_uc = {
                k: v
                for k, v in current.get("updateConfig", {}).items()
                if k in ("maxUnavailable", "maxUnavailablePercentage")
            }
            if current_uc != wanted_update_config:
                update["updateConfig"] = wanted_update_config
        current_labels = current.get("labels") or {}
        add_labels = {k: v for k, v in p["labels"].items() if current_labels.get(k) != v}
        remove_labels = [k for k in current_labels if k not in p["labels"]]
        if add_labels or remove_labels:
            update["labels"] = {}
            if add_labels:
                update["labels"]["addOrUpdateLabels"] = add_labels
            if remove_labels:
                update["labels"]["removeLabels"] = remove_labels
        # Kubernetes identifies a taint by key and effect; the value is updated in place.
        current_taints = {taint_key(t)[::2]: t for t in current.get("taints") or []}
        wanted_taints = {taint_key(t)[::2]: t for t in self._taints()}
        add_taints = [
            t
            for k, t in wanted_taints.items()
            if k not in current_taints or taint_key(current_taints[k]) != taint_key(t)
        ]
        remove_taints = [t for k, t in current_taints.items() if k not in wanted_taints]
        if add_taints or remove_taints:
            update["taints"] = {}
            if add_taints:
                update["taints"]["addOrUpdateTaints"] = add_taints
            if remove_taints:
                update["taints"]["removeTaints"] = remove_taints
        return update

    def version_changes(self, current):
        update = {}
        if self.params["version"] and self.params["version"] != current.get("version"):
            update["version"] = self.params["version"]
        lt = self._launch_template()
        if lt and lt.get("version") and str(current.get("launchTemplate", {}).get("version")) != lt["version"]:
            update["launchTemplate"] = lt
        return update

    def present(self):
        current = self.get()
        if not current:
            return {}, self.create()
        before = normalise(current)
        self.check_immutable(current)
        config = self.config_changes(current)
        versions = self.version_changes(current)
        tagged = self.ensure_tags(current["nodegroupArn"], current, {}, f"Couldn't tag node group {self.name}")
        if not (config or versions or tagged):
            return before, before
        self.changed = True
        if self.module.check_mode:
            after = dict(before)
            if "scalingConfig" in config:
                after["scaling_config"] = camel_dict_to_snake_dict(config["scalingConfig"])
            if "labels" in config:
                after["labels"] = dict(self.params["labels"])
            if "taints" in config:
                after["taints"] = self._taints()
            if "version" in versions:
                after["version"] = versions["version"]
            if tagged:
                after["tags"] = self.params["tags"]
            return before, after
        for method, change in (("update_nodegroup_config", config), ("update_nodegroup_version", versions)):
            if change:
                self.wait_nodegroup("nodegroup_active")
                self.call(method, f"Couldn't update node group {self.name}", **self.ids, **change)
                self.wait_nodegroup("nodegroup_active")
        return before, normalise(self.get())

    def absent(self):
        current = self.get()
        if not current:
            return {}, {}
        self.changed = True
        if not self.module.check_mode:
            self.call("delete_nodegroup", f"Couldn't delete node group {self.name}", **self.ids)
            self.wait_nodegroup("nodegroup_deleted")
        return normalise(current), {}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        cluster_name=dict(type="str", required=True),
        node_role=dict(type="str"),
        subnets=dict(type="list", elements="str"),
        instance_types=dict(type="list", elements="str"),
        ami_type=dict(type="str"),
        capacity_type=dict(type="str", default="ON_DEMAND", choices=["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"]),
        disk_size=dict(type="int"),
        min_size=dict(type="int"),
        max_size=dict(type="int"),
        desired_size=dict(type="int"),
        enforce_desired_size=dict(type="bool", default=False),
        max_unavailable=dict(type="int"),
        max_unavailable_percentage=dict(type="int"),
        labels=dict(type="dict", default={}),
        taints=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                key=dict(type="str", required=True, no_log=False),
                value=dict(type="str"),
                effect=dict(type="str", required=True, choices=["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]),
            ),
        ),
        launch_template=dict(
            type="dict", options=dict(id=dict(type="str"), name=dict(type="str"), version=dict(type="str"))
        ),
        version=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[["state", "present", ["min_size", "max_size"]]],
        mutually_exclusive=[["max_unavailable", "max_unavailable_percentage"], ["disk_size", "launch_template"]],
    )
    p = module.params
    if p["state"] == "present":
        if p["min_size"] < 0 or p["min_size"] > p["max_size"]:
            module.fail_json(msg=f"min_size ({p['min_size']}) must be between 0 and max_size ({p['max_size']})")
        if p["desired_size"] is not None and not p["min_size"] <= p["desired_size"] <= p["max_size"]:
            module.fail_json(msg=f"desired_size ({p['desired_size']}) must be between min_size and max_size")
    manager = NodegroupManager(module)
    before, after = manager.present() if p["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, nodegroup=after)


if __name__ == "__main__":
    main()
