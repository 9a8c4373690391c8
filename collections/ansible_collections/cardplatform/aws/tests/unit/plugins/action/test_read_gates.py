# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-gate actions (plugins/action/ec2_security_group.py, kms_key.py,
secretsmanager_secret.py) with the real modules on moto in-process: the module runs (with the
options given, `current` left out, in check mode and diff mode as the task) only for a missing
or drifted resource; an unchanged one is returned as read, with no module run, in the keys the
module returns for it."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest.mock import MagicMock

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.modules import ec2_security_group, ec2_security_group_info, kms_key, kms_key_info
from ansible_collections.cardplatform.aws.plugins.action import ec2_security_group as security_group_action
from ansible_collections.cardplatform.aws.plugins.action import kms_key as kms_key_action
from ansible_collections.cardplatform.aws.plugins.action import secretsmanager_secret as secret_action
from ansible_collections.cardplatform.aws.plugins.modules import secretsmanager_secret_info
from ansible_collections.cardplatform.aws.plugins.plugin_utils import read_gate
from ansible_collections.community.aws.plugins.modules import secretsmanager_secret

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "modules"))
from _vpc_eks_helpers import REGION, run_module, set_credentials  # noqa: E402  pylint: disable=wrong-import-position

MODULES = {
    "amazon.aws.ec2_security_group": ec2_security_group,
    "amazon.aws.kms_key": kms_key,
    "community.aws.secretsmanager_secret": secretsmanager_secret,
}
TAGS = {"Project": "card-platform", "Environment": "local"}
# What module_defaults (group/aws) give the module: connection options, never compared.
DEFAULTS = {"validate_certs": True, "region": REGION}


class Gate:
    """Runs one read-gate action the way the task executor does, the module in-process."""

    def __init__(self, plugin, capsys, monkeypatch):
        self.plugin, self.capsys, self.calls = plugin, capsys, []
        monkeypatch.setattr(read_gate, "_apply_action_arg_defaults", self._module_defaults)

    def _module_defaults(self, module_name, task, options, templar):
        assert module_name == self.plugin.ActionModule.MODULE
        return {**{k: v for k, v in DEFAULTS.items() if k not in options}, **options}

    def run(self, args, check_mode=False, diff=False):
        task = MagicMock(args=args, action="cardplatform.aws.gate", async_val=0, check_mode=check_mode, diff=diff)
        connection = MagicMock()
        connection._shell.tmpdir = None
        action = self.plugin.ActionModule(task, connection, MagicMock(), loader=None, templar=None)

        def execute(module_name, module_args, task_vars, wrap_async=False):
            assert wrap_async is False
            self.calls.append((module_name, dict(module_args)))
            return run_module(MODULES[module_name], module_args, self.capsys, check_mode=check_mode, diff=diff)

        action._execute_module = execute
        return action.run(task_vars={})


@pytest.fixture
def aws(monkeypatch):
    set_credentials(monkeypatch)
    monkeypatch.setattr(ec2_security_group, "sleep", lambda seconds: None)
    with mock_aws():
        yield


def unchanged_keys(module, args, capsys):
    result = run_module(module, args, capsys)
    assert result["changed"] is False
    return set(result) - {"invocation"}


# --- cardplatform.aws.ec2_security_group ---------------------------------------------------


@pytest.fixture
def vpc(aws):
    return boto3.client("ec2", region_name=REGION).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def group_args(vpc):
    return dict(name="postgres", description="PostgreSQL from EKS", vpc_id=vpc,
                rules=[{"proto": "tcp", "ports": [5432], "cidr_ip": "10.0.0.0/16", "rule_desc": "PostgreSQL"}],
                purge_rules=True, tags=TAGS, purge_tags=True, state="present")


def read_groups(vpc, capsys):
    return run_module(ec2_security_group_info, dict(filters={"vpc-id": vpc}), capsys)["security_groups"]


def test_security_group_created_then_returned_as_read(vpc, capsys, monkeypatch):
    gate = Gate(security_group_action, capsys, monkeypatch)
    created = gate.run({**group_args(vpc), "current": read_groups(vpc, capsys)})
    assert created["changed"] is True and created["group_id"].startswith("sg-")
    assert [name for name, _ in gate.calls] == ["amazon.aws.ec2_security_group"]
    assert "current" not in gate.calls[0][1] and gate.calls[0][1]["validate_certs"] is True

    again = gate.run({**group_args(vpc), "current": read_groups(vpc, capsys), "validate_certs": False})
    assert len(gate.calls) == 1  # no module run
    assert again["changed"] is False and again["group_id"] == created["group_id"]
    assert unchanged_keys(ec2_security_group, group_args(vpc), capsys) <= set(again)


def test_security_group_drift_and_no_read_run_the_module(vpc, capsys, monkeypatch):
    gate = Gate(security_group_action, capsys, monkeypatch)
    group_id = gate.run(group_args(vpc))["group_id"]
    boto3.client("ec2", region_name=REGION).create_tags(Resources=[group_id], Tags=[{"Key": "Owner", "Value": "someone"}])
    repaired = gate.run({**group_args(vpc), "current": read_groups(vpc, capsys)})
    assert repaired["changed"] is True and len(gate.calls) == 2
    assert gate.run(group_args(vpc))["changed"] is False and len(gate.calls) == 3  # without current: always the module


def test_security_group_check_mode_and_diff(vpc, capsys, monkeypatch):
    gate = Gate(security_group_action, capsys, monkeypatch)
    planned = gate.run({**group_args(vpc), "current": []}, check_mode=True, diff=True)
    assert planned["changed"] is True and planned["diff"][0]["before"] == {}
    assert [g["group_name"] for g in read_groups(vpc, capsys)] == ["default"]  # nothing written
    gate.run(group_args(vpc))
    unchanged = gate.run({**group_args(vpc), "current": read_groups(vpc, capsys)}, check_mode=True, diff=True)
    assert unchanged["changed"] is False and len(gate.calls) == 2
    assert unchanged["diff"] == [{"before": unchanged["diff"][0]["after"], "after": unchanged["diff"][0]["before"]}]
    assert unchanged["diff"][0]["before"]["group_id"] == unchanged["group_id"]
    assert "diff" not in gate.run({**group_args(vpc), "current": read_groups(vpc, capsys)})


def test_security_group_read_that_is_not_a_read_fails(vpc, capsys, monkeypatch):
    gate = Gate(security_group_action, capsys, monkeypatch)
    failed = gate.run({**group_args(vpc), "current": "sg-123"})
    assert failed["failed"] is True and "current: security_group: expected the info module's list, got str" in failed["msg"]
    assert gate.calls == []


# --- cardplatform.aws.kms_key --------------------------------------------------------------

KEY_ARGS = dict(alias="alias/card-platform-local-eks-secrets", description="Envelope encryption of Kubernetes Secrets",
                enable_key_rotation=True, tags=TAGS, purge_tags=True, state="present")


def read_keys(capsys):
    kms_key_info._aliases.clear()  # a per-process cache: each real module run starts without it
    return run_module(kms_key_info, dict(alias=KEY_ARGS["alias"]), capsys)["kms_keys"]


def test_kms_key_created_then_returned_as_read(aws, capsys, monkeypatch):
    gate = Gate(kms_key_action, capsys, monkeypatch)
    planned = gate.run({**KEY_ARGS, "current": read_keys(capsys)}, check_mode=True)
    assert planned["changed"] is True and "key_arn" not in planned and read_keys(capsys) == []
    created = gate.run({**KEY_ARGS, "current": read_keys(capsys)})
    assert created["changed"] is True and created["key_arn"].startswith("arn:aws:kms:")
    assert len(gate.calls) == 2

    again = gate.run({**KEY_ARGS, "current": read_keys(capsys)})
    assert len(gate.calls) == 2  # no module run
    assert again["changed"] is False and again["key_arn"] == created["key_arn"]
    assert {"key_arn", "key_id", "key_state", "description", "enable_key_rotation", "aliases", "tags"} <= set(again)
    assert {"key_arn", "key_id", "key_state", "aliases", "tags"} <= unchanged_keys(kms_key, KEY_ARGS, capsys)


def test_kms_key_drift_runs_the_module(aws, capsys, monkeypatch):
    gate = Gate(kms_key_action, capsys, monkeypatch)
    key_arn = gate.run(KEY_ARGS)["key_arn"]
    boto3.client("kms", region_name=REGION).disable_key_rotation(KeyId=key_arn)
    repaired = gate.run({**KEY_ARGS, "current": read_keys(capsys)})
    assert repaired["changed"] is True and repaired["key_arn"] == key_arn and len(gate.calls) == 2
    assert gate.run({**KEY_ARGS, "current": read_keys(capsys)})["changed"] is False and len(gate.calls) == 2


# --- cardplatform.aws.secretsmanager_secret ------------------------------------------------

NAME = "card-platform-local/rds/app"
SECRET_ARGS = dict(name=NAME, description="Application user of PostgreSQL", json_secret='{"password": "s3cret"}',
                   overwrite=False, rotation_interval=30, tags=TAGS, purge_tags=True, state="present")


def read_secrets(capsys):
    return run_module(secretsmanager_secret_info, dict(names=[NAME], resource_policy=True), capsys)["secrets"]


def test_secret_created_then_returned_as_read(aws, capsys, monkeypatch):
    gate = Gate(secret_action, capsys, monkeypatch)
    planned = gate.run({**SECRET_ARGS, "current": read_secrets(capsys)}, check_mode=True)
    assert planned["changed"] is True and read_secrets(capsys)[NAME]["exists"] is False
    created = gate.run({**SECRET_ARGS, "current": read_secrets(capsys)[NAME]})
    assert created["changed"] is True and created["secret"]["arn"].startswith("arn:aws:secretsmanager:")
    assert len(gate.calls) == 2

    again = gate.run({**SECRET_ARGS, "current": read_secrets(capsys)})
    assert len(gate.calls) == 2  # no module run
    assert again == {"changed": False, "secret": {
        "arn": created["secret"]["arn"], "name": NAME, "description": SECRET_ARGS["description"],
        "rotation_enabled": False, "rotation_rules": {},
        "tags": [{"key": "Project", "value": "card-platform"}, {"key": "Environment", "value": "local"}],
        "tags_dict": TAGS}}
    module_secret = run_module(secretsmanager_secret, SECRET_ARGS, capsys)["secret"]
    assert {"arn", "name", "description", "tags", "tags_dict"} <= set(module_secret)
    assert module_secret["tags_dict"] == again["secret"]["tags_dict"]


def test_secret_drift_or_overwrite_runs_the_module(aws, capsys, monkeypatch):
    gate = Gate(secret_action, capsys, monkeypatch)
    arn = gate.run(SECRET_ARGS)["secret"]["arn"]
    boto3.client("secretsmanager", region_name=REGION).tag_resource(SecretId=arn, Tags=[{"Key": "Owner", "Value": "x"}])
    assert gate.run({**SECRET_ARGS, "current": read_secrets(capsys)})["changed"] is True and len(gate.calls) == 2
    assert gate.run({**SECRET_ARGS, "current": read_secrets(capsys)})["changed"] is False and len(gate.calls) == 2
    gate.run({**SECRET_ARGS, "overwrite": True, "current": read_secrets(capsys)})
    assert len(gate.calls) == 3  # overwrite compares the value: only the module can
