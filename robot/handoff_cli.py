"""``python -m robot handoff``: what the practice's ledger (robot.ledger) still has to hand out, a printable
sheet per provider, and ``--given`` once a provider has theirs. Needs no site and starts no browser."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from robot import ledger
from robot.cli import config_path, npi_options
from robot.errors import ConfigError, RobotError
from robot.handoff import write_private
from robot.practices import open_practice
from robot.safetext import cut, plural, shown
from robot.settings import forget_given_after_days

SHEETS_NAME = "handoff-sheets.html"
SANDBOX_SHEETS_NAME = "handoff-sheets-sandbox.html"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m robot handoff",
        description=("The passwords the portal holds for each provider and whether they were handed out, from the "
                     "ledger beside the run folders (handoff-ledger.csv). Shows no password on the terminal."),
    )
    p.add_argument("--out", type=Path, default=Path("runs"), metavar="DIR", help="the runs folder the ledger is in (default: runs/)")
    p.add_argument("--config", type=Path, default=None, metavar="PATH",
                   help="robot.yaml, for handoff.forget_given_after_days (default: config/robot.yaml)")
    p.add_argument("--practice", type=Path, default=None, metavar="DIR",
                   help="the practice folder whose ledger to read (its runs/ and robot.yaml; instead of --out and --config)")
    p.add_argument("--sandbox", action="store_true", help="the embedded sandbox's ledger (make demo's runs), not the practice's")
    p.add_argument("--sheet", nargs="*", metavar="NPI", default=None,
                   help=f"write {SHEETS_NAME} in DIR: a printable page per provider still to hand out (or per NPI given)")
    p.add_argument("--given", nargs="+", metavar="NPI", default=None,
                   help="mark these providers' passwords handed out; they are forgotten after handoff.forget_given_after_days (default 7)")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)
    try:
        if args.practice is not None:
            if args.config is not None or args.out != Path("runs") or args.sandbox:
                raise ConfigError("--practice names the practice folder's runs/ and robot.yaml: give it without --out, --config and --sandbox")
            practice = open_practice(args.practice)
            args.out, args.config = practice.out, practice.config
        days = forget_given_after_days(config_path(args.config, sandbox=False))  # a --config given must exist, as for a run
        if args.given is not None and args.sheet is not None:
            raise ConfigError("--given and --sheet: one at a time (print the sheets, hand them out, then mark them given)")
        npis = sorted(npi_options(args.given or args.sheet or [], "--given" if args.given is not None else "--sheet"))
        path = ledger.path_in(args.out, args.sandbox)
        sheets = args.out / (SANDBOX_SHEETS_NAME if args.sandbox else SHEETS_NAME)
        if not path.exists():
            other = ledger.path_in(args.out, not args.sandbox).exists()
            raise ConfigError(f"no handoff ledger in {args.out} ({path}): no {'sandbox ' if args.sandbox else ''}run there has set a password yet"
                              + ("; the sandbox's is read with --sandbox" if other and not args.sandbox else
                                 "; leave out --sandbox for the practice's" if other else
                                 "; pass --out DIR where runs go elsewhere" if args.out == Path("runs") else ""))
        now = datetime.now(UTC)
        if args.given is not None:
            missing: list[str] = []

            def mark(entries: list[ledger.Entry]) -> list[ledger.Entry]:
                marked, missing[:] = ledger.given(entries, npis, now.isoformat(timespec="seconds"))
                return ledger.forget(marked, now, days)

            entries = _update(args.out, mark, args.sandbox)
            if missing:
                raise ConfigError(f"--given {' '.join(missing)}: the ledger holds no passwords for "
                                  f"{'that NPI' if len(missing) == 1 else 'these NPIs'} (never set, or already forgotten); nothing was marked")
            print(f"Marked handed out: {', '.join(npis)}; "
                  + ("their passwords are forgotten now" if days == 0 else f"their passwords are forgotten after {plural(days, 'day')}"))
        else:
            entries = _update(args.out, lambda es: ledger.forget(es, now, days), args.sandbox)
        if args.sheet is not None:
            return _sheets(sheets, entries, npis, args.sandbox)
        _show(entries, path, days, (" --sandbox" if args.sandbox else "") + (f" --practice {args.practice}" if args.practice else
                                                                              "" if args.out == Path("runs") else f" --out {args.out}"),
              args.sandbox)
        if sheets.exists():
            when = datetime.fromtimestamp(sheets.stat().st_mtime, UTC).isoformat(timespec="seconds")
            print(f"A sheet written {when} is still in {sheets.resolve()}: it holds passwords (and older ones go stale); "
                  "delete it once handed out")
        return 0
    except RobotError as exc:
        print(f"error: {shown(str(exc))}", file=sys.stderr)
        return exc.exit_code


def _update(out: Path, change, sandbox: bool) -> list[ledger.Entry]:  # noqa: ANN001 - a ledger.update change
    try:
        return ledger.update(out, change, sandbox)
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"the handoff ledger {ledger.path_in(out, sandbox)} cannot be used ({getattr(exc, 'strerror', None) or exc}); "
                          "check the file and its folder") from None


def _show(entries: list[ledger.Entry], path: Path, days: int, out_flag: str, sandbox: bool) -> None:
    waiting = [e for e in entries if e.to_hand_out]
    doubt = [e for e in entries if e.in_doubt]
    given = [e for e in entries if e.given_at]
    print(f"Handoff ledger: {path.resolve()} (readable by you only)"
          + ("; the embedded sandbox's: not real passwords, for no real provider" if sandbox else ""))
    print(f"{plural(len(waiting), 'provider')} with passwords to hand out"
          + (":" if waiting else "."))
    for e in waiting:
        print(f"  {e.npi}  {shown(cut(e.name, 60)):<32} set {e.set_at} by run {e.run}")
    if doubt:
        print(f"{plural(len(doubt), 'provider')} in doubt: the portal's answer to the Save could not be read; log in as "
              "the provider to check, or redo it with python -m robot --force NPI:")
        for e in doubt:
            print(f"  {e.npi}  {shown(cut(e.name, 60)):<32} tried {e.set_at} by run {e.run}")
    if given:
        print(f"{plural(len(given), 'provider')} handed out"
              + (f" (passwords forgotten {plural(days, 'day')} after)" if days else " (passwords forgotten)") + ":")
        for e in given:
            print(f"  {e.npi}  {shown(cut(e.name, 60)):<32} given {e.given_at}{'' if not e.forgotten else ', forgotten'}")
    if waiting:
        print(f"Next: python -m robot handoff{out_flag} --sheet (a printable page for each), "
              f"then python -m robot handoff{out_flag} --given NPI ... once handed out")


_env = Environment(loader=PackageLoader("robot", "templates"), autoescape=select_autoescape(default=True))


def _sheets(target: Path, entries: list[ledger.Entry], npis: list[str], sandbox: bool) -> int:
    known = {e.npi: e for e in entries if not e.forgotten}
    if npis:
        if missing := [n for n in npis if n not in known]:
            raise ConfigError(f"--sheet {' '.join(missing)}: the ledger holds no passwords for them (never set, or forgotten)")
        chosen = [known[n] for n in npis]
    else:
        chosen = [e for e in entries if e.to_hand_out]
    if not chosen:
        print("No provider has passwords to hand out: no sheet written.")
        return 0
    html = _env.get_template("handoff_sheets.html.j2").render(entries=chosen, sandbox=sandbox)
    try:
        write_private(target, html.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{target} could not be written ({exc.strerror}); check the folder") from None
    print(f"{plural(len(chosen), 'sheet')} to print: {target.resolve()} (readable by you only: it holds the passwords; "
          "delete it once printed)")
    return 0
