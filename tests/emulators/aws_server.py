"""AWS emulator: moto in server mode, with the project's extensions applied.

moto answers most of the AWS APIs the roles call. Where it lacks an API or a
behaviour a role relies on, the fix goes into ``aws_extensions`` (this
directory), never into a role. Started by ``ctl.py``; not product code.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto.server import ThreadedMotoServer  # noqa: E402

import aws_extensions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args()

    aws_extensions.apply()
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"AWS emulator (moto) listening on http://{args.host}:{args.port}", flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
