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


@extension
def iam_rds_monitoring_managed_policy() -> None:
    """Provide the AWS managed policy the rds role attaches for enhanced monitoring.

    moto loads AWS managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES=true
    (about 1,600 of them, per account backend); AWS always has them. Add
    AmazonRDSEnhancedMonitoringRole from moto's own data, on top of whatever the
    original (or another extension) returns.
    """
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend

    wanted = ["AmazonRDSEnhancedMonitoringRole"]
    original = IAMBackend._init_aws_policies

    def _init_aws_policies(self):  # type: ignore[no-untyped-def]
        policies = list(original(self))
        have = {p.name for p in policies}
        data = json.loads(aws_managed_policies_data)
        for name in wanted:
            if name not in have and name in data:
                policies.append(AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data[name]))
        return policies

    IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]


@extension
def iam_eks_managed_policies() -> None:
    """Provide the AWS managed policies the eks role attaches to its IAM roles.

    Same approach as ``iam_rds_monitoring_managed_policy``: moto loads AWS managed
    policies only with MOTO_IAM_LOAD_MANAGED_POLICIES=true; add these from moto's own
    data on top of whatever the original (or another extension) returns.
    """
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend

    wanted = [
        "AmazonEKSClusterPolicy",
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonSSMManagedInstanceCore",
    ]
    original = IAMBackend._init_aws_policies

    def _init_aws_policies(self):  # type: ignore[no-untyped-def]
        policies = list(original(self))
        have = {p.name for p in policies}
        data = json.loads(aws_managed_policies_data)
        for name in wanted:
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
