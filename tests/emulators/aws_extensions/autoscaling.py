"""EC2 Auto Scaling: DisableMetricsCollection; a group's tags in key order."""

from __future__ import annotations


def autoscaling_disable_metrics_collection() -> None:
    """DisableMetricsCollection stops collecting the named group metrics (all of them without ``Metrics``).

    AWS API: DisableMetricsCollection(AutoScalingGroupName, Metrics?) removes those metrics from
    the group's EnabledMetrics and returns an empty result. moto 5.2.5 implements only
    EnableMetricsCollection (``NotImplementedError``, a 500), and amazon.aws.autoscaling_group
    calls DisableMetricsCollection whenever it updates an existing group without
    ``metrics_collection``, so its second run on a group always failed.
    """
    from moto.autoscaling.models import AutoScalingBackend
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import EmptyResult

    if hasattr(AutoScalingBackend, "disable_metrics_collection"):
        return

    def disable_metrics_collection(self, group_name: str, metrics: list[str] | None) -> None:  # type: ignore[no-untyped-def]
        group = self.describe_auto_scaling_groups([group_name])[0]
        group.metrics = [m for m in group.metrics if metrics and m not in metrics]

    def respond(self):  # type: ignore[no-untyped-def]
        self.autoscaling_backend.disable_metrics_collection(self._get_param("AutoScalingGroupName"), self._get_param("Metrics"))
        return EmptyResult()

    AutoScalingBackend.disable_metrics_collection = disable_metrics_collection  # type: ignore[attr-defined]
    AutoScalingResponse.disable_metrics_collection = respond  # type: ignore[attr-defined]


def autoscaling_group_tags_in_key_order() -> None:
    """DescribeAutoScalingGroups lists a group's tags in key order, as AWS does.

    moto 5.2.5 keeps them in the order of the request. amazon.aws.autoscaling_group sorts the
    tags it read in place (they are part of the properties it compares before and after an
    update), so a group created with tags out of key order was reported changed on every run.
    """
    from moto.autoscaling.models import FakeAutoScalingGroup

    prop = FakeAutoScalingGroup.tags
    if getattr(prop.fget, "_cardplatform_key_order", False):
        return

    def tags(self):  # type: ignore[no-untyped-def]
        return sorted(prop.fget(self), key=lambda tag: tag.get("Key", ""))

    tags._cardplatform_key_order = True  # type: ignore[attr-defined]
    FakeAutoScalingGroup.tags = property(tags, prop.fset)  # type: ignore[method-assign]
