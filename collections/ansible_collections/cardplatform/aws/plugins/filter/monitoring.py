# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the monitoring role: the CloudWatch alarms it keeps (cardplatform.aws.cloudwatch_metric_alarms'
``alarms``), the rule of its composite alarm and its dashboard body, from the role's inputs and the
upstream roles' resource IDs (roles/monitoring/vars/main.yml gathers them in ``monitoring__plan``)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.reports import drift_resource

GIB = 1024 ** 3
MIB = 1024 ** 2
# RDS for PostgreSQL's default: max_connections = LEAST({DBInstanceClassMemory/9531392}, 5000).
RDS_PG_BYTES_PER_CONNECTION = 9531392
RDS_PG_MAX_CONNECTIONS = 5000


def rds_max_connections(memory_gib):
    """max_connections RDS for PostgreSQL derives from an instance class's memory (GiB)."""
    try:
        memory = float(memory_gib)
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"rds_max_connections: memory in GiB expected, got {memory_gib!r}") from error
    return min(int(memory * GIB // RDS_PG_BYTES_PER_CONNECTION), RDS_PG_MAX_CONNECTIONS)


def _alarm(plan, key, name, description, threshold, comparison, **metric):
    return {"key": key, "name": f"{plan['prefix']}-{name}", "description": description, "threshold": float(threshold),
            "comparison": comparison, "evaluation_periods": plan["evaluation_periods"],
            "treat_missing_data": metric.pop("treat_missing_data", "missing"), **metric}


def _single(plan, namespace, metric_name, dimensions, statistic="Average"):
    return {"namespace": namespace, "metric_name": metric_name, "statistic": statistic, "period": plan["period"],
            "dimensions": dimensions}


def _stat(plan, namespace, metric_name, dimensions, stat):
    return {"period": plan["period"], "stat": stat, "metric": {
        "namespace": namespace, "metric_name": metric_name,
        "dimensions": [{"name": k, "value": v} for k, v in sorted(dimensions.items())]}}


def _rds(plan):
    rds, out = plan["rds"], []
    if not rds["instance_identifier"]:
        return out
    dims = {"DBInstanceIdentifier": rds["instance_identifier"]}
    writer = rds["instance_identifier"]
    connections = rds["max_connections"] * rds["connections_percent"] / 100.0
    out += [
        _alarm(plan, "rds_cpu", "rds-writer-cpu", f"RDS writer {writer}: CPU >= {rds['cpu_percent']} %",
               rds["cpu_percent"], "GreaterThanOrEqualToThreshold", **_single(plan, "AWS/RDS", "CPUUtilization", dims)),
        _alarm(plan, "rds_connections", "rds-writer-connections",
               f"RDS writer {writer}: connections >= {rds['connections_percent']} % of max_connections {rds['max_connections']}",
               round(connections, 1), "GreaterThanOrEqualToThreshold", **_single(plan, "AWS/RDS", "DatabaseConnections", dims, "Maximum")),
        _alarm(plan, "rds_free_storage", "rds-writer-free-storage", f"RDS writer {writer}: free storage < {rds['free_storage_gib']} GiB",
               rds["free_storage_gib"] * GIB, "LessThanThreshold", **_single(plan, "AWS/RDS", "FreeStorageSpace", dims, "Minimum")),
        _alarm(plan, "rds_freeable_memory", "rds-writer-freeable-memory",
               f"RDS writer {writer}: freeable memory < {rds['freeable_memory_mib']} MiB",
               rds["freeable_memory_mib"] * MIB, "LessThanThreshold", **_single(plan, "AWS/RDS", "FreeableMemory", dims, "Minimum")),
    ]
    if rds["replica_identifier"]:
        out.append(_alarm(plan, "rds_replica_lag", "rds-replica-lag",
                          f"RDS read replica {rds['replica_identifier']}: lag >= {rds['replica_lag_seconds']} s",
                          rds["replica_lag_seconds"], "GreaterThanOrEqualToThreshold",
                          **_single(plan, "AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": rds["replica_identifier"]}, "Maximum")))
    return out


def _elasticache(plan):
    cache, out = plan["elasticache"], []
    for node in cache["member_clusters"]:
        dims = {"CacheClusterId": node}
        out += [
            _alarm(plan, "elasticache_hit_rate", f"elasticache-{node}-hit-rate",
                   f"ElastiCache {node}: hit rate < {cache['hit_rate_percent']} % (CacheHits / (CacheHits + CacheMisses))",
                   cache["hit_rate_percent"], "LessThanThreshold", treat_missing_data="notBreaching", metrics=[
                       {"id": "hits", "return_data": False, "metric_stat": _stat(plan, "AWS/ElastiCache", "CacheHits", dims, "Sum")},
                       {"id": "misses", "return_data": False, "metric_stat": _stat(plan, "AWS/ElastiCache", "CacheMisses", dims, "Sum")},
                       {"id": "hit_rate", "expression": "100 * hits / (hits + misses)", "label": "Hit rate (%)", "return_data": True}]),
            _alarm(plan, "elasticache_engine_cpu", f"elasticache-{node}-engine-cpu",
                   f"ElastiCache {node}: engine CPU >= {cache['engine_cpu_percent']} %", cache["engine_cpu_percent"],
                   "GreaterThanOrEqualToThreshold", **_single(plan, "AWS/ElastiCache", "EngineCPUUtilization", dims)),
            _alarm(plan, "elasticache_memory", f"elasticache-{node}-memory",
                   f"ElastiCache {node}: memory used >= {cache['memory_percent']} %", cache["memory_percent"],
                   "GreaterThanOrEqualToThreshold", **_single(plan, "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", dims, "Maximum")),
            _alarm(plan, "elasticache_evictions", f"elasticache-{node}-evictions",
                   f"ElastiCache {node}: evictions > {cache['evictions']} per period", cache["evictions"],
                   "GreaterThanThreshold", **_single(plan, "AWS/ElastiCache", "Evictions", dims, "Sum")),
            # Only replicas publish ReplicationLag: the primary's alarm sees no data and stays OK.
            _alarm(plan, "elasticache_replication_lag", f"elasticache-{node}-replication-lag",
                   f"ElastiCache {node}: replication lag >= {cache['replication_lag_seconds']} s", cache["replication_lag_seconds"],
                   "GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching",
                   **_single(plan, "AWS/ElastiCache", "ReplicationLag", dims, "Maximum")),
        ]
    return out


def _amazonmq(plan):
    mq = plan["amazonmq"]
    if not mq["broker_name"]:
        return []
    dims = {"Broker": mq["broker_name"]}
    return [
        _alarm(plan, "amazonmq_memory", "amazonmq-memory",
               f"Amazon MQ {mq['broker_name']}: memory used >= {mq['memory_percent']} % of the RabbitMQ memory limit",
               mq["memory_percent"], "GreaterThanOrEqualToThreshold", metrics=[
                   {"id": "used", "return_data": False, "metric_stat": _stat(plan, "AWS/AmazonMQ", "RabbitMQMemUsed", dims, "Maximum")},
                   {"id": "limit", "return_data": False, "metric_stat": _stat(plan, "AWS/AmazonMQ", "RabbitMQMemLimit", dims, "Maximum")},
                   {"id": "memory", "expression": "100 * used / limit", "label": "Memory used (% of limit)", "return_data": True}]),
        _alarm(plan, "amazonmq_disk_free", "amazonmq-disk-free", f"Amazon MQ {mq['broker_name']}: free disk < {mq['disk_free_gib']} GiB",
               mq["disk_free_gib"] * GIB, "LessThanThreshold", **_single(plan, "AWS/AmazonMQ", "RabbitMQDiskFree", dims, "Minimum")),
        _alarm(plan, "amazonmq_queue_depth", "amazonmq-queue-depth",
               f"Amazon MQ {mq['broker_name']}: messages in the queues >= {mq['queue_depth']}", mq["queue_depth"],
               "GreaterThanOrEqualToThreshold", **_single(plan, "AWS/AmazonMQ", "MessageCount", dims, "Maximum")),
    ]


def _all(plan):
    if not isinstance(plan, dict):
        raise AnsibleFilterError("monitoring: the monitoring plan (a dict, monitoring__plan) expected")
    return _rds(plan) + _elasticache(plan) + _amazonmq(plan)


def monitoring_alarms(plan):
    """The metric alarms of the plan, in a stable order: cardplatform.aws.cloudwatch_metric_alarms' ``alarms``."""
    return [{k: v for k, v in alarm.items() if k != "key"} for alarm in _all(plan)]


def monitoring_composite_rule(plan, kinds):
    """ALARM("a") OR ALARM("b") ... over the plan's alarms whose kind is in ``kinds`` ('' when there is none)."""
    return " OR ".join(f'ALARM("{a["name"]}")' for a in _all(plan) if a["key"] in kinds)


def _metric_widget(title, metrics, x, y, region, annotation=None, width=8):
    props = {"title": title, "region": region, "view": "timeSeries", "stat": "Average", "period": 300, "metrics": metrics}
    if annotation is not None:
        props["annotations"] = {"horizontal": [annotation]}
    return {"type": "metric", "x": x, "y": y, "width": width, "height": 6, "properties": props}


def monitoring_dashboard(plan, alarm_arns, composite_arn, region):
    """The dashboard body: the design's targets table, the alarms' states, and one graph per target."""
    rds, cache, mq = plan["rds"], plan["elasticache"], plan["amazonmq"]
    table = "\n".join([
        "# Card platform targets", "",
        "| Target | Objective | Where |", "|---|---|---|",
        "| JIT authorization latency | p99 < 100 ms | Prometheus (Kubernetes half of issue #19) |",
        "| API latency | p95 < 200 ms | Prometheus / ALB TargetResponseTime |",
        f"| Database connections | < {rds['connections_percent']} % of max_connections ({rds['max_connections']}) | "
        "RDS DatabaseConnections |",
        f"| Redis hit rate | > {cache['hit_rate_percent']} % | ElastiCache CacheHits / (CacheHits + CacheMisses) |",
        "| Pod CPU | 60-80 % | Kubernetes HPA |",
        f"| Broker memory | < {mq['memory_percent']} % of the limit | Amazon MQ RabbitMQMemUsed / RabbitMQMemLimit |",
    ])
    widgets = [{"type": "text", "x": 0, "y": 0, "width": 16, "height": 7, "properties": {"markdown": table}}]
    arns = [a for a in alarm_arns if a]
    if composite_arn:
        arns = [composite_arn] + arns
    if arns:
        widgets.append({"type": "alarm", "x": 16, "y": 0, "width": 8, "height": 7,
                        "properties": {"title": "Alarms", "alarms": arns[:100], "sortBy": "stateUpdatedTimestamp"}})
    y = 7
    if rds["instance_identifier"]:
        dim = ["DBInstanceIdentifier", rds["instance_identifier"]]
        threshold = round(rds["max_connections"] * rds["connections_percent"] / 100.0, 1)
        widgets += [
            _metric_widget("Database connections", [["AWS/RDS", "DatabaseConnections", *dim]], 0, y, region,
                           {"label": f"{rds['connections_percent']} % of max_connections", "value": threshold}),
            _metric_widget("Database CPU (%)", [["AWS/RDS", "CPUUtilization", *dim]], 8, y, region,
                           {"label": "alarm", "value": rds["cpu_percent"]}),
            _metric_widget("Database free storage (bytes)", [["AWS/RDS", "FreeStorageSpace", *dim]], 16, y, region),
        ]
        y += 6
    if cache["member_clusters"]:
        hits = [["AWS/ElastiCache", "CacheHits", "CacheClusterId", n, {"id": f"h{i}", "visible": False, "stat": "Sum"}]
                for i, n in enumerate(cache["member_clusters"])]
        misses = [["AWS/ElastiCache", "CacheMisses", "CacheClusterId", n, {"id": f"m{i}", "visible": False, "stat": "Sum"}]
                  for i, n in enumerate(cache["member_clusters"])]
        rate = [{"expression": "100 * SUM([" + ",".join(f"h{i}" for i in range(len(hits))) + "]) / (SUM(["
                 + ",".join(f"h{i}" for i in range(len(hits))) + "]) + SUM([" + ",".join(f"m{i}" for i in range(len(misses)))
                 + "]))", "label": "Hit rate (%)", "id": "rate"}]
        widgets += [
            _metric_widget("Redis hit rate (%)", [*hits, *misses, rate], 0, y, region,
                           {"label": "target", "value": cache["hit_rate_percent"]}),
            _metric_widget("Redis engine CPU (%)", [["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", n]
                                                     for n in cache["member_clusters"]], 8, y, region),
            _metric_widget("Redis memory used (%)", [["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", n]
                                                      for n in cache["member_clusters"]], 16, y, region),
        ]
        y += 6
    if mq["broker_name"]:
        widgets.append(_metric_widget("Broker queue depth", [["AWS/AmazonMQ", "MessageCount", "Broker", mq["broker_name"]]],
                                      0, y, region, {"label": "alarm", "value": mq["queue_depth"]}, width=24))
    return {"widgets": widgets}


def monitoring_alarm_drift(result):
    """One drift resource (plugins/filter/reports.py) of an entry of cloudwatch_metric_alarms' ``alarms`` (check mode)."""
    return drift_resource(result["current"], result["wanted"], result["name"], "cloudwatch.metric_alarm", exists=result["exists"])


class FilterModule:
    def filters(self):
        return {"rds_max_connections": rds_max_connections, "monitoring_alarms": monitoring_alarms,
                "monitoring_composite_rule": monitoring_composite_rule, "monitoring_dashboard": monitoring_dashboard, "monitoring_alarm_drift": monitoring_alarm_drift}
