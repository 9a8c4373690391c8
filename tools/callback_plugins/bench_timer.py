# Copyright: the card platform project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-task timings as JSON, for tools/bench.py (not part of the product).

Enabled with ANSIBLE_CALLBACK_PLUGINS=tools/callback_plugins and
ANSIBLE_CALLBACKS_ENABLED=bench_timer; writes one JSON document to the file named by
BENCH_TIMER_OUTPUT when the playbook ends.

One record per task and host: the wall time from the moment the strategy hands the task to
the host's worker (v2_runner_on_start) to its result, so it includes forking the worker,
templating, shipping the module, starting its Python, imports and the API calls.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Per-task, per-host durations as JSON for the benchmark
description:
  - Records when each task starts and ends on each host, its action (resolved FQCN), status
    and whether it ran async, and writes the list to C(BENCH_TIMER_OUTPUT) at the end.
requirements:
  - enable in the configuration (callbacks_enabled)
options:
  output:
    description: File to write (JSON).
    env:
      - name: BENCH_TIMER_OUTPUT
    default: bench-timer.json
    type: path
"""

import json
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._open: dict[tuple[str, str], dict] = {}
        self._records: list[dict] = []
        self._play = ""
        self._started = time.time()

    def v2_playbook_on_play_start(self, play) -> None:
        self._play = play.get_name()

    def v2_runner_on_start(self, host, task) -> None:
        action = getattr(task, "resolved_action", None) or task.action
        self._open[(host.get_name(), task._uuid)] = {
            "host": host.get_name(),
            "play": self._play,
            "task": task.get_name(),
            "action": action,
            "async": bool(task.async_val),
            "loop": bool(task.loop),
            "start": time.time(),
        }

    def _close(self, result, status: str) -> None:
        key = (result._host.get_name(), result._task._uuid)
        record = self._open.pop(key, None)
        if record is None:  # a result without a start event (e.g. handlers in some strategies)
            task = result._task
            record = {"host": key[0], "play": self._play, "task": task.get_name(),
                      "action": getattr(task, "resolved_action", None) or task.action,
                      "async": bool(task.async_val), "loop": bool(task.loop), "start": None}
        record["end"] = time.time()
        record["duration"] = None if record["start"] is None else record["end"] - record["start"]
        changed = bool(result._result.get("changed", False))
        record["status"] = "changed" if status == "ok" and changed else status
        record["items"] = len(result._result.get("results", [])) if record["loop"] else None
        self._records.append(record)

    def v2_runner_on_ok(self, result) -> None:
        self._close(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False) -> None:
        self._close(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result) -> None:
        self._close(result, "skipped")

    def v2_runner_on_unreachable(self, result) -> None:
        self._close(result, "unreachable")

    def v2_playbook_on_stats(self, stats) -> None:
        path = self.get_option("output")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"started": self._started, "ended": time.time(), "tasks": self._records}, handle)
