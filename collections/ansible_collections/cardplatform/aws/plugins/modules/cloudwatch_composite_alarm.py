#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatch_composite_alarm
short_description: Manage an Amazon CloudWatch composite alarm
version_added: 0.3.0
description:
  - Creates, updates or deletes one CloudWatch composite alarm - an alarm whose state is a rule
    over the states of other alarms (CloudWatch C(PutCompositeAlarm), C(DeleteAlarms)).
  - Reads first (C(DescribeAlarms) with C(AlarmTypes=[CompositeAlarm])) and writes only when the
    rule, the description, the actions or C(actions_enabled) differ, so a second run reports no
    change. Supports check mode and diff mode.
  - amazon.aws 10's C(cloudwatch_metric_alarm) manages metric alarms only; no amazon.aws or
    community.aws module manages composite alarms.
author:
  - Card platform team
options:
  name:
    description: Name of the composite alarm (1-255 characters, unique among the account's alarms in the region).
    type: str
    required: true
  state:
    description:
      - C(present) - the alarm exists with these settings (created or replaced whole by C(PutCompositeAlarm)).
      - C(absent) - no alarm of that name (C(DeleteAlarms)); absent already is no change.
    type: str
    choices: [present, absent]
    default: present
  alarm_rule:
    description:
      - The rule, in CloudWatch's rule syntax, over other alarms' states, for example
        C(ALARM("a") OR ALARM("b")). Required with C(state=present); at most 10240 characters.
      - The alarms it names must exist, or AWS refuses the call (C(ValidationError)), failing the module.
    type: str
  description:
    description: The alarm's description (at most 1024 characters). Empty - none.
    type: str
    default: ""
  alarm_actions:
    description: ARNs (SNS topics) notified when the alarm enters ALARM. At most 5.
    type: list
    elements: str
    default: []
  ok_actions:
    description: ARNs notified when the alarm returns to OK. At most 5.
    type: list
    elements: str
    default: []
  insufficient_data_actions:
    description: ARNs notified when the alarm enters INSUFFICIENT_DATA. At most 5.
    type: list
    elements: str
    default: []
  actions_enabled:
    description: Whether the actions run on state changes (CloudWatch's default C(true)).
    type: bool
    default: true
notes:
  - "IAM: C(cloudwatch:DescribeAlarms), C(cloudwatch:PutCompositeAlarm), C(cloudwatch:DeleteAlarms)."
  - Tags are not managed. The order of the action lists is not significant (CloudWatch keeps sets).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Page when the JIT authorization path degrades
  cardplatform.aws.cloudwatch_composite_alarm:
    name: card-platform-jit-authorization-degraded
    alarm_rule: ALARM("card-platform-rds-cpu") OR ALARM("card-platform-redis-hit-rate")
    description: JIT authorization degraded
    alarm_actions: [arn:aws:sns:us-east-1:123456789012:card-platform-alerts]
    ok_actions: [arn:aws:sns:us-east-1:123456789012:card-platform-alerts]

- name: Remove it
  cardplatform.aws.cloudwatch_composite_alarm:
    name: card-platform-jit-authorization-degraded
    state: absent
"""

RETURN = r"""
alarm:
  description: The composite alarm after the run (snake_case, as C(DescribeAlarms) returns it); empty when absent.
  returned: always
  type: dict
  sample: {"alarm_name": "card-platform-jit-authorization-degraded", "alarm_rule": "ALARM(\"a\")",
           "alarm_arn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:card-platform-jit-authorization-degraded",
           "alarm_actions": ["arn:aws:sns:us-east-1:123456789012:card-platform-alerts"], "state_value": "OK"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict

MAX_ACTIONS = 5
ACTION_LISTS = {"alarm_actions": "AlarmActions", "ok_actions": "OKActions",
                "insufficient_data_actions": "InsufficientDataActions"}


def comparable(alarm):
    """The settings the module owns, in a canonical shape (action lists as sorted sets)."""
    if not alarm:
        return {}
    out = {"AlarmRule": alarm.get("AlarmRule", ""), "AlarmDescription": alarm.get("AlarmDescription", "") or "",
           "ActionsEnabled": bool(alarm.get("ActionsEnabled", True))}
    for key in ACTION_LISTS.values():
        out[key] = sorted(set(alarm.get(key) or []))
    return out


def wanted(params):
    if params["state"] == "absent":
        return {}
    out = {"AlarmRule": params["alarm_rule"], "AlarmDescription": params["description"],
           "ActionsEnabled": params["actions_enabled"]}
    for option, key in ACTION_LISTS.items():
        out[key] = sorted(set(params[option]))
    return out


class CompositeAlarm(AWSResourceManager):
    service = "cloudwatch"

    def read(self):
        answer = self.call("describe_alarms", "Couldn't describe the composite alarm",
                           AlarmNames=[self.params["name"]], AlarmTypes=["CompositeAlarm"])
        found = answer.get("CompositeAlarms", [])
        return found[0] if found else {}

    def put(self, settings):
        args = {"AlarmName": self.params["name"], **settings}
        if not args["AlarmDescription"]:
            del args["AlarmDescription"]
        self.call("put_composite_alarm", "Couldn't put the composite alarm", **args)

    def delete(self):
        self.call("delete_alarms", "Couldn't delete the composite alarm", AlarmNames=[self.params["name"]])


def validate(module):
    params = module.params
    if params["state"] == "absent":
        return
    if not params["alarm_rule"]:
        module.fail_json(msg="alarm_rule: required with state=present (a rule such as ALARM(\"name\"))")
    for option in ACTION_LISTS:
        if len(params[option]) > MAX_ACTIONS:
            module.fail_json(msg=f"{option}: at most {MAX_ACTIONS} actions, got {len(params[option])}")


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        alarm_rule=dict(type="str"),
        description=dict(type="str", default=""),
        alarm_actions=dict(type="list", elements="str", default=[]),
        ok_actions=dict(type="list", elements="str", default=[]),
        insufficient_data_actions=dict(type="list", elements="str", default=[]),
        actions_enabled=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    manager = CompositeAlarm(module, label=module.params["name"])
    current = manager.read()
    before, after = comparable(current), wanted(module.params)
    changed = before != after
    result = current
    if changed and not module.check_mode:
        if after:
            manager.put(after)
            result = manager.read()
        else:
            manager.delete()
            result = {}
    elif changed:
        result = dict(after, AlarmName=module.params["name"]) if after else {}
    exit_with_diff(module, {"before": snake_dict(before), "after": snake_dict(after)},
                   changed=changed, alarm=snake_dict(result))


if __name__ == "__main__":
    main()
