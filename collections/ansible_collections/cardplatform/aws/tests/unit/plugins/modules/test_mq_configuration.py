# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.mq_configuration on moto's in-process mock, with the emulator's
Amazon MQ extensions (base64 revision data, RabbitMQ default rabbitmq.conf, ListConfigurations pages)."""

from __future__ import annotations

import base64

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import mq_configuration as module_under_test

from _data_services_helpers import REGION, apply_extensions, recorder, run_module, set_credentials  # noqa: F401

DATA = "consumer_timeout = 1800000\nheartbeat = 60\n"
TAGS = {"Project": "card-platform", "Environment": "test"}


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("mq_rabbitmq_rules", "mq_update_broker_pending", "mq_rabbitmq_configurations")
    with mock_aws():
        yield boto3.client("mq", region_name=REGION)


def args(**overrides):
    base = dict(name="card-mq-3.13", engine_type="RABBITMQ", engine_version="3.13", data=DATA,
                description="Managed by Ansible", tags=TAGS)
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def latest_data(aws, config_id):
    latest = aws.describe_configuration(ConfigurationId=config_id)["LatestRevision"]["Revision"]
    revision = aws.describe_configuration_revision(ConfigurationId=config_id, ConfigurationRevision=str(latest))
    return latest, base64.b64decode(revision["Data"]).decode()


def test_check_mode_then_create_then_quiet(aws, capsys, recorder):
    planned, _ = run_module(module_under_test, args(), capsys, check_mode=True, diff=True)
    assert planned["changed"] is True and planned["changes"] == ["create"]
    assert planned["configuration"]["id"] is None and planned["configuration"]["latest_revision"] is None
    assert planned["diff"][0]["before"] == "" and planned["diff"][0]["after"] == DATA
    assert aws.list_configurations()["Configurations"] == []
    assert [w for w in recorder.writes()] == []

    created, _ = run_module(module_under_test, args(), capsys, diff=True)
    config = created["configuration"]
    assert created["changed"] is True and created["changes"] == ["create"]
    # CreateConfiguration makes revision 1 (AWS's default rabbitmq.conf), UpdateConfiguration revision 2.
    assert config["latest_revision"] == 2 and config["id"].startswith("c-")
    assert config["data"] == DATA and config["engine_type"] == "RABBITMQ" and config["tags"] == TAGS
    assert latest_data(aws, config["id"]) == (2, DATA)
    assert aws.describe_configuration(ConfigurationId=config["id"])["Tags"] == TAGS

    recorder.calls.clear()
    for check_mode in (True, False):
        again, _ = run_module(module_under_test, args(), capsys, check_mode=check_mode, diff=True)
        assert again["changed"] is False, again["changes"]
        assert again["configuration"]["latest_revision"] == 2 and again["configuration"]["id"] == config["id"]
    assert recorder.writes() == []


def test_reordered_or_reformatted_data_is_no_change(aws, capsys, recorder):
    created, _ = run_module(module_under_test, args(), capsys)
    recorder.calls.clear()
    same = "# payments\n\nheartbeat=60   \n   consumer_timeout   =   1800000\n\n"
    result, _ = run_module(module_under_test, args(data=same, description="another description"), capsys)
    assert result["changed"] is False
    assert result["configuration"]["latest_revision"] == created["configuration"]["latest_revision"]
    assert recorder.writes() == []


def test_changed_data_makes_a_new_revision(aws, capsys):
    created, _ = run_module(module_under_test, args(), capsys)
    new = "consumer_timeout = 900000\nheartbeat = 60\n"
    planned, _ = run_module(module_under_test, args(data=new), capsys, check_mode=True, diff=True)
    assert planned["changed"] is True and planned["changes"] == ["data"]
    assert planned["configuration"]["latest_revision"] == 3
    assert planned["diff"][0]["before"] == DATA and planned["diff"][0]["after"] == new
    assert latest_data(aws, created["configuration"]["id"]) == (2, DATA)

    result, _ = run_module(module_under_test, args(data=new, description="Shorter consumer timeout"), capsys)
    assert result["changed"] is True and result["changes"] == ["data"]
    assert result["configuration"]["latest_revision"] == 3 and result["configuration"]["data"] == new
    assert result["configuration"]["description"] == "Shorter consumer timeout"
    assert latest_data(aws, created["configuration"]["id"]) == (3, new)
    quiet, _ = run_module(module_under_test, args(data=new), capsys)
    assert quiet["changed"] is False


def test_tags_added_and_removed(aws, capsys, recorder):
    created, _ = run_module(module_under_test, args(), capsys)
    arn = created["configuration"]["arn"]
    wanted = {"Project": "card-platform", "Owner": "payments"}
    planned, _ = run_module(module_under_test, args(tags=wanted), capsys, check_mode=True, diff=True)
    assert planned["changes"] == ["tags"] and planned["diff"][1]["after"]["tags"] == wanted
    assert planned["diff"][0]["before"] == planned["diff"][0]["after"] == DATA
    assert aws.list_tags(ResourceArn=arn)["Tags"] == TAGS

    result, _ = run_module(module_under_test, args(tags=wanted), capsys)
    assert result["changes"] == ["tags"] and result["configuration"]["tags"] == wanted
    assert aws.list_tags(ResourceArn=arn)["Tags"] == wanted
    assert result["configuration"]["latest_revision"] == 2  # tags are no revision

    kept, _ = run_module(module_under_test, args(tags={"Extra": "x"}, purge_tags=False), capsys)
    assert aws.list_tags(ResourceArn=arn)["Tags"] == dict(wanted, Extra="x") and kept["changes"] == ["tags"]
    recorder.calls.clear()
    quiet, _ = run_module(module_under_test, args(tags=None), capsys)
    assert quiet["changed"] is False and recorder.writes() == []


def test_duplicate_names_and_engine_mismatch_fail_without_writing(aws, capsys, recorder):
    created, _ = run_module(module_under_test, args(), capsys)
    recorder.calls.clear()
    for engine_args in (dict(engine_type="ACTIVEMQ", engine_version="5.18"), dict(engine_version="4.2")):
        result, _ = run_module(module_under_test, args(**engine_args), capsys)
        assert result["failed"] is True and "keeps the engine" in result["msg"]
        assert result["configuration_id"] == created["configuration"]["id"]
    assert recorder.writes() == []

    # Names are not unique on AWS; other configurations page past the first 100.
    for i in range(101):
        aws.create_configuration(Name=f"other-{i}", EngineType="RABBITMQ", EngineVersion="3.13")
    twin = aws.create_configuration(Name="card-mq-3.13", EngineType="RABBITMQ", EngineVersion="3.13")
    recorder.calls.clear()
    result, _ = run_module(module_under_test, args(), capsys)
    assert result["failed"] is True and "2 Amazon MQ configurations are named card-mq-3.13" in result["msg"]
    assert sorted(result["configuration_ids"]) == sorted([created["configuration"]["id"], twin["Id"]])
    assert [n for n, _ in recorder.calls].count("ListConfigurations") == 2
    assert recorder.writes() == []


def test_bad_input_fails_before_any_call(aws, capsys, recorder):
    for bad, words in ((dict(authentication_strategy="SIMPLE"), "authentication_strategy"),
                       (dict(name="bad name!"), "name must be"),
                       (dict(engine_version=""), "engine_version")):
        result, _ = run_module(module_under_test, args(**bad), capsys)
        assert result["failed"] is True and words in result["msg"]
    assert recorder.calls == []
    result, _ = run_module(module_under_test, args(engine_version=None), capsys)
    assert result["failed"] is True and "set engine_version" in result["msg"]
    assert recorder.writes() == []


def test_absent_and_in_use(aws, capsys, recorder):
    created, _ = run_module(module_under_test, args(), capsys)
    config_id = created["configuration"]["id"]
    broker = aws.create_broker(
        BrokerName="card-mq", EngineType="RABBITMQ", EngineVersion="3.13", HostInstanceType="mq.m5.large",
        DeploymentMode="SINGLE_INSTANCE", AutoMinorVersionUpgrade=True, PubliclyAccessible=False,
        Configuration={"Id": config_id, "Revision": 2}, Users=[{"Username": "cardadmin", "Password": "x" * 12}])
    assert aws.describe_broker(BrokerId=broker["BrokerId"])["Configurations"]["Current"] == {"Id": config_id,
                                                                                             "Revision": 2}
    result, _ = run_module(module_under_test, dict(name="card-mq-3.13", state="absent"), capsys)
    assert result["failed"] is True and "in use by a broker" in result["msg"]

    aws.delete_broker(BrokerId=broker["BrokerId"])
    planned, _ = run_module(module_under_test, dict(name="card-mq-3.13", state="absent"), capsys, check_mode=True)
    assert planned["changed"] is True and aws.describe_configuration(ConfigurationId=config_id)["Id"] == config_id
    deleted, _ = run_module(module_under_test, dict(name="card-mq-3.13", state="absent"), capsys, diff=True)
    assert deleted["changed"] is True and deleted["changes"] == ["delete"] and deleted["configuration"] == {}
    assert aws.list_configurations()["Configurations"] == []
    again, _ = run_module(module_under_test, dict(name="card-mq-3.13", state="absent"), capsys)
    assert again["changed"] is False


def test_without_data_keeps_the_aws_default_revision(aws, capsys):
    created, _ = run_module(module_under_test, args(data=None), capsys)
    config = created["configuration"]
    assert config["latest_revision"] == 1 and "consumer_timeout = 1800000" in config["data"]
    quiet, _ = run_module(module_under_test, args(data=None), capsys)
    assert quiet["changed"] is False


def test_normalise():
    rabbit = module_under_test.normalise
    assert rabbit("RABBITMQ", "a=1\nb = 2\n") == rabbit("RABBITMQ", "# c\n b=2 \n\na =1")
    assert rabbit("RABBITMQ", "a=1\n") != rabbit("RABBITMQ", "a=2\n")
    assert rabbit("RABBITMQ", "a=1\na=2\n") == rabbit("RABBITMQ", "a=2\n")
    assert rabbit("RABBITMQ", "[mq.m5.large]\nx=1\n") != rabbit("RABBITMQ", "x=1\n")
    xml = '<broker>\n  <!-- note -->\n  <plugins/>   \n\n</broker>\n'
    assert rabbit("ACTIVEMQ", xml) == rabbit("ACTIVEMQ", "<broker>\n  <plugins/>\n</broker>")
    assert rabbit("ACTIVEMQ", xml) != rabbit("ACTIVEMQ", "<broker>\n<plugins/>\n</broker>")
