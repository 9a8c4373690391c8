#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatch_alarm_info
short_description: Read the state of CloudWatch metric and composite alarms in one call
version_added: 0.3.0
description:
  - Lists the CloudWatch alarms whose names start with I(alarm_name_prefix), metric and composite
    alike, with their state (C(DescribeAlarms) with C(AlarmTypes=[MetricAlarm, CompositeAlarm]),
    paginated).
  - C(amazon.aws.cloudwatch_metric_alarm_info) never sends C(AlarmTypes), so CloudWatch returns
    metric alarms only and its C(alarm_type=CompositeAlarm) comes back empty; the disaster recovery
    reports need both, before and after a drill, in one read each.
  - Read-only; runs the same way in check mode. No alarm matching is not an error (an empty list).
author:
  - Card platform team
options:
  alarm_name_prefix:
    description:
      - Prefix of the alarm names, for example C(card-platform-production-). An empty prefix lists
        every alarm of the account and region.
    type: str
    required: true
notes:
  - Supports check mode (it is read-only).
  - "IAM: C(cloudwatch:DescribeAlarms)."
  - Errors: any API error other than throttling (retried with backoff) fails the module with the
    error code.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the platform's alarm states
  cardplatform.aws.cloudwatch_alarm_info:
    alarm_name_prefix: card-platform-production-
  register: alarms
"""

RETURN = r"""
alarms:
  description: The alarms, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Alarm name., type: str}
    type: {description: C(MetricAlarm) or C(CompositeAlarm)., type: str}
    state: {description: C(OK), C(ALARM) or C(INSUFFICIENT_DATA)., type: str}
    reason: {description: CloudWatch's reason for the state., type: str}
    updated: {description: When the state last changed (ISO 8601, UTC)., type: str}
  sample:
    - {name: card-platform-production-rds-cpu, type: MetricAlarm, state: OK,
       reason: "Threshold Crossed: 3 datapoints were not greater than the threshold (80.0).",
       updated: "2026-12-07T22:00:00+00:00"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager

ALARM_TYPES = {"MetricAlarms": "MetricAlarm", "CompositeAlarms": "CompositeAlarm"}


class AlarmReader(AWSResourceManager):
    service = "cloudwatch"

    def alarms(self, prefix):
        params = {"AlarmTypes": list(ALARM_TYPES.values())}
        if prefix:
            params["AlarmNamePrefix"] = prefix
        found = self.paginate("describe_alarms", f"Couldn't describe the CloudWatch alarms named {prefix}*", **params) or {}
        alarms = [
            {
                "name": alarm["AlarmName"],
                "type": kind,
                "state": alarm.get("StateValue", ""),
                "reason": alarm.get("StateReason", ""),
                "updated": _iso(alarm.get("StateUpdatedTimestamp")),
            }
            for key, kind in ALARM_TYPES.items()
            for alarm in found.get(key, [])
        ]
        return sorted(alarms, key=lambda a: a["name"])


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


def main():
    argument_spec = dict(alarm_name_prefix=dict(type="str", required=True))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    module.exit_json(changed=False, alarms=AlarmReader(module).alarms(module.params["alarm_name_prefix"]))


if __name__ == "__main__":
    main()
