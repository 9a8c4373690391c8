"""EKS: cluster and node group updates, the cluster security group, add-ons and access entries,
managed node group instances (eks role; cardplatform.aws.eks_cluster, eks_nodegroup, eks_addon, eks_access_entry)."""

from __future__ import annotations

import threading


def eks_cluster_updates() -> None:
    """EKS cluster and node group updates the way AWS answers them.

    moto 5.2.5: CreateCluster stores resourcesVpcConfig as sent (no vpcId, no
    clusterSecurityGroupId, no endpoint access defaults); UpdateClusterConfig replaces
    the whole resourcesVpcConfig and answers with the cluster instead of an ``update``;
    UpdateClusterVersion, UpdateNodegroupVersion, DescribeUpdate and
    AssociateEncryptionConfig answer 404. Here:
    - CreateCluster fills vpcId, endpointPublicAccess=true, endpointPrivateAccess=false,
      publicAccessCidrs=[0.0.0.0/0] (AWS defaults) and creates the EKS-managed cluster
      security group (``eks-cluster-sg-<name>-<n>``), reported as clusterSecurityGroupId;
    - UpdateClusterConfig merges the given resourcesVpcConfig keys and logging;
    - UpdateClusterVersion (one minor step, as AWS allows), UpdateNodegroupVersion and
      AssociateEncryptionConfig change the stored cluster / node group;
    - every update answers ``{"update": {id, status: Successful, type, params, createdAt,
      errors}}`` and is kept for DescribeUpdate. Updates complete at once (moto has no
      time), so the status is Successful immediately.
    """
    import uuid

    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.ec2.models import ec2_backends
    from moto.eks import urls as eks_urls
    from moto.eks.exceptions import InvalidParameterException, ResourceNotFoundException
    from moto.eks.models import EKSBackend
    from moto.eks.responses import EKSResponse

    def _updates(backend):  # type: ignore[no-untyped-def]
        if not hasattr(backend, "_cardplatform_updates"):
            backend._cardplatform_updates = {}
        return backend._cardplatform_updates

    def _record(backend, kind, params, cluster_name, nodegroup_name=None):  # type: ignore[no-untyped-def]
        update = {
            "id": str(uuid.uuid4()),
            "status": "Successful",
            "type": kind,
            "params": [{"type": k, "value": v} for k, v in params],
            "createdAt": utcnow(),
            "errors": [],
        }
        _updates(backend)[update["id"]] = (cluster_name, nodegroup_name, update)
        return update

    def _cluster(backend, name):  # type: ignore[no-untyped-def]
        cluster = backend.clusters.get(name)
        if cluster is None:
            raise ResourceNotFoundException(
                clusterName=name, nodegroupName=None, fargateProfileName=None, addonName=None,
                message=f"No cluster found for name: {name}.",
            )
        return cluster

    original_create = EKSBackend.create_cluster

    def create_cluster(self, name, role_arn, resources_vpc_config, *args, **kwargs):  # type: ignore[no-untyped-def]
        config = dict(resources_vpc_config or {})
        config.setdefault("endpointPublicAccess", True)
        config.setdefault("endpointPrivateAccess", False)
        if config["endpointPublicAccess"]:
            config.setdefault("publicAccessCidrs", ["0.0.0.0/0"])
        cluster = original_create(self, name, role_arn, config, *args, **kwargs)
        subnet_ids = config.get("subnetIds") or []
        if subnet_ids:
            ec2 = ec2_backends[self.account_id][self.region_name]
            try:
                vpc_id = ec2.get_subnet(subnet_ids[0]).vpc_id
            except Exception:  # noqa: BLE001 - unknown subnet: keep moto's behaviour
                vpc_id = None
            if vpc_id:
                group = ec2.create_security_group(
                    name=f"eks-cluster-sg-{name}-{len(self.clusters)}",
                    description="EKS created security group applied to ENI that is attached to EKS Control Plane "
                    "master nodes, as well as any managed workloads.",
                    vpc_id=vpc_id,
                    tags={"kubernetes.io/cluster/" + name: "owned", "aws:eks:cluster-name": name},
                )
                config["vpcId"] = vpc_id
                config["clusterSecurityGroupId"] = group.id
        cluster.resources_vpc_config = config
        return cluster

    EKSBackend.create_cluster = create_cluster  # type: ignore[method-assign]

    def update_cluster_config(self):  # type: ignore[no-untyped-def]
        name = self._get_param("name")
        cluster = _cluster(self.eks_backend, name)
        vpc_config = self._get_param("resourcesVpcConfig")
        logging = self._get_param("logging")
        params = []
        kind = "ConfigUpdate"
        if vpc_config:
            merged = dict(cluster.resources_vpc_config or {})
            merged.update(vpc_config)
            if not merged.get("endpointPublicAccess"):
                merged.pop("publicAccessCidrs", None)
            elif "publicAccessCidrs" not in merged:
                merged["publicAccessCidrs"] = ["0.0.0.0/0"]
            cluster.resources_vpc_config = merged
            if "subnetIds" in vpc_config or "securityGroupIds" in vpc_config:
                kind = "VpcConfigUpdate"
                params += [("SubnetIds", str(vpc_config.get("subnetIds"))), ("SecurityGroupIds", str(vpc_config.get("securityGroupIds")))]
            else:
                kind = "EndpointAccessUpdate"
                params += [(k[0].upper() + k[1:], str(v)) for k, v in vpc_config.items()]
        if logging:
            cluster.logging = logging
            kind = "LoggingUpdate"
            params.append(("ClusterLogging", str(logging.get("clusterLogging"))))
        return ActionResult({"update": _record(self.eks_backend, kind, params, name)})

    def update_cluster_version(self):  # type: ignore[no-untyped-def]
        name = self._get_param("name")
        version = self._get_param("version")
        cluster = _cluster(self.eks_backend, name)
        have = tuple(int(x) for x in str(cluster.version).split("."))
        want = tuple(int(x) for x in str(version).split("."))
        if want[0] != have[0] or want[1] != have[1] + 1:
            raise InvalidParameterException(
                message=f"Unsupported Kubernetes minor version update from {cluster.version} to {version}",
            )
        cluster.version = version
        params = [("Version", version), ("PlatformVersion", cluster.platformVersion)]
        return ActionResult({"update": _record(self.eks_backend, "VersionUpdate", params, name)})

    def update_nodegroup_version(self):  # type: ignore[no-untyped-def]
        name = self._get_param("name")
        nodegroup_name = self._get_param("nodegroupName")
        cluster = _cluster(self.eks_backend, name)
        nodegroup = cluster.nodegroups.get(nodegroup_name)
        if nodegroup is None:
            raise ResourceNotFoundException(
                clusterName=name, nodegroupName=nodegroup_name, fargateProfileName=None, addonName=None,
                message=f"No node group found for name: {nodegroup_name}.",
            )
        version = self._get_param("version")
        launch_template = self._get_param("launchTemplate")
        params = []
        if version:
            if tuple(int(x) for x in version.split(".")) > tuple(int(x) for x in str(cluster.version).split(".")):
                raise InvalidParameterException(
                    message=f"Requested Nodegroup Kubernetes version {version} is newer than the cluster's {cluster.version}",
                )
            nodegroup.version = version
            nodegroup.release_version = f"{version}.0-{utcnow():%Y%m%d}"
            params.append(("Version", version))
        if launch_template:
            merged = dict(nodegroup.launch_template or {})
            merged.update(launch_template)
            nodegroup.launch_template = merged
            params.append(("LaunchTemplateVersion", str(launch_template.get("version"))))
        return ActionResult({"update": _record(self.eks_backend, "VersionUpdate", params, name, nodegroup_name)})

    def associate_encryption_config(self):  # type: ignore[no-untyped-def]
        name = self._get_param("name")
        cluster = _cluster(self.eks_backend, name)
        if cluster.encryption_config:
            raise InvalidParameterException(message="Encryption is already enabled on the cluster")
        config = self._get_param("encryptionConfig")
        cluster.encryption_config = config
        params = [("EncryptionConfig", str(config))]
        return ActionResult({"update": _record(self.eks_backend, "AssociateEncryptionConfig", params, name)})

    def describe_update(self):  # type: ignore[no-untyped-def]
        name = self._get_param("name")
        update_id = self._get_param("updateId")
        found = _updates(self.eks_backend).get(update_id)
        if found is None or found[0] != name:
            raise ResourceNotFoundException(
                clusterName=name, nodegroupName=None, fargateProfileName=None, addonName=None,
                message=f"No update found for ID: {update_id}",
            )
        return ActionResult({"update": found[2]})

    def list_updates(self):  # type: ignore[no-untyped-def]
        name = self._get_param("name")
        nodegroup_name = self._get_param("nodegroupName")
        ids = [uid for uid, (c, ng, _) in _updates(self.eks_backend).items() if c == name and ng == nodegroup_name]
        return ActionResult({"updateIds": ids})

    EKSResponse.update_cluster_config = update_cluster_config  # type: ignore[method-assign]
    EKSResponse.update_cluster_version = update_cluster_version  # type: ignore[attr-defined]
    EKSResponse.update_nodegroup_version = update_nodegroup_version  # type: ignore[attr-defined]
    EKSResponse.associate_encryption_config = associate_encryption_config  # type: ignore[attr-defined]
    EKSResponse.describe_update = describe_update  # type: ignore[attr-defined]
    EKSResponse.list_updates = list_updates  # type: ignore[attr-defined]

    dispatch = eks_urls.response.dispatch
    eks_urls.url_paths.update(
        {
            "{0}/clusters/(?P<name>[^/]+)/updates$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/encryption-config/associate$": dispatch,
        }
    )


def eks_nodegroup_update_config_at_creation() -> None:
    """CreateNodegroup keeps updateConfig (AWS default ``{"maxUnavailable": 1}``).

    moto 5.2.5 drops the updateConfig of CreateNodegroup, so DescribeNodegroup has none
    and a module that compares it updates the group again on the next run.
    """
    from moto.eks.responses import EKSResponse

    original_response = EKSResponse.create_nodegroup

    def create_nodegroup(self):  # type: ignore[no-untyped-def]
        result = original_response(self)
        cluster = self.eks_backend.clusters.get(self._get_param("name"))
        nodegroup = cluster.nodegroups.get(self._get_param("nodegroupName")) if cluster else None
        if nodegroup is not None and not getattr(nodegroup, "update_config", None):
            nodegroup.update_config = self._get_param("updateConfig") or {"maxUnavailable": 1}
        return result

    EKSResponse.create_nodegroup = create_nodegroup  # type: ignore[method-assign]


def eks_cluster_security_group_deleted_with_cluster() -> None:
    """DeleteCluster also deletes the EKS-managed cluster security group, as AWS does.

    ``eks_cluster_updates`` creates ``eks-cluster-sg-<name>-<n>`` with the cluster (EKS
    does); moto 5.2.5 then leaves it behind on DeleteCluster, so a torn-down environment
    still held a security group that real AWS removes with the cluster (teardown test).
    """
    from moto.ec2.models import ec2_backends
    from moto.eks.models import EKSBackend

    original_delete = EKSBackend.delete_cluster

    def delete_cluster(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        cluster = self.clusters.get(name)
        group_id = (getattr(cluster, "resources_vpc_config", None) or {}).get("clusterSecurityGroupId")
        result = original_delete(self, name, *args, **kwargs)
        if group_id:
            ec2 = ec2_backends[self.account_id][self.region_name]
            try:
                ec2.delete_security_group(group_id=group_id)
            except Exception:  # noqa: BLE001 - already gone or still referenced: AWS retries, we leave it
                pass
        return result

    EKSBackend.delete_cluster = delete_cluster  # type: ignore[method-assign]


def eks_list_nodegroups_missing_cluster() -> None:
    """EKS ListNodegroups on a cluster that does not exist: ResourceNotFoundException (404).

    moto 5.2.5 raises a KeyError (the server answers 500), so a read-only caller (the drift
    check's cardplatform.aws.eks_nodegroup_info) cannot tell "no cluster" from a failure.
    """
    from moto.eks import models as eks_models
    from moto.eks.exceptions import ResourceNotFoundException

    backend_cls = eks_models.EKSBackend
    if getattr(backend_cls, "_cardplatform_list_nodegroups", False):
        return
    backend_cls._cardplatform_list_nodegroups = True
    original = backend_cls.list_nodegroups

    def list_nodegroups(self, cluster_name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if cluster_name not in self.clusters:
            raise ResourceNotFoundException(
                clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None,
                message=eks_models.CLUSTER_NOT_FOUND_MSG.format(clusterName=cluster_name),
            )
        return original(self, cluster_name, *args, **kwargs)

    backend_cls.list_nodegroups = list_nodegroups


# --- EKS add-ons and access entries (eks role; cardplatform.aws.eks_addon, eks_access_entry) ---

# DescribeAddonVersions catalogue: the add-on versions the inventories name, compatible with
# the Kubernetes versions of roles/eks/vars/main.yml that the tests use. The first version of
# each list is the default (AWS marks one defaultVersion per cluster version).
EKS_ADDON_CATALOGUE = {
    "vpc-cni": {"type": "networking", "versions": ["v1.21.1-eksbuild.1", "v1.20.4-eksbuild.2"]},
    "coredns": {"type": "networking", "versions": ["v1.12.4-eksbuild.1", "v1.12.3-eksbuild.1"]},
    "kube-proxy": {
        "type": "networking",
        "versions": ["v1.35.0-eksbuild.2", "v1.34.1-eksbuild.2", "v1.33.5-eksbuild.2"],
        # kube-proxy follows the cluster's minor version.
        "per_cluster_version": True,
    },
    "aws-ebs-csi-driver": {
        "type": "storage",
        "versions": ["v1.53.0-eksbuild.1", "v1.52.1-eksbuild.1"],
        # The AWS managed policy of its IRSA role (the eks role's eks_addons irsa): IAM knows it
        # here, since moto loads AWS managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES.
        "iam_policies": ["AmazonEBSCSIDriverPolicy"],
    },
    # A community add-on (AWS: owner "community"), needed by HorizontalPodAutoscalers.
    "metrics-server": {"type": "observability", "versions": ["v0.8.0-eksbuild.1", "v0.7.2-eksbuild.4"], "owner": "community"},
}


EKS_ADDON_CLUSTER_VERSIONS = ["1.33", "1.34", "1.35"]


def eks_addons_and_access_entries() -> None:
    """EKS add-ons, access entries and the cluster's access config, stateful, AWS-shaped.

    moto 5.2.5 answers 404 for CreateAddon, DescribeAddon, UpdateAddon, DeleteAddon,
    ListAddons, DescribeAddonVersions and every access-entry API, and drops CreateCluster's
    ``accessConfig``. Here:
    - CreateCluster keeps ``accessConfig`` (AWS API default ``authenticationMode`` CONFIG_MAP,
      ``bootstrapClusterCreatorAdminPermissions`` true); UpdateClusterConfig with
      ``accessConfig`` is an ``AccessConfigUpdate`` and, as on AWS, only moves CONFIG_MAP ->
      API_AND_CONFIG_MAP -> API (going back is an InvalidParameterException).
    - Add-ons live on their cluster (gone with it): CreateAddon checks the name and version
      against ``EKS_ADDON_CATALOGUE`` for the cluster's Kubernetes version (AWS: 400
      InvalidParameterException), answers ``{"addon": {... status CREATING}}``; DescribeAddon
      then reports ACTIVE (moto has no time; aws_realism may stretch it); UpdateAddon answers
      ``{"update": {type AddonUpdate ...}}`` kept for DescribeUpdate; DeleteAddon answers the
      add-on DELETING and removes it. configurationValues are stored as the string sent.
    - Access entries (cluster in API or API_AND_CONFIG_MAP mode, else 400
      InvalidRequestException as on AWS): Create/Describe/Update/Delete/ListAccessEntries and
      Associate/Disassociate/ListAssociatedAccessPolicies, with type STANDARD by default and
      username derived like EKS does for roles (``arn:aws:sts::<acct>:assumed-role/<name>/
      {{SessionName}}``). The principal ARN must be an IAM role or user ARN of the
      cluster's account; unlike AWS (which answers 400 "The specified principalArn is
      invalid: invalid principal" for a principal that does not exist) the emulator does not
      look the principal up in IAM, so an inventory may name the operators' role that SSO
      or another stack owns.
    - TagResource / UntagResource / ListTagsForResource accept add-on and access-entry ARNs.
    - IAM knows the AWS managed policies the catalogue's add-ons need for their IRSA roles
      (``iam_policies``, e.g. service-role/AmazonEBSCSIDriverPolicy).
    """
    import copy
    import re
    import uuid

    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow
    from moto.eks import urls as eks_urls
    from moto.eks.exceptions import (
        InvalidParameterException,
        InvalidRequestException,
        ResourceInUseException,
        ResourceNotFoundException,
    )
    from moto.eks.models import EKSBackend
    from moto.eks.responses import EKSResponse

    if getattr(EKSResponse, "_cardplatform_addons", False):
        return
    EKSResponse._cardplatform_addons = True  # type: ignore[attr-defined]

    modes = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]

    def not_found(message, cluster=None, addon=None):  # type: ignore[no-untyped-def]
        return ResourceNotFoundException(
            clusterName=cluster, nodegroupName=None, fargateProfileName=None, addonName=addon, message=message,
        )

    def cluster_of(response):  # type: ignore[no-untyped-def]
        name = response._get_param("clusterName") or response._get_param("name")
        cluster = response.eks_backend.clusters.get(name)
        if cluster is None:
            raise not_found(f"No cluster found for name: {name}.", cluster=name)
        if not hasattr(cluster, "_cardplatform_addons"):
            cluster._cardplatform_addons = {}
            cluster._cardplatform_access_entries = {}
        return name, cluster

    def record_update(backend, cluster_name, kind, params, addon_name=None):  # type: ignore[no-untyped-def]
        update = {
            "id": str(uuid.uuid4()),
            "status": "Successful",
            "type": kind,
            "params": [{"type": k, "value": v} for k, v in params],
            "createdAt": utcnow(),
            "errors": [],
        }
        if not hasattr(backend, "_cardplatform_updates"):
            backend._cardplatform_updates = {}
        backend._cardplatform_updates[update["id"]] = (cluster_name, None, update)
        return update

    # --- cluster access config -------------------------------------------------------
    original_create = EKSBackend.create_cluster

    def create_cluster(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        cluster = original_create(self, *args, **kwargs)
        cluster.access_config = {"bootstrapClusterCreatorAdminPermissions": True, "authenticationMode": "CONFIG_MAP"}
        return cluster

    EKSBackend.create_cluster = create_cluster  # type: ignore[method-assign]

    original_create_response = EKSResponse.create_cluster

    def create_cluster_response(self):  # type: ignore[no-untyped-def]
        access = self._get_param("accessConfig") or {}
        mode = access.get("authenticationMode")
        if mode is not None and mode not in modes:
            raise InvalidParameterException(message=f"Unsupported authentication mode {mode}")
        result = original_create_response(self)
        cluster = self.eks_backend.clusters.get(self._get_param("name"))
        if cluster is not None:
            cluster.access_config = {
                "bootstrapClusterCreatorAdminPermissions": access.get("bootstrapClusterCreatorAdminPermissions", True),
                "authenticationMode": mode or "CONFIG_MAP",
            }
        return result

    EKSResponse.create_cluster = create_cluster_response  # type: ignore[method-assign]

    original_update_config = EKSResponse.update_cluster_config

    def update_cluster_config(self):  # type: ignore[no-untyped-def]
        access = self._get_param("accessConfig")
        if not access:
            return original_update_config(self)
        name, cluster = cluster_of(self)
        config = getattr(cluster, "access_config", None) or {"authenticationMode": "CONFIG_MAP"}
        have, want = config.get("authenticationMode", "CONFIG_MAP"), access.get("authenticationMode")
        if want not in modes:
            raise InvalidParameterException(message=f"Unsupported authentication mode {want}")
        if modes.index(want) < modes.index(have):
            raise InvalidParameterException(message=f"Unsupported authentication mode update from {have} to {want}")
        if want == have:
            raise InvalidParameterException(message="Cluster is already at the desired configuration with "
                                            f"authenticationMode: {want}")
        cluster.access_config = dict(config, authenticationMode=want)
        update = record_update(self.eks_backend, name, "AccessConfigUpdate", [("AuthenticationMode", want)])
        return ActionResult({"update": update})

    EKSResponse.update_cluster_config = update_cluster_config  # type: ignore[method-assign]

    # --- add-ons ----------------------------------------------------------------------
    def catalogue_versions(addon_name, cluster_version):  # type: ignore[no-untyped-def]
        entry = EKS_ADDON_CATALOGUE.get(addon_name)
        if entry is None or str(cluster_version) not in EKS_ADDON_CLUSTER_VERSIONS:
            return []
        if entry.get("per_cluster_version"):
            return [v for v in entry["versions"] if v.startswith(f"v{cluster_version}.")]
        return list(entry["versions"])

    def get_addon(cluster, name, addon_name):  # type: ignore[no-untyped-def]
        addon = cluster._cardplatform_addons.get(addon_name)
        if addon is None:
            raise not_found(f"No addon: {addon_name} found in cluster: {name}", cluster=name, addon=addon_name)
        return addon

    def view(addon):  # type: ignore[no-untyped-def]
        shown = copy.deepcopy(addon)
        # No clock in moto: a CREATING/UPDATING add-on is ACTIVE at the next read.
        if addon["status"] in ("CREATING", "UPDATING"):
            addon["status"] = "ACTIVE"
        return shown

    def check_version(name, cluster, addon_name, version):  # type: ignore[no-untyped-def]
        allowed = catalogue_versions(addon_name, cluster.version)
        if not allowed:
            raise InvalidParameterException(
                message=f"Addon {addon_name} specified is not supported in {cluster.version} kubernetes version",
            )
        if version is None:
            return allowed[0]
        if version not in allowed:
            raise InvalidParameterException(
                message=f"Addon version specified is not supported for {addon_name} in {cluster.version} "
                f"kubernetes version (supported: {', '.join(allowed)})",
            )
        return version

    def create_addon(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        addon_name = self._get_param("addonName")
        if addon_name in cluster._cardplatform_addons:
            raise ResourceInUseException(clusterName=name, nodegroupName=None, addonName=addon_name,
                                         message=f"Addon already exists: {addon_name}")
        version = check_version(name, cluster, addon_name, self._get_param("addonVersion"))
        now = utcnow()
        addon = {
            "addonName": addon_name,
            "clusterName": name,
            "status": "CREATING",
            "addonVersion": version,
            "health": {"issues": []},
            "addonArn": f"arn:aws:eks:{self.region}:{self.current_account}:addon/{name}/{addon_name}/{uuid.uuid4()}",
            "createdAt": now,
            "modifiedAt": now,
            "tags": dict(self._get_param("tags") or {}),
        }
        role = self._get_param("serviceAccountRoleArn")
        if role:
            addon["serviceAccountRoleArn"] = role
        config = self._get_param("configurationValues")
        if config:
            addon["configurationValues"] = config
        cluster._cardplatform_addons[addon_name] = addon
        return ActionResult({"addon": view(addon)})

    def describe_addon(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        return ActionResult({"addon": view(get_addon(cluster, name, self._get_param("addonName")))})

    def list_addons(self):  # type: ignore[no-untyped-def]
        _, cluster = cluster_of(self)
        return ActionResult({"addons": sorted(cluster._cardplatform_addons)})

    def update_addon(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        addon_name = self._get_param("addonName")
        addon = get_addon(cluster, name, addon_name)
        if addon["status"] not in ("ACTIVE", "DEGRADED", "UPDATE_FAILED", "CREATING", "UPDATING"):
            raise ResourceInUseException(clusterName=name, nodegroupName=None, addonName=addon_name,
                                         message=f"Addon {addon_name} is {addon['status']}")
        params = []
        version = self._get_param("addonVersion")
        if version is not None:
            addon["addonVersion"] = check_version(name, cluster, addon_name, version)
            params.append(("AddonVersion", addon["addonVersion"]))
        role = self._get_param("serviceAccountRoleArn")
        if role is not None:
            if role:
                addon["serviceAccountRoleArn"] = role
            else:
                addon.pop("serviceAccountRoleArn", None)
            params.append(("ServiceAccountRoleArn", role))
        config = self._get_param("configurationValues")
        if config is not None:
            if config:
                addon["configurationValues"] = config
            else:
                addon.pop("configurationValues", None)
            params.append(("ConfigurationValues", config))
        resolve = self._get_param("resolveConflicts")
        if resolve:
            params.append(("ResolveConflicts", resolve))
        addon["status"] = "UPDATING"
        addon["modifiedAt"] = utcnow()
        update = record_update(self.eks_backend, name, "AddonUpdate", params, addon_name)
        return ActionResult({"update": update})

    def delete_addon(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        addon_name = self._get_param("addonName")
        addon = get_addon(cluster, name, addon_name)
        del cluster._cardplatform_addons[addon_name]
        shown = copy.deepcopy(addon)
        shown["status"] = "DELETING"
        return ActionResult({"addon": shown})

    def describe_addon_versions(self):  # type: ignore[no-untyped-def]
        wanted_name = self._get_param("addonName")
        wanted_version = self._get_param("kubernetesVersion")
        addons = []
        for addon_name, entry in sorted(EKS_ADDON_CATALOGUE.items()):
            if wanted_name and addon_name != wanted_name:
                continue
            versions = []
            for version in entry["versions"]:
                compat = [
                    {"clusterVersion": cv, "platformVersions": ["*"],
                     "defaultVersion": version == (catalogue_versions(addon_name, cv) or [None])[0]}
                    for cv in EKS_ADDON_CLUSTER_VERSIONS
                    if version in catalogue_versions(addon_name, cv) and (not wanted_version or cv == wanted_version)
                ]
                if compat:
                    versions.append({"addonVersion": version, "architecture": ["amd64", "arm64"],
                                     "compatibilities": compat, "requiresConfiguration": False,
                                     "requiresIamPermissions": addon_name in ("vpc-cni", "aws-ebs-csi-driver")})
            if versions:
                addons.append({"addonName": addon_name, "type": entry["type"], "addonVersions": versions,
                               "publisher": "eks", "owner": entry.get("owner", "aws")})
        return ActionResult({"addons": addons})

    # --- access entries ---------------------------------------------------------------
    principal_re = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(role|user)/(.+)$")

    def require_api_mode(name, cluster):  # type: ignore[no-untyped-def]
        mode = (getattr(cluster, "access_config", None) or {}).get("authenticationMode", "CONFIG_MAP")
        if mode == "CONFIG_MAP":
            raise InvalidRequestException(
                message="The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] "
                "to perform this operation.",
            )

    def get_entry(cluster, name, principal):  # type: ignore[no-untyped-def]
        entry = cluster._cardplatform_access_entries.get(principal)
        if entry is None:
            raise not_found("The specified principalArn could not be found. You can view your available "
                            "access entries with 'list-access-entries'.", cluster=name)
        return entry

    def entry_view(entry):  # type: ignore[no-untyped-def]
        return {k: copy.deepcopy(v) for k, v in entry.items() if k != "_policies"}

    def create_access_entry(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        principal = self._get_param("principalArn")
        match = principal_re.match(principal or "")
        if not match or match.group(1) != self.current_account:
            raise InvalidParameterException(message="The specified principalArn is invalid: invalid principal.")
        if principal in cluster._cardplatform_access_entries:
            raise ResourceInUseException(clusterName=name, nodegroupName=None, addonName=None,
                                         message="The specified access entry resource is already in use on this cluster.")
        kind = self._get_param("type") or "STANDARD"
        groups = self._get_param("kubernetesGroups") or []
        if kind != "STANDARD" and groups:
            raise InvalidParameterException(message="Kubernetes groups can only be specified for STANDARD access entries.")
        principal_name = match.group(3).split("/")[-1]
        username = self._get_param("username") or (
            f"arn:aws:sts::{self.current_account}:assumed-role/{principal_name}/{{{{SessionName}}}}"
            if match.group(2) == "role" else principal
        )
        now = utcnow()
        entry = {
            "clusterName": name,
            "principalArn": principal,
            "kubernetesGroups": list(groups),
            "accessEntryArn": f"arn:aws:eks:{self.region}:{self.current_account}:access-entry/{name}/"
                              f"{match.group(2)}/{match.group(1)}/{principal_name}/{uuid.uuid4()}",
            "createdAt": now,
            "modifiedAt": now,
            "tags": dict(self._get_param("tags") or {}),
            "username": username,
            "type": kind,
            "_policies": {},
        }
        cluster._cardplatform_access_entries[principal] = entry
        return ActionResult({"accessEntry": entry_view(entry)})

    def describe_access_entry(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        return ActionResult({"accessEntry": entry_view(get_entry(cluster, name, self._get_param("principalArn")))})

    def update_access_entry(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        entry = get_entry(cluster, name, self._get_param("principalArn"))
        groups = self._get_param("kubernetesGroups")
        if groups is not None:
            if entry["type"] != "STANDARD" and groups:
                raise InvalidParameterException(
                    message="Kubernetes groups can only be specified for STANDARD access entries.")
            entry["kubernetesGroups"] = list(groups)
        username = self._get_param("username")
        if username:
            entry["username"] = username
        entry["modifiedAt"] = utcnow()
        return ActionResult({"accessEntry": entry_view(entry)})

    def delete_access_entry(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        principal = self._get_param("principalArn")
        get_entry(cluster, name, principal)
        del cluster._cardplatform_access_entries[principal]
        return EmptyResult()

    def list_access_entries(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        policy = self._get_param("associatedPolicyArn")
        entries = [p for p, e in sorted(cluster._cardplatform_access_entries.items())
                   if not policy or policy in e["_policies"]]
        return ActionResult({"accessEntries": entries})

    policy_re = re.compile(r"^arn:aws[a-z-]*:eks::aws:cluster-access-policy/[A-Za-z0-9]+$")

    def associate_access_policy(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        principal = self._get_param("principalArn")
        entry = get_entry(cluster, name, principal)
        if entry["type"] != "STANDARD":
            raise InvalidParameterException(
                message='This operation can only be performed on Access Entries with a type of "STANDARD".')
        policy = self._get_param("policyArn")
        if not policy_re.match(policy or ""):
            raise InvalidParameterException(message=f"The specified policyArn is invalid: {policy}")
        scope = self._get_param("accessScope") or {}
        if scope.get("type") not in ("cluster", "namespace"):
            raise InvalidParameterException(message="accessScope.type must be cluster or namespace")
        if scope["type"] == "namespace" and not scope.get("namespaces"):
            raise InvalidParameterException(message="namespaces must be set for a namespace access scope")
        if scope["type"] == "cluster" and scope.get("namespaces"):
            raise InvalidParameterException(message="namespaces cannot be set for a cluster access scope")
        now = utcnow()
        existing = entry["_policies"].get(policy)
        association = {
            "policyArn": policy,
            "accessScope": {"type": scope["type"], "namespaces": list(scope.get("namespaces") or [])},
            "associatedAt": existing["associatedAt"] if existing else now,
            "modifiedAt": now,
        }
        entry["_policies"][policy] = association
        return ActionResult({"clusterName": name, "principalArn": principal,
                             "associatedAccessPolicy": copy.deepcopy(association)})

    def disassociate_access_policy(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        entry = get_entry(cluster, name, self._get_param("principalArn"))
        policy = self._get_param("policyArn")
        if policy not in entry["_policies"]:
            raise not_found(f"The specified policyArn {policy} is not associated with the access entry.", cluster=name)
        del entry["_policies"][policy]
        return EmptyResult()

    def list_associated_access_policies(self):  # type: ignore[no-untyped-def]
        name, cluster = cluster_of(self)
        require_api_mode(name, cluster)
        principal = self._get_param("principalArn")
        entry = get_entry(cluster, name, principal)
        return ActionResult({"clusterName": name, "principalArn": principal,
                             "associatedAccessPolicies": [copy.deepcopy(p) for _, p in sorted(entry["_policies"].items())]})

    for func in (create_addon, describe_addon, list_addons, update_addon, delete_addon, describe_addon_versions,
                 create_access_entry, describe_access_entry, update_access_entry, delete_access_entry,
                 list_access_entries, associate_access_policy, disassociate_access_policy,
                 list_associated_access_policies):
        setattr(EKSResponse, func.__name__, func)

    # --- tags on add-ons and access entries ------------------------------------------
    def tagged(backend, arn):  # type: ignore[no-untyped-def]
        for cluster in backend.clusters.values():
            for addon in getattr(cluster, "_cardplatform_addons", {}).values():
                if addon["addonArn"] == arn:
                    return addon
            for entry in getattr(cluster, "_cardplatform_access_entries", {}).values():
                if entry["accessEntryArn"] == arn:
                    return entry
        return None

    original_tag, original_untag, original_list = (
        EKSBackend.tag_resource, EKSBackend.untag_resource, EKSBackend.list_tags_for_resource)

    def tag_resource(self, resource_arn, tags):  # type: ignore[no-untyped-def]
        found = tagged(self, resource_arn)
        if found is None:
            return original_tag(self, resource_arn, tags)
        found["tags"].update(tags)
        return None

    def untag_resource(self, resource_arn, tag_keys):  # type: ignore[no-untyped-def]
        found = tagged(self, resource_arn)
        if found is None:
            return original_untag(self, resource_arn, tag_keys)
        for key in tag_keys if isinstance(tag_keys, list) else [tag_keys]:
            found["tags"].pop(key, None)
        return None

    def list_tags_for_resource(self, resource_arn):  # type: ignore[no-untyped-def]
        found = tagged(self, resource_arn)
        if found is None:
            return original_list(self, resource_arn)
        return dict(found["tags"])

    EKSBackend.tag_resource = tag_resource  # type: ignore[method-assign]
    EKSBackend.untag_resource = untag_resource  # type: ignore[method-assign]
    EKSBackend.list_tags_for_resource = list_tags_for_resource  # type: ignore[method-assign]

    # --- the AWS managed policies of the add-ons' IRSA roles ----------------------------
    # The catalogue's iam_policies, loaded from moto's own data like iam_aws_managed_policies
    # (iam.py) does for the roles' policies, on top of whatever that returns.
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend

    original_init_policies = IAMBackend._init_aws_policies

    def _init_aws_policies(self):  # type: ignore[no-untyped-def]
        policies = list(original_init_policies(self))
        have = {p.name for p in policies}
        data = json.loads(aws_managed_policies_data)
        for entry in EKS_ADDON_CATALOGUE.values():
            for name in entry.get("iam_policies", []):
                if name not in have and name in data:
                    policies.append(AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data[name]))
                    have.add(name)
        return policies

    IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]

    dispatch = eks_urls.response.dispatch
    eks_urls.url_paths.update(
        {
            "{0}/addons/supported-versions$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/addons$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/access-entries$": dispatch,
            "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArnAndPolicy>.+)$": dispatch,
        }
    )


# ------------------------------------------------------------------ managed node group instances
# Kept per process: {(account, region, cluster, nodegroup): [monotonic time a replacement is due, ...]}
_NODEGROUP_REPLACEMENTS: dict[tuple[str, str, str, str], list[float]] = {}
NODEGROUP_TAG = "eks:nodegroup-name"
CLUSTER_TAG = "eks:cluster-name"
# AWS minutes from an instance's termination to its replacement running: the Auto Scaling
# group's health check notices the instance (about 1), launches one and it boots (about 2).
NODEGROUP_REPLACE_MINUTES = 3.0
_NODEGROUP_LOCK = threading.RLock()


def _replace_seconds() -> float:
    try:
        import aws_realism  # the server puts this directory on sys.path

        return float(aws_realism.LIFECYCLE.seconds("eks.nodegroup.replace_instance"))
    except Exception:  # noqa: BLE001 - unit tests without the realism module
        from .common import time_scale

        return NODEGROUP_REPLACE_MINUTES * time_scale()


def _nodegroup_instances(ec2, cluster_name: str, nodegroup_name: str) -> list:  # type: ignore[no-untyped-def]
    """The node group's instances that are not terminated (pending or running)."""
    out = []
    for instance in ec2.all_instances():
        tags = {t["key"]: t["value"] for t in instance.get_tags()}
        if (tags.get(CLUSTER_TAG) == cluster_name and tags.get(NODEGROUP_TAG) == nodegroup_name
                and instance.state not in ("terminated", "shutting-down")):
            out.append(instance)
    return out


def _launch_nodegroup_instances(ec2, nodegroup, count: int) -> None:  # type: ignore[no-untyped-def]
    """Launch `count` instances for the node group, each in the subnet (AZ) with the fewest."""
    if count <= 0:
        return
    live = _nodegroup_instances(ec2, nodegroup.cluster_name, nodegroup.nodegroup_name)
    per_subnet = {subnet: 0 for subnet in nodegroup.subnets}
    for instance in live:
        if instance.subnet_id in per_subnet:
            per_subnet[instance.subnet_id] += 1
    asg = (nodegroup.resources.get("autoScalingGroups") or [{}])[0].get("name", "")
    tags = {
        "instance": {
            CLUSTER_TAG: nodegroup.cluster_name,
            NODEGROUP_TAG: nodegroup.nodegroup_name,
            "aws:autoscaling:groupName": asg,
            f"kubernetes.io/cluster/{nodegroup.cluster_name}": "owned",
            "Name": nodegroup.nodegroup_name,
        }
    }
    for _ in range(count):
        subnet = min(per_subnet, key=lambda s: (per_subnet[s], s)) if per_subnet else None
        kwargs = {"instance_type": (nodegroup.instance_types or ["t3.medium"])[0], "is_instance_type_default": False,
                  "tags": tags, "region_name": ec2.region_name}
        try:
            if subnet is not None:
                ec2.get_subnet(subnet)
                kwargs["subnet_id"] = subnet
        except Exception:  # noqa: BLE001 - a subnet the emulator does not know: the region's default placement
            subnet = None
        ec2.run_instances("ami-0eksnode0000000001", 1, None, [], **kwargs)
        if subnet is not None:
            per_subnet[subnet] += 1


def _reconcile_nodegroup_instances(eks_backend=None) -> None:  # type: ignore[no-untyped-def]
    """Keep each node group's Auto Scaling group at its desired size: a missing instance (one
    terminated) is replaced after ``eks.nodegroup.replace_instance`` AWS minutes; extra ones
    (desired size lowered) are terminated. Called before the node group and instance calls
    and by the control API's node list."""
    import time

    from moto.ec2.models import ec2_backends
    from moto.eks.models import eks_backends

    backends = [eks_backend] if eks_backend is not None else [
        backend for per_account in eks_backends.values() for backend in dict.values(per_account)
    ]
    with _NODEGROUP_LOCK:
        now = time.monotonic()
        for backend in backends:
            ec2 = ec2_backends[backend.account_id][backend.region_name]
            for cluster in list(backend.clusters.values()):
                for nodegroup in list(cluster.nodegroups.values()):
                    key = (backend.account_id, backend.region_name, cluster.name, nodegroup.nodegroup_name)
                    if nodegroup.status in ("DELETING", "CREATE_FAILED", "DELETE_FAILED"):
                        _NODEGROUP_REPLACEMENTS.pop(key, None)
                        continue
                    desired = int((nodegroup.scaling_config or {}).get("desiredSize", 0))
                    live = _nodegroup_instances(ec2, cluster.name, nodegroup.nodegroup_name)
                    due = _NODEGROUP_REPLACEMENTS.setdefault(key, [])
                    ready = [t for t in due if t <= now]
                    if ready:
                        _launch_nodegroup_instances(ec2, nodegroup, min(len(ready), max(desired - len(live), 0)))
                        due[:] = [t for t in due if t > now]
                        live = _nodegroup_instances(ec2, cluster.name, nodegroup.nodegroup_name)
                    missing = desired - len(live) - len(due)
                    if missing > 0:
                        seconds = _replace_seconds()
                        if seconds <= 0:
                            _launch_nodegroup_instances(ec2, nodegroup, missing)
                        else:
                            due.extend([now + seconds] * missing)
                    elif len(live) > desired:
                        ec2.terminate_instances([i.id for i in live[desired:]])


def _nodegroup_nodes() -> list[dict]:
    """Every node group instance as the kubelet would register it (the Kubernetes emulator reads
    this through ``GET /_emulator/eks/nodes``): cluster, node group, its labels and taints,
    instance id, type, AZ, private IP and DNS name, state."""
    from moto.ec2.models import ec2_backends
    from moto.eks.models import eks_backends

    _reconcile_nodegroup_instances()
    out = []
    for per_account in eks_backends.values():
        for backend in dict.values(per_account):
            ec2 = ec2_backends[backend.account_id][backend.region_name]
            for cluster in list(backend.clusters.values()):
                for nodegroup in list(cluster.nodegroups.values()):
                    for instance in _nodegroup_instances(ec2, cluster.name, nodegroup.nodegroup_name):
                        out.append({
                            "region": backend.region_name,
                            "cluster": cluster.name,
                            "nodegroup": nodegroup.nodegroup_name,
                            "nodegroup_status": nodegroup.status,
                            "labels": dict(nodegroup.labels or {}),
                            "taints": list(nodegroup.taints or []),
                            "capacity_type": nodegroup.capacity_type,
                            "ami_type": nodegroup.ami_type,
                            "version": nodegroup.version,
                            "instance_id": instance.id,
                            "instance_type": instance.instance_type,
                            "availability_zone": instance.placement.zone,
                            "private_ip": instance.private_ip,
                            "private_dns_name": instance.private_dns_name,
                            "state": instance.state,
                            "launch_time": str(instance.launch_time),
                        })
    return out


def eks_nodegroup_instances() -> None:
    """Managed node groups run EC2 instances, and their Auto Scaling group replaces a lost one.

    moto 5.2.5 creates no instances for a node group (only a made-up Auto Scaling group name).
    Here CreateNodegroup launches ``desiredSize`` instances of the first instance type, spread
    over the node group's subnets (AZs) as the Auto Scaling group does, tagged
    ``eks:cluster-name``, ``eks:nodegroup-name``, ``aws:autoscaling:groupName`` and
    ``kubernetes.io/cluster/<cluster>=owned``; TerminateInstances of one of them starts its
    replacement, running ``eks.nodegroup.replace_instance`` AWS minutes later (3; instant at time
    scale 0); UpdateNodegroupConfig's desiredSize is followed; DeleteNodegroup terminates them.
    ``aws_extensions.nodegroup_nodes()`` lists them for the Kubernetes emulator, which registers them as Nodes.
    """
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.instances import InstanceBackend
    from moto.eks.models import EKSBackend

    original_create = EKSBackend.create_nodegroup
    original_delete = EKSBackend.delete_nodegroup
    original_update = EKSBackend.update_nodegroup_config
    original_terminate = InstanceBackend.terminate_instances
    original_describe = InstanceBackend.describe_instances

    def create_nodegroup(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        nodegroup = original_create(self, *args, **kwargs)
        with _NODEGROUP_LOCK:
            ec2 = ec2_backends[self.account_id][self.region_name]
            _launch_nodegroup_instances(ec2, nodegroup, int((nodegroup.scaling_config or {}).get("desiredSize", 0)))
        return nodegroup

    def delete_nodegroup(self, cluster_name, nodegroup_name, *args, **kwargs):  # type: ignore[no-untyped-def]
        nodegroup = original_delete(self, cluster_name, nodegroup_name, *args, **kwargs)
        with _NODEGROUP_LOCK:
            ec2 = ec2_backends[self.account_id][self.region_name]
            live = _nodegroup_instances(ec2, cluster_name, nodegroup_name)
            _NODEGROUP_REPLACEMENTS.pop((self.account_id, self.region_name, cluster_name, nodegroup_name), None)
            if live:
                original_terminate(ec2, [i.id for i in live])
        return nodegroup

    def update_nodegroup_config(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original_update(self, *args, **kwargs)
        _reconcile_nodegroup_instances(self)
        return result

    def terminate_instances(self, instance_ids):  # type: ignore[no-untyped-def]
        result = original_terminate(self, instance_ids)
        from moto.eks.models import eks_backends

        if self.region_name in dict.keys(eks_backends.get(self.account_id, {})):
            _reconcile_nodegroup_instances(eks_backends[self.account_id][self.region_name])
        return result

    def describe_instances(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from moto.eks.models import eks_backends

        if self.region_name in dict.keys(eks_backends.get(self.account_id, {})):
            _reconcile_nodegroup_instances(eks_backends[self.account_id][self.region_name])
        return original_describe(self, *args, **kwargs)

    EKSBackend.create_nodegroup = create_nodegroup  # type: ignore[method-assign]
    EKSBackend.delete_nodegroup = delete_nodegroup  # type: ignore[method-assign]
    EKSBackend.update_nodegroup_config = update_nodegroup_config  # type: ignore[method-assign]
    InstanceBackend.terminate_instances = terminate_instances  # type: ignore[method-assign]
    InstanceBackend.describe_instances = describe_instances  # type: ignore[method-assign]
