"""Helpers shared by the service modules of ``aws_extensions``."""

from __future__ import annotations


def time_scale() -> float:
    """Seconds per AWS minute: the realism module's live setting, else AWS_EMULATOR_TIME_SCALE."""
    try:
        import aws_realism  # the server puts this directory on sys.path

        return float(aws_realism.LIFECYCLE.time_scale)
    except Exception:  # noqa: BLE001 - unit tests without the realism module
        import os

        try:
            return max(0.0, float(os.environ.get("AWS_EMULATOR_TIME_SCALE", "0") or 0))
        except ValueError:
            return 0.0
