"""playbooks/disaster_recovery.yml on the converged emulated platform.

The scenarios run with the AWS emulator's lifecycle time scale at DR_TIME_SCALE seconds per
AWS minute (RDS reboot 1.5 AWS minutes, promotion 3, restore 15, MQ reboot 5, ElastiCache test
failover 0.5), so each RTO in the reports comes from real waits on transitional states
(rebooting, modifying, creating, REBOOT_IN_PROGRESS), compressed by that factor. Each test
checks that the report's numbers come from the run: the RTO is at least the emulated
duration and equals the sum of the recorded steps it spans.

db_promote_replica changes the platform (the replica becomes a writer and the application is
re-pointed): it runs last, then the test deletes the promoted instance and converges site.yml
again, which recreates the replica and points the application back at the writer.

Every scenario runs under the throttling and 5xx the converge is tested with (issue #23): the
fault rules of molecule/default/faults.json are on in the AWS emulator for the playbook run
only (the test's own boto3 reads go unfaulted), and each run must have met some.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from helpers import REPO, run

DR_TIME_SCALE = 1.0  # seconds per AWS minute
ENV = "local"
WRITER = "card-platform-local-postgres"
REPLICA = f"{WRITER}-replica"
REDIS = "card-platform-local-redis"


def emulator(platform, path: str) -> str:
    return f"{platform.endpoint_url}/_emulator/{path}"


@pytest.fixture
def time_scale(platform):
    """Lifecycle waits at DR_TIME_SCALE for the test, instant again afterwards."""
    requests.post(emulator(platform, "lifecycle"), json={"time_scale": DR_TIME_SCALE}, timeout=10).raise_for_status()
    yield DR_TIME_SCALE
    requests.delete(emulator(platform, "lifecycle"), timeout=10).raise_for_status()


def requests_since(platform, seq: int, service: str | None = None) -> list[dict]:
    """The calls the emulator answered since seq (a call it answered with an injected fault
    was retried: the retry is the call). Without the run lock's (DynamoDB, roles/run_lock:
    bookkeeping of the run, not a change of the platform) unless `service` asks for them."""
    entries = requests.get(emulator(platform, "requests"), params={"since": seq}, timeout=10).json()
    return [e for e in entries if not e.get("fault")
            and (e["service"] == service if service else e["service"] != "dynamodb")]


def last_seq(platform) -> int:
    entries = requests.get(emulator(platform, "requests"), timeout=10).json()
    return max((e.get("seq", 0) for e in entries), default=0)


# The converge's throttling and 5xx (the NotFound-after-create rule there is for NAT gateways).
CONVERGE_FAULTS = json.loads((REPO / "molecule" / "default" / "faults.json").read_text())
FAULT_KINDS = ("throttle", "server_error")


def injected(platform) -> dict[str, int]:
    state = requests.get(emulator(platform, "faults"), timeout=10).json()
    return {kind: state["injected_total"].get(kind, 0) for kind in FAULT_KINDS}


def run_dr(platform, scenario: str, *extra: str, stamp_after: float | None = None):
    """The DR playbook under the converge's faults; asserts the run met some."""
    rules = [r for r in CONVERGE_FAULTS["rules"] if r["kind"] in FAULT_KINDS]
    before = injected(platform)
    requests.post(emulator(platform, "faults"), json={"seed": CONVERGE_FAULTS["seed"], "rules": rules},
                  timeout=10).raise_for_status()
    started = time.time()
    try:
        result = platform.playbook(
            "playbooks/disaster_recovery.yml", "-e", f"dr_scenario={scenario}", "-e", "dr_poll_interval=1", *extra,
            timeout=900,
        )
    finally:
        requests.delete(emulator(platform, "faults"), timeout=10).raise_for_status()
    met = {kind: count - before[kind] for kind, count in injected(platform).items()}
    print(f"{scenario}: faults injected during the run {met}")
    assert met["throttle"] > 0, f"{scenario}: the run met no throttling ({met})"
    reports = sorted((REPO / "reports").glob(f"dr-{scenario}-{ENV}-*.json"), key=lambda p: p.stat().st_mtime)
    fresh = [p for p in reports if p.stat().st_mtime >= started - 1]
    report = json.loads(fresh[-1].read_text()) if fresh else None
    if report is not None:
        assert Path(str(fresh[-1])[:-5] + ".md").exists()
    return result, report


def objective(report: dict, name: str) -> dict:
    return next(o for o in report["objectives"] if o["name"] == name)


def step(report: dict, prefix: str) -> dict:
    return next(s for s in report["steps"] if s["name"].startswith(prefix))


def assert_rto_from_steps(report: dict, name: str, first: str, last: str, at_least: float) -> float:
    """The RTO is the span from the action step's start to the recovery step's end, and
    at least as long as the emulated transition."""
    measured = objective(report, name)["measured_seconds"]
    span = step(report, last)["finished_epoch"] - step(report, first)["started_epoch"]
    assert measured == pytest.approx(span, abs=0.01)
    assert measured >= at_least, f"{name} {measured}s is shorter than the emulated {at_least}s"
    return measured


def test_production_is_refused_without_confirmation(platform):
    seq = last_seq(platform)
    # The production inventory alone (platform.playbook would add inventories/local).
    refused = run(["ansible-playbook", "-i", "inventories/production", "playbooks/disaster_recovery.yml",
                   "-e", "dr_scenario=db_failover"], env=platform.env, timeout=300)
    assert refused.returncode != 0
    assert "Refused: production is a protected environment" in refused.stdout
    assert "confirm=production" in refused.stdout
    # The same guard against the emulator, with local declared protected: no API call at all.
    for extra in ([], ["-e", "confirm=staging"]):
        result = platform.playbook("playbooks/disaster_recovery.yml", "-e", "dr_scenario=db_failover",
                                   "-e", '{"platform_protected_environments": ["local"]}', *extra)
        assert result.returncode != 0
        assert "Refused: local is a protected environment" in result.stdout
    assert requests_since(platform, seq) == []


def test_unknown_scenario_is_refused(platform):
    result = platform.playbook("playbooks/disaster_recovery.yml", "-e", "dr_scenario=db_explode")
    assert result.returncode != 0
    assert "dr_scenario must be one of" in result.stdout


def test_check_mode_plans_without_writes(platform):
    seq = last_seq(platform)
    result, report = run_dr(platform, "db_failover", "--check")
    assert result.returncode == 0, result.stdout[-5000:]
    assert "Plan: reboot card-platform-local-postgres with ForceFailover" in result.stdout
    assert report["check_mode"] is True and report["result"] == "planned"
    assert [e for e in requests_since(platform, seq) if e["mutating"]] == []


def test_db_failover(platform, time_scale):
    before = platform.client("rds").describe_db_instances(DBInstanceIdentifier=WRITER)["DBInstances"][0]
    seq = last_seq(platform)
    result, report = run_dr(platform, "db_failover")
    assert result.returncode == 0, result.stdout[-8000:]
    calls = [e["operation"] for e in requests_since(platform, seq) if e["mutating"]]
    assert calls == ["RebootDBInstance"]
    # The run held the environment's run lock (issue #23) and released it.
    assert [e["operation"] for e in requests_since(platform, seq, "dynamodb") if e["mutating"]] == ["PutItem", "DeleteItem"]
    after = platform.client("rds").describe_db_instances(DBInstanceIdentifier=WRITER)["DBInstances"][0]
    assert after["DBInstanceStatus"] == "available"
    assert after["AvailabilityZone"] == before["SecondaryAvailabilityZone"]
    assert report["details"]["availability_zone_after"] == after["AvailabilityZone"]
    rto = assert_rto_from_steps(report, "database RTO", "reboot with failover requested", "writer answers",
                                at_least=1.5 * time_scale)
    assert report["result"] in ("recovered", "recovered, target missed")
    print(f"db_failover RTO {rto:.1f}s at {time_scale}s/AWS-minute")


def test_cache_failover(platform, time_scale):
    result, report = run_dr(platform, "cache_failover")
    assert result.returncode == 0, result.stdout[-8000:]
    group = platform.client("elasticache").describe_replication_groups(ReplicationGroupId=REDIS)["ReplicationGroups"][0]
    assert group["Status"] == "available"
    rto = objective(report, "cache RTO")["measured_seconds"]
    assert rto >= 0.5 * time_scale
    assert rto == pytest.approx(step(report, "failover done")["seconds"], abs=0.01)
    print(f"cache_failover RTO {rto:.1f}s at {time_scale}s/AWS-minute")


def test_mq_reboot(platform, time_scale):
    result, report = run_dr(platform, "mq_reboot")
    assert result.returncode == 0, result.stdout[-8000:]
    name = "card-platform-local-rabbitmq"
    mq = platform.client("mq")
    broker = next(b for b in mq.list_brokers()["BrokerSummaries"] if b["BrokerName"] == name)
    assert mq.describe_broker(BrokerId=broker["BrokerId"])["BrokerState"] == "RUNNING"
    rto = assert_rto_from_steps(report, "broker RTO (against the application RTO)", "reboot requested", "broker RUNNING",
                                at_least=5 * time_scale)
    print(f"mq_reboot RTO {rto:.1f}s at {time_scale}s/AWS-minute")


def test_db_restore_pitr(platform, time_scale):
    rds = platform.client("rds")
    target = "card-platform-local-postgres-pitr-test"
    try:
        result, report = run_dr(platform, "db_restore_pitr", "-e", f"dr_restore_identifier={target}")
        assert result.returncode == 0, result.stdout[-8000:]
        source = rds.describe_db_instances(DBInstanceIdentifier=WRITER)["DBInstances"][0]
        restored = rds.describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0]
        assert restored["DBInstanceStatus"] == "available"
        assert restored["DBSubnetGroup"]["DBSubnetGroupName"] == source["DBSubnetGroup"]["DBSubnetGroupName"]
        assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == \
            [g["VpcSecurityGroupId"] for g in source["VpcSecurityGroups"]]
        assert restored["DBParameterGroups"][0]["DBParameterGroupName"] == source["DBParameterGroups"][0]["DBParameterGroupName"]
        assert restored["MultiAZ"] is True and restored["KmsKeyId"] == source["KmsKeyId"]
        assert report["details"]["settings_compared"]["status"] == "in_sync"
        rto = assert_rto_from_steps(report, "database RTO", "restore requested", "restored instance available",
                                    at_least=15 * time_scale)
        rpo = objective(report, "database RPO")["measured_seconds"]
        # Latest restorable time trails by up to 5 AWS minutes of transaction-log upload.
        assert 0 <= rpo <= 5 * time_scale + 5
        print(f"db_restore_pitr RTO {rto:.1f}s RPO {rpo:.1f}s at {time_scale}s/AWS-minute")
    finally:
        requests.delete(emulator(platform, "lifecycle"), timeout=10)
        try:
            rds.delete_db_instance(DBInstanceIdentifier=target, SkipFinalSnapshot=True)
        except rds.exceptions.DBInstanceNotFoundFault:
            pass


def configmap(platform) -> dict:
    out = platform.kubectl("-n", "cardplatform", "get", "configmap", "app-config", "-o", "json")
    assert out.returncode == 0, out.stdout
    return json.loads(out.stdout)["data"]


def test_db_promote_replica_then_reconverge(platform, time_scale):
    rds = platform.client("rds")
    replica = rds.describe_db_instances(DBInstanceIdentifier=REPLICA)["DBInstances"][0]
    writer = rds.describe_db_instances(DBInstanceIdentifier=WRITER)["DBInstances"][0]
    revisions_before = json.loads(platform.kubectl("-n", "cardplatform", "get", "deploy", "api", "-o", "json").stdout)
    try:
        result, report = run_dr(platform, "db_promote_replica")
        assert result.returncode == 0, result.stdout[-8000:]
        promoted = rds.describe_db_instances(DBInstanceIdentifier=REPLICA)["DBInstances"][0]
        assert "ReadReplicaSourceDBInstanceIdentifier" not in promoted
        assert promoted["BackupRetentionPeriod"] == writer["BackupRetentionPeriod"]
        # The application reads the promoted writer, through a rolling restart.
        data = configmap(platform)
        assert data["DATABASE_HOST"] == replica["Endpoint"]["Address"]
        api = json.loads(platform.kubectl("-n", "cardplatform", "get", "deploy", "api", "-o", "json").stdout)
        assert api["spec"]["template"]["metadata"]["annotations"]["checksum/config"] != \
            revisions_before["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        assert api["status"].get("availableReplicas") == api["spec"]["replicas"]
        db_rto = assert_rto_from_steps(report, "database RTO", "promotion requested", "promoted instance available",
                                       at_least=3 * time_scale)
        app_rto = assert_rto_from_steps(report, "application RTO", "promotion requested", "application rolled",
                                        at_least=db_rto)
        assert any("dr_rebuild_replica=true" in s for s in report["next_steps"])
        print(f"db_promote_replica database RTO {db_rto:.1f}s application RTO {app_rto:.1f}s at {time_scale}s/AWS-minute")
    finally:
        # Back to the converged platform: drop the promoted instance, site.yml recreates the
        # replica and points the application at the writer again.
        requests.delete(emulator(platform, "lifecycle"), timeout=10)
        rds.delete_db_instance(DBInstanceIdentifier=REPLICA, SkipFinalSnapshot=True)
        converge = platform.playbook("site.yml")
        assert converge.returncode == 0, converge.stdout[-8000:]
    again = rds.describe_db_instances(DBInstanceIdentifier=REPLICA)["DBInstances"][0]
    assert again["ReadReplicaSourceDBInstanceIdentifier"] == WRITER
    data = configmap(platform)
    assert data["DATABASE_HOST"] == writer["Endpoint"]["Address"]
    # site.yml deployed the application while the new replica was created, with the name
    # RDS would give it (rds_outputs.reader_endpoint); it must be the name RDS returned.
    assert data["DATABASE_READER_HOST"] == again["Endpoint"]["Address"]
