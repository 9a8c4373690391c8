"""The benchmark's pure parts (tools/bench.py): critical path, percentiles, recap, request logs.

No converge here: `make bench` runs the benchmark itself.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from helpers import REPO

_SPEC = importlib.util.spec_from_file_location("bench", REPO / "tools" / "bench.py")
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["bench"] = bench  # dataclasses look their module up there
_SPEC.loader.exec_module(bench)
Step = bench.Step


def test_critical_path_takes_the_longest_chain():
    minutes = {"a": 2, "b": 12, "c": 2, "d": 15, "e": 12, "f": 20}
    steps = [
        Step("vpc", "a"),
        Step("eks", "b", ("vpc",)),
        Step("nodes", "c", ("eks",)),
        Step("rds", "d", ("vpc",)),
        Step("replica", "e", ("rds",)),
        Step("mq", "f", ("vpc",)),
        Step("app", None, ("nodes", "replica", "mq")),
    ]
    seconds, path = bench.critical_path(steps, minutes, time_scale=2.0)
    assert seconds == pytest.approx((2 + 15 + 12) * 2.0)
    assert path == ["vpc", "rds", "replica", "app"]
    assert bench.sequential_sum(steps, minutes, 2.0) == pytest.approx(63 * 2.0)


def test_critical_path_rejects_cycles_and_unknown_steps():
    with pytest.raises(ValueError, match="cycle"):
        bench.critical_path([Step("a", None, ("b",)), Step("b", None, ("a",))], {}, 1.0)
    with pytest.raises(ValueError, match="unknown step"):
        bench.critical_path([Step("a", None, ("missing",))], {}, 1.0)
    with pytest.raises(ValueError, match="no modelled duration"):
        bench.critical_path([Step("a", "nope")], {}, 1.0)


def test_platform_graph_uses_the_emulators_durations():
    """Every modelled step names a key of aws_realism.DEFAULT_DURATIONS; the issue's numbers follow."""
    minutes = bench.modelled_durations({})
    steps = bench.platform_graph({"rds_multi_az": True, "amazonmq_deployment_mode": "CLUSTER_MULTI_AZ",
                                  "rds_replica_enabled": True})
    seconds, path = bench.critical_path(steps, minutes, time_scale=1.0)
    nat = minutes["ec2.nat_gateway.create"]
    expected = nat + max(minutes["eks.cluster.create"] + minutes["eks.nodegroup.create"],
                         minutes["rds.instance.create_multi_az"] + minutes["rds.instance.replica"],
                         minutes["elasticache.replication_group.create"], minutes["mq.broker.create_cluster"])
    assert seconds == pytest.approx(expected)
    assert path[0].startswith("vpc") and path[-1] == "app_deploy"
    # The issue: sequential adds up to well over an hour, the graph allows 25-35 minutes.
    assert 25 <= seconds <= 35
    assert bench.sequential_sum(steps, minutes, 1.0) / seconds >= 2.5
    single = bench.platform_graph({"rds_multi_az": False, "amazonmq_deployment_mode": "SINGLE_INSTANCE",
                                   "rds_replica_enabled": False})
    assert "rds read replica" not in {s.name for s in single}


def test_modelled_durations_follow_the_emulator_override():
    minutes = bench.modelled_durations({"AWS_EMULATOR_DURATIONS": json.dumps({"eks.cluster.create": 30})})
    assert minutes["eks.cluster.create"] == 30
    assert minutes["rds.instance.replica"] == bench.aws_realism.DEFAULT_DURATIONS["rds.instance.replica"]


def test_percentile_interpolates_between_ranks():
    assert bench.percentile([], 50) is None
    assert bench.percentile([3.0], 95) == 3.0
    assert bench.percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert bench.percentile(range(1, 101), 95) == pytest.approx(95.05)
    assert bench.percentile([5, 1, 3], 0) == 1 and bench.percentile([5, 1, 3], 100) == 5
    with pytest.raises(ValueError):
        bench.percentile([1], 101)


RECAP = """
TASK [summary : Show the platform] *********************************************
ok: [local-us-east-1]

PLAY RECAP *********************************************************************
local-eu-west-1            : ok=201  changed=0    unreachable=0    failed=0    skipped=80   rescued=0    ignored=0
local-us-east-1            : ok=200  changed=3    unreachable=0    failed=1    skipped=81   rescued=1    ignored=0

Sunday 29 November 2026  19:00:00 +0000 (0:00:00.050)       0:01:05.000 *******
"""


def test_parse_recap_reads_every_host_and_sums():
    hosts = bench.parse_recap(RECAP)
    assert hosts["local-us-east-1"] == {"ok": 200, "changed": 3, "unreachable": 0, "failed": 1, "skipped": 81,
                                        "rescued": 1, "ignored": 0}
    assert set(hosts) == {"local-eu-west-1", "local-us-east-1"}
    totals = bench.recap_totals(hosts)
    assert totals["changed"] == 3 and totals["ok"] == 401
    assert bench.parse_recap("no recap here") == {}


def test_request_summaries_split_reads_from_writes():
    aws = [
        {"service": "ec2", "operation": "DescribeVpcs", "mutating": False, "status": 200, "time": 1.0},
        {"service": "ec2", "operation": "DescribeVpcs", "mutating": False, "status": 200, "time": 1.5},
        {"service": "ec2", "operation": "CreateTags", "mutating": True, "status": 200, "time": 1.6},
        {"service": "rds", "operation": "DescribeDBInstances", "mutating": False, "status": 404, "time": 3.0},
    ]
    summary = bench.summarize_aws_requests(aws)
    assert (summary["read"], summary["mutating"], summary["errors"]) == (3, 1, 1)
    assert summary["top_read_operations"]["ec2:DescribeVpcs"] == 2
    assert summary["mutating_operations"] == {"ec2:CreateTags": 1}
    assert bench.peak_rate(aws) == {"ec2": 3, "rds": 1}
    k8s = [{"method": "GET", "path": "/api/v1/namespaces/x", "query": ""},
           {"method": "PATCH", "path": "/apis/apps/v1/x", "query": "dryRun=All&fieldManager=a"},
           {"method": "POST", "path": "/api/v1/namespaces", "query": ""}]
    assert bench.summarize_k8s_requests(k8s)[("read")] == 1
    assert bench.summarize_k8s_requests(k8s)["dry_run"] == 1
    assert bench.summarize_k8s_requests(k8s)["mutating_requests"] == {"POST /api/v1/namespaces": 1}


def test_task_overhead_counts_module_invocations_of_aws_tasks_only():
    records = [
        {"task": "a", "action": "amazon.aws.ec2_vpc_net_info", "status": "ok", "duration": 1.0},
        {"task": "b", "action": "cardplatform.aws.eks_cluster", "status": "ok", "duration": 3.0},
        {"task": "c", "action": "community.aws.eks_nodegroup", "status": "changed", "duration": 6.0,
         "loop": True, "items": 3},
        {"task": "d", "action": "amazon.aws.rds_instance", "status": "skipped", "duration": 0.1},
        {"task": "e", "action": "ansible.builtin.set_fact", "status": "ok", "duration": 0.01},
        {"task": "f", "action": "amazon.aws.rds_instance", "status": "ok", "duration": 0.2, "async": True},
    ]
    result = bench.task_overhead(records)
    assert result["samples"] == 5  # a, b, and c's three items
    assert result["median"] == 2.0
    assert result["slowest_tasks"][0]["task"].startswith("c ")


def test_targets_pass_miss_and_missing():
    report = {"cold_over_critical_path": 1.1, "noop": {"changed": 0, "api_calls": {"read": 151, "mutating": 0}},
              "multi_env": {"ratio": None}}
    results = {t["key"]: t["pass"] for t in bench.evaluate_targets(report)}
    assert results["cold_over_critical_path"] is True
    assert results["noop.api_calls.read"] is False
    assert results["noop.changed"] is True
    assert results["multi_env.ratio"] is None
    assert results["drift.api_calls.read"] is None


def test_multi_inventory_gives_each_host_its_own_region_and_emulators(tmp_path):
    emus = {region: bench.Emulators(tmp_path / region, 1000 + i, 2000 + i, 1.0)
            for i, region in enumerate(bench.MULTI_REGIONS)}
    inventory = bench.write_multi_inventory(tmp_path, emus)
    hosts = json.loads((inventory / "hosts.yml").read_text())["platform"]["hosts"]
    assert len(hosts) == 3
    assert len({h["aws_endpoint_url"] for h in hosts.values()}) == 3
    assert len({h["eks_kubeconfig_path"] for h in hosts.values()}) == 3
    for host in hosts.values():
        assert all(az.startswith(host["aws_region"]) for az in host["vpc_azs"])
    assert (inventory / "group_vars" / "all" / "network.yml").exists()
    assert (inventory / "group_vars" / "all" / "000_shared" / "platform.yml").exists()


def test_calls_by_task_attributes_calls_to_the_running_task():
    records = [
        {"play": "p", "task": "read vpc", "start": 10.0, "end": 11.0, "status": "ok"},
        {"play": "p", "task": "skip me", "start": 11.0, "end": 11.1, "status": "skipped"},
        {"play": "p", "task": "read rds", "start": 12.0, "end": 14.0, "status": "ok"},
    ]
    entries = [
        {"time": 10.5, "service": "ec2", "operation": "DescribeVpcs", "mutating": False},
        {"time": 12.5, "service": "rds", "operation": "DescribeDBInstances", "mutating": False},
        {"time": 13.0, "service": "rds", "operation": "DescribeDBInstances", "mutating": False},
        {"time": 13.5, "service": "rds", "operation": "AddTagsToResource", "mutating": True},
        {"time": 20.0, "service": "sts", "operation": "GetCallerIdentity", "mutating": False},
    ]
    rows = {r["task"]: r for r in bench.calls_by_task(records, entries)}
    assert rows["p | read rds"]["read"] == 2 and rows["p | read rds"]["mutating"] == 1
    assert rows["p | read rds"]["operations"]["rds:DescribeDBInstances"] == 2
    assert rows["p | read vpc"]["read"] == 1
    assert rows["(between tasks)"]["read"] == 1


def test_projection_to_real_aws_keeps_ansibles_own_time():
    # 29 AWS min at 6 s/min = 174 s modelled; a 230 s run carries 56 s of Ansible's own time.
    result = bench.project_to_aws(230.0, 174.0, 6.0)
    assert result["overhead_s"] == 56.0
    assert result["aws_ratio_estimate"] == pytest.approx((29 * 60 + 56) / (29 * 60), abs=0.01)
    # The sequential run: 75 AWS min modelled against a 29-minute critical path.
    seq = bench.project_to_aws(500.0, 450.0, 6.0, critical_path_s=174.0)
    assert seq["aws_ratio_estimate"] == pytest.approx((75 * 60 + 50) / (29 * 60), abs=0.01)
    assert bench.project_to_aws(100.0, 0.0, 0.0)["aws_ratio_estimate"] is None


def test_slowest_lists_the_longest_tasks_with_their_offset():
    records = [{"task": "a", "action": "x", "start": 100.0, "duration": 1.0, "status": "ok"},
               {"task": "b", "action": "y", "start": 105.0, "duration": 9.0, "status": "changed"},
               {"task": "c", "action": "z", "start": None, "duration": None, "status": "ok"}]
    rows = bench.slowest(records)
    assert [r["task"] for r in rows] == ["b [y]", "a [x]"]
    assert rows[0]["at_s"] == 5.0 and rows[0]["s"] == 9.0
    assert bench.slowest([]) == []
