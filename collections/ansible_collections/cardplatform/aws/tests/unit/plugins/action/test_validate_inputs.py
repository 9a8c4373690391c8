# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the input check of the roles (plugins/action/validate_inputs.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.cardplatform.aws.plugins.action.validate_inputs import (
    check_rule_data,
    check_spec,
    evaluate_rules,
    option_range,
)

SPEC = {
    "demo_name": {"type": "str", "required": True, "description": "Name of the demo."},
    "demo_flag": {"type": "bool", "default": False, "description": "A switch."},
    "demo_mode": {"type": "str", "choices": ["a", "b"], "default": "a", "description": "Mode."},
    "demo_size": {"type": "int", "default": 3, "description": ["Nodes.", "Range 1-10 nodes."]},
    "demo_groups": {
        "type": "list", "elements": "dict", "required": True, "description": "Groups.",
        "options": {
            "name": {"type": "str", "required": True, "description": "Group name."},
            "disk": {"type": "int", "description": "Disk in GiB. Range 20-16384 GiB."},
            "spot": {"type": "bool", "default": False, "description": "Spot."},
            "effect": {"type": "str", "choices": ["NO_SCHEDULE", "NO_EXECUTE"], "description": "Taint effect."},
        },
    },
    "demo_settings": {
        "type": "dict", "description": "Settings.",
        "options": {"timeout": {"type": "int", "description": "Range 60-7200 seconds."}, "strict": {"type": "bool"}},
    },
}
GOOD = {"demo_name": "x", "demo_groups": [{"name": "general", "disk": 20}]}


def test_good_values_pass():
    assert check_spec(SPEC, GOOD) == ([], [])


@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_and_empty_is_reported_once_with_the_description(value):
    errors, ranges = check_spec(SPEC, {**GOOD, "demo_name": value})
    assert errors == ["demo_name is required and must not be empty (Name of the demo.)"]
    assert ranges == []


def test_required_list_left_null_is_reported_once():
    errors, _ = check_spec(SPEC, {"demo_name": "x", "demo_groups": None})
    assert errors == ["demo_groups is required and must not be empty (Groups.)"]


def test_missing_required_is_ansibles_message():
    errors, _ = check_spec(SPEC, {"demo_groups": []})
    assert errors == ["missing required arguments: demo_name"]


@pytest.mark.parametrize("value", ["false", "yes", "maybe", 0, 1])
def test_boolean_as_string_or_number_is_refused_once(value):
    errors, _ = check_spec(SPEC, {**GOOD, "demo_flag": value})
    assert len(errors) == 1, errors
    assert errors[0].startswith("demo_flag must be a boolean (true or false, unquoted; in -e use JSON such as {\"demo_flag\": true}), got the ")
    assert json.dumps(value) in errors[0]


def test_nested_booleans_are_checked_at_any_depth_and_named_by_element():
    values = {**GOOD, "demo_groups": [{"name": "jit", "spot": "true"}], "demo_settings": {"strict": "no"}}
    errors, _ = check_spec(SPEC, values)
    assert errors == [
        'demo_groups[jit].spot must be a boolean (true or false, unquoted), got the str "true"',
        'demo_settings.strict must be a boolean (true or false, unquoted), got the str "no"',
    ]


def test_choices_and_nested_choices_keep_ansibles_message():
    errors, _ = check_spec(SPEC, {**GOOD, "demo_mode": "c", "demo_groups": [{"name": "g", "effect": "NoSchedule"}]})
    assert "value of demo_mode must be one of: a, b, got: c" in errors
    assert "value of effect must be one of: NO_SCHEDULE, NO_EXECUTE, got: NoSchedule found in demo_groups" in errors


def test_wrong_type_is_ansibles_message():
    errors, _ = check_spec(SPEC, {**GOOD, "demo_size": "many"})
    assert len(errors) == 1 and errors[0].startswith("argument 'demo_size' is of type str and we were unable to convert to int")


def test_ranges_come_from_the_descriptions_and_use_converted_values():
    assert check_spec(SPEC, {**GOOD, "demo_size": "10"}) == ([], [])
    errors, ranges = check_spec(SPEC, {**GOOD, "demo_size": 11, "demo_groups": [{"name": "general", "disk": 8}],
                                       "demo_settings": {"timeout": 30}})
    assert errors == []
    assert ranges == ["demo_size: 1-10 nodes, got 11", "demo_groups[general].disk: 20-16384 GiB, got 8",
                      "demo_settings.timeout: 60-7200 seconds, got 30"]


def test_ranges_wait_for_the_types():
    errors, ranges = check_spec(SPEC, {**GOOD, "demo_size": 11, "demo_flag": "no"})
    assert len(errors) == 1 and ranges == []


def test_elements_without_a_name_are_named_by_index():
    errors, ranges = check_spec(SPEC, {**GOOD, "demo_groups": [{"name": "", "disk": 1}]})
    assert errors == ["demo_groups[0].name is required and must not be empty (Group name.)"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Range 1-600 seconds.", (1, 600, "seconds")),
    ("Days. Range 0-35 days; 0 disables snapshots.", (0, 35, "days")),
    ("Range 1-100.", (1, 100, "")),
    ("Between 1 and 5 (no marker).", None),
    ("Range: 1-5.", None),
])
def test_option_range(text, expected):
    assert option_range({"description": text}) == expected


def templar(**variables):
    return Templar(loader=DataLoader(), variables=variables)


def load_rules(tmp_path, text):
    path = tmp_path / "rules.yml"
    path.write_text(textwrap.dedent(text))
    return check_rule_data(DataLoader().load_from_file(str(path), trusted_as_template=True), str(path))


RULES = """\
    vars:
      demo__names: "{{ demo_groups | map(attribute='name') | list }}"
      demo__sizes_ok: "{{ item.min_size <= item.max_size }}"
    rules:
      - var: demo_name
        that: demo_name is match('^[a-z]+$')
        msg: "demo_name: lowercase letters, got {{ demo_name | to_json }}"
      - var: demo_groups
        that:
          - demo__names | length > 0
          - demo__names | unique | length == demo__names | length
        msg: "demo_groups: one or more groups, names unique, got {{ demo__names | to_json }}"
      - var: [demo_groups, min_size, max_size]
        loop: demo_groups
        loop_var: group
        that: group.min_size <= group.max_size
        msg: "demo_groups[{{ group.name }}].min_size/max_size: min_size <= max_size, got {{ group.min_size }} > {{ group.max_size }}"
      - var: demo_groups
        loop: demo_groups
        when: item.min_size <= item.max_size
        that: item.desired | default(item.min_size) >= item.min_size and demo__sizes_ok
        msg: "demo_groups[{{ item.name }}].desired: min_size <= desired <= max_size, got {{ item.desired }}"
      - var: demo_mode
        when: demo_mode == 'b'
        that: demo_flag
        msg: "demo_flag: must be true with demo_mode b, got false"
      - var: demo_cidr
        errors: "[] if demo_cidr is match('^10[.]') else ['demo_cidr: ' ~ demo_cidr ~ ' is not in 10.0.0.0/8']"
"""
VALUES = {
    "demo_name": "abc", "demo_mode": "a", "demo_flag": False, "demo_cidr": "10.0.0.0/16",
    "demo_groups": [{"name": "general", "min_size": 1, "max_size": 3, "desired": 2}, {"name": "jit", "min_size": 0, "max_size": 2}],
}


def test_all_rules_hold(tmp_path):
    helpers, rules = load_rules(tmp_path, RULES)
    assert evaluate_rules(templar(**VALUES), helpers, rules) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"demo_mode": "b", "demo_groups": [{"name": "general", "min_size": 5, "max_size": 3},
                                        {"name": "jit", "min_size": 1, "max_size": 2, "desired": 0}]},
     ["demo_groups[general].min_size/max_size: min_size <= max_size, got 5 > 3",
      "demo_groups[jit].desired: min_size <= desired <= max_size, got 0",
      "demo_flag: must be true with demo_mode b, got false"]),
    ({"demo_name": "ABC", "demo_cidr": "192.168.0.0/16", "demo_groups": []},
     ['demo_name: lowercase letters, got "ABC"',
      "demo_groups: one or more groups, names unique, got []",
      "demo_cidr: 192.168.0.0/16 is not in 10.0.0.0/8"]),
], ids=["per-element-and-when", "computed-errors-and-list-conditions"])
def test_only_the_failed_rules_are_named(tmp_path, changes, expected):
    helpers, rules = load_rules(tmp_path, RULES)
    assert evaluate_rules(templar(**{**VALUES, **changes}), helpers, rules) == expected


def test_helpers_win_over_stale_facts(tmp_path):
    helpers, rules = load_rules(tmp_path, RULES)
    values = {**VALUES, "demo__names": ["stale"], "demo__sizes_ok": False}
    assert evaluate_rules(templar(**values), helpers, rules) == []


def test_a_rule_that_cannot_run_is_a_refusal_naming_its_variable(tmp_path):
    helpers, rules = load_rules(tmp_path, RULES)
    values = {**VALUES, "demo_groups": [{"name": "general"}]}
    errors = evaluate_rules(templar(**values), helpers, rules)
    assert errors and all(e.startswith("demo_groups") and "could not be checked" in e for e in errors), errors


@pytest.mark.parametrize(("text", "complaint"), [
    ("rules: [{var: x, that: 'true'}]", "either `that` with `msg`, or `errors`"),
    ("rules: [{var: x, errors: '[]', that: 'true', msg: m}]", "either `that` with `msg`, or `errors`"),
    ("rules: [{that: 'true', msg: m}]", "`var` names the variable"),
    ("rules: [{var: x, tht: 'true', msg: m}]", "unknown keys ['tht']"),
    ("checks: []", "a mapping with `vars` and `rules` only"),
    ("rules: {x: 1}", "`rules` a list"),
])
def test_rule_files_are_checked(tmp_path, text, complaint):
    with pytest.raises(AnsibleError) as raised:
        load_rules(tmp_path, text)
    assert complaint in str(raised.value)


def test_an_empty_rule_file_has_no_rules():
    assert check_rule_data(None, "x") == ({}, [])


ROLE_SPEC = """\
---
argument_specs:
  main:
    options:
      demo_name: {type: str, required: true, description: Name.}
      demo_size: {type: int, default: 3, description: Nodes. Range 1-10 nodes.}
      demo_flag: {type: bool, default: false, description: Flag.}
"""
ROLE_RULES = """\
---
rules:
  - var: [demo_name, demo_size]
    when: demo_name == 'big'
    that: demo_size >= 5
    msg: "demo_size: at least 5 for demo_name big, got {{ demo_size }}"
"""
PLAYBOOK = """\
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: demo
        tasks_from: validate
"""


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    role = root / "roles" / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "tasks").mkdir()
    (role / "defaults").mkdir()
    (role / "meta" / "argument_specs.yml").write_text(ROLE_SPEC)
    (role / "meta" / "rules.yml").write_text(ROLE_RULES)
    (role / "defaults" / "main.yml").write_text("---\ndemo_size: 3\ndemo_flag: false\n")
    (role / "tasks" / "validate.yml").write_text("---\n- name: Check the inputs\n  cardplatform.aws.validate_inputs:\n")
    (root / "site.yml").write_text(PLAYBOOK)
    (root / "ansible.cfg").write_text("[defaults]\nroles_path = ./roles\nstdout_callback = ansible.builtin.json\n")
    return root


def run_playbook(project: Path, extra_vars: dict) -> dict:
    collections = Path(__file__).resolve().parents[7]
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(collections), "ANSIBLE_CONFIG": str(project / "ansible.cfg"),
           "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false"}
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "site.yml", "-e", json.dumps(extra_vars)],
                          cwd=project, env=env, text=True, capture_output=True, timeout=120)
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    return report["plays"][0]["tasks"][-1]["hosts"]["localhost"]


def test_the_action_reads_the_roles_spec_and_rules(demo_project):
    assert not run_playbook(demo_project, {"demo_name": "small"}).get("failed")
    result = run_playbook(demo_project, {"demo_name": "big"})
    assert result["failed"] and result["msg"] == "demo_size: at least 5 for demo_name big, got 3"
    result = run_playbook(demo_project, {"demo_name": "big", "demo_size": 20, "demo_flag": "yes"})
    assert result["msg"] == 'demo_flag must be a boolean (true or false, unquoted; in -e use JSON such as {"demo_flag": true}), got the str "yes"'
    result = run_playbook(demo_project, {"demo_name": "big", "demo_size": 20})
    assert result["msg"] == "demo_size: 1-10 nodes, got 20"


def test_rules_compare_numbers_given_as_strings_as_numbers(demo_project):
    """-e demo_size=7 arrives as the string "7": the rule sees the int the spec converted it to."""
    assert not run_playbook(demo_project, {"demo_name": "big", "demo_size": "7"}).get("failed")
    result = run_playbook(demo_project, {"demo_name": "big", "demo_size": "4"})
    assert result["msg"] == "demo_size: at least 5 for demo_name big, got 4"
