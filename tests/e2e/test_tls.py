"""A site with a certificate the browser cannot trust: fatal, unless robot.yaml says otherwise, explicitly."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from robot_helpers import ROOT, run_robot, sandbox_settings

from robot.sandbox import Sandbox

pytestmark = pytest.mark.e2e

LOGIN = b"""<!doctype html><title>Sign in</title><form method=post action=/login>
<label for=u>Username</label><input id=u name=u><label for=p>Password</label><input id=p name=p type=password>
<button>Sign In</button></form>"""


class _Login(http.server.BaseHTTPRequestHandler):
    def _page(self, extra: bytes = b"") -> None:
        body = LOGIN + extra
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._page()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._page(b"<p role=alert>Invalid username or password.</p>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def self_signed_site(tmp_path: Path) -> Iterator[str]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Login)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/login"
    server.shutdown()


def test_an_untrusted_certificate_stops_the_run(sandbox: Sandbox, self_signed_site: str, tmp_path: Path) -> None:
    run = run_robot(sandbox, tmp_path, maxmd_url=self_signed_site, capture=True)
    assert run.result.exit_code == 2
    assert "CERT" in run.record["error"] and self_signed_site in run.record["error"]


def test_ignore_tls_errors_lets_the_robot_reach_the_page(sandbox: Sandbox, self_signed_site: str, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    text = (ROOT / "config" / "robot.yaml").read_text().replace("ignore_tls_errors: false", "ignore_tls_errors: true")
    (config / "robot.yaml").write_text(text)
    run = run_robot(sandbox, tmp_path / "runs", maxmd_url=self_signed_site, settings=sandbox_settings(config), capture=True)
    assert run.result.exit_code == 2
    assert "MaxMD login refused" in run.record["error"] and "CERT" not in run.record["error"]
