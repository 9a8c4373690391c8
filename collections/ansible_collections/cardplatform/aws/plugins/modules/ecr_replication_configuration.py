#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_replication_configuration
short_description: Manage the replication configuration of an Amazon ECR private registry
version_added: 0.2.0
description:
  - Sets the registry-level replication configuration of the caller's ECR private registry
    in the module's region (ECR C(PutReplicationConfiguration)) - one rule that copies the
    images of the repositories matching I(repository_prefixes) to each of I(destinations).
  - The configuration is one document per registry and region, so the module owns it whole
    (C(state=present) replaces any other rule; C(state=absent) leaves no rule).
  - Reads first (C(DescribeRegistry)) and writes only when the configuration differs, so a
    second run reports no change. Supports check mode and diff mode.
  - community.aws 10.0's C(ecs_ecr) manages repositories (tag mutability, scan on push,
    lifecycle policy, encryption) but not the registry's replication.
author:
  - Card platform team
options:
  state:
    description:
      - C(present) - exactly one replication rule, the one described by I(destinations) and
        I(repository_prefixes).
      - C(absent) - no replication rule (images are no longer copied; copies already made stay).
    type: str
    choices: [present, absent]
    default: present
  destinations:
    description:
      - Where images are copied. Required (at least one, at most 25) with C(state=present).
      - A destination may not be the source registry in the source region.
    type: list
    elements: dict
    suboptions:
      region:
        description: Destination AWS region, for example C(us-west-2).
        type: str
        required: true
      registry_id:
        description: 12-digit AWS account ID of the destination registry; omitted, the caller's account.
        type: str
  repository_prefixes:
    description:
      - Replicate only the repositories whose names start with one of these prefixes
        (C(PREFIX_MATCH) filters, at most 100). Empty - every repository of the registry.
    type: list
    elements: str
    default: []
notes:
  - "IAM: C(ecr:DescribeRegistry), C(ecr:PutReplicationConfiguration), and C(iam:CreateServiceLinkedRole)
    the first time (ECR creates AWSServiceRoleForECRReplication)."
  - Replication copies images pushed after the configuration is set, not earlier ones.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Copy the platform's images to the DR region
  cardplatform.aws.ecr_replication_configuration:
    region: us-east-1
    destinations:
      - region: us-west-2
    repository_prefixes: [card-platform/]

- name: Stop replicating
  cardplatform.aws.ecr_replication_configuration:
    region: us-east-1
    state: absent
"""

RETURN = r"""
registry_id:
  description: The source registry (the caller's account).
  returned: always
  type: str
  sample: "123456789012"
replication_configuration:
  description: The registry's replication configuration after the run (as ECR returns it, snake_case).
  returned: always
  type: dict
  contains:
    rules:
      description: Replication rules (zero or one).
      type: list
      elements: dict
  sample: {"rules": [{"destinations": [{"region": "us-west-2", "registry_id": "123456789012"}],
           "repository_filters": [{"filter": "card-platform/", "filter_type": "PREFIX_MATCH"}]}]}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict

MAX_DESTINATIONS = 25
MAX_FILTERS = 100


def wanted_rules(state, destinations, prefixes, own_registry):
    """The ECR ``rules`` list the parameters ask for (the API's camelCase shape)."""
    if state == "absent":
        return []
    rule = {
        "destinations": [{"region": d["region"], "registryId": d.get("registry_id") or own_registry} for d in destinations],
    }
    if prefixes:
        rule["repositoryFilters"] = [{"filter": p, "filterType": "PREFIX_MATCH"} for p in prefixes]
    return [rule]


def normalized(rules):
    """Rules in a canonical order, for comparison: destinations and filters are sets to ECR."""
    out = []
    for rule in rules or []:
        out.append({
            "destinations": sorted((d["region"], d["registryId"]) for d in rule.get("destinations", [])),
            "repositoryFilters": sorted((f["filter"], f.get("filterType", "PREFIX_MATCH"))
                                        for f in rule.get("repositoryFilters", [])),
        })
    return sorted(out, key=repr)


class Registry(AWSResourceManager):
    service = "ecr"

    def read(self):
        answer = self.call("describe_registry", "Couldn't describe the ECR registry")
        return answer.get("registryId", ""), answer.get("replicationConfiguration", {}).get("rules", [])

    def write(self, rules):
        self.call("put_replication_configuration", "Couldn't set the ECR replication configuration",
                  replicationConfiguration={"rules": rules})


def validate(module):
    params = module.params
    if params["state"] == "absent":
        return
    destinations = params["destinations"] or []
    if not destinations:
        module.fail_json(msg="destinations: at least one destination is required with state=present")
    if len(destinations) > MAX_DESTINATIONS:
        module.fail_json(msg=f"destinations: at most {MAX_DESTINATIONS}, got {len(destinations)}")
    if len(params["repository_prefixes"]) > MAX_FILTERS:
        module.fail_json(msg=f"repository_prefixes: at most {MAX_FILTERS}, got {len(params['repository_prefixes'])}")
    for destination in destinations:
        registry_id = destination.get("registry_id")
        if registry_id and not (registry_id.isdigit() and len(registry_id) == 12):
            module.fail_json(msg=f"destinations: registry_id must be a 12-digit account ID, got {registry_id!r}")
    if any(not p for p in params["repository_prefixes"]):
        module.fail_json(msg="repository_prefixes: empty prefix (leave the list empty to replicate every repository)")


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        destinations=dict(type="list", elements="dict", options=dict(
            region=dict(type="str", required=True),
            registry_id=dict(type="str"),
        )),
        repository_prefixes=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    registry = Registry(module)
    registry_id, current = registry.read()
    wanted = wanted_rules(module.params["state"], module.params["destinations"] or [],
                          module.params["repository_prefixes"], registry_id)
    changed = normalized(current) != normalized(wanted)
    if changed and not module.check_mode:
        registry.write(wanted)
        registry_id, after = registry.read()
    else:
        after = wanted if changed else current
    exit_with_diff(
        module,
        {"before": snake_dict({"rules": current}), "after": snake_dict({"rules": after})},
        changed=changed,
        registry_id=registry_id,
        replication_configuration=snake_dict({"rules": after}),
    )


if __name__ == "__main__":
    main()
