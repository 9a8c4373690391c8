#!/usr/bin/env python3
"""Start, stop and inspect the embedded emulators (AWS and Kubernetes).

    python tests/emulators/ctl.py up       # idempotent: reuses running emulators
    python tests/emulators/ctl.py down     # stops both, leaves no process behind
    python tests/emulators/ctl.py status

Settings come from the environment (or the matching flags):

    EMULATOR_STATE_DIR   .emulators     pid files, logs and the kubeconfig
    AWS_EMULATOR_PORT    4566           moto server (the port LocalStack uses)
    K8S_EMULATOR_PORT    6443           Kubernetes API emulator (plain HTTP)
    K8S_EMULATOR_CRDS    ""             CRDs the emulated cluster starts with (none: the external_secrets
                                        role installs External Secrets Operator's chart, CRDs included;
                                        "external-secrets" starts with them, as a cluster where ESO is
                                        already installed). Once they exist, ESO's controller is
                                        simulated against the AWS emulator started next to it

The Kubernetes emulator writes its kubeconfig to ``$EMULATOR_STATE_DIR/kubeconfig`` and serves a
Helm chart repository of stand-in charts (packaged at start into ``$EMULATOR_STATE_DIR/charts``):
``http://127.0.0.1:$K8S_EMULATOR_PORT/charts/<repo>`` for the repos eks-charts, autoscaler and
external-secrets (``status`` prints the URL). Both listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
HOST = "127.0.0.1"


@dataclass
class Emulator:
    name: str
    port: int
    argv: list[str]


def emulators(state_dir: Path, aws_port: int, k8s_port: int) -> list[Emulator]:
    return [
        Emulator("aws", aws_port, [sys.executable, str(HERE / "aws_server.py"), "--host", HOST, "--port", str(aws_port)]),
        Emulator(
            "k8s",
            k8s_port,
            [
                sys.executable,
                str(HERE / "k8s_server.py"),
                "--host",
                HOST,
                "--port",
                str(k8s_port),
                "--kubeconfig",
                str(state_dir / "kubeconfig"),
                "--charts-dir",
                str(state_dir / "charts"),
                "--crds",
                os.environ.get("K8S_EMULATOR_CRDS", ""),
                "--aws-endpoint",
                os.environ.get("K8S_EMULATOR_AWS_ENDPOINT")
                or os.environ.get("PLATFORM_AWS_ENDPOINT_URL")
                or f"http://{HOST}:{aws_port}",
            ],
        ),
    ]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def read_pid(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return pid


def up(state_dir: Path, emus: list[Emulator], timeout: float) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    for emu in emus:
        pidfile = state_dir / f"{emu.name}.pid"
        pid = read_pid(pidfile)
        if pid and port_open(emu.port):
            print(f"{emu.name}: already running (pid {pid}, 127.0.0.1:{emu.port})")
            continue
        if port_open(emu.port):
            print(f"{emu.name}: port {emu.port} is taken by a process this tool did not start", file=sys.stderr)
            return 1
        log = open(state_dir / f"{emu.name}.log", "ab")
        proc = subprocess.Popen(
            emu.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, cwd=REPO
        )
        pidfile.write_text(str(proc.pid))
        deadline = time.monotonic() + timeout
        while not port_open(emu.port):
            if proc.poll() is not None or time.monotonic() > deadline:
                print(f"{emu.name}: failed to start; see {state_dir / (emu.name + '.log')}", file=sys.stderr)
                stop(pidfile)
                return 1
            time.sleep(0.1)
        print(f"{emu.name}: started (pid {proc.pid}, 127.0.0.1:{emu.port})")
    return 0


def stop(pidfile: Path) -> bool:
    pid = read_pid(pidfile)
    pidfile.unlink(missing_ok=True)
    if pid is None:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except OSError:
        return False
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    return True


def down(state_dir: Path, emus: list[Emulator]) -> int:
    for emu in emus:
        stopped = stop(state_dir / f"{emu.name}.pid")
        print(f"{emu.name}: {'stopped' if stopped else 'not running'}")
    return 0


def status(state_dir: Path, emus: list[Emulator]) -> int:
    rc = 0
    for emu in emus:
        pid = read_pid(state_dir / f"{emu.name}.pid")
        running = pid is not None and port_open(emu.port)
        print(f"{emu.name}: {'running (pid %d, 127.0.0.1:%d)' % (pid, emu.port) if running else 'stopped'}")
        if emu.name == "k8s" and running:
            repos = sorted(p.name for p in (state_dir / "charts").glob("*") if p.is_dir())
            print(f"k8s: chart repository http://{HOST}:{emu.port}/charts/<repo> ({', '.join(repos) or 'no charts'})")
        rc |= 0 if running else 3
    return rc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("--state-dir", default=os.environ.get("EMULATOR_STATE_DIR", str(REPO / ".emulators")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_EMULATOR_PORT", "4566")))
    parser.add_argument("--k8s-port", type=int, default=int(os.environ.get("K8S_EMULATOR_PORT", "6443")))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each emulator to listen")
    parser.add_argument("--only", choices=["aws", "k8s"], help="act on one emulator only")
    args = parser.parse_args()
    state_dir = Path(args.state_dir).resolve()
    emus = [e for e in emulators(state_dir, args.aws_port, args.k8s_port) if args.only in (None, e.name)]
    if args.action == "up":
        return up(state_dir, emus, args.timeout)
    if args.action == "down":
        return down(state_dir, emus)
    return status(state_dir, emus)


if __name__ == "__main__":
    sys.exit(main())
