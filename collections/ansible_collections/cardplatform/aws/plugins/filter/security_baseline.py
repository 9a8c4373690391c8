# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security_baseline role's drift check: the audit bucket as amazon.aws.s3_bucket_info read it,
flattened to the settings the role makes.

security_baseline_bucket_state(bucket)
    bucket: one entry of s3_bucket_info's ``buckets`` read with bucket_facts bucket_policy,
    bucket_versioning, public_access_block, bucket_encryption and bucket_lifecycle_configuration
    (the raw S3 answers). {} when the bucket was not found. Otherwise {policy_statements (the
    policy's statement Sids, sorted), secure_transport_denied (a Deny on aws:SecureTransport
    false is there), versioning (Enabled, Suspended or ""), public_access_block (the four flags
    in S3's order), sse_algorithm, kms_key_id, retention_days (the smallest expiration, in days,
    of the enabled lifecycle rules that cover every object and their noncurrent versions; 0 - none)}.

security_baseline_drifted_attributes(resources)
    resources: security_baseline_drift.resources (drift_resource entries). {type: [names of the
    attributes that differ]} for each resource not in sync - what the verifier and a report name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

BPA_ORDER = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _dict(value):
    return value if isinstance(value, Mapping) else {}


def _statements(policy):
    if isinstance(policy, str):
        try:
            policy = json.loads(policy) if policy else {}
        except ValueError as e:
            raise AnsibleFilterError(f"security_baseline_bucket_state: the bucket policy is not JSON ({e})") from e
    statements = _dict(policy).get("Statement", [])
    return [statements] if isinstance(statements, Mapping) else list(statements)


def _denies_plain_http(statement):
    condition = _dict(_dict(statement.get("Condition")).get("Bool"))
    return statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport", "")).lower() == "false"


def _retention_days(rules):
    days = []
    for rule in rules or []:
        rule = _dict(rule)
        scope = _dict(rule.get("Filter"))
        whole_bucket = not rule.get("Prefix") and not scope.get("Prefix") and not scope.get("Tag") and not scope.get("And")
        current = _dict(rule.get("Expiration")).get("Days")
        noncurrent = _dict(rule.get("NoncurrentVersionExpiration")).get("NoncurrentDays")
        if rule.get("Status") == "Enabled" and whole_bucket and current and noncurrent:
            days.append(min(int(current), int(noncurrent)))
    return min(days) if days else 0


def security_baseline_bucket_state(bucket):
    bucket = _dict(bucket)
    if not bucket:
        return {}
    statements = _statements(_dict(bucket.get("bucket_policy")).get("Policy"))
    block = _dict(_dict(bucket.get("public_access_block")).get("PublicAccessBlockConfiguration"))
    rules = _dict(_dict(bucket.get("bucket_encryption")).get("ServerSideEncryptionConfiguration")).get("Rules") or [{}]
    default = _dict(_dict(rules[0]).get("ApplyServerSideEncryptionByDefault"))
    return {
        "policy_statements": sorted(str(s.get("Sid", "")) for s in statements if isinstance(s, Mapping)),
        "secure_transport_denied": any(_denies_plain_http(s) for s in statements if isinstance(s, Mapping)),
        "versioning": _dict(bucket.get("bucket_versioning")).get("Status", ""),
        "public_access_block": [bool(block.get(key, False)) for key in BPA_ORDER],
        "sse_algorithm": default.get("SSEAlgorithm", ""),
        "kms_key_id": default.get("KMSMasterKeyID", ""),
        "retention_days": _retention_days(_dict(bucket.get("bucket_lifecycle_configuration")).get("Rules")),
    }


def security_baseline_drifted_attributes(resources):
    out = {}
    for resource in resources or []:
        resource = _dict(resource)
        if resource.get("status") != "in_sync":
            out.setdefault(resource.get("type", "?"), []).extend(
                str(_dict(a).get("name")) for a in resource.get("attributes", []))
    return out


class FilterModule:
    def filters(self):
        return {
            "security_baseline_bucket_state": security_baseline_bucket_state,
            "security_baseline_drifted_attributes": security_baseline_drifted_attributes,
        }
