#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sns_topic
short_description: Manage an Amazon SNS standard topic encrypted with KMS, and its subscriptions
version_added: 0.3.0
description:
  - Creates, updates or deletes one standard SNS topic with server-side encryption by a KMS key
    (C(KmsMasterKeyId)) and the subscriptions listed, some of which may be secret (an HTTPS
    integration URL that carries a token) and never appear in the output.
  - Reads first (C(ListTopics), C(GetTopicAttributes), C(ListSubscriptionsByTopic)) and writes only
    what differs (C(CreateTopic), C(SetTopicAttributes), C(Subscribe), C(Unsubscribe), C(DeleteTopic)),
    so a second run reports no change. Supports check mode and diff mode.
  - community.aws 10's C(sns_topic) cannot set C(KmsMasterKeyId), and returns every subscription
    endpoint in its result (a secret integration URL would be printed).
author:
  - Card platform team
options:
  name:
    description: Topic name, 1-256 letters, digits, C(-) and C(_) (a standard topic; no C(.fifo)).
    type: str
    required: true
  state:
    description:
      - C(present) - the topic exists, encrypted with I(kms_master_key_id), with exactly the subscriptions listed
        (others are removed when I(purge_subscriptions)).
      - C(absent) - the topic and its subscriptions are deleted (C(DeleteTopic) removes the subscriptions).
    type: str
    choices: [present, absent]
    default: present
  kms_master_key_id:
    description:
      - ARN, key ID or alias of the KMS key that encrypts the messages at rest. Required with C(state=present)
        (except in check mode, which writes nothing).
      - The key policy must let the publishing services (C(cloudwatch.amazonaws.com)) use it, or their messages are dropped.
    type: str
  display_name:
    description: Display name (the sender name of e-mail notifications, at most 100 characters). Empty - none.
    type: str
    default: ""
  subscriptions:
    description: Subscriptions whose endpoint may be shown (e-mail addresses).
    type: list
    elements: dict
    default: []
    suboptions:
      protocol:
        description: SNS protocol.
        type: str
        required: true
        choices: [email, email-json, https, http, sqs, lambda, sms]
      endpoint:
        description: The address, URL or ARN.
        type: str
        required: true
  sensitive_subscriptions:
    description:
      - Subscriptions whose endpoint is a secret (a PagerDuty integration URL carries its integration key).
        Never returned, logged or shown in a diff - shown as C(********).
    type: list
    elements: dict
    default: []
    suboptions:
      protocol:
        description: SNS protocol.
        type: str
        required: true
        choices: [https, http]
      endpoint:
        description: The URL.
        type: str
        required: true
  purge_subscriptions:
    description: Remove the topic's confirmed subscriptions that are not listed (pending ones cannot be removed; they expire after 3 days).
    type: bool
    default: true
  tags:
    description: Tags set at creation (not updated afterwards).
    type: dict
    default: {}
notes:
  - "IAM: C(sns:ListTopics), C(sns:CreateTopic), C(sns:GetTopicAttributes), C(sns:SetTopicAttributes),
    C(sns:ListSubscriptionsByTopic), C(sns:Subscribe), C(sns:Unsubscribe), C(sns:DeleteTopic), C(sns:TagResource)."
  - An e-mail or HTTPS subscription stays C(PendingConfirmation) until its owner confirms it; it counts as present.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The alerts topic, encrypted, to on-call e-mail and PagerDuty
  cardplatform.aws.sns_topic:
    name: card-platform-alerts
    kms_master_key_id: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    subscriptions:
      - {protocol: email, endpoint: oncall@example.com}
    sensitive_subscriptions:
      - protocol: https
        endpoint: "{{ lookup('amazon.aws.secretsmanager_secret', 'card-platform/pagerduty-url') }}"
  no_log: true
"""

RETURN = r"""
topic_arn:
  description: The topic ARN (empty when absent, and in check mode before its creation).
  returned: always
  type: str
  sample: arn:aws:sns:us-east-1:123456789012:card-platform-alerts
kms_master_key_id:
  description: The topic's KMS key as SNS holds it (empty when absent).
  returned: always
  type: str
subscriptions:
  description: The topic's subscriptions after the run (protocol, endpoint - C(********) for a sensitive one - and whether pending).
  returned: always
  type: list
  elements: dict
  sample: [{"protocol": "email", "endpoint": "oncall@example.com", "pending": false}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff

MASK = "********"
PENDING = ("PendingConfirmation", "pending confirmation")


class Topic(AWSResourceManager):
    service = "sns"

    def find(self):
        suffix = ":" + self.params["name"]
        for topic in self.paginate("list_topics", "Couldn't list the SNS topics").get("Topics", []):
            if topic["TopicArn"].endswith(suffix):
                return topic["TopicArn"]
        return ""

    def attributes(self, arn):
        return self.call("get_topic_attributes", "Couldn't read the topic", TopicArn=arn)["Attributes"]

    def subscriptions(self, arn):
        return self.paginate("list_subscriptions_by_topic", "Couldn't list the subscriptions",
                             TopicArn=arn).get("Subscriptions", [])


def shown(subs, secret):
    return sorted(({"protocol": p, "endpoint": MASK if (p, e) in secret else e} for p, e in subs),
                  key=lambda s: (s["protocol"], s["endpoint"]))


def main():
    sub = dict(protocol=dict(type="str", required=True, choices=["email", "email-json", "https", "http", "sqs", "lambda", "sms"]),
               endpoint=dict(type="str", required=True))
    secret_sub = dict(protocol=dict(type="str", required=True, choices=["https", "http"]),
                      endpoint=dict(type="str", required=True, no_log=True))
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        kms_master_key_id=dict(type="str"),
        display_name=dict(type="str", default=""),
        subscriptions=dict(type="list", elements="dict", default=[], options=sub),
        sensitive_subscriptions=dict(type="list", elements="dict", default=[], options=secret_sub),
        purge_subscriptions=dict(type="bool", default=True),
        tags=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    present = params["state"] == "present"
    # In check mode on a new account the key may not exist yet: the plan is made without it.
    if present and not params["kms_master_key_id"] and not module.check_mode:
        module.fail_json(msg="kms_master_key_id: required with state=present (the topic is always encrypted)")
    if params["name"].endswith(".fifo"):
        module.fail_json(msg=f"name: a standard topic name (no .fifo), got {params['name']}")
    topic = Topic(module, label=params["name"])
    arn = topic.find()
    attributes = topic.attributes(arn) if arn else {}
    current_subs = topic.subscriptions(arn) if arn else []
    secret = {(s["protocol"], s["endpoint"]) for s in params["sensitive_subscriptions"]}
    wanted_subs = {(s["protocol"], s["endpoint"]) for s in params["subscriptions"]} | secret
    have = {(s["Protocol"], s["Endpoint"]): s["SubscriptionArn"] for s in current_subs}
    before = {"exists": bool(arn), "kms_master_key_id": attributes.get("KmsMasterKeyId", ""),
              "display_name": attributes.get("DisplayName", ""), "subscriptions": shown(have, secret)}
    if not present:
        after = {"exists": False, "kms_master_key_id": "", "display_name": "", "subscriptions": []}
        changed = bool(arn)
        if changed and not module.check_mode:
            topic.call("delete_topic", "Couldn't delete the topic", TopicArn=arn)
        exit_with_diff(module, {"before": before, "after": after}, changed=changed, topic_arn="",
                       kms_master_key_id="", subscriptions=[])
    wanted_attributes = {"KmsMasterKeyId": params["kms_master_key_id"], "DisplayName": params["display_name"]}
    to_set = {k: v for k, v in wanted_attributes.items() if attributes.get(k, "") != v}
    to_subscribe = sorted(wanted_subs - set(have))
    to_remove = [(k, a) for k, a in have.items() if k not in wanted_subs and params["purge_subscriptions"]]
    pending_extra = [k for k, a in to_remove if a in PENDING]
    if pending_extra:
        module.warn(f"{len(pending_extra)} unlisted subscription(s) pending confirmation cannot be removed (they expire after 3 days)")
    to_remove = [(k, a) for k, a in to_remove if a not in PENDING]
    changed = bool(not arn or to_set or to_subscribe or to_remove)
    final_subs = (set(have) - {k for k, _ in to_remove}) | set(to_subscribe)
    after = {"exists": True, "kms_master_key_id": params["kms_master_key_id"], "display_name": params["display_name"],
             "subscriptions": shown(final_subs, secret)}
    if changed and not module.check_mode:
        if not arn:
            create = {"Name": params["name"], "Attributes": {k: v for k, v in wanted_attributes.items() if v}}
            if params["tags"]:
                create["Tags"] = [{"Key": k, "Value": str(v)} for k, v in sorted(params["tags"].items())]
            arn = topic.call("create_topic", "Couldn't create the topic", **create)["TopicArn"]
            to_set = {}
        for key, value in to_set.items():
            topic.call("set_topic_attributes", f"Couldn't set {key}", TopicArn=arn, AttributeName=key, AttributeValue=value)
        for protocol, endpoint in to_subscribe:
            topic.call("subscribe", f"Couldn't subscribe a {protocol} endpoint", TopicArn=arn, Protocol=protocol,
                       Endpoint=endpoint, ReturnSubscriptionArn=True)
        for _key, sub_arn in to_remove:
            topic.call("unsubscribe", "Couldn't remove a subscription", SubscriptionArn=sub_arn)
        have = {(s["Protocol"], s["Endpoint"]): s["SubscriptionArn"] for s in topic.subscriptions(arn)}
    if changed and module.check_mode:
        result_subs = [dict(s, pending=False) for s in after["subscriptions"]]
    else:
        result_subs = sorted(({"protocol": p, "endpoint": MASK if (p, e) in secret else e, "pending": a in PENDING}
                              for (p, e), a in have.items()), key=lambda s: (s["protocol"], s["endpoint"]))
    exit_with_diff(module, {"before": before, "after": after}, changed=changed, topic_arn=arn,
                   kms_master_key_id=params["kms_master_key_id"], subscriptions=result_subs)


if __name__ == "__main__":
    main()
