# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the mq_broker / rds_instance_master_password / elasticache_subnet_group unit tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import boto3
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


def set_credentials(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)


def run_module(module, args, capsys, check_mode=False, diff=False):
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


class Recorder:
    """Records the API calls botocore makes (to prove what was, or was not, sent)."""

    def __init__(self):
        self.calls = []

    def __call__(self, params, model, **kwargs):
        self.calls.append((model.name, params))

    def writes(self):
        return [name for name, _ in self.calls if not name.startswith(("Describe", "List"))]


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    original = boto3.session.Session.client

    def client(self, service_name, *args, **kwargs):
        c = original(self, service_name, *args, **kwargs)
        c.meta.events.register("provide-client-params.*.*", rec)
        return c

    monkeypatch.setattr(boto3.session.Session, "client", client)
    return rec
