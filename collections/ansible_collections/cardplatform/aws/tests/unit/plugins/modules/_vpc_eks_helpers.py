# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the ec2_vpc_flow_log / eks_* module unit tests (moto in-process)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

sys.path.insert(0, str(Path(__file__).resolve().parents[8] / "tests" / "emulators"))
import aws_extensions  # noqa: E402  pylint: disable=wrong-import-position

REGION = "us-east-1"
_APPLIED = set()


def apply_extensions(*names):
    """Apply emulator extensions once per test session (they wrap moto in place)."""
    for name in names:
        if name not in _APPLIED:
            getattr(aws_extensions, name)()
            _APPLIED.add(name)


def run_module_raw(module, args, capsys, check_mode=False, diff=False):
    """Run the module's main(); return (result, raw stdout) so tests can look for leaked secrets."""
    args = dict(args, region=REGION)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    out = capsys.readouterr().out
    return json.loads(out), out


def run_module(module, args, capsys, check_mode=False, diff=False):
    return run_module_raw(module, args, capsys, check_mode=check_mode, diff=diff)[0]


def set_credentials(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
