"""rds_outputs.reader_endpoint while the read replica is still being created.

site.yml deploys the application while the replica is created (issue #8), so the rds role
publishes, after replica.yml, the name RDS will give the replica: its identifier followed by
the writer's DNS suffix, which RDS fixes per account and Region. The emulator returns the
replica's real endpoint once it is available, and the DR test checks the application's
DATABASE_READER_HOST against it after a converge that recreated the replica; this checks
the derivation itself, case by case, with roles/rds/tasks/outputs.yml run on its own (no
API call: it only reads facts).
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from helpers import REPO, run

WRITER = "card-platform-local-postgres.abcdefghijkl.us-east-1.rds.amazonaws.com"
REPLICA_ID = "card-platform-local-postgres-replica"

CASES = {
    # name: (rds_replica_enabled, rds__writer, rds__replica, expected reader_endpoint, expected reader_available)
    "creating": (True, {"endpoint": {"address": WRITER, "port": 5432}},
                 {"db_instance_status": "creating"},
                 f"{REPLICA_ID}.abcdefghijkl.us-east-1.rds.amazonaws.com", False),
    "available": (True, {"endpoint": {"address": WRITER, "port": 5432}},
                  {"db_instance_status": "available",
                   "endpoint": {"address": "named-otherwise.zyxwvutsrqpo.us-east-1.rds.amazonaws.com"}},
                  "named-otherwise.zyxwvutsrqpo.us-east-1.rds.amazonaws.com", True),
    "no_replica": (False, {"endpoint": {"address": WRITER, "port": 5432}}, {"skipped": True}, "", False),
    "writer_unknown": (True, {}, {"db_instance_status": "creating"}, "", False),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("rds_outputs")
    tasks = []
    for name, (enabled, writer, replica, _, _) in CASES.items():
        tasks.append({
            "name": f"Publish rds_outputs ({name})",
            "ansible.builtin.include_role": {"name": "rds", "tasks_from": "outputs"},
            "vars": {"rds_replica_enabled": enabled, "rds__writer": writer, "rds__replica": replica},
        })
        tasks.append({
            "name": f"Write rds_outputs ({name})",
            "ansible.builtin.copy": {"content": "{{ rds_outputs | to_json }}", "dest": str(tmp / f"{name}.json"),
                                     "mode": "0600"},
        })
    play = [{
        "name": "Publish rds_outputs from facts",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {
            "ansible_python_interpreter": sys.executable,
            "rds_identifier": "card-platform-local-postgres",
            "rds_replica_identifier": REPLICA_ID,
            "rds__parameter_group_name": "card-platform-local-postgres-postgres15",
            "rds_master_secret_arn": "",
        },
        "tasks": tasks,
    }]
    playbook = tmp / "play.yml"
    playbook.write_text(json.dumps(play))
    result = run(["ansible-playbook", "-i", "localhost,", str(playbook)],
                 env={"ANSIBLE_ROLES_PATH": str(REPO / "roles")}, timeout=120)
    assert result.returncode == 0, textwrap.shorten(result.stdout, 4000)
    return {name: json.loads((tmp / f"{name}.json").read_text()) for name in CASES}


@pytest.mark.parametrize("case", list(CASES))
def test_reader_endpoint(published, case):
    _, _, _, endpoint, available = CASES[case]
    outputs = published[case]
    assert outputs["reader_endpoint"] == endpoint
    assert outputs["reader_available"] is available
    # The other keys do not depend on the replica.
    assert outputs["replica_identifier"] == (REPLICA_ID if CASES[case][0] else "")
