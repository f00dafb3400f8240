"""The memory settings of a launched Chromium and of Playwright's driver (robot/browser.py)."""

from __future__ import annotations

import os
import threading

import psutil
import pytest

import robot.browser
from robot.browser import (
    CHROMIUM_ARGS,
    DRIVER_NODE_OPTIONS,
    HEADLESS_MEMORY_ARGS,
    MEMORY_ARGS,
    BrowserChoice,
    driver_node_options,
    launch_kwargs,
    lean_playwright,
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
    ("", " ".join(DRIVER_NODE_OPTIONS)),
    ("--dns-result-order=ipv4first", "--dns-result-order=ipv4first " + " ".join(DRIVER_NODE_OPTIONS)),
    ("--max-semi-space-size=8", "--max-semi-space-size=8"),  # the user's own setting wins
])
def test_the_drivers_node_options_add_to_the_users_own(current: str | None, expected: str) -> None:
    assert driver_node_options(current) == expected


class _Manager:
    """A stand-in for sync_playwright(): what NODE_OPTIONS was when the driver would have started."""

    seen: list[str | None] = []

    def __enter__(self) -> str:
        self.seen.append(os.environ.get("NODE_OPTIONS"))
        return "playwright"

    def __exit__(self, *exc_info: object) -> None:
        self.seen.append("exit")


def test_the_driver_starts_with_them_and_the_environment_is_left_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(robot.browser, "sync_playwright", _Manager)
    _Manager.seen = []
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    with lean_playwright() as pw:
        assert pw == "playwright"
        assert "NODE_OPTIONS" not in os.environ
    monkeypatch.setenv("NODE_OPTIONS", "--trace-warnings")
    with lean_playwright():
        assert os.environ["NODE_OPTIONS"] == "--trace-warnings"
    assert _Manager.seen == [" ".join(DRIVER_NODE_OPTIONS), "exit", "--trace-warnings " + " ".join(DRIVER_NODE_OPTIONS), "exit"]


def test_drivers_started_by_several_workers_at_once_leave_the_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(robot.browser, "sync_playwright", _Manager)
    _Manager.seen = []
    monkeypatch.setenv("NODE_OPTIONS", "--trace-warnings")

    def worker() -> None:
        with lean_playwright():
            pass

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert os.environ["NODE_OPTIONS"] == "--trace-warnings"
    assert [s for s in _Manager.seen if s != "exit"] == ["--trace-warnings " + " ".join(DRIVER_NODE_OPTIONS)] * 8


def test_the_real_driver_gets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    with lean_playwright():
        drivers = [p for p in psutil.Process().children() if "run-driver" in " ".join(p.cmdline())]
        assert drivers
        try:
            environ = drivers[-1].environ()
        except psutil.AccessDenied:  # pragma: no cover - a system that hides it
            pytest.skip("the driver's environment cannot be read here")
        assert environ.get("NODE_OPTIONS") == " ".join(DRIVER_NODE_OPTIONS)
    assert "NODE_OPTIONS" not in os.environ
