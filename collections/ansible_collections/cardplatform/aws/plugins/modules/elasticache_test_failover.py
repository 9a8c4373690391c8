#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: elasticache_test_failover
short_description: Fail over one shard of an ElastiCache replication group (TestFailover)
version_added: 0.1.0
description:
  - Calls ElastiCache C(TestFailover) for one node group (shard) of a Redis replication group -
    ElastiCache promotes a replica of that shard to primary, as it would on a real failure.
    Reads the group with C(DescribeReplicationGroups) before and after.
  - Written because neither amazon.aws nor community.aws (10.x) has a module for
    C(TestFailover).
  - Not idempotent by nature - every run that is not in check mode triggers a failover. AWS
    allows at most 15 node groups per rolling 24 hours (C(TestFailoverNotAvailableFault)).
  - Before the call the module checks what AWS would reject - the group must be
    C(available), have automatic failover enabled, and the node group must exist with at
    least one replica - and fails naming the cause, without calling C(TestFailover).
  - In check mode it runs those checks and reports C(changed=true) without calling
    C(TestFailover).
  - With I(wait=true) it polls C(DescribeReplicationGroups) every I(wait_delay) seconds
    until the group and the node group are C(available) again (boto3 has no waiter for a
    failover; its C(replication_group_available) waiter polls every 15 seconds, too coarse to
    time a failover that should finish within 30 seconds).
author:
  - Card platform team
options:
  replication_group_id:
    description: Identifier of the replication group.
    type: str
    required: true
  node_group_id:
    description:
      - The node group (shard) to fail over, for example C(0001).
      - Default - the group's first node group.
    type: str
  wait:
    description: Wait until the group and the node group are C(available) again.
    type: bool
    default: true
  wait_timeout:
    description: How long to wait, in seconds. A timeout fails the task.
    type: int
    default: 900
  wait_delay:
    description: Seconds between two polls while waiting.
    type: int
    default: 5
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Fail over the first shard and wait until the group is available
  cardplatform.aws.elasticache_test_failover:
    replication_group_id: card-platform-production-redis
    wait: true
  register: failover

- name: Fail over shard 0002 without waiting
  cardplatform.aws.elasticache_test_failover:
    replication_group_id: card-platform-production-redis
    node_group_id: "0002"
    wait: false
"""

RETURN = r"""
node_group_id:
  description: The node group that was failed over (or would be, in check mode).
  returned: always
  type: str
  sample: "0001"
before:
  description: The replication group before the call (DescribeReplicationGroups, snake_case).
  returned: always
  type: dict
replication_group:
  description: The replication group after the call (and the wait), snake_case.
  returned: always
  type: dict
  contains:
    status:
      description: Status of the group.
      type: str
      sample: available
waited_seconds:
  description: Seconds spent waiting for the group to be available again (0 without I(wait)).
  returned: always
  type: float
  sample: 21.4
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import elasticache
from ansible_collections.cardplatform.aws.plugins.module_utils.common import poll


class FailoverManager(elasticache.ElastiCacheResourceManager):
    def __init__(self, module):
        super().__init__(module)
        self.group_id = module.params["replication_group_id"]

    def describe(self):
        group = elasticache.describe_replication_group(
            self.module, self.client, self.group_id, "Couldn't describe the replication group"
        )
        if group is None:
            self.module.fail_json(msg=f"Replication group {self.group_id} does not exist")
        return group

    def check(self, group):
        """Return the node group id to fail over, or fail with what AWS would reject."""
        rg_id = self.params["replication_group_id"]
        node_groups = group.get("NodeGroups") or []
        ng_id = self.params["node_group_id"] or (node_groups[0]["NodeGroupId"] if node_groups else None)
        if group.get("Status") != "available":
            self.module.fail_json(msg=f"Replication group {rg_id} is {group.get('Status')}, not available")
        if group.get("AutomaticFailover") != "enabled":
            self.module.fail_json(msg=f"Replication group {rg_id} does not have automatic failover enabled")
        node_group = next((ng for ng in node_groups if ng.get("NodeGroupId") == ng_id), None)
        if node_group is None:
            known = ", ".join(ng.get("NodeGroupId", "?") for ng in node_groups)
            self.module.fail_json(msg=f"Node group {ng_id} is not in {rg_id} (node groups: {known})")
        if len(node_group.get("NodeGroupMembers") or []) < 2:
            self.module.fail_json(msg=f"Node group {ng_id} of {rg_id} has no replica to fail over to")
        return ng_id

    def failover(self, ng_id):
        self.call(
            "test_failover", f"TestFailover of node group {ng_id} failed", ReplicationGroupId=self.group_id, NodeGroupId=ng_id
        )

    def wait(self, ng_id):
        def node_group(group):
            return next((ng for ng in group.get("NodeGroups") or [] if ng.get("NodeGroupId") == ng_id), {})

        def available(group):
            return group.get("Status") == "available" and node_group(group).get("Status", "available") == "available"

        def timed_out(group):
            return (
                f"Timed out after {self.params['wait_timeout']} s waiting for {self.group_id} to be available after "
                f"the failover (group {group.get('Status')}, node group {node_group(group).get('Status')})"
            )

        return poll(self.module, self.describe, available, self.params["wait_timeout"], self.params["wait_delay"], timed_out)


def main():
    argument_spec = dict(
        replication_group_id=dict(type="str", required=True),
        node_group_id=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=900),
        wait_delay=dict(type="int", default=5),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["wait_timeout"] < 1 or module.params["wait_delay"] < 1:
        module.fail_json(msg="wait_timeout and wait_delay must be at least 1 second")
    manager = FailoverManager(module)
    before = manager.describe()
    ng_id = manager.check(before)
    after, waited = before, 0.0
    if not module.check_mode:
        manager.failover(ng_id)
        if module.params["wait"]:
            after, waited = manager.wait(ng_id)
        else:
            after = manager.describe()
    module.exit_json(
        changed=True,
        node_group_id=ng_id,
        before=camel_dict_to_snake_dict(before),
        replication_group=camel_dict_to_snake_dict(after),
        waited_seconds=round(waited, 3),
    )


if __name__ == "__main__":
    main()
