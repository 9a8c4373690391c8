# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the per-service module_utils (eks, elasticache, mq, kms, ec2, iam, rds,
secretsmanager), on moto's in-process mock."""

from __future__ import annotations

import datetime

import boto3
import pytest

from ansible_collections.cardplatform.aws.plugins.module_utils import ec2
from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils import elasticache
from ansible_collections.cardplatform.aws.plugins.module_utils import iam
from ansible_collections.cardplatform.aws.plugins.module_utils import kms
from ansible_collections.cardplatform.aws.plugins.module_utils import mq
from ansible_collections.cardplatform.aws.plugins.module_utils import rds
from ansible_collections.cardplatform.aws.plugins.module_utils import secretsmanager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import retrying_client

from _module_utils_helpers import REGION, Failed, FakeModule, aws  # noqa: F401

ROLE = "arn:aws:iam::123456789012:role/eks"


def test_eks_describe_and_tag_sync(aws):
    module = FakeModule()
    client = retrying_client(module, "eks")
    assert eks.describe(module, client, "cluster", "describe", name="nope") is None
    arn = client.create_cluster(name="c", roleArn=ROLE, resourcesVpcConfig={}, tags={"Old": "1"})["cluster"]["arn"]
    cluster = eks.describe(module, client, "cluster", "describe", name="c")
    assert cluster["arn"] == arn
    assert "created_at" not in eks.normalise(cluster) and eks.normalise(cluster)["tags"] == {"Old": "1"}

    planned = eks.sync_tags(FakeModule(check_mode=True), client, arn, cluster["tags"], {"New": "2"}, True, "tag")
    assert planned == (True, {"New": "2"}) and client.list_tags_for_resource(resourceArn=arn)["tags"] == {"Old": "1"}
    assert eks.sync_tags(module, client, arn, cluster["tags"], {"New": "2"}, True, "tag") == (True, {"New": "2"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"New": "2"}
    assert eks.sync_tags(module, client, arn, {"New": "2"}, None, True, "tag") == (False, {"New": "2"})


def test_elasticache_describe_list_and_sync_tags(aws):
    module = FakeModule()
    client = retrying_client(module, "elasticache")
    assert elasticache.describe_replication_group(module, client, "nope") is None
    group = client.create_cache_subnet_group(CacheSubnetGroupName="g", CacheSubnetGroupDescription="g",
                                             SubnetIds=["subnet-1"], Tags=[{"Key": "Old", "Value": "1"}])
    arn = group["CacheSubnetGroup"]["ARN"]
    assert elasticache.list_tags(module, client, arn) == {"Old": "1"}
    to_add, to_remove, after = elasticache.sync_tags(module, client, arn, {"Old": "1"}, {"Team": "a"}, True)
    assert (to_add, to_remove, after) == ({"Team": "a"}, ["Old"], {"Team": "a"})
    assert elasticache.list_tags(module, client, arn) == {"Team": "a"}


def test_mq_tag_sync_and_describe(aws):
    module = FakeModule()
    client = retrying_client(module, "mq")
    config = client.create_configuration(Name="c", EngineType="RABBITMQ", EngineVersion="3.13", Tags={"Old": "1"})

    class Manager(mq.MQResourceManager):
        pass

    manager = Manager(FakeModule(tags={"Team": "a"}, purge_tags=False), label="configuration c")
    described = manager.describe_resource("describe_configuration", "describe", ConfigurationId=config["Id"])
    assert described["Name"] == "c" and "ResponseMetadata" not in described
    assert manager.describe_resource("describe_configuration", "describe", ConfigurationId="c-nope") is None
    assert manager.sync_tags(config["Arn"], {"Old": "1"}) == ({"Team": "a"}, [], {"Old": "1", "Team": "a"})
    assert client.list_tags(ResourceArn=config["Arn"])["Tags"] == {"Old": "1", "Team": "a"}


def test_kms_key_matches_asks_kms_only_for_aliases(aws, monkeypatch):
    module = FakeModule()
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]
    boto3.client("kms", region_name=REGION).create_alias(AliasName="alias/card", TargetKeyId=key["KeyId"])
    asked = []
    resolve = kms.resolve_key_arn
    monkeypatch.setattr(kms, "resolve_key_arn", lambda m, k: asked.append(k) or resolve(m, k))

    assert kms.key_matches(module, None, key["Arn"]) and kms.key_matches(module, key["Arn"], key["Arn"])
    assert kms.key_matches(module, key["KeyId"], key["Arn"])
    assert not kms.key_matches(module, "arn:aws:kms:us-east-1:123456789012:key/other", key["Arn"])
    assert not kms.key_matches(module, "alias/card", None)
    assert asked == []
    assert kms.key_matches(module, "alias/card", key["Arn"]) and asked == ["alias/card"]
    with pytest.raises(Failed, match="Failed to resolve KMS key alias/none"):
        kms.key_matches(module, "alias/none", key["Arn"])


def test_ec2_unsuccessful_answers_fail_and_tags_sync(aws):
    module = FakeModule()
    with pytest.raises(Failed) as failed:
        ec2.fail_if_unsuccessful(module, {"Unsuccessful": [{"Error": {"Code": "InvalidParameter", "Message": "no"},
                                                            "ResourceId": "vpc-1"}]}, "Couldn't create the flow log")
    assert failed.value.msg == "Couldn't create the flow log: InvalidParameter: no"
    assert failed.value.kwargs["unsuccessful"][0]["resource_id"] == "vpc-1"
    ec2.fail_if_unsuccessful(module, {"Unsuccessful": []}, "fine")

    client = retrying_client(module, "ec2")
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert ec2.sync_tags(module, client, vpc, {}, {"Project": "card"}, True) is True
    assert ec2.normalise(client.describe_vpcs(VpcIds=[vpc])["Vpcs"][0])["tags"] == {"Project": "card"}
    assert ec2.sync_tags(module, client, vpc, {"Project": "card"}, {"Project": "card"}, True) is False


def test_iam_oidc_provider_find_describe_and_tags(aws):
    module = FakeModule()
    client = retrying_client(module, "iam")
    assert iam.find_oidc_provider(module, client, "https://oidc.example.com/id/1") == (None, None)
    arn = client.create_open_id_connect_provider(Url="https://oidc.example.com/id/1", ClientIDList=["sts.amazonaws.com"],
                                                 ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    found_arn, provider = iam.find_oidc_provider(module, client, "https://oidc.example.com/id/1/")
    assert found_arn == arn
    view = iam.describe_oidc_provider(found_arn, provider)
    assert view["client_ids"] == ["sts.amazonaws.com"] and view["tags"] == {}
    assert iam.sync_oidc_provider_tags(module, client, arn, {}, {"Project": "card"}, True, "tag")[2] == {"Project": "card"}
    assert iam.describe_oidc_provider(*iam.find_oidc_provider(module, client, "https://oidc.example.com/id/1"))["tags"] == \
        {"Project": "card"}
    assert iam.describe_oidc_provider(None, None) == {}


def test_rds_describe_db_instance(aws):
    module = FakeModule()
    client = retrying_client(module, "rds")
    assert rds.describe_db_instance(module, client, "nope") is None
    client.create_db_instance(DBInstanceIdentifier="db", Engine="postgres", DBInstanceClass="db.t3.micro",
                              MasterUsername="u", MasterUserPassword="p" * 12, AllocatedStorage=20)
    assert rds.describe_db_instance(module, client, "db")["DBInstanceIdentifier"] == "db"


def test_secretsmanager_describe_without_the_value(aws):
    module = FakeModule()
    client = retrying_client(module, "secretsmanager")
    assert secretsmanager.secret_info(secretsmanager.describe_secret(module, client, "nope")) == {"exists": False}
    client.create_secret(Name="s", SecretString="-".join(("not", "read")), Tags=[{"Key": "Project", "Value": "card"}])
    info = secretsmanager.secret_info(secretsmanager.describe_secret(module, client, "s"))
    assert info["exists"] is True and info["tags"] == {"Project": "card"} and info["rotation_rules"] == {}
    assert secretsmanager.resource_policy(module, client, "s") is None
    deleted = secretsmanager.secret_info({"Name": "d", "DeletedDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)})
    assert deleted["deleted_date"] == "2026-01-02T00:00:00+00:00"
