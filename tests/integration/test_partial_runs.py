"""Partial runs of site.yml on the session's converged platform (issue #23).

A run that selects roles with --tags reads what they need from this run's outputs, or is
refused before its first API call: a role whose upstream outputs the run does not publish
is never converged with empty IDs (`--tags rds` alone once revoked the EKS rules of the
database's security group). Each role's smallest tag run (the role and the roles whose
outputs it reads, group_vars/all/platform.yml `platform_role_needs`) changes nothing and
makes no mutating AWS call (the AWS emulator's request log); a change AWS cannot make in
place (the Redis port) is refused before the role's first write.

The run lock (DynamoDB, roles/run_lock) is the run's own bookkeeping, not a change of the
platform: its calls are left out of the counts, as tools/bench.py does.
"""

from __future__ import annotations

import pytest
import requests

from helpers import recap_totals

PREFIX = "card-platform-local"

# Each role with the roles whose outputs it reads, directly or through them. vpc and secrets
# read no output and run in every one of them; the data services read only vpc and
# secrets, so they share a run. app_deploy has no run of its own: with what it reads it is
# a whole no-op converge (~200 s here; site.yml's are tested elsewhere), and its refusal
# is tested below. Measured 2026-12-07 at load 10: 22, 33, 139 s (52 s at load 6).
TAG_RUNS = {
    "vpc_egress": "vpc,vpc_egress",
    "rds+elasticache+amazonmq": "vpc,secrets,rds,elasticache,amazonmq",
    "eks+cluster_addons+external_secrets": "vpc,secrets,eks,cluster_addons,external_secrets",
    "ecr+ci_runners": "vpc,secrets,ecr,ci_runners",
}


def clear_logs(platform) -> None:
    requests.delete(f"{platform.endpoint_url}/_emulator/requests", timeout=10).raise_for_status()
    requests.delete(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10).raise_for_status()


def aws_calls(platform) -> list[dict]:
    calls = requests.get(f"{platform.endpoint_url}/_emulator/requests", timeout=10).json()
    return [c for c in calls if c.get("service") != "dynamodb"]


def aws_writes(platform) -> list[str]:
    return [f"{c['service']}:{c['operation']}" for c in aws_calls(platform) if c["mutating"]]


@pytest.mark.parametrize("tags", TAG_RUNS.values(), ids=TAG_RUNS.keys())
def test_a_tag_run_on_the_converged_platform_changes_nothing(platform, tags):
    clear_logs(platform)
    result = platform.playbook("site.yml", "--tags", tags)
    assert result.returncode == 0, result.stdout[-15000:]
    totals = recap_totals(result.stdout)
    assert totals["ok"], result.stdout[-3000:]
    assert totals["changed"] == 0 and totals["failed"] == 0, result.stdout[-15000:]
    # Kubernetes: kubernetes.core.k8s sends a PATCH that changes nothing for each object it
    # applies (docs/performance.md), so changed=0 is what says nothing changed there.
    assert aws_writes(platform) == [], result.stdout[-8000:]


@pytest.mark.parametrize(("tags", "missing", "advice"), [
    ("rds", "rds reads secrets_outputs, vpc_outputs,", "--tags vpc,secrets,"),
    ("vpc,cluster_addons", "cluster_addons reads eks_outputs, which only eks publishes", "--tags vpc,eks,cluster_addons"),
    ("ecr", "ecr reads secrets_outputs, which only secrets publishes", "--tags secrets,ecr"),
    ("vpc,app_deploy", "app_deploy reads amazonmq_outputs, eks_outputs, elasticache_outputs, rds_outputs,", "--tags vpc,secrets,"),
])
def test_a_tag_run_without_the_roles_it_reads_is_refused_before_any_call(platform, tags, missing, advice):
    clear_logs(platform)
    result = platform.playbook("site.yml", "--tags", tags)
    assert result.returncode != 0, result.stdout[-8000:]
    assert missing in result.stdout and "Nothing was changed" in result.stdout, result.stdout[-8000:]
    assert advice in result.stdout
    assert aws_calls(platform) == [], "refused after an AWS call"


def redis_ingress_ports(platform) -> set[tuple[int, int]]:
    ec2 = platform.client("ec2")
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-redis"]}])["SecurityGroups"]
    assert len(groups) == 1
    return {(p["FromPort"], p["ToPort"]) for p in groups[0]["IpPermissions"]}


def test_a_redis_port_change_is_refused_before_the_security_group_changes(platform):
    assert redis_ingress_ports(platform) == {(6379, 6379)}
    clear_logs(platform)
    result = platform.playbook("site.yml", "--tags", "vpc,secrets,elasticache", "-e", "elasticache_port=6380")
    assert result.returncode != 0, result.stdout[-8000:]
    assert "cannot be changed in place" in result.stdout and "port (6379 -> 6380)" in result.stdout, result.stdout[-8000:]
    # Read back from the emulated cloud: EKS still reaches Redis on 6379, and nothing was written.
    assert redis_ingress_ports(platform) == {(6379, 6379)}
    assert aws_writes(platform) == [], result.stdout[-8000:]
    group = platform.client("elasticache").describe_replication_groups(
        ReplicationGroupId=f"{PREFIX}-redis")["ReplicationGroups"][0]
    assert group["ConfigurationEndpoint"]["Port"] == 6379
