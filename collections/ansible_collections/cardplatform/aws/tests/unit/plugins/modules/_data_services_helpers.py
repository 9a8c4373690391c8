# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the mq_broker / rds_instance_master_password / elasticache_subnet_group unit tests."""

from __future__ import annotations

import boto3
import pytest

# One copy of the runner and of the set of applied emulator extensions for every unit test
# (applying an extension twice would wrap moto twice).
from _vpc_eks_helpers import REGION, apply_extensions, set_credentials  # noqa: F401
from _vpc_eks_helpers import run_module_raw as run_module  # noqa: F401


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
