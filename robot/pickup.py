"""A run of this practice that was killed (``kill -9``, a power cut, out of memory) is picked up by the
next one: named, its handoff's rows carried into the new run's handoff, and each row whose Save may or
may not have happened checked against what the portal shows in this run."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from robot import handoff
from robot.handoff import UNSETTLED, HandoffRow
from robot.history import read_record
from robot.lock import LockHolder


@dataclass(frozen=True)
class Interrupted:
    """What a killed run left: its folder, its handoff rows worth carrying, the providers it was told to force."""

    run_dir: Path
    pid: int
    started: str
    rows: list[HandoffRow] = field(default_factory=list)
    forced: frozenset[str] = frozenset()
    unreadable: str = ""  # why its handoff could not be read ("" when it could, or it had none)

    @property
    def name(self) -> str:
        return self.run_dir.name

    def unsettled(self) -> list[HandoffRow]:
        return [r for r in self.rows if r.applied in UNSETTLED]

    def said(self) -> str:
        """The terminal's line on it."""
        head = f"The last run of this practice ({self.name}, PID {self.pid}, started {self.started}) was interrupted"
        if self.unreadable:
            return f"{head}; its handoff {self.run_dir / 'handoff.csv'} could not be read ({self.unreadable}): open it by hand"
        if not self.rows:
            return f"{head}; it had set no password."
        open_rows = self.unsettled()
        named = ", ".join(f"{r.npi} ({r.applied})" for r in open_rows)
        settled = len(self.rows) - len(open_rows)
        parts = ["its one handoff row is carried into this run's handoff" if len(self.rows) == 1
                 else f"{len(self.rows)} of its handoff rows are carried into this run's handoff"]
        if open_rows:
            parts.append(f"whether these were saved is checked against the portal now: {named}")
        if settled:
            parts.append(f"{settled} {'was' if settled == 1 else 'were'} already saved")
        return f"{head}; " + "; ".join(parts) + "."

    def as_json(self) -> dict:
        return {"run": self.name, "folder": str(self.run_dir), "pid": self.pid, "started": self.started,
                "rows": [{"npi": r.npi, "applied": r.applied} for r in self.rows], "unreadable": self.unreadable or None,
                "forced": sorted(self.forced)}


def find(previous: LockHolder | None) -> Interrupted | None:
    """The run the practice lock still named as this run took it, if it never finished its record."""
    if previous is None or not previous.run_dir:
        return None
    run_dir = Path(previous.run_dir)
    record = read_record(run_dir)
    if record is not None and record.get("finished"):
        return None  # it wrote its record and died after: nothing was left half done
    # Forced by it, or by the killed run it had picked up itself (whose rows it carried): a chain of kills keeps them.
    forced = [*_listed(record, "options", "force"), *_listed(record, "picked_up", "forced")]
    rows, unreadable = [], ""
    path = run_dir / "handoff.csv"
    if path.is_file():
        try:
            rows = [r for r in handoff.read(path) if r.applied != "no"]
        except (OSError, UnicodeDecodeError, csv.Error, TypeError) as exc:
            unreadable = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return Interrupted(run_dir, previous.pid, previous.started, rows,
                       frozenset(str(n) for n in forced if isinstance(n, str)), unreadable)


def settled(applied: str, status: str | None, *, forced_then: bool) -> str:
    """A carried row's "applied" once this run has seen its account (``status``: this run's outcome; None
    when this run did not handle it).

    An account that this run found configured was saved by the interrupted run, unless that run was
    forcing a redo of an account already configured: then nothing tells the two apart. Any other
    outcome leaves the row as it was (a configured account got a new row of this run's own).
    """
    if applied not in UNSETTLED:
        return applied
    if status == "already-configured":
        return "unknown" if forced_then else "yes"
    return applied


def _listed(record: object, section: str, key: str) -> list:
    part = record.get(section) if isinstance(record, dict) else None
    value = part.get(key) if isinstance(part, dict) else None
    return value if isinstance(value, list) else []
