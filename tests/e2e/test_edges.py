"""Nothing goes to the wrong host and nothing is lost at the edges, in a real headless Chromium against the
sandbox: a login page behind a redirect to another origin gets nothing typed, an account page on
another origin gets no provider's password, kept traces carry no live session and every run signs
out, and a run folder that fills up stops the run without losing a password the portal holds."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from robot_helpers import check_against_portal, clinicians, leaks, run_robot, sandbox_settings, snapshot

from pages.account import UserAccountPage
from pages.locators import Selectors
from pages.portal import PortalLoginPage
from robot import handoff as handoff_file
from robot.audit import Audit, Redactor
from robot.browser import choose_browser, launch
from robot.errors import RobotError
from robot.model import Candidate
from robot.options import RunOptions, Shared
from robot.origins import WrongOrigin
from robot.procedure import Procedure
from robot.sandbox import Sandbox
from robot.session import Session
from robot.settings import Site


@contextlib.contextmanager
def redirector(target_origin: str) -> Iterator[str]:
    """A second local server, on a port of its own, that answers every request with a 302 to ``target_origin``
    and the same path: a configured login page that sends the browser to another host."""
    asked: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            asked.append(f"GET {self.path}")
            self.send_response(302)
            self.send_header("Location", target_origin + self.path)
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            asked.append(f"POST {self.path}")  # a credential posted here would be the bug
            self.send_response(403)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        assert not [a for a in asked if a.startswith("POST")], asked


def _origin(url: str) -> str:
    return url.rsplit("/login", 1)[0]


def logins(sb: Sandbox, site: str) -> list[tuple]:
    return [r for r in sb.requests if r[0] == site and r[1] == "POST" and r[2].startswith("/login")]


@pytest.mark.parametrize("site", ["maxmd", "portal"])
def test_a_login_page_that_redirects_to_another_origin_gets_nothing_typed(tmp_path: Path, site: str) -> None:
    with Sandbox() as sb:
        real = sb.maxmd_url if site == "maxmd" else sb.portal_url
        before = snapshot(sb)
        with redirector(_origin(real)) as elsewhere:
            configured = f"{elsewhere}/login"
            run = run_robot(sb, tmp_path, capture=True, **({"maxmd_url": configured} if site == "maxmd" else {"portal_url": configured}))
        assert run.result.exit_code == 2
        error = run.record["error"]
        assert _origin(real) in error and elsewhere in error and "nothing was typed" in error, error
        assert ("MAXMD_URL" if site == "maxmd" else "PORTAL_URL") in error
        assert logins(sb, site) == [], "the administrator's password was posted to the other origin"
        assert snapshot(sb) == before, "no provider's password went anywhere either"
        assert leaks(run, sb) == []


_HTML = {"Content-Type": "text/html; charset=utf-8"}


@contextlib.contextmanager
def two_origins(first: Callable[[int], tuple[int, dict[str, str], bytes]], second: bytes, path: str) -> Iterator[str]:
    """One local server seen as two origins: 127.0.0.1 answers ``first(port)`` (status, headers, body),
    localhost the page ``second``; yields 127.0.0.1's ``path``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            port = self.server.server_port
            status, headers, body = first(port) if self.headers.get("Host", "").startswith("127.0.0.1") else (200, _HTML, second)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{path}"
    finally:
        server.shutdown()
        server.server_close()


def sent_elsewhere() -> contextlib.AbstractContextManager[str]:
    """A login address (on 127.0.0.1) that sends the browser to a page on another origin (localhost, the
    same server) that has no login form at all: a sign-on chooser, a parked domain."""
    return two_origins(lambda port: (302, {"Location": f"http://localhost:{port}/choose"}, b""),
                       b"<!doctype html><title>Choose</title><h1>Choose your organisation</h1><a href='/a'>Clinic A</a>", "/login")


def test_a_login_sent_to_another_origin_without_a_form_is_named_not_waited_for(tmp_path: Path) -> None:
    with Sandbox() as sb, sent_elsewhere() as login:
        run = run_robot(sb, tmp_path, capture=True, maxmd_url=login)
        assert run.result.exit_code == 2
        error = run.record["error"]
        assert "http://localhost:" in error and "another host" in error and "MAXMD_URL" in error, error
        assert "did not load in time" not in error and "attempt" not in run.stdout, "named at once, not retried as slow"
        assert logins(sb, "maxmd") == []


def test_a_sign_on_host_the_practice_trusts_gets_the_login(tmp_path: Path) -> None:
    with Sandbox() as sb, redirector(_origin(sb.maxmd_url)) as elsewhere:
        run = run_robot(sb, tmp_path, capture=True, maxmd_url=f"{elsewhere}/login", trusted=(_origin(sb.maxmd_url),))
        assert run.result.exit_code == 1, run.record["error"]  # the seeded practice's conflict, as in every run
        assert logins(sb, "maxmd"), "the login went through to the trusted host"  # more than one where a slow step was retried
        assert run.record["sites"]["trusted_origins"] == [_origin(sb.maxmd_url)]


def test_a_providers_passwords_are_never_typed_on_another_origin(tmp_path: Path) -> None:
    """The portal's login was on its own origin; the account page is on another (here ``localhost`` for
    ``127.0.0.1``: the same server, another origin to a browser). The step stops before typing."""
    with Sandbox() as sb:
        npi = next(iter(clinicians(sb)))
        before = snapshot(sb)
        settings = sandbox_settings()
        portal = Site("portal", sb.portal_url, sb.portal_username, sb.portal_password)
        maxmd = Site("MaxMD", sb.maxmd_url, sb.maxmd_username, sb.maxmd_password)
        audit = Audit(tmp_path / "run", settings.selectors, Redactor())
        options = RunOptions(out=tmp_path, trace=False)
        done = []

        def in_its_own_thread() -> None:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                session = Session(settings, options, audit, lambda: launch(pw, choose_browser()))
                try:
                    page = session.new_portal_page()
                    other = sb.portal_url.replace("127.0.0.1", "localhost")
                    login = PortalLoginPage(page, settings.selectors)
                    login.open(other)
                    assert login.log_in(sb.portal_username, sb.portal_password)
                    page.goto(other.replace("/login", f"/admin/users/{npi}"))
                    procedure = Procedure(session, settings, options, maxmd, portal, audit, Shared())
                    account = UserAccountPage(page, settings.selectors)
                    with pytest.raises(WrongOrigin) as caught:
                        procedure.change_password(Candidate(npi, "Jane Okafor", None), account, "Xy7#never-typed-1", [])
                    assert "localhost" in str(caught.value) and "127.0.0.1" in str(caught.value)
                    assert page.get_by_label("Change Password").input_value() == ""
                    done.append(True)
                finally:
                    session.close()

        worker = threading.Thread(target=in_its_own_thread)  # pytest-playwright may hold this thread's Playwright
        worker.start()
        worker.join(120)
        audit.close()
        assert done == [True]
        assert snapshot(sb) == before


def test_kept_traces_carry_no_session_and_every_session_is_signed_out(tmp_path: Path) -> None:
    # A check box the account page does not have: the provider fails on its retry, which is traced and kept.
    broken = Selectors({"portal.account.emergency_access": "text=\"No Such Check Box\""})
    settings = replace(sandbox_settings(), selectors=broken, timeout_ms=1000, retries=1)
    with Sandbox(providers=2) as sb:
        first = next(iter(clinicians(sb)))
        run = run_robot(sb, tmp_path, settings=settings, capture=True, only=frozenset({first}))
        (trace,) = run.provider(first)["traces"]
        with zipfile.ZipFile(run.dir / trace) as z:
            blobs = {n: z.read(n) for n in z.namelist()}
        network = b"".join(data for name, data in blobs.items() if name.endswith(".network"))
        assert b'"cookie"' in network.lower(), "the trace's network log was kept, its cookie headers emptied"
        issued = sb.issued_sessions("portal") + sb.issued_sessions("maxmd")
        assert issued and not [s for s in issued for data in blobs.values() if s.encode() in data]
        # Signed out of both sites: no session the run opened still works.
        assert sb.live_sessions("portal") == [] and sb.live_sessions("maxmd") == []
        account = sb.portal_url.replace("/login", f"/admin/users/{first}")
        for sid in sb.issued_sessions("portal"):
            request = urllib.request.Request(account, headers={"Cookie": f"PORTAL_SID={sid}"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert "/login" in answer.url, "a session of the run still opens an account page"


def test_the_terminal_shows_a_names_escape_sequences_escaped(tmp_path: Path) -> None:
    with Sandbox() as sb:
        entry = next(e for e in sb.state.maxmd_entries if e.npi == "1234567893")
        entry.first_name = "Jane\x1b[2K\x1b[1A"
        entry.last_name = "\u202eOkafor"
        run = run_robot(sb, tmp_path, capture=True, only=frozenset({"1234567893"}))
        assert "\x1b" not in run.stdout and "\u202e" not in run.stdout
        assert "Jane\\x1b[2K\\x1b[1A" in run.stdout and "\\u202eOkafor" in run.stdout
        assert run.status("1234567893") == "configured"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 600 KiB tmpfs: room for the first pictures of a run, not for all of them."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    where = tmp_path / "small"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_run_folder_that_fills_up_stops_the_run_and_every_password_the_portal_holds_is_in_a_handoff(
        small_disk: Path, tmp_path: Path) -> None:
    with Sandbox(providers=12) as sb:
        before = snapshot(sb)
        run = run_robot(sb, small_disk / "runs", capture=True)
        assert run.result.exit_code == 2
        assert "No space left on device" in run.stdout and "free some space" in run.stdout, run.stdout[-2000:]
        assert "Traceback" not in run.stdout
        changed = {n for n, a in clinicians(sb).items() if a != before[n]}
        assert changed, "the disk filled before any provider was saved: make it larger"
        assert len(changed) < 12, "the disk never filled: make it smaller"
        # Every password the portal now holds is in a handoff file: the run folder's, or the one kept aside.
        aside = Path(__import__("os").environ["ROBOT_STATE_DIR"]) / "unsaved"
        unsaved = next(aside.glob(f"{run.dir.name}-*"), aside / run.dir.name)  # named for the run and its runs folder
        rows = {r.npi: r for r in handoff_file.read(run.dir / "handoff.csv")}
        if (unsaved / "handoff.csv").is_file():
            rows.update({r.npi: r for r in handoff_file.read(unsaved / "handoff.csv")})
        for npi in changed:
            account = sb.state.account(npi)
            assert npi in rows and rows[npi].portal_password == account.password, (npi, "password in no handoff")
            assert rows[npi].applied in ("yes", "unknown"), (npi, rows[npi].applied)
        assert all(n in changed for n, r in rows.items() if r.applied == "yes"), "applied=yes for an account never saved"
        assert (run.dir / "run.json").is_file() or (unsaved / "run.json").is_file()


def test_an_unwritable_runs_folder_fails_before_a_browser_starts(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the runs folder should be")
    with Sandbox() as sb:
        with pytest.raises(RobotError) as caught:
            run_robot(sb, blocked / "runs", capture=True)
        assert "run lock" in str(caught.value) or "run folder" in str(caught.value)
        assert caught.value.exit_code == 2
        assert sb.requests == []


def test_check_against_portal_still_holds_after_a_signed_out_run(tmp_path: Path) -> None:
    with Sandbox() as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True)
        check_against_portal(sb, run, before)
        assert sb.live_sessions("portal") == [] and sb.live_sessions("maxmd") == []


def test_a_killed_run_stays_named_until_a_run_has_carried_its_rows(tmp_path: Path) -> None:
    from robot.handoff import Handoff, HandoffRow
    from robot.handoff import read as read_handoff
    from robot.lock import LockHolder, RunLock

    with Sandbox() as sb:
        killed = tmp_path / "old-runs" / "20261201T020000Z"
        (killed / "screenshots").mkdir(parents=True)
        (killed / "run.json").write_text('{"started": "2026-12-01T02:00:00+00:00", "finished": null, "providers": []}')
        Handoff(killed / "handoff.csv").add(HandoffRow("1999999901", "1999999901", "Jane Okafor", "Xy7#kept-pw-1", "",
                                                       "Xy7#kept-pw-1", "pending"))
        lock = RunLock.for_practice(sb.maxmd_url, sb.maxmd_username, sb.portal_url, sb.portal_username)
        lock.path.parent.mkdir(parents=True, exist_ok=True)
        lock.path.write_text(LockHolder(999_999, "2026-12-01T02:00:00+00:00", str(killed)).to_text())
        dry = run_robot(sb, tmp_path / "dry", capture=True, practice=True, dry_run=True)
        assert killed.name in dry.stdout
        assert killed.name in lock.path.read_text(), "a dry run only names the killed run: the next run still finds it"
        real = run_robot(sb, tmp_path / "real", capture=True, practice=True)
        assert killed.name in real.stdout
        rows = read_handoff(real.dir / "handoff.csv")
        assert [r.carried_from for r in rows if r.npi == "1999999901"] == [killed.name], "a provider this run did not handle: its row carried"
        assert lock.path.read_text() == "", "once carried, it is named no more"


def sent_on_by_script() -> contextlib.AbstractContextManager[str]:
    """A page on 127.0.0.1 with no form whose script sends the browser on, a moment later, to a login
    form on another origin (localhost, the same server): the page's address is not where the field will be."""
    return two_origins(lambda port: (200, _HTML, (f"<!doctype html><title>One moment</title><p>Taking you to sign-in…</p>"
                                                  f"<script>setTimeout(() => location.href = 'http://localhost:{port}/login', 300)</script>").encode()),
                       b"<!doctype html><title>Sign in</title><label>Password <input type=password></label>", "/start")


def test_a_fields_origin_is_its_own_documents_not_the_address_the_page_had(page) -> None:  # noqa: ANN001 - pytest-playwright's
    with sent_on_by_script() as start:
        page.goto(start)
        origin = PortalLoginPage(page, Selectors()).origin_of("portal.login.password")
        assert origin.startswith("http://localhost:"), origin  # where typing would go, not 127.0.0.1
