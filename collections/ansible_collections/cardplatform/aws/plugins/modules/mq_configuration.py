#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mq_configuration
short_description: Manage an Amazon MQ configuration (rabbitmq.conf or activemq.xml) and its revisions
version_added: 0.2.0
description:
  - Creates an Amazon MQ configuration by name, keeps its latest revision equal to O(data),
    keeps its tags, and deletes it.
  - A configuration is a named, versioned broker configuration file with an ID (C(c-...)),
    for RabbitMQ a C(rabbitmq.conf) in Cuttlefish format (C(key = value) lines), for ActiveMQ
    an C(activemq.xml). Revisions are numbered from 1 and never change; C(UpdateConfiguration)
    adds the next one. A broker runs one revision of one configuration
    (M(cardplatform.aws.mq_broker) O(cardplatform.aws.mq_broker#module:configuration)); a new
    revision reaches a running broker only when the broker is pointed at it and rebooted.
  - On creation the module calls C(CreateConfiguration), which makes revision 1 with the
    engine's default data, then C(UpdateConfiguration) with O(data) (revision 2), so the
    configuration exists with the requested data before any broker uses it. If that second
    call fails, the next run finds the configuration by name and writes the revision then.
  - On an existing configuration the module reads the latest revision
    (C(DescribeConfigurationRevision), base64-decoded) and writes a new revision only when its
    data differs from O(data) after normalising both (see O(data)). It reports RV(changed)
    only when something was (or, in check mode, would be) written.
  - "Why not M(community.aws.mq_broker_config) (community.aws 10.0): it only writes a new
    revision into the configuration a broker already uses, so it needs an existing broker
    (the first converge creates the broker with AWS's default configuration, and the
    configuration reaches it only at the next reboot); it cannot name, create, tag or delete a
    configuration; in check mode it reports no change for a broker that does not exist yet
    and fails with a Python error when the data differs; and it compares XML by whitespace
    only, so a re-ordered rabbitmq.conf is a new revision."
  - Supports check mode (no write call; RV(changed) is what a real run would report) and diff
    mode (two diffs, the decoded data of the latest revision as text, then the tags).
author:
  - card-platform maintainers
options:
  state:
    description:
      - V(present) creates the configuration or brings it to O(data) and O(tags); V(absent)
        deletes it with C(DeleteConfiguration). AWS refuses to delete a configuration that a
        broker uses (C(ConflictException)); the module then fails saying so (delete the
        broker, or point it at another configuration and reboot it, first).
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The configuration name (C(Name)), 1-150 letters, digits, C(-), C(.), C(_) or C(~);
        other names fail before any API call. Amazon MQ has no lookup by name, so the module
        lists every configuration (C(ListConfigurations), paginated) and keeps those with this
        name. AWS does not make names unique; when two or more configurations have this name
        the module fails, listing their IDs, without writing anything. Create-only (a new name
        is a new configuration).
    type: str
    required: true
  engine_type:
    description:
      - The broker engine the configuration is for (C(EngineType)). Create-only; an existing
        configuration of the other engine makes the module fail before any write.
    type: str
    choices: [RABBITMQ, ACTIVEMQ]
    default: RABBITMQ
  engine_version:
    description:
      - The engine version (C(EngineVersion)), for example V(3.13). Required to create the
        configuration (the module fails naming it otherwise). Create-only; an existing
        configuration whose version is neither this one nor starts with it followed by a dot
        (C(3.13) matches C(3.13.7)) makes the module fail before any write; use a new O(name)
        for a new engine version (the amazonmq role puts the version in the name).
    type: str
  authentication_strategy:
    description:
      - C(AuthenticationStrategy) sent to C(CreateConfiguration), ActiveMQ only (V(SIMPLE) for
        users kept by the broker, or V(LDAP)). AWS default V(SIMPLE). Setting it with
        O(engine_type=RABBITMQ) fails before any API call (RabbitMQ authentication is
        configured in the configuration data). Create-only; compared case-insensitively.
    type: str
    choices: [SIMPLE, LDAP]
  data:
    description:
      - The configuration text, not encoded (the module base64-encodes it for
        C(UpdateConfiguration) and decodes what AWS returns). For RabbitMQ, C(rabbitmq.conf)
        Cuttlefish lines such as C(consumer_timeout = 1800000); Amazon MQ accepts only the keys
        it documents ("Configurable values for RabbitMQ on Amazon MQ") and refuses the
        revision otherwise (the module then fails with AWS's message). For ActiveMQ, the
        C(activemq.xml) document.
      - Compared after normalising both sides. Trailing whitespace, blank lines and comments
        (C(#) lines for RabbitMQ, C(<!-- -->) for ActiveMQ) are dropped; for RabbitMQ the
        lines are compared as C(key = value) pairs, so their order and the spaces around
        C(=) do not matter (a repeated key counts with its last value, as in RabbitMQ).
      - C(null) leaves the data alone (a new configuration then keeps AWS's default
        revision 1).
    type: str
  description:
    description:
      - The description of the revision the module writes (C(Description) of
        C(UpdateConfiguration)). Sent only with a new revision; a different description alone
        does not make a new revision (a new revision needs a broker reboot to take effect).
        AWS default none.
    type: str
  tags:
    description:
      - Tags as a dict. C(null) leaves the tags as they are. Sent to C(CreateConfiguration) on
        creation; on an existing configuration compared with the C(Tags) of
        C(DescribeConfiguration) and changed with C(CreateTags) / C(DeleteTags) on the
        configuration ARN.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Ignored when O(tags) is C(null).
    type: bool
    default: true
notes:
  - "AWS APIs called: mq:ListConfigurations, DescribeConfiguration,
    DescribeConfigurationRevision, CreateConfiguration, UpdateConfiguration,
    DeleteConfiguration, CreateTags, DeleteTags. Every call is retried with jittered backoff on
    throttling; any other AWS error fails the module with AWS's message and the call that
    failed."
  - A new revision does not change a broker. Point the broker at it with
    M(cardplatform.aws.mq_broker) O(cardplatform.aws.mq_broker#module:configuration); AWS
    keeps it pending until the broker reboots (the next maintenance window, or
    O(cardplatform.aws.mq_broker#module:apply_immediately=true)).
  - "The RabbitMQ authentication strategy V(CONFIG_MANAGED) (OAuth 2.0 / LDAP set in the
    configuration data, RabbitMQ 4) is not offered by this module."
  - Input errors (name, O(authentication_strategy) for RabbitMQ, O(engine_version) missing on
    creation) fail before any write.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep the broker's rabbitmq.conf as a configuration of its own
  cardplatform.aws.mq_configuration:
    name: card-platform-production-rabbitmq-3.13
    engine_type: RABBITMQ
    engine_version: "3.13"
    data: |
      consumer_timeout = 1800000
      heartbeat = 60
    description: Managed by Ansible
    tags:
      Project: card-platform
  register: mq_config

- name: Run that revision on the broker (pending until its next reboot)
  cardplatform.aws.mq_broker:
    broker_name: card-platform-production-rabbitmq
    configuration:
      id: "{{ mq_config.configuration.id }}"
      revision: "{{ mq_config.configuration.latest_revision }}"

- name: Delete the configuration once no broker uses it
  cardplatform.aws.mq_configuration:
    name: card-platform-production-rabbitmq-3.13
    state: absent
"""

RETURN = r"""
configuration:
  description:
    - The configuration after the run. Empty after deletion (or when it does not exist with
      O(state=absent)).
    - In check mode, for a configuration that does not exist yet, the requested values with
      RV(configuration.id), RV(configuration.arn) and RV(configuration.latest_revision)
      C(null); for a data change, RV(configuration.latest_revision) is the revision a real run
      would create.
  returned: always
  type: dict
  contains:
    id:
      description: The configuration ID.
      type: str
      sample: c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9
    arn:
      description: The configuration ARN.
      type: str
      sample: arn:aws:mq:us-east-1:123456789012:configuration:c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9
    name:
      description: The configuration name.
      type: str
      sample: card-platform-production-rabbitmq-3.13
    engine_type:
      description: The engine, upper case.
      type: str
      sample: RABBITMQ
    engine_version:
      description: The engine version the configuration is for.
      type: str
      sample: "3.13"
    authentication_strategy:
      description: The authentication strategy AWS reports, upper case.
      type: str
      sample: SIMPLE
    latest_revision:
      description: The number of the latest revision.
      type: int
      sample: 2
    description:
      description: The description of the latest revision.
      type: str
    data:
      description: The decoded data of the latest revision (configuration text is not secret).
      type: str
      sample: "consumer_timeout = 1800000\nheartbeat = 60\n"
    tags:
      description: The tags as a dict.
      type: dict
      sample: {Project: card-platform}
changes:
  description: What was (or in check mode would be) written, among C(create), C(data), C(tags), C(delete).
  returned: always
  type: list
  elements: str
  sample: [data]
warnings_from_aws:
  description: C(Warnings) of C(UpdateConfiguration) (ActiveMQ sanitisation), snake_case.
  returned: when AWS returned warnings
  type: list
  elements: dict
"""

import base64
import binascii
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import mq
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWS_ERRORS
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.versions import version_matches

NAME_RE = re.compile(r"^[A-Za-z0-9._~-]{1,150}$")
SECTION_RE = re.compile(r"^\[[^\]]*\]$")
XML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def normalise(engine_type, text):
    """A comparable form of a configuration text (see the data option)."""
    if text is None:
        return None
    if engine_type == "ACTIVEMQ":
        text = XML_COMMENT_RE.sub("", text)
        return [line.rstrip() for line in text.splitlines() if line.strip()]
    entries = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if SECTION_RE.match(line):
            section = line  # RabbitMQ 4 on Amazon MQ: per instance type sections
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            entries[(section, key.strip())] = value.strip()
        else:
            entries[(section, line)] = None
    return entries


class ConfigurationManager(mq.MQResourceManager):
    """Finds, compares and changes one configuration."""

    def __init__(self, module):
        super().__init__(module, label=f"configuration {module.params['name']}")
        self.name = module.params["name"]

    # ---- reading -------------------------------------------------------------------------
    def find(self):
        """The configuration's DescribeConfiguration answer, or None; fails on a duplicate name."""
        matches = []
        kwargs = dict(MaxResults=100)
        while True:
            page = self.call("list_configurations", "Failed to list configurations", **kwargs)
            matches += [c for c in page.get("Configurations") or [] if c.get("Name") == self.name]
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
        if len(matches) > 1:
            ids = sorted(c["Id"] for c in matches)
            self.module.fail_json(
                msg=(f"{len(matches)} Amazon MQ configurations are named {self.name} ({', '.join(ids)}); AWS does not "
                     "make names unique and this module manages one per name. Delete the ones that are not in use "
                     "(DeleteConfiguration) or choose another name."),
                configuration_ids=ids,
            )
        return self.describe(matches[0]["Id"]) if matches else None

    def describe(self, config_id):
        """The configuration, None when it was deleted meanwhile."""
        return self.describe_resource("describe_configuration", f"Failed to describe {config_id}", ConfigurationId=config_id)

    def read_data(self, config):
        revision = (config.get("LatestRevision") or {}).get("Revision")
        if revision is None:
            return None
        answer = self.call("describe_configuration_revision", f"Failed to read revision {revision}",
                           ConfigurationId=config["Id"], ConfigurationRevision=str(revision))
        encoded = answer.get("Data") or ""
        try:
            return base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, ValueError) as e:
            self.module.fail_json(msg=f"Revision {revision} of configuration {self.name} ({config['Id']}) is not "
                                      f"base64-encoded UTF-8 text as AWS returns it: {e}")

    # ---- writing -------------------------------------------------------------------------
    def create(self):
        p = self.params
        kwargs = dict(Name=self.name, EngineType=p["engine_type"], EngineVersion=p["engine_version"])
        if p["authentication_strategy"]:
            kwargs["AuthenticationStrategy"] = p["authentication_strategy"]
        if p["tags"]:
            kwargs["Tags"] = p["tags"]
        return self.call("create_configuration", "Failed to create configuration", **kwargs)["Id"]

    def write(self, config_id):
        kwargs = dict(ConfigurationId=config_id,
                      Data=base64.b64encode(self.params["data"].encode("utf-8")).decode("ascii"))
        if self.params["description"]:
            kwargs["Description"] = self.params["description"]
        answer = self.call("update_configuration", "Failed to write a new revision", **kwargs)
        return [camel_dict_to_snake_dict(w) for w in answer.get("Warnings") or []]

    def delete(self, config):
        try:
            self.client.delete_configuration(aws_retry=True, ConfigurationId=config["Id"])
        except is_boto3_error_code("ConflictException") as e:
            self.module.fail_json_aws(
                e, msg=(f"Configuration {self.name} ({config['Id']}) is in use by a broker and AWS refuses to delete "
                        "it: delete the broker first, or point it at another configuration and reboot it"))
        except is_boto3_error_code(mq.NOT_FOUND):  # pylint: disable=duplicate-except
            pass  # already gone
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg=f"Failed to delete configuration {self.name} ({config['Id']})")

    # ---- result --------------------------------------------------------------------------
    @staticmethod
    def result(config, data):
        latest = config.get("LatestRevision") or {}
        return dict(
            id=config.get("Id"),
            arn=config.get("Arn"),
            name=config.get("Name"),
            engine_type=(config.get("EngineType") or "").upper(),
            engine_version=config.get("EngineVersion"),
            authentication_strategy=(config.get("AuthenticationStrategy") or "").upper() or None,
            latest_revision=int(latest["Revision"]) if latest.get("Revision") is not None else None,
            description=latest.get("Description"),
            data=data,
            tags=config.get("Tags") or {},
        )


def validate(module):
    """Input checks that need no API call."""
    p = module.params
    errors = []
    if not NAME_RE.match(p["name"]):
        errors.append(f"name must be 1-150 letters, digits, '-', '.', '_' or '~' (got {p['name']!r})")
    if p["state"] == "present":
        if p["authentication_strategy"] and p["engine_type"] == "RABBITMQ":
            errors.append("authentication_strategy is for ACTIVEMQ configurations only; a RABBITMQ configuration "
                          "sets its authentication in data (leave authentication_strategy unset)")
        if p["engine_version"] is not None and not p["engine_version"].strip():
            errors.append("engine_version must not be empty")
    if errors:
        module.fail_json(msg="; ".join(errors))


def ensure_present(module, manager):
    p = module.params
    config = manager.find()
    if config is None:
        if not p["engine_version"]:
            module.fail_json(msg=f"To create configuration {manager.name}, set engine_version (for example 3.13)")
        after = dict(data=p["data"], tags=p["tags"] or {})
        diff = dict(before={}, after=after)
        if module.check_mode:
            planned = dict(id=None, arn=None, name=manager.name, engine_type=p["engine_type"],
                           engine_version=p["engine_version"],
                           authentication_strategy=p["authentication_strategy"] or "SIMPLE",
                           latest_revision=None, description=p["description"], data=p["data"], tags=p["tags"] or {})
            return True, planned, ["create"], [], diff
        config_id = manager.create()
        warnings = manager.write(config_id) if p["data"] is not None else []
        config = manager.describe(config_id)
        if config is None:
            module.fail_json(msg=f"Configuration {manager.name} ({config_id}) was created but cannot be read back")
        return True, manager.result(config, manager.read_data(config)), ["create"], warnings, diff

    engine = (config.get("EngineType") or "").upper()
    mismatch = []
    if engine != p["engine_type"]:
        mismatch.append(f"engine_type ({engine} -> {p['engine_type']})")
    if p["engine_version"] and not version_matches(p["engine_version"], config.get("EngineVersion")):
        mismatch.append(f"engine_version ({config.get('EngineVersion')} -> {p['engine_version']})")
    current_strategy = (config.get("AuthenticationStrategy") or "SIMPLE").upper()
    if p["authentication_strategy"] and p["authentication_strategy"].upper() != current_strategy:
        mismatch.append(f"authentication_strategy ({current_strategy} -> {p['authentication_strategy']})")
    if mismatch:
        module.fail_json(
            msg=(f"Configuration {manager.name} ({config['Id']}) cannot change {'; '.join(mismatch)}: an Amazon MQ "
                 "configuration keeps the engine it was created for. Use another name for a configuration of the "
                 "new engine (and point the broker at it), or keep the current values."),
            configuration_id=config["Id"],
        )

    changes, warnings = [], []
    data = manager.read_data(config)
    current_tags = config.get("Tags") or {}
    before = dict(data=data, tags=current_tags)
    after = dict(before)
    if p["data"] is not None and normalise(engine, data) != normalise(engine, p["data"]):
        changes.append("data")
        after["data"] = p["data"]
        if not module.check_mode:
            warnings = manager.write(config["Id"])
    to_add, to_remove, after["tags"] = manager.sync_tags(config["Arn"], current_tags)
    if to_add or to_remove:
        changes.append("tags")

    if changes and not module.check_mode:
        config = manager.describe(config["Id"]) or config
        data = manager.read_data(config)
    result = manager.result(config, data)
    if module.check_mode:
        result.update(data=after["data"], tags=after["tags"])
        if "data" in changes and result["latest_revision"] is not None:
            result["latest_revision"] += 1
    return bool(changes), result, changes, warnings, dict(before=before, after=after)


def ensure_absent(module, manager):
    config = manager.find()
    if config is None:
        return False, {}, [], [], dict(before={}, after={})
    diff = dict(before=dict(name=manager.name, id=config["Id"], tags=config.get("Tags") or {}), after={})
    if not module.check_mode:
        manager.delete(config)
    return True, {}, ["delete"], [], diff


def render_diff(name, diff):
    """Two diffs: the data as text (a readable line diff), then the other values (tags)."""
    before, after = diff["before"], diff["after"]
    return [
        dict(before_header=f"{name} (latest revision)", after_header=name,
             before=before.get("data") or "", after=after.get("data") or ""),
        dict(before={k: v for k, v in before.items() if k != "data"},
             after={k: v for k, v in after.items() if k != "data"}),
    ]


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True),
        engine_type=dict(type="str", default="RABBITMQ", choices=["RABBITMQ", "ACTIVEMQ"]),
        engine_version=dict(type="str"),
        authentication_strategy=dict(type="str", choices=["SIMPLE", "LDAP"]),
        data=dict(type="str"),
        description=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    manager = ConfigurationManager(module)
    if module.params["state"] == "present":
        changed, configuration, changes, warnings, diff = ensure_present(module, manager)
    else:
        changed, configuration, changes, warnings, diff = ensure_absent(module, manager)
    result = dict(changed=changed, configuration=configuration, changes=changes)
    if warnings:
        result["warnings_from_aws"] = warnings
        for warning in warnings:
            module.warn(f"Amazon MQ sanitised configuration {manager.name}: {warning}")
    exit_with_diff(module, render_diff(manager.name, diff), **result)


if __name__ == "__main__":
    main()
