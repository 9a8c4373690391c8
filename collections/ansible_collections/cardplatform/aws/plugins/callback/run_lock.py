# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Releases the run locks a failed run still holds, when the playbook ends.

The run_lock role (playbooks/run_lock.yml) takes a lock per environment and region and
releases it in the playbook's last play. A host that failed takes part in no later play, and
when every host of a play fails Ansible runs no later play at all, so that release does not
run after a failure. This callback does it instead: at the end of the playbook
(v2_playbook_on_stats, which Ansible sends after a failure too) it deletes, with the same
conditional DeleteItem as the module (only if this run still holds it), every lock a host
took (fact run_lock__held) and did not release (run_lock__released). A run killed outright
sends nothing: its lock stays until it expires or is broken with -e break_lock=<run ID>.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: run_lock
type: aggregate
short_description: Release the run locks a failed playbook run still holds
version_added: 0.2.0
description:
  - At the end of a playbook, releases every run lock (M(cardplatform.aws.run_lock), taken by
    the project's run_lock role) that a host of this run took and did not release because it
    failed. Deletes each lock only if this run still holds it (conditional C(DeleteItem)).
  - Prints one line per lock it released.
requirements:
  - enable in the configuration (C(callbacks_enabled = cardplatform.aws.run_lock), the project's ansible.cfg does)
  - boto3
notes:
  - "AWS API called: dynamodb:DeleteItem, with the connection settings the host used (region,
    endpoint, credentials from the inventory or the controller's environment), botocore's
    standard retry mode."
  - A run killed with SIGKILL (or a lost runner) runs no callback; its lock expires or is broken.
"""

from ansible.plugins.callback import CallbackBase

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # reported when a lock has to be released
    boto3 = None


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "cardplatform.aws.run_lock"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._variable_manager = None

    def v2_playbook_on_play_start(self, play) -> None:
        self._variable_manager = play.get_variable_manager()

    def held_locks(self) -> list[tuple[str, dict]]:
        """(host, run_lock__held) of every host that took a lock and did not release it."""
        if self._variable_manager is None:
            return []
        facts = getattr(self._variable_manager, "_nonpersistent_fact_cache", {})
        return [(host, dict(values["run_lock__held"])) for host, values in sorted(facts.items())
                if values.get("run_lock__held") and not values.get("run_lock__released")]

    @staticmethod
    def release(held: dict) -> str:
        connection = held.get("connection") or {}
        client = boto3.client(
            "dynamodb",
            region_name=connection.get("region"),
            endpoint_url=connection.get("endpoint_url"),
            aws_access_key_id=connection.get("access_key"),
            aws_secret_access_key=connection.get("secret_key"),
            config=Config(retries={"mode": "standard", "max_attempts": 10}),
        )
        try:
            client.delete_item(
                TableName=str(held["table"]), Key={"lock_id": {"S": str(held["lock_id"])}},
                ConditionExpression="run_id = :run_id", ExpressionAttributeValues={":run_id": {"S": str(held["run_id"])}},
            )
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("ConditionalCheckFailedException", "ResourceNotFoundException"):
                return "no longer held by this run, left alone"
            raise
        return "released"

    def v2_playbook_on_stats(self, stats) -> None:
        for host, held in self.held_locks():
            where = f"run lock {held.get('lock_id')} ({host}, run {held.get('run_id')})"
            if boto3 is None:
                self._display.warning(f"{where} not released: boto3 is missing. It expires or is broken with -e break_lock.")
                continue
            try:
                outcome = self.release(held)
            except (BotoCoreError, ClientError) as e:
                self._display.warning(f"{where} not released after the failure: {e}. "
                                      f"Break it with -e break_lock={held.get('run_id')} (docs/runbooks/run_lock.md).")
                continue
            self._display.display(f"The run failed: {where} {outcome}.")
