# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM helpers of the project's modules (iam_oidc_provider): the OIDC provider calls amazon.aws'
iam module_utils (10.x) has none for."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags as _sync_tags

NOT_FOUND = ("NoSuchEntity",)


def strip_scheme(url):
    """An issuer URL as IAM stores it: without ``https://`` and a trailing slash."""
    return url.split("://", 1)[-1].rstrip("/")


def find_oidc_provider(module, client, url):
    """``(arn, GetOpenIDConnectProvider answer)`` of the provider for issuer ``url``, ``(None, None)`` when there is none."""
    msg = "Couldn't read the OIDC providers"
    wanted = strip_scheme(url)
    for entry in call(module, client, "list_open_id_connect_providers", msg)["OpenIDConnectProviderList"]:
        arn = entry["Arn"]
        if arn.split(":oidc-provider/", 1)[-1] == wanted:
            provider = call(module, client, "get_open_id_connect_provider", msg, NOT_FOUND, OpenIDConnectProviderArn=arn)
            return (arn, provider) if provider is not None else (None, None)
    return None, None


def describe_oidc_provider(arn, provider):
    """The module's view of a provider (sorted lists, tags as a dict); {} for none."""
    if not arn:
        return {}
    return {
        "arn": arn,
        "url": provider.get("Url"),
        "client_ids": sorted(provider.get("ClientIDList", [])),
        "thumbprints": sorted(provider.get("ThumbprintList", [])),
        "tags": boto3_tag_list_to_ansible_dict(provider.get("Tags", [])),
    }


def sync_oidc_provider_tags(module, client, arn, current, wanted, purge, msg):
    """Bring the provider's tags to ``wanted`` (TagOpenIDConnectProvider/UntagOpenIDConnectProvider).

    Returns ``(to_add, to_remove, tags after)``; nothing is written in check mode.
    """
    return _sync_tags(
        module.check_mode, current, wanted, purge,
        tag=lambda tags: call(
            module, client, "tag_open_id_connect_provider", msg,
            OpenIDConnectProviderArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags),
        ),
        untag=lambda keys: call(
            module, client, "untag_open_id_connect_provider", msg, OpenIDConnectProviderArn=arn, TagKeys=keys
        ),
    )
