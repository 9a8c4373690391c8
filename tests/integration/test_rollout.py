"""playbooks/rollout.yml on the shared converged platform.

The local inventory's registry (000000000000.dkr.ecr.us-east-1.amazonaws.com) is an ECR
registry, so the rollout checks tags in the emulator's ECR: the module fixture pushes the
images there with boto3 (put_image), so the registry check runs for real. At the end the
services are rolled back to the inventory's tag and the worker's progress deadline is
restored, so later tests see a converged platform.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

NS = "cardplatform"
REGISTRY = "000000000000"
SERVICES = ("api", "jit-authorizer", "worker")
INVENTORY_TAG = "1.12.3"
FAST = ("-e", "rollout_poll_interval_seconds=1")


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
    for svc in SERVICES:
        repo = f"card-platform/{svc}"
        try:
            ecr.create_repository(registryId=REGISTRY, repositoryName=repo)
        except ecr.exceptions.RepositoryAlreadyExistsException:
            pass
        for layer, tag in zip("abc", (INVENTORY_TAG, "1.13.0", "never-ready")):
            try:
                ecr.put_image(registryId=REGISTRY, repositoryName=repo, imageManifest=_manifest(layer), imageTag=tag)
            except ecr.exceptions.ImageAlreadyExistsException:
                pass
    yield platform
    # Leave the platform as site.yml converged it: the inventory's tag everywhere and the
    # progress deadline app_deploy sets.
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


def recap_changed(stdout: str) -> int:
    return int(re.search(r"changed=(\d+)", stdout.split("PLAY RECAP")[-1]).group(1))


def clear_request_logs(platform) -> None:
    for url in (f"{platform.endpoint_url}/_emulator/requests", f"http://127.0.0.1:{platform.k8s_port}/emulator/requests"):
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10).read()


def writes(platform) -> tuple[list, list]:
    with urllib.request.urlopen(f"{platform.endpoint_url}/_emulator/requests", timeout=10) as resp:
        aws = [e for e in json.load(resp) if e["mutating"]]
    with urllib.request.urlopen(f"http://127.0.0.1:{platform.k8s_port}/emulator/requests", timeout=10) as resp:
        k8s = [e for e in json.load(resp)["items"] if e["method"] not in ("GET", "HEAD")]
    return aws, k8s


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("rollout_service=payments", "rollout_image_tag=1.13.0"), "rollout_service must be one of api, jit-authorizer, worker"),
        (("rollout_service=api", "rollout_image_tag=latest"), "must be a pinned image tag"),
        (("rollout_service=api", "rollout_image_tag=-bad tag"), "must be a pinned image tag"),
    ],
)
def test_bad_request_refused_before_any_api_call(rollout_platform, args, expected):
    clear_request_logs(rollout_platform)
    result = rollout_platform.playbook("playbooks/rollout.yml", *[x for a in args for x in ("-e", a)])
    assert result.returncode != 0
    assert expected in result.stdout
    with urllib.request.urlopen(f"{rollout_platform.endpoint_url}/_emulator/requests", timeout=10) as resp:
        assert json.load(resp) == []  # not even a read
    assert writes(rollout_platform)[1] == []


def test_tag_missing_from_registry_refused_before_any_write(rollout_platform):
    before = deployment(rollout_platform, "api")
    clear_request_logs(rollout_platform)
    result = rollout_platform.playbook(
        "playbooks/rollout.yml", "-e", "rollout_service=api", "-e", "rollout_image_tag=9.9.9"
    )
    assert result.returncode != 0
    assert "image tag 9.9.9 is not in 000000000000.dkr.ecr.us-east-1.amazonaws.com for card-platform/api" in result.stdout
    aws_writes, k8s_writes = writes(rollout_platform)
    assert aws_writes == [] and k8s_writes == []
    after = deployment(rollout_platform, "api")
    assert image(after) == image(before)
    assert after["metadata"]["generation"] == before["metadata"]["generation"]


def test_rollout_to_a_good_tag_records_its_cause(rollout_platform):
    others = {name: deployment(rollout_platform, name) for name in ("jit-authorizer", "worker")}
    replicas = deployment(rollout_platform, "api")["spec"]["replicas"]
    result = rollout_platform.playbook(
        "playbooks/rollout.yml",
        "-e", "rollout_service=api",
        "-e", "rollout_image_tag=1.13.0",
        "-e", "rollout_ticket=CHG-4711",
        "-e", "rollout_operator=pytest",
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-8000:]
    assert "ENVIRONMENT LOCAL" in result.stdout
    assert "1.13.0 found in 000000000000.dkr.ecr.us-east-1.amazonaws.com" in result.stdout
    assert "Smoke check of api passed" in result.stdout

    api = deployment(rollout_platform, "api")
    assert image(api) == "000000000000.dkr.ecr.us-east-1.amazonaws.com/card-platform/api:1.13.0"
    assert api["spec"]["replicas"] == replicas  # the HPA's, untouched
    assert api["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": 0}
    assert api["metadata"]["labels"]["app.kubernetes.io/version"] == "1.13.0"
    cause = api["metadata"]["annotations"]["kubernetes.io/change-cause"]
    assert cause == "version 1.13.0; operator pytest; ticket CHG-4711; playbooks/rollout.yml"
    status = api["status"]
    assert status["updatedReplicas"] == status["readyReplicas"] == replicas

    history = rollout_platform.kubectl("-n", NS, "rollout", "history", "deployment/api")
    assert history.returncode == 0
    assert cause in history.stdout

    for name, before in others.items():
        after = deployment(rollout_platform, name)
        assert image(after) == image(before)
        assert after["metadata"]["generation"] == before["metadata"]["generation"]

    again = rollout_platform.playbook(
        "playbooks/rollout.yml", "-e", "rollout_service=api", "-e", "rollout_image_tag=1.13.0", *FAST
    )
    assert again.returncode == 0, again.stdout[-5000:]
    assert recap_changed(again.stdout) == 0
    assert "already runs" in again.stdout


def test_never_ready_tag_rolls_back_by_itself(rollout_platform):
    # The emulator's pods never become ready on ...:never-ready; a short progress deadline
    # makes the controller declare ProgressDeadlineExceeded quickly (restored at the end).
    patched = rollout_platform.kubectl(
        "-n", NS, "patch", "deployment", "worker", "-p", '{"spec":{"progressDeadlineSeconds":8}}'
    )
    assert patched.returncode == 0, patched.stdout
    before = deployment(rollout_platform, "worker")
    result = rollout_platform.playbook(
        "playbooks/rollout.yml", "-e", "rollout_service=worker", "-e", "rollout_image_tag=never-ready", *FAST
    )
    assert result.returncode != 0
    assert "ROLLOUT FAILED in local: worker -> never-ready" in result.stdout
    assert "ProgressDeadlineExceeded" in result.stdout
    assert "Rolled back automatically to 000000000000.dkr.ecr.us-east-1.amazonaws.com/card-platform/worker:1.12.3" in result.stdout
    assert "rollback complete" in result.stdout

    after = deployment(rollout_platform, "worker")
    assert image(after) == image(before)
    assert after["spec"]["template"] == before["spec"]["template"]
    assert after["metadata"]["labels"]["app.kubernetes.io/version"] == INVENTORY_TAG
    assert "kubernetes.io/change-cause" not in after["metadata"].get("annotations", {})
    assert after["status"]["readyReplicas"] == after["spec"]["replicas"]
    # The revision that failed stays in the history; the old template is the newest revision.
    history = rollout_platform.kubectl("-n", NS, "rollout", "history", "deployment/worker")
    assert "version never-ready" in history.stdout


def test_canary_then_the_rest(rollout_platform):
    result = rollout_platform.playbook(
        "playbooks/rollout.yml",
        "-e", "rollout_service=jit-authorizer",
        "-e", "rollout_image_tag=1.13.0",
        "-e", "rollout_canary=true",
        "-e", "rollout_canary_replicas=1",
        "-e", "rollout_canary_pause_seconds=1",
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-8000:]
    assert "Smoke check of jit-authorizer-canary passed" in result.stdout
    assert "Smoke check of jit-authorizer passed" in result.stdout
    gone = rollout_platform.kubectl("-n", NS, "get", "deployment", "jit-authorizer-canary")
    assert gone.returncode != 0 and "NotFound" in gone.stdout
    assert image(deployment(rollout_platform, "jit-authorizer")).endswith("card-platform/jit-authorizer:1.13.0")
