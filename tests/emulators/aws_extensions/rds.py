"""RDS: Performance Insights, gp3 baseline, parameter groups, disaster recovery, managed master
passwords (rds role; amazon.aws.rds_instance, cardplatform.aws.rds_instance_master_password)."""

from __future__ import annotations

from .common import time_scale


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


# --- Disaster recovery (playbooks/disaster_recovery.yml): RDS failover/promote/restore ---


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
        interval = 5 * time_scale()
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


# --- Data-service modules (cardplatform.aws.rds_instance_master_password) ---


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
