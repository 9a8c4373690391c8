"""The benchmark's parts (tools/bench.py): critical path, percentiles, recap, request logs, the
generated multi-environment inventory (one short ansible-playbook run of site.yml's add_host
play, no API call) and a whole bench run with the playbook runs faked.

No converge here: `make bench` runs the benchmark itself.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from helpers import REPO, run

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


def test_tiers_make_a_step_wait_for_the_whole_tier_before_it():
    minutes = {"nat": 2, "rds": 15, "replica": 12}
    steps = [
        Step("subnets", None, (), 1),
        Step("nat", "nat", ("subnets",), 1),
        Step("key", None, (), 1),
        Step("rds", "rds", ("subnets", "key"), 2),
        Step("replica", "replica", ("rds",), 2),
        Step("app", None, ("replica",), 3),
        Step("untiered", None, ("subnets",)),
    ]
    assert bench.critical_path(steps, minutes, 1.0) == (27, ["subnets", "rds", "replica", "app"])
    tiered = {s.name: s for s in bench.with_tiers(steps)}
    assert set(tiered["rds"].after) == {"subnets", "key", "nat"}
    assert set(tiered["app"].after) == {"replica", "rds"}  # tier 2 only: tier 1 is before it
    assert tiered["subnets"].after == () and tiered["untiered"].after == ("subnets",)
    seconds, path = bench.critical_path(list(tiered.values()), minutes, 1.0)
    assert seconds == 29 and path == ["subnets", "nat", "rds", "replica", "app"]


def test_critical_path_rejects_cycles_and_unknown_steps():
    with pytest.raises(ValueError, match="cycle"):
        bench.critical_path([Step("a", None, ("b",)), Step("b", None, ("a",))], {}, 1.0)
    with pytest.raises(ValueError, match="unknown step"):
        bench.critical_path([Step("a", None, ("missing",))], {}, 1.0)
    with pytest.raises(ValueError, match="no modelled duration"):
        bench.critical_path([Step("a", "nope")], {}, 1.0)


def test_platform_graph_uses_the_emulators_durations():
    """Issue #17: the critical path is the physical chain, RDS writer -> replica after the subnets
    (27 AWS minutes for local); the NAT gateways are on no data service's path."""
    minutes = bench.modelled_durations({})
    topology = bench.load_topology(REPO / "inventories" / "local")
    steps = bench.platform_graph(topology)
    seconds, path = bench.critical_path(steps, minutes, time_scale=1.0)
    assert seconds == pytest.approx(minutes["rds.instance.create_multi_az"] + minutes["rds.instance.replica"]) == 27
    assert path == [bench.VPC, "rds writer", "rds read replica", "app_deploy"]
    by_name = {s.name: s for s in steps}
    for service in ("rds writer", "elasticache replication group", "amazonmq broker"):
        assert set(by_name[service].after) == {bench.VPC, bench.SECRETS}
    # What site.yml waits for: the app waits for every tier-2 line, external_secrets for the eks line.
    assert {"rds read replica", "elasticache replication group", "amazonmq broker",
            "external_secrets"} <= set(by_name["app_deploy"].after)
    assert "eks node groups" in by_name["cluster_addons"].after
    assert "cluster_addons" in by_name["external_secrets"].after
    assert by_name["eks node groups"].after == ("eks cluster", bench.ROUTING)
    assert [s.tier for s in steps if s.name == "app_deploy"] == [3]
    # site.yml's tier 2 starts when all of tier 1 (vpc, secrets) has ended; the NAT wait is on
    # the eks line (vpc_egress, then eks), where it delays the cluster but no data service.
    tiered = {s.name: s for s in bench.with_tiers(steps)}
    assert bench.ROUTING in tiered["eks cluster"].after
    for service in ("rds writer", "elasticache replication group", "amazonmq broker"):
        assert not {bench.NAT, bench.ROUTING} & set(tiered[service].after), service
    tiered_seconds, tiered_path = bench.critical_path(list(tiered.values()), minutes, 1.0)
    assert tiered_seconds == pytest.approx(27)
    assert tiered_path == [bench.VPC, "rds writer", "rds read replica", "app_deploy"]
    single = bench.platform_graph({"rds_multi_az": False, "amazonmq_deployment_mode": "SINGLE_INSTANCE",
                                   "rds_replica_enabled": False})
    assert "rds read replica" not in {s.name for s in single}
    assert "rds writer" in next(s for s in single if s.name == "app_deploy").after
    assert bench.critical_path(single, minutes, 1.0)[1] == [bench.VPC, "amazonmq broker", "app_deploy"]


def test_platform_graph_follows_the_tiers_of_site_yml():
    """Each role of platform_lines (group_vars/all/platform.yml) has steps in the graph, in the
    tier whose play of playbooks/site.yml runs its line; app_deploy runs on the inventory host."""
    import yaml

    lines = yaml.safe_load((REPO / "group_vars" / "all" / "platform.yml").read_text())["platform_lines"]
    plays = yaml.safe_load((REPO / "playbooks" / "site.yml").read_text())
    tier_plays = [play for play in plays if str(play.get("name", "")).startswith("Tier ")]
    tier_of_role = {}
    for tier, play in enumerate(tier_plays, start=1):
        included = {task["ansible.builtin.include_role"]["name"] for task in play.get("tasks", [])
                    if "ansible.builtin.include_role" in task}
        for pattern in play["hosts"].split(":"):
            for role in lines.get(pattern, []):
                assert role in included, (role, play["name"])
                tier_of_role[role] = tier
        if "platform" in play["hosts"].split(":"):
            tier_of_role.update({role: tier for role in included})
    assert set(tier_of_role) == {role for roles in lines.values() for role in roles} | {"app_deploy"}
    line_of_role = {role: line for line, roles in lines.items() for role in roles}
    steps = bench.platform_graph({})
    for role, tier in tier_of_role.items():
        own = [s for s in steps if s.name == role or s.name.startswith(role + " ")]
        assert own and {s.tier for s in own} == {tier}, role
        assert {s.line for s in own} == {line_of_role.get(role, "")}, role
    # A line's steps are declared in the order its roles run.
    for line, roles in lines.items():
        order = [role for s in steps if s.line == line
                 for role in roles if s.name == role or s.name.startswith(role + " ")]
        assert list(dict.fromkeys(order)) == roles, line
    assert len(tier_plays) == max(s.tier for s in steps)


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
    report = {"cold_over_critical_path": 1.1, "noop": {"changed": 0, "api_calls": {"read": 133, "mutating": 0}},
              "multi_env": {"ratio": None}}
    results = {t["key"]: t["pass"] for t in bench.evaluate_targets(report)}
    assert results["cold_over_critical_path"] is True
    assert results["noop.api_calls.read"] is False  # more reads than before issue #17 (132)
    assert results["noop.changed"] is True
    assert results["multi_env.ratio"] is None
    assert results["drift.api_calls.read"] is None
    assert not any("sequential" in key for key in results)
    assert results["two_regions.ratio"] is None
    assert bench.PHASES == ("cold", "noop", "drift", "multi", "regions")


def test_multi_inventory_gives_each_host_its_own_region_and_emulators(tmp_path):
    import yaml

    emus = {region: bench.Emulators(tmp_path / region, 1000 + i, 2000 + i, 1.0)
            for i, region in enumerate(bench.MULTI_REGIONS)}
    inventory = bench.write_multi_inventory(tmp_path, emus)
    hosts = json.loads((inventory / "hosts.yml").read_text())["platform"]["hosts"]
    assert len(hosts) == 3
    settings = yaml.safe_load((inventory / "group_vars" / "all" / bench.MULTI_HOST_VARS_FILE).read_text())
    per_host = settings["bench_hosts"]
    assert set(per_host) == set(hosts)
    assert len({h["aws_endpoint_url"] for h in per_host.values()}) == 3
    assert len({h["eks_kubeconfig_path"] for h in per_host.values()}) == 3
    for host in per_host.values():
        assert all(az.startswith(host["aws_region"]) for az in host["vpc_azs"])
    assert (inventory / "group_vars" / "all" / "network.yml").exists()
    assert (inventory / "group_vars" / "all" / "000_shared" / "platform.yml").exists()
    # Loaded after the local inventory's files, so its values win.
    assert sorted(p.name for p in (inventory / "group_vars" / "all").iterdir())[-1] == bench.MULTI_HOST_VARS_FILE


def test_multi_inventory_reaches_the_line_hosts_of_site_yml(tmp_path):
    """site.yml runs the roles on <host>.<line> hosts it adds with the connection settings only:
    each line host must still get its own inventory host's region, AZs and emulators."""
    import yaml

    emus = {region: bench.Emulators(tmp_path / region, 1000 + i, 2000 + i, 1.0)
            for i, region in enumerate(bench.MULTI_REGIONS)}
    inventory = bench.write_multi_inventory(tmp_path, emus)
    site = yaml.safe_load((REPO / "playbooks" / "site.yml").read_text())
    add_hosts = [play for play in site if "add_host" in json.dumps(play.get("tasks", []))]
    assert len(add_hosts) == 1
    out = tmp_path / "seen"
    out.mkdir()
    write = {"name": "Write the settings of every line host", "hosts": "all:!platform", "gather_facts": False,
             "tasks": [{"name": "Write", "ansible.builtin.copy": {
                 "dest": f"{out}/{{{{ inventory_hostname }}}}.json", "mode": "0600",
                 "content": "{{ {'platform_host': platform_host, 'settings': dict(bench__vars | zip(bench__vars"
                            " | map('extract', vars)))} | to_json }}"},
                 "vars": {"bench__vars": list(bench.MULTI_HOST_VARS)}}]}
    playbook = tmp_path / "lines.yml"
    playbook.write_text(yaml.safe_dump([*add_hosts, write]))
    # Without the bench's emulators in the environment: the settings come from the inventory.
    result = run(["ansible-playbook", "-i", str(inventory), str(playbook)],
                 env={"EMULATOR_STATE_DIR": "", "AWS_EMULATOR_PORT": "", "PLATFORM_AWS_ENDPOINT_URL": "",
                      "PLATFORM_KUBECONFIG": ""}, timeout=300)
    assert result.returncode == 0, result.stdout
    seen = {path.stem: json.loads(path.read_text()) for path in out.glob("*.json")}
    lines = yaml.safe_load((REPO / "group_vars" / "all" / "platform.yml").read_text())["platform_lines"]
    assert len(seen) == 3 * len(lines)
    expected = yaml.safe_load((inventory / "group_vars" / "all" / bench.MULTI_HOST_VARS_FILE).read_text())
    for name, host in seen.items():
        assert name.startswith(host["platform_host"] + ".")
        assert host["settings"] == expected["bench_hosts"][host["platform_host"]], name


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
    assert rows["p | read rds"]["shared"] == 0


def test_calls_by_task_splits_tasks_of_hosts_running_side_by_side():
    """strategy free: tasks of the line hosts overlap; a call goes to the task of its service."""
    records = [
        {"play": "Tier 2", "task": "rds : wait", "action": "amazon.aws.rds_instance_info",
         "start": 10.0, "end": 30.0, "status": "ok"},
        {"play": "Tier 2", "task": "amazonmq : read", "action": "cardplatform.aws.mq_broker",
         "start": 12.0, "end": 13.0, "status": "ok"},
        {"play": "Tier 2", "task": "elasticache : logs", "action": "amazon.aws.cloudwatchlogs_log_group",
         "start": 12.5, "end": 14.0, "status": "ok"},
    ]
    entries = [
        {"time": 11.0, "service": "rds", "operation": "DescribeDBInstances", "mutating": False},
        {"time": 12.2, "service": "rds", "operation": "DescribeDBInstances", "mutating": False},
        {"time": 12.6, "service": "mq", "operation": "DescribeBroker", "mutating": False},
        {"time": 12.7, "service": "logs", "operation": "DescribeLogGroups", "mutating": False},
        {"time": 12.8, "service": "sts", "operation": "GetCallerIdentity", "mutating": False},
    ]
    rows = {r["task"]: r for r in bench.calls_by_task(records, entries)}
    assert rows["Tier 2 | rds : wait"]["read"] == 2 and rows["Tier 2 | rds : wait"]["shared"] == 1
    assert rows["Tier 2 | amazonmq : read"]["read"] == 2  # its DescribeBroker; sts to the shortest task
    assert rows["Tier 2 | elasticache : logs"]["operations"] == {"logs:DescribeLogGroups": 1}


def test_projection_to_real_aws_keeps_ansibles_own_time():
    # 29 AWS min at 6 s/min = 174 s modelled; a 230 s run carries 56 s of Ansible's own time.
    result = bench.project_to_aws(230.0, 174.0, 6.0)
    assert result["overhead_s"] == 56.0
    assert result["aws_ratio_estimate"] == pytest.approx((29 * 60 + 56) / (29 * 60), abs=0.01)
    # The cold run waits for site.yml's tiers (29 AWS min) against the 27-minute critical path.
    cold = bench.project_to_aws(230.0, 174.0, 6.0, critical_path_s=162.0)
    assert cold["overhead_s"] == 56.0
    assert cold["aws_ratio_estimate"] == pytest.approx((29 * 60 + 56) / (27 * 60), abs=0.01)
    assert bench.project_to_aws(100.0, 0.0, 0.0)["aws_ratio_estimate"] is None


def test_timeline_shows_when_each_tier_and_line_ran():
    records = [
        {"host": "env", "play": "Validate", "start": 100.0, "end": 101.0},
        {"host": "env.vpc", "play": "Tier 1", "start": 102.0, "end": 110.0},
        {"host": "env.secrets", "play": "Tier 1", "start": 102.5, "end": 104.0},
        {"host": "env.rds", "play": "Tier 2", "start": 111.0, "end": 200.0},
        {"host": "env.rds", "play": "Tier 2", "start": 150.0, "end": None},
        {"host": "env", "play": "Tier 3", "start": 201.0, "end": 210.5},
    ]
    result = bench.timeline(records)
    assert [p["play"] for p in result["plays"]] == ["Validate", "Tier 1", "Tier 2", "Tier 3"]
    assert result["plays"][1] == {"play": "Tier 1", "start_s": 2.0, "end_s": 10.0}
    assert {h["host"]: (h["start_s"], h["end_s"]) for h in result["hosts"]}["env"] == (0.0, 110.5)
    assert bench.timeline([]) == {"plays": [], "hosts": []}


def test_slowest_lists_the_longest_tasks_with_their_offset():
    records = [{"task": "a", "action": "x", "start": 100.0, "duration": 1.0, "status": "ok"},
               {"task": "b", "action": "y", "start": 105.0, "duration": 9.0, "status": "changed"},
               {"task": "c", "action": "z", "start": None, "duration": None, "status": "ok"}]
    rows = bench.slowest(records)
    assert [r["task"] for r in rows] == ["b [y]", "a [x]"]
    assert rows[0]["at_s"] == 5.0 and rows[0]["s"] == 9.0
    assert bench.slowest([]) == []


def test_a_whole_bench_run_reports_the_targets(monkeypatch, tmp_path, capsys):
    """Bench.run() and the table end to end, with the playbook runs and the emulators faked."""
    calls = []

    def fake_run_playbook(name, argv, env, logs, work):
        calls.append((name, argv))
        records = [{"host": "local-us-east-1.vpc", "play": "Tier 1", "task": "vpc : read", "start": 1.0, "end": 2.0,
                    "duration": 1.0, "action": "amazon.aws.ec2_vpc_net_info", "status": "ok"}]
        return bench.Run(name, 0, {"cold": 200.0, "multi3": 260.0, "regions": 280.0}.get(name, 60.0),
                         {"local-us-east-1": {"changed": 0 if name == "noop" else 5}}, records)

    requests = [{"service": "ec2", "operation": "DescribeVpcs", "mutating": False, "status": 200, "time": 1.5}]
    monkeypatch.setattr(bench, "run_playbook", fake_run_playbook)
    monkeypatch.setattr(bench, "git_facts", lambda: {"commit": None, "dirty": True})
    monkeypatch.setattr(bench.Emulators, "up", lambda self: self)
    monkeypatch.setattr(bench.Emulators, "down", lambda self: None)
    monkeypatch.setattr(bench.Emulators, "clear_logs", lambda self: None)
    monkeypatch.setattr(bench.Emulators, "aws_requests", lambda self: requests)
    monkeypatch.setattr(bench.Emulators, "k8s_requests", lambda self: [])
    output = tmp_path / "bench.json"
    assert bench.main(["--time-scale", "6", "--output", str(output), "--work-dir", str(tmp_path / "work")]) == 0
    assert [name for name, _ in calls] == ["cold", "noop", "drift", "multi3", "regions"]
    assert not any("platform_overlap" in arg for _, argv in calls for arg in argv)
    report = json.loads(output.read_text())
    assert "sequential" not in report and "overlap_switch_in_site_yml" not in report
    assert report["graph"]["critical_path_aws_min"] == 27
    # site.yml's tiers and lines add no wait to the local path (the NAT wait is on the eks line).
    assert report["graph"]["site_yml_path_aws_min"] == 27
    assert report["cold"]["critical_path_s"] == 162.0 and report["cold"]["site_yml_path_s"] == 162.0
    assert report["cold"]["ratio"] == pytest.approx(200 / 162, abs=0.01)
    assert report["cold"]["overhead_s"] == 38.0
    assert report["cold"]["timeline"]["plays"] == [{"play": "Tier 1", "start_s": 0.0, "end_s": 1.0}]
    assert report["multi_env"]["ratio"] == 1.3
    assert report["two_regions"]["ratio"] == 1.4 and report["two_regions"]["wall_s_1"] == 200.0
    targets = {t["key"]: t["pass"] for t in report["targets"]}
    assert targets["cold_over_critical_path"] is False and targets["multi_env.ratio"] is True
    assert targets["two_regions.ratio"] is True
    assert targets["noop.api_calls.read"] is True and targets["noop.changed"] is True
    table = capsys.readouterr().out
    assert "(27.0 AWS min)" in table and "(29.0 AWS min)" not in table and "sequential" not in table


def test_two_region_inventory_shares_one_aws_emulator_with_a_cidr_block_per_region(tmp_path):
    import yaml

    emus = {region: bench.Emulators(tmp_path / region, 1000 + i, 2000 + i, 1.0)
            for i, region in enumerate(bench.TWO_REGIONS)}
    inventory = bench.write_multi_inventory(tmp_path, emus, shared_aws=emus["us-east-1"], cidrs=bench.TWO_REGIONS)
    settings = yaml.safe_load((inventory / "group_vars" / "all" / bench.MULTI_HOST_VARS_FILE).read_text())
    per_host = settings["bench_hosts"]
    assert {h["aws_endpoint_url"] for h in per_host.values()} == {"http://127.0.0.1:1000"}
    assert len({h["k8s_kubeconfig"] for h in per_host.values()}) == 2
    assert {h["aws_region"]: h["vpc_cidr_block"] for h in per_host.values()} == bench.TWO_REGIONS
    assert settings["vpc_cidr_block"] == "{{ bench_hosts[platform_host].vpc_cidr_block }}"
