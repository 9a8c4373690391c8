"""Extensions to moto for behaviours the roles rely on and moto 5.2.5 lacks.

Each extension is a small, named function in its AWS service's module (``autoscaling``, ``cloudtrail``, ``cloudwatch``, ``dynamodb``,
``ec2``, ``eks``, ``elasticache``, ``iam``, ``kms``, ``mq``, ``rds``; shared helpers in ``common``), listed in
``EXTENSIONS`` and applied once before the server starts. Keep them stateful and shaped like
the real AWS responses; they are test infrastructure, never product code.

Every extension and constant is importable from this package under its own name
(``aws_extensions.eks_cluster_updates()``), as the unit tests of the collection call them.
"""

from __future__ import annotations

from typing import Callable

from .autoscaling import autoscaling_disable_metrics_collection, autoscaling_group_tags_in_key_order
from .cloudtrail import (  # noqa: F401 - CLOUDTRAIL_DEFAULT_EVENT_SELECTORS is a public name
    CLOUDTRAIL_DEFAULT_EVENT_SELECTORS,
    cloudtrail_default_event_selectors,
    cloudtrail_delete_trail_by_arn,
    cloudtrail_describe_trails_by_name,
)
from .cloudwatch import cloudwatch_composite_alarms
from .dynamodb import dynamodb_atomic_conditional_writes
from .ec2 import (
    ec2_interface_endpoint_private_dns_default,
    ec2_launch_template_tags_stay_on_the_template,
    ec2_nat_gateway_tag_resource_type,
    ec2_security_group_rule_description_return,
)
from .eks import (  # noqa: F401 - the catalogue constants are public names of this package
    EKS_ADDON_CATALOGUE,
    EKS_ADDON_CLUSTER_VERSIONS,
    eks_addons_and_access_entries,
    eks_cluster_security_group_deleted_with_cluster,
    eks_cluster_updates,
    eks_list_nodegroups_missing_cluster,
    eks_nodegroup_instances,
    eks_nodegroup_update_config_at_creation,
)
from .eks import _nodegroup_nodes as nodegroup_nodes  # noqa: F401 - the control API's node list, not an extension
from .elasticache import (  # noqa: F401 - ELASTICACHE_DEFAULT_PARAMETER_GROUPS is a public name
    ELASTICACHE_DEFAULT_PARAMETER_GROUPS,
    elasticache_default_parameter_groups,
    elasticache_replication_group_fidelity,
    elasticache_test_failover,
)
from .iam import AWS_MANAGED_POLICIES, iam_aws_managed_policies, iam_oidc_provider_client_ids  # noqa: F401
from .kms import kms_key_deletion_by_arn
from .mq import (  # noqa: F401 - MQ_RABBITMQ_DEFAULT_CONFIGURATION is a public name
    MQ_RABBITMQ_DEFAULT_CONFIGURATION,
    mq_rabbitmq_configurations,
    mq_rabbitmq_rules,
    mq_update_broker_pending,
)
from .rds import (
    rds_disaster_recovery_fidelity,
    rds_gp3_baseline,
    rds_managed_master_password_rules,
    rds_parameter_group_fidelity,
    rds_performance_insights,
)

# In the order apply() runs them. An extension that wraps what another installed comes after
# it: rds_gp3_baseline wraps rds_performance_insights' DBInstance.__init__,
# mq_rabbitmq_configurations wraps mq_rabbitmq_rules' CreateBroker, eks_addons_and_access_entries
# wraps eks_cluster_updates' CreateCluster and UpdateClusterConfig (and
# aws_realism.install_lifecycle(), called after apply(), wraps them all).
EXTENSIONS: list[Callable[[], None]] = [
    elasticache_replication_group_fidelity,
    rds_performance_insights,
    rds_gp3_baseline,
    mq_rabbitmq_rules,
    rds_parameter_group_fidelity,
    ec2_nat_gateway_tag_resource_type,
    iam_aws_managed_policies,
    ec2_security_group_rule_description_return,
    kms_key_deletion_by_arn,
    eks_cluster_updates,
    ec2_launch_template_tags_stay_on_the_template,
    eks_nodegroup_update_config_at_creation,
    iam_oidc_provider_client_ids,
    rds_disaster_recovery_fidelity,
    elasticache_test_failover,
    eks_cluster_security_group_deleted_with_cluster,
    eks_list_nodegroups_missing_cluster,
    eks_addons_and_access_entries,
    ec2_interface_endpoint_private_dns_default,
    mq_update_broker_pending,
    rds_managed_master_password_rules,
    elasticache_default_parameter_groups,
    mq_rabbitmq_configurations,
    dynamodb_atomic_conditional_writes,
    eks_nodegroup_instances,
    autoscaling_disable_metrics_collection,
    autoscaling_group_tags_in_key_order,
    cloudwatch_composite_alarms,
    cloudtrail_describe_trails_by_name,
    cloudtrail_default_event_selectors,
    cloudtrail_delete_trail_by_arn,
]


def extension(func: Callable[[], None]) -> Callable[[], None]:
    """Register one more extension, applied after those above."""
    EXTENSIONS.append(func)
    return func


def apply() -> None:
    for func in EXTENSIONS:
        func()
