"""Shared pytest fixtures."""

from __future__ import annotations

import resource
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import REPO


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO



# `make test` runs files whole on pytest-xdist workers (`--dist loadfile
# --no-loadscope-reorder`), in collection order. The files that converge whole platforms
# go first, longest first: a long file handed out last ran alone while the other workers
# idled (measured 2026-11-29: the Molecule default scenario, ~400 s, at the end).
HEAVIEST_FIRST = [
    "integration/test_disaster_recovery.py",
    "integration/test_check_mode.py",
    "integration/test_run_lock_concurrency.py",
    "integration/test_drift_check.py",
    "integration/test_rollout.py",
    "integration/test_partial_runs.py",
    "integration/test_role_scenarios.py",
    "integration/test_reliability.py",
    "integration/test_molecule_default.py",
    "integration/test_teardown.py",
    "integration/test_bad_input.py",
]

# The files that use the session's converged `platform` (tests/integration/conftest.py) run in
# two groups, each on one worker, one file after the other: each worker that runs one of them
# converges a platform of its own (~200 s of two cores), and they leave it converged for each
# other. One group was the run's long pole (CI 2026-12-07: ~1560 CPU-s in a 2524 s run of
# 4001 CPU-s, a third of the workers' share of two cores); two groups cost one more converge.
SHARED_PLATFORMS = {"shared-platform-a": HEAVIEST_FIRST[:3], "shared-platform-b": HEAVIEST_FIRST[3:6]}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(HEAVIEST_FIRST) if path.endswith("/tests/" + name)), len(HEAVIEST_FIRST))

    items.sort(key=rank)  # stable: a file's own order holds


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile`, with the files of each SHARED_PLATFORMS group as one unit of work."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # pylint: disable=import-outside-toplevel

    class SharedPlatformScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return next((group for group, names in SHARED_PLATFORMS.items()
                         if any(scope.endswith(name) for name in names)), scope)

    return SharedPlatformScheduling(config, log)


# CPU seconds per test file, printed at the end of the run: `make test` runs three workers on
# two cores and is bound by CPU (2026-11-30: 2470 CPU-s in 1486 s, 83 % of both cores), so
# the files' CPU, not their wall time, says where time can be won. Counts the test process
# and every process it waited for (ansible-playbook and the modules it ran, molecule,
# ansible-lint); not the emulators, which run detached (a few CPU-s per converge). A
# session fixture's converge counts for the test that first asks for it.
_CPU_START = pytest.StashKey[float]()
_CPU_BY_FILE: dict[str, float] = defaultdict(float)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    item.stash[_CPU_START] = _cpu_seconds()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    started = item.stash.get(_CPU_START, None)
    if started is not None:
        now = _cpu_seconds()
        report.user_properties.append(("cpu_s", round(now - started, 2)))
        item.stash[_CPU_START] = now
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _CPU_BY_FILE[report.nodeid.split("::", 1)[0]] += dict(report.user_properties).get("cpu_s", 0.0)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if not _CPU_BY_FILE:
        return
    ranked = sorted(_CPU_BY_FILE.items(), key=lambda kv: -kv[1])
    terminalreporter.write_sep("=", f"CPU seconds by test file (total {sum(_CPU_BY_FILE.values()):.0f})")
    for path, seconds in ranked[:15]:
        terminalreporter.write_line(f"{seconds:8.1f}  {path}")
