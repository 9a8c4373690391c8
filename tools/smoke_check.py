#!/usr/bin/env python3
"""Smoke checks after a converge: HTTP probes of the service URLs an inventory publishes.

    .venv/bin/python tools/smoke_check.py --inventory inventories/staging [--attempts 30] [--interval 10]

The URLs come from the inventory, the same values app_deploy renders into the Ingress:
`app_deploy_ingress_host` (group_vars/all/app.yml), and for each service with `ingress: true`
in `app_deploy_services` the liveness and readiness paths app_deploy gives its containers
(roles/app_deploy/vars/main.yml: /healthz, /readyz), behind the Ingress at https://<host>.
`--url` probes further URLs (repeatable); `--base-url` replaces https://<host> (a port-forward,
an internal load balancer).

Each URL must answer 2xx within --attempts tries, --interval seconds apart (a new ALB takes
minutes to register its targets and its DNS name to resolve). Exit 0 when every probe passed,
1 otherwise; one line per URL, and a Markdown table with --summary FILE (the workflow appends
it to the job summary). Standard library and PyYAML only.
"""

from __future__ import annotations

import argparse
import ssl
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
APP_VARS = REPO / "roles" / "app_deploy" / "vars" / "main.yml"


class InventoryError(Exception):
    """The inventory does not say where its services answer."""


@dataclass
class Probe:
    url: str
    ok: bool = False
    status: int | None = None
    attempts: int = 0
    error: str = ""


def _probe_paths() -> list[str]:
    """The liveness and readiness paths app_deploy sets on every container."""
    data = yaml.safe_load(APP_VARS.read_text()) or {}
    for value in data.values():
        if isinstance(value, dict) and "liveness_path" in value and "readiness_path" in value:
            return [value["liveness_path"], value["readiness_path"]]
    raise InventoryError(f"{APP_VARS} names no liveness_path/readiness_path")


def service_urls(inventory: Path, base_url: str | None = None) -> list[str]:
    """The URLs to probe for an inventory directory (inventories/<env>)."""
    app = inventory / "group_vars" / "all" / "app.yml"
    if not app.is_file():
        raise InventoryError(f"{app} does not exist")
    data = yaml.safe_load(app.read_text()) or {}
    services = [s for s in data.get("app_deploy_services") or [] if s.get("ingress")]
    if not services:
        raise InventoryError(f"{app}: no service in app_deploy_services has ingress: true")
    if base_url is None:
        host = data.get("app_deploy_ingress_host")
        if not host or "{{" in str(host):
            raise InventoryError(f"{app}: app_deploy_ingress_host must be a plain host name (got {host!r})")
        base_url = f"https://{host}"
    base_url = base_url.rstrip("/")
    # One Ingress host: every exposed service answers behind it at the same paths.
    return [f"{base_url}{path}" for path in _probe_paths()]


def probe(url: str, *, attempts: int, interval: float, timeout: float, context: ssl.SSLContext | None = None,
          sleep=time.sleep) -> Probe:
    """GET `url` until it answers 2xx or `attempts` tries have failed."""
    result = Probe(url)
    for attempt in range(1, attempts + 1):
        result.attempts = attempt
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout,  # noqa: S310
                                        context=context) as response:
                result.status = response.status
                result.ok = 200 <= response.status < 300
                result.error = ""
        except urllib.error.HTTPError as exc:
            result.status, result.error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            result.status, result.error = None, str(getattr(exc, "reason", exc))
        if result.ok:
            return result
        if attempt < attempts:
            sleep(interval)
    return result


def markdown(env: str, results: list[Probe]) -> str:
    lines = [f"### Smoke checks: {env}", "", "| URL | result | HTTP status | attempts |", "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.url} | {'pass' if r.ok else 'FAIL: ' + r.error} | {r.status or '-'} | {r.attempts} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventory", "-i", required=True, type=Path, help="inventory directory (inventories/<env>)")
    parser.add_argument("--base-url", help="probe this base URL instead of https://<app_deploy_ingress_host>")
    parser.add_argument("--url", action="append", default=[], help="a further URL to probe (repeatable)")
    parser.add_argument("--attempts", type=int, default=30, help="tries per URL (default 30)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between tries (default 10)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    parser.add_argument("--summary", type=Path, help="append a Markdown table of the results to this file")
    args = parser.parse_args(argv)

    try:
        urls = service_urls(args.inventory, args.base_url) + args.url
    except InventoryError as exc:
        print(f"smoke check: {exc}", file=sys.stderr)
        return 1
    results = [probe(url, attempts=args.attempts, interval=args.interval, timeout=args.timeout) for url in urls]
    for r in results:
        print(f"{'PASS' if r.ok else 'FAIL'} {r.url} status={r.status or '-'} attempts={r.attempts} {r.error}".rstrip())
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as handle:
            handle.write(markdown(args.inventory.name, results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
