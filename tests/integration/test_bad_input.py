"""Bad inventory values fail before the first API call, naming the variable and what is allowed.

One pair of emulators for the module. The table runs in ONE ansible-playbook process: a
generated inventory holds one host per case (the local inventory's group_vars plus that
case's host vars, which outrank them), forks run the hosts side by side, and the JSON
callback tells which task failed each host and why. Every host must fail in the guard play
(playbooks/validate.yml) with a message containing the case's substrings, and the AWS and
Kubernetes emulators' request logs must stay empty: not merely no write, no call at all.

"Missing" values are set to null, the way a key left blank in a YAML file arrives.
Then `site.yml --tags vpc,vpc_egress,eks --check` on the same, still empty, emulators plans the network and
the cluster only: the later roles' inputs wired from outputs that do not exist yet must not
break it, and no RDS, ElastiCache, Amazon MQ or Secrets Manager call is made.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from conftest import start_platform
from helpers import BIN, REPO

LOCAL = REPO / "inventories" / "local" / "group_vars" / "all"


def local_var(topic: str, name: str):
    """A value from the local inventory (to build a case that changes one field of a list)."""
    return copy.deepcopy(yaml.safe_load((LOCAL / topic).read_text())[name])


def nodegroups(**changes_by_name):
    groups = local_var("eks.yml", "eks_nodegroups")
    for group in groups:
        group.update(changes_by_name.get(group["name"], {}))
    return groups


def services(**changes_by_name):
    svcs = local_var("app.yml", "app_deploy_services")
    for svc in svcs:
        svc.update(changes_by_name.get(svc["name"].replace("-", "_"), {}))
    return svcs


# (case id, host vars, substrings the failure message must contain: the variable, then what is allowed)
CASES = [
    # platform
    ("platform_no_log_string", {"platform_no_log": "false"}, ["platform_no_log", "must be a boolean"]),
    # vpc (issue #3: CIDRs, overlaps, two subnets in one AZ, AZs in the region)
    ("vpc_cidr_invalid", {"vpc_cidr_block": "10.0.0.0/33"}, ["vpc_cidr_block", "IPv4 CIDR /16-/24"]),
    ("vpc_cidr_host_bits", {"vpc_cidr_block": "10.0.1.0/16"}, ["vpc_cidr_block: 10.0.1.0/16 has host bits set", "without host bits"]),
    ("vpc_cidr_too_big", {"vpc_cidr_block": "10.0.0.0/12"}, ["vpc_cidr_block: prefix /12", "IPv4 CIDR /16-/24"]),
    (
        "vpc_subnets_overlap",
        {"vpc_subnet_tiers": [
            {"name": "public", "kind": "public", "cidrs": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]},
            {"name": "private", "kind": "private", "newbits": 4, "netnum_offset": 0},
        ]},
        ["vpc_subnet_tiers", "overlaps", "not overlapping any other subnet"],
    ),
    (
        "vpc_subnet_outside_vpc",
        {"vpc_subnet_tiers": [
            {"name": "public", "kind": "public", "cidrs": ["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24"]},
            {"name": "private", "kind": "private", "newbits": 4, "netnum_offset": 0},
        ]},
        ["vpc_subnet_tiers[public]: 10.1.0.0/24 (us-east-1a) is not inside vpc_cidr_block", "inside vpc_cidr_block"],
    ),
    ("vpc_two_subnets_one_az", {"vpc_azs": ["us-east-1a", "us-east-1a", "us-east-1b"]}, ["vpc_azs: the AZs must be distinct", "one subnet per AZ and tier"]),
    (
        "vpc_more_cidrs_than_azs",
        {"vpc_subnet_tiers": [
            {"name": "public", "kind": "public", "cidrs": ["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24", "10.0.51.0/24"]},
            {"name": "private", "kind": "private", "newbits": 4, "netnum_offset": 0},
        ]},
        ["vpc_subnet_tiers[public].cidrs: 4 CIDRs for 3 AZs", "one subnet per AZ and tier"],
    ),
    ("vpc_az_other_region", {"vpc_azs": ["us-west-2a", "us-west-2b", "us-west-2c"]}, ["vpc_azs: us-west-2a is not an AZ of region us-east-1", "distinct AZs of vpc_region"]),
    ("vpc_one_az", {"vpc_azs": ["us-east-1a"]}, ["vpc_azs", "at least 2 AZs"]),
    ("vpc_flow_log_retention", {"vpc_flow_log_retention_days": 45}, ["vpc_flow_log_retention_days", "must be one of: 1, 3, 5"]),
    ("vpc_cidr_missing", {"vpc_cidr_block": None}, ["vpc_cidr_block", "is required"]),
    # vpc_egress
    ("vpc_egress_bool_string", {"vpc_egress_single_nat_gateway": "false"}, ["vpc_egress_single_nat_gateway", "must be a boolean"]),
    ("vpc_egress_endpoint_service", {"vpc_egress_endpoint_interface_services": ["ECR API"]},
     ["vpc_egress_endpoint_interface_services", "service short names such as ecr.api or sts"]),
    ("vpc_egress_nat_wait_timeout", {"vpc_egress_nat_gateway_wait_timeout": 30}, ["vpc_egress_nat_gateway_wait_timeout", "60-7200"]),
    # eks (issue #3: unsupported Kubernetes version, min > max)
    ("eks_version_past_support", {"eks_cluster_version": "1.28"}, ["eks_cluster_version 1.28", "Allowed: a version in standard support today"]),
    ("eks_version_unknown", {"eks_cluster_version": "1.40"}, ["eks_cluster_version 1.40 is not supported", "Allowed: a version in standard support today"]),
    ("eks_min_gt_max", {"eks_nodegroups": nodegroups(general={"min_size": 5, "max_size": 3, "desired_size": 4})}, ["eks_nodegroups[general]", "0 <= min_size <= max_size"]),
    ("eks_desired_above_max", {"eks_nodegroups": nodegroups(jit={"desired_size": 30})}, ["eks_nodegroups[jit].desired_size", "min_size <= desired_size <= max_size"]),
    ("eks_arm_ami_on_x86", {"eks_nodegroups": nodegroups(jit={"instance_types": ["c5.2xlarge"]})}, ["eks_nodegroups[jit].instance_types", "Graviton (ARM) instance types only"]),
    ("eks_unknown_ami_type", {"eks_nodegroups": nodegroups(general={"ami_type": "AL3_x86_64"})}, ["ami_type", "must be one of: AL2_x86_64"]),
    ("eks_taint_effect", {"eks_nodegroups": nodegroups(jit={"taints": [{"key": "workload", "value": "jit", "effect": "NoSchedule"}]})}, ["effect", "must be one of: NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE"]),
    ("eks_public_endpoint_open", {"eks_endpoint_public_access": True, "eks_public_access_cidrs": []}, ["eks_public_access_cidrs", "a list of IPv4 CIDRs that does not contain 0.0.0.0/0"]),
    ("eks_bool_string", {"eks_secrets_encryption": "yes"}, ["eks_secrets_encryption", "must be a boolean"]),
    ("eks_nodegroups_missing", {"eks_nodegroups": None}, ["eks_nodegroups", "is required"]),
    # eks (issue #18): an add-on's irsa without its service account; an IRSA role name over 64 characters
    ("eks_addon_irsa_without_service_account",
     {"eks_addons": [dict(a, irsa={"managed_policy_arns": a["irsa"]["managed_policy_arns"]}) if "irsa" in a else a
                     for a in local_var("eks.yml", "eks_addons")]},
     ["service_account", "irsa"]),
    ("eks_addon_irsa_role_name_too_long", {"eks_iam_name_prefix": "card-platform-production-" + "x" * 25},
     ["eks_addons[aws-ebs-csi-driver].irsa", "1-64 letters, digits and +=,.@_-", "(69 characters)"]),
    # secrets
    ("secrets_password_short", {"secrets_password_length": 8}, ["secrets_password_length", "16-128 characters"]),
    ("secrets_recovery_window", {"secrets_recovery_window_days": 3}, ["secrets_recovery_window_days", "0 or 7-30 days"]),
    ("secrets_reserved_user", {"secrets_rds_master_username": "postgres"}, ["secrets_rds_master_username", "not postgres, rdsadmin or admin"]),
    # ecr
    ("ecr_keep_count_zero", {"ecr_tagged_keep_count": 0}, ["ecr_tagged_keep_count", "1-10000"]),
    ("ecr_replication_region", {"ecr_replication_region": "europe"}, ["ecr_replication_region", "an AWS region name such as us-west-2"]),
    ("ecr_mutability", {"ecr_image_tag_mutability": "immutable"}, ["ecr_image_tag_mutability", "IMMUTABLE, MUTABLE"]),
    # external_secrets
    ("external_secrets_mapping_unmanaged_master", {"rds_manage_master_user_password": True,
                                                   "external_secrets_mapping": [{"secret_key": "DB_ADMIN", "secret": "rds_master", "property": "password"}]},
     ["external_secrets_mapping: secret one of rds_app, redis_auth, mq_admin", "rds_master is not managed"]),
    ("external_secrets_refresh_interval", {"external_secrets_refresh_interval": "hourly"}, ["external_secrets_refresh_interval", "a Go duration such as 15m or 1h"]),
    ("external_secrets_bool_string", {"external_secrets_install": "false"}, ["external_secrets_install", "must be a boolean"]),
    # cluster_addons (issue #18: unknown add-on, chart version not pinned, malformed values)
    ("cluster_addons_unknown_addon", {"cluster_addons_enabled": ["aws_load_balancer_controller", "karpenter"]},
     ["cluster_addons_enabled", "aws_load_balancer_controller, cluster_autoscaler", "karpenter"]),
    ("cluster_addons_version_range", {"cluster_addons_chart_versions": {"aws_load_balancer_controller": "^1.14", "cluster_autoscaler": "9.50.1"}},
     ["cluster_addons_chart_versions: each chart pinned to an exact version x.y.z", "^1.14"]),
    ("cluster_addons_version_latest", {"cluster_addons_chart_versions": {"aws_load_balancer_controller": "1.14.0", "cluster_autoscaler": "latest"}},
     ["cluster_addons_chart_versions: each chart pinned to an exact version x.y.z", "latest"]),
    # A list where the chart's values (a dict) belong (a "key=value" string would be parsed as a dict).
    ("cluster_addons_values_not_dict", {"cluster_addons_values": {"aws_load_balancer_controller": ["replicaCount", 2]}},
     ["cluster_addons_values", "aws_load_balancer_controller", "dict"]),
    ("cluster_addons_values_unknown_addon", {"cluster_addons_values": {"karpenter": {"replicas": 1}}}, ["cluster_addons_values", "karpenter"]),
    ("cluster_addons_values_owned", {"cluster_addons_values": {"aws_load_balancer_controller": {"clusterName": "other", "vpcId": "vpc-1"}}},
     ["cluster_addons_values.aws_load_balancer_controller: clusterName, vpcId set by the role", "allowed: any other value"]),
    ("cluster_addons_repo_url", {"cluster_addons_chart_repo_urls": {"aws_load_balancer_controller": "eks-charts", "cluster_autoscaler": "https://kubernetes.github.io/autoscaler"}},
     ["cluster_addons_chart_repo_urls: each an http:// or https:// chart repository URL", "eks-charts"]),
    ("cluster_addons_helm_timeout", {"cluster_addons_helm_timeout": 0}, ["cluster_addons_helm_timeout", "1-3600"]),
    # rds (issue #4: unknown instance class, replica smaller than allowed)
    ("rds_unknown_class", {"rds_instance_class": "db.r9z.huge"}, ["rds_instance_class", "family one of db.t3"]),
    ("rds_replica_too_small", {"rds_instance_class": "db.r6g.4xlarge"}, ["rds_replica_instance_class: db.r6g.large is smaller than allowed", "at most one size below it (allowed: db.r6g.2xlarge"]),
    ("rds_replica_other_family", {"rds_replica_instance_class": "db.t4g.large"}, ["rds_replica_instance_class: db.t4g.large", "must be in the writer's family (db.r6g)"]),
    ("rds_storage_min_gt_max", {"rds_allocated_storage": 500, "rds_max_allocated_storage": 200}, ["rds_max_allocated_storage", "at least rds_allocated_storage (500)"]),
    ("rds_version_unsupported", {"rds_engine_version": "11"}, ["rds_engine_version", "major one of 14, 15, 16, 17, 18"]),
    ("rds_windows_overlap", {"rds_backup_window": "04:00-05:00"}, ["rds_backup_window: 04:00-05:00 must not overlap rds_maintenance_window", "must not overlap"]),
    ("rds_bool_string", {"rds_multi_az": "true"}, ["rds_multi_az", "must be a boolean"]),
    ("rds_storage_type", {"rds_storage_type": "gp4"}, ["rds_storage_type", "must be one of: gp3, gp2"]),
    # elasticache (issue #4: unknown node type, shards x replicas that cannot fail over)
    ("cache_unknown_node_type", {"elasticache_node_type": "cache.r6g.medium"}, ["elasticache_node_type", "family one of t3, t4g"]),
    ("cache_failover_without_replicas", {"elasticache_replicas_per_node_group": 0}, ["elasticache_replicas_per_node_group", "at least 1 replica per shard"]),
    ("cache_too_many_nodes", {"elasticache_num_node_groups": 200, "elasticache_replicas_per_node_group": 5}, ["elasticache_num_node_groups x (elasticache_replicas_per_node_group + 1)", "at most 500 nodes"]),
    ("cache_version_unsupported", {"elasticache_engine_version": "6.2"}, ["elasticache_engine_version", "one of 7, 7.0, 7.1"]),
    ("cache_cluster_mode_no_failover", {"elasticache_automatic_failover": False, "elasticache_multi_az": False}, ["elasticache_automatic_failover", "must be true with cluster mode"]),
    ("cache_transit_mode", {"elasticache_transit_encryption_mode": "disabled"}, ["elasticache_transit_encryption_mode", "must be one of: preferred, required"]),
    # amazonmq (issue #4: broker engine/version mismatch)
    ("mq_activemq_version", {"amazonmq_engine_version": "5.18"}, ["amazonmq_engine_version: 5.18 is not a RabbitMQ version", "allowed: 3.13"]),
    ("mq_version_unsupported", {"amazonmq_engine_version": "3.11"}, ["amazonmq_engine_version", "one of 3.13"]),
    ("mq_313_without_auto_minor", {"amazonmq_auto_minor_version_upgrade": False}, ["amazonmq_auto_minor_version_upgrade", "must be true for RabbitMQ 3.13"]),
    ("mq_activemq_deployment_mode", {"amazonmq_deployment_mode": "ACTIVE_STANDBY_MULTI_AZ"}, ["amazonmq_deployment_mode", "must be one of: SINGLE_INSTANCE, CLUSTER_MULTI_AZ"]),
    ("mq_micro_cluster", {"amazonmq_host_instance_type": "mq.t3.micro"}, ["amazonmq_host_instance_type", "SINGLE_INSTANCE brokers only"]),
    ("mq_unknown_instance_type", {"amazonmq_host_instance_type": "mq.c5.large"}, ["amazonmq_host_instance_type", "one of mq.t3.micro, mq.m5.large"]),
    ("mq_heartbeat_out_of_range", {"amazonmq_configuration_settings": {"heartbeat": 5}},
     ["amazonmq_configuration_settings.heartbeat", "60-3600"]),
    # app_deploy
    ("app_replicas_min_gt_max", {"app_deploy_services": services(api={"replicas_min": 10, "replicas_max": 3})}, ["app_deploy_services[api].replicas_min/replicas_max", "1 <= replicas_min <= replicas_max"]),
    ("app_latest_tag", {"app_deploy_services": services(worker={"image_tag": "latest"})}, ["app_deploy_services[worker].image_tag", "a pinned tag"]),
    ("app_ingress_host_missing", {"app_deploy_ingress_host": ""}, ["app_deploy_ingress_host", "a DNS host name"]),
    ("app_registry_missing", {"app_deploy_image_registry": None}, ["app_deploy_image_registry", "is required"]),
]


def write_inventory(path: Path) -> None:
    """One host per case under `platform`, with the local inventory's group_vars."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "group_vars").mkdir(exist_ok=True)
    (path / "group_vars" / "all").symlink_to(LOCAL, target_is_directory=True)
    # Each case is a platform of its own (platform_project): hosts of one platform in one region
    # would be refused as a clash before any case's own check.
    hosts = {
        case_id: {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                  "platform_project": f"bad-input-{index}", **host_vars}
        for index, (case_id, host_vars, _) in enumerate(CASES)
    }
    (path / "hosts.yml").write_text(yaml.safe_dump({"platform": {"hosts": hosts}}, sort_keys=False))


def failures(report: dict) -> dict[str, tuple[str, str, str]]:
    """First failure of each host: (play, task, message), item messages included."""
    first: dict[str, tuple[str, str, str]] = {}
    for play in report["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                if host in first or not result.get("failed"):
                    continue
                messages = [result.get("msg", "")] + [r.get("msg", "") for r in result.get("results", []) if r.get("failed")]
                first[host] = (play["play"]["name"], task["task"]["name"], " | ".join(str(m) for m in messages))
    return first


@pytest.fixture(scope="module")
def emulators(tmp_path_factory):
    plat = start_platform(tmp_path_factory.mktemp("bad-input"))
    try:
        yield plat
    finally:
        plat.stop()


def clear_logs(plat) -> None:
    requests.delete(f"{plat.endpoint_url}/_emulator/requests", timeout=10).raise_for_status()
    requests.delete(f"http://127.0.0.1:{plat.k8s_port}/emulator/requests", timeout=10).raise_for_status()


def logs(plat) -> tuple[list, list]:
    aws = requests.get(f"{plat.endpoint_url}/_emulator/requests", timeout=10).json()
    k8s = requests.get(f"http://127.0.0.1:{plat.k8s_port}/emulator/requests", timeout=10).json()["items"]
    return aws, k8s


def playbook_env(plat, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_HOME": str(REPO / ".ansible"), **plat.env, **extra}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="module")
def table_run(emulators, tmp_path_factory):
    """site.yml over every case at once; returns (failures by host, AWS log, Kubernetes log)."""
    inventory = tmp_path_factory.mktemp("bad-input-inventory")
    write_inventory(inventory)
    clear_logs(emulators)
    env = playbook_env(emulators, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_FORKS="16")
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(inventory), "site.yml"],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=600,
    )
    assert proc.returncode != 0, "every host should have failed"
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    aws, k8s = logs(emulators)
    return failures(report), report["stats"], aws, k8s


def test_table_has_enough_cases():
    assert len(CASES) >= 30
    assert len({case_id for case_id, _, _ in CASES}) == len(CASES)
    roles = {"vpc", "eks", "secrets", "external", "rds", "cache", "mq", "app"}
    assert roles <= {case_id.split("_")[0] for case_id, _, _ in CASES}


def test_no_api_call_at_all(table_run):
    _, stats, aws, k8s = table_run
    assert aws == [], f"AWS calls made: {[(c['service'], c['operation']) for c in aws][:20]}"
    assert k8s == [], f"Kubernetes calls made: {[(c['method'], c['path']) for c in k8s][:20]}"
    assert set(stats) == {case_id for case_id, _, _ in CASES}
    assert all(s["failures"] == 1 and s["changed"] == 0 for s in stats.values()), stats


@pytest.mark.parametrize(("case_id", "host_vars", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_value_is_refused_with_a_clear_message(table_run, case_id, host_vars, expected):
    failed, _, _, _ = table_run
    assert case_id in failed, f"{case_id} ({host_vars}) was not refused"
    play, task, message = failed[case_id]
    assert play == "Validate the controller and the inventory", (play, task, message)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in the message of task {task!r}: {message}"


def test_tags_vpc_eks_plan_only_the_network_and_cluster(emulators, table_run):
    """The wired inputs of rds, elasticache, amazonmq and app_deploy do not break --tags vpc,vpc_egress,eks.

    Check mode on the empty account walks every vpc and eks task (a real converge of the two
    roles is what the role scenarios do) and must touch no other service.
    """
    clear_logs(emulators)
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "inventories/local", "site.yml", "--tags", "vpc,vpc_egress,eks", "--check"],
        cwd=REPO, env=playbook_env(emulators), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert "TASK [vpc : " in proc.stdout and "TASK [eks : " in proc.stdout, proc.stdout[-3000:]
    assert "TASK [vpc_egress : present | Report what check mode cannot plan yet]" in proc.stdout, proc.stdout[-3000:]
    aws, k8s = logs(emulators)
    services = {c["service"] for c in aws}
    # On an empty account eks can read nothing yet (no VPC, no security groups): it plans.
    assert "ec2" in services, services
    assert not services & {"rds", "elasticache", "mq", "secretsmanager"}, services
    assert [c for c in aws if c.get("mutating")] == []
    assert [r for r in k8s if r["method"] not in ("GET", "HEAD") and "dryRun" not in (r.get("query") or "")] == []


def test_two_hosts_of_one_platform_in_one_region_are_refused(emulators, tmp_path):
    """Two inventory hosts of one platform in one region (or with overlapping CIDR blocks) would
    converge the same resources: the guard play refuses the run before any call, naming them."""
    tmp_path.joinpath("group_vars").mkdir()
    tmp_path.joinpath("group_vars", "all").symlink_to(LOCAL, target_is_directory=True)
    base = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    hosts = {
        "local-a": {**base, "vpc_cidr_block": "10.0.0.0/16"},
        "local-b": {**base, "vpc_cidr_block": "10.1.0.0/16"},
        "local-c": {**base, "aws_region": "eu-west-1", "vpc_azs": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
                    "vpc_cidr_block": "10.1.128.0/17"},
    }
    tmp_path.joinpath("hosts.yml").write_text(yaml.safe_dump({"platform": {"hosts": hosts}}, sort_keys=False))
    clear_logs(emulators)
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(tmp_path), "site.yml"],
        cwd=REPO, env=playbook_env(emulators, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json"),
        text=True, capture_output=True, timeout=600,
    )
    assert proc.returncode != 0, proc.stdout[-3000:]
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    failed = failures(report)
    assert list(failed) == ["local-a"], failed  # run_once: reported on the first host, ends the play for all
    assert set(report["stats"]) == set(hosts) and all(s["changed"] == 0 for s in report["stats"].values())
    _, task, message = failed["local-a"]
    assert task == "Check that the hosts of each platform are distinct regions with their own CIDR blocks", task
    assert message.startswith("aws_region, vpc_cidr_block: "), message
    assert "local-a and local-b are both card-platform-local in us-east-1" in message, message
    assert "local-b (10.1.0.0/16) and local-c (10.1.128.0/17) have overlapping vpc_cidr_block values" in message, message
    assert logs(emulators) == ([], [])
