# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.ecr_image_info, on moto's in-process mock."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import ecr_image_info as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

REGISTRY = "000000000000"
REPO = "card-platform/api"


@pytest.fixture(autouse=True)
def ecr(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        client = boto3.client("ecr", region_name=REGION)
        client.create_repository(registryId=REGISTRY, repositoryName=REPO)
        yield client


def push(ecr, tag, layer="a"):
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:" + "c" * 64},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": "sha256:" + layer * 64}],
    }
    ecr.put_image(registryId=REGISTRY, repositoryName=REPO, imageManifest=json.dumps(manifest), imageTag=tag)


def test_found_and_missing_tags(ecr, capsys):
    push(ecr, "1.12.3")
    push(ecr, "1.13.0", layer="b")
    result = run_module(
        module_under_test,
        dict(registry_id=REGISTRY, repository_name=REPO, image_tags=["1.13.0", "9.9.9", "1.12.3"]),
        capsys,
    )
    assert result["changed"] is False
    assert result["repository_exists"] is True
    assert [i["image_tag"] for i in result["images"]] == ["1.13.0", "1.12.3"]
    assert result["images"][0]["image_digest"].startswith("sha256:")
    assert result["missing_tags"] == ["9.9.9"]


def test_single_missing_tag(ecr, capsys):
    result = run_module(module_under_test, dict(registry_id=REGISTRY, repository_name=REPO, image_tags=["2.0.0"]), capsys)
    assert result["repository_exists"] is True
    assert result["images"] == []
    assert result["missing_tags"] == ["2.0.0"]


def test_missing_repository_is_reported_not_failed(ecr, capsys):
    result = run_module(
        module_under_test, dict(registry_id=REGISTRY, repository_name="card-platform/none", image_tags=["1.0.0"]), capsys
    )
    assert result.get("failed") is not True
    assert result["repository_exists"] is False
    assert result["missing_tags"] == ["1.0.0"]


def test_check_mode_reads_the_same(ecr, capsys):
    push(ecr, "1.13.0")
    result = run_module(
        module_under_test, dict(registry_id=REGISTRY, repository_name=REPO, image_tags=["1.13.0"]), capsys, check_mode=True
    )
    assert result["changed"] is False
    assert result["missing_tags"] == []


def test_empty_tag_list_fails(ecr, capsys):
    result = run_module(module_under_test, dict(repository_name=REPO, image_tags=[]), capsys)
    assert result["failed"] is True
    assert "image_tags" in result["msg"]
