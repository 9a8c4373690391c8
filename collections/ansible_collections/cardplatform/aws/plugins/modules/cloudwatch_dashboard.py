#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatch_dashboard
short_description: Manage an Amazon CloudWatch dashboard
version_added: 0.3.0
description:
  - Creates, replaces or deletes one CloudWatch dashboard (CloudWatch C(PutDashboard), C(DeleteDashboards)).
  - Reads first (C(GetDashboard)) and compares the dashboard body as parsed JSON (key order and
    white space are not differences), writing only when it differs, so a second run reports no
    change. Supports check mode and diff mode (the bodies, parsed).
  - No amazon.aws or community.aws module manages CloudWatch dashboards.
author:
  - Card platform team
options:
  name:
    description:
      - Dashboard name, 1-255 characters of letters, digits, C(-) and C(_) (CloudWatch's rule).
      - Dashboards are global per account in the CloudWatch API but each is stored in a region; the module's region.
    type: str
    required: true
  state:
    description:
      - C(present) - the dashboard exists with I(body) (C(PutDashboard) replaces the whole body).
      - C(absent) - no dashboard of that name (C(DeleteDashboards)); absent already is no change.
    type: str
    choices: [present, absent]
    default: present
  body:
    description:
      - The dashboard body (CloudWatch's dashboard body structure, with C(widgets)), as a dict,
        or a JSON string. Required with C(state=present); at most 1 MiB once serialized.
      - CloudWatch validates it; a body it refuses (C(InvalidParameterInput)) fails the module with
        CloudWatch's validation messages.
    type: raw
notes:
  - "IAM: C(cloudwatch:GetDashboard), C(cloudwatch:PutDashboard), C(cloudwatch:DeleteDashboards)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The platform's targets on one dashboard
  cardplatform.aws.cloudwatch_dashboard:
    name: card-platform-targets
    body:
      widgets:
        - type: text
          x: 0
          y: 0
          width: 24
          height: 2
          properties: {markdown: "# Card platform targets"}

- name: Remove it
  cardplatform.aws.cloudwatch_dashboard:
    name: card-platform-targets
    state: absent
"""

RETURN = r"""
dashboard:
  description: The dashboard after the run; empty when absent.
  returned: always
  type: dict
  contains:
    dashboard_name:
      description: The name.
      type: str
    dashboard_arn:
      description: The ARN (empty in check mode before creation).
      type: str
    body:
      description: The body, parsed.
      type: dict
  sample: {"dashboard_name": "card-platform-targets", "dashboard_arn": "arn:aws:cloudwatch::123456789012:dashboard/card-platform-targets",
           "body": {"widgets": []}}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cardplatform.aws.plugins.module_utils.common import AWSResourceManager
from ansible_collections.cardplatform.aws.plugins.module_utils.common import exit_with_diff

MAX_BODY_BYTES = 1024 * 1024


class Dashboard(AWSResourceManager):
    service = "cloudwatch"

    def read(self):
        """(arn, parsed body) of the dashboard, or ("", None) when there is none."""
        answer = self.call("get_dashboard", "Couldn't read the dashboard", missing=("ResourceNotFound",),
                           DashboardName=self.params["name"])
        if not answer:
            return "", None
        return answer.get("DashboardArn", ""), json.loads(answer.get("DashboardBody") or "{}")

    def put(self, body):
        answer = self.call("put_dashboard", "Couldn't put the dashboard", DashboardName=self.params["name"],
                           DashboardBody=json.dumps(body, sort_keys=True, separators=(",", ":")))
        problems = answer.get("DashboardValidationMessages") or []
        if problems:
            self.module.warn(f"CloudWatch accepted the dashboard with messages: {json.dumps(problems)}")

    def delete(self):
        self.call("delete_dashboards", "Couldn't delete the dashboard", DashboardNames=[self.params["name"]])


def wanted_body(module):
    params = module.params
    if params["state"] == "absent":
        return None
    body = params["body"]
    if body is None or body == "":
        module.fail_json(msg="body: required with state=present (a dict with widgets, or its JSON)")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as error:
            module.fail_json(msg=f"body: not valid JSON ({error})")
    if not isinstance(body, dict):
        module.fail_json(msg=f"body: a dict (the dashboard body structure), got {type(body).__name__}")
    if len(json.dumps(body, separators=(",", ":"))) > MAX_BODY_BYTES:
        module.fail_json(msg="body: larger than CloudWatch's 1 MiB limit")
    return body


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        body=dict(type="raw"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    body = wanted_body(module)
    manager = Dashboard(module, label=module.params["name"])
    arn, current = manager.read()
    changed = current != body
    if changed and not module.check_mode:
        if body is None:
            manager.delete()
            arn = ""
        else:
            manager.put(body)
            arn, body = manager.read()
    dashboard = {} if body is None else {"dashboard_name": module.params["name"], "dashboard_arn": arn, "body": body}
    exit_with_diff(module, {"before": current or {}, "after": body or {}}, changed=changed, dashboard=dashboard)


if __name__ == "__main__":
    main()
