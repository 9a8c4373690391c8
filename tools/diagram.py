#!/usr/bin/env python3
"""Draw one environment as it is deployed: read back from AWS and Kubernetes, not the inventory.

    python tools/diagram.py --inventory inventories/local [--output-dir reports]

The inventory only says where to look (region, endpoint, kubeconfig, the Project and
Environment tags, the application namespace); Ansible resolves those settings exactly as
a playbook run would. Everything drawn comes from the APIs:
  EC2   the VPC tagged Project/Environment, its subnets by AZ and tier, NAT gateways
  EKS   the clusters in that VPC and their managed node groups
  RDS   PostgreSQL instances in the VPC, read replicas and their source
  ElastiCache  replication groups whose subnet group is in the VPC
  Amazon MQ    brokers whose subnets are in the VPC
  Kubernetes   Deployments (replicas), HorizontalPodAutoscalers and Ingresses of the namespace
Writes reports/diagram-<env>.png, .svg (icons embedded, so the file stands alone) and
.json (the model that was drawn). Needs Graphviz's `dot` (`make graphviz` installs it).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parent.parent
SETTINGS_EXPR = (
    '{{ {"region": aws_region, "endpoint_url": aws_endpoint_url | default(""),'
    ' "access_key": aws_access_key_id | default(""), "secret_key": aws_secret_access_key | default(""),'
    ' "kubeconfig": k8s_kubeconfig | default(eks_kubeconfig_path) | default(""),'
    ' "environment": platform_environment, "project": platform_project,'
    ' "namespace": app_deploy_namespace | default("cardplatform")} | to_json }}'
)


def resolve_settings(inventory: Path) -> dict:
    """Ask Ansible for the connection settings of the inventory's environment host."""
    env = {**os.environ, "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1", "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
           "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    ansible = shutil.which("ansible", path=str(Path(sys.executable).parent)) or "ansible"
    result = subprocess.run([ansible, "platform", "-i", str(inventory), "-m", "ansible.builtin.debug", "-a", f"msg={SETTINGS_EXPR}"],
                            cwd=REPO, env=env, capture_output=True, text=True, check=False)
    try:
        plays = json.loads(result.stdout)["plays"]
        msg = next(iter(plays[0]["tasks"][0]["hosts"].values()))["msg"]
    except (ValueError, KeyError, IndexError, StopIteration):
        raise SystemExit(f"Could not resolve the settings of {inventory}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}") from None
    return json.loads(msg) if isinstance(msg, str) else msg


def _tags(resource: dict, key: str = "Tags") -> dict:
    return {t["Key"]: t["Value"] for t in resource.get(key) or []}


def read_aws(settings: dict) -> dict:
    """Read the environment's resources back from AWS."""
    kwargs = {"region_name": settings["region"]}
    if settings.get("endpoint_url"):
        kwargs["endpoint_url"] = settings["endpoint_url"]
    if settings.get("access_key"):
        kwargs.update(aws_access_key_id=settings["access_key"], aws_secret_access_key=settings["secret_key"])
    client = lambda service: boto3.client(service, **kwargs)  # noqa: E731

    ec2 = client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Project", "Values": [settings["project"]]},
                                      {"Name": "tag:Environment", "Values": [settings["environment"]]}])["Vpcs"]
    if not vpcs:
        raise SystemExit(f"No VPC tagged Project={settings['project']} Environment={settings['environment']} "
                         f"in {settings['region']}{' at ' + settings['endpoint_url'] if settings.get('endpoint_url') else ''}: "
                         "has site.yml run?")
    vpc = vpcs[0]
    vpc_id = vpc["VpcId"]
    model: dict = {"environment": settings["environment"], "region": settings["region"],
                   "vpc": {"id": vpc_id, "cidr": vpc["CidrBlock"], "name": _tags(vpc).get("Name", vpc_id)}}

    subnets = []
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        tags = _tags(subnet)
        if "Tier" in tags:
            tier = tags["Tier"]
        elif "kubernetes.io/role/elb" in tags or subnet.get("MapPublicIpOnLaunch"):
            tier = "public"
        else:
            tier = "private"
        subnets.append({"id": subnet["SubnetId"], "az": subnet["AvailabilityZone"], "cidr": subnet["CidrBlock"], "tier": tier})
    model["subnets"] = sorted(subnets, key=lambda s: (s["az"], s["tier"]))
    model["azs"] = sorted({s["az"] for s in subnets})
    subnet_az = {s["id"]: s["az"] for s in subnets}

    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                              {"Name": "state", "Values": ["pending", "available"]}])["NatGateways"]
    model["nat_gateways"] = [{"id": n["NatGatewayId"], "subnet_id": n["SubnetId"], "az": subnet_az.get(n["SubnetId"], "?")} for n in nats]

    eks = client("eks")
    clusters = []
    for name in eks.list_clusters()["clusters"]:
        cluster = eks.describe_cluster(name=name)["cluster"]
        if cluster.get("resourcesVpcConfig", {}).get("vpcId") != vpc_id:
            continue
        groups = []
        for group_name in eks.list_nodegroups(clusterName=name)["nodegroups"]:
            group = eks.describe_nodegroup(clusterName=name, nodegroupName=group_name)["nodegroup"]
            scaling = group.get("scalingConfig", {})
            groups.append({"name": group_name, "instance_types": group.get("instanceTypes", []),
                           "ami_type": group.get("amiType", ""), "min": scaling.get("minSize"), "max": scaling.get("maxSize"),
                           "desired": scaling.get("desiredSize"), "status": group.get("status", "")})
        clusters.append({"name": name, "version": cluster.get("version", ""), "status": cluster.get("status", ""), "nodegroups": groups})
    model["eks_clusters"] = clusters

    rds = client("rds")
    databases = []
    for db in rds.describe_db_instances()["DBInstances"]:
        if (db.get("DBSubnetGroup") or {}).get("VpcId") != vpc_id:
            continue
        databases.append({"id": db["DBInstanceIdentifier"], "class": db["DBInstanceClass"], "engine": db["Engine"],
                          "engine_version": db.get("EngineVersion", ""), "multi_az": bool(db.get("MultiAZ")),
                          "az": db.get("AvailabilityZone", ""), "source": db.get("ReadReplicaSourceDBInstanceIdentifier", "")})
    model["rds_instances"] = databases

    elasticache = client("elasticache")
    subnet_group_vpc: dict[str, str] = {}
    caches = []
    for group in elasticache.describe_replication_groups()["ReplicationGroups"]:
        members = group.get("MemberClusters") or []
        vpc_of_group = None
        node_type = group.get("CacheNodeType", "")
        if members:
            member = elasticache.describe_cache_clusters(CacheClusterId=members[0])["CacheClusters"][0]
            node_type = node_type or member.get("CacheNodeType", "")
            subnet_group = member.get("CacheSubnetGroupName")
            if subnet_group and subnet_group not in subnet_group_vpc:
                described = elasticache.describe_cache_subnet_groups(CacheSubnetGroupName=subnet_group)["CacheSubnetGroups"]
                subnet_group_vpc[subnet_group] = described[0].get("VpcId", "") if described else ""
            vpc_of_group = subnet_group_vpc.get(subnet_group or "")
        if vpc_of_group != vpc_id:
            continue
        caches.append({"id": group["ReplicationGroupId"], "node_type": node_type, "nodes": len(members),
                       "shards": len(group.get("NodeGroups") or []), "cluster_mode": group.get("ClusterEnabled", False),
                       "automatic_failover": group.get("AutomaticFailover", ""), "multi_az": group.get("MultiAZ", "")})
    model["elasticache_replication_groups"] = caches

    mq = client("mq")
    brokers = []
    for summary in mq.list_brokers().get("BrokerSummaries", []):
        broker = mq.describe_broker(BrokerId=summary["BrokerId"])
        if not set(broker.get("SubnetIds") or []) & set(subnet_az):
            continue
        brokers.append({"id": broker["BrokerId"], "name": broker["BrokerName"], "engine": broker.get("EngineType", ""),
                        "instance_type": broker.get("HostInstanceType", ""), "deployment_mode": broker.get("DeploymentMode", ""),
                        "azs": sorted({subnet_az[s] for s in broker.get("SubnetIds") or [] if s in subnet_az})})
    model["mq_brokers"] = brokers
    return model


def read_kubernetes(settings: dict, kubeconfig: str | None) -> dict:
    """Deployments, HPAs and Ingresses of the application namespace; empty if unreachable."""
    namespace = settings["namespace"]
    path = kubeconfig or settings.get("kubeconfig")
    if not path or not Path(path).is_file():
        return {"namespace": namespace, "reachable": False, "reason": f"no kubeconfig at {path!r}"}
    from kubernetes import client, config  # imported here: only this part needs it

    try:
        api_client = config.new_client_from_config(config_file=path)
        apps = client.AppsV1Api(api_client)
        deployments = apps.list_namespaced_deployment(namespace, _request_timeout=10).items
        hpas = client.AutoscalingV2Api(api_client).list_namespaced_horizontal_pod_autoscaler(namespace, _request_timeout=10).items
        ingresses = client.NetworkingV1Api(api_client).list_namespaced_ingress(namespace, _request_timeout=10).items
    except Exception as exc:  # an unreachable cluster still gets a diagram of the AWS side
        return {"namespace": namespace, "reachable": False, "reason": f"{type(exc).__name__}: {exc}"[:300]}
    hpa_by_target = {h.spec.scale_target_ref.name: (h.spec.min_replicas, h.spec.max_replicas) for h in hpas}
    return {
        "namespace": namespace,
        "reachable": True,
        "deployments": [{"name": d.metadata.name, "replicas": d.spec.replicas, "ready": d.status.ready_replicas or 0,
                         "node_selector": (d.spec.template.spec.node_selector or {}),
                         "hpa": list(hpa_by_target[d.metadata.name]) if d.metadata.name in hpa_by_target else None}
                        for d in sorted(deployments, key=lambda d: d.metadata.name)],
        "ingresses": [{"name": i.metadata.name, "hosts": [r.host for r in (i.spec.rules or []) if r.host]} for i in ingresses],
    }


def draw(model: dict, output: Path, formats: list[str]) -> list[Path]:
    """Render the model with the `diagrams` library (Graphviz)."""
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EKS, EC2AutoScaling
    from diagrams.aws.database import ElasticacheForRedis, RDSPostgresqlInstance
    from diagrams.aws.integration import MQ
    from diagrams.aws.network import NATGateway, PrivateSubnet, PublicSubnet
    from diagrams.k8s.compute import Deployment
    from diagrams.k8s.network import Ingress
    from diagrams.onprem.network import Internet

    title = f"{model['vpc']['name']} ({model['environment']}, {model['region']}) as deployed"
    graph_attr = {"fontsize": "20", "labelloc": "t", "pad": "0.4", "nodesep": "1.0", "ranksep": "0.9"}
    with Diagram(title, filename=str(output), outformat=formats, show=False, direction="TB", graph_attr=graph_attr):
        internet = Internet("internet")
        private_by_az: dict[str, list] = {}
        with Cluster(f"VPC {model['vpc']['id']}\n{model['vpc']['cidr']}"):
            for az in model["azs"]:
                with Cluster(az):
                    for subnet in sorted((s for s in model["subnets"] if s["az"] == az), key=lambda s: s["tier"] != "public"):
                        icon = PublicSubnet if subnet["tier"] == "public" else PrivateSubnet
                        node = icon(f"{subnet['tier']}\n{subnet['cidr']}")
                        if subnet["tier"] != "public":
                            private_by_az.setdefault(az, []).append(node)
                        for nat in (n for n in model["nat_gateways"] if n["subnet_id"] == subnet["id"]):
                            nat_node = NATGateway(f"NAT\n{nat['id'][-8:]}")
                            node >> Edge(style="dashed") >> nat_node
                            nat_node >> Edge(color="gray") >> internet
            data_nodes = []
            with Cluster("data services (private subnets)"):
                writers = {}
                for db in (d for d in model["rds_instances"] if not d["source"]):
                    writers[db["id"]] = RDSPostgresqlInstance(
                        f"PostgreSQL writer\n{db['id']}\n{db['class']}{' Multi-AZ' if db['multi_az'] else ''}\n{db['engine']} {db['engine_version']}")
                    data_nodes.append(writers[db["id"]])
                for db in (d for d in model["rds_instances"] if d["source"]):
                    replica = RDSPostgresqlInstance(f"read replica\n{db['id']}\n{db['class']}, {db['az']}")
                    if db["source"] in writers:
                        writers[db["source"]] >> Edge(label="replication", style="dashed") >> replica
                    data_nodes.append(replica)
                for cache in model["elasticache_replication_groups"]:
                    data_nodes.append(ElasticacheForRedis(
                        f"Redis\n{cache['id']}\n{cache['nodes']} x {cache['node_type']}\n{cache['shards']} shard(s)\nfailover {cache['automatic_failover']}"))
                for broker in model["mq_brokers"]:
                    data_nodes.append(MQ(f"{broker['engine']}\n{broker['name']}\n{broker['deployment_mode']}\n{broker['instance_type']}"))
            for cluster in model["eks_clusters"]:
                with Cluster(f"EKS {cluster['name']} (Kubernetes {cluster['version']})"):
                    control_plane = EKS(f"control plane\n{cluster['status']}")
                    groups = {}
                    for group in cluster["nodegroups"]:
                        groups[group["name"]] = EC2AutoScaling(
                            f"node group {group['name']}\n{', '.join(group['instance_types'])}\n"
                            f"{group['min']}-{group['max']} (desired {group['desired']})")
                        control_plane >> Edge(color="gray") >> groups[group["name"]]
                    app = model.get("kubernetes", {})
                    if app.get("reachable"):
                        with Cluster(f"namespace {app['namespace']}"):
                            for ingress in app["ingresses"]:
                                ingress_node = Ingress(f"{ingress['name']}\n{', '.join(ingress['hosts'])}")
                                internet >> Edge(label="HTTPS") >> ingress_node
                            for deployment in app["deployments"]:
                                hpa = f"\nHPA {deployment['hpa'][0]}-{deployment['hpa'][1]}" if deployment["hpa"] else ""
                                node = Deployment(f"{deployment['name']}\n{deployment['ready']}/{deployment['replicas']} ready{hpa}")
                                wanted = deployment["node_selector"].get("workload")
                                target = groups.get(wanted) if wanted else next(iter(groups.values()), None)
                                if target is not None:
                                    node >> Edge(style="dotted", color="gray") >> target
                                for data_node in data_nodes:
                                    node >> Edge(color="darkgreen") >> data_node
                    for az_nodes in private_by_az.values():
                        for subnet_node in az_nodes:
                            subnet_node >> Edge(style="invis") >> control_plane
    return [output.with_suffix(f".{fmt}") for fmt in formats]


def embed_svg_images(svg: Path) -> None:
    """diagrams' SVG links its icons by absolute path: inline them so the file stands alone."""
    text = svg.read_text()

    def inline(match: re.Match) -> str:
        path = Path(match.group(2))
        if not path.is_file():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode()
        return f'{match.group(1)}="data:image/png;base64,{data}"'

    svg.write_text(re.sub(r'(xlink:href|href)="(/[^"]+\.png)"', inline, text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inventory", "-i", required=True, type=Path)
    parser.add_argument("--output-dir", type=Path, default=REPO / "reports")
    parser.add_argument("--kubeconfig", help="override the inventory's kubeconfig")
    parser.add_argument("--formats", default="png,svg", help="comma-separated Graphviz formats (default png,svg)")
    args = parser.parse_args(argv)

    if shutil.which("dot") is None:
        print("Graphviz's `dot` is not installed: run `make graphviz` (apt-get install graphviz)", file=sys.stderr)
        return 2
    settings = resolve_settings(args.inventory)
    model = read_aws(settings)
    model["kubernetes"] = read_kubernetes(settings, args.kubeconfig)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    base = args.output_dir / f"diagram-{model['environment']}"
    (base.with_suffix(".json")).write_text(json.dumps(model, indent=2, default=str) + "\n")
    files = draw(model, base, [f.strip() for f in args.formats.split(",") if f.strip()])
    for path in files:
        if path.suffix == ".svg":
            embed_svg_images(path)
    print("Wrote " + ", ".join(str(p) for p in [base.with_suffix(".json"), *files]))
    if not model["kubernetes"]["reachable"]:
        print(f"Kubernetes not drawn: {model['kubernetes']['reason']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
