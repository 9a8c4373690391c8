#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: eks_nodegroup_info
short_description: Describe the managed node groups of an EKS cluster
version_added: 0.1.0
description:
  - Lists the managed node groups of an EKS cluster (EKS C(ListNodegroups)) and describes each
    one (C(DescribeNodegroup)), or only the names given in I(names). Read only.
  - Written because neither amazon.aws nor community.aws (10.x) has an EKS node group info
    module. Used by the drift check.
  - A cluster that does not exist is not an error - the module returns C(cluster_exists=false)
    and no node groups.
author:
  - Card platform team
options:
  cluster_name:
    description: Name of the EKS cluster.
    type: str
    required: true
  names:
    description:
      - Node groups to describe. A name that does not exist is left out of the result.
      - Default - every node group of the cluster.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe every node group of the cluster
  cardplatform.aws.eks_nodegroup_info:
    cluster_name: card-platform-production
  register: nodegroups
"""

RETURN = r"""
cluster_exists:
  description: Whether the cluster exists.
  returned: always
  type: bool
nodegroups:
  description: The node groups, keyed by name (DescribeNodegroup, snake_case; labels and tags keep their keys).
  returned: always
  type: dict
  sample:
    general:
      status: ACTIVE
      scaling_config: {min_size: 3, max_size: 10, desired_size: 3}
      instance_types: [t3.xlarge]
      tags: {Project: card-platform}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils import eks
from ansible_collections.cardplatform.aws.plugins.module_utils.common import paginate
from ansible_collections.cardplatform.aws.plugins.module_utils.common import retrying_client
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster_name=dict(type="str", required=True),
            names=dict(type="list", elements="str"),
        ),
        supports_check_mode=True,
    )
    client = retrying_client(module, "eks")
    cluster = module.params["cluster_name"]
    names = module.params["names"]
    if names is None:
        listed = paginate(
            module, client, "list_nodegroups", f"Couldn't list the node groups of {cluster}", eks.NOT_FOUND, clusterName=cluster
        )
        if listed is None:
            module.exit_json(changed=False, cluster_exists=False, nodegroups={})
        names = listed["nodegroups"]
    result = {}
    for name in names:
        nodegroup = eks.describe(
            module, client, "nodegroup", f"Couldn't describe node group {name}", clusterName=cluster, nodegroupName=name
        )
        if nodegroup is not None:
            result[name] = snake_dict(nodegroup, ignore=("labels", "tags"))
    module.exit_json(changed=False, cluster_exists=True, nodegroups=result)


if __name__ == "__main__":
    main()
