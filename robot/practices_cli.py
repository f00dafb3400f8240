"""``python -m robot practices ROOT``: the page across the practice folders in ROOT (``ROOT/index.html``), one line a
practice on the terminal, and with ``--crontab`` one staggered cron line per practice. No site, no browser."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from robot import practices
from robot.errors import ConfigError, RobotError
from robot.safetext import cut, shown

INSTALL = Path("/opt/provider-portal-robot")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m robot practices",
        description=("The practice folders in ROOT (each with its .env, robot.yaml and runs/): rewrites ROOT/index.html, "
                     "each practice's last run and what needs a person, and prints one line a practice. Exit 0 when "
                     "no practice needs a person, 1 when one does, 2 on bad input."),
    )
    p.add_argument("root", type=Path, metavar="ROOT", help="the folder holding one folder per practice")
    p.add_argument("--crontab", action="store_true",
                   help="print one cron line per practice instead, each its own minute (see --start, --window)")
    p.add_argument("--start", default="01:00", metavar="HH:MM", help="--crontab: the first practice's time (default 01:00)")
    p.add_argument("--window", type=int, default=240, metavar="MINUTES",
                   help="--crontab: the practices' start times spread evenly over this many minutes (default 240)")
    p.add_argument("--install", type=Path, default=INSTALL, metavar="DIR",
                   help=f"--crontab: the robot's install folder, holding .venv (default {INSTALL})")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)
    try:
        if not args.root.is_dir():
            raise ConfigError(f"{args.root}: no such folder of practices; give the folder that holds one folder per practice")
        found = practices.find(args.root)
        if args.crontab:
            return _crontab(found, args)
        path = practices.write_index(args.root)
    except RobotError as exc:
        print(f"error: {shown(str(exc))}", file=sys.stderr)
        return exc.exit_code
    rows = [practices.row(p) for p in found]
    for r in sorted(rows, key=lambda r: (not r.attention, r.practice.name)):
        when = r.last.when if r.last else "no run yet"
        print(f"{'!' if r.attention else ' '} {cut(r.practice.name):<24} {r.status:<16} {when}"
              + (f"  ({len(r.needs)} to look at)" if r.needs else "") + (f"  {cut(r.not_started)}" if r.not_started else ""))
    print(f"{sum(r.attention for r in rows)} of {len(rows)} practices need a person; the page: {path.resolve()}")
    return 1 if any(r.attention for r in rows) else 0


def _crontab(found: list[practices.Practice], args: argparse.Namespace) -> int:
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", args.start)
    if not m:
        raise ConfigError(f"--start {args.start}: give a time of day as HH:MM (01:00)")
    if not 1 <= args.window <= 24 * 60:
        raise ConfigError(f"--window {args.window}: give a number of minutes from 1 to 1440")
    if not found:
        raise ConfigError(f"{args.root}: no practice folders in it (a folder holding a robot.yaml)")
    for slot in practices.staggered(found, (int(m[1]), int(m[2])), args.window):
        if " " in str(slot.practice.folder) or "%" in str(slot.practice.folder):
            raise ConfigError(f"{slot.practice.folder}: a practice folder for cron needs a path without spaces or %")
        print(practices.cron_line(slot, args.install.absolute()))
    return 0
