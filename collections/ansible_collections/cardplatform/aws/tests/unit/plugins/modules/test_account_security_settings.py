# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for cardplatform.aws.account_security_settings, on moto's in-process mock."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.cardplatform.aws.plugins.modules import account_security_settings as module_under_test

from _vpc_eks_helpers import REGION, run_module, set_credentials

ACCOUNT = "123456789012"  # moto's default account
CIS = dict(s3_public_access_block={}, ebs_encryption_by_default=True,
           password_policy=dict(minimum_length=14, reuse_prevention=24, max_age_days=90))


@pytest.fixture(autouse=True)
def aws(monkeypatch):
    set_credentials(monkeypatch)
    with mock_aws():
        yield {name: boto3.client(name, region_name=REGION) for name in ("s3control", "ec2", "iam")}


def read_all(aws):
    try:
        bpa = aws["s3control"].get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    except aws["s3control"].exceptions.NoSuchPublicAccessBlockConfiguration:
        bpa = None
    try:
        policy = aws["iam"].get_account_password_policy()["PasswordPolicy"]
    except aws["iam"].exceptions.NoSuchEntityException:
        policy = None
    return bpa, aws["ec2"].get_ebs_encryption_by_default()["EbsEncryptionByDefault"], policy


def test_sets_every_setting_then_changes_nothing(aws, capsys):
    result = run_module(module_under_test, CIS, capsys, diff=True)
    assert result["changed"] is True and result["account_id"] == ACCOUNT
    assert result["changed_settings"] == ["s3_public_access_block", "ebs_encryption_by_default", "password_policy"]
    bpa, ebs, policy = read_all(aws)
    assert bpa == dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)
    assert ebs is True
    assert policy["MinimumPasswordLength"] == 14 and policy["PasswordReusePrevention"] == 24
    assert policy["MaxPasswordAge"] == 90 and policy["RequireSymbols"] and policy["RequireLowercaseCharacters"]
    assert result["diff"]["before"]["ebs_encryption_by_default"] is False
    assert result["diff"]["before"]["password_policy"] == {}

    again = run_module(module_under_test, CIS, capsys)
    assert again["changed"] is False and again["changed_settings"] == []
    assert again["settings"] == result["settings"]


def test_check_mode_reports_the_change_and_writes_nothing(aws, capsys):
    result = run_module(module_under_test, CIS, capsys, check_mode=True, diff=True)
    assert result["changed"] is True and len(result["changed_settings"]) == 3
    assert read_all(aws) == (None, False, None)


def test_an_omitted_option_is_left_alone(aws, capsys):
    aws["ec2"].enable_ebs_encryption_by_default()
    result = run_module(module_under_test, dict(password_policy={}), capsys)
    assert result["changed_settings"] == ["password_policy"] and set(result["settings"]) == {"password_policy"}
    assert result["account_id"] == ""
    bpa, ebs, _ = read_all(aws)
    assert bpa is None and ebs is True


def test_drift_of_one_setting_changes_only_that_one(aws, capsys):
    run_module(module_under_test, CIS, capsys)
    aws["ec2"].disable_ebs_encryption_by_default()
    aws["iam"].update_account_password_policy(MinimumPasswordLength=8)
    result = run_module(module_under_test, CIS, capsys, diff=True)
    assert result["changed_settings"] == ["ebs_encryption_by_default", "password_policy"]
    assert result["diff"]["before"]["password_policy"]["minimum_length"] == 8
    _, ebs, policy = read_all(aws)
    assert ebs is True and policy["MinimumPasswordLength"] == 14


def test_ebs_encryption_by_default_is_turned_off_only_when_asked(aws, capsys):
    aws["ec2"].enable_ebs_encryption_by_default()
    assert run_module(module_under_test, dict(ebs_encryption_by_default=False), capsys)["changed"] is True
    assert read_all(aws)[1] is False


@pytest.mark.parametrize(("args", "message"), [
    (dict(password_policy=dict(minimum_length=5)), "password_policy.minimum_length: 6-128, got 5"),
    (dict(password_policy=dict(reuse_prevention=25)), "password_policy.reuse_prevention: 0-24, got 25"),
    (dict(password_policy=dict(max_age_days=1096)), "password_policy.max_age_days: 0-1095, got 1096"),
    (dict(account_id="1234", s3_public_access_block={}), "account_id: a 12-digit AWS account ID"),
])
def test_bad_input_is_refused_before_any_write(aws, capsys, args, message):
    result = run_module(module_under_test, args, capsys)
    assert result["failed"] is True and message in result["msg"]
    assert read_all(aws) == (None, False, None)


def test_documentation_parses_and_names_every_option():
    import yaml  # pylint: disable=import-outside-toplevel

    doc = yaml.safe_load(module_under_test.DOCUMENTATION)
    assert set(doc["options"]) == {"account_id", "s3_public_access_block", "ebs_encryption_by_default", "password_policy"}
    assert set(doc["options"]["password_policy"]["suboptions"]) == set(module_under_test.PASSWORD_KEYS)
    assert set(doc["options"]["s3_public_access_block"]["suboptions"]) == set(module_under_test.BPA_KEYS)
    yaml.safe_load(module_under_test.EXAMPLES)
    assert set(yaml.safe_load(module_under_test.RETURN)) == {"account_id", "settings", "before", "changed_settings"}


@pytest.mark.parametrize(("url", "expected"), [
    ("http://123456789012.127.0.0.1:4566/v20180820/configuration/publicAccessBlock",
     "http://127.0.0.1:4566/v20180820/configuration/publicAccessBlock"),
    # AWS's own host and a DNS-named endpoint keep the account label
    ("https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x", "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x"),
    ("http://123456789012.localstack.internal:4566/x", "http://123456789012.localstack.internal:4566/x"),
])
def test_an_ip_endpoint_loses_the_account_label_only(url, expected):
    class Request:  # pylint: disable=too-few-public-methods
        pass

    request = Request()
    request.url = url
    module_under_test._drop_account_label(request)  # pylint: disable=protected-access
    assert request.url == expected
    assert module_under_test._is_ip_host("http://127.0.0.1:4566") is True  # pylint: disable=protected-access
    assert module_under_test._is_ip_host("https://s3-control.us-east-1.amazonaws.com") is False  # pylint: disable=protected-access
