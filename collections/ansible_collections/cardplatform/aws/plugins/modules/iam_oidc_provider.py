#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_oidc_provider
short_description: Manage an IAM OpenID Connect identity provider (for EKS IRSA)
version_added: 0.1.0
description:
  - Creates, updates or deletes an IAM OIDC identity provider (IAM C(ListOpenIDConnectProviders),
    C(GetOpenIDConnectProvider), C(CreateOpenIDConnectProvider), C(AddClientIDToOpenIDConnectProvider),
    C(RemoveClientIDFromOpenIDConnectProvider), C(UpdateOpenIDConnectProviderThumbprint),
    C(TagOpenIDConnectProvider), C(UntagOpenIDConnectProvider), C(DeleteOpenIDConnectProvider)).
  - The provider is identified by its I(url); an EKS cluster's issuer URL gives the provider that
    IAM roles for service accounts (IRSA) trust.
  - amazon.aws 10.1 and community.aws 10.0 have no module for OIDC providers.
author:
  - Card platform team
options:
  url:
    description: Issuer URL, C(https://...) (for EKS - the cluster's C(identity.oidc.issuer)).
    type: str
    required: true
  client_ids:
    description: Audiences (client IDs) the provider accepts. IRSA uses C(sts.amazonaws.com).
    type: list
    elements: str
    default: [sts.amazonaws.com]
  thumbprints:
    description:
      - SHA-1 thumbprints of the issuer's certificate chain. IAM no longer needs them for issuers
        with certificates from a trusted CA (EKS among them); omit to let IAM manage them.
      - When given, they replace the provider's thumbprints.
    type: list
    elements: str
  tags:
    description: Tags of the provider. Omitted leaves the existing tags alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in I(tags).
    type: bool
    default: true
  state:
    description: Whether the provider exists.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Trust the EKS cluster's service account tokens (IRSA)
  cardplatform.aws.iam_oidc_provider:
    url: https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
    client_ids: [sts.amazonaws.com]
    tags:
      Project: card-platform
"""

RETURN = r"""
oidc_provider:
  description: The provider; empty when absent.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN, used as the C(Federated) principal of IRSA trust policies.
      type: str
      sample: arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE
    url:
      description: Issuer URL without the scheme, as IAM stores it.
      type: str
    client_ids:
      description: Audiences.
      type: list
    thumbprints:
      description: Thumbprints.
      type: list
    tags:
      description: Tags.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cardplatform.aws.plugins.module_utils import iam
from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff


class ProviderManager(AWSResourceManager):
    service = "iam"

    def find(self):
        return iam.find_oidc_provider(self.module, self.client, self.params["url"])

    def present(self):
        p = self.params
        arn, provider = self.find()
        before = iam.describe_oidc_provider(arn, provider)
        if not arn:
            self.changed = True
            after = {
                "url": iam.strip_scheme(p["url"]),
                "client_ids": sorted(p["client_ids"]),
                "thumbprints": sorted(p["thumbprints"] or []),
                "tags": p["tags"] or {},
            }
            if self.module.check_mode:
                return before, after
            kwargs = {"Url": p["url"], "ClientIDList": p["client_ids"]}
            if p["thumbprints"]:
                kwargs["ThumbprintList"] = p["thumbprints"]
            if p["tags"]:
                kwargs["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
            self.call("create_open_id_connect_provider", f"Couldn't create the OIDC provider for {p['url']}", **kwargs)
            return before, iam.describe_oidc_provider(*self.find())

        add_ids = sorted(set(p["client_ids"]) - set(before["client_ids"]))
        remove_ids = sorted(set(before["client_ids"]) - set(p["client_ids"]))
        new_thumbprints = p["thumbprints"] is not None and sorted(p["thumbprints"]) != before["thumbprints"]
        msg = f"Couldn't update the OIDC provider {arn}"
        if not self.module.check_mode:
            for client_id in add_ids:
                self.call("add_client_id_to_open_id_connect_provider", msg, OpenIDConnectProviderArn=arn, ClientID=client_id)
            for client_id in remove_ids:
                self.call(
                    "remove_client_id_from_open_id_connect_provider", msg, OpenIDConnectProviderArn=arn, ClientID=client_id
                )
            if new_thumbprints:
                self.call(
                    "update_open_id_connect_provider_thumbprint", msg,
                    OpenIDConnectProviderArn=arn, ThumbprintList=p["thumbprints"],
                )
        tags_add, tags_remove, tags = iam.sync_oidc_provider_tags(
            self.module, self.client, arn, before["tags"], p["tags"], p["purge_tags"], msg
        )
        if not (add_ids or remove_ids or new_thumbprints or tags_add or tags_remove):
            return before, before
        self.changed = True
        if self.module.check_mode:
            after = dict(before, client_ids=sorted(p["client_ids"]), tags=tags)
            if new_thumbprints:
                after["thumbprints"] = sorted(p["thumbprints"])
            return before, after
        return before, iam.describe_oidc_provider(*self.find())

    def absent(self):
        arn, provider = self.find()
        before = iam.describe_oidc_provider(arn, provider)
        if arn:
            self.changed = True
            if not self.module.check_mode:
                self.call("delete_open_id_connect_provider", f"Couldn't delete the OIDC provider {arn}",
                          OpenIDConnectProviderArn=arn)
        return before, {}


def main():
    argument_spec = dict(
        url=dict(type="str", required=True),
        client_ids=dict(type="list", elements="str", default=["sts.amazonaws.com"]),
        thumbprints=dict(type="list", elements="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params["url"].startswith("https://"):
        module.fail_json(msg=f"url must start with https://, got {module.params['url']}")
    manager = ProviderManager(module)
    before, after = manager.present() if module.params["state"] == "present" else manager.absent()
    exit_with_diff(module, dict(before=before, after=after), changed=manager.changed, oidc_provider=after)


if __name__ == "__main__":
    main()
