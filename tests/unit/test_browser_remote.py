"""ROBOT_BROWSER_WS without a server: the choice, the launch options sent, and the one-line errors.

The error texts below are the ones Playwright 1.65 gives (captured from a real ``run-server``);
tests/e2e/test_remote_browser.py runs the real thing.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Error as PlaywrightError

import robot.browser
import robot.cli
from robot.browser import (
    CHROMIUM_ARGS,
    LAUNCH_OPTIONS_HEADER,
    REMOTE_EXPOSE_NETWORK,
    BrowserChoice,
    choose_browser,
    launch,
    remote_failure,
    remote_launch_options,
    shown_endpoint,
)
from robot.errors import BrowserFailed, ConfigError

ROOT = Path(__file__).resolve().parents[2]
WS = "ws://browsers.internal:3000/"
REMOTE = BrowserChoice("remote", ws_endpoint=WS)

REFUSED = (
    "BrowserType.connect: WebSocket error: connect ECONNREFUSED 10.0.0.5:3000\nCall log:\n"
    "  - <ws connecting> ws://browsers.internal:3000/\n"
    "  - <ws error> ws://browsers.internal:3000/ error connect ECONNREFUSED 10.0.0.5:3000\n"
)
MISMATCH = (
    "BrowserType.connect: WebSocket error: ws://browsers.internal:3000/ 428 Precondition Required\n"
    "╔════════════════════════════════════════════════════╗\n"
    "║ Playwright version mismatch:                       ║\n"
    "║   - server version: v1.58                          ║\n"
    "║   - client version: v1.65                          ║\n"
    "║                                                    ║\n"
    "║ If you are connecting to a remote service,         ║\n"
    "║ keep your local Playwright version in sync         ║\n"
    "╚════════════════════════════════════════════════════╝\nCall log:\n"
)
NO_OWN_CHROMIUM = (
    "BrowserType.connect: Executable doesn't exist at "
    "/root/.cache/ms-playwright/chromium_headless_shell-1255/chrome-headless-shell-linux64/chrome-headless-shell\n"
    "╔════════════════════════════════════════════════════════════╗\n"
    "║ Looks like Playwright was just installed or updated.       ║\n"
    "╚════════════════════════════════════════════════════════════╝"
)
NO_NAMED_CHROMIUM = "BrowserType.connect: Failed to launch chromium because executable doesn't exist at /opt/chromium/chrome"
WRONG_PATH = (
    "BrowserType.connect: WebSocket error: ws://browsers.internal:3000/x 400 Bad Request\nCall log:\n"
    "  - <ws unexpected response> ws://browsers.internal:3000/x 400 Bad Request\n"
)
TIMEOUT = "BrowserType.connect: Timeout 60000ms exceeded"


# --- the choice ------------------------------------------------------------------------------------------
def test_a_remote_server_beats_every_local_browser() -> None:
    choice = choose_browser({"ROBOT_BROWSER_WS": f" {WS} ", "ROBOT_BROWSER_PATH": "/does/not/matter"})
    assert choice == BrowserChoice("remote", executable=None, ws_endpoint=WS)


def test_the_server_side_chromium_is_named_only_by_its_own_variable() -> None:
    choice = choose_browser({"ROBOT_BROWSER_WS": WS, "ROBOT_BROWSER_WS_EXECUTABLE": "/usr/bin/chromium"})
    assert choice == BrowserChoice("remote", executable="/usr/bin/chromium", ws_endpoint=WS)
    # It is a path on the server's host: never looked for here.
    assert choose_browser({"ROBOT_BROWSER_WS": WS, "ROBOT_BROWSER_WS_EXECUTABLE": "/nowhere/here"}).executable == "/nowhere/here"


@pytest.mark.parametrize("ws", ["localhost:3000", "browsers.internal", "ftp://browsers.internal/", "ws://", "ws://[::1"])
def test_an_address_that_is_no_server_address_is_refused_naming_the_variable(ws: str) -> None:
    with pytest.raises(ConfigError) as caught:
        choose_browser({"ROBOT_BROWSER_WS": ws})
    message = str(caught.value)
    assert message.startswith("ROBOT_BROWSER_WS=") and "unset it" in message and "\n" not in message


@pytest.mark.parametrize("ws", ["ws://h:3000/", "wss://h/pw", "http://h:3000", "https://h/"])
def test_ws_and_http_addresses_are_accepted(ws: str) -> None:
    assert choose_browser({"ROBOT_BROWSER_WS": ws}).ws_endpoint == ws


def test_the_cli_refuses_a_bad_address_in_one_line_before_anything_starts(monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROBOT_BROWSER_WS", "localhost:3000")
    monkeypatch.setattr(robot.cli, "execute", lambda *a, **k: pytest.fail("a run started"))
    monkeypatch.setattr(robot.cli, "check", lambda *a, **k: pytest.fail("a check started"))
    code = robot.cli.main(["--config", str(ROOT / "config" / "robot.yaml"), "--sandbox", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ROBOT_BROWSER_WS=localhost:3000 ")


# --- what the server is asked to launch ---------------------------------------------------------------
def test_the_launch_options_sent_are_the_robots_own() -> None:
    assert remote_launch_options(REMOTE) == {"headless": True, "args": list(CHROMIUM_ARGS)}
    assert remote_launch_options(REMOTE, headed=True)["headless"] is False
    named = BrowserChoice("remote", executable="/usr/bin/chromium", ws_endpoint=WS)
    assert remote_launch_options(named)["executablePath"] == "/usr/bin/chromium"


class FakeChromium:
    def __init__(self, error: str | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, dict]] = []

    def connect(self, endpoint: str, **kwargs):
        self.calls.append((endpoint, kwargs))
        if self.error:
            raise PlaywrightError(self.error)
        return SimpleNamespace()

    def launch(self, **kwargs):
        pytest.fail("a local browser was launched for ROBOT_BROWSER_WS")


class FakeSelectors:
    """Playwright's selector engines: the cookie-banner engine is registered as a browser starts."""

    def __init__(self) -> None:
        self.engines: dict[str, str] = {}

    def register(self, name: str, script: str) -> None:
        self.engines[name] = script


def test_launch_connects_with_the_options_in_the_header_and_a_deadline() -> None:
    chromium = FakeChromium()
    choice = BrowserChoice("remote", executable="/usr/bin/chromium", ws_endpoint=WS)
    selectors = FakeSelectors()
    launch(SimpleNamespace(chromium=chromium, selectors=selectors), choice, headed=True, slow_mo=250)
    assert list(selectors.engines) == ["robot-cookie-banner"]  # before the browser: a remote one's contexts get it too
    ((endpoint, kwargs),) = chromium.calls
    assert endpoint == WS
    assert json.loads(kwargs["headers"][LAUNCH_OPTIONS_HEADER]) == {
        "headless": False, "args": list(CHROMIUM_ARGS), "executablePath": "/usr/bin/chromium",
    }
    assert kwargs["expose_network"] == REMOTE_EXPOSE_NETWORK == "<loopback>"
    assert kwargs["slow_mo"] == 250 and kwargs["timeout"] > 0


def test_launch_turns_a_connect_error_into_one_line_naming_the_variable() -> None:
    with pytest.raises(BrowserFailed) as caught:
        launch(SimpleNamespace(chromium=FakeChromium(REFUSED), selectors=FakeSelectors()), REMOTE)
    assert str(caught.value).startswith(f"ROBOT_BROWSER_WS={WS}: no Playwright browser server answers there")


# --- the errors: one line, naming the variable, saying what to do --------------------------------------
def _one_line(message: str) -> str:
    assert "\n" not in message and "╔" not in message
    assert "ROBOT_BROWSER_WS=" in message
    return message


def test_a_refused_connection() -> None:
    message = _one_line(remote_failure(REMOTE, REFUSED))
    assert message.startswith(f"ROBOT_BROWSER_WS={WS}: no Playwright browser server answers there (connect ECONNREFUSED 10.0.0.5:3000)")
    assert "run-server --port 3000 --host 0.0.0.0" in message and "unset ROBOT_BROWSER_WS" in message


def test_a_version_mismatch_names_both_versions_and_the_server_to_run() -> None:
    message = _one_line(remote_failure(REMOTE, MISMATCH))
    assert "runs Playwright 1.58, the robot 1.65" in message and "must match" in message
    assert "`npx playwright@1.65 run-server" in message


def test_a_server_without_a_chromium() -> None:
    message = _one_line(remote_failure(REMOTE, NO_OWN_CHROMIUM))
    assert "has no Chromium" in message and "install --with-deps chromium" in message and "ROBOT_BROWSER_WS_EXECUTABLE" in message


def test_a_server_that_ignored_the_named_chromium_is_told_to_run_with_unsafe() -> None:
    named = BrowserChoice("remote", executable="/usr/bin/chromium", ws_endpoint=WS)
    message = _one_line(remote_failure(named, NO_OWN_CHROMIUM))
    assert "ignored ROBOT_BROWSER_WS_EXECUTABLE" in message and "--unsafe" in message


def test_a_named_chromium_missing_on_the_server() -> None:
    named = BrowserChoice("remote", executable="/opt/chromium/chrome", ws_endpoint=WS)
    message = _one_line(remote_failure(named, NO_NAMED_CHROMIUM))
    assert message.startswith("ROBOT_BROWSER_WS_EXECUTABLE=/opt/chromium/chrome: no such file on the browser server's host")


def test_a_wrong_path_and_a_timeout() -> None:
    assert "(ws://browsers.internal:3000/x 400 Bad Request)" in _one_line(remote_failure(REMOTE, WRONG_PATH))
    assert "no browser from the server within 60 s" in _one_line(remote_failure(REMOTE, TIMEOUT))


def test_anything_else_keeps_playwrights_first_line_and_the_headed_hint() -> None:
    error = "BrowserType.connect: Target page, context or browser has been closed\nBrowser logs:\n..."
    message = _one_line(remote_failure(REMOTE, error, headed=True))
    assert message == (f"ROBOT_BROWSER_WS={WS}: the browser server did not start a browser: "
                       "Target page, context or browser has been closed (--headed needs a display on the server's host)")


def test_a_secret_in_the_address_is_never_shown() -> None:
    ws = "wss://robot:s3cret@browsers.example.com/pw?token=abc123"
    assert shown_endpoint(ws) == "wss://robot:***@browsers.example.com/pw?***"
    choice = BrowserChoice("remote", ws_endpoint=ws)
    rewritten = "ws://robot:s3cret@browsers.example.com/pw/?token=abc123"  # as Playwright turns an http:// address
    for error in (REFUSED, f"BrowserType.connect: WebSocket error: {ws} 401 Unauthorized", TIMEOUT, "odd",
                  f"BrowserType.connect: WebSocket error: {rewritten} 401 Unauthorized", f"BrowserType.connect: {rewritten} broke"):
        message = remote_failure(choice, error)
        assert "s3cret" not in message and "abc123" not in message, message
    with pytest.raises(ConfigError) as caught:
        choose_browser({"ROBOT_BROWSER_WS": "ftp://robot:s3cret@h/?token=abc123"})
    assert "s3cret" not in str(caught.value) and "abc123" not in str(caught.value)
