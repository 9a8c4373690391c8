#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: run_lock
short_description: Take, release or break a run lock held in a DynamoDB table
version_added: 0.2.0
description:
  - One mutating playbook run per lock (the platform locks each environment and region); the
    lock is an item of a DynamoDB table, written with a conditional C(PutItem) so that two runs
    racing for it cannot both win, the way Terraform's S3 backend locks its state.
  - The item names its holder, the playbook, when it was taken and when it expires. A run that
    finds the lock held by another, unexpired run fails at once, naming that run.
  - An expired lock is taken over, with a warning naming the run that held it. A lock whose
    holder died before its expiry is only ever broken explicitly (O(break_run_id) or
    O(state=broken)), naming the holder's run ID.
  - Supports check mode, as a read-only report (C(GetItem)); it says what O(state) would do and
    fails where the run would be refused. Nothing is written, the table is not created.
author:
  - card-platform maintainers
options:
  state:
    description:
      - V(acquired) takes the lock for O(run_id), or renews it (a new expiry) when O(run_id)
        already holds it. Fails, naming the holder, while another run holds an unexpired lock.
      - V(released) deletes the lock if O(run_id) holds it; a lock already gone, or now held by
        another run (after this one's expired), is left alone, with a warning in the latter case.
      - V(broken) deletes the lock only if the run O(run_id) holds it (a run known to be dead).
        Fails, naming the holder, when another run holds it.
    type: str
    choices: [acquired, released, broken]
    default: acquired
  table:
    description:
      - The DynamoDB table (partition key C(lock_id), a string). One table serves every lock of
        an account and region.
    type: str
    required: true
  lock_id:
    description: What the lock protects, e.g. C(production/us-east-1) (environment/region). 1-255 characters.
    type: str
    required: true
  run_id:
    description:
      - V(acquired), V(released) - this run's unique ID (a UUID, or anything no other run uses).
      - V(broken) - the ID of the dead run whose lock is broken (the one the refusal named).
    type: str
    required: true
  holder:
    description:
      - Who runs, as people should read it in a refusal, e.g. C(alice@ci-runner-3 pid 4242).
        Required with V(acquired).
    type: str
  playbook:
    description: The playbook that takes the lock (stored with it, shown in refusals).
    type: str
    default: ""
  ttl:
    description:
      - Seconds from now until the lock expires (V(acquired)); after that any run may take it
        over. Longer than the longest run; a run may renew its lock by acquiring it again.
      - 60 to 86400 seconds.
    type: int
    default: 14400
  break_run_id:
    description:
      - With V(acquired) - first break the lock if the run of this ID holds it (a run that died
        and left its lock), then take it. Refused, naming the holder, when another run holds
        the lock; ignored with a warning when the lock is already free.
    type: str
  create_table:
    description:
      - With V(acquired) (not in check mode) - create the table when it does not exist,
        C(PAY_PER_REQUEST) billing, encrypted at rest with DynamoDB's default AWS owned key
        (the lock holds no secret, and no KMS key is added to the account), waiting until it
        is C(ACTIVE). A table another run creates at the
        same moment is used as is. V(false) fails instead.
    type: bool
    default: true
  tags:
    description: Tags of the table, set when the module creates it (never changed afterwards).
    type: dict
    default: {}
  wait_timeout:
    description: Seconds to wait for a table the module created to become C(ACTIVE).
    type: int
    default: 300
notes:
  - "AWS APIs called: dynamodb:PutItem (conditional), dynamodb:GetItem (strongly consistent),
    dynamodb:DeleteItem (conditional), and, only when the table is missing, dynamodb:CreateTable
    and dynamodb:DescribeTable (waiter). Every call is retried with jittered backoff on throttling."
  - "Expiry is compared with the controller's clock (epoch seconds in C(expires_at)): controllers
    whose clocks differ by more than a few minutes from AWS time shorten or lengthen other runs' locks."
  - "Item attributes: C(lock_id), C(run_id), C(holder), C(playbook), C(started_at) (ISO 8601 UTC),
    C(expires_at) (epoch seconds), C(expires) (ISO 8601 UTC)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Take the lock of production in us-east-1 for this run (refused while another run holds it)
  cardplatform.aws.run_lock:
    table: card-platform-run-locks
    lock_id: production/us-east-1
    run_id: "{{ run_id }}"
    holder: "alice@runner-3 pid 4242"
    playbook: site.yml
    ttl: 14400

- name: Release it at the end of the run
  cardplatform.aws.run_lock:
    state: released
    table: card-platform-run-locks
    lock_id: production/us-east-1
    run_id: "{{ run_id }}"

- name: Break the lock a killed run left (its run ID from the refusal)
  cardplatform.aws.run_lock:
    state: broken
    table: card-platform-run-locks
    lock_id: production/us-east-1
    run_id: 5f0c0d4e-3c57-4a7e-9b1e-0d2f6c1e8a11
"""

RETURN = r"""
lock:
  description:
    - The lock after the call - this run's with V(acquired), the holder's when refused (also
      returned with the failure), C({}) when free.
  returned: always
  type: dict
  contains:
    lock_id: {description: The lock., type: str, sample: production/us-east-1}
    run_id: {description: The holder's run ID (what O(break_run_id) names)., type: str}
    holder: {description: Who holds it., type: str, sample: alice@runner-3 pid 4242}
    playbook: {description: The holder's playbook., type: str, sample: site.yml}
    started_at: {description: When the holder took it (ISO 8601 UTC)., type: str, sample: "2026-12-06T23:50:01Z"}
    expires_at: {description: When it expires (epoch seconds)., type: int, sample: 1796601001}
    expires: {description: When it expires (ISO 8601 UTC)., type: str, sample: "2026-12-07T03:50:01Z"}
previous:
  description:
    - The lock that was replaced (an expired one, taken over) or broken (O(break_run_id),
      V(broken)); C({}) otherwise.
  returned: always
  type: dict
held_by_other:
  description: Whether another run holds the lock (V(acquired) fails then; V(released) warns).
  returned: always
  type: bool
"""

import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWS_ERRORS
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import wait

CONDITION_FAILED = ("ConditionalCheckFailedException",)
NO_TABLE = ("ResourceNotFoundException",)
ATTRIBUTES = ("lock_id", "run_id", "holder", "playbook", "started_at", "expires_at", "expires")


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def from_item(item):
    """A DynamoDB item ({name: {S|N: value}}) as a plain dict of the lock's attributes."""
    if not item:
        return {}
    lock = {k: next(iter(item[k].values())) for k in ATTRIBUTES if k in item}
    if "expires_at" in lock:
        lock["expires_at"] = int(float(lock["expires_at"]))
    return lock


def describe(lock):
    """The holder as a refusal names it."""
    return (f"{lock.get('holder', '?')} (run {lock.get('run_id', '?')}, {lock.get('playbook') or 'playbook ?'}, "
            f"since {lock.get('started_at', '?')}, expires {lock.get('expires', '?')})")


class RunLock(AWSResourceManager):
    service = "dynamodb"

    def __init__(self, module):
        super().__init__(module, label=f"run lock {module.params['lock_id']} in table {module.params['table']}")
        self.table = self.params["table"]
        self.key = {"lock_id": {"S": self.params["lock_id"]}}

    def read(self):
        """The lock as it is now (a strongly consistent read); {} when free or the table does not exist."""
        found = self.call("get_item", "Failed to read the lock", NO_TABLE,
                          TableName=self.table, Key=self.key, ConsistentRead=True)
        return from_item((found or {}).get("Item"))

    def delete_if_held_by(self, run_id):
        """Delete the lock if ``run_id`` holds it: (deleted lock or {}, the lock now when not deleted)."""
        try:
            old = self.client.delete_item(
                aws_retry=True, TableName=self.table, Key=self.key, ReturnValues="ALL_OLD",
                ConditionExpression="run_id = :run_id", ExpressionAttributeValues={":run_id": {"S": run_id}},
            )
        except is_boto3_error_code(list(CONDITION_FAILED)):
            return {}, self.read()
        except is_boto3_error_code(list(NO_TABLE)):  # pylint: disable=duplicate-except
            return {}, {}
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg=self._msg("Failed to delete the lock"))
        return from_item(old.get("Attributes")), {}

    def put(self, now):
        """The conditional write: free, expired, or already ours. (written, replaced lock or the holder)."""
        p = self.params
        expires_at = now + p["ttl"]
        item = {
            "lock_id": {"S": p["lock_id"]}, "run_id": {"S": p["run_id"]}, "holder": {"S": p["holder"]},
            "playbook": {"S": p["playbook"]}, "started_at": {"S": iso(now)},
            "expires_at": {"N": str(expires_at)}, "expires": {"S": iso(expires_at)},
        }
        try:
            old = self.client.put_item(
                aws_retry=True, TableName=self.table, Item=item, ReturnValues="ALL_OLD",
                ConditionExpression="attribute_not_exists(lock_id) OR expires_at < :now OR run_id = :run_id",
                ExpressionAttributeValues={":now": {"N": str(now)}, ":run_id": {"S": p["run_id"]}},
            )
        except is_boto3_error_code(list(CONDITION_FAILED + NO_TABLE)):
            return False, self.read()
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg=self._msg("Failed to write the lock"))
        return True, from_item(old.get("Attributes"))

    def create_table(self):
        p = self.params
        kwargs = dict(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}],
            # Encrypted at rest with the AWS owned key (DynamoDB's default): no KMS key of the
            # account's, nothing to pay or rotate, and the item holds no secret.
        )
        if p["tags"]:
            kwargs["Tags"] = [{"Key": k, "Value": str(v)} for k, v in p["tags"].items()]
        # Another run creating it at the same moment: ResourceInUseException, then wait like it.
        self.call("create_table", "Failed to create the lock table", ("ResourceInUseException",), **kwargs)
        wait(self.module, self.client, "table_exists", p["wait_timeout"], 2,
             self._msg("The lock table did not become ACTIVE"), TableName=self.table)
        self.changed = True

    def table_exists(self):
        return self.call("describe_table", "Failed to describe the lock table", NO_TABLE, TableName=self.table) is not None


def warn(module, msg):
    """A warning in the task's result. Through the AnsibleModule underneath: amazon.aws 10.1's
    AnsibleAWSModule.warn also passes its warnings to exit_json, which ansible-core 2.19
    reports as deprecated (it returns a module's warnings by itself)."""
    module._module.warn(msg)  # pylint: disable=protected-access


def refuse(module, lock, result, why):
    module.fail_json(
        msg=(f"{why}: run lock {module.params['lock_id']} is held by {describe(lock)}. Nothing was changed. "
             f"Wait for that run to finish; if it died, break its lock with -e break_lock={lock.get('run_id', '?')} "
             "(docs/runbooks/run_lock.md)."),
        **dict(result, lock=lock, held_by_other=True),
    )


def acquire(module, manager, result):
    p = module.params
    now = int(time.time())
    if module.check_mode:
        current = manager.read()
        if p["break_run_id"] and current.get("run_id") == p["break_run_id"]:
            result["previous"], current = current, {}
        if current and current.get("run_id") != p["run_id"] and current.get("expires_at", 0) >= now:
            refuse(module, current, result, "Refused")
        result.update(changed=True, lock=dict(lock_id=p["lock_id"], run_id=p["run_id"], holder=p["holder"],
                                              playbook=p["playbook"], started_at=iso(now),
                                              expires_at=now + p["ttl"], expires=iso(now + p["ttl"])))
        return

    if p["break_run_id"]:
        broken, current = manager.delete_if_held_by(p["break_run_id"])
        if broken:
            result["previous"] = broken
            manager.changed = True
            warn(module, f"Broke run lock {p['lock_id']} of {describe(broken)} (break_run_id).")
        elif current and current.get("run_id") != p["run_id"]:
            refuse(module, current, result, f"break_run_id {p['break_run_id']} does not name the holder")
        else:
            warn(module, f"break_run_id {p['break_run_id']}: run lock {p['lock_id']} was not held by that run; nothing broken.")

    # Refused with nothing to show: the table is missing, or the lock was released between the
    # write and the read. Either way, one more try (after creating the table) settles it.
    for _attempt in range(3):
        written, other = manager.put(now)
        if written or other:
            break
        if not manager.table_exists():
            if not p["create_table"]:
                module.fail_json(msg=f"Could not take run lock {p['lock_id']}: table {p['table']} does not exist "
                                     "(create_table is false); nothing was changed.", **result)
            manager.create_table()
    if not written:
        if not other:
            module.fail_json(msg=f"Could not take run lock {p['lock_id']}: it changed hands three times while "
                                 "it was read; nothing was changed.", **result)
        refuse(module, other, result, "Refused")
    manager.changed = True
    if other and other.get("run_id") != p["run_id"]:
        result["previous"] = other
        warn(module, f"Took over the expired run lock {p['lock_id']} of {describe(other)}.")
    result["lock"] = manager.read()


def release(module, manager, result):
    p = module.params
    if module.check_mode:
        current = manager.read()
        mine = current.get("run_id") == p["run_id"]
        if p["state"] == "broken" and current and not mine:
            refuse(module, current, result, "Not broken")
        result.update(changed=mine, previous=current if mine else {},
                      lock={} if mine else current, held_by_other=bool(current) and not mine)
        return
    deleted, current = manager.delete_if_held_by(p["run_id"])
    result.update(previous=deleted, lock=current, held_by_other=bool(current))
    manager.changed = bool(deleted)
    if deleted and p["state"] == "broken":
        warn(module, f"Broke run lock {p['lock_id']} of {describe(deleted)}.")
    if current and p["state"] == "broken":
        refuse(module, current, result, f"Not broken: run {p['run_id']} does not hold it")
    if current:
        warn(module, f"Run lock {p['lock_id']} is now held by {describe(current)}: this run's lock expired "
                    "before the run ended (raise the lock's ttl); left to its holder.")


def main():
    argument_spec = dict(
        state=dict(type="str", default="acquired", choices=["acquired", "released", "broken"]),
        table=dict(type="str", required=True),
        lock_id=dict(type="str", required=True),
        run_id=dict(type="str", required=True),
        holder=dict(type="str"),
        playbook=dict(type="str", default=""),
        ttl=dict(type="int", default=14400),
        break_run_id=dict(type="str"),
        create_table=dict(type="bool", default=True),
        tags=dict(type="dict", default={}),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              required_if=[("state", "acquired", ["holder"])])
    p = module.params
    errors = []
    if not re.match(r"^[A-Za-z0-9_.-]{3,255}$", p["table"]):
        errors.append(f"table must be 3-255 letters, digits, '_', '-' or '.' (got {p['table']!r})")
    if not 1 <= len(p["lock_id"]) <= 255:
        errors.append("lock_id must be 1-255 characters")
    if not p["run_id"].strip():
        errors.append("run_id must not be empty")
    if not 60 <= p["ttl"] <= 86400:
        errors.append(f"ttl must be 60-86400 seconds (got {p['ttl']})")
    if p["break_run_id"] is not None and not p["break_run_id"].strip():
        errors.append("break_run_id must not be empty")
    if errors:
        module.fail_json(msg="; ".join(errors))

    manager = RunLock(module)
    result = dict(lock={}, previous={}, held_by_other=False)
    if p["state"] == "acquired":
        acquire(module, manager, result)
    else:
        release(module, manager, result)
    module.exit_json(changed=result.pop("changed", manager.changed), **result)


if __name__ == "__main__":
    main()
