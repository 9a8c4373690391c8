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


def test_every_module_of_the_collection_is_in_its_aws_action_group():
    """The playbooks pass the AWS connection (region, endpoint, credentials) through
    module_defaults `group/cardplatform.aws.aws`: a module left out of the group gets none and
    fails with "requires a region" on the first run that uses it."""
    import yaml  # pylint: disable=import-outside-toplevel

    collection = REPO / "collections" / "ansible_collections" / "cardplatform" / "aws"
    group = set(yaml.safe_load((collection / "meta" / "runtime.yml").read_text())["action_groups"]["aws"])
    modules = {p.stem for p in (collection / "plugins" / "modules").glob("*.py") if not p.stem.startswith("_")}
    assert sorted(modules - group) == []
