"""The password handoff: the one file that holds the passwords, so they reach the providers (seed step 13).

Created 0600 before a byte is written. A row is on disk, flushed and synced, before its Save is
clicked (applied "pending"), then marked "yes", "no", or "unknown" (Save clicked but the site's answer
unreadable: check that account by hand). Every change goes through a 0600 temporary file and an atomic
rename, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

HEADER = ("npi", "username", "name", "portal_password", "direct_address", "direct_password", "applied")


@dataclass(frozen=True)
class HandoffRow:
    npi: str
    username: str
    name: str
    portal_password: str = field(repr=False)
    direct_address: str
    direct_password: str = field(repr=False)
    applied: str = "pending"  # "pending" -> "yes" | "no" | "unknown"

    def cells(self) -> tuple[str, ...]:
        return (self.npi, self.username, self.name, self.portal_password, self.direct_address, self.direct_password, self.applied)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


class Handoff:
    """handoff.csv of one run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, HandoffRow] = {}
        self._lock = threading.Lock()  # workers share the one handoff
        self._flush()

    def add(self, row: HandoffRow) -> None:
        """Record a provider's passwords; returns once they are safely on disk."""
        with self._lock:
            self._rows[row.npi] = row
            self._flush()

    def mark(self, npi: str, applied: bool | None) -> None:
        """Applied: True "yes", False "no", None "unknown"."""
        with self._lock:
            if npi in self._rows:
                word = "unknown" if applied is None else "yes" if applied else "no"
                self._rows[npi] = replace(self._rows[npi], applied=word)
                self._flush()

    def pending(self, npi: str) -> bool:
        row = self._rows.get(npi)
        return row is not None and row.applied == "pending"

    def rows(self) -> list[HandoffRow]:
        with self._lock:
            return list(self._rows.values())

    def row(self, npi: str) -> HandoffRow | None:
        return self._rows.get(npi)

    def _flush(self) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(r.cells() for r in self._rows.values())
        tmp = self.path.with_name(self.path.name + ".tmp")
        _write_private(tmp, buf.getvalue().encode("utf-8"))
        os.replace(tmp, self.path)
