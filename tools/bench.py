#!/usr/bin/env python3
"""Benchmark: how close does a converge get to the critical path of the platform? (`make bench`)

Runs the real playbooks on private embedded emulators with the AWS lifecycle delays on
(AWS_EMULATOR_TIME_SCALE seconds per AWS minute) and measures, in this order:

  cold        site.yml on fresh emulators; compared with the critical path computed from the
              emulator's modelled durations (tests/emulators/aws_realism.py) over the graph below
              (issue #17: the physical chain, RDS writer -> replica after the subnets), and with
              the longest path once site.yml's tiers and lines are added (a tier starts when the
              one before it has ended, a line runs its roles in order); `cold.timeline` shows
              when each tier and line ran
  noop        site.yml again: wall time, changed count, AWS calls read/mutating (the AWS
              emulator's request log), Kubernetes requests, tasks run, per-task overhead
  drift       playbooks/drift_check.yml on the converged platform: wall time, AWS calls
  multi       a generated inventory of 3 hosts (us-east-1, us-west-2, eu-west-1, each with its own
              AWS and Kubernetes emulator) versus the same inventory with 1 host, both cold
  regions     two regions of one environment (us-east-1 10.0.0.0/16, eu-west-1 10.1.0.0/16) on ONE
              AWS emulator (one account: IAM global, as in AWS), each with its own Kubernetes API,
              cold, versus the cold run (issue #21)

Prints a table and writes reports/bench.json (and each run's log to reports/bench/).
Not a test: `make test` runs only tests/test_bench.py (the parts below, without a converge).

    .venv/bin/python tools/bench.py [--time-scale 6] [--phases cold,noop,drift,multi,regions]

BENCH_TIME_SCALE overrides the default time scale; see docs/performance.md for why it is what it is.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import os
import platform as pyplatform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "emulators"))

import aws_realism  # noqa: E402  (the modelled durations: one source of truth)

BIN = Path(sys.executable).parent
CTL = REPO / "tests" / "emulators" / "ctl.py"

# Seconds of emulated wait per AWS minute. 6 makes an AWS hour 6 minutes: the critical path
# (27 AWS min) lasts ~2.7 min, several times Ansible's own serial work on the critical path, and
# the whole benchmark stays well under ~25 min on a 2-core machine (docs/performance.md).
DEFAULT_TIME_SCALE = 6.0
PHASES = ("cold", "noop", "drift", "multi", "regions")
# The regions phase: production's two regions (inventories/production/hosts.yml), CIDR blocks.
TWO_REGIONS = {"us-east-1": "10.0.0.0/16", "eu-west-1": "10.1.0.0/16"}
MULTI_REGIONS = {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
}
AWS_ACTION_PREFIXES = ("amazon.aws.", "community.aws.", "cardplatform.aws.")
K8S_ACTION_PREFIXES = ("kubernetes.core.",)

# The issues' targets (issue #8, revised by issue #17). "le"/"ge"/"eq": measured value compared
# with the bound.
NOOP_READS_BEFORE = 132  # no-op AWS reads of the last bench before issue #17 (docs/performance.md)
TARGETS = [
    ("cold_over_critical_path", "le", 1.2, "cold converge <= 1.2 x critical path"),
    ("noop.changed", "eq", 0, "no-op: 0 changed"),
    ("noop.api_calls.mutating", "eq", 0, "no-op: 0 mutating AWS calls"),
    ("noop.api_calls.read", "le", NOOP_READS_BEFORE,
     f"no-op: <= {NOOP_READS_BEFORE} read AWS calls (before #17)"),
    ("drift.api_calls.mutating", "eq", 0, "drift check: 0 mutating AWS calls"),
    ("drift.api_calls.read", "le", 100, "drift check: <= 100 read AWS calls per environment"),
    ("task_overhead_s.median", "le", 1.0, "median AWS task overhead <= 1 s"),
    ("multi_env.ratio", "le", 1.5, "3 environments <= 1.5 x one"),
    ("two_regions.ratio", "le", 1.5, "2 regions of one environment, one account <= 1.5 x one region"),
]


# ---------------------------------------------------------------------------------------------
# The dependency graph, declared once. Each step waits for the steps in `after`; `duration` is a
# key of aws_realism.DEFAULT_DURATIONS (AWS minutes) or None for steps with no modelled wait
# (their cost is Ansible's own work, which the critical path leaves out on purpose). `tier` is
# the play of playbooks/site.yml that runs the step, `line` the line of work (platform_lines)
# whose host runs it: a line runs its roles one after the other.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    duration: str | None
    after: tuple[str, ...] = ()
    tier: int = 0  # site.yml's tier (1, 2, 3); 0: not placed in a tier
    line: str = ""  # the line of platform_lines that runs it; "": none


# Step names used in more than one place below.
VPC = "vpc (VPC, subnets, security groups)"
NAT = "vpc_egress NAT gateways"
ROUTING = "vpc_egress routing, endpoints"
SECRETS = "secrets (KMS key, secrets)"


def platform_graph(topology: dict[str, Any]) -> list[Step]:
    """The platform's steps for an inventory's topology (Multi-AZ RDS, MQ deployment mode...).

    Issue #17: each step waits for what it uses, so the critical path is the physical chain.
    RDS, ElastiCache and Amazon MQ need the subnets and security groups (vpc) and the KMS key
    and secrets (secrets), not the NAT gateways; the EKS cluster needs the subnets and its
    security groups; the node groups need the cluster and the private subnets' routes (NAT
    gateways or endpoints: the vpc_egress role, first on the eks line) to join it.
    cluster_addons (Helm: load balancer controller, cluster autoscaler) and external_secrets run
    on the eks line after the eks role (the cluster's OIDC issuer, nodes for the controllers); no
    AWS lifecycle delay of their own; neither has ecr, after the key on the secrets line. The
    application needs every tier-2 line. For `local` the path is the
    RDS writer -> read replica, 15 + 12 = 27 AWS minutes.

    site.yml adds waits of its own (tier 2 starts when all of tier 1 has ended; on the eks line
    the cluster starts after vpc_egress, the NAT wait included): with_tiers() adds them, to show
    what site.yml's structure costs.
    """
    rds_create = "rds.instance.create_multi_az" if topology.get("rds_multi_az", True) else "rds.instance.create"
    mq_create = ("mq.broker.create_cluster" if topology.get("amazonmq_deployment_mode", "CLUSTER_MULTI_AZ")
                 == "CLUSTER_MULTI_AZ" else "mq.broker.create")
    data = (VPC, SECRETS)  # what RDS, ElastiCache and Amazon MQ use
    steps = [
        Step(VPC, None, (), 1, "vpc"),
        Step(SECRETS, None, (), 1, "secrets"),
        Step("ecr", None, (SECRETS,), 1, "secrets"),
        Step("rds writer", rds_create, data, 2, "rds"),
        Step("elasticache replication group", "elasticache.replication_group.create", data, 2, "elasticache"),
        Step("amazonmq broker", mq_create, data, 2, "amazonmq"),
        Step(NAT, "ec2.nat_gateway.create", (VPC,), 2, "eks"),
        Step(ROUTING, None, (NAT,), 2, "eks"),
        Step("eks cluster", "eks.cluster.create", (VPC,), 2, "eks"),
        Step("eks node groups", "eks.nodegroup.create", ("eks cluster", ROUTING), 2, "eks"),
        Step("cluster_addons", None, ("eks node groups",), 2, "eks"),
        Step("external_secrets", None, ("cluster_addons", SECRETS), 2, "eks"),
        Step("ci_runners", None, (VPC,), 2, "ci_runners"),
    ]
    rds_last = "rds writer"
    if topology.get("rds_replica_enabled", True):
        steps.append(Step("rds read replica", "rds.instance.replica", ("rds writer",), 2, "rds"))
        rds_last = "rds read replica"
    steps.append(Step("app_deploy", None,
                      (ROUTING, rds_last, "elasticache replication group", "amazonmq broker", "external_secrets"), 3))
    # Beside app_deploy on a line of its own: the alarms need the data services only.
    steps.append(Step("monitoring", None, (SECRETS, rds_last, "elasticache replication group", "amazonmq broker"), 3, "monitoring"))
    return steps


def with_tiers(steps: list[Step]) -> list[Step]:
    """The graph as playbooks/site.yml runs it: each step also waits for every step of the tier
    before its own (a play starts when the one before it has ended on every host) and for the
    step declared before it on its line (a line's host runs its roles one after the other)."""
    tiers = sorted({s.tier for s in steps if s.tier})
    result = []
    for index, step in enumerate(steps):
        earlier = [t for t in tiers if t < step.tier]
        barrier = [s.name for s in steps if earlier and s.tier == earlier[-1] and s.name not in step.after]
        same_line = [s.name for s in steps[:index] if step.line and s.line == step.line and s.tier == step.tier]
        before = [same_line[-1]] if same_line and same_line[-1] not in (*step.after, *barrier) else []
        result.append(Step(step.name, step.duration, (*step.after, *barrier, *before), step.tier, step.line))
    return result


def modelled_durations(env: dict[str, str] | None = None) -> dict[str, float]:
    """aws_realism's durations (AWS minutes) with AWS_EMULATOR_DURATIONS applied, as the emulator does."""
    durations = dict(aws_realism.DEFAULT_DURATIONS)
    override = (env if env is not None else os.environ).get(aws_realism.ENV_DURATIONS)
    if override:
        text = Path(override[1:]).read_text(encoding="utf-8") if override.startswith("@") else override
        durations.update({k: float(v) for k, v in json.loads(text).items()})
    return durations


def critical_path(steps: list[Step], minutes: dict[str, float], time_scale: float) -> tuple[float, list[str]]:
    """Longest path through the graph in seconds (AWS minutes x time scale), and its steps."""
    by_name = {s.name: s for s in steps}
    if len(by_name) != len(steps):
        raise ValueError("duplicate step names in the graph")
    for step in steps:
        for dep in step.after:
            if dep not in by_name:
                raise ValueError(f"step {step.name!r} waits for unknown step {dep!r}")
        if step.duration is not None and step.duration not in minutes:
            raise ValueError(f"step {step.name!r}: no modelled duration {step.duration!r}")
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    visiting: set[str] = set()

    def visit(name: str) -> float:
        if name in finish:
            return finish[name]
        if name in visiting:
            raise ValueError(f"the graph has a cycle through {name!r}")
        visiting.add(name)
        step = by_name[name]
        start, parent = 0.0, None
        for dep in step.after:
            end = visit(dep)
            if parent is None or end > start:
                start, parent = end, dep
        own = minutes[step.duration] * time_scale if step.duration else 0.0
        finish[name], via[name] = start + own, parent
        visiting.discard(name)
        return finish[name]

    for step in steps:
        visit(step.name)
    # End the path at a step nothing waits for (app_deploy rather than the replica it follows).
    needed = {dep for s in steps for dep in s.after}
    last = max(steps, key=lambda s: (finish[s.name], s.name not in needed)).name if steps else None
    path: list[str] = []
    while last is not None:
        path.append(last)
        last = via[last]
    return (max(finish.values()) if finish else 0.0), path[::-1]


# ---------------------------------------------------------------------------------------------
# Pure helpers: percentiles, the recap, request-log summaries, targets
# ---------------------------------------------------------------------------------------------


def percentile(values: Iterable[float], pct: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC)."""
    data = sorted(values)
    if not data:
        return None
    if not 0 <= pct <= 100:
        raise ValueError("pct must be in [0, 100]")
    rank = (len(data) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


_RECAP_LINE = re.compile(r"^(?P<host>\S+)\s*:\s*(?P<counts>(?:\w+=\d+\s*)+)$")


def parse_recap(output: str) -> dict[str, dict[str, int]]:
    """Per-host counters of the PLAY RECAP at the end of ansible-playbook's default output."""
    hosts: dict[str, dict[str, int]] = {}
    in_recap = False
    for line in output.splitlines():
        if line.startswith("PLAY RECAP"):
            in_recap, hosts = True, {}
            continue
        if not in_recap:
            continue
        match = _RECAP_LINE.match(line.strip())
        if match:
            hosts[match["host"]] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match["counts"])}
        elif line.strip() and hosts:
            in_recap = False
    return hosts


def recap_totals(hosts: dict[str, dict[str, int]]) -> dict[str, int]:
    totals: collections.Counter[str] = collections.Counter()
    for counts in hosts.values():
        totals.update(counts)
    return dict(totals)


def summarize_aws_requests(entries: list[dict[str, Any]], top: int = 15) -> dict[str, Any]:
    # The run lock (roles/run_lock, DynamoDB: the only DynamoDB the platform uses) is the run's
    # bookkeeping, not a change of the platform: a no-op converge takes and releases it (a
    # conditional PutItem and a GetItem, a conditional DeleteItem). Counted on its own, so that
    # "0 mutating calls" still means the platform was not written.
    lock = [e for e in entries if e.get("service") == "dynamodb"]
    entries = [e for e in entries if e.get("service") != "dynamodb"]
    read = [e for e in entries if not e.get("mutating")]
    mutating = [e for e in entries if e.get("mutating")]
    by_service = collections.Counter(e["service"] for e in entries)
    return {
        "total": len(entries),
        "read": len(read),
        "mutating": len(mutating),
        "errors": sum(1 for e in entries if (e.get("status") or 0) >= 400 and not e.get("dry_run")),
        "run_lock": dict(collections.Counter(e["operation"] for e in lock).most_common()),
        "by_service": dict(by_service.most_common()),
        "top_read_operations": dict(collections.Counter(f"{e['service']}:{e['operation']}" for e in read).most_common(top)),
        "mutating_operations": dict(collections.Counter(f"{e['service']}:{e['operation']}" for e in mutating).most_common()),
    }


def summarize_k8s_requests(entries: list[dict[str, Any]]) -> dict[str, Any]:
    def kind(entry: dict[str, Any]) -> str:
        if "dryRun=" in (entry.get("query") or ""):
            return "dry_run"
        return "read" if entry.get("method") in ("GET", "HEAD") else "mutating"

    counts = collections.Counter(kind(e) for e in entries)
    return {"total": len(entries), "read": counts["read"], "mutating": counts["mutating"],
            "dry_run": counts["dry_run"],
            "mutating_requests": dict(collections.Counter(f"{e['method']} {e['path']}" for e in entries
                                                          if kind(e) == "mutating").most_common(20))}


def peak_rate(entries: list[dict[str, Any]], window_s: float = 1.0) -> dict[str, int]:
    """Per service: the most calls seen in any `window_s` window (sliding, from the log's epoch times)."""
    times: dict[str, list[float]] = collections.defaultdict(list)
    for entry in entries:
        times[entry["service"]].append(float(entry["time"]))
    peaks = {}
    for service, stamps in times.items():
        stamps.sort()
        best, low = 0, 0
        for high, stamp in enumerate(stamps):
            while stamp - stamps[low] >= window_s:
                low += 1
            best = max(best, high - low + 1)
        peaks[service] = best
    return dict(sorted(peaks.items(), key=lambda kv: -kv[1]))


def _module_matches(action: str, service: str) -> bool:
    """Whether a task's module plausibly made a call to `service` (ec2_vpc_net -> ec2,
    cloudwatchlogs_log_group -> logs, mq_broker -> mq)."""
    return service in action.rsplit(".", 1)[-1].split("_", 1)[0]


def calls_by_task(records: list[dict[str, Any]], entries: list[dict[str, Any]], top: int = 15) -> list[dict[str, Any]]:
    """Attribute each logged AWS call to the task running when it arrived.

    site.yml runs several hosts at once (a line of work each, strategy free), so a call may
    arrive while tasks of several hosts run: it goes to the one whose module belongs to the
    call's service (ec2_* for ec2, rds_* for rds...), else to the shortest of them, and counts
    as `shared` in that task's row. Calls that fall outside every task (or inside async jobs
    still running in the background) count under "(between tasks)".
    """
    spans = sorted((r["start"], r["end"], f"{r['play']} | {r['task']}", r.get("action") or "") for r in records
                   if r.get("start") is not None and r.get("status") != "skipped")
    tally: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for entry in entries:
        stamp = float(entry["time"])
        running = []
        for start, end, name, action in spans:  # a few hundred spans: linear is fine
            if start > stamp:
                break
            if stamp <= end:
                running.append((not _module_matches(action, entry["service"]), end - start, name))
        owner = min(running)[2] if running else "(between tasks)"
        tally[owner]["mutating" if entry.get("mutating") else "read"] += 1
        tally[owner]["shared"] += len(running) > 1
        tally[owner][f"op:{entry['service']}:{entry['operation']}"] += 1
    rows = []
    for name, counter in tally.items():
        ops = {k[3:]: v for k, v in counter.most_common() if k.startswith("op:")}
        rows.append({"task": name, "read": counter["read"], "mutating": counter["mutating"],
                     "shared": counter["shared"], "operations": dict(list(ops.items())[:5])})
    rows.sort(key=lambda r: -(r["read"] + r["mutating"]))
    return rows[:top]


def task_overhead(records: list[dict[str, Any]], prefixes: tuple[str, ...] = AWS_ACTION_PREFIXES) -> dict[str, Any]:
    """Median/p95 of the wall time per module invocation of tasks whose action is in `prefixes`.

    One sample per task and host; a loop task gives one sample per item (its duration divided by
    the number of items). Skipped tasks never start the module and are left out; so are async
    tasks (their duration is the launch, not the work).
    """
    samples: list[float] = []
    slowest: list[tuple[float, str]] = []
    for rec in records:
        action = rec.get("action") or ""
        if not action.startswith(prefixes) or rec.get("status") == "skipped" or rec.get("duration") is None:
            continue
        if rec.get("async"):
            continue
        items = rec.get("items") or 1
        per_item = rec["duration"] / items
        samples.extend([per_item] * items)
        slowest.append((rec["duration"], f"{rec['task']} [{action}]" + (f" x{items}" if items > 1 else "")))
    slowest.sort(reverse=True)
    return {
        "median": _round(percentile(samples, 50)),
        "p95": _round(percentile(samples, 95)),
        "samples": len(samples),
        "total_s": _round(sum(samples)),
        "slowest_tasks": [{"task": name, "s": _round(d)} for d, name in slowest[:10]],
    }


def slowest(records: list[dict[str, Any]], top: int = 12) -> list[dict[str, Any]]:
    """The longest task executions, with their offset from the first task (where a run's time goes)."""
    timed = [r for r in records if r.get("duration") is not None and r.get("start") is not None]
    if not timed:
        return []
    origin = min(r["start"] for r in timed)
    timed.sort(key=lambda r: -r["duration"])
    return [{"task": f"{r['task']} [{r['action']}]", "at_s": _round(r["start"] - origin, 1),
             "s": _round(r["duration"], 1), "status": r["status"]} for r in timed[:top]]


def timeline(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """When each play (site.yml's tiers) and each host (its lines of work) ran, in seconds from
    the first task: where a cold run's time goes between the critical path's waits."""
    timed = [r for r in records if r.get("start") is not None and r.get("end") is not None]
    if not timed:
        return {"plays": [], "hosts": []}
    origin = min(r["start"] for r in timed)
    result: dict[str, list[dict[str, Any]]] = {}
    for key in ("play", "host"):
        spans: dict[str, list[float]] = {}
        for rec in timed:
            span = spans.setdefault(rec.get(key) or "?", [rec["start"], rec["end"]])
            span[0], span[1] = min(span[0], rec["start"]), max(span[1], rec["end"])
        result[f"{key}s"] = [{key: name, "start_s": _round(start - origin, 1), "end_s": _round(end - origin, 1)}
                             for name, (start, end) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[0]))]
    return result


def _round(value: float | None, ndigits: int = 3) -> float | None:
    return None if value is None else round(value, ndigits)


def project_to_aws(wall_s: float, modelled_s: float, time_scale: float,
                   critical_path_s: float | None = None) -> dict[str, float | None]:
    """Ansible's own time in a run (wall minus the modelled waits it contains) and the ratio the
    same run would reach on real AWS, where an AWS minute lasts 60 s and Ansible's time stays.

    `modelled_s` is the modelled wait the run contains: for the cold run the longest path with
    site.yml's tiers (with_tiers), compared with the critical path `critical_path_s`. An
    estimate: it assumes the run's overhead does not grow with the waits (polling does a
    little) and that the cold run follows that path.
    """
    if not time_scale or not modelled_s:
        return {"overhead_s": _round(wall_s - modelled_s, 1), "aws_ratio_estimate": None}
    overhead = wall_s - modelled_s
    real_modelled = modelled_s / time_scale * 60
    real_cp = (critical_path_s if critical_path_s is not None else modelled_s) / time_scale * 60
    return {"overhead_s": _round(overhead, 1), "aws_ratio_estimate": _round((real_modelled + overhead) / real_cp, 2)}


def lookup(report: dict[str, Any], dotted: str) -> Any:
    value: Any = report
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def evaluate_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    results = []
    for key, op, bound, text in TARGETS:
        value = lookup(report, key)
        if value is None:
            passed = None
        elif op == "le":
            passed = value <= bound
        elif op == "ge":
            passed = value >= bound
        else:
            passed = value == bound
        results.append({"key": key, "target": text, "op": op, "bound": bound, "value": value, "pass": passed})
    return results


# ---------------------------------------------------------------------------------------------
# Emulators and playbook runs
# ---------------------------------------------------------------------------------------------


def free_port(preferred: int | None = None) -> int:
    if preferred:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", preferred)) != 0:
                return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Emulators:
    """One AWS + Kubernetes emulator pair, started with tests/emulators/ctl.py."""

    state_dir: Path
    aws_port: int
    k8s_port: int
    time_scale: float

    @property
    def env(self) -> dict[str, str]:
        return {"EMULATOR_STATE_DIR": str(self.state_dir), "AWS_EMULATOR_PORT": str(self.aws_port),
                "K8S_EMULATOR_PORT": str(self.k8s_port), aws_realism.ENV_TIME_SCALE: str(self.time_scale)}

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    @property
    def kubeconfig(self) -> Path:
        return self.state_dir / "kubeconfig"

    def _ctl(self, action: str) -> None:
        result = subprocess.run([sys.executable, str(CTL), action], env={**os.environ, **self.env},
                                capture_output=True, text=True, timeout=180, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"ctl.py {action} failed: {result.stdout}{result.stderr}")

    def up(self) -> Emulators:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._ctl("up")
        return self

    def down(self) -> None:
        self._ctl("down")

    def _http(self, method: str, url: str) -> Any:
        request = urllib.request.Request(url, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (127.0.0.1 only)
            return json.loads(response.read() or b"null")

    def clear_logs(self) -> None:
        self._http("DELETE", f"{self.endpoint_url}/_emulator/requests")
        self._http("DELETE", f"http://127.0.0.1:{self.k8s_port}/emulator/requests")

    def aws_requests(self) -> list[dict[str, Any]]:
        return self._http("GET", f"{self.endpoint_url}/_emulator/requests")

    def k8s_requests(self) -> list[dict[str, Any]]:
        return self._http("GET", f"http://127.0.0.1:{self.k8s_port}/emulator/requests").get("items", [])


@dataclass
class Run:
    name: str
    rc: int
    wall_s: float
    recap: dict[str, dict[str, int]]
    records: list[dict[str, Any]] = field(default_factory=list)
    log: Path | None = None

    @property
    def totals(self) -> dict[str, int]:
        return recap_totals(self.recap)


def run_playbook(name: str, argv: list[str], env: dict[str, str], logs: Path, work: Path) -> Run:
    timer = work / f"{name}-timer.json"
    log = logs / f"{name}.log"
    # ansible.cfg's callbacks (the run lock's release after a failure) stay on beside the timer.
    callbacks = ",".join(filter(None, [os.environ.get("ANSIBLE_CALLBACKS_ENABLED", "cardplatform.aws.run_lock"), "bench_timer"]))
    inherited = {k: v for k, v in os.environ.items()
                 if k not in ("PLATFORM_AWS_ENDPOINT_URL", "PLATFORM_KUBECONFIG")}  # the bench's emulators only
    full_env = {
        **inherited,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_HOME": str(REPO / ".ansible"),
        "ANSIBLE_CALLBACK_PLUGINS": str(REPO / "tools" / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": callbacks,
        "ANSIBLE_NOCOLOR": "1",
        "BENCH_TIMER_OUTPUT": str(timer),
        **env,
    }
    print(f"  [{time.strftime('%H:%M:%S')}] {name}: ansible-playbook {' '.join(argv)}", flush=True)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as handle:
        proc = subprocess.run([str(BIN / "ansible-playbook"), *argv], cwd=REPO, env=full_env, stdout=handle,
                              stderr=subprocess.STDOUT, check=False)
    wall = time.monotonic() - started
    output = log.read_text(encoding="utf-8", errors="replace")
    records = json.loads(timer.read_text())["tasks"] if timer.exists() else []
    run = Run(name, proc.returncode, wall, parse_recap(output), records, log)
    print(f"  [{time.strftime('%H:%M:%S')}] {name}: rc={run.rc} {wall:.1f} s {run.totals}", flush=True)
    return run


def load_topology(inventory: Path) -> dict[str, Any]:
    import yaml  # PyYAML comes with ansible-core

    values: dict[str, Any] = {}
    for path in sorted((inventory / "group_vars" / "all").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        values.update({k: v for k, v in data.items() if not isinstance(v, str) or "{{" not in v})
    return values


# The multi-environment inventory's per-host settings. site.yml runs each role on a host of its
# line (<inventory host>.<line>, added with the inventory host's connection settings only), so
# host vars of the inventory host would not reach the roles: the settings live in group_vars,
# keyed by platform_host (the inventory host on every host of its lines). Loaded after the
# local inventory's own files (group_vars files load in name order, the last one wins).
MULTI_HOST_VARS_FILE = "zz_bench_hosts.yml"
MULTI_HOST_VARS = ("aws_region", "vpc_azs", "aws_endpoint_url", "k8s_kubeconfig", "eks_kubeconfig_path")


def write_multi_inventory(root: Path, hosts: dict[str, Emulators], shared_aws: Emulators | None = None,
                          cidrs: dict[str, str] | None = None) -> Path:
    """An inventory dir with the local inventory's group_vars and one host per region, each with
    its own region, AZs, emulators and kubeconfig (MULTI_HOST_VARS_FILE). With `shared_aws` every
    host talks to that AWS emulator (one account), with `cidrs` each region has its CIDR block."""
    import yaml  # PyYAML comes with ansible-core

    inventory = root / "inventory"
    group_vars = inventory / "group_vars" / "all"
    group_vars.mkdir(parents=True, exist_ok=True)
    for source in (REPO / "inventories" / "local" / "group_vars" / "all").iterdir():
        target = group_vars / source.name
        if not target.exists():
            target.symlink_to(source.resolve())
    host_entries, settings = {}, {}
    for region, emus in hosts.items():
        name = f"local-{region}"
        host_entries[name] = {"ansible_connection": "local",
                              "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
        settings[name] = {
            "aws_region": region,
            "vpc_azs": MULTI_REGIONS[region],
            "aws_endpoint_url": (shared_aws or emus).endpoint_url,
            "k8s_kubeconfig": str(emus.kubeconfig),
            # The default (<inventory>/../../.kube/<cluster>.yml) is one file for every host.
            "eks_kubeconfig_path": str(root / "kube" / f"{name}.yml"),
            **({"vpc_cidr_block": cidrs[region]} if cidrs else {}),
        }
    (root / "kube").mkdir(exist_ok=True)
    (inventory / "hosts.yml").write_text(json.dumps({"platform": {"hosts": host_entries}}, indent=2))
    variables = [*MULTI_HOST_VARS, *(["vpc_cidr_block"] if cidrs else [])]
    host_vars = {"bench_hosts": settings,
                 **{var: f"{{{{ bench_hosts[platform_host].{var} }}}}" for var in variables}}
    (group_vars / MULTI_HOST_VARS_FILE).write_text(
        "---\n# tools/bench.py: each inventory host's settings, for its line hosts too (platform_host).\n"
        + yaml.safe_dump(host_vars, sort_keys=False, default_flow_style=False))
    return inventory


def machine_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {"cpus": os.cpu_count(), "platform": pyplatform.platform(),
                             "python": pyplatform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                facts["cpu_model"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()
        facts["memory_gib"] = round(int(mem[1]) / 1024 / 1024, 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        from ansible.release import __version__ as ansible_core
        facts["ansible_core"] = ansible_core
    except ImportError:
        pass
    try:
        import moto
        facts["moto"] = moto.__version__
    except ImportError:
        pass
    facts["load_average_start"] = list(os.getloadavg())
    return facts


def git_facts() -> dict[str, Any]:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


# ---------------------------------------------------------------------------------------------
# The phases
# ---------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scale = args.time_scale
        self.work = Path(args.work_dir or tempfile.mkdtemp(prefix="bench-")).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.logs = (REPO / args.output).parent / "bench"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.next_port = args.port_base
        self.running: list[Emulators] = []
        self.report: dict[str, Any] = {}
        self.minutes = modelled_durations()
        self.topology = load_topology(REPO / "inventories" / "local")
        self.steps = platform_graph(self.topology)
        self.site_steps = with_tiers(self.steps)
        # The local inventory's MQ timeout (120 s) suits instant emulators; a converge with
        # lifecycle delays needs room for the modelled create (x2 for a loaded machine).
        longest = max(self.minutes[s.duration] for s in self.steps if s.duration) * self.scale
        self.extra_vars: dict[str, Any] = {}
        for var in ("amazonmq_wait_timeout",):
            current = self.topology.get(var)
            if isinstance(current, int) and current < 2 * longest + 60:
                self.extra_vars[var] = int(2 * longest + 60)

    def emulators(self, name: str) -> Emulators:
        aws = free_port(self._port())
        k8s = free_port(self._port())
        emus = Emulators(self.work / name, aws, k8s, self.scale).up()
        self.running.append(emus)
        return emus

    def _port(self) -> int | None:
        if not self.next_port:
            return None
        port, self.next_port = self.next_port, self.next_port + 1
        return port

    def stop(self, emus: Emulators) -> None:
        emus.down()
        self.running.remove(emus)

    def stop_all(self) -> None:
        for emus in list(self.running):
            try:
                self.stop(emus)
            except Exception as exc:  # noqa: BLE001 - keep stopping the others
                print(f"warning: could not stop emulators in {emus.state_dir}: {exc}", file=sys.stderr)

    def extra(self, *more: str) -> list[str]:
        argv = []
        if self.extra_vars:
            argv += ["-e", json.dumps(self.extra_vars)]
        for item in more:
            argv += ["-e", item]
        return argv

    def site(self, name: str, emus: Emulators, *extra: str, inventory: str = "inventories/local") -> Run:
        # The eks role writes the kubeconfig to <repo>/.kube/<cluster>.yml by default: one file
        # for every converge of the local inventory on this machine (make site, tests, other
        # sessions). Another run rewriting it would show up as a change in the no-op run.
        kubeconfig = emus.state_dir / "eks-kubeconfig.yml"
        return run_playbook(name, ["site.yml", "-i", inventory, *self.extra(*extra),
                                   "-e", f"eks_kubeconfig_path={kubeconfig}"], emus.env, self.logs, self.work)

    def run(self) -> dict[str, Any]:
        phases = self.args.phases
        # In AWS minutes first: at time scale 0 every path would last 0 s and none be the longest.
        cp_min, cp_path = critical_path(self.steps, self.minutes, 1.0)
        site_min, site_path = critical_path(self.site_steps, self.minutes, 1.0)
        cp_s, site_s = cp_min * self.scale, site_min * self.scale
        report = self.report = {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "time_scale": self.scale,
            "git": git_facts(),
            "machine": machine_facts(),
            "extra_vars": self.extra_vars,
            "graph": {
                "steps": [{"name": s.name, "tier": s.tier, "line": s.line, "duration_key": s.duration,
                           "aws_minutes": self.minutes.get(s.duration) if s.duration else 0,
                           "after": list(s.after)} for s in self.steps],
                "critical_path": cp_path,
                "critical_path_aws_min": round(cp_min, 2),
                # The same graph with site.yml's tiers: what its structure waits for at the least.
                "site_yml_path": site_path,
                "site_yml_path_aws_min": round(site_min, 2),
            },
        }
        started = time.monotonic()
        try:
            if "cold" in phases or "noop" in phases or "drift" in phases:
                emus = self.emulators("platform")
                cold = self.site("cold", emus)
                self._check(cold)
                report["cold"] = {"wall_s": _round(cold.wall_s, 1), "critical_path_s": _round(cp_s, 1),
                                  "site_yml_path_s": _round(site_s, 1),
                                  "ratio": _round(cold.wall_s / cp_s, 2) if cp_s else None,
                                  "changed": cold.totals.get("changed"), "rc": cold.rc,
                                  "api_calls": summarize_aws_requests(emus.aws_requests())}
                report["cold"].update(project_to_aws(cold.wall_s, site_s, self.scale, cp_s))
                report["cold"]["slowest_tasks"] = slowest(cold.records)
                report["cold"]["timeline"] = timeline(cold.records)
                report["cold_over_critical_path"] = report["cold"]["ratio"]
                self.checkpoint()
                if "noop" in phases:
                    emus.clear_logs()
                    noop = self.site("noop", emus)
                    self._check(noop)
                    aws_calls = emus.aws_requests()
                    report["noop"] = {
                        "wall_s": _round(noop.wall_s, 1), "rc": noop.rc, "changed": noop.totals.get("changed"),
                        "tasks_run": sum(1 for r in noop.records if r["status"] != "skipped"),
                        "tasks_skipped": sum(1 for r in noop.records if r["status"] == "skipped"),
                        "recap": noop.totals,
                        "api_calls": summarize_aws_requests(aws_calls),
                        "k8s_requests": summarize_k8s_requests(emus.k8s_requests()),
                        "changed_tasks": [r["task"] for r in noop.records if r["status"] == "changed"],
                        "calls_by_task": calls_by_task(noop.records, aws_calls),
                    }
                    report["task_overhead_s"] = task_overhead(noop.records)
                    report["task_overhead_s"]["kubernetes"] = task_overhead(noop.records, K8S_ACTION_PREFIXES)
                    report["task_overhead_s"]["definition"] = (
                        "wall time per module invocation of amazon.aws/community.aws/cardplatform.aws tasks in "
                        "the no-op run (bench_timer callback: runner start to result; loop tasks divided by "
                        "their items; skipped and async tasks left out); percentiles by linear interpolation")
                    self.checkpoint()
                if "drift" in phases:
                    emus.clear_logs()
                    drift = run_playbook("drift", ["playbooks/drift_check.yml", "-i", "inventories/local",
                                                   "-e", f"drift_report_dir={self.work / 'drift-reports'}"],
                                         emus.env, self.logs, self.work)
                    drift_calls = emus.aws_requests()
                    report["drift"] = {"wall_s": _round(drift.wall_s, 1), "rc": drift.rc,
                                       "in_sync": drift.rc == 0,
                                       "api_calls": summarize_aws_requests(drift_calls),
                                       "calls_by_task": calls_by_task(drift.records, drift_calls),
                                       "k8s_requests": summarize_k8s_requests(emus.k8s_requests())}
                    self.checkpoint()
                self.stop(emus)
            if "multi" in phases:
                report["multi_env"] = self.multi_env(lookup(report, "cold.wall_s"))
            if "regions" in phases:
                report["two_regions"] = self.two_regions(lookup(report, "cold.wall_s"))
        finally:
            self.stop_all()
        report["machine"]["load_average_end"] = list(os.getloadavg())
        report["bench_wall_s"] = _round(time.monotonic() - started, 1)
        report["targets"] = evaluate_targets(report)
        return report

    def multi_env(self, cold_wall_s: float | None) -> dict[str, Any]:
        result: dict[str, Any] = {"regions": list(MULTI_REGIONS)}
        counts = [3, 1]
        if self.args.multi_env_one == "cold" and cold_wall_s is not None:
            # The cold run is the 1-host case: the same topology (us-east-1, its own emulators);
            # reusing it saves a critical path plus a converge (~5 min at the default scale).
            counts = [3]
            result["wall_s_1"] = _round(cold_wall_s, 1)
            result["wall_s_1_source"] = "cold"
        for count in counts:
            regions = list(MULTI_REGIONS)[:count]
            hosts = {region: self.emulators(f"multi{count}-{region}") for region in regions}
            inventory = write_multi_inventory(self.work / f"multi{count}", hosts)
            run = run_playbook(f"multi{count}", ["site.yml", "-i", str(inventory), *self.extra()],
                               {}, self.logs, self.work)
            self._check(run)
            result[f"wall_s_{count}"] = _round(run.wall_s, 1)
            result[f"rc_{count}"] = run.rc
            calls = {region: emus.aws_requests() for region, emus in hosts.items()}
            silent = [region for region, c in calls.items() if not c]
            if silent and run.rc == 0:
                # Each host's settings reach its line hosts through the generated group_vars: a
                # host whose emulator saw no call was converged somewhere else.
                self._fail(f"multi{count}: the emulators of {', '.join(silent)} saw no AWS call; see {run.log}")
            if count == 3:
                result["api_calls_per_host"] = {r: len(c) for r, c in calls.items()}
                result["timeline_3"] = timeline(run.records)["plays"]
                # Peak calls per second per service, per host (= per region: AWS rate limits are
                # per account and region) and as if the three shared one account and region.
                result["peak_calls_per_s"] = {r: dict(list(peak_rate(c).items())[:6]) for r, c in calls.items()}
                result["peak_calls_per_s_shared"] = dict(list(peak_rate([e for c in calls.values() for e in c])
                                                              .items())[:8])
                result["iam_calls_total"] = sum(1 for c in calls.values() for e in c if e["service"] in ("iam", "sts"))
            for emus in hosts.values():
                self.stop(emus)
        result["ratio"] = _round(result["wall_s_3"] / result["wall_s_1"], 2) if result.get("wall_s_1") else None
        return result

    def two_regions(self, cold_wall_s: float | None) -> dict[str, Any]:
        """site.yml on two hosts of one environment in two regions, one AWS emulator for both (IAM
        names would clash without the region in them), each region its own Kubernetes API; the
        cold run is the one-region baseline."""
        hosts = {region: self.emulators(f"regions-{region}") for region in TWO_REGIONS}
        primary = hosts["us-east-1"]
        inventory = write_multi_inventory(self.work / "regions", hosts, shared_aws=primary, cidrs=TWO_REGIONS)
        run = run_playbook("regions", ["site.yml", "-i", str(inventory), *self.extra()], {}, self.logs, self.work)
        self._check(run)
        calls = primary.aws_requests()
        result: dict[str, Any] = {
            "regions": list(TWO_REGIONS), "rc": run.rc, "wall_s_2": _round(run.wall_s, 1),
            "wall_s_1": _round(cold_wall_s, 1) if cold_wall_s is not None else None,
            "api_calls": len(calls), "iam_calls": sum(1 for e in calls if e["service"] in ("iam", "sts")),
            "peak_calls_per_s": dict(list(peak_rate(calls).items())[:8]),
        }
        result["ratio"] = _round(run.wall_s / cold_wall_s, 2) if cold_wall_s else None
        for emus in hosts.values():
            self.stop(emus)
        return result

    def checkpoint(self) -> None:
        """Write what is measured so far (a long run interrupted still leaves its numbers)."""
        output = REPO / self.args.output
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = {**self.report, "partial": True}
        partial["targets"] = evaluate_targets(partial)
        output.write_text(json.dumps(partial, indent=2) + "\n")

    def _check(self, run: Run) -> None:
        if run.rc != 0:
            self._fail(f"{run.name} failed (rc={run.rc}); see {run.log}")

    def _fail(self, msg: str) -> None:
        if self.args.keep_going:
            print(f"warning: {msg}", file=sys.stderr)
        else:
            raise RuntimeError(msg)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def render_table(report: dict[str, Any]) -> str:
    def fmt(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    rows = [("measure", "value")]
    for key in ("cold.wall_s", "cold.critical_path_s", "cold.site_yml_path_s", "cold.ratio",
                "cold.aws_ratio_estimate", "noop.wall_s", "noop.changed", "noop.tasks_run", "noop.api_calls.read",
                "noop.api_calls.mutating",
                "noop.k8s_requests.read", "noop.k8s_requests.mutating", "drift.wall_s", "drift.api_calls.read",
                "drift.api_calls.mutating", "task_overhead_s.median", "task_overhead_s.p95",
                "multi_env.wall_s_1", "multi_env.wall_s_3", "multi_env.ratio", "two_regions.wall_s_2",
                "two_regions.ratio"):
        rows.append((key, fmt(lookup(report, key))))
    width = max(len(r[0]) for r in rows)
    graph = report["graph"]
    lines = [f"time scale {report['time_scale']} s per AWS minute",
             f"critical path {' -> '.join(graph['critical_path'])} ({fmt(graph['critical_path_aws_min'])} AWS min)",
             f"with site.yml's tiers {' -> '.join(graph['site_yml_path'])} "
             f"({fmt(graph['site_yml_path_aws_min'])} AWS min)", ""]
    lines += [f"{k:<{width}}  {v}" for k, v in rows]
    lines += ["", "targets:"]
    for target in report["targets"]:
        mark = {True: "PASS", False: "MISS", None: "n/a "}[target["pass"]]
        lines.append(f"  {mark}  {target['target']:<45} measured {fmt(target['value'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-scale", type=float,
                        default=float(os.environ.get("BENCH_TIME_SCALE") or DEFAULT_TIME_SCALE),
                        help=f"seconds per AWS minute (env BENCH_TIME_SCALE; default {DEFAULT_TIME_SCALE})")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated subset of {','.join(PHASES)} (noop and drift run after cold)")
    parser.add_argument("--output", default="reports/bench.json", help="JSON report, relative to the repository")
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("BENCH_PORT_BASE") or 0),
                        help="first port to try for the emulators (env BENCH_PORT_BASE; default: free ports)")
    parser.add_argument("--work-dir", default=os.environ.get("BENCH_WORK_DIR"),
                        help="state dirs, timings, generated inventories (default: a new temp dir)")
    parser.add_argument("--multi-env-one", choices=["cold", "run"], default="cold",
                        help="1-host baseline of the multi-environment phase: the cold run (default) or a run "
                             "of the generated inventory with its first host")
    parser.add_argument("--keep-going", action="store_true", help="record a failed run and go on")
    args = parser.parse_args(argv)
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = sorted(set(args.phases) - set(PHASES))
    if unknown:
        parser.error(f"unknown phases {unknown}; choose from {list(PHASES)}")
    if args.time_scale < 0:
        parser.error("--time-scale must be >= 0")

    bench = Bench(args)
    print(f"bench: time scale {bench.scale} s per AWS minute; work dir {bench.work}", flush=True)
    output = REPO / args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = bench.run()
    except (RuntimeError, OSError, ValueError) as exc:
        # Keep what was measured so far: a 25-minute run should not vanish with its last phase.
        partial = {**bench.report, "error": str(exc)}
        partial["targets"] = evaluate_targets(partial)
        output.write_text(json.dumps(partial, indent=2) + "\n")
        print(f"bench: {exc}; partial report in {output}", file=sys.stderr)
        return 1
    output.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n")
    print(render_table(report))
    def shown(path: Path) -> Path:
        return path.relative_to(REPO) if path.is_relative_to(REPO) else path

    print(f"\nwritten {shown(output)}; logs in {shown(bench.logs)}/")
    if not args.work_dir:
        shutil.rmtree(bench.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
