"""tools/drift.py's exit codes (0 in sync, 2 drift, 1 error), which the drift workflow passes on
unchanged, with ansible-runner replaced by a stand-in that writes the report a run would write."""

from __future__ import annotations

import importlib.util
import json
import sys
import types

import pytest

from helpers import REPO

_SPEC = importlib.util.spec_from_file_location("drift_tool", REPO / "tools" / "drift.py")
drift = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(drift)


@pytest.mark.parametrize(("rc", "report", "expected"), [
    (0, {"result": "in_sync"}, 0),
    (2, {"result": "in_sync"}, 1),      # in sync but the playbook failed: an error, not drift
    (0, {"result": "drift"}, 2),
    (2, {"result": "drift"}, 2),        # ansible-playbook exits 2 when the drift assertion fails
    (4, {"result": "drift"}, 1),        # unreachable host: an error
    (0, None, 1),                       # no report
    (0, {"result": "unknown"}, 1),
    (None, {"result": "drift"}, 1),     # the runner could not start the playbook
])
def test_classify(rc, report, expected):
    assert drift.classify(rc, report) == expected
    assert (drift.IN_SYNC, drift.ERROR, drift.DRIFT) == (0, 1, 2)


@pytest.fixture
def fake_runner(monkeypatch, tmp_path):
    """An ansible_runner whose run() writes `report` (or nothing) where the playbook would."""
    calls: list[dict] = []
    behaviour = {"rc": 0, "report": None, "raw": None, "stats": None, "hosts": {}}
    reports = tmp_path / "repo" / "reports"
    reports.mkdir(parents=True)
    monkeypatch.setattr(drift, "REPO", tmp_path / "repo")
    (tmp_path / "repo" / "inventories" / "staging").mkdir(parents=True)

    def run(**kwargs):
        calls.append(kwargs)
        stamp = kwargs["extravars"]["drift_report_stamp"]
        path = reports / f"drift-staging-us-east-1-{stamp}.json"
        if behaviour["raw"] is not None:
            path.write_text(behaviour["raw"])
        elif behaviour["report"] is not None:
            path.write_text(json.dumps({"host": "staging-us-east-1", **behaviour["report"]}))
        for region, report in behaviour["hosts"].items():  # more hosts: one report each
            (reports / f"drift-staging-{region}-{stamp}.json").write_text(json.dumps({"host": f"staging-{region}", **report}))
        return types.SimpleNamespace(rc=behaviour["rc"], status="successful" if behaviour["rc"] == 0 else "failed",
                                     stats=behaviour["stats"])

    monkeypatch.setitem(sys.modules, "ansible_runner", types.SimpleNamespace(run=run))
    return behaviour, calls


def test_in_sync_exits_0(fake_runner, capsys):
    behaviour, calls = fake_runner
    behaviour["report"] = {"result": "in_sync", "summary": {"drifted": 0, "resources": 42}}
    assert drift.main(["--env", "staging", "--quiet"]) == 0
    assert "drift check staging staging-us-east-1: IN SYNC: 0 drifted of 42 checked" in capsys.readouterr().out
    (call,) = calls
    assert call["playbook"].endswith("playbooks/drift_check.yml") and call["quiet"] is True
    assert call["inventory"].endswith("inventories/staging") and "drift_scope" not in call["extravars"]


def test_drift_exits_2_with_the_scope_passed(fake_runner, capsys):
    behaviour, calls = fake_runner
    behaviour["rc"], behaviour["report"] = 2, {"result": "drift", "summary": {"drifted": 3, "resources": 40}}
    assert drift.main(["--env", "staging", "--scope", "rds, app_deploy,", "--quiet"]) == 2
    assert "DRIFT: 3 drifted of 40 checked" in capsys.readouterr().out
    assert calls[0]["extravars"]["drift_scope"] == ["rds", "app_deploy"]


def test_failed_read_exits_1(fake_runner, capsys):
    behaviour, _ = fake_runner
    behaviour["rc"], behaviour["report"] = 2, {"result": "drift", "error": "AccessDenied on rds", "summary": {}}
    behaviour["rc"] = 4
    assert drift.main(["--env", "staging", "--quiet"]) == 1
    assert "ERROR" in capsys.readouterr().out


def test_no_report_or_a_broken_one_exits_1(fake_runner, capsys):
    behaviour, _ = fake_runner
    behaviour["rc"] = 1
    assert drift.main(["--env", "staging", "--quiet"]) == 1
    assert "no report written (ansible-playbook rc=1, runner status failed)" in capsys.readouterr().out
    behaviour["rc"], behaviour["raw"] = 0, "{not json"
    assert drift.main(["--env", "staging", "--quiet"]) == 1


def test_unknown_inventory_exits_1(fake_runner, capsys):
    assert drift.main(["--env", "nowhere"]) == 1
    assert "No inventory" in capsys.readouterr().err


def test_each_region_is_reported_and_the_worst_decides(fake_runner, capsys):
    """Production checks two regions in one run: one report per host (the file name carries the
    region), each host judged by its own recap line, the exit code the worst host's."""
    behaviour, _ = fake_runner
    behaviour["report"] = {"result": "in_sync", "summary": {"drifted": 0, "resources": 46}}
    behaviour["hosts"] = {"eu-west-1": {"result": "drift", "summary": {"drifted": 1, "resources": 46}}}
    behaviour["rc"] = 2  # ansible-playbook's rc: the drifted host failed its last task
    behaviour["stats"] = {"processed": {"staging-us-east-1": 1, "staging-eu-west-1": 1}, "failures": {"staging-eu-west-1": 1}}
    assert drift.main(["--env", "staging", "--quiet"]) == 2
    out = capsys.readouterr().out
    assert "staging-us-east-1: IN SYNC: 0 drifted of 46" in out and "staging-eu-west-1: DRIFT: 1 drifted of 46" in out

    # A host that ran but wrote no report (it failed before the report task): an error.
    for old in (drift.REPO / "reports").iterdir():  # the same second's stamp: start empty
        old.unlink()
    behaviour["hosts"] = {}
    behaviour["stats"] = {"processed": {"staging-us-east-1": 1, "staging-eu-west-1": 1}, "failures": {"staging-eu-west-1": 1}}
    assert drift.main(["--env", "staging", "--quiet"]) == 1
    assert "staging-eu-west-1: ERROR: no report written" in capsys.readouterr().out
