"""playbooks/rollout.yml on the shared converged platform.

A release is a change of image_tag in the inventory: the tests pass the local inventory's
app_deploy_services with the new tags as an extra-vars file (`-e @file`, the whole list), and
the rollout deploys what it names. The local inventory's registry
(123456789012.dkr.ecr.us-east-1.amazonaws.com, the emulated account's) is an ECR registry, so
the rollout checks tags in the emulator's ECR: site.yml's ecr role created the repositories
(the fixture checks them), the module fixture pushes the images there with boto3 (put_image),
so the registry check runs for real. At the end the services are rolled out to the inventory's
tags again and the worker's progress deadline is restored, so later tests see a converged
platform.
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import datetime, timezone

import pytest
import yaml

from helpers import REPO, recap_totals

NS = "cardplatform"
REGISTRY = "123456789012"
REGISTRY_HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
SERVICES = ("api", "jit-authorizer", "worker")
INVENTORY_TAG = "1.12.3"
APP_INVENTORY = REPO / "inventories" / "local" / "group_vars" / "all" / "app.yml"
FAST = ("-e", "rollout_poll_interval_seconds=1")


def released(tmp_path, tags: dict[str, str]) -> tuple[str, str]:
    """`-e @file`: the local inventory's app_deploy_services with these image tags."""
    services = yaml.safe_load(APP_INVENTORY.read_text())["app_deploy_services"]
    for svc in services:
        svc["image_tag"] = tags.get(svc["name"], svc["image_tag"])
    path = tmp_path / f"release-{'-'.join(f'{k}-{v}' for k, v in sorted(tags.items()))}.yml"
    path.write_text(yaml.safe_dump({"app_deploy_services": services}, sort_keys=False))
    return "-e", f"@{path}"


def _manifest(layer: str) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:" + "c" * 64},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": "sha256:" + layer * 64}],
        }
    )


@pytest.fixture(scope="module")
def rollout_platform(platform):
    ecr = platform.client("ecr")
    # site.yml's ecr role made one repository per service, with immutable tags and the data key.
    repos = {r["repositoryName"]: r for r in ecr.describe_repositories(registryId=REGISTRY)["repositories"]}
    for svc in SERVICES:
        repo = f"card-platform/{svc}"
        assert repos[repo]["imageTagMutability"] == "IMMUTABLE", repos[repo]
        assert repos[repo]["encryptionConfiguration"]["encryptionType"] == "KMS", repos[repo]
        for layer, tag in zip("abc", (INVENTORY_TAG, "1.13.0", "never-ready")):
            try:
                ecr.put_image(registryId=REGISTRY, repositoryName=repo, imageManifest=_manifest(layer), imageTag=tag)
            except (ecr.exceptions.ImageAlreadyExistsException, ecr.exceptions.ImageTagAlreadyExistsException):
                pass
    yield platform
    # Leave the platform as site.yml converged it: the inventory's tag everywhere (a rollout
    # with the inventory as it is; rollout_image_tag only confirms it) and the progress
    # deadline app_deploy sets (the rollback puts back the pod template, not the deadline).
    platform.kubectl("-n", NS, "patch", "deployment", "worker", "-p", '{"spec":{"progressDeadlineSeconds":600}}')
    back = platform.playbook(
        "playbooks/rollout.yml", "-e", "rollout_service=all", "-e", f"rollout_image_tag={INVENTORY_TAG}", *FAST
    )
    assert back.returncode == 0, back.stdout[-5000:]


def deployment(platform, name: str) -> dict:
    got = platform.kubectl("-n", NS, "get", "deployment", name, "-o", "json")
    assert got.returncode == 0, got.stdout
    return json.loads(got.stdout)


def image(dep: dict) -> str:
    return dep["spec"]["template"]["spec"]["containers"][0]["image"]


def clear_request_logs(platform) -> None:
    for url in (f"{platform.endpoint_url}/_emulator/requests", f"http://127.0.0.1:{platform.k8s_port}/emulator/requests"):
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).read()


def writes(platform) -> tuple[list, list]:
    """The platform's writes, AWS and Kubernetes. The run lock's own items (DynamoDB) are not
    the platform's: a run that took the lock must have released it (PutItem, then DeleteItem)."""
    with urllib.request.urlopen(f"{platform.endpoint_url}/_emulator/requests", timeout=10) as resp:
        entries = [e for e in json.load(resp) if e["mutating"]]
    lock = [e["operation"] for e in entries if e["service"] == "dynamodb"]
    assert lock in ([], ["PutItem", "DeleteItem"]), lock
    aws = [e for e in entries if e["service"] != "dynamodb"]
    with urllib.request.urlopen(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10) as resp:
        # A server-side dry run (check mode's preview) writes nothing.
        k8s = [e for e in json.load(resp)["items"]
               if e["method"] not in ("GET", "HEAD") and "dryRun" not in (e.get("query") or "")]
    return aws, k8s


@pytest.mark.parametrize(
    ("args", "tags", "expected"),
    [
        (("rollout_service=payments",), {}, "rollout_service must be one of api, jit-authorizer, worker"),
        # rollout_image_tag only confirms the inventory's tag: a release changes the inventory first.
        (
            ("rollout_service=api", "rollout_image_tag=1.13.0"),
            {},
            "rollout_image_tag: 1.13.0 was asked for api, but the inventory names 1.12.3 (app_deploy_services[api].image_tag in "
            "inventories/local/group_vars/all/app.yml). The rollout deploys the inventory's tag: change image_tag there first",
        ),
        (("rollout_service=api",), {"api": "latest"}, "app_deploy_services[api].image_tag: a pinned tag such as 1.12.3, not latest"),
        (("rollout_service=api",), {"api": "-bad tag"}, "app_deploy_services[api].image_tag must be a pinned image tag"),
    ],
)
def test_bad_request_refused_before_any_api_call(rollout_platform, tmp_path, args, tags, expected):
    clear_request_logs(rollout_platform)
    release = released(tmp_path, tags) if tags else ()
    result = rollout_platform.playbook("playbooks/rollout.yml", *[x for a in args for x in ("-e", a)], *release)
    assert result.returncode != 0
    assert expected in result.stdout
    with urllib.request.urlopen(f"{rollout_platform.endpoint_url}/_emulator/requests", timeout=10) as resp:
        assert json.load(resp) == []  # not even a read
    with urllib.request.urlopen(f"http://127.0.0.1:{rollout_platform.k8s_port}/emulator/requests", timeout=10) as resp:
        assert json.load(resp)["items"] == []  # not even a read


def test_tag_missing_from_registry_refused_before_any_write(rollout_platform, tmp_path):
    before = deployment(rollout_platform, "api")
    clear_request_logs(rollout_platform)
    result = rollout_platform.playbook("playbooks/rollout.yml", "-e", "rollout_service=api", *released(tmp_path, {"api": "9.9.9"}))
    assert result.returncode != 0
    assert f"image tag 9.9.9 is not in {REGISTRY_HOST} for card-platform/api" in result.stdout
    aws_writes, k8s_writes = writes(rollout_platform)
    assert aws_writes == [] and k8s_writes == []
    after = deployment(rollout_platform, "api")
    assert image(after) == image(before)
    assert after["metadata"]["generation"] == before["metadata"]["generation"]


def test_rollout_of_the_inventory_tag_records_its_cause(rollout_platform, tmp_path):
    release = released(tmp_path, {"api": "1.13.0"})
    others = {name: deployment(rollout_platform, name) for name in ("jit-authorizer", "worker")}
    before = deployment(rollout_platform, "api")
    replicas = before["spec"]["replicas"]
    request = ("-e", "rollout_service=api", "-e", "rollout_ticket=CHG-4711", "-e", "rollout_operator=pytest", *release, *FAST)

    # Check mode: the plan, and not a single write.
    clear_request_logs(rollout_platform)
    plan = rollout_platform.playbook("playbooks/rollout.yml", "--check", *request)
    assert plan.returncode == 0, plan.stdout[-8000:]
    assert "api: 1.12.3 -> 1.13.0 (check mode, not applied)" in plan.stdout
    aws_writes, k8s_writes = writes(rollout_platform)
    assert aws_writes == [] and k8s_writes == []
    assert deployment(rollout_platform, "api")["metadata"]["generation"] == before["metadata"]["generation"]

    result = rollout_platform.playbook("playbooks/rollout.yml", *request)
    assert result.returncode == 0, result.stdout[-8000:]
    assert "ENVIRONMENT LOCAL" in result.stdout
    assert "inventories/local/group_vars/all/app.yml names: api 1.13.0" in result.stdout
    assert f"1.13.0 found in {REGISTRY_HOST} for card-platform/api" in result.stdout
    assert "Smoke check of api passed" in result.stdout
    assert "local: api: 1.12.3 -> 1.13.0, revision" in result.stdout

    api = deployment(rollout_platform, "api")
    assert image(api) == f"{REGISTRY_HOST}/card-platform/api:1.13.0"
    assert api["spec"]["replicas"] == replicas  # the HPA's, untouched
    assert api["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": 0}
    assert api["metadata"]["labels"]["app.kubernetes.io/version"] == "1.13.0"
    assert api["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"] == "1.13.0"
    # The pod template app_deploy renders: only the image and the version label changed.
    assert api["spec"]["template"]["metadata"]["annotations"] == before["spec"]["template"]["metadata"]["annotations"]
    cause = api["metadata"]["annotations"]["kubernetes.io/change-cause"]
    assert cause == "version 1.13.0; operator pytest; ticket CHG-4711; playbooks/rollout.yml"
    status = api["status"]
    assert status["updatedReplicas"] == status["readyReplicas"] == replicas

    history = rollout_platform.kubectl("-n", NS, "rollout", "history", "deployment/api")
    assert history.returncode == 0
    assert cause in history.stdout

    for name, before_other in others.items():
        after = deployment(rollout_platform, name)
        assert image(after) == image(before_other)
        assert after["metadata"]["generation"] == before_other["metadata"]["generation"]

    # Confirming the tag (rollout_image_tag equal to the inventory's) is accepted; nothing to do.
    again = rollout_platform.playbook(
        "playbooks/rollout.yml", "-e", "rollout_service=api", "-e", "rollout_image_tag=1.13.0", *release, *FAST
    )
    assert again.returncode == 0, again.stdout[-5000:]
    assert recap_totals(again.stdout)["changed"] == 0
    assert "already runs" in again.stdout


def test_site_after_a_rollout_changes_nothing(rollout_platform, tmp_path):
    """The rollout applied what app_deploy renders: site.yml and the drift check agree with it."""
    release = released(tmp_path, {"api": "1.13.0"})
    rolled = rollout_platform.playbook("playbooks/rollout.yml", "-e", "rollout_service=api", *release, *FAST)
    assert rolled.returncode == 0, rolled.stdout[-8000:]
    before = deployment(rollout_platform, "api")
    assert image(before) == f"{REGISTRY_HOST}/card-platform/api:1.13.0"

    # app_deploy and the roles whose outputs it reads (platform_role_needs): what a converge after
    # a rollout could revert is the application; the other roles' no-op runs are test_check_mode's
    # and the Molecule scenario's (a full converge here cost ~330 s of two cores).
    site = rollout_platform.playbook("site.yml", "--tags", "vpc,secrets,eks,rds,elasticache,amazonmq,app_deploy", *release)
    assert site.returncode == 0, site.stdout[-15000:]
    assert recap_totals(site.stdout)["changed"] == 0, site.stdout.split("PLAY RECAP")[-1]
    assert not re.search(r"^changed: .*api", site.stdout, re.M)
    after = deployment(rollout_platform, "api")
    assert image(after) == image(before)
    assert after["metadata"]["generation"] == before["metadata"]["generation"]
    assert after["metadata"]["annotations"]["kubernetes.io/change-cause"] == before["metadata"]["annotations"]["kubernetes.io/change-cause"]

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    drift = rollout_platform.playbook(
        "playbooks/drift_check.yml", "-e", '{"drift_scope": ["app_deploy"]}', "-e", f"drift_report_stamp={stamp}", *release
    )
    report = json.loads((REPO / "reports" / f"drift-local-us-east-1-{stamp}.json").read_text())
    entry = next(r for r in report["resources"] if r["id"] == f"{NS}/deployment/api")
    assert entry["status"] == "in_sync", entry
    assert drift.returncode == 0, drift.stdout[-8000:]


def test_never_ready_tag_rolls_back_by_itself(rollout_platform, tmp_path):
    # The emulator's pods never become ready on ...:never-ready; the shortest progress deadline
    # app_deploy accepts makes the controller declare ProgressDeadlineExceeded soon (the
    # fixture restores 600 s at the end).
    before = deployment(rollout_platform, "worker")
    result = rollout_platform.playbook(
        "playbooks/rollout.yml",
        "-e", "rollout_service=worker",
        "-e", "app_deploy_progress_deadline_seconds=30",
        *released(tmp_path, {"worker": "never-ready"}),
        *FAST,
    )
    assert result.returncode != 0
    assert "ROLLOUT FAILED in local: worker -> never-ready" in result.stdout
    assert "ProgressDeadlineExceeded" in result.stdout
    assert f"Rolled back automatically to {REGISTRY_HOST}/card-platform/worker:1.12.3" in result.stdout
    assert "rollback complete" in result.stdout
    # What runs and what the inventory names now differ: the failure and the report say so.
    assert "The cluster runs worker 1.12.3 while the inventory names never-ready" in result.stdout
    assert "revert app_deploy_services[worker].image_tag to 1.12.3 in inventories/local/group_vars/all/app.yml" in result.stdout
    assert (
        "local: worker: 1.12.3 -> never-ready FAILED, rolled back: the cluster runs 1.12.3, the inventory names never-ready"
        in result.stdout
    )

    after = deployment(rollout_platform, "worker")
    assert image(after) == image(before)
    assert after["spec"]["template"] == before["spec"]["template"]
    assert after["metadata"]["labels"]["app.kubernetes.io/version"] == INVENTORY_TAG
    assert after["metadata"].get("annotations", {}).get("kubernetes.io/change-cause") == (
        before["metadata"].get("annotations", {}).get("kubernetes.io/change-cause")
    )
    assert after["status"]["readyReplicas"] == after["spec"]["replicas"]
    # The revision that failed stays in the history; the old template is the newest revision.
    history = rollout_platform.kubectl("-n", NS, "rollout", "history", "deployment/worker")
    assert "version never-ready" in history.stdout


def test_canary_held_back_while_its_gate_alarm_fires(rollout_platform, tmp_path):
    """Issue #19: no promotion while an alarm that gates the canary is in ALARM; the canary goes,
    the stable Deployment is untouched. (Without rollout_canary_alarm_names there is no gate:
    test_canary_then_the_rest.)"""
    cloudwatch = rollout_platform.client("cloudwatch")
    gate = "card-platform-local-canary-gate-probe"
    cloudwatch.put_metric_alarm(AlarmName=gate, Namespace="AWS/ApplicationELB", MetricName="HTTPCode_Target_5XX_Count",
                                Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                ComparisonOperator="GreaterThanOrEqualToThreshold")
    cloudwatch.set_alarm_state(AlarmName=gate, StateValue="ALARM", StateReason="probe")
    before = deployment(rollout_platform, "jit-authorizer")
    try:
        result = rollout_platform.playbook(
            "playbooks/rollout.yml", "-e", "rollout_service=jit-authorizer", "-e", "rollout_canary=true",
            "-e", "rollout_canary_pause_seconds=0", "-e", f'{{"rollout_canary_alarm_names": ["{gate}"]}}',
            *released(tmp_path, {"jit-authorizer": "1.13.0"}), *FAST,
        )
    finally:
        cloudwatch.delete_alarms(AlarmNames=[gate])
    assert result.returncode != 0, result.stdout[-8000:]
    said = " ".join(result.stdout.split())
    assert f"Promotion of jit-authorizer refused: {gate} is in ALARM" in said, said[-4000:]
    after = deployment(rollout_platform, "jit-authorizer")
    assert image(after) == image(before) and after["metadata"]["generation"] == before["metadata"]["generation"]
    gone = rollout_platform.kubectl("-n", NS, "get", "deployment", "jit-authorizer-canary")
    assert gone.returncode != 0 and "NotFound" in gone.stdout


def test_canary_then_the_rest(rollout_platform, tmp_path):
    result = rollout_platform.playbook(
        "playbooks/rollout.yml",
        "-e", "rollout_service=jit-authorizer",
        "-e", "rollout_canary=true",
        "-e", "rollout_canary_replicas=1",
        "-e", "rollout_canary_pause_seconds=1",
        *released(tmp_path, {"jit-authorizer": "1.13.0"}),
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-8000:]
    assert "Smoke check of jit-authorizer-canary passed" in result.stdout
    assert "Smoke check of jit-authorizer passed" in result.stdout
    gone = rollout_platform.kubectl("-n", NS, "get", "deployment", "jit-authorizer-canary")
    assert gone.returncode != 0 and "NotFound" in gone.stdout
    assert image(deployment(rollout_platform, "jit-authorizer")).endswith("card-platform/jit-authorizer:1.13.0")
