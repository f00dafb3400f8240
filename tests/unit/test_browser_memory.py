"""The memory settings of a launched Chromium and of Playwright's driver (robot/browser.py)."""

from __future__ import annotations

import os
import threading

import psutil
import pytest
from playwright.sync_api import sync_playwright

from robot import cli
from robot.browser import (
    CHROMIUM_ARGS,
    DRIVER_NODE_OPTIONS,
    HEADLESS_MEMORY_ARGS,
    MEMORY_ARGS,
    BrowserChoice,
    driver_node_options,
    launch_kwargs,
    lean_driver_environment,
    remote_launch_options,
)

LOCAL = BrowserChoice("system", executable="/usr/bin/chromium", headless_executable="/usr/bin/chromium-headless-shell")
REQUIRED = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_a_headless_launch_keeps_the_required_flags_and_adds_the_memory_ones() -> None:
    args = launch_kwargs(LOCAL)["args"]
    assert args[: len(CHROMIUM_ARGS)] == list(CHROMIUM_ARGS) == REQUIRED
    assert set(MEMORY_ARGS) <= set(args) and set(HEADLESS_MEMORY_ARGS) <= set(args)
    assert len(args) == len(set(args))
    # Chromium keeps the last of a repeated switch: Playwright's own feature lists must not be replaced.
    assert not any(a.startswith(("--enable-features", "--disable-features")) for a in args)


def test_a_headed_launch_keeps_its_gpu_process() -> None:
    args = launch_kwargs(LOCAL, headed=True)["args"]
    assert args == [*CHROMIUM_ARGS, *MEMORY_ARGS]
    assert not set(HEADLESS_MEMORY_ARGS) & set(args)


def test_a_remote_server_is_sent_only_the_required_flags() -> None:
    remote = BrowserChoice("remote", ws_endpoint="ws://browsers.internal:3000/")
    for headed in (False, True):
        assert remote_launch_options(remote, headed=headed)["args"] == REQUIRED


@pytest.mark.parametrize(("current", "expected"), [
    (None, " ".join(DRIVER_NODE_OPTIONS)),
    ("  ", " ".join(DRIVER_NODE_OPTIONS)),
    ("--dns-result-order=ipv4first", " ".join(DRIVER_NODE_OPTIONS) + " --dns-result-order=ipv4first"),
    # The user's own value comes last, and V8 keeps the last: theirs wins, however they spell it.
    ("--max_semi_space_size 8", " ".join(DRIVER_NODE_OPTIONS) + " --max_semi_space_size 8"),
    ('--require "/opt/my hooks/x.js"', " ".join(DRIVER_NODE_OPTIONS) + ' --require "/opt/my hooks/x.js"'),
    # Already given them (a second command line in one process): as it is, not twice.
    (" ".join(DRIVER_NODE_OPTIONS), " ".join(DRIVER_NODE_OPTIONS)),
    (" ".join(DRIVER_NODE_OPTIONS) + " --trace-warnings", " ".join(DRIVER_NODE_OPTIONS) + " --trace-warnings"),
])
def test_the_drivers_node_options_come_before_the_users_own(current: str | None, expected: str) -> None:
    assert driver_node_options(current) == expected


def test_the_environment_is_given_them_once_and_keeps_the_rest() -> None:
    environ = {"PATH": "/usr/bin", "NODE_OPTIONS": "--trace-warnings"}
    lean_driver_environment(environ)
    lean_driver_environment(environ)
    assert environ == {"PATH": "/usr/bin", "NODE_OPTIONS": " ".join(DRIVER_NODE_OPTIONS) + " --trace-warnings"}


def test_the_command_line_sets_them_before_anything_starts(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    assert cli.main(["--config", str(tmp_path / "missing.yaml")]) == 2  # bad input: no browser, no thread
    assert os.environ["NODE_OPTIONS"] == " ".join(DRIVER_NODE_OPTIONS)


def test_the_real_driver_gets_them_and_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    lean_driver_environment()
    seen: dict[str, object] = {}

    def start() -> None:  # a thread of its own, as a worker's: this one may already run pytest-playwright's
        with sync_playwright() as pw:  # node refuses an option it does not know: the driver would not start
            drivers = [p for p in psutil.Process().children() if "run-driver" in " ".join(p.cmdline())]
            seen["name"] = pw.chromium.name
            try:
                seen["options"] = [d.environ().get("NODE_OPTIONS") for d in drivers]
            except psutil.AccessDenied:  # pragma: no cover - a system that hides it
                seen["options"] = None

    thread = threading.Thread(target=start)
    thread.start()
    thread.join(60)
    assert seen.get("name") == "chromium"
    if seen["options"] is None:  # pragma: no cover
        pytest.skip("the drivers' environment cannot be read here")
    assert " ".join(DRIVER_NODE_OPTIONS) in seen["options"]  # the driver started last: this one
