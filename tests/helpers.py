"""Helpers shared by the tests: the repository path and a runner for the virtualenv's tools."""

from __future__ import annotations

import contextlib
import os
import re
import socket
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


def recap_by_host(output: str) -> dict[str, dict[str, int]]:
    """Each host's counts (ok, changed, failed...) in the last PLAY RECAP of `output`; {} without
    one. site.yml runs each line of work on a host of its own (local-us-east-1.eks...): a check
    of the first host alone misses them."""
    if "PLAY RECAP" not in output:
        return {}
    hosts = {}
    for line in output.rsplit("PLAY RECAP", 1)[-1].splitlines():
        match = re.match(r"^(\S+)\s+: (ok=\d+.*)$", line)
        if match:
            hosts[match.group(1)] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(2))}
    return hosts


def recap_totals(output: str) -> dict[str, int]:
    """The counts of the last PLAY RECAP summed over every host; fails (with the output's tail)
    when there is no recap."""
    hosts = recap_by_host(output)
    assert hosts, output[-3000:]
    totals: dict[str, int] = {}
    for counts in hosts.values():
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return totals


CTL = [sys.executable, str(REPO / "tests" / "emulators" / "ctl.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_emulators(state_dir: Path, **settings: str):
    """ctl.py's AWS and Kubernetes emulators on free ports with their state in `state_dir`
    (`settings` adds ctl.py variables such as K8S_EMULATOR_CRDS); yields the environment that
    reaches them and stops both on exit. They talk to each other, never to an outside endpoint."""
    env = {**os.environ, "EMULATOR_STATE_DIR": str(state_dir), "AWS_EMULATOR_PORT": str(free_port()),
           "K8S_EMULATOR_PORT": str(free_port()), **settings}
    env.pop("K8S_EMULATOR_AWS_ENDPOINT", None)
    env.pop("PLATFORM_AWS_ENDPOINT_URL", None)
    up = subprocess.run([*CTL, "up"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield env
    finally:
        subprocess.run([*CTL, "down"], env=env, capture_output=True, timeout=60, check=False)


def customer_kms_keys(kms) -> list[str]:
    """IDs of the account's KMS keys that are not AWS managed (alias/aws/*). moto creates
    alias/aws/ebs with KeyManager CUSTOMER when an encrypted volume without a key is launched
    (the CI runners' root volumes); in AWS it is an AWS managed key that nobody deletes."""
    aws_managed = {a["TargetKeyId"] for a in kms.list_aliases()["Aliases"]
                   if a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a}
    return [k["KeyId"] for k in kms.list_keys()["Keys"] if k["KeyId"] not in aws_managed]
