"""`make diagram`: tools/diagram.py reads an environment back from AWS and Kubernetes and draws it.

A private moto server (port 45669) and Kubernetes emulator (port 16569) hold a small
environment created here with boto3 and the Kubernetes client; the tool must find it
through the local inventory (PLATFORM_AWS_ENDPOINT_URL, PLATFORM_KUBECONFIG) and draw it.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from helpers import REPO, run

AWS_PORT = int(os.environ.get("H9_DIAGRAM_AWS_PORT", "45669"))
K8S_PORT = int(os.environ.get("H9_DIAGRAM_K8S_PORT", "16569"))
ENDPOINT = f"http://127.0.0.1:{AWS_PORT}"
TAGS = [{"Key": "Project", "Value": "card-platform"}, {"Key": "Environment", "Value": "local"}]



@pytest.fixture(scope="module", autouse=True)
def graphviz():
    """diagrams renders with Graphviz's dot, a Debian package: `make graphviz` installs it when missing."""
    if shutil.which("dot") is None:
        result = subprocess.run(["make", "graphviz"], cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0 and shutil.which("dot"), result.stdout + result.stderr


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def emulators(tmp_path_factory):
    state = tmp_path_factory.mktemp("diagram-emulators")
    kubeconfig = state / "kubeconfig"
    procs = [
        subprocess.Popen([sys.executable, "tests/emulators/aws_server.py", "--port", str(AWS_PORT)], cwd=REPO,
                         stdout=(state / "moto.log").open("w"), stderr=subprocess.STDOUT),
        subprocess.Popen([sys.executable, "tests/emulators/k8s_server.py", "--host", "127.0.0.1", "--port", str(K8S_PORT),
                          "--kubeconfig", str(kubeconfig)], cwd=REPO, stdout=(state / "k8s.log").open("w"), stderr=subprocess.STDOUT),
    ]
    try:
        _wait_for_port(AWS_PORT)
        _wait_for_port(K8S_PORT)
        yield {"kubeconfig": kubeconfig, "state": state}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _client(service):
    return boto3.client(service, region_name="us-east-1", endpoint_url=ENDPOINT,
                        aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 - emulator


def _seed_aws() -> dict:
    ec2 = _client("ec2")
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]  # another environment's VPC: must not be drawn
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": TAGS + [
        {"Key": "Name", "Value": "card-platform-local"}]}])["Vpc"]["VpcId"]
    public, private = [], []
    for index, az in enumerate(["us-east-1a", "us-east-1b", "us-east-1c"]):
        for tier, cidr, bucket in (("public", f"10.0.{index}.0/24", public), ("private", f"10.0.{10 + index}.0/24", private)):
            bucket.append(ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az, TagSpecifications=[
                {"ResourceType": "subnet", "Tags": TAGS + [{"Key": "Tier", "Value": tier}]}])["Subnet"]["SubnetId"])
    for subnet in public:
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)
    sg = ec2.create_security_group(GroupName="data", Description="data", VpcId=vpc)["GroupId"]

    iam = _client("iam")
    role = iam.create_role(RoleName="eks", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    eks = _client("eks")
    eks.create_cluster(name="card-platform-local", version="1.33", roleArn=role,
                       resourcesVpcConfig={"subnetIds": private, "securityGroupIds": [sg]})
    for name, types, low, high in (("general", ["t3.xlarge"], 3, 10), ("jit", ["c6g.2xlarge"], 5, 20)):
        eks.create_nodegroup(clusterName="card-platform-local", nodegroupName=name, nodeRole=role, subnets=private,
                             instanceTypes=types, scalingConfig={"minSize": low, "maxSize": high, "desiredSize": low})

    rds = _client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="card-platform-local", DBSubnetGroupDescription="db", SubnetIds=private)
    rds.create_db_instance(DBInstanceIdentifier="card-platform-local-postgres", DBInstanceClass="db.r6g.xlarge",
                           Engine="postgres", EngineVersion="15.10", MasterUsername="platform",
                           MasterUserPassword="emulator-only-1",  # noqa: S106 - emulator
                           AllocatedStorage=200, MultiAZ=True, DBSubnetGroupName="card-platform-local")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="card-platform-local-postgres-replica",
                                        SourceDBInstanceIdentifier="card-platform-local-postgres", DBInstanceClass="db.r6g.large")

    elasticache = _client("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="card-platform-local", CacheSubnetGroupDescription="redis",
                                          SubnetIds=private)
    elasticache.create_replication_group(ReplicationGroupId="card-platform-local-redis", ReplicationGroupDescription="redis",
                                         Engine="redis", CacheNodeType="cache.r6g.large", NumCacheClusters=3,
                                         AutomaticFailoverEnabled=True,
                                         CacheSubnetGroupName="card-platform-local")

    _client("mq").create_broker(BrokerName="card-platform-local-rabbitmq", EngineType="RABBITMQ", EngineVersion="3.13",
                                HostInstanceType="mq.m5.large", DeploymentMode="CLUSTER_MULTI_AZ", SubnetIds=private,
                                PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
                                Users=[{"Username": "admin", "Password": "emulator-only-password"}])  # noqa: S106
    return {"vpc": vpc, "other_vpc": other}


def _seed_kubernetes(kubeconfig: Path) -> None:
    from kubernetes import client, config

    api = config.new_client_from_config(config_file=str(kubeconfig))
    client.CoreV1Api(api).create_namespace({"metadata": {"name": "cardplatform"}})
    for name, replicas, selector in (("api", 3, {}), ("jit-authorizer", 5, {"workload": "jit"})):
        labels = {"app.kubernetes.io/name": name}
        client.AppsV1Api(api).create_namespaced_deployment("cardplatform", {
            "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {
                         "nodeSelector": selector, "containers": [{"name": name, "image": f"example.invalid/{name}:1.0.0"}]}}}})
        client.AutoscalingV2Api(api).create_namespaced_horizontal_pod_autoscaler("cardplatform", {
            "metadata": {"name": name}, "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                "minReplicas": replicas, "maxReplicas": replicas * 4,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}})
    client.NetworkingV1Api(api).create_namespaced_ingress("cardplatform", {
        "metadata": {"name": "api"}, "spec": {"rules": [{"host": "api.example.invalid", "http": {"paths": [{
            "path": "/", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}})


def test_diagram_draws_the_environment_as_deployed(emulators, tmp_path):
    seeded = _seed_aws()
    _seed_kubernetes(emulators["kubeconfig"])
    out = tmp_path / "reports"
    result = run([sys.executable, "tools/diagram.py", "-i", "inventories/local", "--output-dir", str(out)], timeout=300,
                 env={"PLATFORM_AWS_ENDPOINT_URL": ENDPOINT, "PLATFORM_KUBECONFIG": str(emulators["kubeconfig"])})
    assert result.returncode == 0, result.stdout

    model = json.loads((out / "diagram-local.json").read_text())
    assert model["vpc"]["id"] == seeded["vpc"]
    assert model["azs"] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert sorted(s["tier"] for s in model["subnets"]) == ["private"] * 3 + ["public"] * 3
    assert sorted(n["az"] for n in model["nat_gateways"]) == model["azs"]
    (cluster,) = model["eks_clusters"]
    assert {g["name"]: (g["min"], g["max"]) for g in cluster["nodegroups"]} == {"general": (3, 10), "jit": (5, 20)}
    by_id = {d["id"]: d for d in model["rds_instances"]}
    assert by_id["card-platform-local-postgres"]["multi_az"] is True
    assert by_id["card-platform-local-postgres-replica"]["source"] == "card-platform-local-postgres"
    (redis,) = model["elasticache_replication_groups"]
    # moto lists one member cluster for a three-node group (real AWS lists all three).
    assert redis["nodes"] >= 1 and redis["node_type"] == "cache.r6g.large"
    (broker,) = model["mq_brokers"]
    assert broker["deployment_mode"] == "CLUSTER_MULTI_AZ"
    app = model["kubernetes"]
    assert app["reachable"] is True
    assert {d["name"]: (d["replicas"], d["hpa"]) for d in app["deployments"]} == {"api": (3, [3, 12]), "jit-authorizer": (5, [5, 20])}

    png, svg = out / "diagram-local.png", out / "diagram-local.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    text = html.unescape(svg.read_text())
    assert "<svg" in text and "data:image/png;base64," in text, "icons must be embedded in the SVG"
    for label in ("us-east-1a", "general", "jit-authorizer", "card-platform-local-redis", "CLUSTER_MULTI_AZ"):
        assert label in text
    shutil.copy(png, Path("/tmp") / "h9-diagram-local.png") if os.environ.get("H9_KEEP_DIAGRAM") else None


def test_diagram_explains_a_missing_environment(emulators, tmp_path):
    result = run([sys.executable, "tools/diagram.py", "-i", "inventories/production", "--output-dir", str(tmp_path)], timeout=120,
                 env={"AWS_ENDPOINT_URL": ENDPOINT, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    assert result.returncode != 0
    assert "No VPC tagged Project=card-platform Environment=production" in result.stdout
