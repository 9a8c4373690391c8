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

node_failure, az_evacuation and az_restore (issue #21) run on the emulated node groups' Nodes: a
PodDisruptionBudget of the test refuses the node drill's first eviction and is relaxed once the
test sees the 429, so the report must show the refused attempts; az_evacuation runs in the RDS
writer's AZ, so it fails the writer over; each report's runbook_overhead_seconds is checked
against its steps.

Every scenario runs under the throttling and 5xx the converge is tested with (issue #23): the
fault rules of molecule/default/faults.json are on in the AWS emulator for the playbook run
only (the test's own boto3 reads go unfaulted), and each run must have met some (except the node
drills' that make few or no AWS calls: node_failure, az_restore, the check-mode plan).
"""

from __future__ import annotations

import json
import threading
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


def run_dr(platform, scenario: str, *extra: str, stamp_after: float | None = None, require_faults: bool = True):
    """The DR playbook under the converge's faults; asserts the run met some (unless
    require_faults is false: a scenario that makes few or no AWS calls)."""
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
    if require_faults:
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


# ---------------------------------------------------------------- node and AZ drills (issue #21)
APP_NS = "cardplatform"
PROBE = {"app.kubernetes.io/name": "dr-probe"}


def kube(platform, path: str, method: str = "GET", body: dict | None = None, **params) -> dict:
    """The Kubernetes emulator's API, read and written directly by the test."""
    headers = {"Content-Type": "application/merge-patch+json"} if method == "PATCH" else {}
    resp = requests.request(method, f"http://127.0.0.1:{platform.k8s_port}{path}", json=body, params=params,
                            headers=headers, timeout=10)
    resp.raise_for_status()
    return resp.json()


def nodes(platform) -> list[dict]:
    return kube(platform, "/api/v1/nodes")["items"]


def app_pods(platform) -> list[dict]:
    return kube(platform, f"/api/v1/namespaces/{APP_NS}/pods")["items"]


def zones(platform) -> dict[str, str]:
    return {n["metadata"]["name"]: n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in nodes(platform)}


def k8s_writes_since(platform, count: int) -> list[dict]:
    entries = kube(platform, "/emulator/requests")["items"][count:]
    return [e for e in entries if e["method"] in ("POST", "PUT", "PATCH", "DELETE")]


def deployments_available(platform) -> bool:
    items = kube(platform, f"/apis/apps/v1/namespaces/{APP_NS}/deployments")["items"]
    return all(d.get("status", {}).get("availableReplicas", 0) == d["spec"]["replicas"] for d in items)


def assert_time_split(report: dict) -> None:
    """runbook_overhead_seconds is the run's time less the steps that waited on AWS or Kubernetes."""
    timing = report["timing"]
    waited = sum(s["seconds"] for s in report["steps"] if s["kind"] in ("aws", "kubernetes"))
    assert timing["aws_seconds"] + timing["kubernetes_seconds"] == pytest.approx(waited, abs=0.01)
    assert report["runbook_overhead_seconds"] == timing["runbook_overhead_seconds"]
    assert timing["runbook_overhead_seconds"] == pytest.approx(timing["total_seconds"] - waited, abs=0.02)
    assert timing["runbook_overhead_seconds"] > 0


@pytest.mark.parametrize("scenario", ["node_failure", "az_evacuation", "az_restore"])
def test_drills_refused_on_production_and_without_an_az(platform, scenario):
    seq = last_seq(platform)
    k8s_count = len(kube(platform, "/emulator/requests")["items"])
    refused = run(["ansible-playbook", "-i", "inventories/production", "playbooks/disaster_recovery.yml",
                   "-e", f"dr_scenario={scenario}", "-e", "dr_availability_zone=us-east-1a"], env=platform.env, timeout=300)
    assert refused.returncode != 0
    assert "Refused: production is a protected environment" in refused.stdout
    if scenario != "node_failure":
        missing = platform.playbook("playbooks/disaster_recovery.yml", "-e", f"dr_scenario={scenario}")
        assert missing.returncode != 0
        assert "dr_availability_zone must name the AZ" in missing.stdout
        wrong = platform.playbook("playbooks/disaster_recovery.yml", "-e", f"dr_scenario={scenario}",
                                  "-e", "dr_availability_zone=eu-west-1a")
        assert wrong.returncode != 0 and "us-east-1a, us-east-1b, us-east-1c (got eu-west-1a)" in wrong.stdout
    assert requests_since(platform, seq) == []
    assert k8s_writes_since(platform, k8s_count) == []


def test_node_failure_check_mode_plans_without_writes(platform):
    # An alarm of the platform (named with its prefix) in ALARM: the report lists its state
    # before and after (cardplatform.aws.cloudwatch_alarm_info, metric and composite alarms).
    cloudwatch = platform.client("cloudwatch")
    probe_alarm = "card-platform-local-dr-probe"
    cloudwatch.put_metric_alarm(AlarmName=probe_alarm, Namespace="AWS/EC2", MetricName="StatusCheckFailed", Statistic="Maximum",
                                Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold")
    cloudwatch.set_alarm_state(AlarmName=probe_alarm, StateValue="ALARM", StateReason="probe")
    seq = last_seq(platform)
    k8s_count = len(kube(platform, "/emulator/requests")["items"])
    try:
        result, report = run_dr(platform, "node_failure", "--check", require_faults=False)
        writes = [e for e in requests_since(platform, seq) if e["mutating"]]
    finally:
        cloudwatch.delete_alarms(AlarmNames=[probe_alarm])
    assert result.returncode == 0, result.stdout[-5000:]
    assert "Plan: cordon and drain node ip-" in result.stdout
    assert report["result"] == "planned" and report["check_mode"] is True
    assert {"name": probe_alarm, "type": "MetricAlarm", "before": "ALARM", "after": "ALARM"} in report["alarms"], report["alarms"]
    assert writes == []
    assert k8s_writes_since(platform, k8s_count) == []


@pytest.fixture
def probe(platform):
    """A Deployment of the test in the application namespace, two replicas over two AZs, with a
    PodDisruptionBudget that allows no disruption: a drain is refused until the test relaxes it."""
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dr-probe", "namespace": APP_NS},
            "spec": {"replicas": 2, "selector": {"matchLabels": PROBE},
                     "template": {"metadata": {"labels": PROBE},
                                  "spec": {"containers": [{"name": "probe", "image": "busybox:1.37"}]}}}}
    kube(platform, f"/apis/apps/v1/namespaces/{APP_NS}/deployments", "POST", body)
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "dr-probe", "namespace": APP_NS},
           "spec": {"maxUnavailable": 0, "selector": {"matchLabels": PROBE}}}
    kube(platform, f"/apis/policy/v1/namespaces/{APP_NS}/poddisruptionbudgets", "POST", pdb)
    deadline = time.monotonic() + 30
    while not deployments_available(platform) and time.monotonic() < deadline:
        time.sleep(0.2)
    yield
    kube(platform, f"/apis/apps/v1/namespaces/{APP_NS}/deployments/dr-probe", "DELETE")
    kube(platform, f"/apis/policy/v1/namespaces/{APP_NS}/poddisruptionbudgets/dr-probe", "DELETE")


def relax_probe_budget_once_refused(platform, k8s_count: int, drill: threading.Thread) -> list[dict]:
    """Wait for the drill's first refused eviction (429), then allow one disruption, as an
    operator would; returns the refusals seen."""
    while drill.is_alive():
        refused = [e for e in kube(platform, "/emulator/requests")["items"][k8s_count:]
                   if e["path"].endswith("/eviction") and e["status"] == 429]
        if refused:
            time.sleep(1.5)  # the drill waits and retries meanwhile
            kube(platform, f"/apis/policy/v1/namespaces/{APP_NS}/poddisruptionbudgets/dr-probe", "PATCH",
                 {"spec": {"maxUnavailable": 1}})
            return refused
        time.sleep(0.2)
    return []


def test_node_failure(platform, time_scale, probe):
    ec2 = platform.client("ec2")
    node_zone = zones(platform)
    probe_pod = next(p for p in app_pods(platform) if p["metadata"]["labels"].get("app.kubernetes.io/name") == "dr-probe")
    target = probe_pod["spec"]["nodeName"]
    node = next(n for n in nodes(platform) if n["metadata"]["name"] == target)
    group = node["metadata"]["labels"]["eks.amazonaws.com/nodegroup"]
    instance_id = node["spec"]["providerID"].rsplit("/", 1)[1]
    on_node = sorted(p["metadata"]["name"] for p in app_pods(platform) if p["spec"].get("nodeName") == target)
    seq = last_seq(platform)
    k8s_count = len(kube(platform, "/emulator/requests")["items"])
    outcome: dict = {}
    drill = threading.Thread(target=lambda: outcome.update(
        zip(("result", "report"), run_dr(platform, "node_failure", "-e", f"dr_node_name={target}", require_faults=False))))
    drill.start()
    refused = relax_probe_budget_once_refused(platform, k8s_count, drill)
    drill.join(timeout=900)
    result, report = outcome["result"], outcome["report"]
    assert result.returncode == 0, result.stdout[-8000:]
    # The PodDisruptionBudget refused the probe's eviction; the drill waited and retried.
    assert refused and all(e["path"].endswith(f"/pods/{probe_pod['metadata']['name']}/eviction") for e in refused)
    details = report["details"]
    assert details["node"] == target and details["instance_id"] == instance_id and details["nodegroup"] == group
    assert details["pdb_refused_evictions"] is True and details["drain"]["refused_attempts"] >= 1
    assert details["app_pods_before"] == on_node
    # AWS: the instance is terminated and the node group launched a replacement.
    assert [e["operation"] for e in requests_since(platform, seq) if e["mutating"]] == ["TerminateInstances"]
    state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "terminated"
    after = nodes(platform)
    assert target not in {n["metadata"]["name"] for n in after}
    group_nodes = [n for n in after if n["metadata"]["labels"]["eks.amazonaws.com/nodegroup"] == group]
    desired = platform.client("eks").describe_nodegroup(clusterName="card-platform-local", nodegroupName=group)
    assert len(group_nodes) == desired["nodegroup"]["scalingConfig"]["desiredSize"]
    assert sorted(n["metadata"]["name"] for n in group_nodes) == details["replacement_nodes"]
    assert all(not n["spec"].get("unschedulable") for n in group_nodes)
    # The application: every pod on a live node, every Deployment at full strength.
    pods = app_pods(platform)
    assert all(p["spec"].get("nodeName") in {n["metadata"]["name"] for n in after} for p in pods)
    assert deployments_available(platform)
    assert set(details["app_pod_zones_after"].values()) <= set(node_zone.values())
    replacement = assert_rto_from_steps(report, "node replacement", "instance terminated", "node group replaced the node",
                                        at_least=3 * time_scale)
    app_rto = assert_rto_from_steps(report, "application RTO", "node cordoned", "application Deployments available",
                                    at_least=1.5)
    assert step(report, "node group replaced the node")["kind"] == "aws"
    assert step(report, "node cordoned")["kind"] == "kubernetes"
    assert_time_split(report)
    print(f"node_failure: replacement {replacement:.1f}s, application RTO {app_rto:.1f}s, "
          f"runbook overhead {report['runbook_overhead_seconds']:.1f}s of {report['timing']['total_seconds']:.1f}s")


def test_az_evacuation_then_restore(platform, time_scale):
    rds = platform.client("rds")
    writer = rds.describe_db_instances(DBInstanceIdentifier=WRITER)["DBInstances"][0]
    az = writer["AvailabilityZone"]  # the writer's AZ: the drill must fail it over
    in_az = sorted(name for name, zone in zones(platform).items() if zone == az)
    moved = sorted(p["metadata"]["name"] for p in app_pods(platform)
                   if zones(platform).get(p["spec"].get("nodeName")) == az)
    assert in_az and moved
    seq = last_seq(platform)
    result, report = run_dr(platform, "az_evacuation", "-e", f"dr_availability_zone={az}")  # under throttling
    assert result.returncode == 0, result.stdout[-8000:]
    details = report["details"]
    assert details["availability_zone"] == az and details["nodes"] == in_az
    assert sorted(details["app_pods_moved"]) == moved
    # Kubernetes: the AZ's nodes cordoned, no application pod left in it, everything available.
    node_zone = zones(platform)
    assert all(n["spec"].get("unschedulable") for n in nodes(platform) if n["metadata"]["name"] in in_az)
    pods = app_pods(platform)
    assert pods and all(node_zone[p["spec"]["nodeName"]] != az for p in pods)
    assert deployments_available(platform)
    assert set(details["app_pod_zones_after"].values()) == set(node_zone.values()) - {az}
    # AWS: the writer failed over to its standby's AZ; the shards with a member in the AZ failed over.
    after = rds.describe_db_instances(DBInstanceIdentifier=WRITER)["DBInstances"][0]
    assert after["AvailabilityZone"] == writer["SecondaryAvailabilityZone"] != az
    assert details["database"]["availability_zone_after"] == after["AvailabilityZone"]
    group = platform.client("elasticache").describe_replication_groups(ReplicationGroupId=REDIS)["ReplicationGroups"][0]
    shards = [g["NodeGroupId"] for g in group["NodeGroups"]
              if any(m.get("PreferredAvailabilityZone") == az for m in g["NodeGroupMembers"])]
    assert [c["node_group_id"] for c in details["cache_shards"]] == shards
    mutating = [e["operation"] for e in requests_since(platform, seq) if e["mutating"]]
    assert mutating == ["RebootDBInstance"] + ["TestFailover"] * len(shards)
    assert details["zonal_shift"]["available"] is False and "arc-zonal-shift" in details["zonal_shift"]["reason"]
    names = [o["name"] for o in report["objectives"]]
    assert names[:2] == ["application RTO", "database RTO"]
    assert assert_rto_from_steps(report, "database RTO", "reboot with failover requested", "writer answers",
                                 at_least=1.5 * time_scale) > 0
    assert_time_split(report)
    print(f"az_evacuation of {az}: {len(in_az)} nodes, {len(moved)} pods moved; objectives "
          f"{[(o['name'], o['measured_seconds']) for o in report['objectives']]}; "
          f"runbook overhead {report['runbook_overhead_seconds']:.1f}s of {report['timing']['total_seconds']:.1f}s")

    seq = last_seq(platform)
    result, report = run_dr(platform, "az_restore", "-e", f"dr_availability_zone={az}", require_faults=False)
    assert result.returncode == 0, result.stdout[-8000:]
    assert sorted(report["details"]["uncordoned"]) == in_az
    assert all(not n["spec"].get("unschedulable") for n in nodes(platform))
    assert [e for e in requests_since(platform, seq) if e["mutating"]] == []
    assert any("rollout restart" in s for s in report["next_steps"])
    assert_time_split(report)


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
