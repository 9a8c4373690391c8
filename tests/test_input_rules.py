"""Every role's input rules (docs/validation.md): one mechanism, well-formed rule data.

Each role's tasks/validate.yml is the one cardplatform.aws.validate_inputs task; its
meta/rules.yml passes the action's own checks, every message names the variable(s) of its
rule, and every `Range` in meta/argument_specs.yml parses.
"""

from __future__ import annotations

import re

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader

from ansible_collections.cardplatform.aws.plugins.action.validate_inputs import RANGE_RE, check_rule_data, option_range
from helpers import REPO

ROLES = sorted(p.parent.parent.name for p in (REPO / "roles").glob("*/tasks/validate.yml"))


def options(spec: dict, prefix: str = ""):
    for name, option in (spec or {}).items():
        yield prefix + name, option or {}
        yield from options((option or {}).get("options"), f"{prefix}{name}.")


def test_every_role_validates():
    assert {"vpc", "eks", "secrets", "rds", "elasticache", "amazonmq", "app_deploy"} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_validate_yml_is_the_one_task(role):
    tasks = yaml.safe_load((REPO / "roles" / role / "tasks" / "validate.yml").read_text())
    assert [list(t) for t in tasks] == [["name", "cardplatform.aws.validate_inputs"]], tasks


@pytest.mark.parametrize("role", ROLES)
def test_rules_are_well_formed_and_name_their_variables(role):
    path = REPO / "roles" / role / "meta" / "rules.yml"
    if not path.exists():
        pytest.skip(f"{role} has no rules beyond its argument spec")
    helpers, rules = check_rule_data(DataLoader().load_from_file(str(path), trusted_as_template=True), str(path))
    assert all(name.startswith(f"{role}__") for name in helpers), f"helpers are role-prefixed: {sorted(helpers)}"
    for rule in rules:
        names = rule["var"] if isinstance(rule["var"], list) else [rule["var"]]
        text = str(rule.get("msg", "")) or str(rule.get("errors"))
        if "msg" in rule:
            assert any(text.lstrip().startswith(n) for n in names) or re.match(r"^\s*\{\{", text), (names, text)
            for name in names:
                assert name in text, f"the message of a rule about {name} does not name it: {text}"


@pytest.mark.parametrize("role", ROLES)
def test_ranges_parse(role):
    spec = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    for name, option in options(spec):
        text = " ".join(option.get("description") if isinstance(option.get("description"), list) else [str(option.get("description", ""))])
        if "Range " in text and re.search(r"\bRange [0-9-]", text):
            assert RANGE_RE.search(" ".join(text.split())), f"{role}: {name}: a Range that does not parse: {text}"
            low, high, _ = option_range(option)
            assert low <= high, name
            assert option.get("type") == "int", f"{role}: {name}: a Range on a {option.get('type')} option"
