#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log
short_description: Manage a VPC flow log
version_added: 0.1.0
description:
  - Creates, updates the tags of, or deletes one VPC flow log (EC2 C(CreateFlowLogs),
    C(DescribeFlowLogs), C(DeleteFlowLogs), C(CreateTags), C(DeleteTags)).
  - A flow log is identified by I(resource_id), I(traffic_type) and its destination
    (I(log_group_name) or I(log_destination)). AWS cannot modify a flow log, so when the
    delivery role, aggregation interval or log format differ from the existing one the
    module deletes it and creates a new one (reported as C(changed), with a diff).
  - amazon.aws and community.aws have no flow-log module (checked in amazon.aws 10.1 and
    community.aws 10.0).
author:
  - Card platform team
options:
  resource_id:
    description: ID of the VPC, subnet or network interface whose traffic is logged.
    type: str
    required: true
  resource_type:
    description: Type of I(resource_id).
    type: str
    choices: [VPC, Subnet, NetworkInterface]
    default: VPC
  traffic_type:
    description: Which traffic to log. AWS has no default; C(ALL) is this module's default.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  log_destination_type:
    description: Where the records go.
    type: str
    choices: [cloud-watch-logs, s3]
    default: cloud-watch-logs
  log_group_name:
    description:
      - CloudWatch Logs log group name, for I(log_destination_type=cloud-watch-logs).
      - The module does not create the group; create it first (amazon.aws.cloudwatchlogs_log_group).
    type: str
  log_destination:
    description: ARN of the destination (S3 bucket, or the log group ARN instead of I(log_group_name)).
    type: str
  deliver_logs_permission_arn:
    description:
      - ARN of the IAM role the flow-logs service assumes to publish to CloudWatch Logs.
      - Required for I(log_destination_type=cloud-watch-logs) when I(state=present).
    type: str
  max_aggregation_interval:
    description: Seconds over which a flow record is aggregated; AWS default C(600).
    type: int
    choices: [60, 600]
    default: 600
  log_format:
    description: Custom record format (C(${field} ...)); omit for the AWS default format.
    type: str
  tags:
    description: Tags of the flow log. Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags).
    type: bool
    default: true
  state:
    description: Whether the flow log exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode and diff mode.
  - Errors from AWS (for example C(InvalidParameter) for a role the service cannot assume)
    fail the task with the AWS error code and message.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log all traffic of a VPC to CloudWatch Logs
  cardplatform.aws.ec2_vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    traffic_type: ALL
    log_group_name: /aws/vpc/flow-logs/card-platform-production
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/card-platform-production-flow-logs
    max_aggregation_interval: 60
    tags:
      Project: card-platform

- name: Remove the flow log
  cardplatform.aws.ec2_vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    log_group_name: /aws/vpc/flow-logs/card-platform-production
    state: absent
"""

RETURN = r"""
flow_log:
  description: The flow log as DescribeFlowLogs returns it, keys in snake case; empty when absent.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: ID of the flow log.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The logged resource.
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: ACCEPT, REJECT or ALL.
      type: str
      sample: ALL
    log_destination_type:
      description: cloud-watch-logs or s3.
      type: str
    log_group_name:
      description: The log group, for CloudWatch Logs destinations.
      type: str
    deliver_logs_permission_arn:
      description: The delivery role.
      type: str
    max_aggregation_interval:
      description: Aggregation interval in seconds.
      type: int
      sample: 600
    flow_log_status:
      description: ACTIVE once created.
      type: str
    tags:
      description: Tags as a dict.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

from ansible_collections.cardplatform.aws.plugins.module_utils import ec2
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff

# Attributes AWS cannot change on an existing flow log: a difference means replace.
IMMUTABLE = ("deliver_logs_permission_arn", "max_aggregation_interval", "log_format")


class FlowLogManager(AWSResourceManager):
    service = "ec2"

    def _matches(self, fl):
        p = self.params
        if fl.get("ResourceId") != p["resource_id"] or fl.get("TrafficType") != p["traffic_type"]:
            return False
        if fl.get("LogDestinationType", "cloud-watch-logs") != p["log_destination_type"]:
            return False
        if p["log_group_name"] and fl.get("LogGroupName") != p["log_group_name"]:
            return False
        if p["log_destination"] and fl.get("LogDestination") != p["log_destination"]:
            return False
        return True

    def find(self):
        pages = self.paginate(
            "describe_flow_logs", "Couldn't describe flow logs",
            Filter=[{"Name": "resource-id", "Values": [self.params["resource_id"]]}],
        )
        found = [fl for fl in pages.get("FlowLogs", []) if self._matches(fl)]
        return found[0] if found else None

    @staticmethod
    def normalise(fl):
        return ec2.normalise(fl, drop=("creation_time",))

    def desired(self):
        p = self.params
        want = {
            "resource_id": p["resource_id"],
            "traffic_type": p["traffic_type"],
            "log_destination_type": p["log_destination_type"],
            "max_aggregation_interval": p["max_aggregation_interval"],
        }
        for key in ("log_group_name", "log_destination", "deliver_logs_permission_arn", "log_format"):
            if p[key]:
                want[key] = p[key]
        if p["tags"] is not None:
            want["tags"] = p["tags"]
        return want

    def needs_replace(self, current):
        for key in IMMUTABLE:
            wanted = self.params[key]
            if wanted is None:
                continue
            if current.get(key) != wanted:
                return True
        return False

    def create(self):
        p = self.params
        kwargs = {
            "ResourceIds": [p["resource_id"]],
            "ResourceType": p["resource_type"],
            "TrafficType": p["traffic_type"],
            "LogDestinationType": p["log_destination_type"],
            "MaxAggregationInterval": p["max_aggregation_interval"],
        }
        if p["log_group_name"]:
            kwargs["LogGroupName"] = p["log_group_name"]
        if p["log_destination"]:
            kwargs["LogDestination"] = p["log_destination"]
        if p["deliver_logs_permission_arn"]:
            kwargs["DeliverLogsPermissionArn"] = p["deliver_logs_permission_arn"]
        if p["log_format"]:
            kwargs["LogFormat"] = p["log_format"]
        if p["tags"]:
            kwargs["TagSpecifications"] = boto3_tag_specifications(p["tags"], types=["vpc-flow-log"])
        response = self.call("create_flow_logs", "Couldn't create the flow log", **kwargs)
        ec2.fail_if_unsuccessful(self.module, response, "Couldn't create the flow log")
        return response["FlowLogIds"][0]

    def delete(self, flow_log_id):
        msg = f"Couldn't delete flow log {flow_log_id}"
        ec2.fail_if_unsuccessful(self.module, self.call("delete_flow_logs", msg, FlowLogIds=[flow_log_id]), msg)

    def ensure_tags(self, flow_log_id, current_tags):
        return ec2.sync_tags(
            self.module, self.client, flow_log_id, current_tags, self.params["tags"], self.params["purge_tags"]
        )

    def present(self):
        p = self.params
        if p["log_destination_type"] == "cloud-watch-logs":
            if not (p["log_group_name"] or p["log_destination"]):
                self.module.fail_json(msg="log_group_name or log_destination is required for cloud-watch-logs")
            if not p["deliver_logs_permission_arn"]:
                self.module.fail_json(msg="deliver_logs_permission_arn is required for cloud-watch-logs")
        elif not p["log_destination"]:
            self.module.fail_json(msg="log_destination (the S3 bucket ARN) is required for s3")

        existing = self.find()
        before = self.normalise(existing)
        if existing and self.needs_replace(before):
            self.changed = True
            if not self.module.check_mode:
                self.delete(existing["FlowLogId"])
            existing = None
        if not existing:
            self.changed = True
            if self.module.check_mode:
                after = self.desired()
                return before, after
            self.create()
            return before, self.normalise(self.find())
        if self.ensure_tags(existing["FlowLogId"], before.get("tags", {})):
            self.changed = True
            if self.module.check_mode:
                after = dict(before, tags=p["tags"])
                return before, after
            return before, self.normalise(self.find())
        return before, before

    def absent(self):
        existing = self.find()
        before = self.normalise(existing)
        if existing:
            self.changed = True
            if not self.module.check_mode:
                self.delete(existing["FlowLogId"])
        return before, {}


def main():
    argument_spec = dict(
        resource_id=dict(type="str", required=True),
        resource_type=dict(type="str", default="VPC", choices=["VPC", "Subnet", "NetworkInterface"]),
        traffic_type=dict(type="str", default="ALL", choices=["ACCEPT", "REJECT", "ALL"]),
        log_destination_type=dict(type="str", default="cloud-watch-logs", choices=["cloud-watch-logs", "s3"]),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str"),
        max_aggregation_interval=dict(type="int", default=600, choices=[60, 600]),
        log_format=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    manager = FlowLogManager(module)
    before, after = manager.present() if module.params["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, flow_log=after)


if __name__ == "__main__":
    main()
