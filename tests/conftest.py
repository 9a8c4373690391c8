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
    "integration/test_role_scenarios.py",
    "integration/test_reliability.py",
    "integration/test_molecule_default.py",
    "integration/test_teardown.py",
    "integration/test_disaster_recovery.py",
    "integration/test_drift_check.py",
    "integration/test_rollout.py",
    "integration/test_check_mode.py",
    "integration/test_bad_input.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(HEAVIEST_FIRST) if path.endswith("/tests/" + name)), len(HEAVIEST_FIRST))

    items.sort(key=rank)  # stable: a file's own order holds
