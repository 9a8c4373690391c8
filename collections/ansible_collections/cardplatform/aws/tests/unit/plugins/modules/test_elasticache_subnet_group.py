# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.elasticache_subnet_group (moto in-process)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import elasticache_subnet_group as module_under_test

from _data_services_helpers import REGION, apply_extensions, recorder, run_module, set_credentials  # noqa: F401


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("elasticache_replication_group_fidelity")
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
                   for i, az in enumerate("abc")]
        yield boto3.client("elasticache", region_name=REGION), subnets


def test_create_tag_and_update(aws, capsys, recorder):
    client, subnets = aws
    wanted = dict(name="Card-Cache", description="Private subnets", subnets=subnets,
                  tags={"Project": "card-platform", "Environment": "test"})
    planned, _ = run_module(module_under_test, wanted, capsys, check_mode=True, diff=True)
    assert planned["changed"] is True and "CreateCacheSubnetGroup" not in recorder.writes()

    created, _ = run_module(module_under_test, wanted, capsys)
    assert created["changed"] is True
    group = created["cache_subnet_group"]
    assert group["cache_subnet_group_name"] == "card-cache" and sorted(group["subnet_ids"]) == sorted(subnets)
    tags = client.list_tags_for_resource(ResourceName=group["arn"])["TagList"]
    assert {t["Key"]: t["Value"] for t in tags} == wanted["tags"]

    for check_mode in (True, False):
        again, _ = run_module(module_under_test, dict(wanted, subnets=list(reversed(subnets))), capsys, check_mode=check_mode)
        assert again["changed"] is False

    retagged = dict(wanted, subnets=subnets[:2], tags={"Project": "card-platform", "Owner": "payments"})
    planned, _ = run_module(module_under_test, retagged, capsys, check_mode=True, diff=True)
    assert planned["changes"] == ["subnets", "tags"]
    assert planned["diff"]["after"]["tags"] == {"Project": "card-platform", "Owner": "payments"}
    done, _ = run_module(module_under_test, retagged, capsys)
    assert done["changed"] is True and done["cache_subnet_group"]["tags"] == retagged["tags"]
    assert sorted(done["cache_subnet_group"]["subnet_ids"]) == sorted(subnets[:2])
    kept, _ = run_module(module_under_test, dict(retagged, tags={"Extra": "1"}, purge_tags=False), capsys)
    assert kept["cache_subnet_group"]["tags"] == dict(retagged["tags"], Extra="1")


def test_absent_and_bad_name(aws, capsys, recorder):
    _, subnets = aws
    run_module(module_under_test, dict(name="card-cache", subnets=subnets), capsys)
    gone, _ = run_module(module_under_test, dict(name="card-cache", state="absent"), capsys)
    again, _ = run_module(module_under_test, dict(name="card-cache", state="absent"), capsys)
    assert gone["changed"] is True and again["changed"] is False
    recorder.calls.clear()
    bad, _ = run_module(module_under_test, dict(name="card_cache!", subnets=subnets), capsys)
    assert bad["failed"] is True and "letters, digits or hyphens" in bad["msg"] and recorder.calls == []
