"""The per-role Molecule scenarios (roles/<role>/molecule/default), run without Molecule.

One pair of emulators and one PLATFORM_OUTPUTS_DIR for the module. For each role in
dependency order, the scenario's own playbooks run with ansible-playbook and the inventory
and variables Molecule passes (molecule/shared/README.md):

    check   converge.yml --check --diff   rc 0, changed > 0, no AWS or Kubernetes write
    apply   converge.yml                  changed > 0 (roles handling secrets: at -vvv)
    recheck converge.yml --check --diff   changed == 0, no write (only roles outside CONVERGED_ON_PLATFORM)
    reapply converge.yml                  changed == 0 (first round: roles outside CONVERGED_ON_PLATFORM, and secrets)
    verify  verify.yml                    rc 0 (reads the emulated cloud back)

The recheck of a role that site.yml converges on the local inventory is the same run as
tests/integration/test_check_mode.py's check mode on the converged platform (every role,
inventory values), and its first reapply the same run as the idempotence step of
tests/integration/test_molecule_default.py (site.yml twice, changed=0 on every host): neither
is repeated here (measured: the recheck was a fifth of this module's time). The reapply of a
change round stays: no other test converges twice after a change of the inputs.

Change rounds repeat the four converge steps and verify with --extra-vars: the eks
scenario first converges Kubernetes 1.34 and then upgrades to the inventory's 1.35
(control plane, then node groups and kube-proxy); the rds scenario changes the backup
retention and a parameter. For the roles that handle secrets, no generated secret value
(read back from the emulated Secrets Manager) may appear in the output of any step.

A scenario whose files do not exist yet is skipped with the reason; the next scenario's
prepare.yml then converges that role and saves its outputs. Steps of one role depend on
the earlier ones, and roles on their upstream roles: the module runs whole on one
pytest-xdist worker (`make test` uses `--dist loadfile`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from conftest import CTL, Platform, start_platform
from helpers import REPO, run

pytestmark = [pytest.mark.slow]

ROLES = ["vpc", "vpc_egress", "eks", "ci_runners", "cluster_addons", "secrets", "ecr", "security_baseline", "external_secrets", "rds", "elasticache", "amazonmq", "monitoring", "app_deploy"]
SECRET_ROLES = {"secrets", "external_secrets", "rds", "elasticache", "amazonmq", "monitoring"}
# Scenarios whose prepare.yml also creates a fixture of their own (monitoring: the stand-in
# PagerDuty integration secret), run even when every upstream output is saved.
PREPARE_ALWAYS = {"monitoring"}
# Every step's full output; ROLE_SCENARIOS_LOG_DIR keeps concurrent runs apart.
LOG_DIR = Path(os.environ.get("ROLE_SCENARIOS_LOG_DIR", REPO / "reports" / "role-scenarios"))

# The eks scenario converges one minor version below the inventory first, so that its
# change round is the upgrade (kube-proxy follows the cluster's minor version).
EKS_PREVIOUS = {
    "eks_cluster_version": "1.34",
    "eks_addons": [
        {"name": "vpc-cni", "version": "v1.21.1-eksbuild.1", "before_compute": True,
         "configuration_values": {"enableNetworkPolicy": "true"}},
        {"name": "kube-proxy", "version": "v1.34.1-eksbuild.2"},
        {"name": "coredns", "version": "v1.12.4-eksbuild.1"},
        {"name": "aws-ebs-csi-driver", "version": "v1.53.0-eksbuild.1",
         "irsa": {"service_account": "ebs-csi-controller-sa",
                  "managed_policy_arns": ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]}},
        # the older catalogue version: the upgrade round updates it in place
        {"name": "metrics-server", "version": "v0.7.2-eksbuild.4"},
    ],
}
# rounds per role: (round name, extra vars); the first round creates the resources.
ROUNDS: dict[str, list[tuple[str, dict]]] = {
    "eks": [("create-1.34", EKS_PREVIOUS), ("upgrade-1.35", {})],
    "rds": [("create", {}), ("change", {"rds_backup_retention_period": 14,
                                        "rds_parameters": {"log_min_duration_statement": "500"}})],
}
STEPS = ["check", "apply", "recheck", "reapply", "verify"]
# Roles site.yml converges on the local inventory: their check mode on converged resources is
# proven by tests/integration/test_check_mode.py and their idempotence by the Molecule default
# scenario's idempotence step. No recheck here, and no reapply in the first round.
CONVERGED_ON_PLATFORM = {"vpc", "vpc_egress", "eks", "cluster_addons", "secrets", "external_secrets", "rds",
                         "elasticache", "amazonmq", "app_deploy", "monitoring"}
# Roles whose verify.yml compares two applies: the secrets scenario records a fingerprint of
# each secret value per apply and proves the second apply kept every value.
REAPPLY_VERIFIED = {"secrets"}


def _cases():
    for role in ROLES:
        for number, (round_name, _) in enumerate(ROUNDS.get(role, [("create", {})])):
            for step in STEPS:
                first_reapply = step == "reapply" and number == 0 and role not in REAPPLY_VERIFIED
                if role in CONVERGED_ON_PLATFORM and (step == "recheck" or first_reapply):
                    continue
                yield pytest.param(role, round_name, step, id=f"{role}-{round_name}-{step}")
        if role in SECRET_ROLES:
            yield pytest.param(role, "all", "no-secret-in-output", id=f"{role}-no-secret-in-output")


@dataclass
class Scenarios:
    platform: Platform
    outputs_dir: Path
    failed_apply: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def scenario(self, role: str) -> Path:
        return REPO / "roles" / role / "molecule" / "default"

    def playbook(self, role: str, name: str, *args: str, extra: dict | None = None, label: str):
        argv = [str(self.scenario(role) / name), *args]
        if extra:
            argv += ["--extra-vars", json.dumps(extra)]
        started = time.monotonic()
        result = self.platform.playbook(*argv, env={"PLATFORM_OUTPUTS_DIR": str(self.outputs_dir),
                                                    "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "1"})
        self.timings.append((label, time.monotonic() - started))
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        (LOG_DIR / f"{label}.log").write_text(result.stdout)
        self.outputs.setdefault(role, []).append((label, result.stdout))
        return result


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    state = tmp_path_factory.mktemp("role-scenarios")
    plat = start_platform(state / "emulators")
    started = time.monotonic()
    found = Scenarios(platform=plat, outputs_dir=state / "outputs")
    try:
        yield found
    finally:
        timings = [*found.timings, ("total (module, emulator start included)", time.monotonic() - started)]
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        (LOG_DIR / "timings.txt").write_text("".join(f"{seconds:7.1f}s {label}\n" for label, seconds in timings))
        run([sys.executable, CTL, "down"], env=plat.env, timeout=120)


def recap(output: str) -> dict[str, int]:
    match = re.search(r"local-us-east-1\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups()))) if match else {}


def explain(label: str, result, message: str) -> str:
    return (f"{label}: {message}\nrecap: {recap(result.stdout)} rc={result.returncode}"
            f" (full log: {LOG_DIR / (label + '.log')})\n--- output tail ---\n{result.stdout[-6000:]}")


def clear_logs(platform: Platform) -> None:
    requests.delete(f"{platform.endpoint_url}/_emulator/requests", timeout=10).raise_for_status()
    requests.delete(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10).raise_for_status()


def writes(platform: Platform) -> list[str]:
    aws = requests.get(f"{platform.endpoint_url}/_emulator/requests", timeout=10).json()
    k8s = requests.get(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10).json()["items"]
    return ([f"aws {c['service']}:{c['operation']}" for c in aws if c["mutating"]]
            + [f"k8s {c['method']} {c['path']}" for c in k8s
               if c["method"] not in ("GET", "HEAD") and "dryRun" not in (c.get("query") or "")])


def secret_values(platform: Platform) -> dict[str, str]:
    """Every generated password/token, read back from the emulated Secrets Manager."""
    client = platform.client("secretsmanager")
    found = {}
    for page in client.get_paginator("list_secrets").paginate():
        for secret in page["SecretList"]:
            raw = client.get_secret_value(SecretId=secret["ARN"])["SecretString"]
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = {"value": raw}
            for key, leaf in (parsed.items() if isinstance(parsed, dict) else []):
                if key in ("password", "auth_token", "value") and isinstance(leaf, str) and len(leaf) >= 8:
                    found[f"{secret['Name']}:{key}"] = leaf
    return found


@pytest.mark.parametrize(("role", "round_name", "step"), list(_cases()))
def test_role_scenario(scenarios: Scenarios, role: str, round_name: str, step: str):
    directory = scenarios.scenario(role)
    if not (directory / "converge.yml").exists() or not (directory / "verify.yml").exists():
        pytest.skip(f"roles/{role}/molecule/default has no converge.yml/verify.yml yet")
    upstream = [r for r in ROLES[: ROLES.index(role)] if r in scenarios.failed_apply]
    if upstream:
        pytest.skip(f"upstream role(s) {upstream} failed to apply: {[scenarios.failed_apply[r] for r in upstream]}")
    if step == "no-secret-in-output":
        secrets = secret_values(scenarios.platform)
        assert secrets, "no generated secret found in the emulated Secrets Manager"
        leaked = sorted({f"{name} in {label}" for label, output in scenarios.outputs.get(role, [])
                         for name, value in secrets.items() if value in output})
        assert leaked == [], f"secret values printed in the {role} scenario's output: {leaked}"
        return
    if role in scenarios.failed_apply:
        pytest.skip(f"{role} failed to apply in {scenarios.failed_apply[role]}")

    extra = dict(dict(ROUNDS.get(role, [("create", {})])).get(round_name, {}))
    label = f"{role}-{round_name}-{step}"
    platform = scenarios.platform

    # Upstream outputs a skipped scenario did not save: the scenario's prepare.yml
    # converges those roles (nothing to do when every outputs file exists).
    missing = [r for r in ROLES[: ROLES.index(role)] if not (scenarios.outputs_dir / f"{r}_outputs.json").exists()]
    if step == "check" and (missing or role in PREPARE_ALWAYS) and (directory / "prepare.yml").exists():
        prepared = scenarios.playbook(role, "prepare.yml", extra=extra, label=f"{role}-prepare")
        assert prepared.returncode == 0, explain(f"{role}-prepare", prepared, "prepare.yml failed")

    if step in ("check", "recheck"):
        clear_logs(platform)
        result = scenarios.playbook(role, "converge.yml", "--check", "--diff", extra=extra, label=label)
        assert result.returncode == 0, explain(label, result, "check mode failed")
        counts = recap(result.stdout)
        made = writes(platform)
        assert made == [], explain(label, result, f"check mode wrote: {made}")
        if step == "check":
            assert counts.get("changed", 0) > 0, explain(label, result, "check mode planned no change")
            if role == "eks" and round_name.startswith("upgrade"):
                assert re.search(r"^\+.*1\.35", result.stdout, re.M), explain(label, result, "--diff does not show 1.35")
        else:
            assert counts.get("changed") == 0, explain(label, result, "check mode on converged resources reports a change")
    elif step in ("apply", "reapply"):
        verbose = ["-vvv"] if step == "apply" and role in SECRET_ROLES and round_name == "create" else []
        clear_logs(platform)
        result = scenarios.playbook(role, "converge.yml", *verbose, extra=extra, label=label)
        if result.returncode != 0:
            scenarios.failed_apply[role] = label
        assert result.returncode == 0, explain(label, result, "converge failed")
        counts = recap(result.stdout)
        if step == "apply":
            assert counts.get("changed", 0) > 0, explain(label, result, "the first apply changed nothing")
            if role == "eks" and round_name.startswith("upgrade"):
                ops = [c["operation"] for c in requests.get(f"{platform.endpoint_url}/_emulator/requests", timeout=10).json()
                       if c["service"] == "eks" and c["mutating"]]
                upgrades = [i for i, op in enumerate(ops) if op == "UpdateNodegroupVersion"]
                assert "UpdateClusterVersion" in ops and len(upgrades) == 2, f"EKS writes of the upgrade: {ops}"
                assert ops.index("UpdateClusterVersion") < min(upgrades), f"node groups before the control plane: {ops}"
        else:
            assert counts.get("changed") == 0, explain(label, result, "not idempotent: the second apply changed something")
    else:
        result = scenarios.playbook(role, "verify.yml", extra=extra, label=label)
        assert result.returncode == 0, explain(label, result, "verify failed")
