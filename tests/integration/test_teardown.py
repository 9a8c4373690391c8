"""playbooks/teardown.yml on an environment of its own (fresh emulators), converged once: the
production guard first (which must not touch it), then a full teardown, twice."""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from pathlib import Path

from helpers import REPO, run

LOCAL = REPO / "inventories" / "local"


def recap_changed(stdout: str) -> int:
    return int(re.search(r"changed=(\d+)", stdout.split("PLAY RECAP")[-1]).group(1))


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
            k["KeyId"] for k in kms.list_keys()["Keys"] if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"
        ],
        "iam_roles": [r["RoleName"] for r in plat.client("iam").list_roles()["Roles"]],
        "log_groups": [g["logGroupName"] for g in plat.client("logs").describe_log_groups()["logGroups"]],
    }


def test_teardown_refuses_production_then_empties_the_environment_and_is_idempotent(fresh_platform, tmp_path):
    site = fresh_platform.playbook("site.yml")
    assert site.returncode == 0, site.stdout[-8000:]
    built = account_contents(fresh_platform)
    assert built["vpcs"] and built["rds_instances"] and built["replication_groups"] and built["brokers"]
    assert built["eks_clusters"] and built["secrets"] and built["kms_keys_enabled"]

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
    states = {kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] for k in kms.list_keys()["Keys"]}
    assert states == {"PendingDeletion"}  # the data key and the EKS secrets key, scheduled
    namespaces = fresh_platform.kubectl("get", "namespaces", "-o", "name")
    assert "namespace/cardplatform" not in namespaces.stdout

    again = fresh_platform.playbook("playbooks/teardown.yml")
    assert again.returncode == 0, again.stdout[-8000:]
    assert recap_changed(again.stdout) == 0
