# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that build the drift and disaster-recovery reports (playbooks/drift_check.yml,
playbooks/disaster_recovery.yml): attribute-level comparison, summaries, Markdown and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

# drift_resource(actual, expected, id, type, exists=None) -> {id, type, status, attributes}
#   status: in_sync | modified | missing; attributes: [{name, expected, actual}] that differ.
#   Expected values: a scalar (numbers and numeric strings compare as numbers), a list
#   (compared as a set), a dict (each expected key compared as name.key; extra actual keys are
#   not drift), {"__between__": [low, high]} (a number in the range), or None (not checked).
# drift_report(resources, not_checked, environment, started, finished, scope) -> the report
# drift_markdown(report), drift_junit(report), dr_markdown(report) -> text
# dr_objective(name, measured_seconds, target_seconds, note=None) -> {name, measured_seconds, target_seconds, met, note}
# dr_timing(steps, started_epoch) -> {total_seconds, aws_seconds, kubernetes_seconds, runbook_overhead_seconds}

BETWEEN = "__between__"


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return None
    return None


def _same(expected, actual):
    if expected in (None, "") and actual in (None, ""):
        return True
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or (str(expected).lower() == str(actual).lower() and actual is not None)
    left, right = _number(expected), _number(actual)
    if left is not None and right is not None:
        return left == right
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)):
            return False
        norm = lambda items: sorted(json.dumps(i, sort_keys=True, default=str) for i in items)  # noqa: E731
        return norm(expected) == norm(actual)
    return expected == actual


def _compare(name, expected, actual, out):
    if expected is None:
        return
    if isinstance(expected, Mapping) and BETWEEN in expected:
        low, high = expected[BETWEEN]
        number = _number(actual)
        if number is None or not low <= number <= high:
            out.append({"name": name, "expected": f"{low}..{high}", "actual": actual})
        return
    if isinstance(expected, Mapping):
        actual = actual if isinstance(actual, Mapping) else {}
        for key in sorted(expected):
            _compare(f"{name}.{key}", expected[key], actual.get(key), out)
        return
    if not _same(expected, actual):
        out.append({"name": name, "expected": expected, "actual": actual})


def drift_resource(actual, expected, id, type, exists=None):  # pylint: disable=redefined-builtin
    if not isinstance(expected, Mapping):
        raise AnsibleFilterError(f"drift_resource: expected must be a dict, got {type(expected).__name__}")
    exists = bool(actual) if exists is None else bool(exists)
    if not exists:
        attributes = [{"name": "exists", "expected": True, "actual": False}]
        for key in sorted(expected):
            if (actual or {}).get(key) is not None:
                _compare(key, expected[key], actual.get(key), attributes)
        return {"id": id, "type": type, "status": "missing", "attributes": attributes}
    attributes = []
    for key in sorted(expected):
        _compare(key, expected[key], (actual or {}).get(key), attributes)
    return {"id": id, "type": type, "status": "modified" if attributes else "in_sync", "attributes": attributes}


def drift_resource_of(actual, expected, id_key, type):  # pylint: disable=redefined-builtin
    """drift_resource for map(): the ID comes from actual[id_key], labelled with its Name tag."""
    ident = str((actual or {}).get(id_key, "?"))
    name = ((actual or {}).get("tags") or {}).get("Name")
    return drift_resource(actual, expected, f"{ident} ({name})" if name else ident, type)


def drift_report(resources, not_checked, environment, started, finished, scope):
    resources = list(resources)
    counts = {status: sum(1 for r in resources if r["status"] == status) for status in ("in_sync", "modified", "missing")}
    return {
        "environment": environment,
        "started": started,
        "finished": finished,
        "scope": scope,
        "summary": {
            "resources": len(resources),
            "drifted": counts["modified"] + counts["missing"],
            **counts,
            "not_checked": len(not_checked),
        },
        "resources": resources,
        "not_checked": list(not_checked),
    }


def _cell(value):
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text.replace("|", "\\|").replace("\n", " ")


def drift_markdown(report):
    s = report["summary"]
    lines = [
        f"# Drift report: {report['environment']}",
        "",
        f"- Run: {report['started']} to {report['finished']} (UTC)",
        f"- Scope: {', '.join(report['scope'])}",
        f"- Resources checked: {s['resources']}; in sync {s['in_sync']}, modified {s['modified']}, "
        f"missing {s['missing']}; **drifted {s['drifted']}**; not checked {s['not_checked']}",
        "",
    ]
    drifted = [r for r in report["resources"] if r["status"] != "in_sync"]
    if drifted:
        lines += ["## Drift", "", "| Resource | Type | Status | Attribute | Expected | Actual |", "|---|---|---|---|---|---|"]
        for r in drifted:
            for a in r["attributes"]:
                lines.append(f"| {_cell(r['id'])} | {r['type']} | {r['status']} | {_cell(a['name'])} | "
                             f"{_cell(a['expected'])} | {_cell(a['actual'])} |")
        lines.append("")
    else:
        lines += ["No drift: every checked resource matches the inventory.", ""]
    lines += ["## Resources", "", "| Resource | Type | Status |", "|---|---|---|"]
    lines += [f"| {_cell(r['id'])} | {r['type']} | {r['status']} |" for r in report["resources"]]
    lines += ["", "## Not checked", ""]
    lines += [f"- {item}" for item in report["not_checked"]] or ["- (nothing)"]
    return "\n".join(lines) + "\n"


def drift_junit(report):
    s = report["summary"]
    suite = ET.Element("testsuite", {
        "name": f"drift.{report['environment']}", "tests": str(s["resources"]),
        "failures": str(s["drifted"]), "errors": "0", "skipped": str(s["not_checked"]),
        "timestamp": str(report["started"]),
    })
    for r in report["resources"]:
        case = ET.SubElement(suite, "testcase", {"classname": r["type"], "name": r["id"]})
        if r["status"] != "in_sync":
            text = "\n".join(f"{a['name']}: expected {json.dumps(a['expected'], default=str)}, "
                             f"actual {json.dumps(a['actual'], default=str)}" for a in r["attributes"])
            failure = ET.SubElement(case, "failure", {"type": r["status"], "message": f"{r['id']} is {r['status']}"})
            failure.text = text
    for item in report["not_checked"]:
        case = ET.SubElement(suite, "testcase", {"classname": "not_checked", "name": str(item)})
        ET.SubElement(case, "skipped", {"message": str(item)})
    suites = ET.Element("testsuites")
    suites.append(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _fmt_seconds(value):
    return "n/a" if value is None else f"{float(value):.1f} s"


def dr_markdown(report):
    lines = [
        f"# Disaster recovery: {report['scenario']} on {report['environment']}",
        "",
        f"- Started {report['started']}, finished {report['finished']} (UTC); result: **{report['result']}**",
        f"- Mode: {'check (plan only, nothing done)' if report.get('check_mode') else 'executed'}",
        "",
        "## Recovery objectives",
        "",
        "| Objective | Measured | Target | Met |",
        "|---|---|---|---|",
    ]
    for o in report.get("objectives", []):
        met = "n/a" if o.get("met") is None else ("yes" if o["met"] else "**no**")
        lines.append(f"| {o['name']} | {_fmt_seconds(o.get('measured_seconds'))} | "
                     f"{_fmt_seconds(o.get('target_seconds'))} | {met} |")
        if o.get("note"):
            lines.append(f"| | {_cell(o['note'])} | | |")
    lines += ["", "## Steps", "", "| Step | Started (UTC) | Finished (UTC) | Seconds |", "|---|---|---|---|"]
    for step in report.get("steps", []):
        lines.append(f"| {_cell(step['name'])} | {step['started']} | {step['finished']} | {float(step['seconds']):.1f} |")
    timing = report.get("timing")
    if timing:
        lines += ["", "## Where the time went", "",
                  f"- Total {_fmt_seconds(timing['total_seconds'])}: AWS's own operations {_fmt_seconds(timing['aws_seconds'])}, "
                  f"Kubernetes controllers {_fmt_seconds(timing['kubernetes_seconds'])}, "
                  f"**runbook overhead {_fmt_seconds(timing['runbook_overhead_seconds'])}** (everything else: "
                  "Ansible, API calls, checks, polling lag)"]
    alarms = report.get("alarms")
    if alarms is not None:
        lines += ["", "## Alarms", ""]
        if isinstance(alarms, str):
            lines.append(f"- {alarms}")
        elif not alarms:
            lines.append("- No CloudWatch alarm is named with this environment's prefix: the monitoring role has not "
                         "been applied here, so nothing watched this drill.")
        else:
            lines += ["| Alarm | Type | Before | After |", "|---|---|---|---|"]
            for alarm in alarms:
                changed = alarm["before"] != alarm["after"]
                after = f"**{alarm['after']}**" if changed else alarm["after"]
                lines.append(f"| {_cell(alarm['name'])} | {alarm['type']} | {alarm['before']} | {after} |")
    if report.get("details"):
        lines += ["", "## Details", "", "```json", json.dumps(report["details"], indent=2, sort_keys=True, default=str), "```"]
    if report.get("next_steps"):
        lines += ["", "## Next steps", ""] + [f"- {item}" for item in report["next_steps"]]
    return "\n".join(lines) + "\n"


def dr_objective(name, measured, target, note=None):
    """One recovery objective: measured and target seconds and whether the target is met."""
    measured = None if measured in (None, "") else round(float(measured), 3)
    return {
        "name": name,
        "measured_seconds": measured,
        "target_seconds": target,
        "met": None if measured is None or target is None else measured < float(target),
        "note": note,
    }


def dr_alarm_states(before, after):
    """The alarms read before and after a drill (cardplatform.aws.cloudwatch_alarm_info), one
    entry per alarm name: its type and state before and after ("-" where it did not exist)."""
    states = {}
    for when, alarms in (("before", before or []), ("after", after or [])):
        for alarm in alarms:
            entry = states.setdefault(alarm["name"], {"name": alarm["name"], "type": alarm["type"], "before": "-", "after": "-"})
            entry[when] = alarm["state"]
    return [states[name] for name in sorted(states)]


def dr_timing(steps, started_epoch):
    """Split a run's time: steps of kind "aws" wait on AWS's own operation (a reboot, a promotion,
    a node group replacing an instance), steps of kind "kubernetes" on the cluster's controllers
    (evicted pods replaced and ready); the rest (kind "runbook": Ansible, API calls, checks) is
    the runbook's overhead. Total: from started_epoch to the end of the last step."""
    steps = list(steps or [])
    if not steps:
        return {"total_seconds": 0.0, "aws_seconds": 0.0, "kubernetes_seconds": 0.0, "runbook_overhead_seconds": 0.0}
    total = max(float(s["finished_epoch"]) for s in steps) - float(started_epoch)
    by_kind = {kind: sum(float(s["seconds"]) for s in steps if s.get("kind", "runbook") == kind)
               for kind in ("aws", "kubernetes")}
    return {
        "total_seconds": round(total, 3),
        "aws_seconds": round(by_kind["aws"], 3),
        "kubernetes_seconds": round(by_kind["kubernetes"], 3),
        "runbook_overhead_seconds": round(max(total - by_kind["aws"] - by_kind["kubernetes"], 0.0), 3),
    }


class FilterModule:
    def filters(self):
        return {
            "drift_resource": drift_resource,
            "drift_resource_of": drift_resource_of,
            "drift_report": drift_report,
            "drift_markdown": drift_markdown,
            "drift_junit": drift_junit,
            "dr_markdown": dr_markdown,
            "dr_alarm_states": dr_alarm_states,
            "dr_objective": dr_objective,
            "dr_timing": dr_timing,
        }
