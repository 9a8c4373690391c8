# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the security_baseline role's drift filter (plugins/filter/security_baseline.py)."""

from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.security_baseline import (
    security_baseline_bucket_state,
    security_baseline_drifted_attributes,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/abc"
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "AWSCloudTrailWrite", "Effect": "Allow"}]}
BUCKET = {
    "name": "audit",
    "bucket_policy": {"Policy": json.dumps(POLICY)},
    "bucket_versioning": {"Status": "Enabled"},
    "public_access_block": {"PublicAccessBlockConfiguration": dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)},
    "bucket_encryption": {"ServerSideEncryptionConfiguration": {"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}, "BucketKeyEnabled": True}]}},
    "bucket_lifecycle_configuration": {"Rules": [
        {"ID": "audit-retention", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Expiration": {"Days": 365}, "NoncurrentVersionExpiration": {"NoncurrentDays": 365}}]},
}


def test_a_converged_bucket():
    assert security_baseline_bucket_state(BUCKET) == {
        "policy_statements": ["AWSCloudTrailWrite", "DenyInsecureTransport"], "secure_transport_denied": True,
        "versioning": "Enabled", "public_access_block": [True, True, True, True],
        "sse_algorithm": "aws:kms", "kms_key_id": KEY, "retention_days": 365,
    }


def test_a_missing_bucket_is_empty():
    assert security_baseline_bucket_state({}) == {}
    assert security_baseline_bucket_state(None) == {}


def test_a_bucket_with_nothing_set():
    # s3_bucket_info answers {} for each property S3 answered with an error (no policy, no lifecycle ...)
    state = security_baseline_bucket_state({"name": "audit", "bucket_policy": {}, "bucket_versioning": {},
                                            "public_access_block": {}, "bucket_encryption": {},
                                            "bucket_lifecycle_configuration": {}})
    assert state == {"policy_statements": [], "secure_transport_denied": False, "versioning": "",
                     "public_access_block": [False] * 4, "sse_algorithm": "", "kms_key_id": "", "retention_days": 0}


@pytest.mark.parametrize("rule", [
    {"Status": "Disabled", "Expiration": {"Days": 365}, "NoncurrentVersionExpiration": {"NoncurrentDays": 365}},
    {"Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"}, "Expiration": {"Days": 365},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 365}},
    {"Status": "Enabled", "Expiration": {"Days": 365}},
])
def test_a_lifecycle_rule_that_does_not_cover_the_history_is_no_retention(rule):
    assert security_baseline_bucket_state(dict(BUCKET, bucket_lifecycle_configuration={"Rules": [rule]}))["retention_days"] == 0


def test_the_shortest_rule_counts():
    rules = BUCKET["bucket_lifecycle_configuration"]["Rules"] + [
        {"Status": "Enabled", "Prefix": "", "Expiration": {"Days": 400}, "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]
    assert security_baseline_bucket_state(dict(BUCKET, bucket_lifecycle_configuration={"Rules": rules}))["retention_days"] == 30


def test_a_removed_policy_statement_shows():
    policy = {"Statement": {"Sid": "AWSCloudTrailWrite", "Effect": "Allow"}}
    state = security_baseline_bucket_state(dict(BUCKET, bucket_policy={"Policy": json.dumps(policy)}))
    assert state["policy_statements"] == ["AWSCloudTrailWrite"] and state["secure_transport_denied"] is False


def test_a_policy_that_is_not_json_is_an_error():
    with pytest.raises(AnsibleFilterError, match="the bucket policy is not JSON"):
        security_baseline_bucket_state(dict(BUCKET, bucket_policy={"Policy": "{"}))


def test_drifted_attributes_by_resource_type():
    resources = [
        {"id": "trail", "type": "cloudtrail.trail", "status": "modified",
         "attributes": [{"name": "is_logging", "expected": True, "actual": False}]},
        {"id": "bucket", "type": "s3.audit_bucket", "status": "in_sync", "attributes": []},
        {"id": "gone", "type": "s3.audit_bucket", "status": "missing",
         "attributes": [{"name": "exists", "expected": True, "actual": False}]},
    ]
    assert security_baseline_drifted_attributes(resources) == {"cloudtrail.trail": ["is_logging"], "s3.audit_bucket": ["exists"]}
    assert security_baseline_drifted_attributes([]) == {}
