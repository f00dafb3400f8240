"""The password handoff: the one file that holds the passwords, so they reach the providers (seed step 13).

Created 0600 before a byte is written. A row is on disk, flushed and synced, before its Save is
clicked (applied "pending"), then marked "yes", "no", or "unknown" (Save clicked but the site's answer
unreadable: check that account by hand). Every change goes through a 0600 temporary file and an atomic
rename, so a crash or a full disk leaves either the old file or the new one.

No cell starts a spreadsheet formula: one that would start with ``= + - @``, a tab, a CR or a quote gets
a quote in front (OWASP's advice for CSV), and ``read`` takes it off again. Generated passwords never
start with one of these, so their cells are never changed.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from robot.passwords import FORMULA_START

HEADER = ("npi", "username", "name", "portal_password", "direct_address", "direct_password", "applied", "carried_from")
UNSETTLED = frozenset({"pending", "unknown"})  # a password that may or may not be live on the portal


class HandoffUnwritable(OSError):
    """handoff.csv could not be written (a full disk, a folder made read-only): no Save may be clicked."""


@dataclass(frozen=True)
class HandoffRow:
    npi: str
    username: str
    name: str
    portal_password: str = field(repr=False)
    direct_address: str
    direct_password: str = field(repr=False)
    applied: str = "pending"  # "pending" -> "yes" | "no" | "unknown"
    carried_from: str = ""  # the interrupted run whose handoff this row came from ("" for this run's own)

    def cells(self) -> tuple[str, ...]:
        return (self.npi, self.username, self.name, self.portal_password, self.direct_address, self.direct_password,
                self.applied, self.carried_from)


def neutral(cell: str) -> str:
    """A cell as written: a quote before what a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def plain(cell: str) -> str:
    """A cell as read: ``neutral`` undone."""
    return cell[1:] if cell.startswith("'") else cell


def read(path: Path) -> list[HandoffRow]:
    """The rows of a handoff file as they were given (cells un-neutralised); files of older runs, with
    fewer columns, too. Raises OSError, UnicodeDecodeError or csv.Error for a file that cannot be read."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = []
        for raw in csv.DictReader(f):
            cells = {k: plain(v or "") for k, v in raw.items() if k in HEADER}
            if cells.get("npi"):
                rows.append(HandoffRow(**{k: cells.get(k, "") for k in HEADER}))
        return rows


def write_private(path: Path, data: bytes, *, sync: bool = True) -> None:
    """``data`` into a new file of mode 0600 (whatever the umask), synced unless told not to; never through a symlink."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def render(rows: list[HandoffRow]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: a CR or LF inside a cell is quoted, not a row break
    writer.writerow(HEADER)
    writer.writerows(tuple(neutral(c) for c in r.cells()) for r in rows)
    return buf.getvalue().encode("utf-8")


class Handoff:
    """handoff.csv of one run.

    ``add`` raises HandoffUnwritable when the file cannot be written: the row is not on disk, so its
    Save must not be clicked. A later mark that cannot be written is kept in memory (``unsaved``) and
    written with the next change that can be; the run writes it elsewhere if none can.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, HandoffRow] = {}
        self._lock = threading.Lock()  # workers share the one handoff
        self.unsaved: OSError | None = None  # the last write that failed, until one succeeds
        self.on_settled: Callable[[HandoffRow], None] | None = None  # told each row settled (the practice's ledger)
        self._flush()

    def carry(self, rows: list[HandoffRow], run_name: str) -> None:
        """An interrupted run's rows, as this run starts: on disk before any provider is handled."""
        with self._lock:
            for row in rows:
                self._rows[row.npi] = replace(row, carried_from=row.carried_from or run_name)
            self._flush()

    def add(self, row: HandoffRow) -> None:
        """Record a provider's passwords; returns once they are safely on disk."""
        with self._lock:
            before = self._rows.get(row.npi)
            self._rows[row.npi] = row
            try:
                self._flush()
            except HandoffUnwritable:
                if before is None:
                    del self._rows[row.npi]
                else:
                    self._rows[row.npi] = before
                raise

    def mark(self, npi: str, applied: bool | None) -> None:
        """This run's row of ``npi``: True "yes", False "no", None "unknown". A carried row is left to ``settle``."""
        row = self._rows.get(npi)
        if row is not None and not row.carried_from:
            self.settle(npi, "unknown" if applied is None else "yes" if applied else "no")

    def settle(self, npi: str, word: str) -> None:
        """Set a row's "applied" to ``word``; a failed write is kept for later (see the class docstring)."""
        with self._lock:
            if npi not in self._rows or self._rows[npi].applied == word:
                return
            row = self._rows[npi] = replace(self._rows[npi], applied=word)
            try:
                self._flush()
            except HandoffUnwritable:
                pass  # self.unsaved says so; the Save it records has already happened
        if self.on_settled is not None:
            self.on_settled(row)  # outside the lock: the ledger has its own

    def pending(self, npi: str) -> bool:
        row = self._rows.get(npi)
        return row is not None and row.applied == "pending" and not row.carried_from

    def rows(self) -> list[HandoffRow]:
        with self._lock:
            return list(self._rows.values())

    def row(self, npi: str) -> HandoffRow | None:
        """This run's row of ``npi`` (not one carried from an interrupted run)."""
        row = self._rows.get(npi)
        return row if row is not None and not row.carried_from else None

    def carried(self) -> list[HandoffRow]:
        with self._lock:
            return [r for r in self._rows.values() if r.carried_from]

    def retry(self) -> None:
        """Write again what a failed write left only in memory; raises HandoffUnwritable if it still cannot."""
        with self._lock:
            self._flush()

    def rendered(self) -> bytes:
        with self._lock:
            return render(list(self._rows.values()))

    def _flush(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            write_private(tmp, render(list(self._rows.values())))
            os.replace(tmp, self.path)
        except OSError as exc:
            self.unsaved = exc
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            raise HandoffUnwritable(exc.errno, exc.strerror, str(self.path)) from None
        self.unsaved = None
