# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cardplatform.aws.validate_inputs: check one role's inputs before any API call.

Each role's tasks/validate.yml is this one task; playbooks/validate.yml (the guard play)
runs it for every role, and each role's present.yml includes validate.yml so that the
role refuses bad input when it is used on its own. Where each kind of rule lives
(docs/validation.md):

- roles/<role>/meta/argument_specs.yml, entry point ``main``: types, ``required``,
  ``choices``, descriptions, and single-variable integer ranges, written in the option's
  description as ``Range <min>-<max> [unit].`` (the argument-spec schema has no key for a
  range). Checked here with ansible's ArgumentSpecValidator plus what it lets through:
  a required value that is empty (null or blank), a boolean given as a string (the
  validator turns "false" into false silently), and the ranges. Nested ``options`` (dicts
  and lists of dicts) are checked at any depth.
- roles/<role>/meta/rules.yml: every rule the spec cannot say (formats, rules between
  variables, rules between the fields of a list element). Format::

    vars:                # helpers, rendered lazily, visible to every rule (role-prefixed)
      rds__major: "{{ (rds_engine_version | string).split('.')[0] }}"
    rules:
      - var: rds_max_allocated_storage   # the variable(s) the rule is about (str or list)
        when: rds_allocated_storage > 0  # optional, a bare conditional like `when:`
        loop: eks_nodegroups             # optional, a bare expression: the rule is checked
        loop_var: item                   #   per element, bound to loop_var (default item)
        that: rds_max_allocated_storage >= rds_allocated_storage   # bare conditional(s), all must hold
        msg: >-                          # template: the variable, what is allowed, what was given
          rds_max_allocated_storage: at least rds_allocated_storage ({{ rds_allocated_storage }}), got ...
      - var: vpc_subnet_tiers            # or: a computed check that returns its own messages
        errors: vpc__plan.errors         # a bare expression giving a list of messages

Rules assume the types are right, so they are evaluated only when the spec checks pass, and
they see the scalar options as the spec converted them (an int given as "500" in -e is 500).
The result's ``msg`` joins the messages of the failed checks only, one per failed rule
(and per failing element of a looped rule); ``errors`` lists them.

Options (all optional):
  argument_spec: the options of the entry point (default: read from role_path's meta/argument_specs.yml)
  entry_point: the argument-spec entry point (default main)
  rules: path of the rule file (default: role_path's meta/rules.yml; absent means no rules)
"""

from __future__ import annotations

import json
import os
import re
from collections import ChainMap
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

RANGE_RE = re.compile(r"\bRange (-?[0-9]+)-(-?[0-9]+)(?: ([A-Za-z][A-Za-z ]*?))?[.;]")
RULE_KEYS = frozenset(("var", "that", "msg", "when", "loop", "loop_var", "errors"))
SCALAR_TYPES = frozenset(("int", "float", "bool", "str", "path"))


def native_type(value) -> str:
    """The YAML/JSON type of a value, as the messages name it."""
    if value is None:
        return "null"
    for kind, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (Mapping, "dict")):
        if isinstance(value, kind):
            return name
    if isinstance(value, Sequence):
        return "list"
    return type(value).__name__


def _to_json(value) -> str:
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return repr(value)


def description(option: Mapping) -> str:
    text = option.get("description") or ""
    if not isinstance(text, str):
        text = " ".join(str(part) for part in text)
    return " ".join(text.split())


def option_range(option: Mapping):
    """(min, max, unit) from a description's ``Range <min>-<max> [unit].``, or None."""
    found = RANGE_RE.search(description(option))
    if not found:
        return None
    return int(found.group(1)), int(found.group(2)), found.group(3) or ""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _label(element: Mapping, index: int) -> str:
    name = element.get("name")
    return name if isinstance(name, str) and name else str(index)


def _children(option: Mapping, value, path: str):
    """(sub-spec, element, element path, setter) for the dicts nested under an option."""
    sub = option.get("options")
    if not isinstance(sub, Mapping):
        return
    kind = option.get("type", "str")
    if kind == "dict" and isinstance(value, Mapping):
        yield sub, value, path + "."
    elif kind == "list" and option.get("elements") == "dict" and isinstance(value, list):
        for index, element in enumerate(value):
            if isinstance(element, Mapping):
                yield sub, element, f"{path}[{_label(element, index)}]."


def precheck(spec: Mapping, values: Mapping, prefix: str = "", top: bool = True):
    """What ArgumentSpecValidator lets through: required values left empty, booleans given as
    strings. Returns (messages, cleaned copy of values, names to stop requiring at this level):
    the flagged values are taken out so that the validator does not report them again."""
    errors: list[str] = []
    clean = dict(values)
    relaxed: set[str] = set()
    for name, option in spec.items():
        option = option or {}
        if name not in values:
            continue
        value = values[name]
        path = prefix + name
        kind = option.get("type", "str")
        if option.get("required") and _blank(value):
            errors.append(f"{path} is required and must not be empty ({description(option)})")
            empty = {"list": [], "dict": {}, "str": ""}.get(kind)
            if top or empty is None:
                clean.pop(name)
                relaxed.add(name)
            else:
                clean[name] = empty
        elif kind == "bool" and value is not None and not isinstance(value, bool):
            hint = f'; in -e use JSON such as {{"{name}": true}}' if top else ""
            errors.append(f"{path} must be a boolean (true or false, unquoted{hint}), got the {native_type(value)} {_to_json(value)}")
            clean[name] = False
        else:
            sub_spec = option.get("options")
            if kind == "dict" and isinstance(sub_spec, Mapping) and isinstance(value, Mapping):
                sub_errors, sub_clean, _ = precheck(sub_spec, value, path + ".", top=False)
                errors += sub_errors
                clean[name] = sub_clean
            elif kind == "list" and option.get("elements") == "dict" and isinstance(sub_spec, Mapping) and isinstance(value, list):
                cleaned = []
                for index, element in enumerate(value):
                    if isinstance(element, Mapping):
                        sub_errors, element, _ = precheck(sub_spec, element, f"{path}[{_label(element, index)}].", top=False)
                        errors += sub_errors
                    cleaned.append(element)
                clean[name] = cleaned
    return errors, clean, relaxed


def range_errors(spec: Mapping, values: Mapping, prefix: str = "") -> list[str]:
    """Integer options outside the ``Range`` of their description (values already converted)."""
    errors: list[str] = []
    for name, option in spec.items():
        option = option or {}
        value = values.get(name)
        if value is None:
            continue
        path = prefix + name
        bounds = option_range(option)
        if bounds and isinstance(value, int) and not isinstance(value, bool) and not bounds[0] <= value <= bounds[1]:
            low, high, unit = bounds
            errors.append(f"{path}: {low}-{high}{' ' + unit if unit else ''}, got {value}")
        for sub_spec, element, sub_prefix in _children(option, value, path):
            errors += range_errors(sub_spec, element, sub_prefix)
    return errors


def validate(spec: Mapping, values: Mapping) -> tuple[list[str], list[str], dict]:
    """(type errors, range errors, converted scalars) of the argument-spec phase, for values
    already templated. Ranges are checked only on values of the right type. The converted
    scalars (int, float, bool and str options that were given, e.g. "500" from -e as 500) are
    what the rules see, so that a rule compares numbers as numbers."""
    errors, clean, relaxed = precheck(spec, values)
    spec_copy = {name: (dict(option or {}, required=False) if name in relaxed else option) for name, option in spec.items()}
    result = ArgumentSpecValidator(spec_copy).validate(clean, validate_role_argument_spec=True)
    errors = list(result.error_messages) + errors
    if errors:
        return errors, [], {}
    converted = {
        name: result.validated_parameters[name]
        for name, option in spec.items()
        if name in clean and (option or {}).get("type", "str") in SCALAR_TYPES and result.validated_parameters.get(name) is not None
    }
    return errors, range_errors(spec, result.validated_parameters), converted


def check_spec(spec: Mapping, values: Mapping) -> tuple[list[str], list[str]]:
    """(type errors, range errors) of the argument-spec phase."""
    errors, ranges, _ = validate(spec, values)
    return errors, ranges


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_rule_data(data, source: str) -> tuple[dict, list]:
    """(vars, rules) of a rule file; raises AnsibleError on anything it does not know."""
    if data is None:
        return {}, []
    if not isinstance(data, Mapping) or set(data) - {"vars", "rules"}:
        raise AnsibleError(f"{source}: a mapping with `vars` and `rules` only")
    helpers = data.get("vars") or {}
    rules = data.get("rules") or []
    if not isinstance(helpers, Mapping) or not isinstance(rules, list):
        raise AnsibleError(f"{source}: `vars` is a mapping and `rules` a list")
    for index, rule in enumerate(rules):
        where = f"{source}: rule {index + 1}"
        if not isinstance(rule, Mapping):
            raise AnsibleError(f"{where} is not a mapping")
        unknown = set(rule) - RULE_KEYS
        if unknown:
            raise AnsibleError(f"{where} ({rule.get('var')}): unknown keys {sorted(unknown)}; allowed: {sorted(RULE_KEYS)}")
        if not rule.get("var"):
            raise AnsibleError(f"{where}: `var` names the variable(s) the rule is about")
        if ("errors" in rule) == ("that" in rule) or ("that" in rule and "msg" not in rule):
            raise AnsibleError(f"{where} ({rule['var']}): either `that` with `msg`, or `errors`")
    return dict(helpers), rules


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def evaluate_rules(templar, helpers: Mapping, rules: list, converted: Mapping | None = None) -> list[str]:
    """Messages of the rules that fail. ``templar`` sees the task's variables; the converted
    option values, then ``helpers``, are layered over them (and the loop variable over all)."""
    base = ChainMap(dict(helpers), dict(converted or {}), templar.available_variables)
    scope = templar.copy_with_new_env(available_variables=base)
    errors: list[str] = []
    for rule in rules:
        names = ", ".join(str(name) for name in _as_list(rule["var"]))
        try:
            if "loop" not in rule and not all(scope.evaluate_conditional(c) for c in _as_list(rule.get("when"))):
                continue
            if "loop" in rule:
                elements = scope.evaluate_expression(rule["loop"])
                if elements is None:
                    elements = []
                loop_var = rule.get("loop_var", "item")
                contexts = [scope.copy_with_new_env(available_variables=base.new_child({loop_var: element})) for element in elements]
            else:
                contexts = [scope]
        except Exception as error:  # noqa: BLE001 - a rule that cannot run is a refusal, not a crash
            errors.append(f"{names}: the rule could not be checked ({_first_line(error)})")
            continue
        for context in contexts:
            try:
                if "loop" in rule and not all(context.evaluate_conditional(c) for c in _as_list(rule.get("when"))):
                    continue
                if "errors" in rule:
                    found = context.evaluate_expression(rule["errors"])
                    errors += [" ".join(str(message).split()) for message in _as_list(found)]
                    continue
                if all(context.evaluate_conditional(condition) for condition in _as_list(rule["that"])):
                    continue
                errors.append(" ".join(str(context.template(rule["msg"])).split()))
            except Exception as error:  # noqa: BLE001
                errors.append(f"{names}: the rule could not be checked ({_first_line(error)})")
    return errors


class ActionModule(ActionBase):
    """Check a role's inputs: its argument spec, then its rule file."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(("argument_spec", "entry_point", "rules"))

    def _role_file(self, task_vars, relative):
        role_path = task_vars.get("role_path")
        if not role_path:
            raise AnsibleError(f"cardplatform.aws.validate_inputs runs inside a role (no role_path to find {relative})")
        return os.path.join(self._templar.template(role_path), relative)

    def _spec(self, args, task_vars):
        if args.get("argument_spec") is not None:
            spec = args["argument_spec"]
        else:
            path = self._role_file(task_vars, os.path.join("meta", "argument_specs.yml"))
            data = self._loader.load_from_file(path) or {}
            entry = args.get("entry_point") or "main"
            try:
                spec = data["argument_specs"][entry].get("options") or {}
            except (KeyError, TypeError, AttributeError) as error:
                raise AnsibleError(f"{path}: no argument_specs.{entry}.options") from error
        if not isinstance(spec, Mapping):
            raise AnsibleError("argument_spec: a dict of options")
        return spec

    def _rules(self, args, task_vars):
        path = args.get("rules") or self._role_file(task_vars, os.path.join("meta", "rules.yml"))
        path = self._loader.path_dwim(path)
        if not os.path.exists(path):
            if args.get("rules"):
                raise AnsibleError(f"rules: {path} does not exist")
            return {}, []
        return check_rule_data(self._loader.load_from_file(path, trusted_as_template=True), path)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        validation = self.validate_argument_spec(
            argument_spec={
                "argument_spec": {"type": "dict"},
                "entry_point": {"type": "str", "default": "main"},
                "rules": {"type": "path"},
            }
        )
        args = validation[1]
        spec = self._spec(args, task_vars)
        helpers, rules = self._rules(args, task_vars)

        values, errors = {}, []
        for name in spec:
            if name not in task_vars:
                continue
            try:
                values[name] = self._templar.template(task_vars[name])
            except AnsibleError as error:
                errors.append(f"{name}: cannot be evaluated ({_first_line(error)})")
        type_errors, out_of_range, converted = validate(spec, values)
        errors += type_errors
        # Rules assume the types are right: they run only once the types are.
        result["spec_errors"] = errors + out_of_range
        result["rule_errors"] = [] if errors else evaluate_rules(self._templar, helpers, rules, converted)
        errors = result["spec_errors"] + result["rule_errors"]

        result["changed"] = False
        result["errors"] = errors
        result["checked"] = {"options": len(spec), "rules": len(rules)}
        if errors:
            result["failed"] = True
            result["msg"] = "; ".join(errors)
        else:
            result["msg"] = f"{len(values)} inputs and {len(rules)} rules checked"
        return result
