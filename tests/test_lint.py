"""Static checks: yamllint, ansible-lint (production profile), syntax of every playbook."""

from __future__ import annotations

import pytest

from helpers import REPO, run

PLAYBOOKS = sorted(str(p.relative_to(REPO)) for p in [REPO / "site.yml", *(REPO / "playbooks").glob("*.yml")])
INVENTORIES = ["local", "staging", "production"]


def test_yamllint():
    result = run(["yamllint", "--strict", "."])
    assert result.returncode == 0, result.stdout


def test_ansible_lint_production_profile():
    result = run(["ansible-lint", "--profile", "production", "--nocolor"], timeout=1200)
    assert result.returncode == 0, result.stdout[-20000:]


@pytest.mark.parametrize("inventory", INVENTORIES)
@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_playbook_syntax(playbook: str, inventory: str):
    result = run(["ansible-playbook", "--syntax-check", "-i", f"inventories/{inventory}", playbook])
    assert result.returncode == 0, result.stdout


def test_galaxy_requirements_are_satisfied_offline():
    """requirements.yml pins ranges that the ansible package in requirements.txt satisfies."""
    result = run(["ansible-galaxy", "collection", "install", "-r", "requirements.yml"], timeout=300)
    assert result.returncode == 0, result.stdout
    assert "Nothing to do" in result.stdout, result.stdout
