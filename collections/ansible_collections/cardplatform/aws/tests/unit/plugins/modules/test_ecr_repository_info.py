# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.ecr_repository_info, on moto's in-process mock."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import ecr_repository_info as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

ACCOUNT = "123456789012"
POLICY = {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                                       "countUnit": "days", "countNumber": 14},
                     "action": {"type": "expire"}}]}


@pytest.fixture(autouse=True)
def ecr(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        client = boto3.client("ecr", region_name=REGION)
        key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        client.create_repository(repositoryName="card-platform/api", imageTagMutability="IMMUTABLE",
                                 imageScanningConfiguration={"scanOnPush": True},
                                 encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
                                 tags=[{"Key": "Environment", "Value": "test"}])
        client.put_lifecycle_policy(repositoryName="card-platform/api", lifecyclePolicyText=json.dumps(POLICY))
        client.create_repository(repositoryName="card-platform/worker")
        yield client, key


def test_reads_settings_and_reports_missing(ecr, capsys):
    _, key = ecr
    result = run_module(module_under_test, dict(names=["card-platform/api", "card-platform/worker", "card-platform/none"]),
                        capsys, check_mode=True)
    assert result["changed"] is False and "replication_rules" not in result
    api = result["repositories"]["card-platform/api"]
    assert api == {
        "exists": True,
        "arn": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/card-platform/api",
        "uri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/card-platform/api",
        "image_tag_mutability": "IMMUTABLE",
        "scan_on_push": True,
        "encryption_type": "KMS",
        "kms_key": key,
        "lifecycle_policy": POLICY,
        "tags": {"Environment": "test"},
    }
    worker = result["repositories"]["card-platform/worker"]
    assert (worker["image_tag_mutability"], worker["scan_on_push"], worker["encryption_type"], worker["lifecycle_policy"]) == (
        "MUTABLE", False, "AES256", None)
    assert result["repositories"]["card-platform/none"] == {"exists": False}


def test_reads_the_replication_rules(ecr, capsys):
    client, _ = ecr
    assert run_module(module_under_test, dict(names=["card-platform/api"], replication=True), capsys)["replication_rules"] == []
    client.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": "us-west-2", "registryId": ACCOUNT}],
        "repositoryFilters": [{"filter": "card-platform/", "filterType": "PREFIX_MATCH"}]}]})
    result = run_module(module_under_test, dict(names=["card-platform/api"], replication=True), capsys)
    assert result["replication_rules"] == [{"destinations": [{"region": "us-west-2", "registry_id": ACCOUNT}],
                                            "repository_filters": [{"filter": "card-platform/", "filter_type": "PREFIX_MATCH"}]}]


def test_documentation_parses_and_names_every_option():
    import yaml  # pylint: disable=import-outside-toplevel

    doc = yaml.safe_load(module_under_test.DOCUMENTATION)
    assert set(doc["options"]) == {"names", "replication"}
    yaml.safe_load(module_under_test.EXAMPLES)
    assert set(yaml.safe_load(module_under_test.RETURN)) == {"repositories", "replication_rules"}
