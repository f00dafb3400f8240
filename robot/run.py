"""The run's lifecycle: the lock, the run folder, reading both sites, the plan, the crew, and on every
way out the record (run.json), the report, the index and the summary."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from playwright.sync_api import Browser, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from robot import __version__, ledger, notify, pickup, report, rules, tracing
from robot.audit import Audit, Redactor
from robot.browser import BrowserChoice, launch
from robot.crew import Crew, PlaywrightFactory, Worker, in_browser, not_started
from robot.errors import BrowserFailed, CannotWrite, ConfigError, NotFound, NotThere, RobotError, RunStopped, first_line
from robot.handoff import HandoffRow, write_private
from robot.history import prune, write_index
from robot.ledger import Ledger
from robot.lock import RunLock, state_dir
from robot.model import Outcome, Picture
from robot.options import RunOptions, Shared, StopRequest
from robot.procedure import Procedure
from robot.progress import Progress
from robot.safetext import cut, plural
from robot.session import Session
from robot.settings import Settings, Site

__all__ = ["RunOptions", "RunResult", "StopRequest", "execute", "new_run_dir"]


@dataclass
class RunResult:
    exit_code: int
    run_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)


def new_run_dir(out: Path, suffix: str = "") -> Path:
    """A name for a new run folder under ``out`` (created 0700 where missing, whatever the umask)."""
    make_private_dir(out)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = out / f"{stamp}{suffix}", 1
    while path.exists():
        n += 1
        path = out / f"{stamp}-{n}{suffix}"
    return path


def execute(
    settings: Settings,
    options: RunOptions,
    choice: BrowserChoice,
    *,
    maxmd: Site,
    portal: Site,
    sandbox: bool = False,
    playwright_factory: PlaywrightFactory = sync_playwright,
) -> RunResult:
    """Run the whole job under the run locks; every exit path writes run.json, the report and the index."""
    # A second run in the same folder, or of the same practice from any folder, exits 2 at once naming this one.
    with RunLock.for_out(options.out), practice_lock(maxmd, portal, sandbox) as practice:
        if practice is not None:
            practice.keep_previous = True  # until this run has carried what a killed one left (below)
        try:
            run = _Run(settings, options, choice, maxmd, portal, sandbox)
        except OSError as exc:
            raise ConfigError(f"cannot create a run folder in {options.out} ({exc.strerror}); free some space, "
                              "or make the folder writable, or choose another --out") from None
        interrupted = None
        if practice is not None:
            practice.note_run_dir(run.run_dir)
            interrupted = pickup.find(practice.previous)
        result = run.execute(playwright_factory, interrupted)
        if practice is not None:
            # A killed run stays named for the next run until one has carried its rows (a dry run, or a run
            # that failed before it could, only names it).
            practice.keep_previous = interrupted is not None and not run.carried
            practice.keep_self = run.unrecorded  # its run.json still says unfinished: the next run picks it up
        return result


def practice_lock(maxmd: Site, portal: Site, sandbox: bool) -> contextlib.AbstractContextManager[RunLock | None]:
    """The lock of the practice; none for the embedded sandbox, whose practice lives and dies with this process."""
    if sandbox:
        return contextlib.nullcontext()
    return RunLock.for_practice(maxmd.url, maxmd.username, portal.url, portal.username)


def make_private_dir(path: Path) -> None:
    """``path`` and its missing parents, the folder itself 0700 whatever the umask (an existing one is left as it is)."""
    if not path.is_dir():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)


class _Run:
    def __init__(self, settings: Settings, options: RunOptions, choice: BrowserChoice, maxmd: Site, portal: Site,
                 sandbox: bool) -> None:
        self.settings, self.options, self.choice = settings, options, choice
        self.maxmd, self.portal, self.sandbox = maxmd, portal, sandbox
        self.redactor = Redactor()
        self.redactor.add(*settings.secrets(), *maxmd.secrets(), *portal.secrets())
        self.run_dir = new_run_dir(options.out)
        self.audit = Audit(self.run_dir, settings.selectors, self.redactor)
        self.ledger = Ledger(options.out, self.run_dir.name, portal.url, settings.forget_given_after_days, sandbox=sandbox)
        if self.audit.handoff is not None:
            self.audit.handoff.on_settled = self._into_ledger
        self.shared = Shared()
        self.first: Worker | None = None
        self.crew: Crew | None = None
        self.practice_shots: list[Picture] = []
        self.interrupted: pickup.Interrupted | None = None
        self.carried = False  # the interrupted run's rows are in this run's handoff, on disk
        self.unrecorded = False  # its final run.json could not be written
        self.waiting: list[ledger.Entry] | None = None  # the ledger's entries still to hand out, as the run ended

    def execute(self, playwright_factory: PlaywrightFactory, interrupted: pickup.Interrupted | None = None) -> RunResult:
        started = _now()
        self.interrupted = interrupted
        self.audit.log.info("run started", mode=_mode(self.options), maxmd=self.maxmd.url, portal=self.portal.url,
                            browser=self.choice.source, sandbox=self.sandbox, robot_version=robot_version())
        try:
            self._begin(started)
            self._housekeeping()
            exit_code, run_error = self._job(playwright_factory), ""
        except RunStopped as exc:
            run_error, exit_code = _stopped(exc, self.options, self.audit)
        except RobotError as exc:
            run_error, exit_code = str(exc), exc.exit_code
            if isinstance(exc, NotFound | NotThere) and self.crew is None and self.first and self.first.session.step_name \
                    and "step '" not in run_error:  # a control of a step: which step
                run_error = f"step '{self.first.session.step_name}' (before any provider) failed: {run_error}"
            if self.crew is not None and self.crew.not_started():
                run_error += f"; {not_started(self.crew.not_started())}: run again to finish"
            self.audit.log.error("run stopped", error=run_error)
        except KeyboardInterrupt as exc:  # a second Ctrl-C
            stop = self.options.stop or StopRequest()
            stop.set("Ctrl-C", 130)
            run_error, exit_code = _stopped(exc, replace(self.options, stop=stop), self.audit)
        except Exception as exc:  # noqa: BLE001 - whatever happens, the run folder must say what was done
            if self.options.stopping():  # the signal reached the browser too (a whole process group was told)
                run_error, exit_code = _stopped(exc, self.options, self.audit)
            else:
                run_error, exit_code = f"the run stopped on an unexpected error: {first_line(exc)}", 2
                self.audit.log.exception("run crashed")
        self.audit.settle()  # every picture written (or its failure known) before the run says how it went
        if (failure := self.audit.failure) is not None and not run_error:
            run_error, exit_code = str(CannotWrite(self.run_dir, failure)), 2  # a provider finished, its pictures did not
        self._settle_carried()
        if (failed := self._ledger_at_end()) is not None:
            run_error, exit_code = "; ".join(filter(None, [run_error, failed])), 2
        record, written = self._record(started, exit_code, run_error)
        if not written:
            exit_code, self.unrecorded = 2, True
        self._summary(record, record["error"] or "", written)
        return RunResult(exit_code, self.run_dir, self.shared.outcomes)

    def _begin(self, started: str) -> None:
        """run.json as the run starts (``finished`` null until it ends, so a killed run reads as interrupted),
        and an interrupted run of this practice picked up: named, and its handoff's rows carried into this one's."""
        self.audit.write_json("run.json", {**self._head(started), "finished": None, "exit_code": None, "providers": []})
        if self.interrupted is None:
            return
        self.audit.say(self.interrupted.said())
        self.audit.log.warning("interrupted run picked up", **self.interrupted.as_json())
        if self.interrupted.rows and not self.options.dry_run:
            try:
                self.audit.handoff.carry(self.interrupted.rows, self.interrupted.name)
            except OSError as exc:
                raise CannotWrite(self.run_dir, exc) from None
        self.carried = not self.options.dry_run

    def _into_ledger(self, row: HandoffRow) -> None:
        """A row as its Save is settled: in the practice's ledger at once, so a run killed later loses none."""
        try:
            self.ledger.add([row])
        except OSError as exc:
            self.audit.log.warning("ledger not written", npi=row.npi, error=str(exc))  # tried again as the run ends

    def _ledger_at_end(self) -> str | None:
        """Every row of this run's handoff (carried ones too, settled) in the ledger, and what it holds to hand
        out (earlier runs' too); the error, if this run's rows could not be written."""
        rows = self.audit.handoff.rows() if self.audit.handoff is not None and not self.options.dry_run else []
        try:
            entries = self.ledger.add(rows) if rows else self.ledger.entries()
        except OSError as exc:
            if not rows:
                self.audit.log.warning("ledger not read", error=str(exc))
                return None
            return (f"the handoff ledger {self.ledger.path} could not be written ({exc.strerror or exc}): "
                    f"this run's passwords are in {self.run_dir / 'handoff.csv'}; free some space and run again")
        self.waiting = [e for e in entries if e.to_hand_out] if entries else None
        return None

    def _settle_carried(self) -> None:
        """Each carried row whose Save was in doubt, by what this run found in its account."""
        if self.audit.handoff is None or self.interrupted is None:
            return
        statuses = {o.npi: str(o.status) for o in self.shared.outcomes}
        for row in self.audit.handoff.carried():
            now = pickup.settled(row.applied, statuses.get(row.npi), forced_then=row.npi in self.interrupted.forced)
            if now != row.applied:
                self.audit.handoff.settle(row.npi, now)
                self.audit.log.info("carried row settled", npi=row.npi, was=row.applied, now=now)
            for o in self.shared.outcomes:
                if o.npi == row.npi:
                    o.notes.append(f"its passwords from the interrupted run {row.carried_from} are in this run's handoff "
                                   f"(applied={now}{': this run found the account saved' if now != row.applied else ''})")

    def _head(self, started: str) -> dict:
        """What run.json says of the run itself, as it starts and as it ends."""
        return {
            "started": started,
            "mode": _mode(self.options),
            "browser": self.choice.source,
            "sites": {"maxmd": self.maxmd.url, "portal": self.portal.url, "sandbox": self.sandbox,
                      "trusted_origins": list(self.maxmd.trusted)},
            "options": {"only": sorted(self.options.only), "force": sorted(self.options.force),
                        "workers": self.options.workers, "dry_run": self.options.dry_run, "headed": self.options.headed,
                        "slow_mo": self.options.slow_mo, "screenshots": self.settings.screenshots},
            # Who the robot logged in as on each site (never a password: those go through the redactor all the same).
            "administrators": {"maxmd": self.maxmd.username, "portal": self.portal.username},
            "host": socket.gethostname(),
            "robot_version": robot_version(),
            "picked_up": self.interrupted.as_json() if self.interrupted is not None else None,
        }

    def _housekeeping(self) -> None:
        removed = prune(self.options.out, self.settings.retention, datetime.now(UTC),
                        on_error=lambda path, exc: self.audit.log.warning("old run not removed", path=str(path), error=str(exc)))
        if removed:
            self.audit.log.info("old runs removed", count=len(removed), runs=[p.name for p in removed])

    def _job(self, playwright_factory: PlaywrightFactory) -> int:
        """Read both sites, plan, and hand the providers to the crew; the exit code when nothing went wrong."""
        self.audit.progress = Progress(self.audit.say)
        self.audit.progress.start()
        try:
            return self._read_plan_and_handle(playwright_factory)
        finally:
            self.audit.progress.stop()
            self.audit.progress = None

    def _read_plan_and_handle(self, playwright_factory: PlaywrightFactory) -> int:
        with playwright_factory() as pw:
            self.first = self._worker("", pw)
            try:
                entries = self.first.procedure.read_maxmd()
                clinicians = self.first.procedure.read_portal(entries)
                candidates = rules.plan(entries, clinicians, self.settings.providers,
                                        direct_domain=self.settings.direct_domain, only=self.options.only)
                self.audit.say(plan_line(len(candidates), len(entries), len(clinicians)))
                self.audit.progress.plan(len(candidates), sum(in_browser(c, self.settings.screenshots) for c in candidates))  # type: ignore[union-attr]
                self.crew = Crew(self.first, candidates, self.options)
                try:
                    self.crew.run(lambda name, own: self._worker(name, own), playwright_factory)
                finally:
                    self.practice_shots += self.crew.practice_shots()
                    rank = {(c.npi, c.name): i for i, c in enumerate(candidates)}
                    self.shared.outcomes.sort(key=lambda o: rank.get((o.npi, o.name), len(rank)))  # the plan's order
            finally:
                self.first.session.close()
        if self.options.stopping():
            raise RunStopped(f"stopped by {self.options.stop.reason} after the last provider")  # type: ignore[union-attr]
        return 1 if any(o.status.needs_attention for o in self.shared.outcomes) else 0

    def _worker(self, name: str, playwright: Playwright) -> Worker:
        session = Session(self.settings, self.options, self.audit, lambda: self._launch(playwright), name=name)
        procedure = Procedure(session, self.settings, self.options, self.maxmd, self.portal, self.audit, self.shared)
        return Worker(session, procedure)

    def _launch(self, playwright: Playwright) -> Browser:
        try:
            return launch(playwright, self.choice, headed=self.options.headed, slow_mo=self.options.slow_mo)
        except PlaywrightError as exc:
            hint = " (--headed needs a display: run it on a desktop, or without --headed)" if self.options.headed else ""
            raise BrowserFailed(f"the browser ({self.choice.source}) did not start: {first_line(exc)}{hint}") from None

    def _record(self, started: str, exit_code: int, run_error: str) -> tuple[dict, bool]:
        """run.json, the report and the index; (the record, whether the run folder took them). What the folder
        cannot take (a full disk) goes to the state folder's ``unsaved/``: the record, and the handoff if its
        last state is not on disk."""
        outcomes = self.shared.outcomes
        shots = (self.first.procedure.practice_shots if self.first else []) + self.practice_shots
        practice = {"name": self.settings.practice_name, "screenshots": [p.path for p in shots],
                    "pictures": [p.as_json() for p in shots]}
        if whole := [p.path for p in shots if p.kind == "workflow list"]:
            practice["workflow_list"] = whole[0]
        head = self._head(started)
        record = {
            "started": started,
            "finished": _now(),
            "mode": head["mode"],
            "exit_code": exit_code,
            "error": run_error or None,
            **{k: v for k, v in head.items() if k not in ("started", "mode")},
            "practice": practice,
            "providers": [o.as_json() for o in outcomes],
            "counts": dict(report.counts([o.as_json() for o in outcomes])),
        }
        with contextlib.suppress(OSError):
            tracing.tidy(self.run_dir)
        record = self.redactor.scrub(record)  # before any rendering: HTML escaping would hide a secret from the redactor
        try:
            self.audit.write_json("run.json", record)
            self.audit.write_text("report.html", report.render(record))
            if self.audit.handoff is not None and self.audit.handoff.unsaved is not None:
                self.audit.handoff.retry()
        except (CannotWrite, OSError) as exc:
            record = {**record, "exit_code": 2, "error": "; ".join(filter(None, [run_error, str(exc)]))}
            self._unsaved(record)
            written = False
        else:
            written = True
        self.audit.log.info("run finished", exit_code=record["exit_code"])
        try:
            self._notify(record, written)
        except Exception as exc:  # noqa: BLE001 - telling a person must never change how the run ends
            self.audit.log.warning("notification not sent", error=self.redactor(first_line(exc)))
            self.audit.say(f"warning: the notification was not sent ({self.redactor(first_line(exc))})")
        self.audit.close()
        try:
            write_index(self.options.out)
        except OSError as exc:
            self.audit.say(f"warning: the runs index in {self.options.out} could not be written ({exc.strerror})")
        return record, written

    def _notify(self, record: dict, written: bool) -> None:
        """A run that needs a person, could not go on or was interrupted tells the places robot.yaml lists; a
        failure to tell is said and logged, and never changes the exit status."""
        told, event = self.settings.notify, notify.event_of(record["exit_code"], bool(record.get("picked_up")))
        if not told.on or event is None or event not in told.when:
            return
        title, body = notify.summary(record, self.options.practice or self.settings.practice_name or "the practice",
                                     (self.run_dir / "report.html").resolve() if written else None, record["exit_code"])
        if problems := notify.send(told, title, body, self.redactor):
            for problem in problems:
                self.audit.log.warning("notification not sent", problem=problem)
                self.audit.say(f"warning: {problem}")
        else:
            self.audit.log.info("notified", kind=event, places=list(told.labels))
            self.audit.say(f"Told {plural(len(told.urls), 'place')} ({event}): {', '.join(told.labels)}")

    def _unsaved(self, record: dict) -> None:
        """The record, and the handoff where its last state did not reach the disk, in the state folder."""
        # Named for the runs folder too: two practices' runs (two --out) may start in the same second.
        where = state_dir() / "unsaved" / f"{self.run_dir.name}-{hashlib.sha256(str(self.options.out.resolve()).encode()).hexdigest()[:8]}"
        try:
            make_private_dir(where)
            write_private(where / "run.json", (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            if self.audit.handoff is not None and self.audit.handoff.rows():
                write_private(where / "handoff.csv", self.audit.handoff.rendered())
        except OSError as exc:
            self.audit.say(f"error: the run's record could not be written in {self.run_dir} nor in {where} ({exc.strerror})")
            return
        self.audit.say(f"The run folder could not take its record: run.json{' and the handoff' if self.audit.handoff and self.audit.handoff.rows() else ''} "
                       f"are in {where} (readable by you only)")

    def _summary(self, record: dict, run_error: str, written: bool = True) -> None:
        say = self.audit.say
        if run_error:
            say(f"error: {run_error}")
        if record["counts"]:
            say("")
            say(f"  {'status':<21} providers")
            for status, n in record["counts"].items():
                say(f"  {status:<21} {n}")
        say("")
        if written:
            say(f"Report: {(self.run_dir / 'report.html').resolve()}")
        if self.audit.handoff is not None and (rows := self.audit.handoff.rows()):
            say(f"This run's handoff: {(self.run_dir / 'handoff.csv').resolve()} (readable by you only)"
                + (f"; {plural(len([r for r in rows if r.carried_from]), 'row')} carried from the interrupted run" if any(r.carried_from for r in rows) else ""))
            for r in rows:
                if r.applied in ("no", "pending") and not r.carried_from:
                    say(f"warning: {cut(r.name)} (NPI {r.npi}): the portal did not take these passwords (applied={r.applied}); "
                        "do not hand out that row")
                elif r.applied == "unknown":
                    say(f"warning: {cut(r.name)} (NPI {r.npi}): the portal's answer to the Save could not be read (applied=unknown); "
                        "log in as the provider to check before handing that row out, or redo it with --force")
        for e in {e.npi: e for e in self.ledger.replaced}.values():
            say(f"warning: {cut(e.name)} (NPI {e.npi}): the passwords handed out on {e.given_at[:10]} were replaced by this "
                "run's: hand out the new ones")
        if self.waiting is not None:
            say(f"{plural(len(self.waiting), 'provider')} with passwords to hand out: python -m robot handoff"
                + (" --sandbox" if self.sandbox else "") + self._where_flag()
                + f" (the ledger: {self.ledger.path.resolve()})")


    def _where_flag(self) -> str:
        """How the handoff command names this run's ledger: --practice DIR, --out DIR, or nothing for runs/."""
        if self.options.practice_folder is not None:
            return f" --practice {self.options.practice_folder}"
        return "" if self.options.out == Path("runs") else f" --out {self.options.out}"


def robot_version() -> str:
    """The installed package's version; the source's own where it runs uninstalled (a checkout on PYTHONPATH)."""
    try:
        return metadata.version("provider-portal-robot")
    except metadata.PackageNotFoundError:
        return __version__


def plan_line(candidates: int, entries: int, clinicians: int) -> str:
    """The terminal's line on the plan: how many providers, from how many entries and accounts."""
    return f"{plural(candidates, 'provider')}: MaxMD lists {entries}, the portal {plural(clinicians, 'Clinician account')}"


def _stopped(exc: BaseException, options: RunOptions, audit: Audit) -> tuple[str, int]:
    assert options.stop is not None
    audit.log.error("run stopped", reason=options.stop.reason, detail=first_line(exc))
    text = str(exc) if isinstance(exc, RunStopped) else f"stopped by {options.stop.reason}"
    return f"{text}; the handoff holds every password set so far; run again to finish", options.stop.exit_code


def _mode(options: RunOptions) -> str:
    return "dry-run" if options.dry_run else "run"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

