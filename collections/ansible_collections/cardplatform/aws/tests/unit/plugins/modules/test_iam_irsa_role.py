# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.iam_irsa_role on moto's in-process mock; the IAM calls a run
makes are counted by wrapping botocore's BaseClient._make_api_call."""

from __future__ import annotations

import json

import boto3
import pytest
import yaml
from botocore.client import BaseClient
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.module_utils import iam as iam_utils
from ansible_collections.cardplatform.aws.plugins.modules import iam_irsa_role as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

NAME = "card-platform-us-east-1-external-secrets"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"


def trust(service_account="external-secrets"):
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                f"{ISSUER}:sub": f"system:serviceaccount:external-secrets:{service_account}",
                f"{ISSUER}:aud": "sts.amazonaws.com",
            }},
        }],
    }


POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": "*"}],
}


@pytest.fixture(autouse=True)
def iam(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield boto3.client("iam", region_name=REGION)


@pytest.fixture
def iam_calls(monkeypatch):
    """The IAM operations the module calls from now on, in order."""
    calls = []
    original = BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        if self.meta.service_model.service_name == "iam":
            calls.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return calls


@pytest.fixture
def managed(iam):
    """Two customer managed policies' ARNs."""
    return [
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
        for name in ("irsa-a", "irsa-b")
    ]


def args(**overrides):
    base = dict(
        name=NAME,
        description="IRSA role of external-secrets/external-secrets",
        assume_role_policy_document=trust(),
        managed_policy_arns=[],
        inline_policy_name="read-platform-secrets",
        inline_policy=POLICY,
        tags={"Project": "card-platform", "Environment": "test"},
    )
    return dict(base, **overrides)


def role_names(iam):
    return [r["RoleName"] for r in iam.list_roles()["Roles"]]


def test_create(iam, capsys, managed, iam_calls):
    result = run_module(module_under_test, args(managed_policy_arns=managed), capsys, diff=True)
    assert result["changed"] is True
    role = result["iam_role"]
    assert role["arn"] == f"arn:aws:iam::123456789012:role/{NAME}"
    assert role["role_name"] == NAME
    assert role["tags"] == {"Project": "card-platform", "Environment": "test"}
    assert [p["policy_arn"] for p in role["attached_policies"]] == sorted(managed)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["inline_policy"] == {"read-platform-secrets": POLICY}
    # GetRole, then writes only: the role, its two policies, its inline policy.
    assert iam_calls == ["GetRole", "CreateRole", "AttachRolePolicy", "AttachRolePolicy", "PutRolePolicy"]
    got = iam.get_role(RoleName=NAME)["Role"]
    assert not iam_utils.policies_differ(got["AssumeRolePolicyDocument"], trust())
    assert got["Description"] == "IRSA role of external-secrets/external-secrets"
    inline = iam.get_role_policy(RoleName=NAME, PolicyName="read-platform-secrets")["PolicyDocument"]
    assert not iam_utils.policies_differ(inline, POLICY)


def test_noop_reads_three_and_writes_nothing(iam, capsys, managed, iam_calls):
    first = run_module(module_under_test, args(managed_policy_arns=managed), capsys)
    del iam_calls[:]
    second = run_module(module_under_test, args(managed_policy_arns=managed), capsys, diff=True)
    assert second["changed"] is False
    assert iam_calls == ["GetRole", "ListAttachedRolePolicies", "GetRolePolicy"]
    assert second["iam_role"]["arn"] == first["iam_role"]["arn"]
    assert second["diff"]["before"] == second["diff"]["after"]
    assert second["iam_role"]["inline_policy"] == POLICY


def test_semantically_equal_documents_are_no_change(iam, capsys, iam_calls):
    run_module(module_under_test, args(), capsys)
    # Same meaning: a one-item Action list as a string, Statement as a lone dict, keys reordered.
    same_trust = trust()
    same_trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity"]
    same_policy = {"Statement": {"Resource": ["*"], "Action": "secretsmanager:GetSecretValue", "Effect": "Allow"},
                   "Version": "2012-10-17"}
    del iam_calls[:]
    result = run_module(module_under_test, args(assume_role_policy_document=same_trust, inline_policy=same_policy),
                        capsys)
    assert result["changed"] is False
    assert iam_calls == ["GetRole", "ListAttachedRolePolicies", "GetRolePolicy"]


def test_policy_document_forms():
    text = json.dumps(POLICY)
    assert iam_utils.policy_document(text) == POLICY
    assert iam_utils.policy_document("%7B%22Version%22%3A%222012-10-17%22%7D") == {"Version": "2012-10-17"}
    assert iam_utils.policy_document(None) == {}
    assert iam_utils.policies_differ(POLICY, dict(POLICY, Statement=[dict(POLICY["Statement"][0], Effect="Deny")]))


def test_update_trust(iam, capsys, iam_calls):
    run_module(module_under_test, args(), capsys)
    del iam_calls[:]
    result = run_module(module_under_test, args(assume_role_policy_document=trust("other")), capsys, diff=True)
    assert result["changed"] is True
    assert iam_calls == ["GetRole", "ListAttachedRolePolicies", "GetRolePolicy", "UpdateAssumeRolePolicy"]
    assert result["diff"]["after"]["assume_role_policy_document"] == trust("other")
    got = iam.get_role(RoleName=NAME)["Role"]["AssumeRolePolicyDocument"]
    assert not iam_utils.policies_differ(got, trust("other"))
    assert result["iam_role"]["assume_role_policy_document"] == trust("other")


def test_update_description(iam, capsys):
    run_module(module_under_test, args(), capsys)
    result = run_module(module_under_test, args(description="new"), capsys)
    assert result["changed"] is True
    assert iam.get_role(RoleName=NAME)["Role"]["Description"] == "new"


def test_update_inline_policy_and_leave_others(iam, capsys, iam_calls):
    run_module(module_under_test, args(), capsys)
    iam.put_role_policy(RoleName=NAME, PolicyName="hand-made", PolicyDocument=json.dumps(POLICY))
    wider = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"],
                            "Resource": "*"}]}
    del iam_calls[:]
    result = run_module(module_under_test, args(inline_policy=wider), capsys, diff=True)
    assert result["changed"] is True
    assert iam_calls[-1] == "PutRolePolicy"
    assert result["diff"]["before"]["inline_policy"] == {"read-platform-secrets": POLICY}
    assert result["diff"]["after"]["inline_policy"] == {"read-platform-secrets": wider}
    got = iam.get_role_policy(RoleName=NAME, PolicyName="read-platform-secrets")["PolicyDocument"]
    assert not iam_utils.policies_differ(got, wider)
    # {} deletes the managed inline policy, the hand-made one stays.
    emptied = run_module(module_under_test, args(inline_policy={}), capsys)
    assert emptied["changed"] is True
    assert iam.list_role_policies(RoleName=NAME)["PolicyNames"] == ["hand-made"]
    assert run_module(module_under_test, args(inline_policy={}), capsys)["changed"] is False


def test_inline_policy_name_defaults_to_role_name(iam, capsys):
    run_module(module_under_test, args(inline_policy_name=None), capsys)
    assert iam.list_role_policies(RoleName=NAME)["PolicyNames"] == [NAME]


def test_tags_purge(iam, capsys, iam_calls):
    run_module(module_under_test, args(), capsys)
    del iam_calls[:]
    result = run_module(module_under_test, args(tags={"Project": "card-platform", "Team": "payments"}), capsys)
    assert result["changed"] is True
    assert sorted(iam_calls[3:]) == ["TagRole", "UntagRole"]
    got = {t["Key"]: t["Value"] for t in iam.get_role(RoleName=NAME)["Role"]["Tags"]}
    assert got == {"Project": "card-platform", "Team": "payments"}
    assert result["iam_role"]["tags"] == got
    kept = run_module(module_under_test, args(tags={"Other": "x"}, purge_tags=False), capsys)
    assert kept["changed"] is True
    assert len(iam.get_role(RoleName=NAME)["Role"]["Tags"]) == 3


def test_managed_policy_purge(iam, capsys, managed, iam_calls):
    run_module(module_under_test, args(managed_policy_arns=managed), capsys)
    del iam_calls[:]
    result = run_module(module_under_test, args(managed_policy_arns=managed[1:]), capsys, diff=True)
    assert result["changed"] is True
    assert iam_calls[3:] == ["DetachRolePolicy"]
    attached = iam.list_attached_role_policies(RoleName=NAME)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == managed[1:]
    assert result["diff"]["after"]["managed_policy_arns"] == managed[1:]
    # Omitted: left alone.
    assert run_module(module_under_test, args(managed_policy_arns=None), capsys)["changed"] is False


def test_check_mode_create_writes_nothing(iam, capsys, iam_calls):
    result = run_module(module_under_test, args(), capsys, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["iam_role"] == {}
    assert result["diff"]["after"]["tags"] == {"Project": "card-platform", "Environment": "test"}
    assert iam_calls == ["GetRole"]
    assert role_names(iam) == []


def test_check_mode_update_writes_nothing_and_returns_arn(iam, capsys, managed, iam_calls):
    first = run_module(module_under_test, args(), capsys)
    del iam_calls[:]
    result = run_module(
        module_under_test,
        args(assume_role_policy_document=trust("other"), managed_policy_arns=managed, inline_policy={}, tags={}),
        capsys, check_mode=True, diff=True,
    )
    assert result["changed"] is True
    assert result["iam_role"]["arn"] == first["iam_role"]["arn"]
    assert iam_calls == ["GetRole", "ListAttachedRolePolicies", "GetRolePolicy"]
    assert result["diff"]["after"]["inline_policy"] == {}
    assert run_module(module_under_test, args(), capsys)["changed"] is False


def test_absent_then_idempotent(iam, capsys, managed, iam_calls):
    run_module(module_under_test, args(managed_policy_arns=managed), capsys)
    iam.put_role_policy(RoleName=NAME, PolicyName="hand-made", PolicyDocument=json.dumps(POLICY))
    checked = run_module(module_under_test, dict(name=NAME, state="absent"), capsys, check_mode=True)
    assert checked["changed"] is True
    assert role_names(iam) == [NAME]
    del iam_calls[:]
    result = run_module(module_under_test, dict(name=NAME, state="absent"), capsys, diff=True)
    assert result["changed"] is True
    assert result["iam_role"] == {}
    assert sorted(result["diff"]["before"]["inline_policy"]) == ["hand-made", "read-platform-secrets"]
    assert iam_calls.count("DetachRolePolicy") == 2
    assert iam_calls.count("DeleteRolePolicy") == 2
    assert iam_calls[-1] == "DeleteRole"
    assert role_names(iam) == []
    del iam_calls[:]
    again = run_module(module_under_test, dict(name=NAME, state="absent"), capsys)
    assert again["changed"] is False
    assert iam_calls == ["GetRole"]


def test_present_requires_trust(iam, capsys):
    result = run_module(module_under_test, dict(name=NAME), capsys)
    assert result["failed"] is True
    assert "assume_role_policy_document" in result["msg"]


def test_documentation_parses_and_lists_every_option():
    doc = yaml.safe_load(module_under_test.DOCUMENTATION)
    assert set(doc["options"]) == {
        "name", "description", "assume_role_policy_document", "managed_policy_arns", "inline_policy_name",
        "inline_policy", "tags", "purge_tags", "state",
    }
    yaml.safe_load(module_under_test.EXAMPLES)
    assert set(yaml.safe_load(module_under_test.RETURN)) == {"iam_role"}
