"""Amazon MQ: RabbitMQ rules, pending broker updates, configurations (amazonmq role;
cardplatform.aws.mq_broker, mq_configuration)."""

from __future__ import annotations


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


# --- Data-service modules (cardplatform.aws.mq_broker) ---


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


# Amazon MQ's default rabbitmq.conf for a new RabbitMQ configuration (revision 1).
MQ_RABBITMQ_DEFAULT_CONFIGURATION = (
    "# Default RabbitMQ delivery acknowledgement timeout is 30 minutes in milliseconds\n"
    "consumer_timeout = 1800000\n"
)


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
