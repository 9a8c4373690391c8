"""A converged local platform shared by the integration tests of one pytest session.

`platform` starts a private pair of emulators (free ports, state in a tmp dir), converges
site.yml on inventories/local once, and hands the tests what they need to run more
playbooks and read the emulated cloud back. Tests that change the platform must leave it
converged (or re-run site.yml) for the tests after them; destructive tests (teardown)
use `fresh_platform` instead.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

from helpers import REPO, run

CTL = str(REPO / "tests" / "emulators" / "ctl.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Platform:
    state_dir: Path
    aws_port: int
    k8s_port: int
    env: dict[str, str] = field(default_factory=dict)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    @property
    def kubeconfig(self) -> str:
        return str(self.state_dir / "kubeconfig")

    def client(self, service: str, region: str = "us-east-1"):
        """A boto3 client on the emulated account (us-east-1 unless `region` names another)."""
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def playbook(self, *args: str, env: dict[str, str] | None = None, timeout: float = 1200):
        """ansible-playbook <args> -i inventories/local against this platform's emulators."""
        return run(["ansible-playbook", "-i", "inventories/local", *args], env={**self.env, **(env or {})}, timeout=timeout)

    def kubectl(self, *args: str, timeout: float = 60):
        return run(["kubectl", "--kubeconfig", self.kubeconfig, *args], env=self.env, timeout=timeout)

    def stop(self) -> None:
        run([sys.executable, CTL, "down"], env=self.env, timeout=120)


def start_platform(state_dir: Path, extra_env: dict[str, str] | None = None) -> Platform:
    platform = Platform(state_dir=state_dir, aws_port=free_port(), k8s_port=free_port())
    platform.env = {
        "EMULATOR_STATE_DIR": str(state_dir),
        "AWS_EMULATOR_PORT": str(platform.aws_port),
        "K8S_EMULATOR_PORT": str(platform.k8s_port),
        **(extra_env or {}),
    }
    up = run([sys.executable, CTL, "up"], env=platform.env, timeout=120)
    assert up.returncode == 0, up.stdout
    return platform


@pytest.fixture(scope="session")
def platform(tmp_path_factory) -> Platform:
    """A converged local platform, shared by the whole session."""
    plat = start_platform(tmp_path_factory.mktemp("platform"))
    try:
        result = plat.playbook("site.yml")
        (REPO / "reports").mkdir(exist_ok=True)
        (REPO / "reports" / "integration-converge.log").write_text(result.stdout)
        assert result.returncode == 0, result.stdout[-15000:]
        yield plat
    finally:
        plat.stop()


@pytest.fixture
def fresh_platform(tmp_path) -> Platform:
    """Empty emulators of the test's own (nothing converged)."""
    plat = start_platform(tmp_path / "emulators")
    try:
        yield plat
    finally:
        plat.stop()
