# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the read gates' comparison (plugins/module_utils/in_sync.py): what the action
plugins ec2_security_group, kms_key and secretsmanager_secret judge from a module's options,
and what they leave to the module. test_security_group_gate.py checks the security-group
comparison against the real modules on moto, test_read_gates.py (action/) all three."""

from __future__ import annotations

import pytest

from ansible_collections.cardplatform.aws.plugins.module_utils.in_sync import (
    ReadGateError,
    kms_key,
    secretsmanager_secret,
    security_group,
)

KEY = {
    "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "key_arn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "key_state": "Enabled",
    "description": "Envelope encryption",
    "enable_key_rotation": True,
    "aliases": ["card-platform-local-eks-secrets"],
    "grants": [],
    "tags": {"Environment": "local", "aws:cloudformation:stack-name": "x"},
}
KEY_ARGS = {
    "alias": "alias/card-platform-local-eks-secrets",
    "description": "Envelope encryption",
    "enable_key_rotation": True,
    "tags": {"Environment": "local"},
    "purge_tags": True,
    "state": "present",
}


def test_kms_key_in_sync_returns_the_key():
    assert kms_key([KEY], KEY_ARGS) is KEY
    assert kms_key(KEY, KEY_ARGS) is KEY  # one entry
    assert kms_key([KEY], {**KEY_ARGS, "alias": "card-platform-local-eks-secrets"}) is KEY
    assert kms_key([KEY], {**KEY_ARGS, "alias": None, "key_id": KEY["key_arn"]}) is KEY
    # Module defaults the roles do not write.
    defaults = {"enabled": True, "multi_region": False, "grants": [], "purge_grants": False,
                "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "pending_window": None}
    assert kms_key([KEY], {**KEY_ARGS, **defaults}) is KEY


@pytest.mark.parametrize("args", [
    {"description": None},           # the module leaves the description alone
    {"enable_key_rotation": None},   # and the rotation
    {"tags": None},                  # and the tags
    {"tags": {}, "purge_tags": False},
])
def test_kms_key_what_the_module_leaves_alone_is_not_compared(args):
    assert kms_key([{**KEY, "description": "other", "enable_key_rotation": False, "tags": {"Other": "1"}}],
                   {**KEY_ARGS, "description": "other", "enable_key_rotation": False, "tags": {"Other": "1"}, **args}) is not None


@pytest.mark.parametrize("current, args", [
    ([], {}),
    ([KEY, KEY], {}),
    ([{**KEY, "aliases": ["another"]}], {}),
    ([{**KEY, "aliases": None}], {}),
    ([KEY], {"alias": None, "key_id": "another-key"}),
    ([{**KEY, "key_state": "PendingDeletion"}], {}),
    ([KEY], {"enabled": False}),
    ([KEY], {"multi_region": True}),
    ([KEY], {"policy": '{"Version": "2012-10-17"}'}),
    ([KEY], {"grants": [{"name": "g", "grantee_principal": "arn:x", "operations": ["Decrypt"]}]}),
    ([{**KEY, "grants": [{"grant_id": "1"}]}], {"purge_grants": True}),
    ([KEY], {"enable_key_rotation": "maybe"}),
    ([KEY], {"resource_tags": {"Environment": "local"}}),  # an alias: not modelled
    ([KEY], {"state": "absent"}),
    ([{**KEY, "enable_key_rotation": None}], {}),  # rotation not readable
])
def test_kms_key_goes_to_the_module(current, args):
    assert kms_key(current, {**KEY_ARGS, **args}) is None


def test_kms_key_not_an_info_read_is_an_error():
    with pytest.raises(ReadGateError, match="expected the info module's list, got str"):
        kms_key("key", KEY_ARGS)
    with pytest.raises(ReadGateError, match="expected a dict from the info module, got str"):
        kms_key(["key"], KEY_ARGS)
    with pytest.raises(ReadGateError, match="tags must be a dict"):
        kms_key([KEY], {**KEY_ARGS, "tags": ["Environment"]})


NAME = "card-platform-local/rds/app"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:rotate"
SECRET = {
    "exists": True, "name": NAME, "arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf",
    "deleted_date": None, "rotation_enabled": False, "rotation_lambda_arn": None, "rotation_rules": {},
    "resource_policy": None, "tags": {"Environment": "local"},
}
SECRET_ARGS = {
    "name": NAME, "description": "App user", "kms_key_id": "arn:key", "json_secret": '{"password": "x"}',
    "overwrite": False, "rotation_interval": 30, "tags": {"Environment": "local"}, "purge_tags": True, "state": "present",
}


def test_secret_in_sync_from_the_entry_or_the_whole_read():
    assert secretsmanager_secret(SECRET, SECRET_ARGS) is SECRET
    assert secretsmanager_secret({NAME: SECRET, "other": {"exists": False}}, SECRET_ARGS) is SECRET
    assert secretsmanager_secret({"other": SECRET}, SECRET_ARGS) is None
    # With overwrite false the module never compares the value, description or KMS key.
    assert secretsmanager_secret(SECRET, {**SECRET_ARGS, "description": "changed", "kms_key_id": "other"}) is SECRET


def test_secret_rotation_every_interval_days_default_30():
    rotating = {**SECRET, "rotation_enabled": True, "rotation_lambda_arn": LAMBDA, "rotation_rules": {"automatically_after_days": 30}}
    args = {**SECRET_ARGS, "rotation_lambda": LAMBDA}
    assert secretsmanager_secret(rotating, args) is rotating
    assert secretsmanager_secret(rotating, {**args, "rotation_interval": None}) is rotating
    assert secretsmanager_secret(rotating, {**args, "rotation_interval": "30"}) is rotating
    assert secretsmanager_secret(rotating, {**args, "rotation_interval": 7}) is None
    assert secretsmanager_secret(rotating, SECRET_ARGS) is None  # rotation to turn off


@pytest.mark.parametrize("args", [
    {"overwrite": True},
    {"overwrite": None},  # the module's default is true
    {"resource_policy": '{"Version": "2012-10-17", "Statement": []}'},
    {"replica": [{"region": "eu-west-1"}]},
    {"state": "absent"},
    {"resource_tags": {"Environment": "local"}},
])
def test_secret_options_not_judged_go_to_the_module(args):
    assert secretsmanager_secret(SECRET, {**SECRET_ARGS, **args}) is None


def test_secret_tags_as_the_module_compares_them():
    assert secretsmanager_secret(SECRET, {**SECRET_ARGS, "tags": None}) is SECRET
    assert secretsmanager_secret({**SECRET, "tags": {"Environment": "local", "Extra": "1"}}, {**SECRET_ARGS, "purge_tags": False}) is not None
    assert secretsmanager_secret({**SECRET, "tags": {"Environment": "local", "Extra": "1"}}, SECRET_ARGS) is None


def test_security_group_options_not_judged_go_to_the_module():
    group = {"group_id": "sg-1", "group_name": "g", "vpc_id": "vpc-1", "description": "d", "tags": {},
             "ip_permissions": [], "ip_permissions_egress": []}
    args = {"name": "g", "vpc_id": "vpc-1", "description": "d", "rules": [], "tags": {}, "state": "present"}
    assert security_group([group], args) is group
    assert security_group([group], {**args, "egress_rules": []}) is None  # an alias
    assert security_group([group], {**args, "state": "absent"}) is None
    https = {**group, "ip_permissions": [{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "ip_ranges": [{"cidr_ip": "10.0.0.0/8"}]}]}
    rule = {"proto": "tcp", "ports": [443], "cidr_ip": "10.0.0.0/8"}
    assert security_group([https], {**args, "rules": [{**rule, "icmp_type": None, "proto": None}]}) is https  # as the module sees it
    assert security_group([https], {**args, "rules": [{**rule, "icmp_type": 8}]}) is None
    with pytest.raises(ReadGateError, match="each rule must be a dict"):
        security_group([group], {**args, "rules": ["443"]})
