"""ElastiCache: replication groups, subnet groups, TestFailover, default parameter groups
(elasticache role; cardplatform.aws.elasticache_replication_group, elasticache_subnet_group,
elasticache_test_failover)."""

from __future__ import annotations

from .common import time_scale


# --- ElastiCache replication groups (elasticache role, cardplatform.aws.elasticache_replication_group) ---


def elasticache_replication_group_fidelity() -> None:
    """Make moto's ElastiCache replication groups behave like AWS where the module relies on it.

    moto 5.2.5: member cache clusters are not visible to DescribeCacheClusters (where AWS
    reports engine version, parameter group, subnet group, security groups, maintenance
    window and notification topic); ModifyReplicationGroup ignores all but six fields;
    DeleteReplicationGroup leaves the group "deleting" forever; IncreaseReplicaCount,
    DecreaseReplicaCount, ModifyReplicationGroupShardConfiguration, DeleteCacheSubnetGroup and
    ModifyCacheSubnetGroup are missing; and CreateReplicationGroup accepts combinations AWS
    rejects (auth token without TLS, Multi-AZ without a replica, cluster mode on a
    non-cluster parameter group, a too-short auth token).
    """
    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticache import models as ec_models
    from moto.elasticache import responses as ec_responses
    from moto.elasticache.exceptions import (
        CacheSubnetGroupNotFound,
        ElastiCacheException,
        InvalidParameterCombinationException,
        InvalidParameterValueException,
        ReplicationGroupNotFound,
    )

    backend_cls = ec_models.ElastiCacheBackend
    response_cls = ec_responses.ElastiCacheResponse
    if getattr(backend_cls, "_cardplatform_rg_fidelity", False):
        return  # already applied (unit tests call it directly, in the same process)
    backend_cls._cardplatform_rg_fidelity = True

    class InvalidReplicationGroupState(ElastiCacheException):
        code = "InvalidReplicationGroupState"

    class CacheSubnetGroupInUse(ElastiCacheException):
        code = "CacheSubnetGroupInUse"

    def _check_auth_token(token):
        if token is not None and not 16 <= len(token) <= 128:
            raise InvalidParameterValueException("Passwords length must be between 16-128 characters.")

    def _sync_members(backend, rg):
        """Keep one CacheCluster per member, carrying the settings AWS reports there."""
        for cluster_id in [c for c, cc in backend.cache_clusters.items()
                           if getattr(cc, "replication_group_id", None) == rg.replication_group_id
                           and c not in rg.member_clusters]:
            del backend.cache_clusters[cluster_id]
        for cluster_id in rg.member_clusters:
            cluster = backend.cache_clusters.get(cluster_id)
            if cluster is None:
                cluster = ec_models.CacheCluster(
                    account_id=backend.account_id, region_name=backend.region_name,
                    cache_cluster_id=cluster_id, cache_node_type=rg.cache_node_type,
                    replication_group_id=rg.replication_group_id, az_mode=None,
                    preferred_availability_zone=None, num_cache_nodes=1, engine="redis",
                    engine_version=rg.engine_version, cache_parameter_group_name=None,
                    cache_subnet_group_name=None, transit_encryption_enabled=None,
                    network_type="ipv4", ip_discovery="ipv4", snapshot_name=None,
                    preferred_maintenance_window=None, port=rg.port, notification_topic_arn=None,
                    auto_minor_version_upgrade=None, snapshot_retention_limit=0, snapshot_window=None,
                    auth_token=None, outpost_mode=None, preferred_outpost_arn=None,
                    preferred_availability_zones=None, cache_security_group_names=None,
                    security_group_ids=None, tags=None, snapshot_arns=None, preferred_outpost_arns=None,
                    log_delivery_configurations=[], cache_node_ids_to_remove=None,
                    cache_node_ids_to_reboot=None,
                )
                backend.cache_clusters[cluster_id] = cluster
            cluster.replication_group_id = rg.replication_group_id
            # AWS reports each member's AZ (moto places primaries in a, replicas in b).
            cluster.preferred_availability_zone = next(
                (m.get("preferred_availability_zone") for ng in rg.node_groups for m in ng.get("node_group_members", [])
                 if m.get("cache_cluster_id") == cluster_id), cluster.preferred_availability_zone)
            cluster.engine = rg.engine
            cluster.engine_version = rg.engine_version
            cluster.cache_node_type = rg.cache_node_type
            cluster.cache_subnet_group_name = rg.cache_subnet_group_name
            cluster.preferred_maintenance_window = rg.preferred_maintenance_window
            cluster.auto_minor_version_upgrade = rg.auto_minor_version_upgrade
            cluster.transit_encryption_enabled = rg.transit_encryption_enabled
            cluster.transit_encryption_mode = rg.transit_encryption_mode
            cluster.at_rest_encryption_enabled = rg.at_rest_encryption_enabled
            cluster.auth_token_enabled = rg.auth_token_enabled
            cluster.replication_group_log_delivery_enabled = bool(rg.log_delivery_configurations)
            cluster.security_groups = [{"SecurityGroupId": sg, "Status": "active"} for sg in rg.security_group_ids or []]
            cluster.cache_parameter_group = {
                "CacheParameterGroupName": rg.cache_parameter_group_name,
                "ParameterApplyStatus": "in-sync",
                "CacheNodeIdsToReboot": [],
            }
            cluster.notification_configuration = (
                {"TopicArn": rg.notification_topic_arn, "TopicStatus": rg.notification_topic_status}
                if rg.notification_topic_arn else None
            )

    def _rebuild_node_groups(rg, num_node_groups, replica_counts):
        """Recompute NodeGroups/MemberClusters for a cluster-mode-enabled group."""
        rg.node_groups = []
        rg.member_clusters = []
        slots_per_group = 16384 // num_node_groups
        for i in range(num_node_groups):
            node_group = {"node_group_id": f"{i + 1:0>4}", "status": "available", "node_group_members": []}
            last = 16383 if i == num_node_groups - 1 else (i + 1) * slots_per_group - 1
            node_group["slots"] = f"{i * slots_per_group}-{last}"
            rg._set_node_members_clusters_enabled(
                member_clusters=rg.member_clusters, replication_group_id=rg.replication_group_id,
                replicas_per_node_group=replica_counts[i], node_group_configuration=[],
                node_group=node_group, member_clusters_outpost_arns=[],
            )
            rg.node_groups.append(node_group)

    def _replica_counts(rg):
        return [len(ng["node_group_members"]) - 1 for ng in rg.node_groups]

    def _get(backend, rg_id):
        if rg_id not in backend.replication_groups:
            raise ReplicationGroupNotFound(rg_id)
        return backend.replication_groups[rg_id]

    original_create = backend_cls.create_replication_group

    def create_replication_group(self, **kwargs):
        token = kwargs.get("auth_token")
        _check_auth_token(token)
        if token and not kwargs.get("transit_encryption_enabled"):
            raise InvalidParameterCombinationException(
                "Encryption feature is not enabled: AuthToken requires TransitEncryptionEnabled=true.")
        if kwargs.get("transit_encryption_mode") and not kwargs.get("transit_encryption_enabled"):
            raise InvalidParameterCombinationException(
                "TransitEncryptionMode requires TransitEncryptionEnabled=true.")
        if kwargs.get("kms_key_id") and not kwargs.get("at_rest_encryption_enabled"):
            raise InvalidParameterCombinationException(
                "KmsKeyId requires AtRestEncryptionEnabled=true.")
        cluster_mode = kwargs.get("cluster_mode")
        pg = kwargs.get("cache_parameter_group_name") or ""
        if cluster_mode == "enabled" and pg.startswith("default.") and not pg.endswith(".cluster.on"):
            raise InvalidParameterCombinationException(
                f"Cluster mode enabled requires a parameter group with cluster-enabled=yes, not {pg}.")
        if cluster_mode == "enabled" and kwargs.get("automatic_failover_enabled") is False:
            raise InvalidParameterCombinationException(
                "Redis with cluster mode enabled cannot be created with AutomaticFailoverEnabled=false.")
        if cluster_mode == "enabled":
            replicas = kwargs.get("replicas_per_node_group") or 0
        else:
            replicas = (kwargs.get("num_cache_clusters") or 1) - 1
        if kwargs.get("multi_az_enabled") and (replicas < 1 or not kwargs.get("automatic_failover_enabled")):
            raise InvalidParameterCombinationException(
                "Multi-AZ requires automatic failover and at least one replica per node group.")
        if kwargs.get("automatic_failover_enabled") and cluster_mode != "enabled" and replicas < 1:
            raise InvalidParameterCombinationException(
                "Automatic failover requires at least one read replica.")
        rg = original_create(self, **kwargs)
        rg.engine_version = kwargs.get("engine_version") or "7.1"
        if rg.auto_minor_version_upgrade is None:
            rg.auto_minor_version_upgrade = True
        if rg.transit_encryption_enabled and not rg.transit_encryption_mode:
            rg.transit_encryption_mode = "required"
        rg.notification_topic_status = "active"
        rg.security_group_ids = rg.security_group_ids or []
        rg.pending_modified_values = {}
        _sync_members(self, rg)
        return rg

    backend_cls.create_replication_group = create_replication_group

    def modify(self, rg_id, p):
        rg = _get(self, rg_id)
        if rg.status != "available":
            raise InvalidReplicationGroupState(f"Replication group {rg_id} is not in available state.")
        simple = {
            "ReplicationGroupDescription": "description", "CacheNodeType": "cache_node_type",
            "EngineVersion": "engine_version", "Engine": "engine",
            "CacheParameterGroupName": "cache_parameter_group_name",
            "SecurityGroupIds": "security_group_ids",
            "PreferredMaintenanceWindow": "preferred_maintenance_window",
            "SnapshotWindow": "snapshot_window", "SnapshotRetentionLimit": "snapshot_retention_limit",
            "NotificationTopicArn": "notification_topic_arn",
            "NotificationTopicStatus": "notification_topic_status",
            "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
        }
        failover = p.get("AutomaticFailoverEnabled")
        multi_az = p.get("MultiAZEnabled")
        new_failover = rg.automatic_failover == "enabled" if failover is None else failover
        new_multi_az = rg.multi_az == "enabled" if multi_az is None else multi_az
        if new_multi_az and not new_failover:
            raise InvalidParameterCombinationException("Multi-AZ requires automatic failover.")
        if rg.cluster_mode == "enabled" and failover is False:
            raise InvalidParameterCombinationException(
                "Automatic failover cannot be disabled for Redis with cluster mode enabled.")
        if new_multi_az and min(_replica_counts(rg)) < 1:
            raise InvalidParameterCombinationException("Multi-AZ requires at least one replica per node group.")
        tls = p.get("TransitEncryptionEnabled")
        mode = p.get("TransitEncryptionMode")
        if tls is True and not rg.transit_encryption_enabled and mode != "preferred":
            raise InvalidParameterCombinationException(
                "TransitEncryptionMode must be set to preferred when enabling TransitEncryption.")
        if mode == "required" and not (rg.transit_encryption_enabled or tls):
            raise InvalidParameterCombinationException(
                "TransitEncryptionMode required needs TransitEncryptionEnabled=true.")
        if tls is False and rg.transit_encryption_mode == "required":
            raise InvalidParameterCombinationException(
                "Set TransitEncryptionMode to preferred before disabling TransitEncryption.")
        token = p.get("AuthToken")
        strategy = p.get("AuthTokenUpdateStrategy")
        if token is not None:
            _check_auth_token(token)
            if not (rg.transit_encryption_enabled or tls):
                raise InvalidParameterCombinationException(
                    "AuthToken can be modified only when TransitEncryptionEnabled is true.")
        if strategy in ("ROTATE", "SET") and token is None:
            raise InvalidParameterValueException("AuthToken is required for AuthTokenUpdateStrategy ROTATE and SET.")
        if strategy == "SET" and token is not None and not rg.auth_token_enabled:
            raise InvalidParameterCombinationException(
                "AuthTokenUpdateStrategy SET needs an auth token already in place (use ROTATE first).")
        for key, attr in simple.items():
            if p.get(key) is not None:
                setattr(rg, attr, p[key])
        if failover is not None:
            rg.automatic_failover = "enabled" if failover else "disabled"
        if multi_az is not None:
            rg.multi_az = "enabled" if multi_az else "disabled"
        if tls is not None:
            rg.transit_encryption_enabled = tls
            if not tls:
                rg.transit_encryption_mode = None
        if mode is not None and rg.transit_encryption_enabled:
            rg.transit_encryption_mode = mode
        if token is not None or strategy == "DELETE":
            rg.auth_token_enabled = strategy != "DELETE"
            rg.auth_token_last_modified_date = ec_models.utcnow()
        if p.get("ClusterMode") is not None:
            rg.cluster_mode = p["ClusterMode"]
            rg.cluster_enabled = rg.cluster_mode == "enabled"
        for config in p.get("LogDeliveryConfigurations") or []:
            rg.log_delivery_configurations = [
                c for c in rg.log_delivery_configurations if c.get("LogType") != config.get("LogType")]
            if config.get("Enabled", True):
                entry = {k: v for k, v in config.items() if k != "Enabled"}
                entry.update({"Status": "active", "Message": "Log delivery configuration is active."})
                rg.log_delivery_configurations.append(entry)
        rg.snapshotting_cluster_id = rg.member_clusters[-1] if rg.snapshot_retention_limit else None
        _sync_members(self, rg)
        return rg

    def modify_replication_group(self):
        params = self._get_params()
        rg = modify(self.elasticache_backend, params.get("ReplicationGroupId"), params)
        return ActionResult({"ReplicationGroup": rg})

    response_cls.modify_replication_group = modify_replication_group

    def delete_replication_group(self):
        backend = self.elasticache_backend
        rg_id = self._get_param("ReplicationGroupId")
        rg = _get(backend, rg_id)
        final = self._get_param("FinalSnapshotIdentifier")
        if final:
            backend.create_snapshot(snapshot_name=final, replication_group_id=rg_id,
                                    cache_cluster_id=None, kms_key_id=None, tags=None)
        rg.status = "deleting"
        # AWS takes minutes; the emulator removes the group at once, like every other
        # moto resource becomes available at once.
        del backend.replication_groups[rg_id]
        for cluster_id in list(rg.member_clusters):
            backend.cache_clusters.pop(cluster_id, None)
        backend.tagging_service.delete_all_tags_for_resource(rg.arn)
        return ActionResult({"ReplicationGroup": rg})

    response_cls.delete_replication_group = delete_replication_group

    def _resize(self, counts):
        rg = _get(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        if rg.cluster_mode != "enabled" and len(counts) != 1:
            raise InvalidParameterValueException("Cluster mode is disabled: one node group only.")
        if min(counts) < (1 if rg.multi_az == "enabled" else 0) or max(counts) > 5:
            raise InvalidParameterValueException(
                "ReplicaCount must be between 0 and 5 (at least 1 with Multi-AZ).")
        _rebuild_node_groups(rg, len(counts), counts)
        _sync_members(self.elasticache_backend, rg)
        return ActionResult({"ReplicationGroup": rg})

    def increase_replica_count(self):
        rg = _get(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        count = int(self._get_param("NewReplicaCount"))
        if any(count <= c for c in _replica_counts(rg)):
            raise InvalidParameterValueException("NewReplicaCount must be greater than the current count.")
        return _resize(self, [count] * len(rg.node_groups))

    def decrease_replica_count(self):
        rg = _get(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        count = int(self._get_param("NewReplicaCount"))
        if any(count >= c for c in _replica_counts(rg)):
            raise InvalidParameterValueException("NewReplicaCount must be smaller than the current count.")
        return _resize(self, [count] * len(rg.node_groups))

    def modify_replication_group_shard_configuration(self):
        rg = _get(self.elasticache_backend, self._get_param("ReplicationGroupId"))
        if rg.cluster_mode != "enabled":
            raise InvalidParameterValueException("Resharding needs cluster mode enabled.")
        count = int(self._get_param("NodeGroupCount"))
        if not 1 <= count <= 500:
            raise InvalidParameterValueException("NodeGroupCount must be between 1 and 500.")
        replicas = _replica_counts(rg)[0]
        return _resize(self, [replicas] * count)

    response_cls.increase_replica_count = increase_replica_count
    response_cls.decrease_replica_count = decrease_replica_count
    response_cls.modify_replication_group_shard_configuration = modify_replication_group_shard_configuration

    def delete_cache_subnet_group(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName")
        if name not in backend.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(name)
        if any(rg.cache_subnet_group_name == name for rg in backend.replication_groups.values()):
            raise CacheSubnetGroupInUse(f"Cache subnet group {name} is currently in use by a cache cluster.")
        group = backend.cache_subnet_groups.pop(name)
        backend.tagging_service.delete_all_tags_for_resource(group.arn)
        return EmptyResult()

    def modify_cache_subnet_group(self):
        backend = self.elasticache_backend
        name = self._get_param("CacheSubnetGroupName")
        if name not in backend.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(name)
        old = backend.cache_subnet_groups[name]
        group = ec_models.CacheSubnetGroup(
            account_id=backend.account_id, region_name=backend.region_name,
            cache_subnet_group_name=name,
            cache_subnet_group_description=self._get_param("CacheSubnetGroupDescription")
            or old.cache_subnet_group_description,
            subnet_ids=self._get_param("SubnetIds") or old.subnet_ids, tags=old.tags,
        )
        backend.cache_subnet_groups[name] = group
        return ActionResult({"CacheSubnetGroup": group})

    response_cls.delete_cache_subnet_group = delete_cache_subnet_group
    response_cls.modify_cache_subnet_group = modify_cache_subnet_group


# --- Disaster recovery (playbooks/disaster_recovery.yml): ElastiCache TestFailover ---


def elasticache_test_failover() -> None:
    """ElastiCache TestFailover (moto 5.2.5 answers 500: not implemented).

    Stateful, as AWS documents it: the group must exist (ReplicationGroupNotFoundFault), be
    available (InvalidReplicationGroupState), have automatic failover enabled and a replica
    in the node group (InvalidParameterCombination), and the node group must exist
    (NodeGroupNotFoundFault); at most 15 node groups per rolling 24 hours
    (TestFailoverNotAvailableFault). The group and the node group go through "modifying" for
    0.5 AWS minutes (scaled by the emulator's time scale), then "available"; a replica becomes
    the primary (CurrentRole, for cluster mode disabled, where AWS reports it; the
    emulator also keeps `_cardplatform_primary` per node group and DescribeEvents-like history
    in `_cardplatform_failovers`).
    """
    from moto.core.responses import ActionResult
    from moto.elasticache import responses as ec_responses
    from moto.elasticache.exceptions import (
        ElastiCacheException,
        InvalidParameterCombinationException,
        ReplicationGroupNotFound,
    )

    response_cls = ec_responses.ElastiCacheResponse
    if getattr(response_cls, "_cardplatform_test_failover", False):
        return
    response_cls._cardplatform_test_failover = True

    class InvalidReplicationGroupState(ElastiCacheException):
        code = "InvalidReplicationGroupState"

    class NodeGroupNotFound(ElastiCacheException):
        code = "NodeGroupNotFoundFault"

    class TestFailoverNotAvailable(ElastiCacheException):
        code = "TestFailoverNotAvailableFault"

    failover_minutes = 0.5
    window_s = 24 * 3600

    def test_failover(self):  # type: ignore[no-untyped-def]
        import time as _time

        backend = self.elasticache_backend
        rg_id = self._get_param("ReplicationGroupId")
        ng_id = self._get_param("NodeGroupId")
        rg = backend.replication_groups.get(rg_id)
        if rg is None:
            raise ReplicationGroupNotFound(rg_id)
        if rg.status != "available":
            raise InvalidReplicationGroupState(
                f"Replication group {rg_id} must be in available state to test failover (current state: {rg.status}).")
        if rg.automatic_failover != "enabled":
            raise InvalidParameterCombinationException(
                f"Automatic failover is not enabled for replication group {rg_id}.")
        node_group = next((ng for ng in rg.node_groups if ng.get("node_group_id") == ng_id), None)
        if node_group is None:
            raise NodeGroupNotFound(f"NodeGroup {ng_id} not found in replication group {rg_id}.")
        members = node_group.get("node_group_members") or []
        if len(members) < 2:
            raise InvalidParameterCombinationException(
                f"Node group {ng_id} of {rg_id} has no replica to fail over to.")
        now = _time.time()
        history = [t for t in getattr(rg, "_cardplatform_failovers", []) if now - t[0] < window_s]
        if len(history) >= 15:
            raise TestFailoverNotAvailable("TestFailover is limited to 15 node groups in a rolling 24-hour period.")
        current = node_group.get("_cardplatform_primary") or members[0]["cache_cluster_id"]
        ids = [m["cache_cluster_id"] for m in members]
        new_primary = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[1]
        node_group["_cardplatform_primary"] = new_primary
        for member in members:
            if "current_role" in member:
                member["current_role"] = "primary" if member["cache_cluster_id"] == new_primary else "replica"
        history.append((now, ng_id, current, new_primary))
        rg._cardplatform_failovers = history
        seconds = failover_minutes * time_scale()
        if seconds > 0:
            try:
                import aws_realism

                aws_realism.set_phases(rg, "status", [("modifying", seconds)])
                node_group["status"] = "modifying"

                def settle(ng=node_group):  # type: ignore[no-untyped-def]
                    ng["status"] = "available"

                aws_realism.LIFECYCLE.defer(seconds, settle)
            except Exception:  # noqa: BLE001 - without the realism module the failover is instant
                node_group["status"] = "available"
        return ActionResult({"ReplicationGroup": rg})

    response_cls.test_failover = test_failover


# --- ElastiCache default parameter groups (elasticache role scenario's verifier) ---

# AWS's default Redis OSS parameter groups and the parameters the roles and their tests
# read back (AWS returns ~70 per group; these are the ones that differ between them).
ELASTICACHE_DEFAULT_PARAMETER_GROUPS = {
    "default.redis7": ("redis7", "no"),
    "default.redis7.cluster.on": ("redis7", "yes"),
    "default.redis6.x": ("redis6.x", "no"),
    "default.redis6.x.cluster.on": ("redis6.x", "yes"),
}


def elasticache_default_parameter_groups() -> None:
    """DescribeCacheParameterGroups and DescribeCacheParameters for AWS's default groups.

    moto 5.2.5 answers 500 (not implemented) for both. Read-only and AWS-shaped: without a
    name, every default group (family, description, ARN, IsGlobal false); a name AWS does
    not know is a 404 CacheParameterGroupNotFound; DescribeCacheParameters returns the
    group's `cluster-enabled` (yes for the *.cluster.on groups, user-modifiable false, as on
    AWS), `maxmemory-policy` and `timeout`, with `Source` filtering (`system`/`user`).
    Custom groups (CreateCacheParameterGroup) are not emulated.
    """
    from moto.core.responses import ActionResult
    from moto.elasticache import responses as ec_responses
    from moto.elasticache.exceptions import ElastiCacheException

    response_cls = ec_responses.ElastiCacheResponse
    if getattr(response_cls, "_cardplatform_default_parameter_groups", False):
        return
    response_cls._cardplatform_default_parameter_groups = True

    class CacheParameterGroupNotFound(ElastiCacheException):
        code = "CacheParameterGroupNotFound"

        def __init__(self, name: str) -> None:
            super().__init__(f"CacheParameterGroup {name} not found.")

    def group_of(self, name):  # type: ignore[no-untyped-def]
        family, _cluster = ELASTICACHE_DEFAULT_PARAMETER_GROUPS[name]
        return {
            "CacheParameterGroupName": name,
            "CacheParameterGroupFamily": family,
            "Description": f"Default parameter group for {family}",
            "IsGlobal": False,
            "ARN": f"arn:aws:elasticache:{self.region}:{self.current_account}:parametergroup:{name}",
        }

    def describe_cache_parameter_groups(self):  # type: ignore[no-untyped-def]
        name = self._get_param("CacheParameterGroupName")
        if name and name not in ELASTICACHE_DEFAULT_PARAMETER_GROUPS:
            raise CacheParameterGroupNotFound(name)
        names = [name] if name else sorted(ELASTICACHE_DEFAULT_PARAMETER_GROUPS)
        return ActionResult({"CacheParameterGroups": [group_of(self, n) for n in names]})

    def describe_cache_parameters(self):  # type: ignore[no-untyped-def]
        name = self._get_param("CacheParameterGroupName")
        if name not in ELASTICACHE_DEFAULT_PARAMETER_GROUPS:
            raise CacheParameterGroupNotFound(name)
        _family, cluster = ELASTICACHE_DEFAULT_PARAMETER_GROUPS[name]
        params = [
            {"ParameterName": "cluster-enabled", "ParameterValue": cluster, "Description": "Enable cluster mode",
             "Source": "system", "DataType": "string", "AllowedValues": "yes,no", "IsModifiable": False,
             "MinimumEngineVersion": "3.2.4", "ChangeType": "requires-reboot"},
            {"ParameterName": "maxmemory-policy", "ParameterValue": "volatile-lru",
             "Description": "Max memory policy.", "Source": "system", "DataType": "string",
             "AllowedValues": "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,"
                              "volatile-ttl,noeviction",
             "IsModifiable": True, "MinimumEngineVersion": "2.6.13", "ChangeType": "immediate"},
            {"ParameterName": "timeout", "ParameterValue": "0", "Description": "Close connection if client is idle "
             "for a given number of seconds, or never if 0.", "Source": "system", "DataType": "integer",
             "AllowedValues": "0,20-", "IsModifiable": True, "MinimumEngineVersion": "2.6.13", "ChangeType": "immediate"},
        ]
        source = self._get_param("Source")
        if source:
            params = [p for p in params if p["Source"] == source]
        return ActionResult({"Parameters": params, "CacheNodeTypeSpecificParameters": []})

    response_cls.describe_cache_parameter_groups = describe_cache_parameter_groups
    response_cls.describe_cache_parameters = describe_cache_parameters
