"""tools/smoke_check.py: the staging deploy's HTTP probes, against a local HTTP server."""

from __future__ import annotations

import http.server
import importlib.util
import sys
import threading

import pytest
import yaml

from helpers import REPO

_SPEC = importlib.util.spec_from_file_location("smoke_check", REPO / "tools" / "smoke_check.py")
smoke = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = smoke  # dataclasses look their module up
_SPEC.loader.exec_module(smoke)


class _Handler(http.server.BaseHTTPRequestHandler):
    """/healthz answers 200; /readyz answers 503 for the first `not_ready` requests, then 200."""

    not_ready = 0
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen.append(self.path)
        if self.path == "/readyz" and type(self).not_ready > 0:
            type(self).not_ready -= 1
            status = 503
        else:
            status = 200 if self.path in ("/healthz", "/readyz") else 404
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok\n" if status == 200 else b"no\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.not_ready, _Handler.seen = 0, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("env", ["staging", "production"])
def test_urls_come_from_the_inventory(env):
    app = yaml.safe_load((REPO / "inventories" / env / "group_vars" / "all" / "app.yml").read_text())
    host = app["app_deploy_ingress_host"]
    assert smoke.service_urls(REPO / "inventories" / env) == [f"https://{host}/healthz", f"https://{host}/readyz"]


def test_base_url_replaces_the_ingress_host():
    urls = smoke.service_urls(REPO / "inventories" / "staging", "http://127.0.0.1:8080/")
    assert urls == ["http://127.0.0.1:8080/healthz", "http://127.0.0.1:8080/readyz"]


def test_inventory_without_a_plain_host_is_refused(tmp_path):
    (tmp_path / "group_vars" / "all").mkdir(parents=True)
    app = tmp_path / "group_vars" / "all" / "app.yml"
    app.write_text(yaml.safe_dump({"app_deploy_ingress_host": "{{ lookup('env', 'HOST') }}",
                                   "app_deploy_services": [{"name": "api", "ingress": True}]}))
    with pytest.raises(smoke.InventoryError, match="app_deploy_ingress_host must be a plain host name"):
        smoke.service_urls(tmp_path)
    app.write_text(yaml.safe_dump({"app_deploy_ingress_host": "a.example.com",
                                   "app_deploy_services": [{"name": "worker"}]}))
    with pytest.raises(smoke.InventoryError, match="no service in app_deploy_services has ingress: true"):
        smoke.service_urls(tmp_path)
    with pytest.raises(smoke.InventoryError, match="does not exist"):
        smoke.service_urls(tmp_path / "missing")


def test_probe_retries_until_ready(server):
    _Handler.not_ready = 2
    sleeps: list[float] = []
    result = smoke.probe(f"{server}/readyz", attempts=5, interval=7, timeout=5, sleep=sleeps.append)
    assert (result.ok, result.status, result.attempts, result.error) == (True, 200, 3, "")
    assert sleeps == [7, 7]


def test_probe_gives_up_after_its_attempts(server):
    sleeps: list[float] = []
    result = smoke.probe(f"{server}/missing", attempts=3, interval=1, timeout=5, sleep=sleeps.append)
    assert (result.ok, result.status, result.attempts, result.error) == (False, 404, 3, "HTTP 404")
    assert len(sleeps) == 2


def test_probe_of_a_closed_port_fails_with_the_reason():
    result = smoke.probe("http://127.0.0.1:9/healthz", attempts=1, interval=0, timeout=2)
    assert not result.ok and result.status is None and result.error


def test_main_passes_and_writes_the_summary(server, tmp_path, capsys):
    summary = tmp_path / "summary.md"
    code = smoke.main(["-i", str(REPO / "inventories" / "staging"), "--base-url", server, "--attempts", "1",
                       "--summary", str(summary)])
    assert code == 0, capsys.readouterr().out
    assert _Handler.seen == ["/healthz", "/readyz"]
    table = summary.read_text()
    assert "### Smoke checks: staging" in table and f"| {server}/readyz | pass | 200 | 1 |" in table


def test_main_fails_when_a_probe_fails(server, capsys):
    _Handler.not_ready = 10
    code = smoke.main(["-i", str(REPO / "inventories" / "staging"), "--base-url", server, "--attempts", "2",
                       "--interval", "0", "--url", f"{server}/healthz"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL {server}/readyz status=503 attempts=2 HTTP 503" in out and f"PASS {server}/healthz" in out


def test_main_reports_an_unusable_inventory(tmp_path, capsys):
    assert smoke.main(["-i", str(tmp_path)]) == 1
    assert "does not exist" in capsys.readouterr().err
