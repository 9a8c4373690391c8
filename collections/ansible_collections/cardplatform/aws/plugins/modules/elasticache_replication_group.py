#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: elasticache_replication_group
short_description: Manage an Amazon ElastiCache (Redis OSS / Valkey) replication group
version_added: 0.1.0
description:
  - Creates, modifies and deletes an ElastiCache replication group, with its cluster mode, shards
    (node groups) and replicas per shard, node type, engine and engine version, parameter
    group, subnet group, security groups, automatic failover, Multi-AZ, encryption in transit
    and at rest, auth token, snapshots, maintenance window, log delivery, notification topic
    and tags.
  - Every optional setting defaults to C(null), meaning I(leave it as it is) on an existing
    group and I(use the AWS default) on creation. Leaving an option out never modifies or
    replaces the group.
  - Settings AWS can change in place are changed with C(ModifyReplicationGroup),
    C(IncreaseReplicaCount), C(DecreaseReplicaCount) and
    C(ModifyReplicationGroupShardConfiguration), always with C(ApplyImmediately=true) unless
    O(apply_immediately=false).
  - Settings AWS cannot change in place (O(engine), O(cluster_mode), O(subnet_group_name),
    O(port), O(at_rest_encryption), O(kms_key_id), an O(engine_version) downgrade, and
    O(transit_encryption) on engines older than Redis OSS 7.0.5) make the module fail with a
    message naming each setting, unless O(allow_replacement=true), in which case the group is
    deleted (waiting until it is gone) and created again. Its data is lost.
  - Auth tokens cannot be read back from AWS. O(auth_token) is sent on creation, and on an
    existing group only when O(auth_token_update_strategy) is given. A re-run without
    O(auth_token_update_strategy) therefore never reports a change for the token.
  - Supports check mode (no write API is called) and diff mode (the comparable settings before
    and after; the auth token is never part of the diff).
author:
  - card-platform maintainers
options:
  state:
    description:
      - V(present) creates or updates the replication group, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  replication_group_id:
    description:
      - The replication group identifier. 1-40 lowercase letters, digits or hyphens, starting
        with a letter, no two consecutive hyphens, not ending with a hyphen (AWS rule, checked
        before any API call).
    type: str
    required: true
    aliases: [name]
  description:
    description:
      - The group's description (C(ReplicationGroupDescription)). Required by AWS on creation;
        when omitted on creation the module uses the O(replication_group_id).
    type: str
  cluster_mode:
    description:
      - Cluster mode (C(ClusterMode)). V(enabled) shards the key space across
        O(num_node_groups) shards and needs a parameter group with C(cluster-enabled=yes)
        (for example C(default.redis7.cluster.on)).
      - Changing it on an existing group needs replacement (see O(allow_replacement)).
    type: str
    choices: [enabled, disabled, compatible]
  num_node_groups:
    description:
      - Number of shards (node groups), 1-500 (C(NumNodeGroups)). Must be 1 unless
        O(cluster_mode=enabled).
      - Changed online with C(ModifyReplicationGroupShardConfiguration) (cluster mode enabled
        only); when shrinking, the first shards (by node group id) are retained.
    type: int
  replicas_per_node_group:
    description:
      - Read replicas in each shard, 0-5 (C(ReplicasPerNodeGroup)). Automatic failover and
        Multi-AZ need at least 1.
      - Changed online with C(IncreaseReplicaCount) / C(DecreaseReplicaCount).
    type: int
  node_type:
    description:
      - The cache node type, for example V(cache.r6g.large) (C(CacheNodeType)). Required on
        creation. Changed online (scaling) with C(ModifyReplicationGroup).
    type: str
  engine:
    description:
      - The engine (C(Engine)). AWS default V(redis). Changing it needs replacement.
    type: str
    choices: [redis, valkey]
  engine_version:
    description:
      - The engine version (C(EngineVersion)), for example V(7.1). A prefix matches, so V(7.1)
        is satisfied by C(7.1.0). A higher version is an online upgrade through
        C(ModifyReplicationGroup); a lower one needs replacement. AWS default is the latest.
    type: str
  parameter_group_name:
    description:
      - The cache parameter group (C(CacheParameterGroupName)). Cluster mode enabled needs one
        whose C(cluster-enabled) is C(yes), such as V(default.redis7.cluster.on). Changed online.
    type: str
  subnet_group_name:
    description:
      - The cache subnet group (C(CacheSubnetGroupName)). AWS default is the default VPC.
        Changing it needs replacement.
    type: str
  security_group_ids:
    description:
      - VPC security group IDs (C(SecurityGroupIds)). Order does not matter. Changed online.
    type: list
    elements: str
  port:
    description:
      - The port the nodes listen on (C(Port)). AWS default C(6379). Changing it needs
        replacement.
    type: int
  automatic_failover:
    description:
      - Automatic failover (C(AutomaticFailoverEnabled)). AWS default C(false) (cluster mode
        enabled groups always have it on). Needs O(replicas_per_node_group>=1) when cluster
        mode is disabled. Changed online.
    type: bool
  multi_az:
    description:
      - Multi-AZ (C(MultiAZEnabled)). AWS default C(false). Needs O(automatic_failover=true)
        and O(replicas_per_node_group>=1). Changed online.
    type: bool
  transit_encryption:
    description:
      - Encryption in transit, TLS (C(TransitEncryptionEnabled)). AWS default C(false).
      - On Redis OSS 7.0.5 and later (and Valkey) it is changed online in two steps as AWS
        requires (mode V(preferred) first, then V(required)); on older engines it needs
        replacement.
    type: bool
  transit_encryption_mode:
    description:
      - V(preferred) accepts both TLS and plain connections, V(required) only TLS
        (C(TransitEncryptionMode)). AWS default V(required) when TLS is on at creation.
        Needs O(transit_encryption=true). Changed online.
    type: str
    choices: [preferred, required]
  at_rest_encryption:
    description:
      - Encryption at rest (C(AtRestEncryptionEnabled)). AWS default C(false). Changing it
        needs replacement.
    type: bool
  kms_key_id:
    description:
      - The KMS key for encryption at rest (C(KmsKeyId)), as a key ID, key ARN, alias name or alias
        ARN. AWS default is the AWS-owned key. Needs O(at_rest_encryption=true). A value that
        is not the reported key ARN (an alias or a key ID) is resolved with C(kms:DescribeKey). Changing the
        key needs replacement.
    type: str
  auth_token:
    description:
      - The Redis AUTH token (C(AuthToken)), 16-128 printable ASCII characters without
        C(/), C(") or C(@). Needs O(transit_encryption=true). Never logged, never returned.
      - Sent on creation. On an existing group it is sent only together with
        O(auth_token_update_strategy); otherwise it is ignored (a token cannot be read back,
        so it cannot be compared).
    type: str
  auth_token_update_strategy:
    description:
      - Rotate the auth token of an existing group (C(AuthTokenUpdateStrategy)). V(ROTATE)
        adds O(auth_token) while the old token stays valid; V(SET) then makes it the only
        token; V(DELETE) removes token authentication (only when transit encryption mode is
        V(preferred)). V(ROTATE) and V(SET) always report a change because the token cannot be
        compared. V(ROTATE) and V(SET) need O(auth_token). Ignored on creation.
    type: str
    choices: [ROTATE, SET, DELETE]
  snapshot_retention_limit:
    description:
      - Days automatic snapshots are kept, 0-35; 0 turns automatic snapshots off
        (C(SnapshotRetentionLimit)). AWS default 0. Changed online.
    type: int
  snapshot_window:
    description:
      - Daily UTC time range for automatic snapshots, C(hh24:mi-hh24:mi), at least 60 minutes
        (C(SnapshotWindow)). AWS default is chosen by AWS. Changed online.
    type: str
  maintenance_window:
    description:
      - Weekly UTC maintenance window, C(ddd:hh24:mi-ddd:hh24:mi), at least 60 minutes
        (C(PreferredMaintenanceWindow)). Compared case-insensitively. AWS default is chosen by
        AWS. Changed online.
    type: str
  log_delivery:
    description:
      - Log delivery configurations (C(LogDeliveryConfigurations)). The list is the complete
        desired set; a log type present on the group and missing here is turned off. V([])
        turns all log delivery off; C(null) leaves it as it is. Changed online.
    type: list
    elements: dict
    suboptions:
      log_type:
        description: The log type.
        type: str
        required: true
        choices: [slow-log, engine-log]
      destination_type:
        description: Where to deliver the log.
        type: str
        default: cloudwatch-logs
        choices: [cloudwatch-logs, kinesis-firehose]
      destination:
        description: The CloudWatch Logs log group name or the Kinesis Data Firehose delivery stream name.
        type: str
        required: true
      log_format:
        description: The log line format.
        type: str
        default: json
        choices: [json, text]
  notification_topic_arn:
    description:
      - The SNS topic ARN that receives ElastiCache events (C(NotificationTopicArn)). Changed
        online.
    type: str
  auto_minor_version_upgrade:
    description:
      - Apply minor engine upgrades in the maintenance window (C(AutoMinorVersionUpgrade)).
        AWS default C(true). Changed online.
    type: bool
  apply_immediately:
    description:
      - Apply modifications now (C(ApplyImmediately)) rather than in the next maintenance
        window. With V(false), a pending change is reported again on the next run until AWS
        applies it.
    type: bool
    default: true
  allow_replacement:
    description:
      - Allow deleting and re-creating the group when a requested change cannot be made in
        place. All cached data is lost. With V(false) such a change fails before any write
        call with a message naming each setting.
    type: bool
    default: false
  final_snapshot_identifier:
    description:
      - On O(state=absent) (and on replacement), the name of a final snapshot to take before
        deletion (C(FinalSnapshotIdentifier)). By default no final snapshot is taken.
    type: str
  wait:
    description:
      - Wait until the group is C(available) after creation or modification, or gone after
        deletion (boto3 waiters C(replication_group_available) / C(replication_group_deleted)).
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds, for each wait. Default 3000 (50 minutes, the Terraform
        AWS provider's timeout; creation typically takes 10-20 minutes). On timeout the module
        fails with the last status seen.
    type: int
    default: 3000
  tags:
    description:
      - Tags as a dict. C(null) leaves the tags as they are. Compared with
        C(ListTagsForResource) and changed with C(AddTagsToResource) /
        C(RemoveTagsFromResource).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Ignored when O(tags) is C(null).
    type: bool
    default: true
notes:
  - "AWS APIs called: elasticache:DescribeReplicationGroups, DescribeCacheClusters,
    CreateReplicationGroup, ModifyReplicationGroup, IncreaseReplicaCount, DecreaseReplicaCount,
    ModifyReplicationGroupShardConfiguration, DeleteReplicationGroup, ListTagsForResource,
    AddTagsToResource, RemoveTagsFromResource; kms:DescribeKey (only to resolve a
    O(kms_key_id) that is not the reported key ARN). Every call is retried with jittered
    backoff on throttling."
  - Input errors (bad identifier, shards or replicas out of range, Multi-AZ without a replica,
    auth token without TLS, token format) fail before any API call.
  - Engine version, parameter group, subnet group, security groups, maintenance window and
    notification topic are not reported by C(DescribeReplicationGroups); the module reads them
    from the first member cache cluster (C(DescribeCacheClusters)).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a cluster-mode Redis 7 group, 1 shard with 2 replicas, TLS, KMS, auth token
  cardplatform.aws.elasticache_replication_group:
    replication_group_id: card-platform-production
    description: Card platform cache
    cluster_mode: enabled
    num_node_groups: 1
    replicas_per_node_group: 2
    node_type: cache.r6g.large
    engine: redis
    engine_version: "7.1"
    parameter_group_name: default.redis7.cluster.on
    subnet_group_name: card-platform-production
    security_group_ids: [sg-0123456789abcdef0]
    automatic_failover: true
    multi_az: true
    transit_encryption: true
    transit_encryption_mode: required
    at_rest_encryption: true
    kms_key_id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    auth_token: "{{ redis_auth_token }}"
    snapshot_retention_limit: 7
    snapshot_window: "03:00-04:00"
    maintenance_window: "sun:05:00-sun:06:00"
    log_delivery:
      - log_type: slow-log
        destination: /aws/elasticache/card-platform-production/slow-log
    tags:
      Project: card-platform
  no_log: true

- name: Rotate the auth token (old and new both valid), then make the new one the only one
  cardplatform.aws.elasticache_replication_group:
    replication_group_id: card-platform-production
    auth_token: "{{ new_token }}"
    auth_token_update_strategy: "{{ item }}"
  loop: [ROTATE, SET]
  no_log: true

- name: Delete the group, keeping a final snapshot
  cardplatform.aws.elasticache_replication_group:
    replication_group_id: card-platform-production
    state: absent
    final_snapshot_identifier: card-platform-production-final
"""

RETURN = r"""
replication_group:
  description:
    - The replication group as C(DescribeReplicationGroups) reports it, in snake_case, plus
      the settings read from its first member cache cluster and its tags. Empty after deletion.
    - In check mode, for a group that does not exist yet, the requested settings.
  returned: always
  type: dict
  contains:
    replication_group_id:
      description: The identifier.
      type: str
      sample: card-platform-production
    arn:
      description: The ARN.
      type: str
      sample: arn:aws:elasticache:us-east-1:111122223333:replicationgroup:card-platform-production
    status:
      description: C(creating), C(available), C(modifying), C(deleting), ...
      type: str
      sample: available
    cluster_enabled:
      description: Whether cluster mode is enabled.
      type: bool
      sample: true
    cluster_mode:
      description: C(enabled), C(disabled) or C(compatible).
      type: str
      sample: enabled
    configuration_endpoint:
      description: The cluster-mode configuration endpoint (address and port).
      type: dict
      sample: {address: clustercfg.card-platform-production.abc123.use1.cache.amazonaws.com, port: 6379}
    node_groups:
      description: The shards with their members (and, cluster mode disabled, primary/reader endpoints).
      type: list
      elements: dict
    member_clusters:
      description: The cache cluster IDs of every node.
      type: list
      elements: str
      sample: [card-platform-production-0001-001, card-platform-production-0001-002, card-platform-production-0001-003]
    cache_node_type:
      description: The node type.
      type: str
      sample: cache.r6g.large
    automatic_failover:
      description: C(enabled), C(disabled), C(enabling) or C(disabling).
      type: str
      sample: enabled
    multi_az:
      description: C(enabled) or C(disabled).
      type: str
      sample: enabled
    transit_encryption_enabled:
      description: TLS in transit.
      type: bool
      sample: true
    transit_encryption_mode:
      description: C(preferred) or C(required).
      type: str
      sample: required
    at_rest_encryption_enabled:
      description: Encryption at rest.
      type: bool
      sample: true
    kms_key_id:
      description: The KMS key ARN used at rest.
      type: str
    auth_token_enabled:
      description: Whether an auth token is set (the token itself is never returned).
      type: bool
      sample: true
    snapshot_retention_limit:
      description: Days automatic snapshots are kept.
      type: int
      sample: 7
    snapshot_window:
      description: Daily snapshot window (UTC).
      type: str
      sample: "03:00-04:00"
    log_delivery_configurations:
      description: Log delivery configurations with their status.
      type: list
      elements: dict
    engine:
      description: The engine.
      type: str
      sample: redis
    engine_version:
      description: The engine version (from the first member cache cluster).
      type: str
      sample: 7.1.0
    cache_parameter_group_name:
      description: The parameter group (from the first member cache cluster).
      type: str
      sample: default.redis7.cluster.on
    cache_subnet_group_name:
      description: The subnet group (from the first member cache cluster).
      type: str
    security_group_ids:
      description: The VPC security group IDs (from the first member cache cluster).
      type: list
      elements: str
    preferred_maintenance_window:
      description: Weekly maintenance window (from the first member cache cluster).
      type: str
      sample: sun:05:00-sun:06:00
    notification_topic_arn:
      description: The SNS topic ARN for events, if any.
      type: str
    port:
      description: The port the nodes listen on.
      type: int
      sample: 6379
    tags:
      description: The tags as a dict.
      type: dict
      sample: {Project: card-platform, Environment: production}
changes:
  description: The names of the settings that were (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
  sample: [snapshot_retention_limit, tags]
"""

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cardplatform.aws.plugins.module_utils import elasticache
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.kms import key_matches
from ansible_collections.cardplatform.aws.plugins.module_utils.versions import version_matches, version_tuple

ID_RE = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,39}(?<!-)$")
TOKEN_RE = re.compile(r'^[\x21-\x7e]{16,128}$')
# Settings AWS cannot change on an existing replication group.
REPLACEMENT_SETTINGS = ("engine", "cluster_mode", "subnet_group_name", "port", "at_rest_encryption", "kms_key_id")


class ReplicationGroupManager(elasticache.ElastiCacheResourceManager):
    """Reads, compares and changes one replication group."""

    def __init__(self, module):
        super().__init__(module, label=module.params["replication_group_id"])
        self.group_id = module.params["replication_group_id"]

    # ---- reading -------------------------------------------------------------------------
    def describe(self):
        return elasticache.describe_replication_group(self.module, self.client, self.group_id)

    def describe_member(self, group):
        members = group.get("MemberClusters") or []
        if not members:
            return {}
        clusters = self.call(
            "describe_cache_clusters", f"Failed to describe cache cluster {members[0]}", ("CacheClusterNotFound",),
            CacheClusterId=members[0],
        )
        return clusters["CacheClusters"][0] if clusters else {}

    def current_settings(self, group, member):
        """The comparable settings of an existing group, keyed like the module options."""
        node_groups = group.get("NodeGroups") or []
        replicas = sorted({len(ng.get("NodeGroupMembers") or []) - 1 for ng in node_groups})
        if group.get("ConfigurationEndpoint"):
            port = group["ConfigurationEndpoint"].get("Port")
        else:
            port = ((node_groups[0].get("PrimaryEndpoint") or {}).get("Port") if node_groups else None)
        cluster_mode = group.get("ClusterMode") or ("enabled" if group.get("ClusterEnabled") else "disabled")
        logs = []
        for config in group.get("LogDeliveryConfigurations") or []:
            if config.get("Status") in ("disabling", "error"):
                continue
            details = config.get("DestinationDetails") or {}
            destination = (details.get("CloudWatchLogsDetails") or {}).get("LogGroup") or (
                details.get("KinesisFirehoseDetails") or {}
            ).get("DeliveryStream")
            logs.append(
                dict(
                    log_type=config.get("LogType"),
                    destination_type=config.get("DestinationType"),
                    destination=destination,
                    log_format=config.get("LogFormat"),
                )
            )
        return dict(
            description=group.get("Description"),
            cluster_mode=cluster_mode,
            num_node_groups=len(node_groups),
            replicas_per_node_group=replicas[0] if len(replicas) == 1 else replicas,
            node_type=group.get("CacheNodeType"),
            engine=group.get("Engine") or member.get("Engine"),
            engine_version=member.get("EngineVersion"),
            parameter_group_name=(member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
            subnet_group_name=member.get("CacheSubnetGroupName"),
            security_group_ids=sorted(sg["SecurityGroupId"] for sg in member.get("SecurityGroups") or []),
            port=port,
            automatic_failover=group.get("AutomaticFailover") in ("enabled", "enabling"),
            multi_az=group.get("MultiAZ") == "enabled",
            transit_encryption=bool(group.get("TransitEncryptionEnabled")),
            transit_encryption_mode=group.get("TransitEncryptionMode"),
            at_rest_encryption=bool(group.get("AtRestEncryptionEnabled")),
            kms_key_id=group.get("KmsKeyId"),
            auth_token_enabled=bool(group.get("AuthTokenEnabled")),
            snapshot_retention_limit=group.get("SnapshotRetentionLimit"),
            snapshot_window=group.get("SnapshotWindow"),
            maintenance_window=member.get("PreferredMaintenanceWindow"),
            log_delivery=sorted(logs, key=lambda c: c["log_type"]),
            notification_topic_arn=(member.get("NotificationConfiguration") or {}).get("TopicArn"),
            auto_minor_version_upgrade=group.get("AutoMinorVersionUpgrade"),
        )

    def desired_log_delivery(self):
        if self.params["log_delivery"] is None:
            return None
        return sorted(
            (
                dict(
                    log_type=c["log_type"],
                    destination_type=c["destination_type"],
                    destination=c["destination"],
                    log_format=c["log_format"],
                )
                for c in self.params["log_delivery"]
            ),
            key=lambda c: c["log_type"],
        )

    # ---- comparing -----------------------------------------------------------------------
    def compare(self, current):
        """Return (replacement reasons, online changes as {setting: (current, desired)})."""
        p = self.params
        replace, online = [], {}

        def differs(name, desired, current_value):
            return desired is not None and desired != current_value

        for name in REPLACEMENT_SETTINGS:
            if name == "kms_key_id":
                if not key_matches(self.module, p["kms_key_id"], current["kms_key_id"]):
                    replace.append(f"kms_key_id ({current['kms_key_id']} -> {p['kms_key_id']})")
            elif differs(name, p[name], current[name]):
                replace.append(f"{name} ({current[name]} -> {p[name]})")
        if p["engine_version"] and not version_matches(p["engine_version"], current["engine_version"]):
            if current["engine_version"] and version_tuple(p["engine_version"]) < version_tuple(current["engine_version"]):
                replace.append(f"engine_version downgrade ({current['engine_version']} -> {p['engine_version']})")
            else:
                online["engine_version"] = (current["engine_version"], p["engine_version"])
        if differs("transit_encryption", p["transit_encryption"], current["transit_encryption"]):
            engine = p["engine"] or current["engine"]
            version = current["engine_version"] or "0"
            if engine == "redis" and version_tuple(version) < (7, 0, 5):
                replace.append(
                    f"transit_encryption ({current['transit_encryption']} -> {p['transit_encryption']}; "
                    f"changing it online needs Redis OSS 7.0.5 or later, the group runs {version})"
                )
            else:
                online["transit_encryption"] = (current["transit_encryption"], p["transit_encryption"])
        if (
            p["transit_encryption_mode"]
            and (p["transit_encryption"] if p["transit_encryption"] is not None else current["transit_encryption"])
            and p["transit_encryption_mode"] != current["transit_encryption_mode"]
        ):
            online["transit_encryption_mode"] = (current["transit_encryption_mode"], p["transit_encryption_mode"])
        for name in (
            "description",
            "node_type",
            "parameter_group_name",
            "automatic_failover",
            "multi_az",
            "snapshot_retention_limit",
            "snapshot_window",
            "notification_topic_arn",
            "auto_minor_version_upgrade",
            "num_node_groups",
            "replicas_per_node_group",
        ):
            if differs(name, p[name], current[name]):
                online[name] = (current[name], p[name])
        if p["security_group_ids"] is not None and sorted(set(p["security_group_ids"])) != current["security_group_ids"]:
            online["security_group_ids"] = (current["security_group_ids"], sorted(set(p["security_group_ids"])))
        if p["maintenance_window"] is not None and p["maintenance_window"].lower() != (
            current["maintenance_window"] or ""
        ).lower():
            online["maintenance_window"] = (current["maintenance_window"], p["maintenance_window"])
        logs = self.desired_log_delivery()
        if logs is not None and logs != current["log_delivery"]:
            online["log_delivery"] = (current["log_delivery"], logs)
        if "num_node_groups" in online and (p["cluster_mode"] or current["cluster_mode"]) != "enabled":
            replace.append(f"num_node_groups ({current['num_node_groups']} -> {p['num_node_groups']}; resharding needs cluster mode enabled)")
            del online["num_node_groups"]
        return replace, online

    # ---- writing -------------------------------------------------------------------------
    def wait(self, waiter_name):
        if not self.params["wait"]:
            return

        def failed(error):
            if hasattr(error, "last_response"):  # WaiterError
                return f"Timed out after {self.params['wait_timeout']} s waiting for {self.group_id} ({waiter_name})"
            return f"Failed waiting for {self.group_id} ({waiter_name})"

        self.wait_for(waiter_name, 15, failed, ReplicationGroupId=self.group_id)

    def create_params(self):
        p = self.params
        params = dict(
            ReplicationGroupId=self.group_id,
            ReplicationGroupDescription=p["description"] or self.group_id,
            CacheNodeType=p["node_type"],
            NumNodeGroups=p["num_node_groups"] if p["num_node_groups"] is not None else 1,
            ReplicasPerNodeGroup=p["replicas_per_node_group"] if p["replicas_per_node_group"] is not None else 0,
        )
        optional = dict(
            ClusterMode=p["cluster_mode"],
            Engine=p["engine"],
            EngineVersion=p["engine_version"],
            CacheParameterGroupName=p["parameter_group_name"],
            CacheSubnetGroupName=p["subnet_group_name"],
            SecurityGroupIds=p["security_group_ids"],
            Port=p["port"],
            AutomaticFailoverEnabled=p["automatic_failover"],
            MultiAZEnabled=p["multi_az"],
            TransitEncryptionEnabled=p["transit_encryption"],
            TransitEncryptionMode=p["transit_encryption_mode"] if p["transit_encryption"] else None,
            AtRestEncryptionEnabled=p["at_rest_encryption"],
            KmsKeyId=p["kms_key_id"],
            AuthToken=p["auth_token"],
            SnapshotRetentionLimit=p["snapshot_retention_limit"],
            SnapshotWindow=p["snapshot_window"],
            PreferredMaintenanceWindow=p["maintenance_window"],
            NotificationTopicArn=p["notification_topic_arn"],
            AutoMinorVersionUpgrade=p["auto_minor_version_upgrade"],
        )
        params.update({k: v for k, v in optional.items() if v is not None})
        if p["log_delivery"]:
            params["LogDeliveryConfigurations"] = [self.log_config(c) for c in self.desired_log_delivery()]
        if p["tags"]:
            params["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
        return params

    @staticmethod
    def log_config(config, enabled=True):
        if not enabled:
            return dict(LogType=config["log_type"], Enabled=False)
        if config["destination_type"] == "cloudwatch-logs":
            details = {"CloudWatchLogsDetails": {"LogGroup": config["destination"]}}
        else:
            details = {"KinesisFirehoseDetails": {"DeliveryStream": config["destination"]}}
        return dict(
            LogType=config["log_type"],
            DestinationType=config["destination_type"],
            DestinationDetails=details,
            LogFormat=config["log_format"],
            Enabled=True,
        )

    def create(self):
        self.call("create_replication_group", "Failed to create replication group", **self.create_params())
        self.wait("replication_group_available")

    def delete(self, group):
        if group["Status"] != "deleting":
            if group["Status"] != "available":
                self.wait("replication_group_available")
            params = dict(ReplicationGroupId=self.group_id, RetainPrimaryCluster=False)
            if self.params["final_snapshot_identifier"]:
                params["FinalSnapshotIdentifier"] = self.params["final_snapshot_identifier"]
            self.call("delete_replication_group", "Failed to delete replication group", **params)
        self.wait("replication_group_deleted")

    def modify(self, current, online):
        p = self.params
        apply_now = p["apply_immediately"]
        base = dict(ReplicationGroupId=self.group_id, ApplyImmediately=apply_now)
        # Replicas up first and shards next, so Multi-AZ / failover can be enabled afterwards;
        # replicas down last, after Multi-AZ has been turned off when asked.
        if "replicas_per_node_group" in online and not isinstance(current["replicas_per_node_group"], int):
            low = min(current["replicas_per_node_group"])
        else:
            low = current["replicas_per_node_group"]
        want_replicas = p["replicas_per_node_group"]
        if "replicas_per_node_group" in online and want_replicas > low:
            self.call("increase_replica_count", "Failed to increase the replica count", NewReplicaCount=want_replicas, **base)
            self.wait("replication_group_available")
        if "num_node_groups" in online:
            params = dict(base, NodeGroupCount=p["num_node_groups"], ApplyImmediately=True)
            if p["num_node_groups"] < current["num_node_groups"]:
                group = self.describe()
                ids = sorted(ng["NodeGroupId"] for ng in group["NodeGroups"])
                params["NodeGroupsToRetain"] = ids[: p["num_node_groups"]]
            self.call("modify_replication_group_shard_configuration", "Failed to change the shard count", **params)
            self.wait("replication_group_available")

        modify = {}
        mapping = dict(
            description="ReplicationGroupDescription",
            node_type="CacheNodeType",
            engine_version="EngineVersion",
            parameter_group_name="CacheParameterGroupName",
            security_group_ids="SecurityGroupIds",
            automatic_failover="AutomaticFailoverEnabled",
            multi_az="MultiAZEnabled",
            snapshot_retention_limit="SnapshotRetentionLimit",
            snapshot_window="SnapshotWindow",
            maintenance_window="PreferredMaintenanceWindow",
            notification_topic_arn="NotificationTopicArn",
            auto_minor_version_upgrade="AutoMinorVersionUpgrade",
        )
        for name, api_name in mapping.items():
            if name in online:
                modify[api_name] = online[name][1]
        if "log_delivery" in online:
            wanted = {c["log_type"]: c for c in online["log_delivery"][1]}
            configs = [self.log_config(c) for c in wanted.values() if c not in online["log_delivery"][0]]
            configs += [self.log_config(c, enabled=False) for c in online["log_delivery"][0] if c["log_type"] not in wanted]
            modify["LogDeliveryConfigurations"] = configs
        strategy = p["auth_token_update_strategy"]
        if strategy in ("ROTATE", "SET") or (strategy == "DELETE" and current["auth_token_enabled"]):
            modify["AuthTokenUpdateStrategy"] = strategy
            if strategy != "DELETE":
                modify["AuthToken"] = p["auth_token"]

        # TLS: AWS turns it on only through mode "preferred" and off only from "preferred".
        tls_steps = []
        if "transit_encryption" in online:
            if p["transit_encryption"]:
                modify.update(TransitEncryptionEnabled=True, TransitEncryptionMode="preferred")
                if (p["transit_encryption_mode"] or "required") == "required":
                    tls_steps.append(dict(TransitEncryptionMode="required"))
            else:
                if current["transit_encryption_mode"] == "required":
                    modify["TransitEncryptionMode"] = "preferred"
                    tls_steps.append(dict(TransitEncryptionEnabled=False))
                else:
                    modify["TransitEncryptionEnabled"] = False
        elif "transit_encryption_mode" in online:
            modify["TransitEncryptionMode"] = p["transit_encryption_mode"]

        if modify:
            self.call("modify_replication_group", "Failed to modify replication group", **base, **modify)
            self.wait("replication_group_available")
        for step in tls_steps:
            self.call("modify_replication_group", "Failed to change encryption in transit", **base, **step)
            self.wait("replication_group_available")
        if "replicas_per_node_group" in online and want_replicas < (
            max(current["replicas_per_node_group"]) if isinstance(current["replicas_per_node_group"], list) else low
        ):
            self.call("decrease_replica_count", "Failed to decrease the replica count", NewReplicaCount=want_replicas, **base)
            self.wait("replication_group_available")

    # ---- result ----------------------------------------------------------------------------
    def result(self, group=None):
        group = group or self.describe()
        if not group:
            return {}
        member = self.describe_member(group)
        result = camel_dict_to_snake_dict(group)
        result.update(
            engine_version=member.get("EngineVersion"),
            cache_parameter_group_name=(member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
            cache_subnet_group_name=member.get("CacheSubnetGroupName"),
            security_group_ids=[sg["SecurityGroupId"] for sg in member.get("SecurityGroups") or []],
            preferred_maintenance_window=member.get("PreferredMaintenanceWindow"),
            notification_topic_arn=(member.get("NotificationConfiguration") or {}).get("TopicArn"),
            port=(group.get("ConfigurationEndpoint") or {}).get("Port")
            or ((group.get("NodeGroups") or [{}])[0].get("PrimaryEndpoint") or {}).get("Port"),
            tags=self.list_tags(group["ARN"]),
        )
        result.setdefault("engine", member.get("Engine"))
        return result

    def requested_settings(self):
        p = self.params
        settings = {
            name: p[name]
            for name in (
                "description", "cluster_mode", "num_node_groups", "replicas_per_node_group", "node_type", "engine",
                "engine_version", "parameter_group_name", "subnet_group_name", "port", "automatic_failover",
                "multi_az", "transit_encryption", "transit_encryption_mode", "at_rest_encryption", "kms_key_id",
                "snapshot_retention_limit", "snapshot_window", "maintenance_window", "notification_topic_arn",
                "auto_minor_version_upgrade",
            )
            if p[name] is not None
        }
        if p["security_group_ids"] is not None:
            settings["security_group_ids"] = sorted(set(p["security_group_ids"]))
        if p["log_delivery"] is not None:
            settings["log_delivery"] = self.desired_log_delivery()
        if p["auth_token"]:
            settings["auth_token_enabled"] = True
        if p["tags"] is not None:
            settings["tags"] = p["tags"]
        return settings


def validate(module):
    """Input checks that need no API call."""
    p = module.params
    errors = []
    if not ID_RE.match(p["replication_group_id"]):
        errors.append(
            "replication_group_id must be 1-40 lowercase letters, digits or hyphens, start with a letter, "
            "and contain no '--' nor end with '-'"
        )
    if p["state"] == "absent":
        if errors:
            module.fail_json(msg="; ".join(errors))
        return
    if p["num_node_groups"] is not None and not 1 <= p["num_node_groups"] <= 500:
        errors.append(f"num_node_groups must be between 1 and 500, got {p['num_node_groups']}")
    if p["num_node_groups"] is not None and p["num_node_groups"] > 1 and p["cluster_mode"] not in (None, "enabled"):
        errors.append("num_node_groups > 1 needs cluster_mode=enabled")
    if p["replicas_per_node_group"] is not None and not 0 <= p["replicas_per_node_group"] <= 5:
        errors.append(f"replicas_per_node_group must be between 0 and 5, got {p['replicas_per_node_group']}")
    if p["multi_az"] and p["automatic_failover"] is False:
        errors.append("multi_az=true needs automatic_failover=true")
    if (p["multi_az"] or p["automatic_failover"]) and p["replicas_per_node_group"] == 0:
        errors.append("multi_az and automatic_failover need replicas_per_node_group >= 1 (a shard without a replica cannot fail over)")
    if p["cluster_mode"] == "enabled" and p["automatic_failover"] is False:
        errors.append("cluster_mode=enabled needs automatic_failover=true (AWS does not allow it off)")
    if p["transit_encryption_mode"] and p["transit_encryption"] is False:
        errors.append("transit_encryption_mode needs transit_encryption=true")
    if p["kms_key_id"] and p["at_rest_encryption"] is False:
        errors.append("kms_key_id needs at_rest_encryption=true")
    if p["auth_token"] is not None:
        if not TOKEN_RE.match(p["auth_token"]) or any(c in p["auth_token"] for c in '/"@'):
            errors.append("auth_token must be 16-128 printable ASCII characters without '/', '\"' or '@'")
        if p["transit_encryption"] is False:
            errors.append("auth_token needs transit_encryption=true")
    if p["auth_token_update_strategy"] in ("ROTATE", "SET") and not p["auth_token"]:
        errors.append(f"auth_token_update_strategy={p['auth_token_update_strategy']} needs auth_token")
    if p["snapshot_retention_limit"] is not None and not 0 <= p["snapshot_retention_limit"] <= 35:
        errors.append(f"snapshot_retention_limit must be between 0 and 35 days, got {p['snapshot_retention_limit']}")
    if p["wait_timeout"] < 1:
        errors.append("wait_timeout must be a positive number of seconds")
    if errors:
        module.fail_json(msg="; ".join(errors))


def ensure_present(module, manager):
    p = module.params
    group = manager.describe()
    if group is None:
        if not p["node_type"]:
            module.fail_json(msg=f"node_type is required to create replication group {manager.group_id}")
        diff = dict(before={}, after=manager.requested_settings())
        if module.check_mode:
            return True, dict(manager.requested_settings(), replication_group_id=manager.group_id), ["create"], diff
        manager.create()
        return True, manager.result(), ["create"], diff

    if group["Status"] == "deleting":
        module.fail_json(msg=f"Replication group {manager.group_id} is being deleted; run again once it is gone")
    if group["Status"] != "available" and not module.check_mode:
        manager.wait("replication_group_available")
        group = manager.describe()
    member = manager.describe_member(group)
    current = manager.current_settings(group, member)
    current_tags = manager.list_tags(group["ARN"])
    before = dict(current, tags=current_tags)
    replace, online = manager.compare(current)

    if replace:
        if not p["allow_replacement"]:
            module.fail_json(
                msg=(
                    f"Replication group {manager.group_id} cannot be changed in place: " + "; ".join(replace)
                    + ". AWS needs a new replication group for this, which loses the cached data. "
                    "Set allow_replacement=true to delete and re-create it, or keep the current values."
                ),
                replacement_needed=replace,
            )
        after = dict(before, **manager.requested_settings())
        if module.check_mode:
            return True, manager.result(group), ["replace"], dict(before=before, after=after)
        manager.delete(group)
        manager.create()
        return True, manager.result(), ["replace"], dict(before=before, after=after)

    if p["auth_token"] and p["auth_token_update_strategy"] is None and not current["auth_token_enabled"]:
        module.warn(
            "auth_token is ignored on an existing replication group unless auth_token_update_strategy "
            "is ROTATE or SET; this group has no auth token"
        )
    strategy = p["auth_token_update_strategy"]
    token_change = strategy in ("ROTATE", "SET") or (strategy == "DELETE" and current["auth_token_enabled"])
    changes = sorted(online)
    if token_change:
        changes.append("auth_token")
    after = dict(before)
    after.update({name: values[1] for name, values in online.items()})
    if token_change:
        after["auth_token_enabled"] = strategy != "DELETE"

    if (online or token_change) and not module.check_mode:
        manager.modify(current, online)
    to_add, to_remove, after["tags"] = manager.sync_tags(group["ARN"], current_tags)
    if to_add or to_remove:
        changes.append("tags")
    if module.check_mode or not changes:
        return bool(changes), manager.result(group), changes, dict(before=before, after=after)
    return True, manager.result(), changes, dict(before=before, after=after)


def ensure_absent(module, manager):
    group = manager.describe()
    if group is None:
        return False, {}, [], dict(before={}, after={})
    diff = dict(before=dict(replication_group_id=manager.group_id, status=group["Status"]), after={})
    if not module.check_mode:
        manager.delete(group)
    return True, {}, ["delete"], diff


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        replication_group_id=dict(type="str", required=True, aliases=["name"]),
        description=dict(type="str"),
        cluster_mode=dict(type="str", choices=["enabled", "disabled", "compatible"]),
        num_node_groups=dict(type="int"),
        replicas_per_node_group=dict(type="int"),
        node_type=dict(type="str"),
        engine=dict(type="str", choices=["redis", "valkey"]),
        engine_version=dict(type="str"),
        parameter_group_name=dict(type="str"),
        subnet_group_name=dict(type="str"),
        security_group_ids=dict(type="list", elements="str"),
        port=dict(type="int"),
        automatic_failover=dict(type="bool"),
        multi_az=dict(type="bool"),
        transit_encryption=dict(type="bool"),
        transit_encryption_mode=dict(type="str", choices=["preferred", "required"]),
        at_rest_encryption=dict(type="bool"),
        kms_key_id=dict(type="str"),
        auth_token=dict(type="str", no_log=True),
        auth_token_update_strategy=dict(type="str", choices=["ROTATE", "SET", "DELETE"]),
        snapshot_retention_limit=dict(type="int"),
        snapshot_window=dict(type="str"),
        maintenance_window=dict(type="str"),
        log_delivery=dict(
            type="list",
            elements="dict",
            options=dict(
                log_type=dict(type="str", required=True, choices=["slow-log", "engine-log"]),
                destination_type=dict(type="str", default="cloudwatch-logs", choices=["cloudwatch-logs", "kinesis-firehose"]),
                destination=dict(type="str", required=True),
                log_format=dict(type="str", default="json", choices=["json", "text"]),
            ),
        ),
        notification_topic_arn=dict(type="str"),
        auto_minor_version_upgrade=dict(type="bool"),
        apply_immediately=dict(type="bool", default=True),
        allow_replacement=dict(type="bool", default=False),
        final_snapshot_identifier=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3000),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    manager = ReplicationGroupManager(module)
    if module.params["state"] == "present":
        changed, group, changes, diff = ensure_present(module, manager)
    else:
        changed, group, changes, diff = ensure_absent(module, manager)
    exit_with_diff(module, diff, changed=changed, replication_group=group, changes=changes)


if __name__ == "__main__":
    main()
