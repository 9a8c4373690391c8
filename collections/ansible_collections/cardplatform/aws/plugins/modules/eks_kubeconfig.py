#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_kubeconfig
short_description: Write a kubeconfig for an EKS cluster with a bearer token, no exec plugin
version_added: 0.1.0
description:
  - Reads the cluster's endpoint and certificate authority (EKS C(DescribeCluster)) and writes a
    kubeconfig whose user holds an EKS bearer token, so clients (kubernetes.core, kubectl)
    need neither the AWS CLI nor an exec plugin.
  - The token is what C(aws eks get-token) makes - a presigned STS C(GetCallerIdentity) URL
    carrying the C(x-k8s-aws-id) header, base64url-encoded with the C(k8s-aws-v1.) prefix. It
    is valid for 15 minutes; run the module again before long Kubernetes work.
  - The file is rewritten with a fresh token on every run outside check mode, but the module
    reports C(changed) only when the cluster part (server, certificate authority, names) of
    the file changes or the file is new - a token refresh is a credential refresh, not a
    configuration change.
  - The token is returned only when I(return_token=true); give such a task C(no_log).
author:
  - Card platform team
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  path:
    description: Where to write the kubeconfig (created with mode 0600, parent directories 0700).
    type: path
    required: true
  context_name:
    description: Name of the context, cluster and user entries; defaults to I(cluster_name).
    type: str
  sts_endpoint_url:
    description:
      - STS endpoint to presign against. Defaults to the regional endpoint
        C(https://sts.<region>.amazonaws.com), or I(endpoint_url) when that is set (emulators).
    type: str
  return_token:
    description: Also return the token. The task must then set C(no_log) - the module cannot hide a value it returns.
    type: bool
    default: false
notes:
  - Supports check mode (nothing is written) and diff mode (the diff never shows the token).
  - Fails when the cluster does not exist or is not ACTIVE yet (no endpoint).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Write the kubeconfig of the cluster
  cardplatform.aws.eks_kubeconfig:
    cluster_name: card-platform-production
    path: "{{ playbook_dir }}/../.kube/card-platform-production.yml"
"""

RETURN = r"""
path:
  description: Path of the kubeconfig.
  returned: always
  type: str
server:
  description: API server endpoint.
  returned: always
  type: str
  sample: https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com
context:
  description: Context name written as current-context.
  returned: always
  type: str
token:
  description: The bearer token.
  returned: when return_token is true
  type: str
expires_in:
  description: Seconds the token stays valid.
  returned: always
  type: int
  sample: 900
"""

import base64
import os

import yaml

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import retrying_client

K8S_AWS_ID_HEADER = "x-k8s-aws-id"
TOKEN_PREFIX = "k8s-aws-v1."
# aws eks get-token presigns for 60 s; EKS accepts the token for 15 minutes after signing.
PRESIGN_SECONDS = 60
TOKEN_LIFETIME = 900


def _retrieve_k8s_aws_id(params, context, **kwargs):
    if K8S_AWS_ID_HEADER in params:
        context[K8S_AWS_ID_HEADER] = params.pop(K8S_AWS_ID_HEADER)


def _inject_k8s_aws_id_header(request, **kwargs):
    if K8S_AWS_ID_HEADER in request.context:
        request.headers[K8S_AWS_ID_HEADER] = request.context[K8S_AWS_ID_HEADER]


def make_token(sts_client, cluster_name):
    """Return an EKS bearer token for cluster_name, signed with sts_client's credentials."""
    events = sts_client.meta.events
    events.register("provide-client-params.sts.GetCallerIdentity", _retrieve_k8s_aws_id)
    events.register("before-sign.sts.GetCallerIdentity", _inject_k8s_aws_id_header)
    url = sts_client.generate_presigned_url(
        "get_caller_identity",
        Params={K8S_AWS_ID_HEADER: cluster_name},
        ExpiresIn=PRESIGN_SECONDS,
        HttpMethod="GET",
    )
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode("utf-8")).decode("utf-8").rstrip("=")


def build_kubeconfig(name, server, ca_data, token):
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority-data": ca_data}}],
        "users": [{"name": name, "user": {"token": token}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
    }


def without_token(config):
    """The kubeconfig with every user's token blanked, for comparison and diff."""
    if not isinstance(config, dict):
        return config
    copy = dict(config)
    copy["users"] = [
        {
            "name": u.get("name"),
            "user": {k: ("<token>" if k == "token" else v) for k, v in (u.get("user") or {}).items()},
        }
        for u in config.get("users") or []
    ]
    return copy


def read_existing(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        try:
            return yaml.safe_load(handle)
        except yaml.YAMLError:
            return {}


def main():
    argument_spec = dict(
        cluster_name=dict(type="str", required=True),
        path=dict(type="path", required=True),
        context_name=dict(type="str"),
        sts_endpoint_url=dict(type="str"),
        return_token=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    name = p["context_name"] or p["cluster_name"]

    cluster = eks.describe(
        module, retrying_client(module, "eks"), "cluster", f"Couldn't describe EKS cluster {p['cluster_name']}",
        name=p["cluster_name"],
    )
    if cluster is None:
        module.fail_json(msg=f"EKS cluster {p['cluster_name']} does not exist")
    server = cluster.get("endpoint")
    ca_data = (cluster.get("certificateAuthority") or {}).get("data")
    if not server or not ca_data:
        module.fail_json(msg=f"EKS cluster {p['cluster_name']} has no endpoint yet (status {cluster.get('status')})")

    sts_endpoint = p["sts_endpoint_url"] or p.get("endpoint_url") or f"https://sts.{module.region}.amazonaws.com"
    sts = module.client("sts", endpoint=sts_endpoint)
    token = make_token(sts, p["cluster_name"])
    wanted = build_kubeconfig(name, server, ca_data, token)

    existing = read_existing(p["path"])
    changed = existing is None or without_token(existing) != without_token(wanted)
    if not module.check_mode:
        directory = os.path.dirname(os.path.abspath(p["path"]))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        tmp = p["path"] + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(to_bytes(yaml.safe_dump(wanted, default_flow_style=False, sort_keys=False)))
        os.chmod(tmp, 0o600)
        os.replace(tmp, p["path"])

    result = dict(changed=changed, path=p["path"], server=server, context=name, expires_in=TOKEN_LIFETIME)
    if p["return_token"]:
        result["token"] = token
    diff = dict(
        before=yaml.safe_dump(without_token(existing)) if existing is not None else "",
        after=yaml.safe_dump(without_token(wanted)),
        before_header=p["path"],
        after_header=p["path"],
    )
    exit_with_diff(module, diff, **result)


if __name__ == "__main__":
    main()
