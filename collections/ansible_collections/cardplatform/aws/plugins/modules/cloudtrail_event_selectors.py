#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudtrail_event_selectors
short_description: Set which management and data events an AWS CloudTrail trail records
version_added: 0.3.0
description:
  - Sets a trail's classic event selectors (CloudTrail C(GetEventSelectors), C(PutEventSelectors)) - one
    selector that records management events (read and write, by default) and the data events of
    I(data_resources).
  - The selectors are one document per trail, so the module owns them whole (advanced event selectors a
    trail had are replaced by the classic ones).
  - Reads first and writes only when the selectors differ (the order of resources and values is not a
    difference), so a second run reports no change. Supports check mode and diff mode.
  - amazon.aws.cloudtrail creates the trail (CloudTrail records all management events by default) but
    does not set its event selectors.
author:
  - Card platform team
options:
  trail_name:
    description:
      - Name or ARN of the trail. A trail of another region (a multi-region trail seen from a shadow
        region) takes its ARN and the home region as the module's region.
    type: str
    required: true
  read_write_type:
    description: Which events the selector records (management and data alike).
    type: str
    choices: [All, ReadOnly, WriteOnly]
    default: All
  include_management_events:
    description: Record management events (control-plane operations). CIS AWS Foundations 3.1 wants them on.
    type: bool
    default: true
  data_resources:
    description:
      - Data events recorded besides the management events. Empty - none. At most 250 values in all (CloudTrail's limit).
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description: The resource type (CloudTrail's name), for example C(AWS::S3::Object).
        type: str
        required: true
      values:
        description: ARN prefixes, for example C(arn:aws:s3:::my-bucket/) (at least one).
        type: list
        elements: str
        required: true
notes:
  - "IAM: C(cloudtrail:GetEventSelectors), C(cloudtrail:PutEventSelectors)."
  - Errors - a missing trail fails with C(TrailNotFoundException); a value CloudTrail refuses fails with
    C(InvalidEventSelectorsException), with CloudTrail's message.
  - Data events are billed per event (USD 0.10 per 100,000 events in 2026).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Management events, and object-level events of the card data bucket
  cardplatform.aws.cloudtrail_event_selectors:
    region: us-east-1
    trail_name: card-platform-audit
    data_resources:
      - type: AWS::S3::Object
        values: ["arn:aws:s3:::card-platform-card-data/"]
"""

RETURN = r"""
trail_arn:
  description: The trail's ARN.
  returned: always
  type: str
  sample: arn:aws:cloudtrail:us-east-1:123456789012:trail/card-platform-audit
event_selectors:
  description: The trail's event selectors after the run (snake_case).
  returned: always
  type: list
  elements: dict
  sample: [{"read_write_type": "All", "include_management_events": true, "data_resources": [],
            "exclude_management_event_sources": []}]
before:
  description: The trail's event selectors as read before the run (snake_case) - what a drift check compares.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff
from ansible_collections.cardplatform.aws.plugins.module_utils.common import snake_dict

MAX_VALUES = 250


def wanted_selectors(params):
    return [{
        "ReadWriteType": params["read_write_type"],
        "IncludeManagementEvents": params["include_management_events"],
        "DataResources": [{"Type": d["type"], "Values": list(d["values"])} for d in params["data_resources"]],
        "ExcludeManagementEventSources": [],
    }]


def normalized(selectors):
    """Selectors in a canonical order: resources and their values are sets to CloudTrail."""
    out = []
    for selector in selectors or []:
        out.append((
            selector.get("ReadWriteType", "All"),
            bool(selector.get("IncludeManagementEvents", True)),
            tuple(sorted((d["Type"], tuple(sorted(d.get("Values", [])))) for d in selector.get("DataResources", []))),
            tuple(sorted(selector.get("ExcludeManagementEventSources", []))),
        ))
    return sorted(out)


class Trail(AWSResourceManager):
    service = "cloudtrail"

    def read(self):
        answer = self.call("get_event_selectors", "Couldn't read the trail's event selectors",
                           TrailName=self.params["trail_name"])
        return answer.get("TrailARN", ""), answer.get("EventSelectors", [])

    def write(self, selectors):
        self.call("put_event_selectors", "Couldn't set the trail's event selectors",
                  TrailName=self.params["trail_name"], EventSelectors=selectors)


def validate(module):
    resources = module.params["data_resources"]
    if any(not d["values"] for d in resources):
        module.fail_json(msg="data_resources: each entry needs at least one value (an ARN prefix)")
    count = sum(len(d["values"]) for d in resources)
    if count > MAX_VALUES:
        module.fail_json(msg=f"data_resources: at most {MAX_VALUES} values in all, got {count}")


def main():
    argument_spec = dict(
        trail_name=dict(type="str", required=True),
        read_write_type=dict(type="str", choices=["All", "ReadOnly", "WriteOnly"], default="All"),
        include_management_events=dict(type="bool", default=True),
        data_resources=dict(type="list", elements="dict", default=[], options=dict(
            type=dict(type="str", required=True),
            values=dict(type="list", elements="str", required=True),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    trail = Trail(module, label=module.params["trail_name"])
    trail_arn, current = trail.read()
    wanted = wanted_selectors(module.params)
    changed = normalized(current) != normalized(wanted)
    after = current
    if changed:
        after = wanted
        if not module.check_mode:
            trail.write(wanted)
            after = trail.read()[1]
    snake, before = [snake_dict(s) for s in after], [snake_dict(s) for s in current]
    exit_with_diff(module, {"before": before, "after": snake},
                   changed=changed, trail_arn=trail_arn, event_selectors=snake, before=before)


if __name__ == "__main__":
    main()
