"""Issue #17: no Jinja statement logic (`{% %}`) over 10 lines in role YAML. Longer logic
belongs in a module, action plugin or filter of the local collection, with unit tests (the
read gates of plugins/module_utils/in_sync.py, cardplatform.aws.route_table_plan, ...)."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 10


def _blocks(node, found):
    """(first line, source lines) of every scalar holding a `{%` statement."""
    if isinstance(node, yaml.ScalarNode):
        if "{%" in str(node.value):
            # A block scalar (| or >) ends on the line after its last one; a plain or quoted one on it.
            lines = node.end_mark.line - node.start_mark.line + (1 if node.style in (None, "'", '"') else 0)
            found.append((node.start_mark.line + 1, lines))
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            _blocks(value, found)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            _blocks(value, found)
    return found


def test_no_jinja_statement_block_over_ten_lines_in_role_yaml():
    long_blocks = []
    for path in sorted((REPO / "roles").rglob("*.yml")):
        for document in yaml.compose_all(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader):
            if document is not None:
                long_blocks += [f"{path.relative_to(REPO)}:{line} ({lines} lines)"
                                for line, lines in _blocks(document, []) if lines > MAX_LINES]
    assert long_blocks == [], f"Jinja {{% %}} logic over {MAX_LINES} lines (move it into the collection): {long_blocks}"
