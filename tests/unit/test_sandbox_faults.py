"""The sandbox's fault switches, its two real HTTP servers, and ``python -m robot.sandbox``."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from robot.sandbox import (
    DEMO_MAXMD_CREDENTIALS,
    DEMO_PORTAL_CREDENTIALS,
    EXPIRED_MESSAGE,
    REFUSED_MESSAGE,
    SEEDED_NPIS,
    Faults,
    Sandbox,
)

ROOT = Path(__file__).resolve().parents[2]
JANE = SEEDED_NPIS["Jane Okafor"]
GOOD = "Str0ng-Pass!"
SETUP = {
    "display_name": JANE, "first_name": "Jane", "last_name": "Okafor", "email": "",
    "password": GOOD, "confirm_password": GOOD, "poll_direct": "on",
    "direct_address": "jane.okafor@direct.brightsideeye.com", "direct_password": GOOD, "confirm_direct_password": GOOD,
}


class Http:
    """A tiny cookie-keeping HTTP client that returns error pages instead of raising."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=10) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), exc.url


def login(client: FlaskClient, username: str, password: str) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 303, response.text


def portal_client(sb: Sandbox) -> FlaskClient:
    client = sb.portal_app.test_client()
    login(client, sb.portal_username, sb.portal_password)
    return client


# --- real servers --------------------------------------------------------------------------------


def test_two_sites_on_two_ports_over_http() -> None:
    with Sandbox() as sb:
        maxmd = urllib.parse.urlsplit(sb.maxmd_url)
        portal = urllib.parse.urlsplit(sb.portal_url)
        assert maxmd.hostname == portal.hostname == "127.0.0.1"
        assert maxmd.port != portal.port and maxmd.path == portal.path == "/login"
        client = Http()
        status, html, _ = client.request(sb.maxmd_url)
        assert status == 200 and "MaxMD Provisioning Tool" in html
        status, html, url = client.request(sb.maxmd_url, {"username": sb.maxmd_username, "password": sb.maxmd_password})
        assert status == 200 and "Brightside Eye Care" in html and url.endswith("/")
        # The MaxMD cookie does not log the same browser into the portal (distinct cookie names).
        status, html, url = client.request(sb.portal_url.replace("/login", "/home"))
        assert "/login?next=" in url and "Patient and Provider Portal" in html
        status, html, url = client.request(sb.portal_url, {"username": sb.portal_username, "password": sb.portal_password})
        assert status == 200 and url.endswith("/home")
        # Both sessions live side by side in one cookie jar.
        assert client.request(sb.maxmd_url.replace("/login", "/workflows"))[0] == 200
        assert ("maxmd", "POST", "/login", 303) in sb.requests
        assert ("portal", "GET", "/home", 200) in sb.requests
        port = maxmd.port
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_urls_need_a_started_sandbox() -> None:
    with pytest.raises(RuntimeError):
        _ = Sandbox().maxmd_url


# --- latency --------------------------------------------------------------------------------------


def test_latency_is_added_to_every_request_on_both_sites() -> None:
    sb = Sandbox(faults=Faults(latency_ms=150))
    for app in (sb.maxmd_app, sb.portal_app):
        client = app.test_client()
        started = time.monotonic()
        assert client.get("/login").status_code == 200
        assert time.monotonic() - started >= 0.15


def test_latency_over_real_http() -> None:
    faults = Faults()
    with Sandbox(faults=faults) as sb:
        faults.latency_ms = 120  # switched on mid-run: the live object is read per request
        started = time.monotonic()
        status, _, _ = Http().request(sb.portal_url)
        assert status == 200 and time.monotonic() - started >= 0.12


# --- 5xx share ------------------------------------------------------------------------------------


def test_error_rate_one_answers_503_with_no_effect() -> None:
    sb = Sandbox()
    portal = portal_client(sb)
    sb.faults.error_rate = 1.0
    for app in (sb.maxmd_app, sb.portal_app):
        response = app.test_client().get("/login")
        assert response.status_code == 503 and "Service Temporarily Unavailable" in response.text
    response = portal.post(f"/admin/users/{JANE}", data=SETUP)
    assert response.status_code == 503
    # A login answered 503 does not log anyone in.
    fresh = sb.portal_app.test_client()
    assert fresh.post("/login", data={"username": sb.portal_username, "password": sb.portal_password}).status_code == 503
    sb.faults.error_rate = 0.0
    assert sb.state.account(JANE).saves == 0 and sb.state.account(JANE).password is None
    assert fresh.get("/home").status_code == 302
    assert portal.get("/home").status_code == 200
    assert [r for r in sb.requests if r[3] == 503][0][:2] in {("maxmd", "GET"), ("portal", "GET")}
    assert ("portal", "POST", f"/admin/users/{JANE}", 503) in sb.requests


def test_error_rate_share_is_deterministic_from_seed() -> None:
    def statuses(seed: int) -> list[int]:
        sb = Sandbox(faults=Faults(error_rate=0.5, error_seed=seed))
        client = sb.maxmd_app.test_client()
        portal = sb.portal_app.test_client()
        return [(client if i % 2 else portal).get("/login").status_code for i in range(40)]

    first = statuses(11)
    assert first == statuses(11)
    assert first != statuses(12)
    assert 5 < first.count(503) < 35 and set(first) == {200, 503}


# --- session expiry -------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["maxmd", "portal"])
def test_session_expires_after_n_requests(site: str) -> None:
    sb = Sandbox(faults=Faults(session_expiry_after=3))
    app = sb.maxmd_app if site == "maxmd" else sb.portal_app
    username, password = (sb.maxmd_username, sb.maxmd_password) if site == "maxmd" else (
        sb.portal_username, sb.portal_password)
    page = "/details" if site == "maxmd" else "/admin/users"
    client = app.test_client()
    login(client, username, password)
    for _ in range(3):
        assert client.get(page).status_code == 200
    expired = client.get(page)
    assert expired.status_code == 302 and expired.headers["Location"].startswith("/login?next=")
    login_page = client.get(expired.headers["Location"])
    assert login_page.status_code == 200 and EXPIRED_MESSAGE in login_page.text
    # The old session is gone for good; a new login gets a fresh allowance.
    assert client.get(page).status_code == 302
    login(client, username, password)
    assert client.get(page).status_code == 200


def test_save_after_expiry_changes_nothing() -> None:
    sb = Sandbox(faults=Faults(session_expiry_after=1))
    client = portal_client(sb)
    assert client.get(f"/admin/users/{JANE}").status_code == 200
    response = client.post(f"/admin/users/{JANE}", data=SETUP)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login?next=")
    assert "expired=1" in response.headers["Location"]
    assert sb.state.account(JANE).saves == 0


# --- refused and failing Saves --------------------------------------------------------------------


def test_refused_save_shows_message_and_changes_nothing() -> None:
    sb = Sandbox(faults=Faults(refuse_save={JANE}))
    client = portal_client(sb)
    before = sb.state.account(JANE)
    response = client.post(f"/admin/users/{JANE}", data=SETUP)
    assert response.status_code == 200
    assert REFUSED_MESSAGE in response.text and 'role="alert"' in response.text
    assert sb.state.account(JANE) == before
    # Other accounts save normally; lifting the switch lets this one through.
    sb.faults.refuse_save.clear()
    assert client.post(f"/admin/users/{JANE}", data=SETUP).status_code == 303


def test_save_5xx_is_applied_but_answered_500() -> None:
    sb = Sandbox(faults=Faults(save_5xx={JANE}))
    client = portal_client(sb)
    response = client.post(f"/admin/users/{JANE}", data=SETUP)
    assert response.status_code == 500 and "Internal Server Error" in response.text
    account = sb.state.account(JANE)
    assert account.saves == 1 and account.poll_direct and account.password == GOOD
    assert "User account saved." not in client.get(f"/admin/users/{JANE}").text


# --- python -m robot.sandbox ----------------------------------------------------------------------


def _two_free_ports() -> int:
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return port
    pytest.skip("no two adjacent free ports")


@pytest.mark.alone  # two fixed ports, free when looked at: no other test may take one before the sandbox binds them
def test_command_line_serves_both_sites_with_demo_credentials() -> None:
    port = _two_free_ports()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "robot.sandbox", "--port", str(port), "--providers", "3", "--refuse-save", "x",
         "--save-5xx", "y", "--save-drops-poll", "z"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # Ctrl-C as a terminal sends it: a worker that ignores SIGINT (pytest-xdist's) must not pass that on,
        # or the sandbox's Python, started with SIGINT ignored, never hears it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        lines = []
        while not any("PORTAL_URL" in line for line in lines):
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}/login" in text and f"http://127.0.0.1:{port + 1}/login" in text
        for secret in (*DEMO_MAXMD_CREDENTIALS, *DEMO_PORTAL_CREDENTIALS):
            assert secret in text
        client = Http()
        status, html, _ = client.request(f"http://127.0.0.1:{port + 1}/login",
                                         {"username": DEMO_PORTAL_CREDENTIALS[0], "password": DEMO_PORTAL_CREDENTIALS[1]})
        assert status == 200 and "Welcome" in html
        status, html, _ = client.request(f"http://127.0.0.1:{port + 1}/admin/users?access_type=Clinician")
        assert "3 accounts found." in html
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
