"""Shared pytest fixtures."""

from __future__ import annotations

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
    "integration/test_drift_check.py",
    "integration/test_rollout.py",
    "integration/test_check_mode.py",
    "integration/test_role_scenarios.py",
    "integration/test_reliability.py",
    "integration/test_molecule_default.py",
    "integration/test_teardown.py",
    "integration/test_bad_input.py",
]

# The files that use the session's converged `platform` (tests/integration/conftest.py) run on
# one worker, one after the other: each worker that runs one of them converges a platform of
# its own (~200 s of two cores), and they leave it converged for each other.
SHARED_PLATFORM = HEAVIEST_FIRST[:4]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(HEAVIEST_FIRST) if path.endswith("/tests/" + name)), len(HEAVIEST_FIRST))

    items.sort(key=rank)  # stable: a file's own order holds


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile`, with the SHARED_PLATFORM files as one unit of work."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # pylint: disable=import-outside-toplevel

    class SharedPlatformScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "shared-platform" if any(scope.endswith(name) for name in SHARED_PLATFORM) else scope

    return SharedPlatformScheduling(config, log)
