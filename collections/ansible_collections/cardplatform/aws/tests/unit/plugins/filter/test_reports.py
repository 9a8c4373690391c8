# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the drift / disaster-recovery report filters (cardplatform.aws reports.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible_collections.cardplatform.aws.plugins.filter import reports


def test_in_sync_numbers_and_strings_compare_as_numbers():
    entry = reports.drift_resource({"backup_retention_period": 30, "multi_az": True},
                                   {"backup_retention_period": "30", "multi_az": True}, "db", "rds.db_instance")
    assert entry == {"id": "db", "type": "rds.db_instance", "status": "in_sync", "attributes": []}


def test_modified_nested_tags_lists_and_ranges():
    actual = {"tags": {"Project": "p", "Extra": "x"}, "ingress": ["b", "a", "c"], "scaling": {"desired": 2}}
    expected = {"tags": {"Project": "p", "ManagedBy": "ansible"}, "ingress": ["a", "b"],
                "scaling": {"desired": {"__between__": [3, 10]}}, "skipped": None}
    entry = reports.drift_resource(actual, expected, "r", "t")
    assert entry["status"] == "modified"
    assert entry["attributes"] == [
        {"name": "ingress", "expected": ["a", "b"], "actual": ["b", "a", "c"]},
        {"name": "scaling.desired", "expected": "3..10", "actual": 2},
        {"name": "tags.ManagedBy", "expected": "ansible", "actual": None},
    ]


def test_missing_keeps_the_evidence():
    entry = reports.drift_resource({"deleted_date": "2026-01-01"}, {"deleted_date": "", "tags": {}}, "s", "secret",
                                   exists=False)
    assert entry["status"] == "missing"
    assert entry["attributes"][0] == {"name": "exists", "expected": True, "actual": False}
    assert entry["attributes"][1]["name"] == "deleted_date"


def test_booleans_are_not_numbers():
    assert reports.drift_resource({"x": 1}, {"x": True}, "r", "t")["status"] == "modified"
    assert reports.drift_resource({"x": None}, {"x": ""}, "r", "t")["status"] == "in_sync"


def test_report_markdown_and_junit():
    resources = [reports.drift_resource({"a": 1}, {"a": 2}, "one", "t"), reports.drift_resource({"a": 1}, {"a": 1}, "two", "t")]
    report = reports.drift_report(resources, ["x: not read"], "staging", "s", "f", ["rds"])
    assert report["summary"] == {"resources": 2, "drifted": 1, "in_sync": 1, "modified": 1, "missing": 0, "not_checked": 1}
    md = reports.drift_markdown(report)
    assert "| one | t | modified | a | 2 | 1 |" in md and "- x: not read" in md
    suite = ET.fromstring(reports.drift_junit(report).split("\n", 1)[1]).find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    assert suite.find("testcase[@name='one']/failure").text == "a: expected 2, actual 1"


def test_dr_objective_and_markdown():
    met = reports.dr_objective("database RTO", "12.3456", 60, "note")
    assert met == {"name": "database RTO", "measured_seconds": 12.346, "target_seconds": 60, "met": True, "note": "note"}
    assert reports.dr_objective("x", 61, 60)["met"] is False
    assert reports.dr_objective("x", None, 60)["met"] is None
    md = reports.dr_markdown({"scenario": "db_failover", "environment": "local", "started": "s", "finished": "f",
                              "result": "recovered", "objectives": [met],
                              "steps": [{"name": "n", "started": "a", "finished": "b", "seconds": 1.25}]})
    assert "| database RTO | 12.3 s | 60.0 s | yes |" in md and "| n | a | b | 1.2 |" in md or "| n | a | b | 1.3 |" in md


def test_dr_alarm_states_and_their_markdown():
    before = [{"name": "p-rds-cpu", "type": "MetricAlarm", "state": "OK"},
              {"name": "p-jit-degraded", "type": "CompositeAlarm", "state": "OK"}]
    after = [{"name": "p-rds-cpu", "type": "MetricAlarm", "state": "ALARM"},
             {"name": "p-jit-degraded", "type": "CompositeAlarm", "state": "OK"},
             {"name": "p-new", "type": "MetricAlarm", "state": "INSUFFICIENT_DATA"}]
    states = reports.dr_alarm_states(before, after)
    assert states == [
        {"name": "p-jit-degraded", "type": "CompositeAlarm", "before": "OK", "after": "OK"},
        {"name": "p-new", "type": "MetricAlarm", "before": "-", "after": "INSUFFICIENT_DATA"},
        {"name": "p-rds-cpu", "type": "MetricAlarm", "before": "OK", "after": "ALARM"},
    ]
    base = {"scenario": "node_failure", "environment": "local", "started": "s", "finished": "f", "result": "recovered"}
    md = reports.dr_markdown({**base, "alarms": states})
    assert "| p-rds-cpu | MetricAlarm | OK | **ALARM** |" in md and "| p-jit-degraded | CompositeAlarm | OK | OK |" in md
    assert "the monitoring role has not been applied" in reports.dr_markdown({**base, "alarms": []})
    assert "- alarm states not read: AccessDenied" in reports.dr_markdown({**base, "alarms": "alarm states not read: AccessDenied"})
    assert "## Alarms" not in reports.dr_markdown(base)
