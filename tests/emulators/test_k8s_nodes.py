"""EKS managed node groups as Kubernetes Nodes (k8s/nodes.py, aws_extensions.eks_nodegroup_instances):
instances per node group spread over its subnets' AZs, Nodes with zone/node group labels and the
instance's providerID, scheduling onto schedulable nodes, cordon, the Eviction API against
PodDisruptionBudgets (429), and a terminated instance replaced by the node group with the pods
rescheduled. Both emulators start once (ctl.py on free ports); about 20 s."""

from __future__ import annotations

import time

import boto3
import pytest
import requests

from helpers import private_emulators

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
NS = "shop"
LABELS = {"app.kubernetes.io/name": "web"}


@pytest.fixture(scope="module")
def emu(tmp_path_factory):  # type: ignore[no-untyped-def]
    with private_emulators(tmp_path_factory.mktemp("nodes")) as env:
        aws = f"http://127.0.0.1:{env['AWS_EMULATOR_PORT']}"
        k8s = f"http://127.0.0.1:{env['K8S_EMULATOR_PORT']}"

        def client(service: str):  # type: ignore[no-untyped-def]
            return boto3.client(service, region_name="us-east-1", endpoint_url=aws,
                                aws_access_key_id="testing", aws_secret_access_key="testing")

        ec2, eks = client("ec2"), client("eks")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
                   for i, az in enumerate(AZS)]
        role = "arn:aws:iam::123456789012:role/eks"
        eks.create_cluster(name="c1", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
        eks.create_nodegroup(clusterName="c1", nodegroupName="general", nodeRole=role, subnets=subnets,
                             instanceTypes=["t3.xlarge"], scalingConfig={"minSize": 3, "maxSize": 6, "desiredSize": 3})
        eks.create_nodegroup(clusterName="c1", nodegroupName="jit", nodeRole=role, subnets=subnets,
                             instanceTypes=["c6g.2xlarge"], amiType="AL2023_ARM_64_STANDARD", labels={"workload": "jit"},
                             taints=[{"key": "workload", "value": "jit", "effect": "NO_SCHEDULE"}],
                             scalingConfig={"minSize": 2, "maxSize": 4, "desiredSize": 2})
        api = Kube(k8s)
        api.wait(lambda: len(api.nodes()) == 5, "5 node group nodes")
        api.post("/api/v1/namespaces", {"metadata": {"name": NS}})
        yield {"aws": aws, "ec2": ec2, "eks": eks, "api": api, "subnets": subnets}


class Kube:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def get(self, path: str, **params):  # type: ignore[no-untyped-def]
        resp = self.http.get(self.url + path, params=params, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.url + path, json=body, timeout=10)

    def patch(self, path: str, body: dict) -> dict:
        resp = self.http.patch(self.url + path, json=body, timeout=10,
                               headers={"Content-Type": "application/merge-patch+json"})
        resp.raise_for_status()
        return resp.json()

    def nodes(self) -> list[dict]:
        return self.get("/api/v1/nodes")["items"]

    def pods(self) -> list[dict]:
        return self.get(f"/api/v1/namespaces/{NS}/pods", labelSelector="app.kubernetes.io/name=web")["items"]

    def ready_pods(self) -> list[dict]:
        return [p for p in self.pods() if any(c["type"] == "Ready" and c["status"] == "True"
                                              for c in p["status"].get("conditions", []))]

    def evict(self, name: str) -> requests.Response:
        return self.post(f"/api/v1/namespaces/{NS}/pods/{name}/eviction",
                         {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name, "namespace": NS}})

    @staticmethod
    def wait(cond, what: str, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")


def zone_of(api: Kube) -> dict[str, str]:
    return {n["metadata"]["name"]: n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in api.nodes()}


def test_nodes_are_the_node_groups_instances(emu):  # type: ignore[no-untyped-def]
    api, ec2 = emu["api"], emu["ec2"]
    nodes = {n["metadata"]["name"]: n for n in api.nodes()}
    assert "emulator-node" not in nodes  # the stand-in left when the node groups' nodes registered
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:eks:cluster-name", "Values": ["c1"]},
                                                   {"Name": "instance-state-name", "Values": ["running"]}])
    instances = {i["InstanceId"]: i for r in reservations["Reservations"] for i in r["Instances"]}
    assert len(instances) == 5
    for node in nodes.values():
        labels = node["metadata"]["labels"]
        az, instance_id = node["spec"]["providerID"].removeprefix("aws:///").split("/")
        instance = instances[instance_id]
        assert instance["Placement"]["AvailabilityZone"] == az == labels["topology.kubernetes.io/zone"]
        assert node["metadata"]["name"] == instance["PrivateDnsName"]
        tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
        assert labels["eks.amazonaws.com/nodegroup"] == tags["eks:nodegroup-name"]
        assert instance["SubnetId"] in emu["subnets"]
    general = [n for n in nodes.values() if n["metadata"]["labels"]["eks.amazonaws.com/nodegroup"] == "general"]
    assert sorted(n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in general) == AZS  # spread over AZs
    jit = [n for n in nodes.values() if n["metadata"]["labels"]["eks.amazonaws.com/nodegroup"] == "jit"]
    assert all(n["metadata"]["labels"]["workload"] == "jit" and n["metadata"]["labels"]["kubernetes.io/arch"] == "arm64"
               and n["spec"]["taints"] == [{"key": "workload", "value": "jit", "effect": "NoSchedule"}] for n in jit)


def test_pods_spread_cordon_and_eviction_honour_the_budget(emu):  # type: ignore[no-untyped-def]
    api = emu["api"]
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": NS},
        "spec": {"replicas": 3, "selector": {"matchLabels": LABELS},
                 "template": {"metadata": {"labels": LABELS},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}},
    }
    assert api.post(f"/apis/apps/v1/namespaces/{NS}/deployments", deployment).status_code == 201
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": NS},
           "spec": {"maxUnavailable": 1, "selector": {"matchLabels": LABELS}}}
    assert api.post(f"/apis/policy/v1/namespaces/{NS}/poddisruptionbudgets", pdb).status_code == 201
    api.wait(lambda: len(api.ready_pods()) == 3, "3 ready pods")
    zones = zone_of(api)
    pods = api.pods()
    # Untolerated jit taint: only the general nodes, one pod per zone.
    assert sorted(zones[p["spec"]["nodeName"]] for p in pods) == AZS
    assert all(p["status"]["hostIP"].startswith("10.9.") for p in pods)

    victim = pods[0]
    node = victim["spec"]["nodeName"]
    api.patch(f"/api/v1/nodes/{node}", {"spec": {"unschedulable": True}})
    first = api.evict(victim["metadata"]["name"])
    assert first.status_code == 201, first.text
    # The replacement is not ready yet: one more eviction would leave 1 of the 2 the budget needs.
    second = api.evict(pods[1]["metadata"]["name"])
    assert second.status_code == 429, second.text
    status = second.json()
    assert status["reason"] == "TooManyRequests"
    assert status["details"]["causes"][0]["reason"] == "DisruptionBudget"
    assert "needs 2 healthy pods and has 2 currently" in status["details"]["causes"][0]["message"]
    api.wait(lambda: len(api.ready_pods()) == 3, "the replacement ready")
    replacement = next(p for p in api.pods() if p["metadata"]["name"] not in {q["metadata"]["name"] for q in pods})
    assert replacement["spec"]["nodeName"] != node  # never onto the cordoned node
    assert api.get(f"/apis/policy/v1/namespaces/{NS}/poddisruptionbudgets/web")["status"]["disruptionsAllowed"] == 1
    assert api.evict(pods[1]["metadata"]["name"]).status_code == 201  # allowed again once it is ready
    assert api.http.get(f"{api.url}/api/v1/namespaces/{NS}/pods/{pods[2]['metadata']['name']}/eviction",
                        timeout=10).status_code == 405
    api.patch(f"/api/v1/nodes/{node}", {"spec": {"unschedulable": False}})
    api.wait(lambda: len(api.ready_pods()) == 3, "3 ready pods again")


def test_typed_client_reads_nodes_and_evicts(emu):  # type: ignore[no-untyped-def]
    """kubernetes.core.k8s_drain uses the typed client: every Node and Pod must deserialize, and
    V1Eviction must be accepted (a missing required field would raise ValueError)."""
    from kubernetes import client

    config = client.Configuration()
    config.host = emu["api"].url
    core = client.CoreV1Api(client.ApiClient(config))
    names = [n.metadata.name for n in core.list_node().items]
    node = core.read_node(names[0])
    assert node.status.node_info.kubelet_version and node.spec.provider_id.startswith("aws:///")
    pods = core.list_pod_for_all_namespaces(field_selector=f"spec.nodeName={names[0]}").items
    assert all(p.spec.node_name == names[0] for p in pods)
    web = core.list_namespaced_pod(NS, label_selector="app.kubernetes.io/name=web").items
    body = client.V1Eviction(metadata=client.V1ObjectMeta(name=web[0].metadata.name, namespace=NS))
    core.create_namespaced_pod_eviction(name=web[0].metadata.name, namespace=NS, body=body)
    emu["api"].wait(lambda: len(emu["api"].ready_pods()) == 3, "the evicted pod replaced")


def test_pod_that_fits_no_node_stays_pending(emu):  # type: ignore[no-untyped-def]
    api = emu["api"]
    labels = {"app.kubernetes.io/name": "gpu"}
    body = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "gpu", "namespace": NS},
        "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"nodeSelector": {"workload": "gpu"},
                                       "containers": [{"name": "gpu", "image": "cuda:12"}]}}},
    }
    assert api.post(f"/apis/apps/v1/namespaces/{NS}/deployments", body).status_code == 201

    def pending() -> list[dict]:
        return api.get(f"/api/v1/namespaces/{NS}/pods", labelSelector="app.kubernetes.io/name=gpu")["items"]

    api.wait(lambda: len(pending()) == 1 and pending()[0].get("status", {}).get("phase") == "Pending", "a Pending pod")
    pod = pending()[0]
    assert "nodeName" not in pod["spec"]
    assert pod["status"]["conditions"][0]["reason"] == "Unschedulable"
    time.sleep(0.6)
    deployment = api.get(f"/apis/apps/v1/namespaces/{NS}/deployments/gpu")
    assert deployment["status"].get("availableReplicas", 0) == 0


def test_terminated_instance_is_replaced_and_its_pods_move(emu):  # type: ignore[no-untyped-def]
    api, ec2 = emu["api"], emu["ec2"]
    requests.post(f"{emu['aws']}/_emulator/lifecycle", json={"time_scale": 0.5}, timeout=10).raise_for_status()
    try:
        api.wait(lambda: len(api.ready_pods()) == 3, "3 ready pods")
        victim = api.ready_pods()[0]
        node = next(n for n in api.nodes() if n["metadata"]["name"] == victim["spec"]["nodeName"])
        instance_id = node["spec"]["providerID"].rsplit("/", 1)[1]
        started = time.monotonic()
        ec2.terminate_instances(InstanceIds=[instance_id])
        api.wait(lambda: node["metadata"]["name"] not in zone_of(api), "the Node deleted")
        # Its pod was deleted with it and replaced on another node.
        api.wait(lambda: len(api.ready_pods()) == 3, "3 ready pods on the remaining nodes")
        assert all(p["spec"]["nodeName"] != node["metadata"]["name"] for p in api.pods())
        # The node group's replacement registers 3 AWS minutes (1.5 s here) after the termination.
        api.wait(lambda: len(api.nodes()) == 5, "the replacement node", timeout=20)
        assert time.monotonic() - started >= 1.5 - 0.2
        new = [n for n in api.nodes() if n["metadata"]["labels"]["eks.amazonaws.com/nodegroup"] == "general"]
        assert instance_id not in {n["spec"]["providerID"].rsplit("/", 1)[1] for n in new}
        assert len(new) == 3
    finally:
        requests.delete(f"{emu['aws']}/_emulator/lifecycle", timeout=10)


def test_nodegroup_scaling_and_deletion(emu):  # type: ignore[no-untyped-def]
    api, eks = emu["api"], emu["eks"]
    eks.update_nodegroup_config(clusterName="c1", nodegroupName="jit",
                                scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 3})
    api.wait(lambda: sum(1 for n in api.nodes() if n["metadata"]["labels"].get("workload") == "jit") == 3, "3 jit nodes")
    eks.delete_nodegroup(clusterName="c1", nodegroupName="jit")
    api.wait(lambda: all(n["metadata"]["labels"].get("workload") != "jit" for n in api.nodes()), "jit nodes gone")
