"""``python -m robot``: the command line (docs/reference.md). Bad input stops here, before a browser starts."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from robot.browser import choose_browser, lean_driver_environment
from robot.check import check
from robot.errors import ConfigError, RobotError
from robot.lock import RunLock
from robot.rules import npi_problem
from robot.run import RunOptions, StopRequest, execute, practice_lock
from robot.safetext import shown
from robot.otp import OneTimeCodes
from robot.settings import SECRET_VARIABLES, Settings, Site, dotenv_candidates, find_dotenv, load
from robot.practices import Practice, no_contradiction, open_practice
from robot.telling import Told


MAX_WORKERS = 16  # each is a browser with its own login; past the machine's cores they only queue
DEFAULT_CONFIG = Path("config/robot.yaml")
DEFAULT_OUT = Path("runs")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m robot",
        description=(
            "Finish every provider's Patient and Provider Portal account: the Direct address from MaxMD, "
            "a password, Poll Direct Mailbox on, Emergency Access off. Leaves a screenshot of every account "
            "and every failure, handoff.csv with the passwords and report.html in runs/<timestamp>/."
        ),
        epilog=("Exit status: 0 all eligible providers configured; 1 a provider failed or conflicts; 2 the run could not start. "
                "python -m robot handoff --help: the passwords still to hand out, from the practice's ledger. "
                "python -m robot practices --help: the page across practice folders, a staggered crontab."),
    )
    p.add_argument("--headed", action="store_true", help="show the browser so a person can watch")
    p.add_argument("--slow-mo", type=float, default=0, metavar="MS", help="pause MS milliseconds between browser actions")
    p.add_argument("--dry-run", action="store_true", help="fill in and screenshot every account, never Save")
    p.add_argument("--check", action="store_true",
                   help="read only: log in to both sites and confirm every control is found; exit 0 if all are, 2 naming the rest")
    p.add_argument("--only", action="append", default=[], metavar="NPI", help="handle only this provider (repeatable)")
    p.add_argument("--force", action="append", default=[], metavar="NPI", help="redo this provider even if already configured (repeatable)")
    p.add_argument("--config", type=Path, default=None, metavar="PATH",
                   help="robot.yaml (default: config/robot.yaml; with --sandbox and none there, the one installed with the robot)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="where run folders go (default: runs/)")
    p.add_argument("--practice", type=Path, default=None, metavar="DIR",
                   help="run the practice whose folder is DIR: its .env, robot.yaml and runs/ (instead of --config and --out)")
    p.add_argument("--notify-test", action="store_true",
                   help="send a test message to every notify.urls place and exit (with --check: after the check, with its result)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help=f"share the providers among N browsers, each logged in on its own (1-{MAX_WORKERS}; default 1)")
    p.add_argument("--sandbox", action="store_true", help="run against the embedded sandbox, whatever the URLs say")
    p.add_argument("--sandbox-skin", choices=("default", "legacy", "modern", "spa"), default="default",
                   help="the sandbox's rendering: default, legacy (an older table-layout portal), modern (widget libraries, "
                        "in-place updates) or spa (web components, a single-page app, an iframe)")
    return p


def config_path(given: Path | None, sandbox: bool) -> Path:
    """``--config``, else config/robot.yaml here; a ``--sandbox`` run from a folder without one (an installed
    robot started anywhere) uses the project's default, shipped with the sandbox. A missing ``--config`` stays an error."""
    if given is not None:
        if given.is_dir():
            raise ConfigError(f"--config {given}: that is a folder; give the settings file in it (robot.yaml)")
        if not given.exists():
            raise ConfigError(f"--config {given}: that file does not exist; check the path")
        return given
    if not sandbox or DEFAULT_CONFIG.exists():
        return DEFAULT_CONFIG
    from robot.sandbox.files import DEFAULT_CONFIG as shipped  # only the CLI knows the sandbox

    return shipped


def npi_options(values: list[str], flag: str) -> frozenset[str]:
    """The NPIs given after ``flag`` (``--only``, ``--given``, ...); a bad one is refused naming the flag."""
    out = set()
    for value in values:
        v = value.strip()
        if problem := npi_problem(v):
            raise ConfigError(f"{flag} {value}: not a valid NPI ({problem})")
        out.add(v)
    return frozenset(out)


@contextlib.contextmanager
def _sites(settings: Settings, skin: str = "default", *, asked: bool = False) -> Iterator[tuple[Site, Site, bool]]:
    """The two sites: the configured ones, or the embedded sandbox started for this run (see ``_sandbox_allowed``)."""
    if settings.maxmd and settings.portal:
        yield settings.maxmd, settings.portal, False
        return
    from robot.sandbox import Faults, Sandbox  # only the CLI knows the sandbox; the robot just gets two URLs
    from robot.sandbox._gates import SKIN_GATES

    # Its MaxMD asks for a one-time code, as sites that hold health data mostly do; the rendering's own gates besides.
    gates = {"maxmd": ("code",), **SKIN_GATES.get(skin, {})}
    with Sandbox(skin=skin, faults=Faults(gates=gates, cookie_banner=None)) as sb:
        why = "--sandbox" if asked else "No MAXMD_URL / PORTAL_URL set"
        print(f"{why}: running against the embedded sandbox ({sb.maxmd_url}, {sb.portal_url}), not a real site.")
        # The sandbox's own authenticator secret, as a practice's .env would give it (its spa skin asks for codes).
        codes = {p: OneTimeCodes(sb.totp_secret, f"{p}_TOTP_SECRET") for p in ("MAXMD", "PORTAL")}
        yield (
            Site("MaxMD", sb.maxmd_url, sb.maxmd_username, sb.maxmd_password, codes=codes["MAXMD"]),
            Site("portal", sb.portal_url, sb.portal_username, sb.portal_password, codes=codes["PORTAL"]),
            True,
        )


def _at_terminal() -> bool:
    """Whether a person is at a terminal: cron and systemd give no terminal on standard input."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):  # closed
        return False


def _sandbox_allowed(settings: Settings, asked: bool, interactive: bool) -> None:
    """The sandbox only when asked for (``--sandbox``) or obvious: no site configured and a person at a
    terminal. Unattended (cron, systemd) a run with no site is an error, so it can never pass on the sandbox."""
    if settings.sandbox and not asked and not interactive:
        raise ConfigError(no_site(settings))


def no_site(settings: Settings) -> str:
    """Why an unattended run with no site configured does not start, and what to do."""
    if settings.dotenv is not None:
        where = f"{settings.dotenv} was read"
    else:
        where = "no .env found (looked for " + ", ".join(str(p) for p in dotenv_candidates(settings.config_path)) + ")"
    return (f"no site configured: MAXMD_URL and PORTAL_URL are not set in the environment, in .env or in "
            f"{settings.config_path.name} ({where}); set them, or pass --sandbox to run against the embedded sandbox")


def _stop_on_signals() -> StopRequest:
    """Ctrl-C or SIGTERM: finish the current step, write run.json and the report, exit 130/143.

    A second Ctrl-C stops at once (Python's default).
    """
    stop = StopRequest()

    def handle(signum: int, _frame: object) -> None:
        stop.set(signal.Signals(signum).name, 128 + signum)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, handle)
    return stop


def hide_secrets(settings: Settings, environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Take every secret out of this process's environment, which Playwright's driver and Chromium inherit:
    the settings hold them from here on. Returns the names taken out."""
    known = set(settings.secrets())
    names = [k for k, v in environ.items() if k in SECRET_VARIABLES or (v and v in known) or k in settings.secret_variables]
    for name in names:
        del environ[name]
    return names


def check_ignores(args: argparse.Namespace) -> list[str]:
    """The options given with ``--check`` that it would not use: it is read only, walks to one account page,
    in one headless browser at full speed."""
    ignored = [("--dry-run", args.dry_run), ("--only", args.only), ("--force", args.force),
               (f"--workers {args.workers}", args.workers != 1), ("--headed", args.headed),
               (f"--slow-mo {args.slow_mo:g}", args.slow_mo != 0)]
    return [flag for flag, given in ignored if given]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["handoff"]:  # the ledger's command: no site, no browser
        from robot.handoff_cli import main as handoff

        return handoff(argv[1:])
    if argv[:1] == ["practices"]:  # the page across practices, a staggered crontab: no site, no browser
        from robot.practices_cli import main as practices

        return practices(argv[1:])
    args = parser().parse_args(argv)
    os.umask(0o077)  # whatever the caller's umask, every folder and file the run makes is its user's alone
    lean_driver_environment()  # before the sandbox's threads and the workers
    told = Told()
    try:
        code = _main(args, told)
    except RobotError as exc:
        message = told.named(str(exc))  # which of many practices, in the one line
        print(f"error: {shown(message)}", file=sys.stderr)
        code = exc.exit_code
        told.could_not_run(message, code, asked=not args.check and not args.notify_test)
    told.practice_page(code, args.check or args.notify_test)
    return code


def _main(args: argparse.Namespace, told: Told) -> int:
    if args.check and (ignored := check_ignores(args)):
        raise ConfigError(f"--check takes no {', '.join(ignored)}: it is read only, walks to one account page, in one "
                          "headless browser; run --check alone, then the run with those options")
    if args.notify_test and (ignored := check_ignores(args)):
        raise ConfigError(f"--notify-test takes no {', '.join(ignored)}: it sends a test message and runs nothing; "
                          "give it alone (or with --check)")
    practice = told.practice = _practice(args, told)
    config = practice.config if practice else config_path(args.config, args.sandbox)
    out = practice.out if practice else args.out
    told.config, told.dotenv = config, practice.dotenv if practice else find_dotenv(config)
    if practice is not None:
        no_contradiction(practice, os.environ)
    settings = told.settings = load(config, force_sandbox=args.sandbox, dotenv_path=told.dotenv)
    hide_secrets(settings)  # still before any thread: the driver and the browser start without them
    for warning in settings.warnings:
        print(f"warning: {shown(warning)}", file=sys.stderr)
    if args.notify_test and not args.check:
        return told.test_message()
    options = RunOptions(
        out=out,
        headed=args.headed,
        slow_mo=args.slow_mo,
        dry_run=args.dry_run,
        only=npi_options(args.only, "--only"),
        force=npi_options(args.force, "--force"),
        workers=args.workers,
        stop=None if args.check else _stop_on_signals(),
        practice=told.label(),
        practice_folder=practice.folder if practice else None,
    )
    if options.only and (outside := sorted(options.force - options.only)):
        raise ConfigError(f"--force {' '.join(outside)}: not among --only, so it would not be handled; add --only "
                          f"{' --only '.join(outside)} too, or leave --only out")
    if args.slow_mo < 0:
        raise ConfigError("--slow-mo: give a number of milliseconds, 0 or more")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise ConfigError(f"--workers {args.workers}: give a number from 1 to {MAX_WORKERS}")
    if practice is not None and settings.sandbox:  # a practice folder runs against its own sites, never the sandbox
        raise ConfigError(f"no site configured: MAXMD_URL and PORTAL_URL are not set in {practice.dotenv} nor in its "
                          "robot.yaml; set them there")
    _sandbox_allowed(settings, args.sandbox, interactive=_at_terminal())
    choice = choose_browser()
    with _sites(settings, args.sandbox_skin, asked=args.sandbox) as (maxmd, portal, sandbox):
        if args.check:
            # Never beside a run: some portals allow one session per login.
            with RunLock.for_out(out), practice_lock(maxmd, portal, sandbox) as held:
                if held is not None:
                    held.keep_previous = True  # a killed run is the next real run's to pick up
                code, _ = check(settings, out, choice, maxmd=maxmd, portal=portal)
            return told.test_message(f"--check: {'every control was found' if code == 0 else 'see its output'} (exit {code})") \
                if args.notify_test else code
        code = execute(settings, options, choice, maxmd=maxmd, portal=portal, sandbox=sandbox).exit_code
        told.ran = True  # its run folder says what happened, and it sent its own notification
        return code


def _practice(args: argparse.Namespace, told: Told) -> Practice | None:
    """``--practice DIR``: the one way to name a practice folder; --config and --out would name a second."""
    if args.practice is None:
        return None
    if given := [flag for flag, value in (("--config", args.config), ("--out", args.out != DEFAULT_OUT), ("--sandbox", args.sandbox)) if value]:
        raise ConfigError(f"--practice with {', '.join(given)}: a practice folder holds its robot.yaml and its runs/ itself; "
                          "give --practice alone (or --config/--out alone for a single practice)")
    if (folder := args.practice.expanduser().absolute()).is_dir():  # a folder short of its .env is still on the page
        told.practice, told.config = Practice(folder), folder / "robot.yaml"
    return open_practice(args.practice)
