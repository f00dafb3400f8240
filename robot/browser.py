"""Where the robot's Chromium comes from, and how it is launched: in one place.

Order: ``ROBOT_BROWSER_WS`` (a remote Playwright browser server) > ``ROBOT_BROWSER_PATH`` (an
explicit choice) > Playwright's own Chromium > the system's ``chromium``. ``python -m robot.browser
--ensure`` makes sure one of them exists (used by ``make``).

A remote server (``playwright run-server``, see docs/remote-browsers.md) launches one Chromium per
connection with the options the robot sends in the ``x-playwright-launch-options`` header. A plain
server honours ``headless`` only; ``args`` and ``executablePath`` only when it was started with
``--unsafe``. ``ROBOT_BROWSER_WS_EXECUTABLE`` names a Chromium on the server's host (sent only when set).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Browser, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

from pages.gate import register_cookie_engine
from robot.errors import BrowserFailed, BrowserMissing, ConfigError, RobotError

# Chromium calls nowhere but the sites it is sent to.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# A launched Chromium's V8 collects sooner and keeps smaller heaps: the portal page's garbage grows with every page.
MEMORY_ARGS: tuple[str, ...] = ("--js-flags=--optimize-for-size",)
# Headless only (a display's GPU keeps its own process): one process fewer, its work done in the browser's.
HEADLESS_MEMORY_ARGS: tuple[str, ...] = ("--in-process-gpu",)

# Playwright's driver (node): a small young generation, as its messages (pictures as base64) live for one call.
DRIVER_NODE_OPTIONS: tuple[str, ...] = ("--max-semi-space-size=1",)

SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser")
HEADLESS_SHELL = "chromium-headless-shell"  # Debian's package of the same name
INSTALL_HINT = (
    "install one with `python -m playwright install chromium` or, on Debian/Ubuntu, "
    "`apt-get install -y chromium` (or point ROBOT_BROWSER_PATH at a Chromium binary)"
)


# A remote server. Connecting includes the server starting its Chromium; the network exposed is our own
# loopback, so that `localhost` in a site's URL (the sandbox, an SSH tunnel) means this machine.
LAUNCH_OPTIONS_HEADER = "x-playwright-launch-options"
REMOTE_CONNECT_TIMEOUT_MS = 60_000
REMOTE_EXPOSE_NETWORK = "<loopback>"
WS_SCHEMES = ("ws", "wss", "http", "https")


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser a run will use; ``source`` is said in the log and the report."""

    source: str  # "remote", "ROBOT_BROWSER_PATH", "playwright", "system"
    # A local path; for "remote", a path on the server's host (ROBOT_BROWSER_WS_EXECUTABLE) or None.
    executable: str | None = None
    ws_endpoint: str | None = None
    # For "system": Debian's chromium-headless-shell for headless runs, as Playwright uses its own:
    # the same engine without the desktop browser's UI processes, so lighter and faster.
    headless_executable: str | None = None


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


def _system_headless_shell() -> str | None:
    found = shutil.which(HEADLESS_SHELL)
    if found:
        return found
    return f"/usr/bin/{HEADLESS_SHELL}" if Path(f"/usr/bin/{HEADLESS_SHELL}").is_file() else None


def choose_browser(env: dict[str, str] | None = None) -> BrowserChoice:
    """Decide which Chromium to use, or raise BrowserMissing naming both ways to install one."""
    env = dict(os.environ if env is None else env)
    ws = env.get("ROBOT_BROWSER_WS", "").strip()
    if ws:
        try:
            parts = urlsplit(ws)
            valid = parts.scheme in WS_SCHEMES and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise ConfigError(
                f"ROBOT_BROWSER_WS={shown_endpoint(ws)} is not the address of a Playwright browser server "
                "(like ws://browsers.example.internal:3000/); fix it, or unset it to launch a local Chromium"
            )
        remote_executable = env.get("ROBOT_BROWSER_WS_EXECUTABLE", "").strip() or None
        return BrowserChoice("remote", executable=remote_executable, ws_endpoint=ws)
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
        return BrowserChoice("system", executable=system, headless_executable=_system_headless_shell())
    raise BrowserMissing(f"no Chromium found: {INSTALL_HINT}")


def launch_kwargs(choice: BrowserChoice, *, headed: bool = False, slow_mo: float = 0) -> dict:
    """Keyword arguments for ``chromium.launch`` (shared by the robot and the test fixtures)."""
    # The robot stops after the current step on Ctrl-C or SIGTERM: Playwright must not close the browser under it.
    kwargs: dict = {
        "headless": not headed,
        "args": [*CHROMIUM_ARGS, *MEMORY_ARGS, *(() if headed else HEADLESS_MEMORY_ARGS)],
        "handle_sigint": False,
        "handle_sigterm": False,
        "handle_sighup": False,
    }
    if slow_mo:
        kwargs["slow_mo"] = slow_mo
    executable = choice.headless_executable if choice.headless_executable and not headed else choice.executable
    if executable:
        kwargs["executable_path"] = executable
    return kwargs


def driver_node_options(current: str | None) -> str:
    """NODE_OPTIONS for Playwright's driver: DRIVER_NODE_OPTIONS, then the user's own (V8 keeps the last);
    ``current`` as it is where it already starts with them."""
    ours, theirs = " ".join(DRIVER_NODE_OPTIONS), (current or "").strip()
    return theirs if theirs == ours or theirs.startswith(ours + " ") else " ".join(filter(None, [ours, theirs]))


def lean_driver_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    """Give every Playwright driver this process starts ``driver_node_options``.

    Playwright copies ``os.environ`` when it starts its driver and takes no environment of its own,
    so a command line calls this first, before any thread that could read the environment exists.
    """
    environ["NODE_OPTIONS"] = driver_node_options(environ.get("NODE_OPTIONS"))


def remote_launch_options(choice: BrowserChoice, *, headed: bool = False) -> dict:
    """What a remote server is asked to launch (the ``x-playwright-launch-options`` header).

    A plain ``run-server`` keeps ``headless`` and drops the rest; ``args`` (Playwright's own defaults
    include all four anyway) and ``executablePath`` count only on a server started with ``--unsafe``.
    """
    options: dict = {"headless": not headed, "args": list(CHROMIUM_ARGS)}
    if choice.executable:
        options["executablePath"] = choice.executable
    return options


def launch(playwright: Playwright, choice: BrowserChoice, *, headed: bool = False, slow_mo: float = 0) -> Browser:
    """Start (or connect to) the chosen Chromium.

    A remote server that cannot be used raises BrowserFailed with one line naming ROBOT_BROWSER_WS
    and what to do; a local launch's own error is left to the caller.
    """
    register_cookie_engine(playwright)  # a page's cookie banner is looked for before every action (robot.after_login)
    if choice.ws_endpoint:
        try:
            browser = playwright.chromium.connect(
                choice.ws_endpoint,
                headers={LAUNCH_OPTIONS_HEADER: json.dumps(remote_launch_options(choice, headed=headed))},
                expose_network=REMOTE_EXPOSE_NETWORK,
                slow_mo=slow_mo or None,
                timeout=REMOTE_CONNECT_TIMEOUT_MS,
            )
        except PlaywrightError as exc:
            # Not chained: the cause repeats the address, which may hold a token.
            raise BrowserFailed(remote_failure(choice, str(exc), headed=headed)) from None
        return browser
    return playwright.chromium.launch(**launch_kwargs(choice, headed=headed, slow_mo=slow_mo))


def shown_endpoint(ws: str) -> str:
    """The endpoint as it may be printed: a password or a query (a token, say) replaced by ``***``."""
    try:
        parts = urlsplit(ws)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username}:***@{netloc.rsplit('@', 1)[1]}"
        return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", ""))
    except ValueError:
        return ws


def _scrub_urls(text: str) -> str:
    """``shown_endpoint`` for every address in a message (Playwright repeats the endpoint, maybe rewritten)."""
    text = re.sub(r"(://[^/\s:@]+):[^@\s/]+@", r"\1:***@", text)
    return re.sub(r"(\b[a-z][a-z0-9+.-]*://[^\s?#]*)\?\S*", r"\1?***", text)


def _playwright_minor() -> str:
    """The robot's Playwright as ``1.65``: a server must run the same major.minor version."""
    try:
        return ".".join(metadata.version("playwright").split(".")[:2])
    except metadata.PackageNotFoundError:  # pragma: no cover - the robot cannot run without it
        return ""


def remote_failure(choice: BrowserChoice, error: str, *, headed: bool = False) -> str:
    """One line saying why a remote browser server could not be used and what to do about it."""
    ws = choice.ws_endpoint or ""
    where = f"ROBOT_BROWSER_WS={shown_endpoint(ws)}"
    minor = _playwright_minor()
    pin = f"playwright@{minor}" if minor else "playwright"
    serve = f"`npx {pin} run-server --port 3000 --host 0.0.0.0` there"
    first = error.strip().splitlines()[0] if error.strip() else "no reason given"
    first = _scrub_urls(re.sub(r"^\w+\.connect: ", "", first)).strip()

    mismatch = re.search(r"server version: v(\S+).*?client version: v(\S+)", error, re.DOTALL)
    if mismatch:
        server, client = mismatch.groups()
        return (f"{where}: the browser server runs Playwright {server}, the robot {client}; the versions must "
                f"match: run the server with Playwright {client} (`npx playwright@{client} run-server ...`)")
    missing = re.search(r"executable doesn't exist at (\S+)", error, re.IGNORECASE)
    if missing:
        path = missing.group(1)
        if choice.executable and path == choice.executable:
            return (f"ROBOT_BROWSER_WS_EXECUTABLE={path}: no such file on the browser server's host ({where}); "
                    "fix it, or unset it to use the server's own Chromium")
        install = f"install Playwright's Chromium there (`npx {pin} install --with-deps chromium`)"
        if choice.executable:
            return (f"{where}: the server ignored ROBOT_BROWSER_WS_EXECUTABLE (it was not started with --unsafe) "
                    f"and has no Chromium of its own ({path}): restart it with --unsafe, or {install}")
        return (f"{where}: the browser server has no Chromium ({path} is missing there): {install}, "
                "or start the server with --unsafe and set ROBOT_BROWSER_WS_EXECUTABLE to a Chromium on that host")
    if re.search(r"Timeout \d+ms exceeded", first):
        return (f"{where}: no browser from the server within {REMOTE_CONNECT_TIMEOUT_MS // 1000} s; check the address "
                f"and that a Playwright browser server runs there ({serve}), or unset ROBOT_BROWSER_WS to launch a local Chromium")
    if first.startswith("WebSocket error") or "does not look like a Playwright server" in error or re.search(
        r"\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b", error
    ):
        detail = first.removeprefix("WebSocket error: ")
        return (f"{where}: no Playwright browser server answers there ({detail}); start one ({serve}), "
                "fix the address, or unset ROBOT_BROWSER_WS to launch a local Chromium")
    hint = " (--headed needs a display on the server's host)" if headed else ""
    return f"{where}: the browser server did not start a browser: {first}{hint}"


def ensure_browser() -> int:
    """Make sure a Chromium is there: Playwright's download first, Debian's package second."""
    try:
        choice = choose_browser()
        if choice.source == "system" and not choice.headless_executable:
            _apt_install(HEADLESS_SHELL)  # best effort: the full chromium works too, with more memory
            choice = choose_browser()
        print(f"Chromium: {_describe(choice)}")
        return 0
    except BrowserMissing:
        pass
    except RobotError as exc:  # a bad ROBOT_BROWSER_WS: installing a local Chromium would not help
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
    _apt_install("chromium", HEADLESS_SHELL)
    try:
        choice = choose_browser()
    except BrowserMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Chromium: {choice.source} {choice.executable or ''}".rstrip())
    return 0


def _apt_install(*packages: str) -> None:
    """Debian's packages, where apt-get can be run (as root, or through sudo)."""
    if not shutil.which("apt-get"):
        return
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        return
    print(f"Installing Debian's {' and '.join(packages)} ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *packages], check=False, env=env)


def collect_garbage(page: Page) -> None:
    """Ask the page's renderer for a full garbage collection (Chromium's DevTools protocol).

    A renderer that navigates the same site for hours collects lazily, so its memory grows; the robot
    asks every ``GC_EVERY`` providers, and goes on without it where the protocol is not there.
    """
    session = page.context.new_cdp_session(page)
    try:
        session.send("HeapProfiler.collectGarbage")
    finally:
        session.detach()


GC_EVERY = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m robot.browser", description=__doc__)
    parser.add_argument("--ensure", action="store_true", help="install a Chromium if none is found")
    args = parser.parse_args(argv)
    if args.ensure:
        return ensure_browser()
    try:
        choice = choose_browser()
    except RobotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(_describe(choice))
    return 0


def _describe(choice: BrowserChoice) -> str:
    if choice.ws_endpoint:
        where = f" (on the server: {choice.executable})" if choice.executable else ""
        return f"{choice.source} {shown_endpoint(choice.ws_endpoint)}{where}"
    headless = f" (headless: {choice.headless_executable})" if choice.headless_executable else ""
    return f"{choice.source} {choice.executable or ''}".rstrip() + headless


if __name__ == "__main__":
    sys.exit(main())
