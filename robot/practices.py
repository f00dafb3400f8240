"""Many practices from one host: a folder per practice (its ``.env``, ``robot.yaml``, the files it names, ``runs/``
with its run folders, lock and handoff ledger), side by side in one folder of practices, and one page across
them all (``<practices>/index.html``): each practice's last run, its status and what needs a person.

``python -m robot --practice DIR`` runs one; ``python -m robot practices ROOT`` rewrites the page and lists the
practices, and with ``--crontab`` prints one staggered cron line per practice.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dotenv import dotenv_values
from jinja2 import Environment, PackageLoader, select_autoescape

from robot import ledger
from robot.errors import ConfigError
from robot.handoff import write_private
from robot.history import RunSummary, read_record, run_folders, run_started, summarize
from robot.lock import _open_lock
from robot.yamlfile import read_yaml

CONFIG_NAME = "robot.yaml"
DOTENV_NAME = ".env"
RUNS_NAME = "runs"
NOT_STARTED_NAME = "not-started.json"  # in runs/: the last time a run of the practice could not start, and why
INDEX_NAME = "index.html"
INDEX_LOCK = ".practices-index.lock"

_env = Environment(loader=PackageLoader("robot", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Practice:
    """One practice's folder; everything of the practice is found from it, nothing from the folder run from."""

    folder: Path  # absolute

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def config(self) -> Path:
        return self.folder / CONFIG_NAME

    @property
    def dotenv(self) -> Path:
        return self.folder / DOTENV_NAME

    @property
    def out(self) -> Path:
        return self.folder / RUNS_NAME

    @property
    def root(self) -> Path:
        """The folder of practices this one sits in, where the page across practices goes."""
        return self.folder.parent


def open_practice(given: Path) -> Practice:
    """``--practice DIR``, checked before anything else is read: the folder, its .env and its robot.yaml."""
    folder = given.expanduser().absolute()
    where = f"--practice {given}"
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ConfigError(f"{where}: the practice folder {what}; create it with the practice's .env and robot.yaml "
                          "(docs/scheduling.md, 'Many practices from one host'), or check the name")
    practice = Practice(folder)
    if not practice.dotenv.is_file():
        raise ConfigError(f"{where}: practice {practice.name} has no .env ({practice.dotenv}); copy config/.env.example "
                          "there and fill in the practice's two sites and administrators")
    try:
        with practice.dotenv.open("rb"):
            pass
    except OSError as exc:
        raise ConfigError(f"{where}: practice {practice.name}: {practice.dotenv} cannot be read ({exc.strerror}); "
                          "let the robot's user read it (chmod 0640, group of the robot's user)") from None
    if not practice.config.is_file():
        raise ConfigError(f"{where}: practice {practice.name} has no robot.yaml ({practice.config}); copy config/robot.yaml "
                          "there and set practice.name")
    return practice


def find(root: Path) -> list[Practice]:
    """The practice folders directly under ``root`` (each holding a robot.yaml), by name."""
    try:
        return sorted((Practice(p.absolute()) for p in root.iterdir()
                       if p.is_dir() and not p.is_symlink() and (p / CONFIG_NAME).is_file()), key=lambda p: p.name)
    except FileNotFoundError:
        raise ConfigError(f"{root}: no such folder of practices") from None


def name_in(config: Path | None) -> str:
    """``practice.name`` read alone from a robot.yaml (one the settings may have refused); "" where it cannot be."""
    try:
        raw = read_yaml(config, "") if config is not None and config.is_file() else None
    except ConfigError:
        return ""
    section = raw.get("practice") if isinstance(raw, dict) else None
    name = section.get("name") if isinstance(section, dict) else None
    return name.strip() if isinstance(name, str) else ""


def no_contradiction(practice: Practice, environ: Mapping[str, str]) -> None:
    """A variable the practice's .env sets may not be set to another value in the environment: a shell's leftover
    from another practice would send that practice's login to this one's sites. Names the variable, never its value."""
    written = {k: v for k, v in dotenv_values(practice.dotenv).items() if v is not None and v.strip()}
    if clash := sorted(k for k, v in written.items() if environ.get(k, "").strip() and environ[k] != v):
        one = len(clash) == 1
        raise ConfigError(f"practice {practice.name}: {', '.join(clash)} {'is' if one else 'are'} set in the environment to "
                          f"another value than {practice.dotenv} says (perhaps another practice's); a practice folder's run "
                          f"takes {'it' if one else 'them'} from its own .env: unset {' '.join(clash)}")


# --- a run that could not start ----------------------------------------------------------------------


def note_not_started(practice: Practice, error: str) -> None:
    """Say in the practice's runs/ that a run could not start (no run folder says it): the page shows it until a
    run starts. ``error`` is a message of ours, which never holds a secret."""
    try:
        practice.out.mkdir(mode=0o700, exist_ok=True)
        _write_private(practice.out / NOT_STARTED_NAME,
                       json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), "error": error}) + "\n")
    except OSError:
        pass  # the stderr line and the notification still say it


def clear_not_started(practice: Practice) -> None:
    try:
        (practice.out / NOT_STARTED_NAME).unlink(missing_ok=True)
    except OSError:
        pass


def _not_started(practice: Practice) -> tuple[datetime, str] | None:
    try:
        data = json.loads((practice.out / NOT_STARTED_NAME).read_text(encoding="utf-8"))
        return datetime.fromisoformat(data["at"]), str(data["error"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- the page across practices -----------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeRow:
    """One practice on the page: its last run, and what needs a person."""

    practice: Practice
    title: str  # practice.name from its last run, else the folder's name
    last: RunSummary | None
    needs: tuple[str, ...] = ()  # one line per provider (or the run) that needs a person
    not_started: str = ""  # why the latest attempt could not start, when newer than the last run
    not_started_at: str = ""
    to_hand_out: int = 0  # providers whose passwords wait in the ledger
    runs: int = 0
    report: str = ""  # the last run's report, relative to the folder of practices

    @property
    def attention(self) -> bool:
        return bool(self.not_started) or self.last is None or self.last.attention

    @property
    def status(self) -> str:
        if self.not_started:
            return "could not start"
        if self.last is None:
            return "no run yet"
        if self.last.interrupted:
            return "interrupted"
        if not self.last.readable:
            return "unreadable"
        return {0: "ok", 1: "needs a person", 2: "could not run"}.get(self.last.exit_code, "stopped")  # type: ignore[arg-type]


def row(practice: Practice) -> PracticeRow:
    folders = sorted(run_folders(practice.out), key=lambda p: (run_started(p) or datetime.min.replace(tzinfo=UTC), p.name))
    last_dir = folders[-1] if folders else None
    last = summarize(last_dir) if last_dir else None
    record = (read_record(last_dir) or {}) if last_dir else {}
    needs = [f"{p.get('name') or '?'} (NPI {p.get('npi') or 'none'}): {p.get('status')}"
             + (f": {p['error']}" if p.get("error") else "")
             for p in record.get("providers") or [] if isinstance(p, dict) and p.get("status") in ("failed", "conflict")]
    ran_as = record.get("practice") if isinstance(record.get("practice"), dict) else {}
    title = str(ran_as.get("name") or "") or name_in(practice.config) or practice.name
    refused = _not_started(practice)
    if refused and last and last.started and refused[0] < last.started:
        refused = None
    try:
        waiting = sum(1 for e in ledger.read(ledger.path_in(practice.out)) if e.to_hand_out)
    except (OSError, ValueError, UnicodeDecodeError):
        waiting = 0
    return PracticeRow(
        practice, title, last, tuple(needs), refused[1] if refused else "",
        refused[0].strftime("%Y-%m-%d %H:%M:%S UTC") if refused else "", waiting, len(folders),
        f"{practice.name}/{RUNS_NAME}/{last.report_href}" if last and last.has_report else "")


def render_index(rows: list[PracticeRow]) -> str:
    rows = sorted(rows, key=lambda r: (not r.attention, r.practice.name))
    return _env.get_template("practices.html.j2").render(
        rows=rows, attention=sum(r.attention for r in rows),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))


def write_index(root: Path) -> Path:
    """``<root>/index.html`` across the practices in ``root``, under a lock so two practices ending at once
    never leave the page without the one that ended first."""
    fd = _open_lock(root / INDEX_LOCK)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = root / INDEX_NAME
        _write_private(path, render_index([row(p) for p in find(root)]))
        return path
    finally:
        os.close(fd)


def _write_private(path: Path, text: str) -> None:
    """Written aside and renamed, 0600: a browser never sees half a page, nobody but the robot's user a line."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_private(tmp, text.encode("utf-8"), sync=False)
    os.replace(tmp, path)


# --- a staggered schedule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    practice: Practice
    hour: int
    minute: int = field(default=0)


def staggered(practices: list[Practice], start: tuple[int, int] = (1, 0), window_minutes: int = 240) -> list[Slot]:
    """Each practice its own minute, spread evenly (in name order) over ``window_minutes`` from ``start``: fifty
    practices start some five minutes apart over four hours, never two in one minute while they fit the window."""
    first = start[0] * 60 + start[1]
    step = window_minutes / max(len(practices), 1)
    out = []
    for i, p in enumerate(practices):
        at = (first + int(i * step)) % (24 * 60)
        out.append(Slot(p, at // 60, at % 60))
    return out


def cron_line(slot: Slot, install: Path) -> str:
    """The crontab line of one practice (as deploy/crontab.example's, with --practice)."""
    folder = slot.practice.folder
    return (f"{slot.minute} {slot.hour} * * * cd {install} && {{ timeout --foreground --kill-after=2m 1h .venv/bin/python -m robot "
            f"--practice {folder} 2>&1; echo \"exit $?\"; }} | .venv/bin/python -m robot.cronlog >> {folder}/{RUNS_NAME}/cron.log 2>&1")
