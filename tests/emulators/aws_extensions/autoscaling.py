"""EC2 Auto Scaling: DisableMetricsCollection."""

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
