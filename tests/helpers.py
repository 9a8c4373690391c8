"""Helpers shared by the tests: the repository path and a runner for the virtualenv's tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What the Makefile exports for every entry point: botocore's retry policy on the controller,
# where the roles' secretsmanager_secret lookups run (modules get it from
# platform_aws_environment). The tests inject 20 % throttling.
CONTROLLER_AWS_RETRIES = {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "10"}


def tool_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the virtualenv's tools run with: the project's ansible.cfg, the
    controller's AWS retry policy (unless the caller's environment sets one), then `env`."""
    full_env = {**CONTROLLER_AWS_RETRIES, **os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
                "ANSIBLE_HOME": str(REPO / ".ansible")}
    full_env["PATH"] = f"{BIN}{os.pathsep}{full_env.get('PATH', '')}"
    full_env.update(env or {})
    return full_env


def run(argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 900, cwd: Path = REPO):
    """Run a command from the virtualenv, returning the CompletedProcess (text, merged output)."""
    full_env = tool_env(env)
    return subprocess.run(
        argv, cwd=cwd, env=full_env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout
    )
