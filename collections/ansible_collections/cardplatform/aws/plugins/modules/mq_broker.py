#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mq_broker
short_description: Create, update and delete an Amazon MQ broker (RabbitMQ or ActiveMQ)
version_added: 0.2.0
description:
  - Creates an Amazon MQ broker with every C(CreateBroker) setting (engine, deployment mode,
    instance type, network, encryption, logs, maintenance window, configuration, the initial
    user, tags), and brings an existing broker to the requested settings.
  - Settings AWS changes on a running broker are sent with one C(UpdateBroker) call. The
    configuration, engine version, host instance type, security groups, logs and
    authentication strategy become I(pending) until the broker reboots (the next maintenance
    window, or at once with O(apply_immediately=true)); the maintenance window and automatic
    minor version upgrades apply at once. Tags are changed with C(CreateTags) / C(DeleteTags).
  - A pending value counts as the broker's value, so a re-run after an update without
    reboot reports no change; the pending settings are returned in RV(pending_changes).
  - Settings AWS cannot change on an existing broker (O(engine_type), O(deployment_mode),
    O(subnet_ids), O(publicly_accessible), O(storage_type), O(kms_key_id),
    O(use_aws_owned_key), an O(engine_version) downgrade) make the module fail before any
    write, naming each setting. To change them, delete the broker (O(state=absent)) and create
    it again; its messages and definitions are lost.
  - "Users: a RabbitMQ broker has exactly one user, given at creation, which the Amazon MQ API
    never returns and cannot change (RabbitMQ users live in the broker: change them with the
    RabbitMQ management API). O(user) is therefore sent on creation only. For ActiveMQ
    brokers, O(update_password=always) sends C(UpdateUser) for that user (pending until
    reboot); for RabbitMQ brokers it fails with instructions. The module never creates a
    second user."
  - Supports check mode (no write API is called; RV(changed) is what a real run would report)
    and diff mode (the comparable settings before and after; never the password).
author:
  - card-platform maintainers
options:
  state:
    description:
      - V(present) creates or updates the broker, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  broker_name:
    description:
      - The broker name (C(BrokerName)), 1-50 letters, digits, C(-) or C(_). Amazon MQ has no
        lookup by name; the module finds the broker with C(ListBrokers).
    type: str
    required: true
    aliases: [name]
  engine_type:
    description:
      - The engine (C(EngineType)). Required on creation. Create-only.
    type: str
    choices: [RABBITMQ, ACTIVEMQ]
  engine_version:
    description:
      - The engine version (C(EngineVersion)), for example V(3.13). A prefix matches, so V(3.13)
        is satisfied by C(3.13.7). A higher version is an upgrade through C(UpdateBroker)
        (pending until reboot); a lower one is refused (AWS cannot downgrade). Required on
        creation. RabbitMQ 3.13 and later need O(auto_minor_version_upgrade=true).
    type: str
  deployment_mode:
    description:
      - C(DeploymentMode). V(CLUSTER_MULTI_AZ) is RabbitMQ only (three nodes behind a load
        balancer, two or more subnets), V(ACTIVE_STANDBY_MULTI_AZ) is ActiveMQ only (two
        subnets), V(SINGLE_INSTANCE) takes one subnet. AWS default V(SINGLE_INSTANCE).
        Create-only.
    type: str
    choices: [SINGLE_INSTANCE, ACTIVE_STANDBY_MULTI_AZ, CLUSTER_MULTI_AZ]
  host_instance_type:
    description:
      - The broker instance type (C(HostInstanceType)), for example V(mq.m5.large);
        V(mq.t3.micro) only for V(SINGLE_INSTANCE). Required on creation. Changed with
        C(UpdateBroker), pending until reboot.
    type: str
  subnet_ids:
    description:
      - Subnets of the broker (C(SubnetIds)). Order does not matter. An empty list or
        C(null) means the AWS default (subnets of the default VPC) on creation and is not
        compared on an existing broker. Create-only.
    type: list
    elements: str
  security_groups:
    description:
      - VPC security group IDs (C(SecurityGroups)). Order does not matter. AWS default is the
        VPC's default security group. Changed with C(UpdateBroker), pending until reboot.
    type: list
    elements: str
  publicly_accessible:
    description:
      - Whether the broker has public endpoints (C(PubliclyAccessible)). AWS default
        C(false). Create-only.
    type: bool
  storage_type:
    description:
      - Broker storage (C(StorageType)). RabbitMQ brokers use V(EBS). Create-only.
    type: str
    choices: [EBS, EFS]
  kms_key_id:
    description:
      - The customer managed KMS key that encrypts the broker's data at rest
        (C(EncryptionOptions.KmsKeyId)), as key ID, key ARN or alias. Implies
        O(use_aws_owned_key=false). A value that is not the reported key ARN is resolved with
        C(kms:DescribeKey) before comparing. Create-only.
    type: str
  use_aws_owned_key:
    description:
      - Encrypt with an AWS owned key (C(EncryptionOptions.UseAwsOwnedKey)). AWS default
        C(true). Must be C(false) (or omitted) with O(kms_key_id). Create-only.
    type: bool
  auto_minor_version_upgrade:
    description:
      - Upgrade to new minor versions in the maintenance window (C(AutoMinorVersionUpgrade)).
        AWS default C(false); RabbitMQ 3.13 and later need C(true). Changed at once with
        C(UpdateBroker).
    type: bool
  general_log:
    description:
      - Send general logs to CloudWatch Logs (C(Logs.General)). AWS default C(false). Changed
        with C(UpdateBroker), pending until reboot.
    type: bool
  audit_log:
    description:
      - Send audit logs to CloudWatch Logs (C(Logs.Audit)). ActiveMQ only. AWS default
        C(false). Changed with C(UpdateBroker), pending until reboot.
    type: bool
  maintenance_window:
    description:
      - The weekly maintenance window start (C(MaintenanceWindowStartTime)). AWS default is
        chosen by AWS. Compared case-insensitively. Changed at once with C(UpdateBroker).
    type: dict
    suboptions:
      day_of_week:
        description: Day of the week, for example V(SUNDAY).
        type: str
        required: true
        choices: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]
      time_of_day:
        description: Start time, C(HH:MM) in 24-hour format.
        type: str
        required: true
      time_zone:
        description: Time zone of O(maintenance_window.time_of_day), as a tz database name or UTC offset.
        type: str
        default: UTC
  configuration:
    description:
      - The broker configuration to use (C(Configuration)), for example the RabbitMQ policies
        kept as an Amazon MQ configuration. C(null) keeps the current one (AWS creates a
        default configuration on creation). Changed with C(UpdateBroker), pending until reboot.
    type: dict
    suboptions:
      id:
        description: The configuration ID (C(c-...)).
        type: str
        required: true
      revision:
        description:
          - The configuration revision. By default the latest revision
            (C(DescribeConfiguration)).
        type: int
  authentication_strategy:
    description:
      - C(AuthenticationStrategy). Only V(SIMPLE) (users kept by the broker) is supported by
        this module. AWS default V(SIMPLE). Compared case-insensitively.
    type: str
    choices: [SIMPLE]
  user:
    description:
      - The broker's initial user (C(Users), exactly one). Required on creation. Sent on
        creation only, unless O(update_password=always).
    type: dict
    suboptions:
      username:
        description: 2-100 letters, digits, C(-), C(.), C(_) or C(~). Not C(guest) (RabbitMQ).
        type: str
        required: true
      password:
        description:
          - At least 12 characters with at least 4 distinct ones, no C(,), C(:) or C(=).
            Never logged, never returned.
        type: str
        required: true
      console_access:
        description: ActiveMQ only. Access to the ActiveMQ web console. Ignored for RabbitMQ.
        type: bool
        default: false
      groups:
        description: ActiveMQ only. The user's groups. Ignored for RabbitMQ.
        type: list
        elements: str
  update_password:
    description:
      - V(on_create) sends O(user) only when the broker is created (a password cannot be read
        back, so it is never compared). V(always) also sends C(UpdateUser) on an existing
        ActiveMQ broker and always reports a change; on a RabbitMQ broker it fails (the Amazon
        MQ user API does not apply to RabbitMQ).
    type: str
    choices: [on_create, always]
    default: on_create
  apply_immediately:
    description:
      - Reboot the broker (C(RebootBroker)) when it has pending changes, ours or earlier ones,
        instead of leaving them for the next maintenance window. A reboot interrupts clients
        (a cluster reboots node by node).
    type: bool
    default: false
  tags:
    description:
      - Tags as a dict. C(null) leaves the tags as they are. Compared with C(ListTags).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Ignored when O(tags) is C(null).
    type: bool
    default: true
  wait:
    description:
      - Wait for the broker to be C(RUNNING) after creation and reboot (and for an existing
        broker that is being created or rebooted), or gone after deletion. An update or reboot
        of a broker that is not C(RUNNING) waits for it even with V(false), because AWS
        refuses C(UpdateBroker) and C(RebootBroker) until then. Amazon MQ has no
        boto3 waiter, so the module polls C(DescribeBroker).
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds, for each wait. Default 1800 (30 minutes, the Terraform
        AWS provider's timeout; a RabbitMQ cluster typically takes 15-30 minutes to create).
        On timeout the module fails with the last state seen.
    type: int
    default: 1800
  wait_delay:
    description:
      - Seconds between two C(DescribeBroker) calls while waiting.
    type: int
    default: 30
notes:
  - "AWS APIs called: mq:ListBrokers, DescribeBroker, CreateBroker, UpdateBroker, RebootBroker,
    DeleteBroker, ListTags, CreateTags, DeleteTags, DescribeConfiguration (only when
    O(configuration.revision) is omitted), UpdateUser (ActiveMQ with O(update_password=always));
    kms:DescribeKey (only to resolve a O(kms_key_id) that is not the reported key ARN). Every
    call is retried with jittered backoff on throttling."
  - Input errors (name, user name and password rules, RabbitMQ 3.13 without automatic minor
    version upgrades, engine and deployment mode mismatch, subnet count, time format) fail
    before any API call.
  - A broker that is being deleted, or whose creation failed, makes O(state=present) fail.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a RabbitMQ cluster broker, or bring it to these settings
  cardplatform.aws.mq_broker:
    broker_name: card-platform-production-rabbitmq
    engine_type: RABBITMQ
    engine_version: "3.13"
    deployment_mode: CLUSTER_MULTI_AZ
    host_instance_type: mq.m5.large
    subnet_ids: [subnet-0a, subnet-0b, subnet-0c]
    security_groups: [sg-0123456789abcdef0]
    publicly_accessible: false
    kms_key_id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    auto_minor_version_upgrade: true
    general_log: true
    maintenance_window:
      day_of_week: SUNDAY
      time_of_day: "05:00"
    configuration:
      id: c-0123456789abcdef
      revision: 2
    user:
      username: admin
      password: "{{ mq_admin_password }}"
    tags:
      Project: card-platform
  no_log: true

- name: Move to a bigger instance type now (reboots the broker)
  cardplatform.aws.mq_broker:
    broker_name: card-platform-production-rabbitmq
    host_instance_type: mq.m5.xlarge
    apply_immediately: true

- name: Delete the broker
  cardplatform.aws.mq_broker:
    broker_name: card-platform-production-rabbitmq
    state: absent
"""

RETURN = r"""
broker:
  description:
    - The broker as C(DescribeBroker) reports it, in snake_case, with its tags as a dict.
      Empty after deletion.
    - In check mode, for a broker that does not exist yet, the requested settings.
  returned: always
  type: dict
  contains:
    broker_id:
      description: The broker ID.
      type: str
      sample: b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9
    broker_arn:
      description: The broker ARN.
      type: str
    broker_name:
      description: The broker name.
      type: str
    broker_state:
      description: C(CREATION_IN_PROGRESS), C(RUNNING), C(REBOOT_IN_PROGRESS), C(DELETION_IN_PROGRESS), ...
      type: str
      sample: RUNNING
    broker_instances:
      description: The nodes (or the cluster's load balancer) with C(console_url), C(endpoints) and C(ip_address).
      type: list
      elements: dict
    configurations:
      description: C(current), C(pending) and C(history) configuration IDs and revisions.
      type: dict
    deployment_mode:
      description: The deployment mode.
      type: str
      sample: CLUSTER_MULTI_AZ
    engine_version:
      description: The running engine version.
      type: str
      sample: "3.13"
    pending_engine_version:
      description: The engine version applied at the next reboot, if any.
      type: str
    host_instance_type:
      description: The running instance type.
      type: str
    pending_host_instance_type:
      description: The instance type applied at the next reboot, if any.
      type: str
    security_groups:
      description: The security groups in use.
      type: list
      elements: str
    logs:
      description: C(general) (and C(audit)) log settings, with C(pending) ones.
      type: dict
    maintenance_window_start_time:
      description: C(day_of_week), C(time_of_day), C(time_zone).
      type: dict
    encryption_options:
      description: C(kms_key_id) and C(use_aws_owned_key).
      type: dict
    tags:
      description: The tags as a dict.
      type: dict
      sample: {Project: card-platform}
changes:
  description: The settings that were (or in check mode would be) changed, plus C(create), C(reboot), C(password), C(delete).
  returned: always
  type: list
  elements: str
  sample: [host_instance_type, tags, reboot]
pending_changes:
  description: The settings AWS holds as pending until the broker's next reboot (after this run).
  returned: always
  type: list
  elements: str
  sample: [host_instance_type]
"""

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import mq
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import poll
from ansible_collections.cardplatform.aws.plugins.module_utils.kms import key_matches
from ansible_collections.cardplatform.aws.plugins.module_utils.versions import version_matches, version_tuple

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9._~-]{2,100}$")
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
# Settings CreateBroker takes and UpdateBroker does not.
CREATE_ONLY = ("engine_type", "deployment_mode", "subnet_ids", "publicly_accessible", "storage_type", "kms_key_id",
               "use_aws_owned_key")
# Settings UpdateBroker changes, with what DescribeBroker reports as pending until reboot.
UPDATABLE = ("engine_version", "host_instance_type", "security_groups", "auto_minor_version_upgrade", "general_log",
             "audit_log", "maintenance_window", "configuration", "authentication_strategy")


def is_rabbit(engine_type):
    return (engine_type or "").upper() == "RABBITMQ"


class BrokerManager(mq.MQResourceManager):
    """Finds, compares and changes one broker."""

    def __init__(self, module):
        super().__init__(module, label=module.params["broker_name"])
        self.name = self.label
        # The engine of the existing broker, for requests that differ between engines.
        self.engine_type_hint = None

    # ---- reading -------------------------------------------------------------------------
    def find(self):
        """The broker's description, or None. A broker being deleted counts only when no other has the name."""
        summaries = self.paginate("list_brokers", "Failed to list brokers", PaginationConfig={"PageSize": 100})
        matches = [s for s in summaries.get("BrokerSummaries", []) if s.get("BrokerName") == self.name]
        matches.sort(key=lambda s: s.get("BrokerState") == "DELETION_IN_PROGRESS")
        for summary in matches:
            broker = self.describe(summary["BrokerId"])
            if broker is not None:
                return broker
        return None

    def describe(self, broker_id):
        return self.describe_resource("describe_broker", "Failed to describe broker", BrokerId=broker_id)

    def list_tags(self, arn):
        return self.call("list_tags", "Failed to list the broker's tags", ResourceArn=arn).get("Tags") or {}

    def latest_revision(self, configuration_id):
        config = self.call("describe_configuration", "Failed to describe configuration " + configuration_id,
                           ConfigurationId=configuration_id)
        return (config.get("LatestRevision") or {}).get("Revision")

    # ---- comparing ---------------------------------------------------------------------------
    @staticmethod
    def effective(broker):
        """The broker's settings after its next reboot (pending values win), keyed like the options."""
        logs = broker.get("Logs") or {}
        pending_logs = logs.get("Pending") or {}
        configs = broker.get("Configurations") or {}
        config = configs.get("Pending") or configs.get("Current") or {}
        window = broker.get("MaintenanceWindowStartTime") or {}
        encryption = broker.get("EncryptionOptions") or {}
        return dict(
            engine_type=(broker.get("EngineType") or "").upper(),
            engine_version=broker.get("PendingEngineVersion") or broker.get("EngineVersion"),
            deployment_mode=broker.get("DeploymentMode"),
            host_instance_type=broker.get("PendingHostInstanceType") or broker.get("HostInstanceType"),
            subnet_ids=sorted(broker.get("SubnetIds") or []),
            security_groups=sorted(broker.get("PendingSecurityGroups") or broker.get("SecurityGroups") or []),
            publicly_accessible=bool(broker.get("PubliclyAccessible")),
            storage_type=broker.get("StorageType"),
            kms_key_id=encryption.get("KmsKeyId"),
            use_aws_owned_key=encryption.get("UseAwsOwnedKey", True),
            auto_minor_version_upgrade=bool(broker.get("AutoMinorVersionUpgrade")),
            general_log=bool(pending_logs["General"] if "General" in pending_logs else logs.get("General")),
            audit_log=bool(pending_logs["Audit"] if "Audit" in pending_logs else logs.get("Audit")),
            maintenance_window=dict(
                day_of_week=(window.get("DayOfWeek") or "").upper(),
                time_of_day=window.get("TimeOfDay"),
                time_zone=window.get("TimeZone") or "UTC",
            ),
            configuration=dict(id=config.get("Id"), revision=config.get("Revision")),
            authentication_strategy=(broker.get("PendingAuthenticationStrategy")
                                     or broker.get("AuthenticationStrategy") or "SIMPLE").upper(),
        )

    @staticmethod
    def pending(broker):
        names = []
        if broker.get("PendingEngineVersion"):
            names.append("engine_version")
        if broker.get("PendingHostInstanceType"):
            names.append("host_instance_type")
        if broker.get("PendingSecurityGroups"):
            names.append("security_groups")
        if broker.get("PendingAuthenticationStrategy"):
            names.append("authentication_strategy")
        if (broker.get("Configurations") or {}).get("Pending"):
            names.append("configuration")
        pending_logs = (broker.get("Logs") or {}).get("Pending") or {}
        names += [f"{kind.lower()}_log" for kind in ("General", "Audit") if kind in pending_logs]
        return names

    def desired(self):
        """The requested settings that are not null, normalised like effective()."""
        p = self.params
        wanted = {}
        for name in ("engine_type", "engine_version", "deployment_mode", "host_instance_type", "publicly_accessible",
                     "storage_type", "kms_key_id", "use_aws_owned_key", "auto_minor_version_upgrade", "general_log",
                     "audit_log", "authentication_strategy"):
            if p[name] is not None:
                wanted[name] = p[name]
        if p["kms_key_id"] and p["use_aws_owned_key"] is None:
            wanted["use_aws_owned_key"] = False
        if p["subnet_ids"]:
            wanted["subnet_ids"] = sorted(set(p["subnet_ids"]))
        if p["security_groups"] is not None:
            wanted["security_groups"] = sorted(set(p["security_groups"]))
        if p["maintenance_window"] is not None:
            wanted["maintenance_window"] = dict(
                day_of_week=p["maintenance_window"]["day_of_week"].upper(),
                time_of_day=p["maintenance_window"]["time_of_day"],
                time_zone=p["maintenance_window"]["time_zone"] or "UTC",
            )
        if p["configuration"] is not None:
            wanted["configuration"] = dict(id=p["configuration"]["id"], revision=p["configuration"]["revision"])
        return wanted

    def compare(self, current, wanted):
        """(create-only settings that differ, {updatable setting: (current, wanted)})."""
        replace, update = [], {}
        for name in CREATE_ONLY:
            if name not in wanted or wanted[name] == current[name]:
                continue
            if name == "kms_key_id" and key_matches(self.module, wanted[name], current[name]):
                continue
            if name == "storage_type" and current[name] is None:
                continue  # not reported: nothing to compare
            replace.append(f"{name} ({current[name]} -> {wanted[name]})")
        if "engine_version" in wanted and not version_matches(wanted["engine_version"], current["engine_version"]):
            if version_tuple(wanted["engine_version"]) < version_tuple(current["engine_version"]):
                replace.append(f"engine_version downgrade ({current['engine_version']} -> {wanted['engine_version']})")
            else:
                update["engine_version"] = (current["engine_version"], wanted["engine_version"])
        if "configuration" in wanted:
            if wanted["configuration"]["revision"] is None:
                wanted["configuration"]["revision"] = self.latest_revision(wanted["configuration"]["id"])
            if wanted["configuration"] != current["configuration"]:
                update["configuration"] = (current["configuration"], wanted["configuration"])
        for name in UPDATABLE:
            if name in ("engine_version", "configuration") or name not in wanted:
                continue
            if name == "authentication_strategy":
                if wanted[name].upper() != current[name]:
                    update[name] = (current[name], wanted[name].upper())
            elif wanted[name] != current[name]:
                update[name] = (current[name], wanted[name])
        return replace, update

    # ---- writing -------------------------------------------------------------------------
    def create(self):
        p = self.params
        kwargs = dict(
            BrokerName=self.name,
            EngineType=p["engine_type"],
            EngineVersion=p["engine_version"],
            HostInstanceType=p["host_instance_type"],
            DeploymentMode=p["deployment_mode"] or "SINGLE_INSTANCE",
            PubliclyAccessible=bool(p["publicly_accessible"]),
            AutoMinorVersionUpgrade=bool(p["auto_minor_version_upgrade"]),
            Users=[self.user_entry()],
        )
        if p["subnet_ids"]:
            kwargs["SubnetIds"] = p["subnet_ids"]
        if p["security_groups"]:
            kwargs["SecurityGroups"] = p["security_groups"]
        if p["storage_type"]:
            kwargs["StorageType"] = p["storage_type"]
        if p["kms_key_id"] or p["use_aws_owned_key"] is not None:
            encryption = dict(UseAwsOwnedKey=bool(p["use_aws_owned_key"]) and not p["kms_key_id"])
            if p["kms_key_id"]:
                encryption["KmsKeyId"] = p["kms_key_id"]
            kwargs["EncryptionOptions"] = encryption
        logs = self.logs_entry()
        if logs:
            kwargs["Logs"] = logs
        if p["maintenance_window"]:
            kwargs["MaintenanceWindowStartTime"] = self.window_entry()
        if p["configuration"]:
            kwargs["Configuration"] = self.configuration_entry(p["configuration"])
        if p["authentication_strategy"]:
            kwargs["AuthenticationStrategy"] = p["authentication_strategy"]
        if p["tags"]:
            kwargs["Tags"] = p["tags"]
        created = self.call("create_broker", "Failed to create broker", **kwargs)
        return self.wait_running(created["BrokerId"]) if p["wait"] else self.describe(created["BrokerId"])

    def update(self, broker, update):
        kwargs = dict(BrokerId=broker["BrokerId"])
        simple = dict(engine_version="EngineVersion", host_instance_type="HostInstanceType",
                      security_groups="SecurityGroups", auto_minor_version_upgrade="AutoMinorVersionUpgrade",
                      authentication_strategy="AuthenticationStrategy")
        for name, api_name in simple.items():
            if name in update:
                kwargs[api_name] = update[name][1]
        if "general_log" in update or "audit_log" in update:
            kwargs["Logs"] = self.logs_entry(broker)
        if "maintenance_window" in update:
            kwargs["MaintenanceWindowStartTime"] = self.window_entry()
        if "configuration" in update:
            kwargs["Configuration"] = self.configuration_entry(update["configuration"][1])
        self.call("update_broker", "Failed to update broker", **kwargs)

    def update_password(self, broker):
        entry = self.user_entry()
        self.call("update_user", "Failed to update the broker user", BrokerId=broker["BrokerId"], **entry)

    def reboot(self, broker):
        self.call("reboot_broker", "Failed to reboot broker", BrokerId=broker["BrokerId"])
        if self.params["wait"]:
            # RebootBroker moves the broker to REBOOT_IN_PROGRESS before it answers.
            return self.wait_running(broker["BrokerId"])
        return self.describe(broker["BrokerId"])

    def delete(self, broker):
        self.call("delete_broker", "Failed to delete broker", BrokerId=broker["BrokerId"])
        if self.params["wait"]:
            self.wait_gone(broker["BrokerId"])

    # ---- waiting -------------------------------------------------------------------------
    def _poll(self, broker_id, done, waiting_for):
        def timed_out(broker):
            return (f"Timed out after {self.params['wait_timeout']} s waiting for broker {self.name} to be {waiting_for} "
                    f"(last state {(broker or {}).get('BrokerState')})")

        broker, _ = poll(self.module, lambda: self.describe(broker_id), done, self.params["wait_timeout"],
                         self.params["wait_delay"], timed_out)
        return broker

    def wait_running(self, broker_id):
        def running(broker):
            state = (broker or {}).get("BrokerState")
            if state in (None, "CREATION_FAILED", "DELETION_IN_PROGRESS", "CRITICAL_ACTION_REQUIRED"):
                self.module.fail_json(msg=f"Broker {self.name} is {state or 'gone'} while waiting for RUNNING",
                                      broker=camel_dict_to_snake_dict(broker or {}, ignore_list=["Tags"]))
            return state == "RUNNING"

        return self._poll(broker_id, running, "RUNNING")

    def wait_gone(self, broker_id):
        self._poll(broker_id, lambda broker: broker is None, "deleted")

    # ---- request pieces ------------------------------------------------------------------
    def user_entry(self):
        user = self.params["user"]
        entry = dict(Username=user["username"], Password=user["password"])
        if not is_rabbit(self.params["engine_type"] or self.engine_type_hint):
            entry["ConsoleAccess"] = bool(user["console_access"])
            if user["groups"]:
                entry["Groups"] = user["groups"]
        return entry

    def logs_entry(self, broker=None):
        p = self.params
        logs = {}
        current = self.effective(broker) if broker else {}
        general = p["general_log"] if p["general_log"] is not None else current.get("general_log")
        if general is not None:
            logs["General"] = bool(general)
        audit = p["audit_log"] if p["audit_log"] is not None else (current.get("audit_log") if broker else None)
        engine = p["engine_type"] or (broker or {}).get("EngineType")
        if audit is not None and not is_rabbit(engine):
            logs["Audit"] = bool(audit)
        return logs

    def window_entry(self):
        window = self.params["maintenance_window"]
        return dict(DayOfWeek=window["day_of_week"].upper(), TimeOfDay=window["time_of_day"],
                    TimeZone=window["time_zone"] or "UTC")

    @staticmethod
    def configuration_entry(configuration):
        entry = dict(Id=configuration["id"])
        if configuration.get("revision") is not None:
            entry["Revision"] = configuration["revision"]
        return entry

    # ---- result --------------------------------------------------------------------------
    def result(self, broker):
        if not broker:
            return {}
        tags = broker.get("Tags")
        if tags is None:
            tags = self.list_tags(broker["BrokerArn"])
        broker.pop("Users", None)  # RabbitMQ: never returned by AWS; ActiveMQ: names only
        result = camel_dict_to_snake_dict(broker, ignore_list=["Tags"])
        result["tags"] = tags
        return result


def validate(module):
    """Input checks that need no API call."""
    p = module.params
    errors = []
    if not NAME_RE.match(p["broker_name"]):
        errors.append(f"broker_name must be 1-50 letters, digits, '-' or '_' (got {p['broker_name']!r})")
    if p["wait_timeout"] < 1 or p["wait_delay"] < 1:
        errors.append("wait_timeout and wait_delay must be positive numbers of seconds")
    if p["state"] == "absent":
        if errors:
            module.fail_json(msg="; ".join(errors))
        return
    rabbit = is_rabbit(p["engine_type"])
    user = p["user"]
    if user is not None:
        if not USERNAME_RE.match(user["username"]):
            errors.append("user.username must be 2-100 letters, digits, '-', '.', '_' or '~'")
        elif rabbit and user["username"].lower() == "guest":
            errors.append("user.username cannot be 'guest' on RabbitMQ (Amazon MQ deletes that user)")
        password = user["password"]
        if len(password) < 12 or len(set(password)) < 4 or any(c in password for c in ",:="):
            errors.append("user.password must be at least 12 characters with at least 4 distinct ones and no ',', ':' or '='")
    if rabbit and p["engine_version"] and version_tuple(p["engine_version"])[:2] >= (3, 13) \
            and p["auto_minor_version_upgrade"] is not True:
        errors.append(f"RabbitMQ {p['engine_version']} needs auto_minor_version_upgrade=true (AWS rule from 3.13)")
    if p["deployment_mode"] == "CLUSTER_MULTI_AZ" and p["engine_type"] == "ACTIVEMQ":
        errors.append("deployment_mode CLUSTER_MULTI_AZ is for RabbitMQ; ActiveMQ uses ACTIVE_STANDBY_MULTI_AZ")
    if p["deployment_mode"] == "ACTIVE_STANDBY_MULTI_AZ" and rabbit:
        errors.append("deployment_mode ACTIVE_STANDBY_MULTI_AZ is for ActiveMQ; RabbitMQ uses CLUSTER_MULTI_AZ")
    if rabbit and p["audit_log"]:
        errors.append("audit_log is for ActiveMQ only; RabbitMQ brokers have general logs")
    if rabbit and p["storage_type"] == "EFS":
        errors.append("storage_type EFS is for ActiveMQ only; RabbitMQ brokers use EBS")
    # AWS's subnet counts (CreateBroker SubnetIds); it sets none for CLUSTER_MULTI_AZ.
    subnets = set(p["subnet_ids"] or [])
    expected = {"SINGLE_INSTANCE": 1, "ACTIVE_STANDBY_MULTI_AZ": 2}.get(p["deployment_mode"])
    if subnets and expected and len(subnets) != expected:
        errors.append(f"deployment_mode {p['deployment_mode']} takes {expected} subnet(s), got {len(subnets)}")
    if p["host_instance_type"] == "mq.t3.micro" and p["deployment_mode"] not in (None, "SINGLE_INSTANCE"):
        errors.append("host_instance_type mq.t3.micro is only for SINGLE_INSTANCE brokers")
    if p["kms_key_id"] and p["use_aws_owned_key"]:
        errors.append("kms_key_id needs use_aws_owned_key=false (or omitted)")
    if p["maintenance_window"] and not TIME_RE.match(p["maintenance_window"]["time_of_day"]):
        errors.append(f"maintenance_window.time_of_day must be HH:MM, 24-hour (got {p['maintenance_window']['time_of_day']!r})")
    if p["update_password"] == "always" and user is None:
        errors.append("update_password=always needs user")
    if errors:
        module.fail_json(msg="; ".join(errors))


def ensure_present(module, manager):
    p = module.params
    broker = manager.find()
    wanted = manager.desired()
    if broker is None:
        missing = [name for name in ("engine_type", "engine_version", "host_instance_type", "user") if p[name] is None]
        if missing:
            module.fail_json(msg=f"To create broker {manager.name}, set {', '.join(missing)}")
        diff = dict(before={}, after=dict(wanted, broker_name=manager.name, tags=p["tags"] or {}))
        if module.check_mode:
            return True, dict(wanted, broker_name=manager.name, tags=p["tags"] or {}), ["create"], [], diff
        broker = manager.create()
        return True, manager.result(broker), ["create"], manager.pending(broker), diff

    state = broker.get("BrokerState")
    manager.engine_type_hint = broker.get("EngineType")
    if state in ("DELETION_IN_PROGRESS", "CREATION_FAILED"):
        module.fail_json(msg=f"Broker {manager.name} is {state}: delete it (state=absent), wait until it is gone, "
                             "and run again")
    if state != "RUNNING" and p["wait"] and not module.check_mode:
        broker = manager.wait_running(broker["BrokerId"])
        state = broker["BrokerState"]

    current = manager.effective(broker)
    current_tags = broker.get("Tags")
    if current_tags is None:
        current_tags = manager.list_tags(broker["BrokerArn"])
    replace, update = manager.compare(current, wanted)
    if replace:
        module.fail_json(
            msg=(f"Broker {manager.name} cannot be changed in place: {'; '.join(replace)}. AWS needs a new broker for "
                 "this, which loses its messages and definitions: delete it (state=absent) and run again, or keep the "
                 "current values."),
            replacement_needed=replace,
        )
    password = p["update_password"] == "always"
    if password and is_rabbit(broker.get("EngineType")):
        module.fail_json(
            msg=(f"Broker {manager.name} is RabbitMQ: the Amazon MQ user API (UpdateUser) does not apply to RabbitMQ "
                 "brokers, and AWS never returns their user. Change the password with the RabbitMQ management API "
                 f"(PUT /api/users/{p['user']['username']} on the broker's console URL, from inside its VPC), then use "
                 "update_password=on_create.")
        )

    changes = sorted(update)
    after = dict(current)
    after.update({name: values[1] for name, values in update.items()})
    before = dict(current, tags=current_tags)
    after["tags"] = current_tags
    if (update or password) and state != "RUNNING" and not module.check_mode:
        # AWS refuses UpdateBroker/UpdateUser until the broker is RUNNING: wait for that even
        # with wait=false (a phased play that creates without waiting and updates on a re-run).
        broker = manager.wait_running(broker["BrokerId"])
        state = broker["BrokerState"]
    if update and not module.check_mode:
        manager.update(broker, update)
    if password:
        changes.append("password")
        if not module.check_mode:
            manager.update_password(broker)
    to_add, to_remove, after["tags"] = manager.sync_tags(broker["BrokerArn"], current_tags)
    if to_add or to_remove:
        changes.append("tags")

    if changes and not module.check_mode:
        broker = manager.describe(broker["BrokerId"])
    pending = manager.pending(broker)
    if module.check_mode:
        # What the update would leave pending (ActiveMQ user changes are pending too).
        pending = sorted(set(pending) | {n for n in update if n not in ("maintenance_window", "auto_minor_version_upgrade")}
                         | ({"password"} if password and not is_rabbit(broker.get("EngineType")) else set()))
    if p["apply_immediately"] and pending:
        changes.append("reboot")
        if not module.check_mode:
            if broker.get("BrokerState") != "RUNNING":
                broker = manager.wait_running(broker["BrokerId"])
            broker = manager.reboot(broker)
            pending = manager.pending(broker)
        else:
            pending = []
    return bool(changes), manager.result(broker), changes, pending, dict(before=before, after=after)


def ensure_absent(module, manager):
    broker = manager.find()
    if broker is None:
        return False, {}, [], [], dict(before={}, after={})
    state = broker.get("BrokerState")
    if state == "DELETION_IN_PROGRESS":
        if module.params["wait"] and not module.check_mode:
            manager.wait_gone(broker["BrokerId"])
        return False, {}, [], [], dict(before={}, after={})
    diff = dict(before=dict(broker_name=manager.name, broker_state=state), after={})
    if not module.check_mode:
        if state in ("CREATION_IN_PROGRESS", "REBOOT_IN_PROGRESS"):
            # AWS refuses to delete a broker that is still being created.
            if not module.params["wait"]:
                module.fail_json(msg=f"Broker {manager.name} is {state}; AWS deletes it only once it is RUNNING "
                                     "(run again later, or with wait=true)")
            manager.wait_running(broker["BrokerId"])
        manager.delete(broker)
    return True, {}, ["delete"], [], diff


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        broker_name=dict(type="str", required=True, aliases=["name"]),
        engine_type=dict(type="str", choices=["RABBITMQ", "ACTIVEMQ"]),
        engine_version=dict(type="str"),
        deployment_mode=dict(type="str", choices=["SINGLE_INSTANCE", "ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ"]),
        host_instance_type=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        security_groups=dict(type="list", elements="str"),
        publicly_accessible=dict(type="bool"),
        storage_type=dict(type="str", choices=["EBS", "EFS"]),
        kms_key_id=dict(type="str"),
        use_aws_owned_key=dict(type="bool"),
        auto_minor_version_upgrade=dict(type="bool"),
        general_log=dict(type="bool"),
        audit_log=dict(type="bool"),
        maintenance_window=dict(
            type="dict",
            options=dict(
                day_of_week=dict(type="str", required=True,
                                 choices=["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]),
                time_of_day=dict(type="str", required=True),
                time_zone=dict(type="str", default="UTC"),
            ),
        ),
        configuration=dict(
            type="dict",
            options=dict(id=dict(type="str", required=True), revision=dict(type="int")),
        ),
        authentication_strategy=dict(type="str", choices=["SIMPLE"]),
        user=dict(
            type="dict",
            no_log=False,
            options=dict(
                username=dict(type="str", required=True),
                password=dict(type="str", required=True, no_log=True),
                console_access=dict(type="bool", default=False),
                groups=dict(type="list", elements="str"),
            ),
        ),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False),
        apply_immediately=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=30),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    manager = BrokerManager(module)
    if module.params["state"] == "present":
        changed, broker, changes, pending, diff = ensure_present(module, manager)
    else:
        changed, broker, changes, pending, diff = ensure_absent(module, manager)
    exit_with_diff(module, diff, changed=changed, broker=broker, changes=changes, pending_changes=pending)


if __name__ == "__main__":
    main()
