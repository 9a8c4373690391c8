#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_instance_master_password
short_description: Let RDS manage a DB instance's master user password in Secrets Manager
version_added: 0.2.0
description:
  - Turns RDS-managed master passwords (C(ManageMasterUserPassword)) on or off for an existing
    DB instance, optionally with a customer managed KMS key for the secret, and rotates the
    managed password on request. Returns the secret's ARN (C(MasterUserSecret)).
  - Complements M(amazon.aws.rds_instance), which (up to amazon.aws 10.1) has no option for it.
    Create the instance with M(amazon.aws.rds_instance) and a throwaway password that is not
    kept anywhere, then run this module; turning management on makes RDS generate a new
    password and store it in a secret named C(rds!db-<uuid>) that RDS owns and rotates (7
    days by default).
  - A read replica has no master password of its own (the master user lives in the
    replicated database); manage the source instance's. The module fails on a read replica
    when O(manage_master_user_password=true).
  - An instance that is not C(available) yet (being created by a task that did not wait) is
    waited for before the change, since AWS refuses C(ModifyDBInstance) until then.
  - Every change is sent with C(ApplyImmediately=true) (AWS requires it to rotate; turning
    management on or off is applied asynchronously either way). The instance stays
    C(available); no reboot.
  - Supports check mode (no write call) and diff mode (never the password).
author:
  - card-platform maintainers
options:
  db_instance_identifier:
    description:
      - The DB instance (C(DBInstanceIdentifier)).
    type: str
    required: true
    aliases: [id]
  manage_master_user_password:
    description:
      - V(true) turns management on (C(ManageMasterUserPassword=true)); V(false) turns it off,
        which needs O(master_user_password) (RDS deletes the secret and sets that password).
        AWS default for a new instance is V(false).
    type: bool
    default: true
  master_user_secret_kms_key_id:
    description:
      - The KMS key (ID, ARN, alias name or alias ARN) that encrypts the managed secret
        (C(MasterUserSecretKmsKeyId)), used when management is turned on. AWS default is the
        account's C(aws/secretsmanager) key. A value that is not the reported key ARN is
        resolved with C(kms:DescribeKey) before comparing.
      - AWS cannot change the key of a secret that is already managed; a different key fails
        with instructions (turn management off and on again, which also changes the password).
    type: str
  master_user_password:
    description:
      - The new master password, used only when management is turned off
        (C(MasterUserPassword)). Never logged, never returned.
    type: str
  rotate:
    description:
      - Rotate the managed password now (C(RotateMasterUserPassword=true)). Always reports a
        change. Needs management on.
    type: bool
    default: false
  wait:
    description:
      - Wait for the instance to be C(available) after a change and for the secret to be
        C(active) (boto3 waiter C(db_instance_available), then polling C(DescribeDBInstances)).
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds. Default 2400 (40 minutes, the Terraform AWS provider's
        RDS timeout).
    type: int
    default: 2400
notes:
  - "AWS APIs called: rds:DescribeDBInstances, rds:ModifyDBInstance; kms:DescribeKey (only to
    resolve a O(master_user_secret_kms_key_id) that is not the reported key ARN). RDS itself
    calls secretsmanager:CreateSecret/DeleteSecret/RotateSecret and kms:GenerateDataKey on the
    key: the caller needs those permissions too (see the RDS User Guide, Password management
    with Secrets Manager)."
  - In check mode an instance that does not exist yet (it is being planned by the same
    playbook) reports C(changed=true) with an empty secret; outside check mode it fails.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let RDS manage the writer's master password, encrypted with our key
  cardplatform.aws.rds_instance_master_password:
    db_instance_identifier: card-platform-production
    manage_master_user_password: true
    master_user_secret_kms_key_id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
  register: master

- name: Read the managed credentials (username, password) where they are needed
  ansible.builtin.set_fact:
    db_master: "{{ lookup('amazon.aws.secretsmanager_secret', master.master_user_secret.secret_arn) | from_json }}"
  no_log: true

- name: Rotate the managed password now
  cardplatform.aws.rds_instance_master_password:
    db_instance_identifier: card-platform-production
    rotate: true

- name: Go back to a password we keep ourselves (RDS deletes its secret)
  cardplatform.aws.rds_instance_master_password:
    db_instance_identifier: card-platform-production
    manage_master_user_password: false
    master_user_password: "{{ new_master_password }}"
  no_log: true
"""

RETURN = r"""
db_instance_identifier:
  description: The DB instance.
  returned: always
  type: str
  sample: card-platform-production
manage_master_user_password:
  description: Whether RDS manages the master password after this run (in check mode, would manage).
  returned: always
  type: bool
  sample: true
master_user_secret:
  description: The managed secret (C(MasterUserSecret)); empty when not managed.
  returned: always
  type: dict
  contains:
    secret_arn:
      description: The secret ARN; its SecretString is JSON C({"username", "password"}).
      type: str
      sample: "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf"
    secret_status:
      description: C(creating), C(active), C(rotating) or C(impaired).
      type: str
      sample: active
    kms_key_id:
      description: The KMS key ARN that encrypts the secret.
      type: str
changes:
  description: What was (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
  sample: [manage_master_user_password]
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import rds
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.kms import key_matches


class MasterPasswordManager(AWSResourceManager):
    service = "rds"

    def __init__(self, module):
        super().__init__(module)
        self.identifier = module.params["db_instance_identifier"]

    def describe(self):
        return rds.describe_db_instance(self.module, self.client, self.identifier)

    def modify(self, **kwargs):
        self.call(
            "modify_db_instance", f"Failed to modify the master password settings of {self.identifier}",
            DBInstanceIdentifier=self.identifier, ApplyImmediately=True, **kwargs,
        )

    def wait_available(self):
        rds.wait_available(self.module, self.client, self.identifier, self.params["wait_timeout"])

    def wait(self):
        if not self.params["wait"]:
            return self.describe()
        return rds.wait_master_secret_active(self.module, self.client, self.identifier, self.params["wait_timeout"])


def main():
    argument_spec = dict(
        db_instance_identifier=dict(type="str", required=True, aliases=["id"]),
        manage_master_user_password=dict(type="bool", default=True, no_log=False),
        master_user_secret_kms_key_id=dict(type="str"),
        master_user_password=dict(type="str", no_log=True),
        rotate=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=2400),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    manage = p["manage_master_user_password"]
    errors = []
    if p["rotate"] and not manage:
        errors.append("rotate=true needs manage_master_user_password=true")
    if p["master_user_password"] and manage:
        errors.append("master_user_password is only used with manage_master_user_password=false (AWS refuses both)")
    if p["master_user_secret_kms_key_id"] and not manage:
        errors.append("master_user_secret_kms_key_id needs manage_master_user_password=true")
    if p["wait_timeout"] < 1:
        errors.append("wait_timeout must be a positive number of seconds")
    if errors:
        module.fail_json(msg="; ".join(errors))

    manager = MasterPasswordManager(module)
    instance = manager.describe()
    if instance is None:
        if module.check_mode:
            exit_with_diff(module, dict(before={}, after=dict(manage_master_user_password=manage)), changed=manage,
                           db_instance_identifier=manager.identifier, manage_master_user_password=manage,
                           master_user_secret={}, changes=["manage_master_user_password"] if manage else [])
        module.fail_json(msg=f"DB instance {manager.identifier} does not exist: create it first")

    secret = instance.get("MasterUserSecret") or {}
    managed = bool(secret)
    replica = bool(instance.get("ReadReplicaSourceDBInstanceIdentifier") or instance.get("ReadReplicaSourceDBClusterIdentifier"))
    if replica and manage:
        module.fail_json(msg=f"DB instance {manager.identifier} is a read replica: it has no master password of its own "
                             "(the master user is replicated from the source). Manage the source instance's password.")
    before = dict(manage_master_user_password=managed, master_user_secret_kms_key_id=secret.get("KmsKeyId"))
    after = dict(before)
    changes = []
    kwargs = {}
    if manage and not managed:
        kwargs["ManageMasterUserPassword"] = True
        if p["master_user_secret_kms_key_id"]:
            kwargs["MasterUserSecretKmsKeyId"] = p["master_user_secret_kms_key_id"]
        changes.append("manage_master_user_password")
        after.update(manage_master_user_password=True,
                     master_user_secret_kms_key_id=p["master_user_secret_kms_key_id"] or "aws/secretsmanager")
    elif manage and not key_matches(module, p["master_user_secret_kms_key_id"], secret.get("KmsKeyId")):
        module.fail_json(
            msg=(f"The master secret of {manager.identifier} is encrypted with {secret.get('KmsKeyId')}, not "
                 f"{p['master_user_secret_kms_key_id']}: AWS cannot change the key of a managed secret. Turn management "
                 "off (manage_master_user_password=false with master_user_password) and on again with the new key; "
                 "that also changes the password."),
        )
    elif not manage and managed:
        if not p["master_user_password"]:
            module.fail_json(msg="Turning management off needs master_user_password (RDS deletes its secret and sets "
                                 "this password)")
        kwargs.update(ManageMasterUserPassword=False, MasterUserPassword=p["master_user_password"])
        changes.append("manage_master_user_password")
        after.update(manage_master_user_password=False, master_user_secret_kms_key_id=None)
    if p["rotate"]:
        kwargs["RotateMasterUserPassword"] = True
        changes.append("rotate")

    if kwargs and not module.check_mode:
        if instance.get("DBInstanceStatus") != "available":
            # AWS refuses ModifyDBInstance while the instance is being created or modified.
            manager.wait_available()
        manager.modify(**kwargs)
        instance = manager.wait()
        secret = instance.get("MasterUserSecret") or {}
        after["master_user_secret_kms_key_id"] = secret.get("KmsKeyId")
    exit_with_diff(
        module,
        dict(before=before, after=after),
        changed=bool(changes),
        db_instance_identifier=manager.identifier,
        manage_master_user_password=after["manage_master_user_password"],
        master_user_secret=camel_dict_to_snake_dict(secret),
        changes=changes,
    )


if __name__ == "__main__":
    main()
