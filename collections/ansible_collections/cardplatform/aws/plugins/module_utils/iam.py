# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM helpers of the project's modules: the OIDC provider calls amazon.aws' iam module_utils
(10.x) has none for (iam_oidc_provider), and policy documents compared by meaning (iam_irsa_role)."""

from __future__ import annotations

import json
from urllib.parse import unquote

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cardplatform.aws.plugins.module_utils.common import call
from ansible_collections.cardplatform.aws.plugins.module_utils.common import sync_tags as _sync_tags

NOT_FOUND = ("NoSuchEntity",)


def policy_document(document):
    """A policy document as a dict, whatever form IAM answered in.

    boto3 decodes the URL-encoded JSON of GetRole/GetRolePolicy to a dict; other clients (and
    some emulators) give the JSON text, URL-encoded or not. None and "" give {}.
    """
    if not document:
        return {}
    if isinstance(document, dict):
        return document
    text = document.strip()
    if not text.startswith("{"):
        text = unquote(text)
    return json.loads(text)


def policy_json(document):
    """The JSON text IAM takes for a policy document (compact, keys in a stable order)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def policies_differ(current, wanted):
    """Whether two policy documents (dicts or JSON text) differ in meaning.

    amazon.aws compare_policies: key and list order, a single string against a one-item list
    (Action, Resource, principals, condition values), a lone Statement against a one-item list
    and a missing Version (IAM's default 2008-10-17) do not count.
    """
    return compare_policies(policy_document(current), policy_document(wanted))


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
