"""Issue #23: one mutating run per environment and region (roles/run_lock, playbooks/run_lock.yml).

On the session's converged platform (each test leaves it converged and the lock free):

- test_two_concurrent_converges: two site.yml --tags vpc started together (the lock is taken
  before any tier, whatever the tags; the vpc role alone keeps the winner short). One takes the
  lock of local/us-east-1 (the DynamoDB item, read back while it runs: that process, site.yml, an
  expiry hours ahead) and converges with changed=0; the other is refused at once, naming
  that holder and how to break a dead run's lock, before any tier ran and with no write but
  its losing conditional PutItem. Afterwards the lock is gone.
- test_a_failed_run_releases_its_lock: a rollout that fails after taking the lock (its
  kubeconfig does not exist) still releases it: Ansible runs no later play for a failed
  host, the cardplatform.aws.run_lock callback deletes the lock at the end of the run.

The killed run (its lock left behind, a run refused on it, broken with -e break_lock=<run ID>)
is in test_reliability.py, which kills converges anyway; check mode takes no lock
(test_check_mode.py asserts no write at all).
"""

from __future__ import annotations

import re
import subprocess
import time

import requests

from helpers import REPO, recap_totals, tool_env

TABLE = "card-platform-run-locks"
LOCK_ID = "local/us-east-1"


def lock_item(platform) -> dict[str, str]:
    found = platform.client("dynamodb").get_item(TableName=TABLE, Key={"lock_id": {"S": LOCK_ID}}, ConsistentRead=True)
    return {k: next(iter(v.values())) for k, v in found.get("Item", {}).items()}


def aws_requests(platform, since: int) -> list[dict]:
    return requests.get(f"{platform.endpoint_url}/_emulator/requests", params={"since": since}, timeout=10).json()


def last_seq(platform) -> int:
    return max((e["seq"] for e in requests.get(f"{platform.endpoint_url}/_emulator/requests", timeout=10).json()),
               default=0)


def one_line(text: str) -> str:
    """The output with every run of whitespace as one space (messages wrap in the YAML output)."""
    return " ".join(text.split())


def test_two_concurrent_converges(platform, tmp_path):
    seq = last_seq(platform)
    logs = [tmp_path / f"converge-{n}.log" for n in (1, 2)]
    procs = []
    for log in logs:
        with log.open("wb") as out:
            procs.append(subprocess.Popen(
                ["ansible-playbook", "-i", "inventories/local", "site.yml", "--tags", "vpc"], cwd=REPO, env=tool_env(platform.env),
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            ))
    held = []
    deadline = time.monotonic() + 900
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        item = lock_item(platform)
        if item and item not in held:
            held.append(item)
        time.sleep(0.5)
    codes = [p.wait(timeout=60) for p in procs]
    outputs = [log.read_text() for log in logs]
    assert sorted(codes) == [0, 2], [o[-4000:] for o in outputs]
    winner, loser = (0, 1) if codes[0] == 0 else (1, 0)

    # The lock the winner held, as DynamoDB held it: that process, site.yml, hours ahead.
    assert len(held) == 1, held
    lock = held[0]
    assert lock["holder"].endswith(f" pid {procs[winner].pid}") and lock["playbook"] == "site.yml", lock
    assert int(lock["expires_at"]) > time.time() + 3600 and lock["started_at"].endswith("Z"), lock

    # The loser: refused naming the holder, before any tier; the winner: a no-op converge.
    said = one_line(outputs[loser])
    assert f"Refused: run lock {LOCK_ID} is held by {lock['holder']} (run {lock['run_id']}, site.yml" in said, said[-3000:]
    assert f"-e break_lock={lock['run_id']}" in said
    assert "PLAY [Tier 1" not in outputs[loser]
    recap = recap_totals(outputs[winner])
    assert recap.get("ok") and recap["changed"] == 0 and recap["failed"] == 0, outputs[winner][-4000:]

    # Writes: the lock's only (two conditional puts, one of them lost, and the release).
    writes = [f"{e['service']}:{e['operation']}" for e in aws_requests(platform, seq) if e["mutating"]]
    assert sorted(writes) == ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:PutItem"], writes
    assert lock_item(platform) == {}


def test_a_failed_run_releases_its_lock(platform, tmp_path):
    result = platform.playbook(
        "playbooks/rollout.yml", "-e", "rollout_service=api", "-e", f"k8s_kubeconfig={tmp_path}/missing-kubeconfig",
        "-e", "rollout_verify_image_in_registry=false", timeout=300,
    )
    said = one_line(result.stdout)
    assert result.returncode != 0, said[-3000:]
    assert f"Run lock {LOCK_ID} held by" in said, said[-3000:]  # taken: the failure came after it
    assert re.search(rf"The run failed: run lock {LOCK_ID} \(local-us-east-1, run [0-9a-f-]+\) released\.", said), said[-3000:]
    assert lock_item(platform) == {}
