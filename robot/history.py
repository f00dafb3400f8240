"""The runs folder over time: how long each run folder is kept, and ``index.html`` listing them all.

Retention. HIPAA-covered practices keep security documentation six years (45 CFR 164.316(b)(2)); a
run that changed an account (set a password, turned on Poll Direct Mailbox, typed a Direct address)
is such a record, so by default it is kept 2190 days. A run that changed nothing (every provider
already configured, waiting, not provisioned, excluded, in conflict, or a dry run) is kept 90 days,
so a nightly schedule does not fill the disk with copies of "nothing to do". A folder whose record
cannot be read counts as a change: an audit record must never be lost to a parsing problem.

Only folders named as the runner names them (``YYYYMMDDTHHMMSSZ``, optionally ``-N``) are ever touched.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from robot.errors import ConfigError
from robot.handoff import write_private

INDEX_NAME = "index.html"
RUN_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>[1-9]\d{0,5}))?$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

# Outcomes that change nothing on either site. "conflict" (acknowledged or not) is decided before any Save; "failed" is not
# here: a provider can fail after its Save was clicked (an Emergency Access fix has no handoff row).
UNCHANGED_STATUSES = frozenset(
    {"already-configured", "waiting-for-cda", "not-provisioned", "excluded", "dry-run", "conflict",
     "acknowledged-conflict"}
)
# handoff.csv "applied" values meaning a password may be live on the portal ("pending": the run died around its Save).
CHANGED_APPLIED = frozenset({"yes", "unknown", "pending"})

_env = Environment(
    loader=PackageLoader("robot", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Retention:
    """Days a run folder is kept: by whether the run changed anything (see the module docstring)."""

    changed_days: int = 2190
    unchanged_days: int = 90

    def __post_init__(self) -> None:
        for name in ("changed_days", "unchanged_days"):
            value = getattr(self, name)
            # bool is an int to Python, and "retention: {changed_days: yes}" must not mean one day.
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"retention.{name}: give a whole number of days, 1 or more (found {value!r})")

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None, where: str = "robot.yaml: retention") -> Retention:
        """Build from robot.yaml's ``retention:`` mapping; missing keys keep their defaults."""
        if section is None:
            return cls()
        if not isinstance(section, Mapping):
            raise ConfigError(f"{where}: expected a mapping with changed_days and unchanged_days")
        unknown = sorted(set(section) - {"changed_days", "unchanged_days"})
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: changed_days, unchanged_days)")
        try:
            return cls(**{k: v for k, v in section.items() if v is not None})
        except ConfigError as exc:
            raise ConfigError(str(exc).replace("retention.", f"{where}.", 1)) from None

    def days_for(self, changed: bool) -> int:
        return self.changed_days if changed else self.unchanged_days


# --- reading one run folder -------------------------------------------------------------------


def is_run_folder(path: Path) -> bool:
    """A real directory (not a symlink) named the way the runner names run folders."""
    return RUN_NAME.match(path.name) is not None and path.is_dir() and not path.is_symlink()


def run_folders(out: Path) -> list[Path]:
    """Every run folder directly under ``out``, in no particular order."""
    try:
        return [p for p in out.iterdir() if is_run_folder(p)]
    except FileNotFoundError:
        return []


def read_record(run_dir: Path) -> dict | None:
    """run.json as a dict, or None when it is missing, unreadable or not a JSON object."""
    try:
        data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def run_started(run_dir: Path, record: Mapping[str, Any] | None = None) -> datetime | None:
    """When the run started, in UTC: from the folder's name, else run.json's "started", else None."""
    m = RUN_NAME.match(run_dir.name)
    if m:
        try:
            return datetime.strptime(m["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            pass  # well formed but not a date (e.g. month 13): fall back to the record
    if record is None:
        record = read_record(run_dir)
    started = record.get("started") if record else None
    if isinstance(started, str):
        try:
            when = datetime.fromisoformat(started)
        except ValueError:
            return None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return None


def _handoff_applied(run_dir: Path) -> list[str] | None:
    """The handoff's "applied" column; [] when there is no handoff, None when it cannot be read.

    Only that column is kept: the passwords in the other columns are never held onto.
    """
    path = run_dir / "handoff.csv"
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None:
                return []
            if "applied" not in reader.fieldnames:
                return None
            return [(row.get("applied") or "").strip().lower() for row in reader]
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def changed_something(run_dir: Path, record: Mapping[str, Any] | None = None) -> bool:
    """Whether a run may have changed an account. True whenever that cannot be ruled out."""
    if record is None:
        record = read_record(run_dir)
    if record is None or record.get("finished") is None:  # no record, or a run killed before it wrote its last
        return True
    applied = _handoff_applied(run_dir)
    if applied is None or any(a in CHANGED_APPLIED for a in applied):
        return True
    providers = record.get("providers")
    if not isinstance(providers, list):
        return True
    statuses = [p.get("status") if isinstance(p, dict) else None for p in providers]
    if "configured" in statuses:
        return True
    if record.get("mode") == "dry-run":
        return False  # a dry run never clicks Save, whatever its providers' outcomes
    return not all(s in UNCHANGED_STATUSES for s in statuses)


# --- prune --------------------------------------------------------------------------------------


def prune(
    out: Path,
    retention: Retention,
    now: datetime,
    *,
    on_error: Callable[[Path, OSError], None] | None = None,
) -> list[Path]:
    """Remove the run folders under ``out`` older than their retention; return the removed ones.

    ``now`` should be timezone-aware; a naive one is taken as UTC. A folder whose age cannot be
    told (no date in its name or its run.json) is kept. A folder that cannot be removed raises its
    OSError, unless ``on_error(path, error)`` is given, which is then called and the pruning goes on
    (a nightly run should log it, not stop over it).
    """
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    removed: list[Path] = []
    for run_dir in sorted(run_folders(out), key=lambda p: p.name):
        record = read_record(run_dir)
        started = run_started(run_dir, record)
        if started is None:
            continue
        limit = timedelta(days=retention.days_for(changed_something(run_dir, record)))
        if now - started <= limit:
            continue
        try:
            # rmtree never follows symlinks inside the folder (it uses fd-based walking on Linux).
            shutil.rmtree(run_dir)
        except OSError as exc:
            if on_error is None:
                raise
            on_error(run_dir, exc)
            continue
        removed.append(run_dir)
    return removed


# --- index.html ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """One row of index.html."""

    name: str
    started: datetime | None
    readable: bool
    mode: str = ""
    exit_code: int | None = None
    error: str = ""
    counts: tuple[tuple[str, int], ...] = ()
    has_report: bool = False
    interrupted: bool = False  # started and never finished its record: killed, or the machine went down
    handoff_rows: int = 0
    sandbox: bool = False  # run against the embedded sandbox: no real site was touched

    @property
    def attention(self) -> bool:
        """A person should look: the run failed for a provider, could not run, was interrupted, or left no record."""
        return not self.readable or self.interrupted or self.exit_code in (1, 2) or bool(self.error)

    @property
    def when(self) -> str:
        return self.started.strftime("%Y-%m-%d %H:%M:%S UTC") if self.started else "(unknown)"

    @property
    def report_href(self) -> str:
        return f"{self.name}/report.html"


def summarize(run_dir: Path) -> RunSummary:
    """Read one run folder for the index, tolerating any kind of broken run.json."""
    record = read_record(run_dir)
    started = run_started(run_dir, record)
    has_report = (run_dir / "report.html").is_file()
    # A run writes run.json as it starts and again as it ends; older robots wrote it only at the end, so a
    # folder with a log and no record was killed too.
    interrupted = (record is not None and record.get("finished") is None) or (
        record is None and (run_dir / "robot.log").is_file())
    rows = _handoff_applied(run_dir) if interrupted else []
    sites = record.get("sites") if record is not None else None
    sandbox = isinstance(sites, dict) and sites.get("sandbox") is True
    if record is None or interrupted:
        return RunSummary(run_dir.name, started, readable=record is not None, has_report=has_report,
                          mode=str(record.get("mode") or "") if record else "", interrupted=interrupted,
                          handoff_rows=len(rows or []), sandbox=sandbox)
    exit_code = record.get("exit_code")
    if isinstance(exit_code, bool) or not isinstance(exit_code, int):
        exit_code = None
    error = record.get("error")
    raw_counts = record.get("counts")
    counts: tuple[tuple[str, int], ...] = ()
    if isinstance(raw_counts, dict):
        counts = tuple(
            (str(k), v) for k, v in raw_counts.items() if isinstance(v, int) and not isinstance(v, bool) and v
        )
    mode = record.get("mode")
    return RunSummary(
        run_dir.name,
        started,
        readable=True,
        mode=mode if isinstance(mode, str) else "",
        exit_code=exit_code,
        error=error if isinstance(error, str) else ("" if error is None else str(error)),
        counts=counts,
        has_report=has_report,
        sandbox=sandbox,
    )


def _newest_first(s: RunSummary) -> tuple:
    m = RUN_NAME.match(s.name)
    n = int(m["n"]) if m and m["n"] else 1
    ts = s.started.timestamp() if s.started else float("-inf")
    return (ts, m["stamp"] if m else "", n)


def render_index(summaries: list[RunSummary]) -> str:
    runs = sorted(summaries, key=_newest_first, reverse=True)
    return _env.get_template("index.html.j2").render(
        runs=runs,
        attention=sum(1 for r in runs if r.attention),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    )


def write_index(out: Path) -> Path:
    """Write ``<out>/index.html`` listing every run folder, newest first; return its path."""
    html = render_index([summarize(p) for p in run_folders(out)])
    out.mkdir(parents=True, exist_ok=True)
    path = out / INDEX_NAME
    tmp = out / f".{INDEX_NAME}.tmp"
    # Written aside and renamed so a browser never sees half a page; 0600 whatever the umask, like the run folders.
    write_private(tmp, html.encode("utf-8"), sync=False)
    os.replace(tmp, path)
    return path
