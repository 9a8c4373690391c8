# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the read-gate filters (plugins/filter/in_sync.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.in_sync import (
    kms_key_in_sync,
    secretsmanager_secret_in_sync,
    security_group_in_sync,
)

KEY = {
    "key_arn": "arn:aws:kms:us-east-1:123456789012:key/1",
    "key_state": "Enabled",
    "description": "Envelope encryption",
    "enable_key_rotation": True,
    "tags": {"Environment": "local", "Owner": "platform", "aws:cloudformation:stack-name": "x"},
}
WANT_TAGS = {"Environment": "local", "Owner": "platform"}


def test_kms_key_in_sync():
    assert kms_key_in_sync(KEY, "Envelope encryption", True, WANT_TAGS) is True


@pytest.mark.parametrize(
    "change",
    [
        {"key_state": "PendingDeletion"},
        {"key_state": "Disabled"},
        {"description": "other"},
        {"enable_key_rotation": False},
        {"tags": {"Environment": "local"}},
        {"tags": {"Environment": "local", "Owner": "platform", "Extra": "1"}},
    ],
)
def test_kms_key_drift_goes_to_the_module(change):
    assert kms_key_in_sync({**KEY, **change}, "Envelope encryption", True, WANT_TAGS) is False


def test_kms_key_missing_or_numbers_in_tags():
    assert kms_key_in_sync(None, "d", True, {}) is False
    assert kms_key_in_sync({}, "d", True, {}) is False
    key = {**KEY, "tags": {"CostCentre": "42"}}
    assert kms_key_in_sync(key, "Envelope encryption", True, {"CostCentre": 42}) is True


SECRET = {
    "exists": True,
    "arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:p/rds/app-AbCdEf",
    "deleted_date": None,
    "rotation_enabled": False,
    "rotation_lambda_arn": None,
    "rotation_rules": {},
    "resource_policy": None,
    "tags": {"Environment": "local"},
}
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:rotate"


def test_secret_in_sync_without_rotation():
    assert secretsmanager_secret_in_sync(SECRET, {"Environment": "local"}) is True
    assert secretsmanager_secret_in_sync(SECRET, {"Environment": "local"}, None, 30) is True


def test_secret_in_sync_with_rotation():
    rotating = {**SECRET, "rotation_enabled": True, "rotation_lambda_arn": LAMBDA,
                "rotation_rules": {"automatically_after_days": 30}}
    assert secretsmanager_secret_in_sync(rotating, {"Environment": "local"}, LAMBDA, "30") is True
    assert secretsmanager_secret_in_sync(rotating, {"Environment": "local"}, LAMBDA, 7) is False
    assert secretsmanager_secret_in_sync(rotating, {"Environment": "local"}, LAMBDA + "2", 30) is False
    assert secretsmanager_secret_in_sync(rotating, {"Environment": "local"}) is False  # rotation to turn off
    scheduled = {**rotating, "rotation_rules": {"automatically_after_days": 30, "schedule_expression": "rate(30 days)"}}
    assert secretsmanager_secret_in_sync(scheduled, {"Environment": "local"}, LAMBDA, 30) is False


@pytest.mark.parametrize(
    "change",
    [
        {"exists": False},
        {"deleted_date": "2026-12-01T00:00:00+00:00"},
        {"resource_policy": {"Version": "2012-10-17", "Statement": []}},
        {"rotation_enabled": True},
        {"tags": {}},
    ],
)
def test_secret_drift_goes_to_the_module(change):
    assert secretsmanager_secret_in_sync({**SECRET, **change}, {"Environment": "local"}) is False


def test_secret_read_without_its_policy_goes_to_the_module():
    unread = {k: v for k, v in SECRET.items() if k != "resource_policy"}
    assert secretsmanager_secret_in_sync(unread, {"Environment": "local"}) is False


def test_not_an_info_entry_is_an_error():
    with pytest.raises(AnsibleFilterError, match="expected a dict"):
        kms_key_in_sync(["x"], "d", True, {})
    with pytest.raises(AnsibleFilterError, match="tags must be a dict"):
        secretsmanager_secret_in_sync(SECRET, ["Environment"])


@pytest.mark.parametrize(
    "rule",
    [
        {"proto": "tcp", "from_port": 443, "cidr_ip": "10.0.0.0/16"},
        {"proto": "tcp", "ports": ["https"], "cidr_ip": "10.0.0.0/16"},
        {"proto": "tcp", "ports": [443], "cidr_ip": "10.0.0.300/16"},
    ],
)
def test_security_group_input_the_module_would_reject_goes_to_the_module(rule):
    group = {"group_id": "sg-1", "group_name": "g", "vpc_id": "vpc-1", "description": "d", "tags": {},
             "ip_permissions": [], "ip_permissions_egress": []}
    assert security_group_in_sync([group], {"name": "g", "description": "d", "tags": {}, "rules": [rule]}) is False
    assert security_group_in_sync([group], {"name": "g", "description": "d", "tags": {}, "rules": []}) is True
