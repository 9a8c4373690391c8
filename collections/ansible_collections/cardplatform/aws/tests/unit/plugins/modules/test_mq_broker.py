# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.mq_broker on moto's in-process mock, with the emulator's
Amazon MQ extensions (one RabbitMQ user never returned, UpdateBroker changes pending until reboot)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import mq_broker as module_under_test

from _data_services_helpers import REGION, apply_extensions, recorder, run_module, set_credentials  # noqa: F401

PASSWORD = "Sup3r-Secret-Passw0rd"


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("mq_rabbitmq_rules", "mq_update_broker_pending")
    with mock_aws():
        yield boto3.client("mq", region_name=REGION)


def args(**overrides):
    base = dict(
        broker_name="card-mq",
        engine_type="RABBITMQ",
        engine_version="3.13",
        deployment_mode="CLUSTER_MULTI_AZ",
        host_instance_type="mq.m5.large",
        subnet_ids=["subnet-b", "subnet-a", "subnet-c"],
        security_groups=["sg-1"],
        publicly_accessible=False,
        kms_key_id="arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        auto_minor_version_upgrade=True,
        general_log=True,
        maintenance_window=dict(day_of_week="SUNDAY", time_of_day="05:00"),
        user=dict(username="cardadmin", password=PASSWORD),
        tags={"Project": "card-platform", "Environment": "test"},
        wait_delay=1,
    )
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_create_then_quiet_and_password_never_returned(aws, capsys):
    planned, out = run_module(module_under_test, args(), capsys, check_mode=True, diff=True)
    assert planned["changed"] is True and planned["changes"] == ["create"]
    assert aws.list_brokers()["BrokerSummaries"] == []
    assert PASSWORD not in out

    created, out = run_module(module_under_test, args(), capsys, diff=True)
    assert created["changed"] is True
    broker = created["broker"]
    assert broker["broker_state"] == "RUNNING"
    assert broker["deployment_mode"] == "CLUSTER_MULTI_AZ"
    assert broker["encryption_options"]["kms_key_id"].endswith("555555555555")
    assert broker["tags"] == {"Project": "card-platform", "Environment": "test"}
    assert PASSWORD not in out

    for check_mode in (True, False):
        again, out = run_module(module_under_test, args(security_groups=["sg-1", "sg-1"]), capsys,
                                check_mode=check_mode, diff=True)
        assert again["changed"] is False, again["changes"]
        assert PASSWORD not in out


def test_update_is_pending_until_reboot(aws, capsys, recorder):
    run_module(module_under_test, args(), capsys)
    config = aws.create_configuration(Name="card-mq-policies", EngineType="RABBITMQ", EngineVersion="3.13",
                                      AuthenticationStrategy="SIMPLE")
    changed = args(host_instance_type="mq.m5.xlarge", configuration=dict(id=config["Id"]),
                   maintenance_window=dict(day_of_week="monday", time_of_day="03:00"),
                   tags={"Project": "card-platform", "Owner": "payments"})
    changed["maintenance_window"]["day_of_week"] = "MONDAY"

    planned, _ = run_module(module_under_test, changed, capsys, check_mode=True, diff=True)
    assert planned["changed"] is True
    assert sorted(planned["changes"]) == ["configuration", "host_instance_type", "maintenance_window", "tags"]
    assert planned["diff"]["after"]["host_instance_type"] == "mq.m5.xlarge"
    assert not [w for w in recorder.writes() if w in ("UpdateBroker", "CreateTags", "DeleteTags")]

    result, _ = run_module(module_under_test, changed, capsys)
    assert result["changed"] is True
    assert sorted(result["pending_changes"]) == ["configuration", "host_instance_type"]
    broker = aws.describe_broker(BrokerId=result["broker"]["broker_id"])
    assert broker["HostInstanceType"] == "mq.m5.large" and broker["PendingHostInstanceType"] == "mq.m5.xlarge"
    assert broker["MaintenanceWindowStartTime"]["DayOfWeek"] == "MONDAY"
    assert broker["Tags"] == {"Project": "card-platform", "Owner": "payments"}

    quiet, _ = run_module(module_under_test, changed, capsys)
    assert quiet["changed"] is False and sorted(quiet["pending_changes"]) == ["configuration", "host_instance_type"]

    rebooted, _ = run_module(module_under_test, dict(changed, apply_immediately=True), capsys)
    assert rebooted["changes"] == ["reboot"] and rebooted["pending_changes"] == []
    broker = aws.describe_broker(BrokerId=result["broker"]["broker_id"])
    assert broker["HostInstanceType"] == "mq.m5.xlarge"
    assert broker["Configurations"]["Current"] == {"Id": config["Id"], "Revision": 1}
    final, _ = run_module(module_under_test, dict(changed, apply_immediately=True), capsys)
    assert final["changed"] is False


def test_create_only_changes_fail_before_writing(aws, capsys, recorder):
    run_module(module_under_test, args(), capsys)
    recorder.calls.clear()
    result, _ = run_module(module_under_test, args(subnet_ids=["subnet-a", "subnet-d"], engine_version="3.12",
                                                   auto_minor_version_upgrade=True), capsys)
    assert result["failed"] is True
    assert any(r.startswith("subnet_ids") for r in result["replacement_needed"])
    assert any(r.startswith("engine_version downgrade") for r in result["replacement_needed"])
    assert "state=absent" in result["msg"]
    assert recorder.writes() == []


def test_rabbitmq_password_update_is_refused_and_bad_input_fails_before_any_call(aws, capsys, recorder):
    run_module(module_under_test, args(), capsys)
    recorder.calls.clear()
    result, out = run_module(module_under_test, args(update_password="always"), capsys)
    assert result["failed"] is True and "RabbitMQ management API" in result["msg"]
    assert PASSWORD not in out and recorder.writes() == []

    recorder.calls.clear()
    for bad, needle in (
        (dict(auto_minor_version_upgrade=False), "auto_minor_version_upgrade=true"),
        (dict(deployment_mode="ACTIVE_STANDBY_MULTI_AZ"), "ACTIVE_STANDBY_MULTI_AZ is for ActiveMQ"),
        (dict(user=dict(username="cardadmin", password="short")), "user.password"),
        (dict(deployment_mode="SINGLE_INSTANCE", subnet_ids=["subnet-a", "subnet-b"]), "SINGLE_INSTANCE takes 1 subnet(s)"),
        (dict(maintenance_window=dict(day_of_week="SUNDAY", time_of_day="25:00")), "HH:MM"),
    ):
        failed, out = run_module(module_under_test, args(**bad), capsys)
        assert failed["failed"] is True and needle in failed["msg"], failed["msg"]
        assert "short" not in out
    assert recorder.calls == []


def test_subnet_count_of_a_cluster_is_left_to_aws(aws, capsys, recorder):
    # AWS sets no subnet count for CLUSTER_MULTI_AZ (the amazonmq role's rules ask for two or more).
    created, _ = run_module(module_under_test, args(subnet_ids=["subnet-a"]), capsys)
    assert created["changed"] is True and created["broker"]["subnet_ids"] == ["subnet-a"]
    assert "CreateBroker" in recorder.writes()


def test_absent(aws, capsys):
    run_module(module_under_test, args(), capsys)
    planned, _ = run_module(module_under_test, dict(broker_name="card-mq", state="absent"), capsys, check_mode=True)
    assert planned["changed"] is True and len(aws.list_brokers()["BrokerSummaries"]) == 1
    deleted, _ = run_module(module_under_test, dict(broker_name="card-mq", state="absent", wait_delay=1), capsys)
    assert deleted["changed"] is True
    assert aws.list_brokers()["BrokerSummaries"] == []
    again, _ = run_module(module_under_test, dict(broker_name="card-mq", state="absent"), capsys)
    assert again["changed"] is False


def test_update_of_a_broker_still_being_created_waits_even_without_wait(aws, capsys, recorder):
    from moto.mq.models import mq_backends

    created, _ = run_module(module_under_test, args(wait=False), capsys)
    broker = mq_backends["123456789012"][REGION].brokers[created["broker"]["broker_id"]]
    broker.state = "CREATION_IN_PROGRESS"
    quiet, _ = run_module(module_under_test, args(wait=False), capsys)
    assert quiet["changed"] is False  # nothing to update: no wait, no call
    recorder.calls.clear()
    timed_out, _ = run_module(module_under_test, args(wait=False, host_instance_type="mq.m5.xlarge", wait_timeout=1),
                              capsys)
    assert timed_out["failed"] is True and "CREATION_IN_PROGRESS" in timed_out["msg"]
    assert "UpdateBroker" not in recorder.writes()
