"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import REPO


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO

