"""`site.yml --check` never writes: proven by both emulators' request logs, on an empty
account (it reports what it would create) and on a converged one (it reports nothing)."""

from __future__ import annotations

import re

import requests

from helpers import recap_totals

# On an empty account every role plans its creates (changed) in check mode, except the ones
# that cannot plan without the VPC's or the cluster's IDs: those say what a real run creates.
PLANNED_ON_AN_EMPTY_ACCOUNT = {"vpc", "secrets", "ecr", "ci_runners", "external_secrets", "rds", "elasticache",
                               "amazonmq", "monitoring", "app_deploy"}
ANNOUNCED_ON_AN_EMPTY_ACCOUNT = {
    "vpc_egress": "its internet gateway, NAT gateways, route tables and VPC endpoints would be created on a real run",
    "eks": "the IAM roles, cluster card-platform-local and its 2 node groups would be created on a real run",
    "cluster_addons": "the add-ons, node groups and kubeconfig would be created on a real run",
}


def clear_logs(platform) -> None:
    requests.delete(f"{platform.endpoint_url}/_emulator/requests", timeout=10).raise_for_status()
    requests.delete(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10).raise_for_status()


def writes(platform) -> tuple[list, list]:
    aws = requests.get(f"{platform.endpoint_url}/_emulator/requests", timeout=10).json()
    k8s = requests.get(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10).json()["items"]
    assert aws, "the check run read nothing from AWS"
    aws_writes = [f"{c['service']}:{c['operation']}" for c in aws if c["mutating"]]
    k8s_writes = [f"{c['method']} {c['path']}" for c in k8s
                  if c["method"] not in ("GET", "HEAD") and "dryRun" not in (c.get("query") or "")]
    return aws_writes, k8s_writes


def roles_changed(output: str) -> set[str]:
    """The roles with a task that reported changed (the default callback prints each result
    under its task's banner, also with the free strategy)."""
    role, found = None, set()
    for line in output.splitlines():
        if line.startswith("TASK ["):
            match = re.match(r"TASK \[([\w.]+) : ", line)
            role = match.group(1) if match else None
        elif line.startswith("changed: [") and role:
            found.add(role)
    return found


def test_check_mode_on_an_empty_account_plans_without_writing(fresh_platform):
    clear_logs(fresh_platform)
    result = fresh_platform.playbook("site.yml", "--check", "--diff")
    assert result.returncode == 0, result.stdout[-15000:]
    counts = recap_totals(result.stdout)
    assert counts["failed"] == 0 and counts["changed"] > 0, counts
    missing = PLANNED_ON_AN_EMPTY_ACCOUNT - roles_changed(result.stdout)
    assert missing == set(), f"roles that planned no change: {sorted(missing)}"
    said = " ".join(result.stdout.split())
    for role, message in ANNOUNCED_ON_AN_EMPTY_ACCOUNT.items():
        assert message in said, f"{role} did not say what it would create"
    assert writes(fresh_platform) == ([], [])
    vpcs = fresh_platform.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["card-platform"]}])["Vpcs"]
    assert vpcs == []


def test_check_mode_on_the_converged_platform_reports_no_change_and_writes_nothing(platform):
    clear_logs(platform)
    result = platform.playbook("site.yml", "--check", "--diff")
    assert result.returncode == 0, result.stdout[-15000:]
    assert recap_totals(result.stdout)["changed"] == 0, result.stdout[-15000:]
    assert writes(platform) == ([], [])
