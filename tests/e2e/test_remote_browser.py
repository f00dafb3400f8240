"""ROBOT_BROWSER_WS end to end: the robot drives a Chromium that a Playwright browser server launches.

The server is the one Playwright ships (``python -m playwright run-server``), started here as a
subprocess. Where Playwright's own Chromium is not installed (this project's usual case), it is
started with ``--unsafe`` and the robot names the server-side Chromium in ROBOT_BROWSER_WS_EXECUTABLE,
exactly as docs/remote-browsers.md tells a user with a distribution's Chromium on the server's host.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Self, TypeVar

import psutil
import pytest
from robot_helpers import ROOT, clinicians, leaks, run_robot, sandbox_settings

from pages.locators import Selectors
from robot.browser import BrowserChoice, choose_browser, remote_failure
from robot.check import check
from robot.sandbox import Sandbox
from robot.settings import Site

pytestmark = pytest.mark.e2e

T = TypeVar("T")
SERVER_START_SECONDS = 30


@dataclass
class BrowserServer:
    """A running ``playwright run-server``: its endpoint and its process."""

    ws: str
    proc: subprocess.Popen
    log: Path

    def chromium(self) -> list[psutil.Process]:
        """The Chromium processes the server has started (its descendants)."""
        return [p for p in _descendants(self.proc.pid) if _is_chromium(p)]


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _is_chromium(p: psutil.Process) -> bool:
    try:
        name = p.name().lower()
    except psutil.Error:
        return False
    return "chrom" in name or "headless_shell" in name


LISTENING = re.compile(rb"Listening on (ws://127\.0\.0\.1:\d+/)")


@contextlib.contextmanager
def browser_server(log_dir: Path, *flags: str) -> Iterator[BrowserServer]:
    """Start Playwright's own server on a port the system picks (``--port 0``: no port chosen here can be
    taken by another process before the server binds it); wait until it says where it listens; stop it afterwards."""
    log = log_dir / "run-server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "playwright", "run-server", "--port", "0", "--host", "127.0.0.1", *flags],
            stdin=subprocess.PIPE,  # held open: the server would stop when its stdin closes
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the Node driver under it is stopped with it
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not (listening := LISTENING.search(log.read_bytes())):
            if time.monotonic() > deadline:
                raise AssertionError(f"the browser server did not listen within {SERVER_START_SECONDS} s: {log.read_text()}")
            with contextlib.suppress(subprocess.TimeoutExpired):  # the poll's interval, and it must not have died
                proc.wait(timeout=0.05)
                raise AssertionError(f"the browser server exited with {proc.returncode}: {log.read_text()}")
        yield BrowserServer(listening[1].decode(), proc, log)
    finally:
        stop_server(proc)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (the Python wrapper and the Node server under it):
    the server closes the browsers it launched and exits. SIGKILL whatever is left after 15 s."""
    try:
        group = [psutil.Process(proc.pid), *_descendants(proc.pid)]
    except psutil.NoSuchProcess:
        group = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # the group started above, and only it
    _, alive = psutil.wait_procs(group, timeout=15)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    proc.wait(timeout=15)
    if proc.stdin:
        proc.stdin.close()


def server_side_executable() -> str | None:
    """The Chromium a server on this machine must be told about: None where Playwright's own is installed."""
    env = {k: v for k, v in os.environ.items() if k not in ("ROBOT_BROWSER_WS", "ROBOT_BROWSER_WS_EXECUTABLE")}
    return choose_browser(env).executable


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserServer]:
    flags = ("--unsafe",) if server_side_executable() else ()
    with browser_server(tmp_path_factory.mktemp("browser-server"), *flags) as running:
        yield running


@pytest.fixture
def remote(server: BrowserServer, monkeypatch: pytest.MonkeyPatch) -> BrowserServer:
    """The robot's environment pointed at the server (read by choose_browser, as the CLI does)."""
    monkeypatch.setenv("ROBOT_BROWSER_WS", server.ws)
    executable = server_side_executable()
    if executable:
        monkeypatch.setenv("ROBOT_BROWSER_WS_EXECUTABLE", executable)
    else:
        monkeypatch.delenv("ROBOT_BROWSER_WS_EXECUTABLE", raising=False)
    return server


@dataclass
class ChromiumWatch:
    """Every Chromium process that appears under this test process while it watches, by who started it."""

    server: BrowserServer
    remote: dict[int, psutil.Process] = field(default_factory=dict)
    local: dict[int, list[str]] = field(default_factory=dict)
    cmdlines: dict[int, list[str]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Self:
        self._already = {p.pid for p in _descendants(os.getpid()) if _is_chromium(p)}  # an earlier test's browser
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _watch(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(0.05):
                self.sample()
                return

    def sample(self) -> None:
        for p in _descendants(os.getpid()):
            if p.pid in self._already or p.pid in self.local or not _is_chromium(p):
                continue
            try:
                ancestors = {a.pid for a in p.parents()}
                cmdline = p.cmdline()
            except psutil.Error:
                continue
            if self.server.proc.pid in ancestors:
                self.remote[p.pid] = p
                # Read again at every sample: one caught as it starts may not show its arguments yet.
                if len(cmdline) >= len(self.cmdlines.get(p.pid, [])):
                    self.cmdlines[p.pid] = cmdline
            else:
                self.local[p.pid] = cmdline


def in_thread(fn: Callable[[], T]) -> T:
    """Playwright's sync API off the main thread, beside pytest-playwright's."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def test_the_robot_runs_through_a_remote_browser_server(remote: BrowserServer, sandbox: Sandbox, tmp_path: Path) -> None:
    before = clinicians(sandbox)
    with ChromiumWatch(remote) as watch:
        run = run_robot(sandbox, tmp_path, capture=True)

    assert run.record["browser"] == "remote"
    assert run.record["error"] is None, run.record["error"]
    assert run.result.exit_code == 1  # the seeded practice holds one conflict on purpose
    # Judged by the sandbox's own state: what run.json says was configured, is.
    after = clinicians(sandbox)
    handoff = run.handoff()
    configured = [p for p in run.record["providers"] if p["status"] == "configured"]
    assert len(configured) >= 4, run.record["providers"]
    for p in configured:
        account = after[p["npi"]]
        assert account.poll_direct and not account.emergency_access
        assert account.direct_address == p["direct_address"]
        assert account.password == account.direct_password == handoff[p["npi"]]["portal_password"]
        assert account.saves == 1
    for npi, account in before.items():
        if npi not in handoff:
            assert after[npi] == account, f"{npi} must be left alone"
    assert {p["status"] for p in run.record["providers"]} >= {"already-configured", "conflict", "waiting-for-cda"}
    # The screenshots were taken over there and written here.
    shots = sorted((run.dir / "screenshots").iterdir())
    assert shots and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in shots)
    assert all((run.dir / s).is_file() for p in configured for s in p["screenshots"])

    # The browser was the server's: no Chromium started under the robot, one (at least) under the server,
    # launched with the options the robot sent (headless) and with the robot's loopback exposed to it.
    assert watch.local == {}, watch.local
    assert watch.remote, "the server started no Chromium"
    browsers = [c for c in watch.cmdlines.values() if "--remote-debugging-pipe" in c and not any(a.startswith("--type=") for a in c)]
    assert browsers and all("--headless" in c for c in browsers), browsers
    assert all(any(a.startswith("--proxy-server=socks5://") for a in c) for c in browsers), browsers
    # Closing its connection closed the server's browser: nothing is left running over there.
    _, alive = psutil.wait_procs(list(watch.remote.values()), timeout=15)
    assert not alive, [p.pid for p in alive]


def test_check_runs_through_a_remote_browser_server(remote: BrowserServer, sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    with ChromiumWatch(remote) as watch:
        code, _ = in_thread(lambda: check(
            sandbox_settings(), tmp_path, choose_browser(),
            maxmd=Site("MaxMD", sandbox.maxmd_url, sandbox.maxmd_username, sandbox.maxmd_password),
            portal=Site("portal", sandbox.portal_url, sandbox.portal_username, sandbox.portal_password),
        ))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Every key was found." in out
    assert watch.remote and watch.local == {}


def test_a_remote_browser_killed_mid_run_is_replaced_and_the_run_goes_on(remote: BrowserServer, tmp_path: Path) -> None:
    with Sandbox(providers=5) as sb:
        killed = threading.Event()

        def kill_after_first_save() -> None:
            while not killed.is_set():
                if any(a.saves for a in sb.state.accounts.values() if a.access_type == "Clinician"):
                    for proc in remote.chromium():
                        with contextlib.suppress(psutil.Error):
                            if "--type=" not in " ".join(proc.cmdline()):
                                proc.kill()
                    killed.set()
                killed.wait(0.05)

        watcher = threading.Thread(target=kill_after_first_save, daemon=True)
        watcher.start()
        run = run_robot(sb, tmp_path)
        killed.set()
        watcher.join(timeout=10)
        assert all(p["status"] == "configured" for p in run.record["providers"]), run.record["providers"]
        for p in run.record["providers"]:
            assert sb.state.account(p["npi"]).password == run.handoff()[p["npi"]]["portal_password"]
        assert "browser lost" in (run.dir / "robot.log").read_text()


def test_a_failed_providers_trace_is_kept_on_the_robots_machine(remote: BrowserServer, tmp_path: Path) -> None:
    # A check box the account page does not have: step 11 times out on every attempt (as in test_faults).
    broken = Selectors({"portal.account.emergency_access": "text=\"No Such Check Box\""})
    settings = replace(sandbox_settings(), selectors=broken, timeout_ms=2500, retries=1)  # a login has time on a busy machine
    with Sandbox(providers=1) as sb:
        run = run_robot(sb, tmp_path, settings=settings, capture=True)
        (failed,) = run.record["providers"]
        assert failed["status"] == "failed" and "after 2 attempts" in failed["error"], failed
        (trace,) = failed["traces"]
        with zipfile.ZipFile(run.dir / trace) as z:
            events = b"".join(z.read(n) for n in z.namelist() if n.endswith(".trace"))
        assert b"No Such Check Box" in events
        assert leaks(run, sb) == []


def test_an_unreachable_server_stops_the_run_at_once_with_exit_2(tmp_path: Path) -> None:
    # A port bound and never listened on: refused, and no other process can take it meanwhile.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        ws = f"ws://127.0.0.1:{held.getsockname()[1]}/"  # nobody listens there
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_"))}
        env["ROBOT_BROWSER_WS"] = ws
        done = subprocess.run(
            [sys.executable, "-m", "robot", "--sandbox", "--out", str(tmp_path)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    (line,) = [ln for ln in output.splitlines() if ln.startswith("error:")]
    assert f"ROBOT_BROWSER_WS={ws}" in line and "no Playwright browser server answers" in line and "run-server" in line
    assert "Traceback" not in output
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    record = json.loads((run_dir / "run.json").read_text())
    assert record["browser"] == "remote" and "ROBOT_BROWSER_WS=" in record["error"]
    assert "transient fault" not in (run_dir / "robot.log").read_text()  # at once: no attempt was repeated


def test_a_version_mismatch_is_one_line_naming_both_versions(server: BrowserServer) -> None:
    from playwright.sync_api import Error, sync_playwright

    def connect_as_an_older_client() -> str:
        with sync_playwright() as p:
            try:
                p.chromium.connect(server.ws, headers={"User-Agent": "Playwright/1.40.0 (x64; debian 12) python/3.11"})
            except Error as exc:
                return str(exc)
        raise AssertionError("the server accepted a client of another version")

    error = in_thread(connect_as_an_older_client)  # the server's own answer
    message = remote_failure(BrowserChoice("remote", ws_endpoint=server.ws), error)
    assert "\n" not in message
    assert message.startswith(f"ROBOT_BROWSER_WS={server.ws}: the browser server runs Playwright 1.")
    assert "the robot 1.40" in message and "must match" in message and "npx playwright@1.40 run-server" in message


def test_a_server_that_cannot_use_the_named_chromium_says_to_start_it_with_unsafe(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executable = server_side_executable()
    if not executable:
        pytest.skip("Playwright's own Chromium is installed here: a plain server would simply use it")
    with browser_server(tmp_path) as plain:  # no --unsafe: the server drops executablePath
        monkeypatch.setenv("ROBOT_BROWSER_WS", plain.ws)
        monkeypatch.setenv("ROBOT_BROWSER_WS_EXECUTABLE", executable)
        before = clinicians(sandbox)
        run = run_robot(sandbox, tmp_path / "runs", capture=True)
    assert run.result.exit_code == 2
    error = run.record["error"]
    assert "\n" not in error
    assert f"ROBOT_BROWSER_WS={plain.ws}" in error and "ROBOT_BROWSER_WS_EXECUTABLE" in error and "--unsafe" in error
    assert clinicians(sandbox) == before
