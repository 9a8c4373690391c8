# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.ecr_replication_configuration, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import ecr_replication_configuration as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

ACCOUNT = "123456789012"  # moto's default account
DR = "us-west-2"


@pytest.fixture(autouse=True)
def ecr(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield boto3.client("ecr", region_name=REGION)


def rules(ecr):
    return ecr.describe_registry()["replicationConfiguration"]["rules"]


def test_creates_the_rule_then_changes_nothing(ecr, capsys):
    args = dict(destinations=[{"region": DR}], repository_prefixes=["card-platform/"])
    result = run_module(module_under_test, args, capsys, diff=True)
    assert result["changed"] is True and result["registry_id"] == ACCOUNT
    assert rules(ecr) == [{"destinations": [{"region": DR, "registryId": ACCOUNT}],
                           "repositoryFilters": [{"filter": "card-platform/", "filterType": "PREFIX_MATCH"}]}]
    assert result["diff"]["before"] == {"rules": []}
    assert result["diff"]["after"]["rules"][0]["destinations"] == [{"region": DR, "registry_id": ACCOUNT}]
    assert result["replication_configuration"]["rules"][0]["repository_filters"] == [
        {"filter": "card-platform/", "filter_type": "PREFIX_MATCH"}]

    again = run_module(module_under_test, args, capsys)
    assert again["changed"] is False
    assert again["replication_configuration"] == result["replication_configuration"]


def test_check_mode_reports_the_change_and_writes_nothing(ecr, capsys):
    result = run_module(module_under_test, dict(destinations=[{"region": DR}]), capsys, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["rules"] == [{"destinations": [{"region": DR, "registry_id": ACCOUNT}]}]
    assert rules(ecr) == []


def test_order_of_destinations_and_prefixes_is_not_a_change(ecr, capsys):
    ecr.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}, {"region": DR, "registryId": ACCOUNT}],
        "repositoryFilters": [{"filter": "b/", "filterType": "PREFIX_MATCH"}, {"filter": "a/", "filterType": "PREFIX_MATCH"}],
    }]})
    result = run_module(module_under_test, dict(destinations=[{"region": DR}, {"region": "eu-west-1", "registry_id": ACCOUNT}],
                                                repository_prefixes=["a/", "b/"]), capsys)
    assert result["changed"] is False


def test_a_different_destination_replaces_the_rule(ecr, capsys):
    ecr.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}]}]})
    result = run_module(module_under_test, dict(destinations=[{"region": DR, "registry_id": "210987654321"}]), capsys)
    assert result["changed"] is True
    assert rules(ecr) == [{"destinations": [{"region": DR, "registryId": "210987654321"}]}]


def test_absent_removes_the_rule_once(ecr, capsys):
    ecr.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": DR, "registryId": ACCOUNT}]}]})
    check = run_module(module_under_test, dict(state="absent"), capsys, check_mode=True)
    assert check["changed"] is True and len(rules(ecr)) == 1
    result = run_module(module_under_test, dict(state="absent"), capsys)
    assert result["changed"] is True and rules(ecr) == []
    assert run_module(module_under_test, dict(state="absent"), capsys)["changed"] is False


@pytest.mark.parametrize(("args", "message"), [
    (dict(destinations=[]), "destinations: at least one destination is required with state=present"),
    (dict(), "destinations: at least one destination is required with state=present"),
    (dict(destinations=[{"region": DR, "registry_id": "12345"}]), "registry_id must be a 12-digit account ID"),
    (dict(destinations=[{"region": DR}], repository_prefixes=[""]), "repository_prefixes: empty prefix"),
    (dict(destinations=[{"region": f"r{i}"} for i in range(26)]), "destinations: at most 25, got 26"),
    (dict(destinations=[{"region": DR}], repository_prefixes=[f"p{i}/" for i in range(101)]),
     "repository_prefixes: at most 100, got 101"),
])
def test_bad_input_is_refused_before_any_write(ecr, capsys, args, message):
    result = run_module(module_under_test, args, capsys)
    assert result["failed"] is True and message in result["msg"]
    assert rules(ecr) == []


def test_the_source_region_as_destination_fails_with_the_api_message(ecr, capsys):
    result = run_module(module_under_test, dict(destinations=[{"region": REGION}]), capsys)
    assert result["failed"] is True
    assert "Couldn't set the ECR replication configuration" in result["msg"]


def test_documentation_parses_and_names_every_option():
    import yaml  # pylint: disable=import-outside-toplevel

    doc = yaml.safe_load(module_under_test.DOCUMENTATION)
    assert set(doc["options"]) == {"state", "destinations", "repository_prefixes"}
    assert set(doc["options"]["destinations"]["suboptions"]) == {"region", "registry_id"}
    yaml.safe_load(module_under_test.EXAMPLES)
    assert set(yaml.safe_load(module_under_test.RETURN)) == {"registry_id", "replication_configuration"}
