"""DynamoDB: conditional writes are atomic, as the run lock (cardplatform.aws.run_lock) needs."""

from __future__ import annotations

import threading

# One lock for every table: the run lock's writes are a handful per playbook run.
_WRITES = threading.Lock()


def dynamodb_atomic_conditional_writes() -> None:
    """PutItem, UpdateItem, DeleteItem and TransactWriteItems check their condition and write
    as one step, as DynamoDB does.

    moto 5.2.5 evaluates a ConditionExpression and then writes, with nothing in between held:
    the server answers each request on a thread of its own, so two runs racing for the same
    lock item (tests/integration/test_run_lock_concurrency.py starts two converges together) could both
    see it free and both "win". Serialize the writes of the backend.
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def patched(self, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            with _WRITES:
                return _original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, patched)
