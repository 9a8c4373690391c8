"""AWS emulator: moto in server mode, with the project's extensions applied.

moto answers most of the AWS APIs the roles call. Where it lacks an API or a
behaviour a role relies on, the fix goes into ``aws_extensions`` (this
directory), never into a role. ``aws_realism`` adds the request log
(``/_emulator/requests``), fault injection (``/_emulator/faults``) and resource
lifecycles (``/_emulator/lifecycle``). Started by ``ctl.py``; not product code.

Settings (flags override the environment):

    --time-scale  AWS_EMULATOR_TIME_SCALE  seconds per AWS minute of lifecycle wait (0 = instant)
    --faults      AWS_EMULATOR_FAULTS      JSON list of fault rules (or @file)
    --seed        AWS_EMULATOR_SEED        seed of the fault decisions (default 0)
    --durations   AWS_EMULATOR_DURATIONS   JSON object overriding lifecycle durations (AWS minutes)
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aws_extensions  # noqa: E402
import aws_realism  # noqa: E402


def _json_arg(value: str):  # type: ignore[no-untyped-def]
    if value.startswith("@"):
        value = Path(value[1:]).read_text(encoding="utf-8")
    try:
        return json.loads(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc}") from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--time-scale", type=float, default=None,
                        help=f"seconds per AWS minute (env {aws_realism.ENV_TIME_SCALE}; default {aws_realism.DEFAULT_TIME_SCALE})")
    parser.add_argument("--faults", type=_json_arg, default=None,
                        help=f"fault rules as JSON or @file (env {aws_realism.ENV_FAULTS})")
    parser.add_argument("--seed", type=int, default=None, help=f"fault seed (env {aws_realism.ENV_SEED}; default 0)")
    parser.add_argument("--durations", type=_json_arg, default=None,
                        help=f"lifecycle durations in AWS minutes, JSON (env {aws_realism.ENV_DURATIONS})")
    args = parser.parse_args()

    try:
        realism = aws_realism.Realism(time_scale=args.time_scale, faults=args.faults, seed=args.seed,
                                      durations=args.durations)
    except aws_realism.ConfigError as exc:
        parser.error(str(exc))
    aws_extensions.apply()
    aws_realism.install_lifecycle()  # after the extensions: it wraps what they installed
    server = aws_realism.make_server_class()(realism, ip_address=args.host, port=args.port, verbose=False)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"AWS emulator (moto) listening on http://{args.host}:{args.port} ({realism.summary()})", flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
