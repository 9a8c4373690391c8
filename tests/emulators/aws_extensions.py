"""Extensions to moto for behaviours the roles rely on and moto 5.2.5 lacks.

Each extension is a small, named function registered in ``EXTENSIONS`` and
applied once before the server starts. Keep them stateful and shaped like the
real AWS responses; they are test infrastructure, never product code.
"""

from __future__ import annotations

from typing import Callable

EXTENSIONS: list[Callable[[], None]] = []


def extension(func: Callable[[], None]) -> Callable[[], None]:
    EXTENSIONS.append(func)
    return func


def apply() -> None:
    for func in EXTENSIONS:
        func()


# --- ElastiCache replication groups (elasticache role, cardplatform.aws.elasticache_replication_group) ---


@extension
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


@extension
def rds_performance_insights() -> None:
    """Keep RDS Performance Insights settings (moto 5.2.5 accepts and drops them).

    CreateDBInstance, CreateDBInstanceReadReplica and ModifyDBInstance take
    EnablePerformanceInsights, PerformanceInsightsKMSKeyId and
    PerformanceInsightsRetentionPeriod; DescribeDBInstances returns them as
    PerformanceInsightsEnabled / PerformanceInsightsKMSKeyId /
    PerformanceInsightsRetentionPeriod. Like AWS, enabling without a key uses the
    account's aws/rds key and the retention defaults to 7 days.
    """
    from moto.rds.models import DBInstance

    def _apply_pi(db: DBInstance, kwargs: dict) -> None:
        enabled = kwargs.get("enable_performance_insights")
        if enabled is None and not hasattr(db, "performance_insights_enabled"):
            enabled = False
        if enabled is not None:
            db.performance_insights_enabled = bool(enabled)
        if getattr(db, "performance_insights_enabled", False):
            key = kwargs.get("performance_insights_kms_key_id") or getattr(db, "performance_insights_kms_key_id", None)
            if not key:
                key = f"arn:aws:kms:{db.region}:{db.account_id}:alias/aws/rds"
            db.performance_insights_kms_key_id = key
            retention = kwargs.get("performance_insights_retention_period") or getattr(
                db, "performance_insights_retention_period", None
            )
            db.performance_insights_retention_period = int(retention or 7)
        else:
            db.performance_insights_kms_key_id = None
            db.performance_insights_retention_period = None

    original_init = DBInstance.__init__
    original_update = DBInstance.update

    def __init__(self, backend, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, backend, *args, **kwargs)
        _apply_pi(self, kwargs)

    def update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_update(self, *args, **kwargs)
        _apply_pi(self, kwargs)

    DBInstance.__init__ = __init__  # type: ignore[method-assign]
    DBInstance.update = update  # type: ignore[method-assign]


@extension
def rds_gp3_baseline() -> None:
    """Report gp3 baseline IOPS and throughput like RDS does (moto 5.2.5 leaves them out).

    RDS for PostgreSQL on gp3 below 400 GiB includes 3000 IOPS and 125 MiB/s; from 400 GiB
    12000 IOPS and 500 MiB/s. DescribeDBInstances always returns Iops and StorageThroughput
    for gp3, and amazon.aws.rds_instance reads both when it compares a gp3 instance.
    """
    from moto.rds.models import DBInstance

    original_init = DBInstance.__init__

    def __init__(self, backend, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, backend, *args, **kwargs)
        if getattr(self, "db_cluster_identifier", None) is None and getattr(self, "storage_type", None) == "gp3":
            large = int(self.allocated_storage or 0) >= 400
            if not self.iops:
                self.iops = 12000 if large else 3000
            if not self.storage_throughput:
                self.storage_throughput = 500 if large else 125

    DBInstance.__init__ = __init__  # type: ignore[method-assign]


@extension
def mq_rabbitmq_rules() -> None:
    """Enforce Amazon MQ's RabbitMQ rules that moto 5.2.5 does not.

    - CreateBroker for RabbitMQ takes exactly one user; DescribeBroker never returns it
      (RabbitMQ users live in the broker, not in the Amazon MQ API).
    - RabbitMQ 3.13 and later require AutoMinorVersionUpgrade=true.
    - CreateUser/UpdateUser/DeleteUser are ActiveMQ-only.
    - Endpoints look like AWS's: one amqps:// endpoint per broker (the cluster's NLB).
    """
    from moto.mq.exceptions import BadRequestException
    from moto.mq.models import Broker, MQBackend

    def _is_rabbit(engine_type: str | None) -> bool:
        return (engine_type or "").upper() == "RABBITMQ"

    original_create = MQBackend.create_broker

    def create_broker(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if _is_rabbit(kwargs.get("engine_type")):
            users = kwargs.get("users") or []
            if len(users) != 1:
                raise BadRequestException(
                    f"RabbitMQ brokers support exactly one user at creation; {len(users)} were given."
                )
            version = str(kwargs.get("engine_version") or "")
            parts = [int(p) for p in version.split(".")[:2] if p.isdigit()]
            if parts >= [3, 13] and not kwargs.get("auto_minor_version_upgrade"):
                raise BadRequestException(
                    f"Broker engine version [{version}] requires autoMinorVersionUpgrade to be true."
                )
        return original_create(self, *args, **kwargs)

    MQBackend.create_broker = create_broker  # type: ignore[method-assign]

    original_init = Broker.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        if _is_rabbit(self.engine_type):
            region = kwargs.get("region") or self.arn.split(":")[3]
            host = f"b-{self.id}.mq.{region}.amazonaws.com"
            self.instances = [
                {
                    "consoleURL": f"https://{host}",
                    "endpoints": [f"amqps://{host}:5671"],
                    "ipAddress": "10.0.0.10",
                }
            ]

    Broker.__init__ = __init__  # type: ignore[method-assign]

    original_users = Broker.users

    def users(self):  # type: ignore[no-untyped-def]
        return [] if _is_rabbit(self.engine_type) else original_users.fget(self)

    Broker.users = property(users)  # type: ignore[assignment]

    for name in ("create_user", "update_user", "delete_user"):
        original = getattr(MQBackend, name)

        def guarded(self, broker_id, *args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
            if _is_rabbit(self.describe_broker(broker_id).engine_type):
                raise BadRequestException(
                    "User management through the Amazon MQ API is not supported for RabbitMQ brokers."
                )
            return __original(self, broker_id, *args, **kwargs)

        setattr(MQBackend, name, guarded)


@extension
def rds_parameter_group_fidelity() -> None:
    """Make DB parameter groups behave like RDS for the PostgreSQL families.

    - DescribeDBParameterGroups for a name that does not exist raises
      DBParameterGroupNotFound (moto 5.2.5 returns an empty list, which
      amazon.aws.rds_instance_param_group then indexes).
    - A new postgres* group lists the family's engine-default parameters (a subset
      of RDS's catalogue, with data types, allowed values and apply types), as
      DescribeDBParameters does on AWS (moto starts with none).
    - ModifyDBParameterGroup rejects a parameter the family does not have, a value
      outside its allowed values, and a parameter that is not modifiable.
    """
    from moto.rds.exceptions import DBParameterGroupNotFoundError, InvalidParameterValue
    from moto.rds.models import DBParameterGroup, RDSBackend

    def _p(name, data_type, allowed, apply_type, value=None, modifiable=True):  # type: ignore[no-untyped-def]
        param = {
            "ParameterName": name,
            "Description": name,
            "Source": "engine-default" if value is None else "system",
            "ApplyType": apply_type,
            "DataType": data_type,
            "AllowedValues": allowed,
            "IsModifiable": modifiable,
            "ApplyMethod": "pending-reboot",
        }
        if value is not None:
            param["ParameterValue"] = value
        return param

    postgres_catalogue = [
        _p("rds.force_ssl", "boolean", "0,1", "dynamic", "0"),
        _p("rds.logical_replication", "boolean", "0,1", "static", "0"),
        _p("log_connections", "boolean", "0,1", "dynamic"),
        _p("log_disconnections", "boolean", "0,1", "dynamic"),
        _p("log_min_duration_statement", "integer", "-1-2147483647", "dynamic"),
        _p("log_statement", "string", "none,ddl,mod,all", "dynamic"),
        _p("idle_in_transaction_session_timeout", "integer", "0-2147483647", "dynamic"),
        _p("statement_timeout", "integer", "0-2147483647", "dynamic"),
        _p("work_mem", "integer", "64-2147483647", "dynamic"),
        _p("max_connections", "integer", "6-8388607", "static", "LEAST({DBInstanceClassMemory/9531392},5000)"),
        _p(
            "shared_preload_libraries",
            "list",
            "auto_explain,pg_cron,pg_stat_statements,pg_hint_plan,pgaudit",
            "static",
            "pg_stat_statements",
        ),
        _p("pg_stat_statements.track", "string", "none,top,all", "dynamic"),
        _p("ssl_min_protocol_version", "string", "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3", "dynamic", "TLSv1.2"),
        _p("password_encryption", "string", "md5,scram-sha-256", "dynamic", "scram-sha-256"),
        _p("track_io_timing", "boolean", "0,1", "dynamic", "1"),
        _p("timezone", "string", None, "dynamic", "UTC"),
        _p("port", "integer", "1-65535", "static", "{EndPointPort}", modifiable=False),
    ]

    def _seeded(group) -> bool:  # type: ignore[no-untyped-def]
        return (group.family or "").startswith("postgres")

    original_init = DBParameterGroup.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        if _seeded(self):
            for param in postgres_catalogue:
                self.parameters[param["ParameterName"]] = {k: v for k, v in param.items() if v is not None}

    DBParameterGroup.__init__ = __init__  # type: ignore[method-assign]

    def _allowed(param: dict, value: str) -> bool:
        allowed = param.get("AllowedValues")
        if not allowed or value.startswith("{"):
            return True
        if param.get("DataType") == "integer":
            low, _, high = allowed.rpartition("-") if allowed.count("-") > 1 else allowed.partition("-")
            try:
                return int(low) <= int(value) <= int(high)
            except ValueError:
                return False
        choices = allowed.split(",")
        if param.get("DataType") == "list":
            return all(item.strip() in choices for item in value.split(","))
        return value in choices

    original_update = DBParameterGroup.update_parameters

    def update_parameters(self, new_parameters):  # type: ignore[no-untyped-def]
        new_parameters = list(new_parameters)
        if _seeded(self):
            for new in new_parameters:
                name = new["ParameterName"]
                current = self.parameters.get(name)
                if current is None:
                    raise InvalidParameterValue(f"Could not find parameter with name: {name}")
                if not current.get("IsModifiable", True):
                    raise InvalidParameterValue(f"The parameter {name} cannot be modified.")
                value = str(new.get("ParameterValue", ""))
                if not _allowed(current, value):
                    raise InvalidParameterValue(
                        f"Value: {value} is outside of range: {current.get('AllowedValues')} for parameter: {name}"
                    )
        original_update(self, new_parameters)
        for new in new_parameters:
            self.parameters[new["ParameterName"]]["Source"] = "user"

    DBParameterGroup.update_parameters = update_parameters  # type: ignore[method-assign]

    original_describe = RDSBackend.describe_db_parameter_groups

    def describe_db_parameter_groups(self, db_parameter_group_kwargs):  # type: ignore[no-untyped-def]
        groups = original_describe(self, db_parameter_group_kwargs)
        name = db_parameter_group_kwargs.get("db_parameter_group_name")
        if name and not groups:
            raise DBParameterGroupNotFoundError(name)
        return groups

    RDSBackend.describe_db_parameter_groups = describe_db_parameter_groups  # type: ignore[method-assign]


@extension
def ec2_nat_gateway_tag_resource_type() -> None:
    """DescribeTags reports NAT gateways as resource type ``natgateway``, as AWS does.

    moto 5.2.5 files them under ``nat-gateway``, so a ``resource-type=natgateway``
    filter (what amazon.aws.ec2_vpc_nat_gateway uses to read its tags) finds none
    and the module re-tags the gateway on every run.
    """
    from moto.ec2 import utils as ec2_utils

    ec2_utils.EC2_PREFIX_TO_RESOURCE["nat"] = "natgateway"


# AWS managed policies that roles attach: RDS enhanced monitoring, EKS cluster and nodes.
AWS_MANAGED_POLICIES = [
    "AmazonRDSEnhancedMonitoringRole",
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
]


@extension
def iam_aws_managed_policies() -> None:
    """Provide the AWS managed policies the roles attach (``AWS_MANAGED_POLICIES``).

    moto loads AWS managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES=true (slow:
    over a thousand of them); add these from moto's own data on top of whatever the
    original (or another extension) returns.
    """
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend

    original = IAMBackend._init_aws_policies

    def _init_aws_policies(self):  # type: ignore[no-untyped-def]
        policies = list(original(self))
        have = {p.name for p in policies}
        data = json.loads(aws_managed_policies_data)
        for name in AWS_MANAGED_POLICIES:
            if name not in have and name in data:
                policies.append(AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data[name]))
        return policies

    IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]


@extension
def ec2_security_group_rule_description_return() -> None:
    """UpdateSecurityGroupRuleDescriptions{Ingress,Egress} answer ``<return>true</return>``.

    AWS returns ``Return: true``; moto 5.2.5 returns an empty result, and
    amazon.aws.ec2_security_group (which reads ``["Return"]``) then fails with
    KeyError 'Return' whenever it only has to add a rule description.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses.security_groups import SecurityGroups

    for name in ("update_security_group_rule_descriptions_ingress", "update_security_group_rule_descriptions_egress"):
        original = getattr(SecurityGroups, name)

        def patched(self, _original=original):  # type: ignore[no-untyped-def]
            _original(self)
            return ActionResult({"Return": True})

        setattr(SecurityGroups, name, patched)


@extension
def kms_key_deletion_by_arn() -> None:
    """Schedule/CancelKeyDeletion and Enable/DisableKey accept a key ARN, as AWS does.

    moto 5.2.5 indexes its key table with the KeyId argument as given, so a key ARN
    (what amazon.aws.kms_key passes for state=absent, and when it re-enables a key
    that was pending deletion) answers 500 (KeyError). Resolve IDs, ARNs and aliases
    the way the other KMS operations already do.
    """
    from moto.kms.models import KmsBackend

    for name in ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key"):
        original = getattr(KmsBackend, name)

        def patched(self, key_id, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            return _original(self, self.any_id_to_key_id(key_id), *args, **kwargs)

        setattr(KmsBackend, name, patched)


@extension
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


@extension
def ec2_launch_template_tags_stay_on_the_template() -> None:
    """CreateLaunchTemplate's own TagSpecifications tag the template, not its data.

    moto 5.2.5 copies the request's ``launch-template`` tag specification into
    version 1's LaunchTemplateData, where AWS never has it (that field only takes
    instance, volume, network-interface ... tags). amazon.aws.ec2_launch_template then
    sees a difference and creates version 2 on the next run.
    """
    from moto.ec2.models.launch_templates import LaunchTemplateBackend

    original = LaunchTemplateBackend.create_launch_template

    def create_launch_template(self, name, description, template_data, tag_spec):  # type: ignore[no-untyped-def]
        specs = template_data.get("TagSpecifications")
        if specs:
            kept = [s for s in specs if s.get("ResourceType") != "launch-template"]
            if kept:
                template_data["TagSpecifications"] = kept
            else:
                template_data.pop("TagSpecifications")
        return original(self, name, description, template_data, tag_spec)

    LaunchTemplateBackend.create_launch_template = create_launch_template  # type: ignore[method-assign]


@extension
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


@extension
def iam_oidc_provider_client_ids() -> None:
    """IAM AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider.

    moto 5.2.5 does not implement them (the server answers an error for an unknown
    action). Stateful: they change the provider's ClientIDList as AWS does (adding an
    existing ID, or removing a missing one, is not an error).
    """
    from moto.core.responses import EmptyResult
    from moto.iam.responses import IamResponse

    def add_client_id_to_open_id_connect_provider(self):  # type: ignore[no-untyped-def]
        provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
        client_id = self._get_param("ClientID")
        if client_id not in provider.client_id_list:
            provider.client_id_list.append(client_id)
        return EmptyResult()

    def remove_client_id_from_open_id_connect_provider(self):  # type: ignore[no-untyped-def]
        provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
        client_id = self._get_param("ClientID")
        if client_id in provider.client_id_list:
            provider.client_id_list.remove(client_id)
        return EmptyResult()

    IamResponse.add_client_id_to_open_id_connect_provider = add_client_id_to_open_id_connect_provider  # type: ignore[attr-defined]
    IamResponse.remove_client_id_from_open_id_connect_provider = remove_client_id_from_open_id_connect_provider  # type: ignore[attr-defined]


# --- Disaster recovery (playbooks/disaster_recovery.yml): RDS failover/promote/restore, ElastiCache TestFailover ---


def _dr_time_scale() -> float:
    """Seconds per AWS minute: the realism module's live setting, else AWS_EMULATOR_TIME_SCALE."""
    try:
        import aws_realism  # the server puts this directory on sys.path

        return float(aws_realism.LIFECYCLE.time_scale)
    except Exception:  # noqa: BLE001 - unit tests without the realism module
        import os

        try:
            return max(0.0, float(os.environ.get("AWS_EMULATOR_TIME_SCALE", "0") or 0))
        except ValueError:
            return 0.0


@extension
def rds_disaster_recovery_fidelity() -> None:
    """RDS behaviour the disaster-recovery scenarios rely on, as AWS documents it.

    moto 5.2.5: RebootDBInstance ignores ForceFailover (the writer never changes AZ and no
    SecondaryAvailabilityZone is reported); read replicas lack StatusInfos (amazon.aws
    rds_instance promotes only an instance that has them); PromoteReadReplica leaves
    ReadReplicaSourceDBInstanceIdentifier set; LatestRestorableTime is "now" (AWS uploads
    transaction logs every 5 minutes, so it trails by up to 5 minutes); and
    RestoreDBInstanceToPointInTime copies the source's security groups, parameter group and
    Multi-AZ setting and ignores MultiAZ=false, where AWS applies its defaults (the VPC's
    default security group, the engine's default parameter group, Single-AZ) unless each is
    passed. The 5-minute log interval is in AWS minutes, scaled like every lifecycle wait.
    """
    import time as _time
    from datetime import timedelta

    from moto.rds import models as rds_models
    from moto.rds import responses as rds_responses
    from moto.rds.exceptions import InvalidParameterCombination, RDSClientError

    db_cls = rds_models.DBInstance
    if getattr(db_cls, "_cardplatform_dr_fidelity", False):
        return
    db_cls._cardplatform_dr_fidelity = True

    def _azs(db):  # type: ignore[no-untyped-def]
        group = getattr(db, "db_subnet_group", None)
        subnets = getattr(group, "subnets", None) or []
        azs = sorted({getattr(s, "availability_zone", None) for s in subnets} - {None})
        return azs or [f"{db.region}a", f"{db.region}b"]

    def secondary_availability_zone(self):  # type: ignore[no-untyped-def]
        if not self.multi_az:
            return None
        stored = self.__dict__.get("_cardplatform_secondary_az")
        if stored and stored != self.availability_zone:
            return stored
        others = [az for az in _azs(self) if az != self.availability_zone]
        return others[0] if others else None

    def status_infos(self):  # type: ignore[no-untyped-def]
        if getattr(self, "is_replica", False) and self.source_db_instance_identifier:
            return [{"StatusType": "read replication", "Normal": True, "Status": "replicating"}]
        return None

    db_cls.secondary_availability_zone = property(secondary_availability_zone)
    db_cls.status_infos = property(status_infos)

    # LatestRestorableTime: the last 5-minute (AWS minutes) log upload since creation.
    created_at: dict[int, float] = {}

    def latest_restorable_time(self):  # type: ignore[no-untyped-def]
        now = rds_models.utcnow()
        interval = 5 * _dr_time_scale()
        if interval <= 0:
            return now
        start = created_at.setdefault(id(self), _time.monotonic())
        age = _time.monotonic() - start
        return now - timedelta(seconds=age % interval)

    db_cls.latest_restorable_time = property(latest_restorable_time)

    response_cls = rds_responses.RDSResponse
    original_reboot = response_cls.reboot_db_instance

    def reboot_db_instance(self):  # type: ignore[no-untyped-def]
        identifier = self.params.get("DBInstanceIdentifier")
        force = str(self.params.get("ForceFailover", "false")).lower() == "true"
        if force:
            db = self.backend.describe_db_instances(identifier)[0]
            if not db.multi_az:
                raise InvalidParameterCombination(
                    f"Cannot reboot DB instance {identifier} with force failover: it is not a Multi-AZ instance.")
        result = original_reboot(self)
        if force:
            primary, standby = db.availability_zone, db.secondary_availability_zone
            if standby:
                db.availability_zone = standby
                db.__dict__["_cardplatform_secondary_az"] = primary
        return result

    response_cls.reboot_db_instance = reboot_db_instance

    backend_cls = rds_models.RDSBackend
    original_promote = backend_cls.promote_read_replica

    def promote_read_replica(self, db_kwargs):  # type: ignore[no-untyped-def]
        db = self.databases.get(db_kwargs.get("db_instance_identifier"))
        source_id = getattr(db, "source_db_instance_identifier", None) if db is not None else None
        if db is not None and not getattr(db, "is_replica", False):
            raise RDSClientError("InvalidDBInstanceState", "DB Instance is not a read replica.")
        result = original_promote(self, db_kwargs)
        if source_id:
            source = self.databases.get(source_id)
            if source is not None and result.db_instance_identifier in getattr(source, "replicas", []):
                source.remove_replica(result)
            result.source_db_instance_identifier = None
        return result

    backend_cls.promote_read_replica = promote_read_replica

    original_restore = backend_cls.restore_db_instance_to_point_in_time

    def restore_db_instance_to_point_in_time(self, source_db_identifier, target_db_identifier, overrides):  # type: ignore[no-untyped-def]
        source = self.describe_db_instances(db_instance_identifier=source_db_identifier)[0]
        db = original_restore(self, source_db_identifier, target_db_identifier, overrides)
        # What AWS does with the settings the request leaves out.
        if not overrides.get("vpc_security_group_ids"):
            vpc_id = getattr(getattr(source, "db_subnet_group", None), "vpc_id", None)
            default_sg = None
            try:
                from moto.ec2.models import ec2_backends

                ec2 = ec2_backends[self.account_id][self.region_name]
                default_sg = ec2.get_security_group_from_name("default", vpc_id=vpc_id)
            except Exception:  # noqa: BLE001 - no EC2 state: leave moto's value
                default_sg = None
            if default_sg is not None:
                db._vpc_security_group_ids = [default_sg.id]
        if not overrides.get("db_parameter_group_name"):
            db.db_parameter_group_name = None
        db.multi_az = str(overrides.get("multi_az", False)).lower() == "true"
        return db

    backend_cls.restore_db_instance_to_point_in_time = restore_db_instance_to_point_in_time


@extension
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
        seconds = failover_minutes * _dr_time_scale()
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


@extension
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


@extension
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
    "aws-ebs-csi-driver": {"type": "storage", "versions": ["v1.53.0-eksbuild.1", "v1.52.1-eksbuild.1"]},
}
EKS_ADDON_CLUSTER_VERSIONS = ["1.33", "1.34", "1.35"]


@extension
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
                               "publisher": "eks", "owner": "aws"})
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


@extension
def ec2_interface_endpoint_private_dns_default() -> None:
    """CreateVpcEndpoint: an interface endpoint has private DNS on unless the request says no.

    AWS API: ``PrivateDnsEnabled`` defaults to true for interface endpoints of AWS services.
    moto 5.2.5 stores None (DescribeVpcEndpoints then reports false), so a verifier reading the
    endpoint back sees private DNS off where AWS has it on.
    """
    from moto.ec2.models.vpcs import VPCBackend

    if getattr(VPCBackend, "_cardplatform_private_dns_default", False):
        return
    VPCBackend._cardplatform_private_dns_default = True  # type: ignore[attr-defined]
    original = VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        endpoint = original(self, *args, **kwargs)
        if (endpoint.vpc_endpoint_type or "").lower() == "interface" and endpoint.private_dns_enabled is None:
            endpoint.private_dns_enabled = True
        return endpoint

    VPCBackend.create_vpc_endpoint = create_vpc_endpoint  # type: ignore[method-assign]


# --- Data-service modules (cardplatform.aws.mq_broker, rds_instance_master_password, elasticache_subnet_group) ---


@extension
def mq_update_broker_pending() -> None:
    """Make UpdateBroker and RebootBroker behave like Amazon MQ (moto 5.2.5 applies every change at once).

    - Configuration, engine version, host instance type, security groups, authentication
      strategy and logs become *pending* (DescribeBroker: Configurations.Pending,
      PendingEngineVersion, PendingHostInstanceType, PendingSecurityGroups,
      PendingAuthenticationStrategy, Logs.Pending) and are applied by RebootBroker (or the
      maintenance window, which never comes here). The maintenance window and automatic minor
      version upgrades change at once.
    - UpdateBroker refuses an unknown configuration or revision, and an engine downgrade.
    """
    from moto.mq.exceptions import BadRequestException, UnknownConfiguration
    from moto.mq.models import Broker, MQBackend

    if getattr(Broker, "_cardplatform_pending", False):
        return  # already applied (unit tests call it directly, in the same process)
    Broker._cardplatform_pending = True

    def _version(value: str | None) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in str(value or "").split("."))

    original_backend_update = MQBackend.update_broker

    def backend_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        broker = self.describe_broker(kwargs["broker_id"])
        configuration = kwargs.get("configuration")
        if configuration:
            config = self.configs.get(configuration.get("Id"))
            if config is None:
                raise UnknownConfiguration(configuration.get("Id"))
            revision = configuration.get("Revision")
            if revision is not None and not 1 <= int(revision) <= len(config.revisions):
                raise BadRequestException(
                    f"Revision [{revision}] of configuration [{config.id}] does not exist."
                )
        version = kwargs.get("engine_version")
        if version and _version(version) < _version(broker.engine_version)[: len(_version(version))]:
            raise BadRequestException(
                f"Broker engine version [{broker.engine_version}] cannot be downgraded to [{version}]."
            )
        return original_backend_update(self, *args, **kwargs)

    MQBackend.update_broker = backend_update  # type: ignore[method-assign]

    def update(self, authentication_strategy=None, auto_minor_version_upgrade=None, configuration=None,  # type: ignore[no-untyped-def]
               engine_version=None, host_instance_type=None, ldap_server_metadata=None, logs=None,
               maintenance_window_start_time=None, security_groups=None):
        if auto_minor_version_upgrade is not None:
            self.auto_minor_version_upgrade = auto_minor_version_upgrade
        if maintenance_window_start_time:
            self.maintenance_window_start_time = maintenance_window_start_time
        if ldap_server_metadata:
            self.ldap_server_metadata = ldap_server_metadata
        if authentication_strategy and authentication_strategy.lower() != str(self.authentication_strategy or "simple").lower():
            self.pending_authentication_strategy = authentication_strategy
        if configuration:
            current = self.configurations.get("current") or {}
            wanted = {"Id": configuration.get("Id"), "Revision": configuration.get("Revision") or 1}
            if wanted != {"Id": current.get("Id"), "Revision": current.get("Revision")}:
                self.configurations["pending"] = wanted
            else:
                self.configurations.pop("pending", None)
        if engine_version and engine_version != self.engine_version:
            self.pending_engine_version = engine_version
        if host_instance_type and host_instance_type != self.host_instance_type:
            self.pending_host_instance_type = host_instance_type
        if security_groups and sorted(security_groups) != sorted(self.security_groups or []):
            self.pending_security_groups = list(security_groups)
        if logs:
            pending = dict(self.logs.get("Pending") or {})
            pending.update({k: v for k, v in logs.items() if k != "Pending" and self.logs.get(k) != v})
            if pending:
                self.logs["Pending"] = pending

    original_reboot = Broker.reboot

    def reboot(self):  # type: ignore[no-untyped-def]
        original_reboot(self)
        if getattr(self, "pending_authentication_strategy", None):
            self.authentication_strategy = self.pending_authentication_strategy
        if self.configurations.get("pending"):
            self.configurations["history"].append(self.configurations["current"])
            self.configurations["current"] = self.configurations.pop("pending")
        if getattr(self, "pending_engine_version", None):
            self.engine_version = self.pending_engine_version
        if getattr(self, "pending_host_instance_type", None):
            self.host_instance_type = self.pending_host_instance_type
        if getattr(self, "pending_security_groups", None):
            self.security_groups = self.pending_security_groups
        self.logs.update(self.logs.pop("Pending", None) or {})
        self.pending_authentication_strategy = None
        self.pending_engine_version = None
        self.pending_host_instance_type = None
        self.pending_security_groups = None

    Broker.update = update  # type: ignore[method-assign]
    Broker.reboot = reboot  # type: ignore[method-assign]


@extension
def rds_managed_master_password_rules() -> None:
    """RDS-managed master passwords (ManageMasterUserPassword) as AWS has them.

    moto 5.2.5 copies the writer's MasterUserSecret onto a read replica (AWS replicas have
    none: the master user lives in the replicated database), so deleting the replica deletes
    the writer's secret; and it accepts combinations AWS rejects: MasterUserPassword together
    with ManageMasterUserPassword, turning management off without a new MasterUserPassword,
    and a new MasterUserSecretKmsKeyId on an instance whose password is already managed.
    """
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import RDSBackend

    if getattr(RDSBackend, "_cardplatform_managed_password", False):
        return
    RDSBackend._cardplatform_managed_password = True

    def _combination(msg: str) -> RDSClientError:
        return RDSClientError("InvalidParameterCombination", msg)

    original_create = RDSBackend.create_db_instance

    def create_db_instance(self, db_kwargs):  # type: ignore[no-untyped-def]
        if db_kwargs.get("manage_master_user_password") and db_kwargs.get("master_user_password"):
            raise _combination("You can't specify MasterUserPassword when ManageMasterUserPassword is turned on.")
        return original_create(self, db_kwargs)

    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self, db_kwargs):  # type: ignore[no-untyped-def]
        replica = original_replica(self, db_kwargs)
        replica.__dict__.pop("master_user_secret", None)
        replica.manage_master_user_password = False
        return replica

    original_modify = RDSBackend.modify_db_instance

    def modify_db_instance(self, db_instance_identifier, db_kwargs):  # type: ignore[no-untyped-def]
        database = self.describe_db_instances(db_instance_identifier)[0]
        managed = bool(getattr(database, "manage_master_user_password", False))
        manage = db_kwargs.get("manage_master_user_password")
        if manage is True and db_kwargs.get("master_user_password"):
            raise _combination("You can't specify MasterUserPassword when ManageMasterUserPassword is turned on.")
        if manage is True and getattr(database, "is_replica", False):
            raise _combination("A read replica has no master user password to manage: manage the source instance's.")
        if manage is False and managed and not db_kwargs.get("master_user_password"):
            raise _combination("You must specify MasterUserPassword when you turn off ManageMasterUserPassword.")
        if db_kwargs.get("master_user_secret_kms_key_id") and managed and manage is not False:
            raise _combination(
                "You can't change MasterUserSecretKmsKeyId of a DB instance that already manages its master user "
                "password with Secrets Manager."
            )
        if manage is True and managed:
            db_kwargs = {k: v for k, v in db_kwargs.items() if k != "manage_master_user_password"}
        if db_kwargs.get("rotate_master_user_password") and not managed:
            raise _combination("RotateMasterUserPassword needs ManageMasterUserPassword turned on.")
        return original_modify(self, db_instance_identifier, db_kwargs)

    RDSBackend.create_db_instance = create_db_instance  # type: ignore[method-assign]
    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]
    RDSBackend.modify_db_instance = modify_db_instance  # type: ignore[method-assign]


# --- ElastiCache default parameter groups (elasticache role scenario's verifier) ---

# AWS's default Redis OSS parameter groups and the parameters the roles and their tests
# read back (AWS returns ~70 per group; these are the ones that differ between them).
ELASTICACHE_DEFAULT_PARAMETER_GROUPS = {
    "default.redis7": ("redis7", "no"),
    "default.redis7.cluster.on": ("redis7", "yes"),
    "default.redis6.x": ("redis6.x", "no"),
    "default.redis6.x.cluster.on": ("redis6.x", "yes"),
}


@extension
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


# Amazon MQ's default rabbitmq.conf for a new RabbitMQ configuration (revision 1).
MQ_RABBITMQ_DEFAULT_CONFIGURATION = (
    "# Default RabbitMQ delivery acknowledgement timeout is 30 minutes in milliseconds\n"
    "consumer_timeout = 1800000\n"
)


@extension
def mq_rabbitmq_configurations() -> None:
    """Amazon MQ configurations as AWS keeps them (cardplatform.aws.mq_configuration, amazonmq role).

    moto 5.2.5 differs from AWS in these ways:
    - revision 1 of every new configuration holds ActiveMQ XML, not base64: AWS returns
      `Data` base64-encoded always, and a RabbitMQ configuration starts with a rabbitmq.conf
      (Cuttlefish) that sets consumer_timeout;
    - CreateConfiguration ignores AuthenticationStrategy (AWS keeps it; LDAP is refused
      for RabbitMQ);
    - ListConfigurations ignores MaxResults (1-100) and NextToken;
    - UpdateConfiguration / DescribeConfigurationRevision of an unknown configuration or
      revision answer 500 instead of 404 NotFoundException;
    - CreateBroker accepts a configuration that does not exist, a revision it does not
      have, or one of the other engine.
    """
    import base64

    from moto.core.responses import ActionResult
    from moto.mq import responses as mq_responses
    from moto.mq.exceptions import BadRequestException, NotFoundException, UnknownConfiguration
    from moto.mq.models import Configuration, MQBackend

    if getattr(Configuration, "_cardplatform_configurations", False):
        return  # already applied (unit tests call it directly, in the same process)
    Configuration._cardplatform_configurations = True

    original_init = Configuration.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        first = self.revisions["1"]
        text = MQ_RABBITMQ_DEFAULT_CONFIGURATION if str(self.engine_type).upper() == "RABBITMQ" else first.data
        first.data = base64.b64encode(text.encode()).decode()

    Configuration.__init__ = __init__  # type: ignore[method-assign]

    def known(self, config_id):  # type: ignore[no-untyped-def]
        if config_id not in self.configs:
            raise UnknownConfiguration(config_id)
        return self.configs[config_id]

    original_update = MQBackend.update_configuration

    def update_configuration(self, config_id, data, description):  # type: ignore[no-untyped-def]
        known(self, config_id)
        return original_update(self, config_id, data, description)

    MQBackend.update_configuration = update_configuration  # type: ignore[method-assign]

    def describe_configuration_revision(self, config_id, revision_id):  # type: ignore[no-untyped-def]
        config = known(self, config_id)
        if str(revision_id) not in config.revisions:
            raise NotFoundException(
                f"Can't find requested revision [{revision_id}] of configuration [{config_id}]."
            )
        return config.get_revision(str(revision_id))

    MQBackend.describe_configuration_revision = describe_configuration_revision  # type: ignore[method-assign]

    original_create_broker = MQBackend.create_broker

    def create_broker(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        configuration = kwargs.get("configuration")
        if configuration:
            config = known(self, configuration.get("Id"))
            revision = configuration.get("Revision")
            if revision is not None and str(revision) not in config.revisions:
                raise BadRequestException(
                    f"Revision [{revision}] of configuration [{config.id}] does not exist."
                )
            if str(config.engine_type).upper() != str(kwargs.get("engine_type") or "").upper():
                raise BadRequestException(
                    f"Configuration [{config.id}] is for engine type [{config.engine_type}], "
                    f"not [{kwargs.get('engine_type')}]."
                )
        return original_create_broker(self, *args, **kwargs)

    MQBackend.create_broker = create_broker  # type: ignore[method-assign]

    response_cls = mq_responses.MQResponse

    def create_configuration(self):  # type: ignore[no-untyped-def]
        strategy = self._get_param("AuthenticationStrategy")
        engine_type = self._get_param("EngineType")
        if strategy and strategy.upper() == "LDAP" and str(engine_type).upper() == "RABBITMQ":
            raise BadRequestException(
                "Authentication strategy [LDAP] is not supported for broker engine type [RABBITMQ]."
            )
        config = self.mq_backend.create_configuration(
            self._get_param("Name"), engine_type, self._get_param("EngineVersion"), self._get_param("Tags", {})
        )
        if strategy:
            config.authentication_strategy = strategy.lower()
        return ActionResult(config)

    def list_configurations(self):  # type: ignore[no-untyped-def]
        max_results = self._get_int_param("MaxResults") or 100
        if not 1 <= max_results <= 100:
            raise BadRequestException("MaxResults must be between 1 and 100.")
        token = self._get_param("NextToken")
        start = int(token) if token and token.isdigit() else 0
        configs = list(self.mq_backend.list_configurations())
        page = configs[start:start + max_results]
        resp = {"Configurations": page, "MaxResults": max_results}
        if start + max_results < len(configs):
            resp["NextToken"] = str(start + max_results)
        return ActionResult(resp)

    response_cls.create_configuration = create_configuration
    response_cls.list_configurations = list_configurations
