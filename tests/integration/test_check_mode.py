"""`site.yml --check` never writes: proven by both emulators' request logs, on an empty
account (it reports what it would create) and on a converged one (it reports nothing)."""

from __future__ import annotations

import re

import requests


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


def recap(output: str) -> dict[str, int]:
    match = re.search(r"local-us-east-1\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, output[-3000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def test_check_mode_on_an_empty_account_plans_without_writing(fresh_platform):
    clear_logs(fresh_platform)
    result = fresh_platform.playbook("site.yml", "--check", "--diff")
    assert result.returncode == 0, result.stdout[-15000:]
    counts = recap(result.stdout)
    assert counts["failed"] == 0 and counts["changed"] > 0, counts
    assert writes(fresh_platform) == ([], [])
    vpcs = fresh_platform.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["card-platform"]}])["Vpcs"]
    assert vpcs == []


def test_check_mode_on_the_converged_platform_reports_no_change_and_writes_nothing(platform):
    clear_logs(platform)
    result = platform.playbook("site.yml", "--check", "--diff")
    assert result.returncode == 0, result.stdout[-15000:]
    assert recap(result.stdout)["changed"] == 0, result.stdout[-15000:]
    assert writes(platform) == ([], [])
