"""CloudWatch: composite alarms (PutCompositeAlarm, DescribeAlarms by AlarmTypes)."""

from __future__ import annotations


def cloudwatch_composite_alarms() -> None:
    """PutCompositeAlarm stores a composite alarm; DescribeAlarms filters by AlarmTypes, as AWS does.

    AWS API: PutCompositeAlarm(AlarmName, AlarmRule, AlarmDescription?, ActionsEnabled?,
    AlarmActions?, OKActions?, InsufficientDataActions?, Tags?) creates or replaces the alarm;
    DescribeAlarms returns it under CompositeAlarms (AlarmRule, AlarmArn, actions) and, given
    AlarmTypes, only the types asked for (MetricAlarm alone when AlarmTypes is omitted). moto
    5.2.5 stores composite alarms only through its CloudFormation path: PutCompositeAlarm answers
    500, DescribeAlarms ignores AlarmTypes and lists composite alarms without their AlarmRule.
    DeleteAlarms already deletes either kind by name.
    """
    from moto.cloudwatch.models import Alarm
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult, EmptyResult

    if hasattr(CloudWatchResponse, "put_composite_alarm"):
        return

    Alarm.alarm_rule = property(lambda self: self.rule)  # type: ignore[attr-defined]

    def put_composite_alarm(self):  # type: ignore[no-untyped-def]
        self.cloudwatch_backend.put_metric_alarm(
            name=self._get_param("AlarmName"), namespace=None, metric_name=None, metric_data_queries=None,
            comparison_operator=None, evaluation_periods=None, datapoints_to_alarm=None, period=None,
            threshold=None, statistic=None, extended_statistic=None,
            description=self._get_param("AlarmDescription"), dimensions=[],
            alarm_actions=self._get_param("AlarmActions", []), ok_actions=self._get_param("OKActions", []),
            insufficient_data_actions=self._get_param("InsufficientDataActions", []), unit=None,
            actions_enabled=self._get_bool_param("ActionsEnabled"), treat_missing_data=None,
            evaluate_low_sample_count_percentile=None, threshold_metric_id=None,
            rule=self._get_param("AlarmRule"), tags=self._get_param("Tags", []))
        return EmptyResult()

    original_describe = CloudWatchResponse.describe_alarms

    def describe_alarms(self):  # type: ignore[no-untyped-def]
        result = original_describe(self)
        types = self._get_param("AlarmTypes") or ["MetricAlarm"]
        body = result.result  # {"MetricAlarms": [...], "CompositeAlarms": [...]}
        return ActionResult({"MetricAlarms": body["MetricAlarms"] if "MetricAlarm" in types else [],
                             "CompositeAlarms": body["CompositeAlarms"] if "CompositeAlarm" in types else []})

    CloudWatchResponse.put_composite_alarm = put_composite_alarm  # type: ignore[attr-defined]
    CloudWatchResponse.describe_alarms = describe_alarms  # type: ignore[method-assign]
