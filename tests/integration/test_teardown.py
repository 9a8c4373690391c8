"""playbooks/teardown.yml on an environment of its own (fresh emulators), converged once in two
regions side by side on one AWS emulator (issue #21: IAM is global there as in AWS): the second
region torn down alone first (the first untouched), then the production guard (which must not
touch it), then a full teardown, twice."""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.request
from pathlib import Path

import yaml

from conftest import CTL, free_port
from helpers import REPO, customer_kms_keys, recap_totals, run

LOCAL = REPO / "inventories" / "local"
SECOND_REGION = {"aws_region": "eu-west-1", "vpc_cidr_block": "10.1.0.0/16",
                 "vpc_azs": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}


def two_region_inventory(tmp_path: Path, kubeconfig: str) -> Path:
    """inventories/local with a second host, local-eu-west-1, as production's hosts.yml has one:
    its own region, AZs and CIDR block, the same AWS emulator, a Kubernetes API of its own."""
    inv = tmp_path / "two-regions"
    group_vars = inv / "group_vars" / "all"
    group_vars.mkdir(parents=True)
    for topic in (LOCAL / "group_vars" / "all").iterdir():
        (group_vars / topic.name).symlink_to(topic.resolve())
    hosts = yaml.safe_load((LOCAL / "hosts.yml").read_text())
    (first,) = hosts["platform"]["hosts"].values()
    hosts["platform"]["hosts"]["local-eu-west-1"] = {**first, **SECOND_REGION, "k8s_kubeconfig": kubeconfig}
    (inv / "hosts.yml").write_text(json.dumps(hosts, indent=2))
    return inv


def regional_contents(plat, region: str) -> dict:
    """What a converge leaves in one region, by the Environment tag or the platform's names."""
    def client(service):
        return plat.client(service, region)
    ec2 = client("ec2")
    return {
        "vpcs": sorted(v["CidrBlock"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": ["local"]}])["Vpcs"]),
        "subnet_azs": sorted({s["AvailabilityZone"] for s in ec2.describe_subnets(
            Filters=[{"Name": "tag:Environment", "Values": ["local"]}])["Subnets"]}),
        "eks_clusters": client("eks").list_clusters()["clusters"],
        "rds_instances": sorted(d["DBInstanceIdentifier"] for d in client("rds").describe_db_instances()["DBInstances"]),
        "replication_groups": [g["ReplicationGroupId"] for g in client("elasticache").describe_replication_groups()["ReplicationGroups"]],
        "brokers": [b["BrokerName"] for b in client("mq").list_brokers()["BrokerSummaries"]],
        "secrets": sorted(s["Name"] for s in client("secretsmanager").list_secrets()["SecretList"]),
        "ecr_repositories": sorted(r["repositoryName"] for r in client("ecr").describe_repositories()["repositories"]),
        "ecr_replication": client("ecr").describe_registry()["replicationConfiguration"]["rules"],
        "autoscaling_groups": [g["AutoScalingGroupName"] for g in client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]],
        **monitoring_contents(plat, region),
    }


def production_like_inventory(tmp_path: Path) -> Path:
    """inventories/local with platform_environment: production (same emulators)."""
    inv = tmp_path / "inventory"
    group_vars = inv / "group_vars" / "all"
    group_vars.mkdir(parents=True)
    shutil.copy(LOCAL / "hosts.yml", inv / "hosts.yml")
    (group_vars / "000_shared").symlink_to(REPO / "group_vars" / "all")
    for topic in (LOCAL / "group_vars" / "all").glob("*.yml"):
        if topic.name != "platform.yml":
            (group_vars / topic.name).symlink_to(topic)
    text = (LOCAL / "group_vars" / "all" / "platform.yml").read_text()
    text, count = re.subn(r"(?m)^platform_environment: local$", "platform_environment: production", text)
    assert count == 1
    (group_vars / "platform.yml").write_text(text)
    return inv


def request_logs(platform) -> tuple[list, list]:
    with urllib.request.urlopen(f"{platform.endpoint_url}/_emulator/requests", timeout=10) as resp:
        aws = json.load(resp)
    with urllib.request.urlopen(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10) as resp:
        k8s = [e for e in json.load(resp)["items"] if e["path"] != "/emulator/requests"]
    return aws, k8s


def clear_request_logs(platform) -> None:
    for url in (f"{platform.endpoint_url}/_emulator/requests", f"http://127.0.0.1:{platform.k8s_port}/emulator/requests"):
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).read()


def assert_protected_environment_refused(platform, tmp_path) -> None:
    """teardown.yml on a production-like inventory, without or with a wrong confirmation:
    refused before any API call (not a write, not even a read), the environment untouched."""
    inv = production_like_inventory(tmp_path)
    vpcs_before = len(platform.client("ec2").describe_vpcs()["Vpcs"])
    for extra, expected in (
        ((), "REFUSED: production is a protected environment"),
        (("-e", "confirm=local"), "REFUSED: production is a protected environment"),
    ):
        clear_request_logs(platform)
        # platform.playbook() pins -i inventories/local; the later -i does not replace it, so
        # run ansible-playbook through the same runner with this inventory only.
        from helpers import run

        result = run(["ansible-playbook", "-i", str(inv), "playbooks/teardown.yml", *extra], env=platform.env, timeout=300)
        assert result.returncode != 0
        assert expected in result.stdout
        assert "No API call was made" in result.stdout
        aws, k8s = request_logs(platform)
        assert aws == [] and k8s == []  # not a write, not even a read
    assert len(platform.client("ec2").describe_vpcs()["Vpcs"]) == vpcs_before


def controller_made_load_balancer(plat) -> str:
    """An ALB as the AWS Load Balancer Controller makes one for an Ingress (its tags), in the VPC's public subnets."""
    ec2 = plat.client("ec2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "tag:Environment", "Values": ["local"]}, {"Name": "tag-key", "Values": ["kubernetes.io/role/elb"]}])["Subnets"]]
    assert len(subnets) == 3, subnets
    lb = plat.client("elbv2").create_load_balancer(
        Name="k8s-cardplat-jit-0123456789", Subnets=subnets, Scheme="internet-facing", Type="application",
        Tags=[{"Key": "elbv2.k8s.aws/cluster", "Value": "card-platform-local"},
              {"Key": "ingress.k8s.aws/stack", "Value": "cardplatform/jit-authorizer"}])
    return lb["LoadBalancers"][0]["LoadBalancerArn"]


def helm_releases(plat) -> set[str]:
    result = run(["helm", "--kubeconfig", plat.kubeconfig, "list", "--all-namespaces", "--output", "json"], env=plat.env)
    assert result.returncode == 0, result.stdout
    return {r["name"] for r in json.loads(result.stdout)}


def account_contents(plat) -> dict:
    ec2 = plat.client("ec2")
    kms = plat.client("kms")
    env = [{"Name": "tag:Environment", "Values": ["local"]}]
    return {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets(Filters=env)["Subnets"]],
        "nat_gateways": [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] != "deleted"],
        "elastic_ips": [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]],
        "security_groups": [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"],
        "rds_instances": [d["DBInstanceIdentifier"] for d in plat.client("rds").describe_db_instances()["DBInstances"]],
        "replication_groups": [
            g["ReplicationGroupId"] for g in plat.client("elasticache").describe_replication_groups()["ReplicationGroups"]
        ],
        "brokers": [b["BrokerName"] for b in plat.client("mq").list_brokers()["BrokerSummaries"]],
        "eks_clusters": plat.client("eks").list_clusters()["clusters"],
        "secrets": [s["Name"] for s in plat.client("secretsmanager").list_secrets(IncludePlannedDeletion=True)["SecretList"]],
        "kms_keys_enabled": [
            k for k in customer_kms_keys(kms) if kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] != "PendingDeletion"
        ],
        "iam_roles": [r["RoleName"] for r in plat.client("iam").list_roles()["Roles"]],
        "log_groups": [g["logGroupName"] for g in plat.client("logs").describe_log_groups()["logGroups"]],
        "ecr_repositories": [r["repositoryName"] for r in plat.client("ecr").describe_repositories()["repositories"]],
        "ecr_replication": plat.client("ecr").describe_registry()["replicationConfiguration"]["rules"],
        "autoscaling_groups": [g["AutoScalingGroupName"] for g in plat.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]],
        "launch_templates": [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]],
        **monitoring_contents(plat, "us-east-1"),
    }


def monitoring_contents(plat, region: str) -> dict:
    """The monitoring role's alarms (metric and composite), dashboards and topics in one region."""
    cloudwatch = plat.client("cloudwatch", region)
    alarms = cloudwatch.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    return {
        "alarms": sorted(a["AlarmName"] for a in alarms["MetricAlarms"] + alarms["CompositeAlarms"]),
        "dashboards": [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]],
        "sns_topics": [t["TopicArn"] for t in plat.client("sns", region).list_topics()["Topics"]],
    }


def assert_second_region_tears_down_alone(plat, tmp_path) -> None:
    """site.yml converges local-us-east-1 and local-eu-west-1 side by side on one AWS emulator
    without a name clash; teardown.yml --limit 'local-eu-west-1*' then empties eu-west-1 and its
    IAM roles and leaves us-east-1 as it was."""
    k8s_env = {**plat.env, "EMULATOR_STATE_DIR": str(tmp_path / "k8s-eu-west-1"), "K8S_EMULATOR_PORT": str(free_port())}
    up = run([sys.executable, CTL, "up", "--only", "k8s"], env=k8s_env, timeout=120)
    assert up.returncode == 0, up.stdout
    try:
        inv = two_region_inventory(tmp_path, str(tmp_path / "k8s-eu-west-1" / "kubeconfig"))
        site = run(["ansible-playbook", "-i", str(inv), "site.yml"], env=plat.env, timeout=1800)
        assert site.returncode == 0, site.stdout[-8000:]
        assert re.search(r"local-eu-west-1\s+: ok=\d+\s+changed=[1-9]", site.stdout), site.stdout[-3000:]
        primary, second = regional_contents(plat, "us-east-1"), regional_contents(plat, "eu-west-1")
        assert primary["vpcs"] == ["10.0.0.0/16"] and second["vpcs"] == ["10.1.0.0/16"]
        assert second["subnet_azs"] == SECOND_REGION["vpc_azs"]
        for found in (primary, second):  # the same names in each region: regional resources
            assert found["eks_clusters"] == ["card-platform-local"]
            assert found["rds_instances"] == ["card-platform-local-postgres", "card-platform-local-postgres-replica"], found
            assert found["replication_groups"] and found["brokers"] and found["secrets"]
            assert found["ecr_repositories"] == ["card-platform/api", "card-platform/jit-authorizer", "card-platform/worker"]
            assert found["autoscaling_groups"] == ["card-platform-local-ci-runners"]
            assert "card-platform-local-jit-authorization-degraded" in found["alarms"], found["alarms"]
            assert found["dashboards"] == ["card-platform-local-targets"] and len(found["sns_topics"]) == 1
        # Production's rule (inventories/*/group_vars/all/ecr.yml): us-east-1 copies its images to eu-west-1.
        assert [d["region"] for d in primary["ecr_replication"][0]["destinations"]] == ["eu-west-1"]
        assert second["ecr_replication"] == []
        roles = [r["RoleName"] for r in plat.client("iam").list_roles()["Roles"]]
        by_region = {region: sorted(r.removeprefix(f"card-platform-local-{region}-") for r in roles
                                    if r.startswith(f"card-platform-local-{region}-")) for region in ("us-east-1", "eu-west-1")}
        assert len(roles) == 18 and len(by_region["us-east-1"]) == 9, roles  # IAM is global: no clash
        assert by_region["us-east-1"] == by_region["eu-west-1"], by_region
        releases = run(["helm", "--kubeconfig", str(tmp_path / "k8s-eu-west-1" / "kubeconfig"), "list", "-A", "-o", "json"],
                       env=plat.env)
        assert {"aws-load-balancer-controller", "cluster-autoscaler"} <= {r["name"] for r in json.loads(releases.stdout)}

        down = run(["ansible-playbook", "-i", str(inv), "playbooks/teardown.yml", "--limit", "local-eu-west-1*"],
                   env=plat.env, timeout=1200)
        assert down.returncode == 0, down.stdout[-8000:]
        assert "local-us-east-1 " not in down.stdout.split("PLAY RECAP")[-1]
        assert regional_contents(plat, "eu-west-1") == {key: [] for key in second}
        assert regional_contents(plat, "us-east-1") == primary
        left = sorted(r["RoleName"] for r in plat.client("iam").list_roles()["Roles"])
        assert left == sorted(f"card-platform-local-us-east-1-{name}" for name in by_region["us-east-1"])
    finally:
        run([sys.executable, CTL, "down", "--only", "k8s"], env=k8s_env, timeout=120)


def test_teardown_refuses_production_then_empties_the_environment_and_is_idempotent(fresh_platform, tmp_path):
    assert_second_region_tears_down_alone(fresh_platform, tmp_path)
    built = account_contents(fresh_platform)
    assert built["vpcs"] and built["rds_instances"] and built["replication_groups"] and built["brokers"]
    assert built["eks_clusters"] and built["secrets"] and built["kms_keys_enabled"]
    assert built["ecr_repositories"] and built["ecr_replication"] and built["autoscaling_groups"] and built["launch_templates"]
    assert built["alarms"] and built["dashboards"] and built["sns_topics"]

    # The production guard, on this converged environment (one converge serves both).
    assert_protected_environment_refused(fresh_platform, tmp_path)
    assert account_contents(fresh_platform) == built

    # The load balancer controller must outlive the load balancers it made: one tagged for this
    # cluster stops the teardown after the application, before anything else is deleted.
    alb_arn = controller_made_load_balancer(fresh_platform)
    held = fresh_platform.playbook("playbooks/teardown.yml", "-e", "cluster_addons_load_balancer_wait_timeout=0")
    assert held.returncode != 0
    assert "k8s-cardplat-jit-0123456789 of cluster card-platform-local still exist" in held.stdout, held.stdout[-4000:]
    assert {"aws-load-balancer-controller", "cluster-autoscaler"} <= helm_releases(fresh_platform)
    assert fresh_platform.client("rds").describe_db_instances()["DBInstances"]  # nothing after it was touched
    fresh_platform.client("elbv2").delete_load_balancer(LoadBalancerArn=alb_arn)

    down = fresh_platform.playbook("playbooks/teardown.yml")
    assert down.returncode == 0, down.stdout[-8000:]
    # ESO's release stays by design (external_secrets' absent path leaves it); the add-ons go.
    assert helm_releases(fresh_platform) & {"aws-load-balancer-controller", "cluster-autoscaler"} == set()
    left = account_contents(fresh_platform)
    assert left == {key: [] for key in left}, left
    kms = fresh_platform.client("kms")
    states = {kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] for k in customer_kms_keys(kms)}
    assert states == {"PendingDeletion"}  # the data key and the EKS secrets key, scheduled
    namespaces = fresh_platform.kubectl("get", "namespaces", "-o", "name")
    assert "namespace/cardplatform" not in namespaces.stdout

    again = fresh_platform.playbook("playbooks/teardown.yml")
    assert again.returncode == 0, again.stdout[-8000:]
    assert recap_totals(again.stdout)["changed"] == 0
