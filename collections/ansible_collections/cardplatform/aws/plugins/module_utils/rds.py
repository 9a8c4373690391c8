# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS helpers of the project's modules (rds_instance_master_password), on top of amazon.aws' rds module_utils."""

from __future__ import annotations

import time

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.rds import describe_db_instances

from ansible_collections.cardplatform.aws.plugins.module_utils.common import poll
from ansible_collections.cardplatform.aws.plugins.module_utils.common import wait

# DescribeDBInstances every 15 s, as the boto3 waiter does.
DELAY = 15


def describe_db_instance(module, client, identifier):
    """The DB instance ``identifier`` (amazon.aws ``describe_db_instances``), None when it does not exist."""
    try:
        instances = describe_db_instances(client, DBInstanceIdentifier=identifier)
    except AnsibleAWSError as e:
        module.fail_json_aws(e.exception or e, msg=f"Failed to describe DB instance {identifier}")
    return instances[0] if instances else None


def wait_available(module, client, identifier, timeout):
    """Wait for the instance to be ``available`` (boto3 waiter db_instance_available)."""
    wait(
        module, client, "db_instance_available", timeout, DELAY,
        f"Timed out waiting for DB instance {identifier} to be available", DBInstanceIdentifier=identifier,
    )


def wait_master_secret_active(module, client, identifier, timeout):
    """Wait for the instance to be ``available``, then for its managed master secret to be ``active``.

    Both within ``timeout`` seconds. An ``impaired`` secret fails the module. Returns the
    instance's description.
    """
    started = time.monotonic()
    wait_available(module, client, identifier, timeout)

    def secret_status(instance):
        return ((instance or {}).get("MasterUserSecret") or {}).get("SecretStatus")

    def active(instance):
        status = secret_status(instance)
        if status == "impaired":
            module.fail_json(msg=f"The managed master secret of {identifier} is impaired: RDS cannot "
                                 "use it (was its KMS key disabled, or the secret changed outside RDS?)")
        return status in (None, "active")

    instance, _ = poll(
        module, lambda: describe_db_instance(module, client, identifier), active,
        timeout - (time.monotonic() - started), DELAY,
        lambda instance: f"Timed out waiting for the master secret of {identifier} to be active "
                         f"(last status {secret_status(instance)})",
    )
    return instance
