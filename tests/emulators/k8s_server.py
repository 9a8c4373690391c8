#!/usr/bin/env python3
"""Kubernetes API emulator: plain HTTP on 127.0.0.1, in-memory state, controller simulations.

    python tests/emulators/k8s_server.py --host 127.0.0.1 --port 6443 --kubeconfig .emulators/kubeconfig

The kubeconfig (context ``emulator``, a token user) is written before the port listens.
Logs one line per request to stdout; SIGTERM/SIGINT stop it cleanly.

Environment knobs (defaults in brackets):
    K8S_EMULATOR_ROLLOUT_DELAY          [0.5]  seconds before a Deployment's new pods become ready
    K8S_EMULATOR_UNREADY_IMAGE          [:never-ready$]  regex; matching container images never get ready
    K8S_EMULATOR_PROGRESS_DEADLINE_CAP  [unset]  cap (seconds) on spec.progressDeadlineSeconds
    K8S_EMULATOR_JOB_DELAY              [0.5]  seconds before a Job completes
    K8S_EMULATOR_HPA_SCALE              [1]    HPAs clamp their target's replicas into [min, max]
    K8S_EMULATOR_REQUIRE_NAMESPACE      [1]    creating in a missing namespace answers 404 (as a real server)
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from k8s.controllers import Settings  # noqa: E402
from k8s.server import make_server, serve_until  # noqa: E402

KUBECONFIG = """\
apiVersion: v1
kind: Config
preferences: {{}}
clusters:
  - name: emulator
    cluster:
      server: http://{host}:{port}
contexts:
  - name: emulator
    context:
      cluster: emulator
      user: emulator
      namespace: default
current-context: emulator
users:
  - name: emulator
    user:
      token: emulator-token
"""


def write_kubeconfig(path: Path, host: str, port: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(KUBECONFIG.format(host=host, port=port))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def settings_from_env() -> Settings:
    cap = os.environ.get("K8S_EMULATOR_PROGRESS_DEADLINE_CAP")
    return Settings(
        rollout_delay=float(os.environ.get("K8S_EMULATOR_ROLLOUT_DELAY", "0.5")),
        unready_image=os.environ.get("K8S_EMULATOR_UNREADY_IMAGE", r":never-ready$"),
        progress_deadline_cap=float(cap) if cap else None,
        job_delay=float(os.environ.get("K8S_EMULATOR_JOB_DELAY", "0.5")),
        hpa_scale=os.environ.get("K8S_EMULATOR_HPA_SCALE", "1") not in ("0", "false", "no"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6443)
    parser.add_argument("--kubeconfig", default=".emulators/kubeconfig", help="where to write the kubeconfig")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sys.stdout.reconfigure(line_buffering=True)
    settings = settings_from_env()
    write_kubeconfig(Path(args.kubeconfig), args.host, args.port)
    server, emu = make_server(
        args.host,
        args.port,
        settings,
        os.environ.get("K8S_EMULATOR_REQUIRE_NAMESPACE", "1") not in ("0", "false", "no"),
    )
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logging.getLogger("k8s-emulator").info(
        "listening on http://%s:%d (kubeconfig %s; rollout delay %.2fs, unready image /%s/)",
        args.host,
        args.port,
        args.kubeconfig,
        settings.rollout_delay,
        settings.unready.pattern if settings.unready else "",
    )
    serve_until(server, emu, stop)
    logging.getLogger("k8s-emulator").info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
