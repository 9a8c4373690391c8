"""ctl.py starts both emulators idempotently and stops them without leaving a process."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import boto3
import yaml

from helpers import REPO, run

CTL = str(REPO / "tests" / "emulators" / "ctl.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def test_up_is_idempotent_and_down_leaves_nothing(tmp_path: Path):
    aws_port, k8s_port = free_port(), free_port()
    env = {"EMULATOR_STATE_DIR": str(tmp_path), "AWS_EMULATOR_PORT": str(aws_port), "K8S_EMULATOR_PORT": str(k8s_port)}
    try:
        first = run([sys.executable, CTL, "up"], env=env, timeout=120)
        assert first.returncode == 0, first.stdout
        assert first.stdout.count("started") == 2, first.stdout
        pids = {name: int((tmp_path / f"{name}.pid").read_text()) for name in ("aws", "k8s")}

        second = run([sys.executable, CTL, "up"], env=env, timeout=120)
        assert second.returncode == 0, second.stdout
        assert second.stdout.count("already running") == 2, second.stdout
        assert {name: int((tmp_path / f"{name}.pid").read_text()) for name in ("aws", "k8s")} == pids

        # The AWS emulator answers real API calls ...
        ec2 = boto3.client(
            "ec2",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{aws_port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]
        assert vpc["CidrBlock"] == "10.9.0.0/16"
        # ... and the Kubernetes emulator wrote a kubeconfig that kubectl can use.
        kubeconfig = tmp_path / "kubeconfig"
        server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
        assert server == f"http://127.0.0.1:{k8s_port}"
        namespaces = run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "namespaces", "-o", "name"], timeout=60)
        assert "namespace/default" in namespaces.stdout, namespaces.stdout
    finally:
        down = run([sys.executable, CTL, "down"], env=env, timeout=60)
    assert down.returncode == 0, down.stdout
    assert not listening(aws_port) and not listening(k8s_port)
    assert not any(alive(pid) for pid in pids.values())
    assert not list(tmp_path.glob("*.pid"))
