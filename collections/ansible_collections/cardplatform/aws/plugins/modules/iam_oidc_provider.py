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

try:
    import botocore
except ImportError:
    pass  # caught by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def strip_scheme(url):
    return url.split("://", 1)[-1].rstrip("/")


class ProviderManager:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
        self.changed = False

    def find(self):
        wanted = strip_scheme(self.params["url"])
        try:
            arns = [p["Arn"] for p in self.client.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
            for arn in arns:
                if arn.split(":oidc-provider/", 1)[-1] == wanted:
                    provider = self.client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
                    return arn, provider
        except is_boto3_error_code("NoSuchEntity"):
            return None, None
        except (
            botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError,
        ) as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Couldn't read the OIDC providers")
        return None, None

    @staticmethod
    def describe(arn, provider):
        if not arn:
            return {}
        return {
            "arn": arn,
            "url": provider.get("Url"),
            "client_ids": sorted(provider.get("ClientIDList", [])),
            "thumbprints": sorted(provider.get("ThumbprintList", [])),
            "tags": boto3_tag_list_to_ansible_dict(provider.get("Tags", [])),
        }

    def present(self):
        p = self.params
        arn, provider = self.find()
        before = self.describe(arn, provider)
        if not arn:
            self.changed = True
            after = {
                "url": strip_scheme(p["url"]),
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
            try:
                arn = self.client.create_open_id_connect_provider(**kwargs)["OpenIDConnectProviderArn"]
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                self.module.fail_json_aws(e, msg=f"Couldn't create the OIDC provider for {p['url']}")
            return before, self.describe(*self.find())

        add_ids = sorted(set(p["client_ids"]) - set(before["client_ids"]))
        remove_ids = sorted(set(before["client_ids"]) - set(p["client_ids"]))
        new_thumbprints = p["thumbprints"] is not None and sorted(p["thumbprints"]) != before["thumbprints"]
        tags_add, tags_remove = ({}, [])
        if p["tags"] is not None:
            tags_add, tags_remove = compare_aws_tags(before["tags"], p["tags"], p["purge_tags"])
        if not (add_ids or remove_ids or new_thumbprints or tags_add or tags_remove):
            return before, before
        self.changed = True
        if self.module.check_mode:
            after = dict(before, client_ids=sorted(p["client_ids"]))
            if new_thumbprints:
                after["thumbprints"] = sorted(p["thumbprints"])
            if p["tags"] is not None:
                after["tags"] = p["tags"] if p["purge_tags"] else dict(before["tags"], **tags_add)
            return before, after
        try:
            for client_id in add_ids:
                self.client.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=client_id)
            for client_id in remove_ids:
                self.client.remove_client_id_from_open_id_connect_provider(
                    OpenIDConnectProviderArn=arn, ClientID=client_id
                )
            if new_thumbprints:
                self.client.update_open_id_connect_provider_thumbprint(
                    OpenIDConnectProviderArn=arn, ThumbprintList=p["thumbprints"]
                )
            if tags_remove:
                self.client.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=tags_remove)
            if tags_add:
                self.client.tag_open_id_connect_provider(
                    OpenIDConnectProviderArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags_add)
                )
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            self.module.fail_json_aws(e, msg=f"Couldn't update the OIDC provider {arn}")
        return before, self.describe(*self.find())

    def absent(self):
        arn, provider = self.find()
        before = self.describe(arn, provider)
        if arn:
            self.changed = True
            if not self.module.check_mode:
                try:
                    self.client.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
                except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                    self.module.fail_json_aws(e, msg=f"Couldn't delete the OIDC provider {arn}")
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
    if module.params["state"] == "present":
        before, after = manager.present()
    else:
        before, after = manager.absent()
    result = dict(changed=manager.changed, oidc_provider=after)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
