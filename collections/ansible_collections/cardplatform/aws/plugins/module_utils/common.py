# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the project's modules share whatever the AWS service.

- a client whose calls retry throttling (amazon.aws ``AWSRetry.jittered_backoff``),
- calls and paginated reads that turn "not found" into None and fail the module on any other
  error with a message naming the resource,
- boto3 waiters and polling loops bounded by the module's ``wait_timeout``,
- tag sync on top of amazon.aws ``compare_aws_tags``,
- the result shape (snake_case keys, before/after diff).

What differs between services (API names, not-found error codes, response shapes) lives in the
per-service module_utils (eks, elasticache, mq, rds, ec2, iam, kms, secretsmanager), as in
amazon.aws.
"""

from __future__ import annotations

import time

try:
    import botocore
except ImportError:
    pass  # caught by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

# WaiterError is a BotoCoreError: a timed-out waiter is caught with the rest.
AWS_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) if "botocore" in globals() else ()


def retrying_client(module, service):
    """``module.client(service)``: each call given ``aws_retry=True`` retries throttling with jittered backoff."""
    return module.client(service, retry_decorator=AWSRetry.jittered_backoff())


def _guarded(module, msg, missing, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except is_boto3_error_code(list(missing)):
        return None
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=msg)


def call(module, client, method, msg, missing=(), **kwargs):
    """``client.<method>(**kwargs)`` with retries.

    An error whose code is in ``missing`` returns None (the resource is not there); any other
    error fails the module with ``msg``.
    """
    return _guarded(module, msg, missing, getattr(client, method), aws_retry=True, **kwargs)


def paginate(module, client, method, msg, missing=(), **kwargs):
    """The full result of paginator ``method`` (amazon.aws ``paginated_query_with_retries``), errors as in call()."""
    return _guarded(
        module, msg, missing, paginated_query_with_retries, client, method,
        retry_decorator=AWSRetry.jittered_backoff(), **kwargs,
    )


def wait(module, client, waiter_name, timeout, delay, msg, **params):
    """Wait with boto3 waiter ``waiter_name``, polling every ``delay`` seconds for ``timeout`` seconds.

    A timeout or an error fails the module with ``msg``, or ``msg(error)`` when it is callable
    (to report what the waiter saw last).
    """
    try:
        client.get_waiter(waiter_name).wait(WaiterConfig=custom_waiter_config(timeout, delay), **params)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=msg(e) if callable(msg) else msg)


def poll(module, read, done, timeout, delay, timeout_msg):
    """Call ``read()`` until ``done(value)``, ``delay`` seconds apart, for at most ``timeout`` seconds.

    For resources without a boto3 waiter. ``done`` may fail the module itself on a state that
    will never become the wanted one. When the next read would come after ``timeout`` the
    module fails with ``timeout_msg(last value)``. Returns ``(value, seconds waited)``.
    """
    started = time.monotonic()
    while True:
        value = read()
        if done(value):
            return value, time.monotonic() - started
        if time.monotonic() + delay - started > timeout:
            module.fail_json(msg=timeout_msg(value))
        time.sleep(delay)


def tags_after(current, to_add, to_remove):
    """The tags once ``to_add`` and ``to_remove`` (compare_aws_tags) are applied to ``current``."""
    return {k: v for k, v in dict(current, **to_add).items() if k not in to_remove}


def sync_tags(check_mode, current, wanted, purge, tag, untag):
    """Bring the tags ``current`` to ``wanted``; ``wanted`` None leaves them alone.

    ``untag(keys)`` then ``tag(dict)`` write the service's tag calls; nothing is written in
    check mode. Returns ``(to_add, to_remove, tags after)``.
    """
    current = current or {}
    if wanted is None:
        return {}, [], current
    to_add, to_remove = compare_aws_tags(current, wanted, purge)
    if not check_mode:
        if to_remove:
            untag(to_remove)
        if to_add:
            tag(to_add)
    return to_add, to_remove, tags_after(current, to_add, to_remove)


def snake_dict(resource, ignore=(), drop=()):
    """An API answer with snake_case keys; ``ignore`` keys (tags, labels) keep their content, ``drop`` keys go."""
    if not resource:
        return {}
    result = camel_dict_to_snake_dict(resource, ignore_list=list(ignore))
    for key in drop:
        result.pop(key, None)
    return result


def exit_with_diff(module, diff, **result):
    """``exit_json(**result)``, with ``diff`` (before/after) in diff mode."""
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


class AWSResourceManager:
    """Base of the modules' managers: the module, its params, a retrying client of ``service``,
    whether anything changed, and calls that fail the module naming the resource (``label``)."""

    service = None

    def __init__(self, module, label=None):
        self.module = module
        self.params = module.params
        self.client = retrying_client(module, self.service)
        self.changed = False
        self.label = label

    def _msg(self, msg):
        return f"{msg} ({self.label})" if self.label else msg

    def call(self, method, msg, missing=(), **kwargs):
        return call(self.module, self.client, method, self._msg(msg), missing, **kwargs)

    def paginate(self, method, msg, missing=(), **kwargs):
        return paginate(self.module, self.client, method, self._msg(msg), missing, **kwargs)

    def wait_for(self, waiter_name, delay, msg, **params):
        """boto3 waiter ``waiter_name`` for at most the module's ``wait_timeout``."""
        wait(self.module, self.client, waiter_name, self.params["wait_timeout"], delay, msg, **params)
