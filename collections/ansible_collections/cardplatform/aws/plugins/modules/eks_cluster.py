#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_cluster
short_description: Manage an EKS cluster with endpoint access, logging, encryption and version upgrades
version_added: 0.1.0
description:
  - Creates, updates or deletes an Amazon EKS cluster (EKS C(CreateCluster), C(DescribeCluster),
    C(UpdateClusterConfig), C(UpdateClusterVersion), C(DescribeUpdate), C(AssociateEncryptionConfig),
    C(DeleteCluster), C(TagResource), C(UntagResource)); C(UpdateClusterConfig) also changes the
    authentication mode (C(accessConfig)).
  - Written because C(community.aws.eks_cluster) (10.0) has no options for endpoint access,
    control-plane logging or envelope encryption, cannot upgrade the Kubernetes version and
    does not update tags.
  - Version - a higher I(version) upgrades the control plane one minor version at a time (the
    only step EKS allows), waiting for each update to succeed; a lower one fails. Node groups
    are upgraded separately, after the control plane (cardplatform.aws.eks_nodegroup).
  - Endpoint access, public access CIDRs, subnets and security groups, and logging are changed
    in place with C(UpdateClusterConfig), each as its own update followed by a wait.
  - Envelope encryption of Secrets can be added to a cluster but never changed or removed; a
    different key fails the task.
author:
  - Card platform team
options:
  name:
    description: Name of the cluster.
    type: str
    required: true
  version:
    description: Kubernetes version (C(1.35)). AWS default - the latest EKS version.
    type: str
  role_arn:
    description: ARN of the cluster IAM role. Required to create.
    type: str
  subnets:
    description: Subnet IDs of the control plane ENIs (at least two AZs). Required to create.
    type: list
    elements: str
  security_groups:
    description: Additional security group IDs of the control plane ENIs.
    type: list
    elements: str
    default: []
  endpoint_private_access:
    description: Reach the API server from inside the VPC (AWS default false).
    type: bool
    default: true
  endpoint_public_access:
    description: Reach the API server from the internet (AWS default true).
    type: bool
    default: false
  public_access_cidrs:
    description: CIDRs allowed to the public endpoint (AWS default 0.0.0.0/0). Only with I(endpoint_public_access=true).
    type: list
    elements: str
  logging_types:
    description: Control-plane log types sent to CloudWatch Logs (AWS default none).
    type: list
    elements: str
    choices: [api, audit, authenticator, controllerManager, scheduler]
    default: []
  encryption_kms_key_arn:
    description: KMS key ARN for envelope encryption of Kubernetes Secrets (AWS default - none).
    type: str
  authentication_mode:
    description:
      - How the cluster authenticates IAM principals - C(CONFIG_MAP) (the aws-auth ConfigMap only,
        the API default), C(API_AND_CONFIG_MAP) or C(API) (access entries only,
        cardplatform.aws.eks_access_entry).
      - Changed in place with C(UpdateClusterConfig) C(accessConfig) (update type
        C(AccessConfigUpdate)), one step at a time (CONFIG_MAP, API_AND_CONFIG_MAP, API); EKS cannot
        go back, so a lower mode than the cluster's fails the task.
      - Omitted leaves the cluster's mode alone (AWS default at creation C(CONFIG_MAP)).
    type: str
    choices: [API, API_AND_CONFIG_MAP, CONFIG_MAP]
  bootstrap_cluster_creator_admin_permissions:
    description:
      - At creation only - give the IAM principal that creates the cluster a cluster-admin access
        entry (AWS default true). Ignored for an existing cluster (EKS cannot change it).
    type: bool
  tags:
    description: Tags of the cluster. Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags).
    type: bool
    default: true
  state:
    description: Whether the cluster exists.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait for ACTIVE (or deletion) after each change.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait per change; Terraform's AWS provider uses 1800 to create and 3600 to update.
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
- name: Create a private cluster with audit logging and Secrets encryption
  cardplatform.aws.eks_cluster:
    name: card-platform-production
    version: "1.35"
    role_arn: arn:aws:iam::123456789012:role/card-platform-production-eks-cluster
    subnets: [subnet-aaaa, subnet-bbbb, subnet-cccc]
    security_groups: [sg-0123456789abcdef0]
    endpoint_private_access: true
    endpoint_public_access: false
    logging_types: [api, audit, authenticator]
    encryption_kms_key_arn: arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555
"""

RETURN = r"""
cluster:
  description: The cluster as DescribeCluster returns it, keys in snake case (tags keep their keys).
  returned: when state is present
  type: dict
  contains:
    arn:
      description: Cluster ARN.
      type: str
    version:
      description: Kubernetes version.
      type: str
    endpoint:
      description: API server URL.
      type: str
    certificate_authority:
      description: data - base64 CA bundle.
      type: dict
    identity:
      description: oidc.issuer - the OIDC issuer URL (for IRSA).
      type: dict
    resources_vpc_config:
      description: subnet_ids, security_group_ids, cluster_security_group_id, vpc_id, endpoint access.
      type: dict
    logging:
      description: cluster_logging - enabled and disabled log types.
      type: dict
    access_config:
      description: authentication_mode and bootstrap_cluster_creator_admin_permissions.
      type: dict
    status:
      description: ACTIVE, CREATING, UPDATING ...
      type: str
updates:
  description: Updates started by this run (type and id).
  returned: always
  type: list
  elements: dict
replacement_needed:
  description:
    - On failure, the changes EKS cannot make to an existing cluster (a lower version, another
      Secrets encryption key, an authentication mode back to an earlier one), each as
      C(setting (current -> requested)). Also in check mode, so a read can refuse them first.
  returned: when such a change is refused
  type: list
  elements: str
  sample: ["version (1.31 -> 1.30)"]
"""

import copy

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.versions import version_tuple

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
# EKS moves only forward through these (a cluster never returns to the aws-auth ConfigMap alone).
AUTHENTICATION_MODES = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]


def enabled_log_types(cluster):
    enabled = set()
    for entry in (cluster.get("logging") or {}).get("clusterLogging", []):
        if entry.get("enabled"):
            enabled.update(entry.get("types", []))
    return enabled


class ClusterManager(eks.EKSResourceManager):
    def __init__(self, module):
        super().__init__(module)
        self.name = self.params["name"]
        self.updates = []

    def get(self):
        return eks.describe(self.module, self.client, "cluster", f"Couldn't describe cluster {self.name}", name=self.name)

    def wait_cluster(self, waiter_name="cluster_active"):
        self.wait(waiter_name, 20, f"Timed out waiting for cluster {self.name} ({waiter_name})", name=self.name)

    def wait_update(self, update_id):
        if not self.params["wait"]:
            return
        self.wait_for(
            "cluster_active", 20, f"Timed out waiting for update {update_id} of cluster {self.name}", name=self.name
        )
        update = self.call("describe_update", f"Couldn't describe update {update_id}", name=self.name, updateId=update_id)
        update = update["update"]
        if update.get("status") not in ("Successful", "InProgress"):
            self.module.fail_json(
                msg=f"Update {update_id} ({update.get('type')}) of cluster {self.name} ended {update.get('status')}",
                update=camel_dict_to_snake_dict(update),
            )

    def _call_update(self, kind, method, **kwargs):
        self.changed = True
        if self.module.check_mode:
            self.updates.append({"type": kind})
            return
        self.wait_cluster()
        update = self.call(method, f"Couldn't apply {kind} to cluster {self.name}", name=self.name, **kwargs)["update"]
        self.updates.append({"type": kind, "id": update.get("id")})
        self.wait_update(update["id"])

    def _logging(self, enabled):
        wanted = [t for t in LOG_TYPES if t in enabled]
        others = [t for t in LOG_TYPES if t not in enabled]
        entries = []
        if wanted:
            entries.append({"types": wanted, "enabled": True})
        if others:
            entries.append({"types": others, "enabled": False})
        return {"clusterLogging": entries}

    def _access(self):
        p = self.params
        access = {
            "endpointPrivateAccess": p["endpoint_private_access"],
            "endpointPublicAccess": p["endpoint_public_access"],
        }
        if p["endpoint_public_access"] and p["public_access_cidrs"]:
            access["publicAccessCidrs"] = p["public_access_cidrs"]
        return access

    def create(self):
        p = self.params
        for required in ("role_arn", "subnets"):
            if not p[required]:
                self.module.fail_json(msg=f"{required} is required to create cluster {p['name']}")
        kwargs = {
            "name": p["name"],
            "roleArn": p["role_arn"],
            "resourcesVpcConfig": dict(self._access(), subnetIds=p["subnets"], securityGroupIds=p["security_groups"]),
            "logging": self._logging(set(p["logging_types"])),
        }
        if p["version"]:
            kwargs["version"] = p["version"]
        if p["encryption_kms_key_arn"]:
            kwargs["encryptionConfig"] = [
                {"resources": ["secrets"], "provider": {"keyArn": p["encryption_kms_key_arn"]}}
            ]
        access_config = {}
        if p["authentication_mode"]:
            access_config["authenticationMode"] = p["authentication_mode"]
        if p["bootstrap_cluster_creator_admin_permissions"] is not None:
            access_config["bootstrapClusterCreatorAdminPermissions"] = p["bootstrap_cluster_creator_admin_permissions"]
        if access_config:
            kwargs["accessConfig"] = access_config
        if p["tags"]:
            kwargs["tags"] = p["tags"]
        self.changed = True
        if self.module.check_mode:
            return {}
        self.call("create_cluster", f"Couldn't create cluster {p['name']}", **kwargs)
        self.wait_cluster()
        return eks.normalise(self.get())

    def ensure_version(self, current, after):
        wanted = self.params["version"]
        have = current.get("version")
        if not wanted or not have or version_tuple(wanted) == version_tuple(have):
            return
        if version_tuple(wanted) < version_tuple(have):
            self.module.fail_json(msg=f"Cluster {self.name} runs {have}; EKS cannot downgrade to {wanted}",
                                  replacement_needed=[f"version ({have} -> {wanted})"])
        major, minor = version_tuple(have)[:2]
        target_minor = version_tuple(wanted)[1]
        for step in range(minor + 1, target_minor + 1):
            self._call_update("VersionUpdate", "update_cluster_version", version=f"{major}.{step}")
        after["version"] = wanted

    def ensure_vpc_config(self, current, after):
        p = self.params
        vpc = current.get("resourcesVpcConfig") or {}
        access = self._access()
        current_access = {
            "endpointPrivateAccess": vpc.get("endpointPrivateAccess"),
            "endpointPublicAccess": vpc.get("endpointPublicAccess"),
        }
        if "publicAccessCidrs" in access:
            current_access["publicAccessCidrs"] = vpc.get("publicAccessCidrs")
            same_cidrs = sorted(vpc.get("publicAccessCidrs") or []) == sorted(access["publicAccessCidrs"])
        else:
            same_cidrs = True
        if (
            current_access["endpointPrivateAccess"] != access["endpointPrivateAccess"]
            or current_access["endpointPublicAccess"] != access["endpointPublicAccess"]
            or not same_cidrs
        ):
            self._call_update("EndpointAccessUpdate", "update_cluster_config", resourcesVpcConfig=access)
            after.setdefault("resources_vpc_config", {}).update(camel_dict_to_snake_dict(access))
        subnets_differ = p["subnets"] and set(p["subnets"]) != set(vpc.get("subnetIds") or [])
        groups_differ = set(p["security_groups"]) != set(vpc.get("securityGroupIds") or [])
        if subnets_differ or groups_differ:
            change = {
                "subnetIds": p["subnets"] or vpc.get("subnetIds"),
                "securityGroupIds": p["security_groups"],
            }
            self._call_update("VpcConfigUpdate", "update_cluster_config", resourcesVpcConfig=change)
            after.setdefault("resources_vpc_config", {}).update(camel_dict_to_snake_dict(change))

    def ensure_logging(self, current, after):
        wanted = set(self.params["logging_types"])
        if enabled_log_types(current) != wanted:
            logging = self._logging(wanted)
            self._call_update("LoggingUpdate", "update_cluster_config", logging=logging)
            after["logging"] = camel_dict_to_snake_dict(logging)

    def ensure_encryption(self, current, after):
        key = self.params["encryption_kms_key_arn"]
        if not key:
            return
        keys = [(c.get("provider") or {}).get("keyArn") for c in current.get("encryptionConfig") or []]
        if key in keys:
            return
        if keys:
            self.module.fail_json(
                msg=f"Cluster {self.name} encrypts Secrets with {keys[0]}; EKS cannot change the key to {key}",
                replacement_needed=[f"encryption_kms_key_arn ({keys[0]} -> {key})"],
            )
        config = [{"resources": ["secrets"], "provider": {"keyArn": key}}]
        self._call_update("AssociateEncryptionConfig", "associate_encryption_config", encryptionConfig=config)
        after["encryption_config"] = camel_dict_to_snake_dict({"c": config})["c"]

    def ensure_access_config(self, current, after):
        wanted = self.params["authentication_mode"]
        if not wanted:
            return
        have = (current.get("accessConfig") or {}).get("authenticationMode") or "CONFIG_MAP"
        if have == wanted:
            return
        if AUTHENTICATION_MODES.index(wanted) < AUTHENTICATION_MODES.index(have):
            self.module.fail_json(
                msg=f"Cluster {self.name} uses authentication mode {have}; EKS cannot change it back to {wanted}",
                replacement_needed=[f"authentication_mode ({have} -> {wanted})"],
            )
        for step in AUTHENTICATION_MODES[AUTHENTICATION_MODES.index(have) + 1:AUTHENTICATION_MODES.index(wanted) + 1]:
            self._call_update("AccessConfigUpdate", "update_cluster_config", accessConfig={"authenticationMode": step})
        after.setdefault("access_config", {})["authentication_mode"] = wanted

    def present(self):
        current = self.get()
        if not current:
            return {}, self.create()
        if current.get("status") in ("CREATING", "UPDATING"):
            self.wait_cluster()
            current = self.get()
        if current.get("status") not in ("ACTIVE", "CREATING", "UPDATING"):
            self.module.fail_json(msg=f"Cluster {self.name} is {current.get('status')}")
        before = eks.normalise(current)
        after = copy.deepcopy(before)
        # Version first: EKS rejects other updates while one is running, and the node
        # groups follow the control plane.
        self.ensure_version(current, after)
        self.ensure_vpc_config(current, after)
        self.ensure_logging(current, after)
        self.ensure_encryption(current, after)
        self.ensure_access_config(current, after)
        self.ensure_tags(current["arn"], current, after, f"Couldn't tag cluster {self.name}")
        if self.changed and not self.module.check_mode:
            self.wait_cluster()
            after = eks.normalise(self.get())
        return before, after

    def absent(self):
        current = self.get()
        if not current:
            return {}, {}
        self.changed = True
        if not self.module.check_mode:
            self.call("delete_cluster", f"Couldn't delete cluster {self.name}", name=self.name)
            self.wait_cluster("cluster_deleted")
        return eks.normalise(current), {}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        version=dict(type="str"),
        role_arn=dict(type="str"),
        subnets=dict(type="list", elements="str"),
        security_groups=dict(type="list", elements="str", default=[]),
        endpoint_private_access=dict(type="bool", default=True),
        endpoint_public_access=dict(type="bool", default=False),
        public_access_cidrs=dict(type="list", elements="str"),
        logging_types=dict(type="list", elements="str", default=[], choices=LOG_TYPES),
        encryption_kms_key_arn=dict(type="str"),
        authentication_mode=dict(type="str", choices=AUTHENTICATION_MODES),
        bootstrap_cluster_creator_admin_permissions=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if p["state"] == "present" and not (p["endpoint_private_access"] or p["endpoint_public_access"]):
        module.fail_json(msg="endpoint_private_access and endpoint_public_access cannot both be false")
    manager = ClusterManager(module)
    before, after = manager.present() if p["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, cluster=after, updates=manager.updates)


if __name__ == "__main__":
    main()
