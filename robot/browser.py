"""Where the robot's Chromium comes from, and how it is launched: in one place.

Order: ``ROBOT_BROWSER_WS`` (a remote Playwright browser server) > ``ROBOT_BROWSER_PATH`` (an
explicit choice) > Playwright's own Chromium > the system's ``chromium``. ``python -m robot.browser
--ensure`` makes sure one of them exists (used by ``make``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Playwright

from robot.errors import BrowserMissing

# Chromium calls nowhere but the sites it is sent to.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = (
    "install one with `python -m playwright install chromium` or, on Debian/Ubuntu, "
    "`apt-get install -y chromium` (or point ROBOT_BROWSER_PATH at a Chromium binary)"
)


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser a run will use; ``source`` is said in the log and the report."""

    source: str  # "remote", "ROBOT_BROWSER_PATH", "playwright", "system"
    executable: str | None = None
    ws_endpoint: str | None = None


def _playwright_own_chromium() -> str | None:
    # Playwright's registry knows where its own download would be, without starting a driver.
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:  # noqa: BLE001 - any failure here just means "not installed"
        return None
    return path if path and Path(path).is_file() else None


def _system_chromium() -> str | None:
    for name in SYSTEM_CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def choose_browser(env: dict[str, str] | None = None) -> BrowserChoice:
    """Decide which Chromium to use, or raise BrowserMissing naming both ways to install one."""
    env = dict(os.environ if env is None else env)
    ws = env.get("ROBOT_BROWSER_WS", "").strip()
    if ws:
        return BrowserChoice("remote", ws_endpoint=ws)
    explicit = env.get("ROBOT_BROWSER_PATH", "").strip()
    if explicit:
        if not Path(explicit).is_file():
            raise BrowserMissing(f"ROBOT_BROWSER_PATH={explicit} does not exist; fix it, or unset it and {INSTALL_HINT}")
        return BrowserChoice("ROBOT_BROWSER_PATH", executable=explicit)
    own = _playwright_own_chromium()
    if own:
        return BrowserChoice("playwright", executable=None)
    system = _system_chromium()
    if system:
        return BrowserChoice("system", executable=system)
    raise BrowserMissing(f"no Chromium found: {INSTALL_HINT}")


def launch_kwargs(choice: BrowserChoice, *, headed: bool = False, slow_mo: float = 0) -> dict:
    """Keyword arguments for ``chromium.launch`` (shared by the robot and the test fixtures)."""
    # The robot handles Ctrl-C and SIGTERM itself (it stops after the current step), so the browser
    # must not be closed under it by Playwright's own signal handlers.
    kwargs: dict = {
        "headless": not headed,
        "args": list(CHROMIUM_ARGS),
        "handle_sigint": False,
        "handle_sigterm": False,
        "handle_sighup": False,
    }
    if slow_mo:
        kwargs["slow_mo"] = slow_mo
    if choice.executable:
        kwargs["executable_path"] = choice.executable
    return kwargs


def launch(playwright: Playwright, choice: BrowserChoice, *, headed: bool = False, slow_mo: float = 0) -> Browser:
    """Start (or connect to) the chosen Chromium."""
    if choice.ws_endpoint:
        return playwright.chromium.connect(choice.ws_endpoint, slow_mo=slow_mo or None)
    return playwright.chromium.launch(**launch_kwargs(choice, headed=headed, slow_mo=slow_mo))


def ensure_browser() -> int:
    """Make sure a Chromium is there: Playwright's download first, Debian's package second."""
    try:
        choice = choose_browser()
        print(f"Chromium: {choice.source} {choice.executable or choice.ws_endpoint or ''}".rstrip())
        return 0
    except BrowserMissing:
        pass
    print("No Chromium yet; trying Playwright's download ...", flush=True)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"], timeout=600, check=False
        )
        if done.returncode == 0 and _playwright_own_chromium():
            print("Chromium: playwright (downloaded)")
            return 0
    except subprocess.TimeoutExpired:
        print("Playwright's download timed out.")
    if shutil.which("apt-get"):
        sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
        if sudo is not None:
            print("Installing Debian's chromium package ...", flush=True)
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
            subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    try:
        choice = choose_browser()
    except BrowserMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Chromium: {choice.source} {choice.executable or ''}".rstrip())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m robot.browser", description=__doc__)
    parser.add_argument("--ensure", action="store_true", help="install a Chromium if none is found")
    args = parser.parse_args(argv)
    if args.ensure:
        return ensure_browser()
    try:
        choice = choose_browser()
    except BrowserMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{choice.source} {choice.executable or choice.ws_endpoint or ''}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
