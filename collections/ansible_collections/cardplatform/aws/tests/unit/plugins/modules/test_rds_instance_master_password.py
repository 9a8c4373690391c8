# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.rds_instance_master_password (moto in-process, with the
emulator's rule that a read replica has no MasterUserSecret of its own)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import rds_instance_master_password as module_under_test

from _data_services_helpers import REGION, apply_extensions, recorder, run_module, set_credentials  # noqa: F401

THROWAWAY = "Thr0waway-never-kept-1"


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    set_credentials(monkeypatch)
    apply_extensions("rds_managed_master_password_rules")
    with mock_aws():
        rds = boto3.client("rds", region_name=REGION)
        rds.create_db_instance(DBInstanceIdentifier="card-db", Engine="postgres", DBInstanceClass="db.r6g.large",
                               MasterUsername="cardadmin", MasterUserPassword=THROWAWAY, AllocatedStorage=20,
                               BackupRetentionPeriod=7)
        yield rds


def test_turn_on_then_quiet(aws, capsys, recorder):
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]
    planned, _ = run_module(module_under_test, dict(db_instance_identifier="card-db", master_user_secret_kms_key_id=key["KeyId"]),
                            capsys, check_mode=True, diff=True)
    assert planned["changed"] is True and planned["diff"]["before"]["manage_master_user_password"] is False
    assert "ModifyDBInstance" not in recorder.writes()

    done, _ = run_module(module_under_test, dict(db_instance_identifier="card-db", master_user_secret_kms_key_id=key["KeyId"]),
                         capsys)
    assert done["changed"] is True
    secret = done["master_user_secret"]
    assert secret["secret_arn"].split(":")[6].startswith("rds!db-") and secret["kms_key_id"] == key["Arn"]
    assert aws.describe_db_instances(DBInstanceIdentifier="card-db")["DBInstances"][0]["MasterUserSecret"]["SecretArn"] == \
        secret["secret_arn"]

    for check_mode in (True, False):
        again, _ = run_module(module_under_test, dict(db_instance_identifier="card-db", master_user_secret_kms_key_id=key["Arn"]),
                              capsys, check_mode=check_mode)
        assert again["changed"] is False and again["master_user_secret"]["secret_arn"] == secret["secret_arn"]


def test_replica_has_no_secret_and_writer_secret_survives_it(aws, capsys):
    run_module(module_under_test, dict(db_instance_identifier="card-db"), capsys)
    aws.create_db_instance_read_replica(DBInstanceIdentifier="card-db-replica", SourceDBInstanceIdentifier="card-db")
    replica = aws.describe_db_instances(DBInstanceIdentifier="card-db-replica")["DBInstances"][0]
    assert "MasterUserSecret" not in replica
    refused, _ = run_module(module_under_test, dict(db_instance_identifier="card-db-replica"), capsys)
    assert refused["failed"] is True and "read replica" in refused["msg"]
    aws.delete_db_instance(DBInstanceIdentifier="card-db-replica", SkipFinalSnapshot=True)
    writer = aws.describe_db_instances(DBInstanceIdentifier="card-db")["DBInstances"][0]
    boto3.client("secretsmanager", region_name=REGION).describe_secret(SecretId=writer["MasterUserSecret"]["SecretArn"])


def test_key_change_rotate_and_turn_off(aws, capsys):
    run_module(module_under_test, dict(db_instance_identifier="card-db"), capsys)
    other = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    refused, _ = run_module(module_under_test, dict(db_instance_identifier="card-db", master_user_secret_kms_key_id=other),
                            capsys)
    assert refused["failed"] is True and "cannot change the key" in refused["msg"]

    rotated, _ = run_module(module_under_test, dict(db_instance_identifier="card-db", rotate=True), capsys)
    assert rotated["changed"] is True and rotated["changes"] == ["rotate"]

    missing, _ = run_module(module_under_test, dict(db_instance_identifier="card-db", manage_master_user_password=False),
                            capsys)
    assert missing["failed"] is True and "master_user_password" in missing["msg"]
    off, out = run_module(module_under_test, dict(db_instance_identifier="card-db", manage_master_user_password=False,
                                                  master_user_password="N3w-master-password!"), capsys)
    assert off["changed"] is True and off["master_user_secret"] == {}
    assert "N3w-master-password!" not in out
    assert "MasterUserSecret" not in aws.describe_db_instances(DBInstanceIdentifier="card-db")["DBInstances"][0]


def test_missing_instance(capsys):
    planned, _ = run_module(module_under_test, dict(db_instance_identifier="not-yet"), capsys, check_mode=True)
    assert planned["changed"] is True
    failed, _ = run_module(module_under_test, dict(db_instance_identifier="not-yet"), capsys)
    assert failed["failed"] is True and "create it first" in failed["msg"]
