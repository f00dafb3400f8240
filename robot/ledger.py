"""The practice's handoff ledger: one file beside the run folders (``<out>/handoff-ledger.csv``, 0600) with,
for each provider, the passwords its portal account holds now, where and when they were set, and
whether they were handed out.

Every run adds to it as each Save is confirmed (``applied`` "yes" in its handoff) or left in doubt
("unknown"), and once more as it ends; a killed run's rows come in through the run that picks it up.
A row that was not applied ("no", "pending") never enters: the portal does not hold its passwords.
A newer password for a provider replaces the older one, handed out or not: the portal holds only
the newest. ``python -m robot handoff`` reads it (robot.handoff_cli); ``--given`` marks entries handed
out, and a handed-out entry's passwords are forgotten after ``handoff.forget_given_after_days``.

The file is rewritten whole through a 0600 temporary file and a rename, under a lock of its own
(``.ledger.lock``) held only for that read, change and write, so a run and the command never lose
each other's change. Cells are neutralised against spreadsheet formulas as handoff.csv's are.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from robot.handoff import HandoffRow, neutral, plain, write_private
from robot.lock import _open_lock

LEDGER_NAME = "handoff-ledger.csv"
SANDBOX_LEDGER_NAME = "handoff-ledger-sandbox.csv"  # the embedded sandbox is another practice: its passwords are not real
LOCK_NAME = ".ledger.lock"
HEADER = ("npi", "name", "username", "portal_password", "direct_address", "direct_password", "applied",
          "set_at", "run", "portal", "given_at")
ENTERS = frozenset({"yes", "unknown"})  # what a handoff row's "applied" must say for the portal to (maybe) hold it
DEFAULT_FORGET_DAYS = 7
_RUN_NAME = re.compile(r"^(\d{8}T\d{6}Z)")


@dataclass(frozen=True)
class Entry:
    npi: str
    name: str
    username: str
    portal_password: str = field(repr=False)
    direct_address: str
    direct_password: str = field(repr=False)
    applied: str  # "yes": the Save was confirmed; "unknown": it may or may not have been
    set_at: str  # when (UTC, ISO 8601)
    run: str  # the run folder whose Save set them
    portal: str  # the portal's address the provider logs in at
    given_at: str = ""  # when a person marked them handed out ("" not yet)

    @property
    def to_hand_out(self) -> bool:
        return self.applied == "yes" and not self.given_at

    @property
    def in_doubt(self) -> bool:
        return self.applied == "unknown" and not self.given_at

    @property
    def forgotten(self) -> bool:
        return bool(self.given_at) and not self.portal_password and not self.direct_password

    def cells(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, k)) for k in HEADER)


def path_in(out: Path, sandbox: bool = False) -> Path:
    return out / (SANDBOX_LEDGER_NAME if sandbox else LEDGER_NAME)


def read(path: Path) -> list[Entry]:
    """The entries, in the file's order; none where there is no file yet. Raises OSError, UnicodeDecodeError
    or csv.Error for a file that cannot be read."""
    try:
        f = path.open(newline="", encoding="utf-8")
    except FileNotFoundError:
        return []
    with f:
        return [Entry(**{k: plain(raw.get(k) or "") for k in HEADER}) for raw in csv.DictReader(f) if raw.get("npi")]


def render(entries: Iterable[Entry]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(tuple(neutral(c) for c in e.cells()) for e in entries)
    return buf.getvalue().encode("utf-8")


def when_run(run: str, default: str) -> str:
    """When a run started, from its folder's name (``20261203T020000Z``), else ``default``."""
    if m := _RUN_NAME.match(run):
        return datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat(timespec="seconds")
    return default


def merged(entries: list[Entry], rows: Iterable[HandoffRow], *, run: str, now: str, portal: str) -> list[Entry]:
    """``entries`` with what ``rows`` (one run's handoff; carried rows say their own run) set on the portal.

    Merging the same rows again changes nothing, and keeps an entry's ``given_at``: a run adds its rows
    as they are confirmed and once more as it ends."""
    by_npi = {e.npi: e for e in entries}
    for row in rows:
        if row.applied not in ENTERS:
            continue
        origin_run = row.carried_from or run
        old = by_npi.get(row.npi)
        if old is not None and old.run == origin_run:
            if old.applied != row.applied and not old.given_at:
                by_npi[row.npi] = replace(old, applied=row.applied)  # the same Save, settled since
            continue
        by_npi[row.npi] = Entry(row.npi, row.name, row.username, row.portal_password, row.direct_address,
                                row.direct_password, row.applied, when_run(origin_run, now) if row.carried_from else now,
                                origin_run, portal)
    return list(by_npi.values())


def given(entries: list[Entry], npis: Iterable[str], now: str) -> tuple[list[Entry], list[str]]:
    """``entries`` with those of ``npis`` marked handed out at ``now``; and the NPIs the ledger has no
    passwords for (not in it, or already forgotten), which change nothing."""
    wanted = set(npis)
    known = {e.npi for e in entries if not e.forgotten}
    missing = sorted(wanted - known)
    if missing:
        return entries, missing
    return [replace(e, given_at=e.given_at or now) if e.npi in wanted else e for e in entries], []


def forget(entries: list[Entry], now: datetime, days: int) -> list[Entry]:
    """The passwords of entries handed out ``days`` or more ago blanked (the entry stays: who, when, where)."""
    cutoff = now - timedelta(days=days)
    out = []
    for e in entries:
        if e.given_at and not e.forgotten and datetime.fromisoformat(e.given_at) <= cutoff:
            e = replace(e, portal_password="", direct_password="")
        out.append(e)
    return out


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    fd = _open_lock(out / LOCK_NAME)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held for one read-change-write: a moment
        yield
    finally:
        os.close(fd)


def update(out: Path, change: Callable[[list[Entry]], list[Entry]], sandbox: bool = False) -> list[Entry]:
    """Read the ledger in ``out``, ``change`` it and write it back, under its lock; the new entries.
    Raises OSError (and csv.Error, UnicodeDecodeError for a damaged file): nothing is written then."""
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = path_in(out, sandbox)
    with _locked(out):
        before = read(path)
        after = change(before)
        if after != before or not path.exists():
            tmp = path.with_name(path.name + ".tmp")
            try:
                write_private(tmp, render(after))
                os.replace(tmp, path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
        return after


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Ledger:
    """One run's way into the practice's ledger: each confirmed row as it comes, all of them at the end."""

    def __init__(self, out: Path, run: str, portal: str, forget_days: int = DEFAULT_FORGET_DAYS, *, sandbox: bool = False) -> None:
        self.out = out
        self.run = run
        self.portal = portal
        self.forget_days = forget_days
        self.sandbox = sandbox
        self.path = path_in(out, sandbox)
        self.failure: OSError | None = None  # the last write that failed, until one succeeds
        self.replaced: list[Entry] = []  # entries handed out whose passwords this run replaced (a --force)

    def entries(self) -> list[Entry]:
        """What the ledger holds now (none where there is none yet); OSError when it cannot be read."""
        try:
            return read(self.path)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise OSError(f"{self.path} cannot be read ({exc})") from None

    def add(self, rows: Iterable[HandoffRow]) -> list[Entry]:
        """Merge ``rows``; OSError (kept in ``failure``) when the ledger cannot be read or written."""
        rows = list(rows)

        def change(before: list[Entry]) -> list[Entry]:
            after = merged(before, rows, run=self.run, now=now_iso(), portal=self.portal)
            mine = {e.npi: e for e in after if e.run == self.run}
            self.replaced += [e for e in before if e.given_at and e.npi in mine and e.run != self.run]
            return forget(after, datetime.now(UTC), self.forget_days)

        try:
            entries = update(self.out, change, self.sandbox)
        except (OSError, csv.Error, UnicodeDecodeError) as exc:
            self.failure = exc if isinstance(exc, OSError) else OSError(f"{self.path} cannot be read ({exc})")
            raise self.failure from None
        self.failure = None
        return entries
