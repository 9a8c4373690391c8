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
    K8S_EMULATOR_CRDS                   [""]   CRDs present at start: comma-separated bundle names under
                                               k8s/crds/ (``external-secrets``) or paths of YAML files
    K8S_EMULATOR_AWS_ENDPOINT           [""]   AWS emulator URL: turns on the External Secrets Operator
                                               simulation (ExternalSecret -> Secret from Secrets Manager) and
                                               the Nodes of the EKS node groups' instances (k8s/nodes.py)
    K8S_EMULATOR_NODE_SYNC              [0.5]  seconds between reads of the node groups' instances (0: off)
    --charts-dir                        [charts/ next to the kubeconfig]  the stand-in charts (k8s/charts.py)
                                               are packaged there at start and served under /charts/<repo>/
tests/emulators/ctl.py turns both on (ESO CRDs, its own AWS emulator) for the local platform.
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

from k8s import charts  # noqa: E402
from k8s.controllers import Settings  # noqa: E402
from k8s.server import make_server, serve_until  # noqa: E402

CRD_BUNDLES = Path(__file__).resolve().parent / "k8s" / "crds"

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


def load_crds(spec: str) -> list[dict]:
    """CRD documents of a comma-separated list of bundle names (k8s/crds/<name>.yaml) or file paths."""
    import yaml

    docs: list[dict] = []
    for item in (part.strip() for part in (spec or "").split(",")):
        if not item:
            continue
        path = CRD_BUNDLES / f"{item}.yaml" if "/" not in item and not item.endswith((".yaml", ".yml")) else Path(item)
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in CRD_BUNDLES.glob("*.yaml")))
            raise SystemExit(f"k8s emulator: no CRD bundle {item!r} (known: {known}; or give a YAML file path)")
        docs += [
            doc for doc in yaml.safe_load_all(path.read_text()) if doc and doc.get("kind") == "CustomResourceDefinition"
        ]
    return docs


def settings_from_env(aws_endpoint: str | None = None) -> Settings:
    cap = os.environ.get("K8S_EMULATOR_PROGRESS_DEADLINE_CAP")
    return Settings(
        rollout_delay=float(os.environ.get("K8S_EMULATOR_ROLLOUT_DELAY", "0.5")),
        unready_image=os.environ.get("K8S_EMULATOR_UNREADY_IMAGE", r":never-ready$"),
        progress_deadline_cap=float(cap) if cap else None,
        job_delay=float(os.environ.get("K8S_EMULATOR_JOB_DELAY", "0.5")),
        hpa_scale=os.environ.get("K8S_EMULATOR_HPA_SCALE", "1") not in ("0", "false", "no"),
        aws_endpoint=aws_endpoint if aws_endpoint is not None else os.environ.get("K8S_EMULATOR_AWS_ENDPOINT") or None,
        node_sync=float(os.environ.get("K8S_EMULATOR_NODE_SYNC", "0.5")),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6443)
    parser.add_argument("--kubeconfig", default=".emulators/kubeconfig", help="where to write the kubeconfig")
    parser.add_argument(
        "--crds",
        default=os.environ.get("K8S_EMULATOR_CRDS", ""),
        help="CRDs registered at start: bundle names under k8s/crds/ (external-secrets) or YAML paths, comma-separated",
    )
    parser.add_argument(
        "--charts-dir",
        default="",
        help="where the stand-in charts are packaged and served from under /charts/"
        " (default: charts/ next to the kubeconfig)",
    )
    parser.add_argument(
        "--aws-endpoint",
        default=os.environ.get("K8S_EMULATOR_AWS_ENDPOINT", ""),
        help="AWS emulator URL for the External Secrets Operator simulation (empty: off)",
    )
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sys.stdout.reconfigure(line_buffering=True)
    settings = settings_from_env(args.aws_endpoint)
    crds = load_crds(args.crds)
    charts_dir = Path(args.charts_dir or Path(args.kubeconfig).parent / "charts").resolve()
    built = charts.build(charts_dir, f"http://{args.host}:{args.port}/charts")
    write_kubeconfig(Path(args.kubeconfig), args.host, args.port)
    server, emu = make_server(
        args.host,
        args.port,
        settings,
        os.environ.get("K8S_EMULATOR_REQUIRE_NAMESPACE", "1") not in ("0", "false", "no"),
        crds,
        charts_dir,
    )
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logging.getLogger("k8s-emulator").info(
        "listening on http://%s:%d (kubeconfig %s; rollout delay %.2fs, unready image /%s/; CRDs %s; ESO simulation %s;"
        " chart repository http://%s:%d/charts/<repo>/: %s)",
        args.host,
        args.port,
        args.kubeconfig,
        settings.rollout_delay,
        settings.unready.pattern if settings.unready else "",
        ", ".join(c["metadata"]["name"] for c in crds) or "none",
        settings.aws_endpoint or "off",
        args.host,
        args.port,
        ", ".join(built),
    )
    serve_until(server, emu, stop)
    logging.getLogger("k8s-emulator").info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
