# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the module_utils unit tests: a fake AnsibleAWSModule and moto."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

REGION = "us-east-1"


class Failed(Exception):
    def __init__(self, msg, error=None, **kwargs):
        super().__init__(msg)
        self.msg, self.error, self.kwargs = msg, error, kwargs


class Exited(Exception):
    def __init__(self, result):
        super().__init__("exit_json")
        self.result = result


class FakeModule:
    """What the helpers use of an AnsibleAWSModule; fail_json*/exit_json raise instead of exiting."""

    def __init__(self, check_mode=False, diff=False, **params):
        self.check_mode = check_mode
        self._diff = diff
        self.params = params
        self.retry_decorators = []

    def client(self, service, retry_decorator=None):
        self.retry_decorators.append(retry_decorator)
        return RetryingBotoClientWrapper(boto3.client(service, region_name=REGION), retry_decorator)

    def fail_json_aws(self, error, msg=None, **kwargs):
        raise Failed(msg, error, **kwargs)

    def fail_json(self, msg, **kwargs):
        raise Failed(msg, **kwargs)

    def exit_json(self, **result):
        raise Exited(result)


@pytest.fixture
def aws(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield
