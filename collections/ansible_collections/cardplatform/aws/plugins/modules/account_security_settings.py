#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: account_security_settings
short_description: The account-level security settings of an AWS account (S3 Block Public Access, EBS default encryption, IAM password policy)
version_added: 0.3.0
description:
  - Sets three account-level settings that have no module in amazon.aws or community.aws that
    reads before it writes, each only when its option is given - an omitted option leaves the
    setting as it is.
  - I(s3_public_access_block) - the account's S3 Block Public Access (S3 Control
    C(GetPublicAccessBlock), C(PutPublicAccessBlock)). Global to the account.
  - I(ebs_encryption_by_default) - EBS encryption by default (EC2 C(GetEbsEncryptionByDefault),
    C(EnableEbsEncryptionByDefault), C(DisableEbsEncryptionByDefault)). Per region - the module's region.
  - I(password_policy) - the IAM account password policy (IAM C(GetAccountPasswordPolicy),
    C(UpdateAccountPasswordPolicy)). Global to the account. amazon.aws.iam_password_policy calls
    C(UpdateAccountPasswordPolicy) on every run, in check mode too.
  - Reads every setting first and writes only the ones that differ, so a second run reports no
    change; check mode writes nothing. Diff mode shows each setting before and after.
  - Never removes a setting (the account keeps what it has when the option is omitted); turning
    EBS default encryption off takes I(ebs_encryption_by_default=false) explicitly.
author:
  - Card platform team
options:
  account_id:
    description:
      - 12-digit ID of the account whose S3 Block Public Access is set (S3 Control names the
        account in every call). Omitted - the caller's account (STS C(GetCallerIdentity)).
    type: str
  s3_public_access_block:
    description:
      - The account's S3 Block Public Access settings; each flag defaults to C(true) (all four on,
        as CIS AWS Foundations 2.1.4 asks). Omitted - not read, not changed.
    type: dict
    suboptions:
      block_public_acls:
        description: Reject PUT requests that carry a public ACL.
        type: bool
        default: true
      ignore_public_acls:
        description: Ignore every public ACL on the account's buckets and objects.
        type: bool
        default: true
      block_public_policy:
        description: Reject bucket policies that grant public access.
        type: bool
        default: true
      restrict_public_buckets:
        description: Only AWS services and the account's principals may reach a bucket with a public policy.
        type: bool
        default: true
  ebs_encryption_by_default:
    description:
      - Whether new EBS volumes and snapshot copies of the module's region are encrypted by default
        (with the region's default EBS KMS key, which this module does not change).
        Omitted - not read, not changed.
    type: bool
  password_policy:
    description:
      - The IAM account password policy, set whole (IAM replaces the policy on every update).
        Omitted - not read, not changed.
    type: dict
    suboptions:
      minimum_length:
        description: Minimum password length, characters. Range 6-128 (IAM's limits).
        type: int
        default: 14
      require_symbols:
        description: At least one non-alphanumeric character.
        type: bool
        default: true
      require_numbers:
        description: At least one digit.
        type: bool
        default: true
      require_uppercase:
        description: At least one uppercase letter (A-Z).
        type: bool
        default: true
      require_lowercase:
        description: At least one lowercase letter (a-z).
        type: bool
        default: true
      allow_users_to_change:
        description: IAM users may change their own password.
        type: bool
        default: true
      max_age_days:
        description: Days a password stays valid. Range 1-1095 days; C(0) - passwords never expire.
        type: int
        default: 90
      reuse_prevention:
        description: How many previous passwords a user may not reuse. Range 1-24; C(0) - no rule.
        type: int
        default: 24
      hard_expiry:
        description: An expired password can only be reset by an administrator.
        type: bool
        default: false
notes:
  - "IAM: C(s3:GetAccountPublicAccessBlock), C(s3:PutAccountPublicAccessBlock), C(ec2:GetEbsEncryptionByDefault),
    C(ec2:EnableEbsEncryptionByDefault), C(ec2:DisableEbsEncryptionByDefault), C(iam:GetAccountPasswordPolicy),
    C(iam:UpdateAccountPasswordPolicy), C(sts:GetCallerIdentity)."
  - With an I(endpoint_url) whose host is an IP address (an emulator), S3 Control calls go to that host without
    the account-ID label botocore puts in front of it (the ID still travels in the C(x-amz-account-id) header).
  - Errors - a failed call fails the module naming the setting and the AWS error code
    (for example C(AccessDenied) without the permissions above); a value out of range fails before any call.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The CIS AWS Foundations account settings
  cardplatform.aws.account_security_settings:
    region: us-east-1
    s3_public_access_block: {}
    ebs_encryption_by_default: true
    password_policy:
      minimum_length: 14
      reuse_prevention: 24
      max_age_days: 90

- name: EBS encryption by default in a second region only
  cardplatform.aws.account_security_settings:
    region: eu-west-1
    ebs_encryption_by_default: true
"""

RETURN = r"""
account_id:
  description: The account the settings belong to (empty when only I(ebs_encryption_by_default) or I(password_policy) was given and I(account_id) was not).
  returned: always
  type: str
  sample: "123456789012"
settings:
  description: The settings the module manages, after the run (only those whose option was given).
  returned: always
  type: dict
  contains:
    s3_public_access_block:
      description: The four S3 Block Public Access flags.
      type: dict
      returned: when I(s3_public_access_block) is given
    ebs_encryption_by_default:
      description: Whether EBS encryption by default is on in the module's region.
      type: bool
      returned: when I(ebs_encryption_by_default) is given
    password_policy:
      description: The password policy, with the option names above.
      type: dict
      returned: when I(password_policy) is given
  sample: {"ebs_encryption_by_default": true,
           "s3_public_access_block": {"block_public_acls": true, "block_public_policy": true,
                                      "ignore_public_acls": true, "restrict_public_buckets": true}}
before:
  description: The settings as read before the run (same keys as I(settings); C({}) for a password policy not set) - what a drift check compares.
  returned: always
  type: dict
  sample: {"ebs_encryption_by_default": false}
changed_settings:
  description: The names of the settings the run changed (or would change, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["ebs_encryption_by_default"]
"""

import ipaddress
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info

from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import retrying_client

BPA_KEYS = {
    "block_public_acls": "BlockPublicAcls",
    "ignore_public_acls": "IgnorePublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "restrict_public_buckets": "RestrictPublicBuckets",
}
# password_policy option -> IAM's PasswordPolicy key (Get answers these; Update takes the same names).
PASSWORD_KEYS = {
    "minimum_length": "MinimumPasswordLength",
    "require_symbols": "RequireSymbols",
    "require_numbers": "RequireNumbers",
    "require_uppercase": "RequireUppercaseCharacters",
    "require_lowercase": "RequireLowercaseCharacters",
    "allow_users_to_change": "AllowUsersToChangePassword",
    "max_age_days": "MaxPasswordAge",
    "reuse_prevention": "PasswordReusePrevention",
    "hard_expiry": "HardExpiry",
}
# IAM's own answer for an unset number (no expiry, no reuse rule).
UNSET = {"max_age_days": 0, "reuse_prevention": 0}


def _is_ip_host(url):
    try:
        ipaddress.ip_address(urlsplit(url).hostname or "")
    except ValueError:
        return False
    return True


def _drop_account_label(request, **kwargs):
    parts = urlsplit(request.url)
    host, _, rest = parts.netloc.partition(".")
    if host.isdigit() and len(host) == 12 and _is_ip_host(f"http://{rest}"):
        request.url = urlunsplit(parts._replace(netloc=rest))


class AccountSettings:
    """Reads and writes the three settings; each method names its setting in its errors."""

    def __init__(self, module):
        self.module = module
        self._clients = {}
        self._account_id = module.params["account_id"]

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = retrying_client(self.module, service)
            endpoint = get_aws_connection_info(self.module)[1]
            if service == "s3control" and endpoint and _is_ip_host(endpoint):
                # S3 Control names the account in the host (<account>.s3-control...). An endpoint
                # whose host is an IP address cannot take that label: the account stays in the
                # x-amz-account-id header only. AWS's own and DNS-named endpoints are untouched.
                self._clients[service].client.meta.events.register("before-sign.s3-control", _drop_account_label)
        return self._clients[service]

    def call(self, service, method, msg, missing=(), **kwargs):
        return call(self.module, self.client(service), method, msg, missing, **kwargs)

    @property
    def account_id(self):
        if not self._account_id:
            self._account_id = self.call("sts", "get_caller_identity", "Couldn't read the caller's account")["Account"]
        return self._account_id

    def read_s3_public_access_block(self):
        answer = self.call("s3control", "get_public_access_block", "Couldn't read the account's S3 Block Public Access",
                           missing=("NoSuchPublicAccessBlockConfiguration",), AccountId=self.account_id)
        config = (answer or {}).get("PublicAccessBlockConfiguration", {})
        return {key: bool(config.get(api, False)) for key, api in BPA_KEYS.items()}

    def write_s3_public_access_block(self, wanted):
        self.call("s3control", "put_public_access_block", "Couldn't set the account's S3 Block Public Access",
                  AccountId=self.account_id,
                  PublicAccessBlockConfiguration={api: wanted[key] for key, api in BPA_KEYS.items()})

    def read_ebs_encryption_by_default(self):
        answer = self.call("ec2", "get_ebs_encryption_by_default", "Couldn't read EBS encryption by default")
        return bool(answer.get("EbsEncryptionByDefault", False))

    def write_ebs_encryption_by_default(self, wanted):
        method = "enable_ebs_encryption_by_default" if wanted else "disable_ebs_encryption_by_default"
        self.call("ec2", method, "Couldn't change EBS encryption by default")

    def read_password_policy(self):
        answer = self.call("iam", "get_account_password_policy", "Couldn't read the IAM account password policy",
                           missing=("NoSuchEntity",))
        if not answer:
            return {}
        policy = answer.get("PasswordPolicy", {})
        return {key: policy.get(api, UNSET.get(key, False)) for key, api in PASSWORD_KEYS.items()}

    def write_password_policy(self, wanted):
        params = {api: wanted[key] for key, api in PASSWORD_KEYS.items()
                  if not (key in UNSET and wanted[key] == 0)}
        self.call("iam", "update_account_password_policy", "Couldn't set the IAM account password policy", **params)


def validate(module):
    policy = module.params["password_policy"]
    if policy is None:
        return
    limits = {"minimum_length": (6, 128), "max_age_days": (0, 1095), "reuse_prevention": (0, 24)}
    for key, (low, high) in limits.items():
        if not low <= policy[key] <= high:
            module.fail_json(msg=f"password_policy.{key}: {low}-{high}, got {policy[key]}")


def main():
    argument_spec = dict(
        account_id=dict(type="str"),
        s3_public_access_block=dict(type="dict", options={key: dict(type="bool", default=True) for key in BPA_KEYS}),
        ebs_encryption_by_default=dict(type="bool"),
        password_policy=dict(type="dict", options=dict(
            minimum_length=dict(type="int", default=14),
            require_symbols=dict(type="bool", default=True),
            require_numbers=dict(type="bool", default=True),
            require_uppercase=dict(type="bool", default=True),
            require_lowercase=dict(type="bool", default=True),
            allow_users_to_change=dict(type="bool", default=True),
            max_age_days=dict(type="int", default=90),
            reuse_prevention=dict(type="int", default=24),
            hard_expiry=dict(type="bool", default=False),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    account_id = module.params["account_id"]
    if account_id is not None and not (account_id.isdigit() and len(account_id) == 12):
        module.fail_json(msg=f"account_id: a 12-digit AWS account ID, got {account_id!r}")

    settings = AccountSettings(module)
    before, after, changed = {}, {}, []
    for name in ("s3_public_access_block", "ebs_encryption_by_default", "password_policy"):
        wanted = module.params[name]
        if wanted is None:
            continue
        current = getattr(settings, f"read_{name}")()
        before[name], after[name] = current, wanted
        if current != wanted:
            changed.append(name)
            if not module.check_mode:
                getattr(settings, f"write_{name}")(wanted)
    account = settings.account_id if module.params["s3_public_access_block"] is not None or account_id else ""
    exit_with_diff(module, {"before": before, "after": after}, changed=bool(changed),
                   account_id=account, settings=after, before=before, changed_settings=changed)


if __name__ == "__main__":
    main()
