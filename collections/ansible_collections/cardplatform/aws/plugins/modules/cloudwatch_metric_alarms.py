#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatch_metric_alarms
short_description: Manage a set of Amazon CloudWatch metric alarms in one task
version_added: 0.3.0
description:
  - Creates, updates or deletes the named CloudWatch metric alarms - on one metric, or on a
    metric math expression (I(alarms[].metrics)) - with the same SNS actions.
  - Reads them all first (C(DescribeAlarms), up to 100 names a call) and writes only the alarms that
    differ (C(PutMetricAlarm), one call per alarm - the API takes one) or exist when they should not
    (C(DeleteAlarms), up to 100 names a call), so a second run makes no write and reports no change.
    Supports check mode and diff mode.
  - amazon.aws 10's C(cloudwatch_metric_alarm) leaves C(Metrics) out of its comparison, so an alarm on
    metric math is rewritten and reported changed on every run, reads each alarm twice, and does not
    compare C(ActionsEnabled).
  - Each returned alarm carries C(current) and C(wanted) in one comparable shape, so a caller can
    report drift from a check-mode run (the monitoring role's drift state does).
author:
  - Card platform team
options:
  state:
    description:
      - C(present) - every alarm of I(alarms) exists with these settings.
      - C(absent) - none of them exists (only I(alarms[].name) is read).
    type: str
    choices: [present, absent]
    default: present
  alarm_actions:
    description: ARNs (SNS topics) notified when an alarm enters ALARM, for every alarm. At most 5.
    type: list
    elements: str
    default: []
  ok_actions:
    description: ARNs notified when an alarm returns to OK, for every alarm. At most 5.
    type: list
    elements: str
    default: []
  insufficient_data_actions:
    description: ARNs notified when an alarm enters INSUFFICIENT_DATA, for every alarm. At most 5.
    type: list
    elements: str
    default: []
  alarms:
    description: The alarms (names unique; the module fails naming a duplicate).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Alarm name, 1-255 characters, unique among the account's alarms in the region.
        type: str
        required: true
      description:
        description: The alarm's description (at most 1024 characters).
        type: str
        default: ""
      namespace:
        description: Namespace of the single metric, for example C(AWS/RDS). Not with I(metrics).
        type: str
      metric_name:
        description: Name of the single metric, for example C(CPUUtilization). Not with I(metrics).
        type: str
      statistic:
        description: Statistic of the single metric. Not with I(metrics) or I(extended_statistic).
        type: str
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      extended_statistic:
        description: A percentile such as C(p95) of the single metric. Not with I(metrics) or I(statistic).
        type: str
      dimensions:
        description: Dimensions of the single metric, name to value (at most 30), for example C({DBInstanceIdentifier: card-platform-db}).
        type: dict
        default: {}
      period:
        description: Length of each evaluation period of the single metric, in seconds (10, 30 or a multiple of 60).
        type: int
      unit:
        description: Unit of the single metric (CloudWatch's unit names, for example C(Bytes)); omitted, any unit.
        type: str
      metrics:
        description:
          - Metric math instead of a single metric - CloudWatch's C(MetricDataQuery) list in snake_case
            (C(id), C(expression) or C(metric_stat) with C(metric.namespace), C(metric.metric_name),
            C(metric.dimensions) as a list of C(name)/C(value), C(period), C(stat); C(label), C(return_data)).
            Exactly one entry has C(return_data=true) - the value compared with I(threshold). At most 10 entries.
        type: list
        elements: dict
      evaluation_periods:
        description: Number of most recent periods evaluated, 1 or more. Required with C(state=present).
        type: int
      datapoints_to_alarm:
        description: Breaching periods among I(evaluation_periods) that set ALARM ("M out of N"); omitted, all of them.
        type: int
      threshold:
        description: The value compared with the statistic or expression, in the metric's unit. Required with C(state=present).
        type: float
      comparison:
        description: How the value is compared with I(threshold). Required with C(state=present).
        type: str
        choices: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold]
      treat_missing_data:
        description: How periods without data count (CloudWatch's default C(missing)).
        type: str
        choices: [breaching, notBreaching, ignore, missing]
        default: missing
notes:
  - "IAM: C(cloudwatch:DescribeAlarms), C(cloudwatch:PutMetricAlarm), C(cloudwatch:DeleteAlarms)."
  - Alarms of other names are left alone; tags are not managed; action lists are compared as sets.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Alarms of the database writer, to the alerts topic
  cardplatform.aws.cloudwatch_metric_alarms:
    alarm_actions: [arn:aws:sns:us-east-1:123456789012:card-platform-alerts]
    ok_actions: [arn:aws:sns:us-east-1:123456789012:card-platform-alerts]
    alarms:
      - name: card-platform-db-cpu
        namespace: AWS/RDS
        metric_name: CPUUtilization
        statistic: Average
        dimensions: {DBInstanceIdentifier: card-platform-db}
        period: 300
        evaluation_periods: 3
        threshold: 80
        comparison: GreaterThanOrEqualToThreshold
      - name: card-platform-redis-hit-rate
        evaluation_periods: 3
        threshold: 70
        comparison: LessThanThreshold
        metrics:
          - {id: hits, return_data: false, metric_stat: {period: 300, stat: Sum, metric: {
              namespace: AWS/ElastiCache, metric_name: CacheHits, dimensions: [{name: CacheClusterId, value: card-platform-001}]}}}
          - {id: misses, return_data: false, metric_stat: {period: 300, stat: Sum, metric: {
              namespace: AWS/ElastiCache, metric_name: CacheMisses, dimensions: [{name: CacheClusterId, value: card-platform-001}]}}}
          - {id: hit_rate, expression: "100 * hits / (hits + misses)", label: Hit rate (%), return_data: true}
"""

RETURN = r"""
alarms:
  description: One entry per alarm of I(alarms), in order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The alarm name.
      type: str
    arn:
      description: The alarm ARN (empty when it does not exist, and in check mode before its creation).
      type: str
    exists:
      description: Whether the alarm existed before the run.
      type: bool
    changed:
      description: Whether the alarm was (or in check mode would be) written or deleted.
      type: bool
    current:
      description: The alarm as it was before the run, in the comparable snake_case shape ({} when absent).
      type: dict
    wanted:
      description: The alarm the parameters ask for, in the same shape ({} with C(state=absent)).
      type: dict
  sample: [{"name": "card-platform-db-cpu", "arn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:card-platform-db-cpu",
            "exists": true, "changed": false, "current": {"threshold": 80.0}, "wanted": {"threshold": 80.0}}]
"""

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict

MAX_ACTIONS = 5
MAX_METRICS = 10
PAGE = 100
SINGLE_METRIC = ("namespace", "metric_name", "statistic", "extended_statistic", "period", "unit")
ACTION_LISTS = {"alarm_actions": "AlarmActions", "ok_actions": "OKActions",
                "insufficient_data_actions": "InsufficientDataActions"}
# What the module owns of an alarm (DescribeAlarms' keys); the rest (state, timestamps, ARN) is CloudWatch's.
OWNED = ("AlarmDescription", "Namespace", "MetricName", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit",
         "Metrics", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
         "ActionsEnabled", *ACTION_LISTS.values())


def _dimensions(dims):
    return sorted(({"Name": d["Name"], "Value": str(d["Value"])} for d in dims or []), key=lambda d: d["Name"])


def _query(query):
    """One MetricDataQuery in a canonical shape (dimensions sorted, ReturnData explicit)."""
    out = {k: query[k] for k in ("Id", "Expression", "Label", "Period", "AccountId") if query.get(k) not in (None, "")}
    out["ReturnData"] = bool(query.get("ReturnData", True))
    if query.get("MetricStat"):
        stat = query["MetricStat"]
        metric = stat.get("Metric", {})
        out["MetricStat"] = {k: stat[k] for k in ("Period", "Stat", "Unit") if stat.get(k) not in (None, "")}
        out["MetricStat"]["Metric"] = {"Namespace": metric.get("Namespace"), "MetricName": metric.get("MetricName"),
                                       "Dimensions": _dimensions(metric.get("Dimensions"))}
    return out


def canonical(alarm):
    """The owned settings of an alarm (an API answer or a request) in one comparable shape."""
    if not alarm:
        return {}
    out = {}
    for key in OWNED:
        value = alarm.get(key)
        if key in ACTION_LISTS.values():
            value = sorted(set(value or []))
        elif key == "Dimensions":
            value = _dimensions(value)
        elif key == "Metrics":
            value = [_query(q) for q in value or []]
        elif key == "Threshold" and value is not None:
            value = float(value)
        elif key == "TreatMissingData":
            value = value or "missing"
        elif key == "ActionsEnabled":
            value = True if value is None else bool(value)
        elif key == "AlarmDescription":
            value = value or ""
        if value not in (None, "", []) or key in ("AlarmDescription", "Dimensions", "Metrics", *ACTION_LISTS.values()):
            out[key] = value
    return out


def request(alarm, params):
    """The PutMetricAlarm arguments of one alarm of the parameters."""
    req = {
        "AlarmName": alarm["name"], "AlarmDescription": alarm["description"], "ActionsEnabled": True,
        "EvaluationPeriods": alarm["evaluation_periods"], "Threshold": float(alarm["threshold"]),
        "ComparisonOperator": alarm["comparison"], "TreatMissingData": alarm["treat_missing_data"],
        "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted(alarm["dimensions"].items())],
    }
    for option, key in ACTION_LISTS.items():
        req[key] = sorted(set(params[option]))
    for option, key in (("namespace", "Namespace"), ("metric_name", "MetricName"), ("statistic", "Statistic"),
                        ("extended_statistic", "ExtendedStatistic"), ("period", "Period"), ("unit", "Unit"),
                        ("datapoints_to_alarm", "DatapointsToAlarm")):
        if alarm.get(option) not in (None, ""):
            req[key] = alarm[option]
    if alarm.get("metrics"):
        req["Metrics"] = [snake_dict_to_camel_dict(q, capitalize_first=True) for q in alarm["metrics"]]
    if not req["AlarmDescription"]:
        del req["AlarmDescription"]
    return req


def validate(module):
    params = module.params
    names = [a["name"] for a in params["alarms"]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        module.fail_json(msg=f"alarms: names must be unique, {', '.join(duplicates)} given more than once")
    if params["state"] == "absent":
        return
    for option in ACTION_LISTS:
        if len(params[option]) > MAX_ACTIONS:
            module.fail_json(msg=f"{option}: at most {MAX_ACTIONS} actions, got {len(params[option])}")
    for alarm in params["alarms"]:
        name = alarm["name"]
        missing = [o for o in ("evaluation_periods", "threshold", "comparison") if alarm.get(o) is None]
        if missing:
            module.fail_json(msg=f"alarms[{name}]: {', '.join(missing)} required with state=present")
        if alarm.get("metrics"):
            mixed = [o for o in SINGLE_METRIC if alarm.get(o) not in (None, "")] + (["dimensions"] if alarm["dimensions"] else [])
            if mixed:
                module.fail_json(msg=f"alarms[{name}]: metrics (metric math) cannot be combined with {', '.join(mixed)}")
            if len(alarm["metrics"]) > MAX_METRICS:
                module.fail_json(msg=f"alarms[{name}].metrics: at most {MAX_METRICS} entries, got {len(alarm['metrics'])}")
            returned = [q for q in alarm["metrics"] if q.get("return_data", True)]
            if len(returned) != 1:
                module.fail_json(msg=f"alarms[{name}].metrics: exactly one entry with return_data true, got {len(returned)}")
        else:
            missing = [o for o in ("namespace", "metric_name", "period") if not alarm.get(o)]
            if missing or not (alarm.get("statistic") or alarm.get("extended_statistic")):
                module.fail_json(msg=f"alarms[{name}]: a single-metric alarm needs namespace, metric_name, period and "
                                     f"statistic or extended_statistic (missing {', '.join(missing) or 'statistic'})")
            if alarm.get("statistic") and alarm.get("extended_statistic"):
                module.fail_json(msg=f"alarms[{name}]: statistic and extended_statistic are mutually exclusive")
        if alarm["evaluation_periods"] < 1:
            module.fail_json(msg=f"alarms[{name}].evaluation_periods: 1 or more, got {alarm['evaluation_periods']}")
        if alarm.get("datapoints_to_alarm") is not None and not 1 <= alarm["datapoints_to_alarm"] <= alarm["evaluation_periods"]:
            module.fail_json(msg=f"alarms[{name}].datapoints_to_alarm: 1-evaluation_periods ({alarm['evaluation_periods']}), "
                                 f"got {alarm['datapoints_to_alarm']}")


class MetricAlarms(AWSResourceManager):
    service = "cloudwatch"

    def read(self, names):
        found = {}
        for start in range(0, len(names), PAGE):
            answer = self.call("describe_alarms", "Couldn't describe the metric alarms",
                               AlarmNames=names[start:start + PAGE], AlarmTypes=["MetricAlarm"])
            found.update({a["AlarmName"]: a for a in answer.get("MetricAlarms", [])})
        return found

    def put(self, req):
        self.call("put_metric_alarm", f"Couldn't put the metric alarm {req['AlarmName']}", **req)

    def delete(self, names):
        for start in range(0, len(names), PAGE):
            self.call("delete_alarms", "Couldn't delete the metric alarms", AlarmNames=names[start:start + PAGE])


def main():
    alarm_options = dict(
        name=dict(type="str", required=True),
        description=dict(type="str", default=""),
        namespace=dict(type="str"),
        metric_name=dict(type="str"),
        statistic=dict(type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
        extended_statistic=dict(type="str"),
        dimensions=dict(type="dict", default={}),
        period=dict(type="int"),
        unit=dict(type="str"),
        metrics=dict(type="list", elements="dict"),
        evaluation_periods=dict(type="int"),
        datapoints_to_alarm=dict(type="int"),
        threshold=dict(type="float"),
        comparison=dict(type="str", choices=["GreaterThanOrEqualToThreshold", "GreaterThanThreshold",
                                                            "LessThanThreshold", "LessThanOrEqualToThreshold"]),
        treat_missing_data=dict(type="str", choices=["breaching", "notBreaching", "ignore", "missing"], default="missing"),
    )
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        alarm_actions=dict(type="list", elements="str", default=[]),
        ok_actions=dict(type="list", elements="str", default=[]),
        insufficient_data_actions=dict(type="list", elements="str", default=[]),
        alarms=dict(type="list", elements="dict", required=True, options=alarm_options),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    manager = MetricAlarms(module)
    names = [a["name"] for a in params["alarms"]]
    found = manager.read(names)
    results, to_put, to_delete = [], [], []
    for alarm in params["alarms"]:
        current = found.get(alarm["name"])
        req = request(alarm, params) if params["state"] == "present" else None
        before, after = canonical(current), canonical(req)
        changed = before != after
        if changed:
            (to_put if req else to_delete).append(req or alarm["name"])
        results.append({"name": alarm["name"], "arn": (current or {}).get("AlarmArn", ""), "exists": current is not None,
                        "changed": changed, "current": snake_dict(before), "wanted": snake_dict(after)})
    if not module.check_mode:
        for req in to_put:
            manager.put(req)
        if to_delete:
            manager.delete(to_delete)
        if to_put:
            after_run = manager.read([r["AlarmName"] for r in to_put])
            for result in results:
                result["arn"] = after_run.get(result["name"], {}).get("AlarmArn", result["arn"])
        for result in results:
            if result["name"] in to_delete:
                result["arn"] = ""
    changed_results = [r for r in results if r["changed"]]
    exit_with_diff(module, {"before": {r["name"]: r["current"] for r in changed_results},
                            "after": {r["name"]: r["wanted"] for r in changed_results}},
                   changed=bool(changed_results), alarms=results)


if __name__ == "__main__":
    main()
