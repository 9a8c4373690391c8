#!/usr/bin/env python3
"""Scheduled drift check: run playbooks/drift_check.yml with ansible-runner and exit

    0  in sync        (the report says in_sync and the playbook succeeded)
    2  drift found    (the report says drift)
    1  error          (the playbook could not read everything, could not start, or wrote no report)

`ansible-playbook playbooks/drift_check.yml` alone exits 2 both for drift and for a failed
read; this entry point tells them apart from the report the run wrote (its file name is
chosen here, so an older report is never mistaken for this run's).

    python tools/drift.py --env staging [--scope rds,app_deploy] [--quiet]
    make drift ENV=staging

Reports: reports/drift-<env>-<region>-<UTC timestamp>.{json,md,xml}, one per inventory host (production
checks us-east-1 and eu-west-1 in one run); the exit code is the worst host's. ansible-runner's artifacts
(stdout, events) go to a temporary directory unless --artifacts-dir is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IN_SYNC, ERROR, DRIFT = 0, 1, 2


def classify(rc: int | None, report: dict | None) -> int:
    """Map the playbook's exit status and its report to 0 in sync, 2 drift, 1 error."""
    if report is None or report.get("result") not in ("in_sync", "drift"):
        return ERROR
    if report["result"] == "in_sync":
        return IN_SYNC if rc == 0 else ERROR
    return DRIFT if rc in (0, 2) else ERROR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", required=True, help="inventory name under inventories/")
    parser.add_argument("--scope", help="comma-separated areas (default: all): vpc,vpc_egress,eks,cluster_addons,secrets,ecr,external_secrets,rds,elasticache,amazonmq,ci_runners,app_deploy")
    parser.add_argument("--limit", help="inventory hosts to check, e.g. 'production-eu-west-1*' (a job on one region's runners)")
    parser.add_argument("--artifacts-dir", help="keep ansible-runner's artifacts here")
    parser.add_argument("--quiet", action="store_true", help="do not print the playbook output")
    args = parser.parse_args(argv)

    try:
        import ansible_runner
    except ImportError:
        print("ansible-runner is not installed (pip install -r requirements.txt)", file=sys.stderr)
        return ERROR

    inventory = REPO / "inventories" / args.env
    if not inventory.is_dir():
        print(f"No inventory {inventory}", file=sys.stderr)
        return ERROR
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    extravars: dict[str, object] = {"drift_report_stamp": stamp}
    if args.scope:
        extravars["drift_scope"] = [s.strip() for s in args.scope.split(",") if s.strip()]

    envvars = {
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_HOME": os.environ.get("ANSIBLE_HOME", str(REPO / ".ansible")),
        "ANSIBLE_FORCE_COLOR": "0",
        # ansible-runner starts `ansible-playbook` from PATH: the one next to this Python first.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    with tempfile.TemporaryDirectory(prefix="drift-runner-") as private:
        result = ansible_runner.run(
            private_data_dir=args.artifacts_dir or private,
            project_dir=str(REPO),
            playbook=str(REPO / "playbooks" / "drift_check.yml"),
            inventory=str(inventory),
            extravars=extravars,
            envvars=envvars,
            limit=args.limit,
            quiet=args.quiet,
        )
        rc = result.rc
        # The play recap by host (its playbook_on_stats event), read while the artifacts exist.
        stats = getattr(result, "stats", None) or {}
    reports = {}
    for path in sorted((REPO / "reports").glob(f"drift-{args.env}-*-{stamp}.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            report = None
        if isinstance(report, dict):
            reports[report.get("host", path.name)] = (path, report)
    if not reports:
        print(f"drift check {args.env}: ERROR: no report written (ansible-playbook rc={rc}, runner status {result.status})")
        return ERROR
    label = {IN_SYNC: "IN SYNC", DRIFT: "DRIFT", ERROR: "ERROR"}
    codes = []
    for host, (path, report) in reports.items():
        codes.append(classify(host_rc(stats, rc, host), report))
        summary = report.get("summary", {})
        detail = f"{summary.get('drifted', '?')} drifted of {summary.get('resources', '?')} checked"
        if report.get("error"):
            detail += f"; error: {report['error']}"
        print(f"drift check {args.env} {host}: {label[codes[-1]]}: {detail}; report {path.with_suffix('.md')}")
    # A host the playbook ran on that wrote no report (it failed before the report task).
    for host in sorted(set(stats.get("processed", {})) - set(reports)):
        codes.append(ERROR)
        print(f"drift check {args.env} {host}: ERROR: no report written")
    return worst(codes)


def host_rc(stats: dict, rc: int | None, host: str) -> int | None:
    """One host's exit status from the runner's play recap: ansible-playbook's own rc covers
    every host, so a drifted region would turn its in-sync neighbour's result into an error."""
    if rc is None or not stats:
        return rc
    if host in stats.get("dark", {}):
        return 4
    return 2 if host in stats.get("failures", {}) else 0


def worst(codes: list[int]) -> int:
    """ERROR over DRIFT over IN SYNC: a region that could not be read hides nothing."""
    return ERROR if ERROR in codes else DRIFT if DRIFT in codes else IN_SYNC


if __name__ == "__main__":
    sys.exit(main())
