from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.monitoring import (
    monitoring_alarm_drift,
    monitoring_alarms,
    monitoring_composite_rule,
    monitoring_dashboard,
    rds_max_connections,
)


def plan(**over):
    base = {
        "prefix": "cp", "period": 300, "evaluation_periods": 3,
        "rds": {"instance_identifier": "cp-db", "replica_identifier": "cp-db-replica", "max_connections": 3604,
                "cpu_percent": 80, "connections_percent": 80, "free_storage_gib": 20, "freeable_memory_mib": 512,
                "replica_lag_seconds": 60},
        "elasticache": {"member_clusters": ["cp-redis-001", "cp-redis-002"], "hit_rate_percent": 70, "engine_cpu_percent": 90,
                        "memory_percent": 80, "evictions": 100, "replication_lag_seconds": 30},
        "amazonmq": {"broker_name": "cp-mq", "memory_percent": 80, "disk_free_gib": 5, "queue_depth": 10000},
    }
    base.update(over)
    return base


@pytest.mark.parametrize(("memory_gib", "expected"), [(1, 112), (16, 1802), (32, 3604), (64, 5000), (128, 5000)])
def test_rds_max_connections_as_rds_postgresql_derives_it(memory_gib, expected):
    assert rds_max_connections(memory_gib) == expected


def test_rds_max_connections_refuses_a_non_number():
    with pytest.raises(AnsibleFilterError):
        rds_max_connections("lots")


def test_every_alarm_names_its_resource_and_none_carries_the_kind():
    alarms = monitoring_alarms(plan())
    assert len(alarms) == 5 + 5 * 2 + 3
    assert all("key" not in a and a["name"].startswith("cp-") for a in alarms)
    by_name = {a["name"]: a for a in alarms}
    assert by_name["cp-rds-writer-connections"]["threshold"] == pytest.approx(3604 * 0.8, abs=0.1)
    assert by_name["cp-rds-writer-connections"]["dimensions"] == {"DBInstanceIdentifier": "cp-db"}
    assert by_name["cp-rds-replica-lag"]["dimensions"] == {"DBInstanceIdentifier": "cp-db-replica"}
    assert by_name["cp-rds-writer-free-storage"]["threshold"] == 20 * 1024 ** 3
    hit = by_name["cp-elasticache-cp-redis-002-hit-rate"]
    assert hit["metrics"][2] == {"id": "hit_rate", "expression": "100 * hits / (hits + misses)", "label": "Hit rate (%)",
                                 "return_data": True}
    assert hit["metrics"][0]["metric_stat"]["metric"]["dimensions"] == [{"name": "CacheClusterId", "value": "cp-redis-002"}]
    assert "namespace" not in hit and hit["comparison"] == "LessThanThreshold"
    assert by_name["cp-amazonmq-queue-depth"]["dimensions"] == {"Broker": "cp-mq"}


def test_a_service_without_resource_has_no_alarm():
    empty = plan(rds=dict(plan()["rds"], instance_identifier="", replica_identifier=""),
                 elasticache=dict(plan()["elasticache"], member_clusters=[]), amazonmq=dict(plan()["amazonmq"], broker_name=""))
    assert monitoring_alarms(empty) == []
    assert monitoring_composite_rule(empty, ["rds_cpu"]) == ""


def test_composite_rule_over_the_kinds_asked_for():
    rule = monitoring_composite_rule(plan(), ["rds_cpu", "elasticache_hit_rate"])
    assert rule == ('ALARM("cp-rds-writer-cpu") OR ALARM("cp-elasticache-cp-redis-001-hit-rate") OR '
                    'ALARM("cp-elasticache-cp-redis-002-hit-rate")')


def test_dashboard_has_the_targets_table_the_alarms_and_the_graphs():
    body = monitoring_dashboard(plan(), ["arn:a", ""], "arn:composite", "us-east-1")
    assert body["widgets"][0]["type"] == "text" and "p99 < 100 ms" in body["widgets"][0]["properties"]["markdown"]
    assert body["widgets"][1]["properties"]["alarms"] == ["arn:composite", "arn:a"]
    titles = [w["properties"]["title"] for w in body["widgets"][2:]]
    assert titles == ["Database connections", "Database CPU (%)", "Database free storage (bytes)", "Redis hit rate (%)",
                      "Redis engine CPU (%)", "Redis memory used (%)", "Broker queue depth"]
    assert monitoring_dashboard(plan(), [], "", "us-east-1")["widgets"][1]["type"] == "metric"


def test_alarm_drift_names_the_changed_attribute():
    out = monitoring_alarm_drift({"name": "cp-rds-writer-cpu", "exists": True, "current": {"threshold": 99.0, "ok_actions": ["t"]},
                                  "wanted": {"threshold": 80.0, "ok_actions": ["t"]}})
    assert out["status"] == "modified" and [a["name"] for a in out["attributes"]] == ["threshold"]
    missing = monitoring_alarm_drift({"name": "x", "exists": False, "current": {}, "wanted": {"threshold": 1.0}})
    assert missing["status"] == "missing"


def test_refuses_a_plan_that_is_not_a_dict():
    with pytest.raises(AnsibleFilterError):
        monitoring_alarms("nope")
