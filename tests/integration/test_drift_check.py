"""playbooks/drift_check.yml and tools/drift.py on the converged emulated platform.

In sync: exit 0 with no mutating AWS call (the AWS emulator's request log) and no Kubernetes
write (the Kubernetes emulator's request log: only GETs, or writes with dryRun). Then seven
changes made out of band (the read replica's Multi-AZ among them) are each reported with
expected and actual values, exit 2;
site.yml repairs them and the next check is clean. A check that cannot read is an error
(exit 1 from tools/drift.py), not drift.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
import requests

from helpers import REPO, run

ENV = "local"
PREFIX = "card-platform-local"
WRITER = f"{PREFIX}-postgres"
REPLICA = f"{WRITER}-replica"


def drift_tool(platform, *args: str, env: dict[str, str] | None = None):
    return run([sys.executable, str(REPO / "tools" / "drift.py"), "--env", ENV, "--quiet", *args],
               env={**platform.env, **(env or {})}, timeout=600)


def report_of(output: str) -> tuple[dict, str]:
    """The report named on tools/drift.py's last line."""
    md = output.strip().splitlines()[-1].rsplit("report ", 1)[1]
    base = md[:-3]
    return json.loads(open(base + ".json", encoding="utf-8").read()), base


def drift_playbook(platform) -> tuple[object, dict, str]:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    result = platform.playbook("playbooks/drift_check.yml", "-e", f"drift_report_stamp={stamp}", timeout=600)
    base = str(REPO / "reports" / f"drift-{ENV}-us-east-1-{stamp}")
    return result, json.loads(open(base + ".json", encoding="utf-8").read()), base


def attributes(report: dict, resource_id: str) -> dict[str, tuple]:
    entry = next(r for r in report["resources"] if r["id"] == resource_id)
    return {a["name"]: (a["expected"], a["actual"]) for a in entry["attributes"]}, entry["status"]


def test_in_sync_without_any_write(platform):
    requests.delete(f"{platform.endpoint_url}/_emulator/requests", timeout=10).raise_for_status()
    k8s = f"http://127.0.0.1:{platform.k8s_port}/emulator/requests"
    requests.delete(k8s, timeout=10).raise_for_status()
    result = drift_tool(platform)
    assert result.returncode == 0, result.stdout[-8000:]
    assert "IN SYNC" in result.stdout
    report, base = report_of(result.stdout)
    assert report["result"] == "in_sync" and report["summary"]["drifted"] == 0
    assert report["summary"]["resources"] >= 20 and report["not_checked"]
    assert {r["status"] for r in report["resources"]} == {"in_sync"}
    suite = ET.parse(base + ".xml").getroot().find("testsuite")
    assert suite.get("failures") == "0" and len(suite.findall("testcase")) >= 20
    # No write call: AWS (request log of the emulator) and Kubernetes.
    aws_calls = requests.get(f"{platform.endpoint_url}/_emulator/requests", timeout=10).json()
    assert aws_calls, "the drift check read nothing"
    assert [c for c in aws_calls if c["mutating"]] == []
    k8s_calls = requests.get(k8s, timeout=10).json()["items"]
    writes = [c for c in k8s_calls if c["method"] not in ("GET", "HEAD") and "dryRun" not in (c.get("query") or "")]
    assert k8s_calls and writes == []


def inject_drift(platform) -> dict[str, str]:
    rds, ec2, eks, sm = (platform.client(s) for s in ("rds", "ec2", "eks", "secretsmanager"))
    rds.modify_db_instance(DBInstanceIdentifier=WRITER, BackupRetentionPeriod=7, ApplyImmediately=True)
    # The inventory keeps the read replica single-AZ (rds_replica_multi_az: false).
    rds.modify_db_instance(DBInstanceIdentifier=REPLICA, MultiAZ=True, ApplyImmediately=True)
    assert rds.describe_db_instances(DBInstanceIdentifier=REPLICA)["DBInstances"][0]["MultiAZ"] is True
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [PREFIX]}])["Vpcs"][0]["VpcId"]
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "ManagedBy"}])
    eks.update_nodegroup_config(clusterName=PREFIX, nodegroupName="general",
                                scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 2})
    sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [WRITER]}])["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    sm.delete_secret(SecretId=f"{PREFIX}/rds/app", RecoveryWindowInDays=7)
    # An image repository's scan on push turned off by hand (the ecr role turns it on).
    platform.client("ecr").put_image_scanning_configuration(
        repositoryName="card-platform/api", imageScanningConfiguration={"scanOnPush": False})
    # The HPA owns replicas: a replica count is drift once the HPA is gone (or changed).
    assert platform.kubectl("-n", "cardplatform", "delete", "hpa", "api").returncode == 0
    assert platform.kubectl("-n", "cardplatform", "scale", "deployment", "api", "--replicas=1").returncode == 0
    # A hand-made helm upgrade of a cluster add-on: one value changed, one added.
    upgrade = run(["helm", "--kubeconfig", platform.kubeconfig, "upgrade", "cluster-autoscaler", "cluster-autoscaler",
                   "--repo", f"http://127.0.0.1:{platform.k8s_port}/charts/autoscaler", "--version", "9.50.1",
                   "--namespace", "kube-system", "--reuse-values", "--set", "awsRegion=eu-west-1", "--set", "replicaCount=2"],
                  env=platform.env)
    assert upgrade.returncode == 0, upgrade.stdout
    return {"vpc": vpc, "sg": sg}


def test_injected_drift_is_reported_then_repaired(platform):
    ids = inject_drift(platform)
    result, report, base = drift_playbook(platform)
    assert result.returncode == 2, result.stdout[-8000:]
    assert "DRIFT:" in result.stdout
    assert report["result"] == "drift"

    attrs, status = attributes(report, WRITER)
    assert status == "modified" and attrs["backup_retention_period"] == (30, 7)
    attrs, status = attributes(report, REPLICA)
    assert status == "modified" and attrs == {"multi_az": (False, True)}
    attrs, status = attributes(report, ids["vpc"])
    assert status == "modified" and attrs["tags.ManagedBy"] == ("ansible", None)
    attrs, status = attributes(report, f"{PREFIX}/general")
    assert attrs["scaling_config.min_size"] == (3, 1) and attrs["scaling_config.max_size"] == (10, 4)
    assert attrs["scaling_config.desired_size"] == ("3..10", 2)
    attrs, status = attributes(report, f"{ids['sg']} ({WRITER})")
    expected, actual = attrs["ingress"]
    assert "tcp/5432-5432 from 0.0.0.0/0" in actual and "tcp/5432-5432 from 0.0.0.0/0" not in expected
    attrs, status = attributes(report, "cardplatform/deployment/api")
    assert status == "modified" and attrs["replicas"] == ("3..10", 1)
    attrs, status = attributes(report, "cardplatform/horizontalpodautoscaler/api")
    assert status == "missing"
    attrs, status = attributes(report, f"{PREFIX}/rds/app")
    assert status == "missing" and attrs["exists"] == (True, False)
    attrs, status = attributes(report, "kube-system/cluster-autoscaler")
    assert status == "modified"
    assert attrs == {"values.awsRegion": ("us-east-1", "eu-west-1"), "extra_values": ([], ["replicaCount"])}
    attrs, status = attributes(report, "card-platform/api")
    assert status == "modified" and attrs == {"scan_on_push": (True, False)}
    assert report["summary"]["drifted"] == 10  # the nine changes; the HPA and its Deployment count apart

    md = open(base + ".md", encoding="utf-8").read()
    assert "| card-platform-local-postgres | rds.db_instance | modified | backup_retention_period | 30 | 7 |" in md
    suite = ET.parse(base + ".xml").getroot().find("testsuite")
    failed = {case.get("name") for case in suite.findall("testcase") if case.find("failure") is not None}
    assert {WRITER, REPLICA, ids["vpc"], f"{PREFIX}/general", f"{PREFIX}/rds/app"} <= failed
    assert f"| {REPLICA} | rds.db_instance (read replica) | modified | multi_az | false | true |" in md

    tool = drift_tool(platform)
    assert tool.returncode == 2 and "DRIFT" in tool.stdout

    converge = platform.playbook("site.yml")
    assert converge.returncode == 0, converge.stdout[-8000:]
    clean = drift_tool(platform)
    assert clean.returncode == 0, clean.stdout + json.dumps(report_of(clean.stdout)[0]["resources"], indent=1)[-6000:]


def test_unreadable_environment_is_an_error_not_drift(platform):
    result = drift_tool(platform, "--scope", "rds", env={"PLATFORM_AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert result.returncode == 1, result.stdout[-5000:]
    assert "ERROR" in result.stdout


@pytest.mark.parametrize("rc,result,expected", [
    (0, "in_sync", 0), (2, "drift", 2), (2, "error", 1), (2, None, 1), (4, "in_sync", 1), (1, "drift", 1),
])
def test_exit_status_mapping(rc, result, expected):
    sys.path.insert(0, str(REPO / "tools"))
    import drift  # noqa: PLC0415

    assert drift.classify(rc, {"result": result} if result else None) == expected
