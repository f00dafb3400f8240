"""Seed step 19, "complete steps 9-18 for each provider": the workers taking the planned providers in turn."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from robot import evidence, rules
from robot.errors import (CannotWrite, FoundMany, LoginBlocked, PageAnswered, RobotError, RunStopped, SessionExpired, SiteError, StepFailed, TransientFault,
                          first_line)
from robot.model import Candidate, Outcome, Picture, Status
from robot.options import RunOptions
from robot.origins import WrongOrigin
from robot.procedure import Procedure
from robot.safetext import cut, plural
from robot.session import Session

PlaywrightFactory = Callable[[], contextlib.AbstractContextManager[Playwright]]


class Worker:
    """One browser with its own login, handling providers one at a time; whatever happens, each
    provider's outcome and handoff row are recorded."""

    def __init__(self, session: Session, procedure: Procedure) -> None:
        self.session, self.procedure = session, procedure
        self.audit = procedure.audit

    def handle(self, c: Candidate) -> Outcome:
        outcome = outcome_of(c, Status.FAILED)
        try:
            self.session.attempts(c.npi, lambda: self.procedure.configure(c, outcome))
        except RunStopped as exc:
            outcome.status, outcome.error = Status.FAILED, f"{c.who}: {exc}; run the robot again to finish"
        except StepFailed as exc:
            outcome.status, outcome.error = Status.FAILED, str(exc)
        except PageAnswered as exc:  # this provider's page is not there (an account gone): the others go on
            outcome.status = Status.FAILED
            outcome.error = (f"{c.who}: step '{self.session.step_name}' failed: {exc}; open the account in the portal "
                             "(is it still there?) and run again")
        except FoundMany as exc:  # a control matched twice on this account's page: the others may not be
            outcome.status, outcome.error = Status.FAILED, f"{c.who}: step '{self.session.step_name}' failed: {exc}"
        except (TransientFault, PlaywrightError) as exc:
            after = f" after {self.session.attempt} attempts" if self.session.attempt > 1 else ""
            outcome.status = Status.FAILED
            outcome.error = f"{c.who}: step '{self.session.step_name}' failed{after}: {_describe(exc)}"
        except BaseException as exc:  # a refused re-login, a dead site, a bug: recorded, then the run stops
            outcome.status = Status.FAILED
            outcome.error = f"{c.who}: step '{self.session.step_name}': {first_line(exc)}; the run stopped here"
            raise
        finally:
            failed = outcome.status is Status.FAILED
            if c.status is not None and failed:  # a conflict only looked at: still one
                outcome.notes.append(f"its account could not be pictured as found: {outcome.error}")
                outcome.status, outcome.error = c.status, c.error
            self._settle_handoff(c, outcome)
            self.procedure.forget(c.npi)
            outcome.traces = self.session.keep_traces(c.npi, failed=failed)
            self.record(outcome, worked=True)
            self.session.housekeeping()
        return outcome

    def _settle_handoff(self, c: Candidate, outcome: Outcome) -> None:
        """A handoff row still pending: Save clicked and its answer never read means the passwords may be live."""
        if not self.audit.handoff.pending(c.npi):
            return
        clicked = c.npi in self.procedure.save_clicked
        self.audit.handoff.mark(c.npi, applied=None if clicked else False)
        if clicked:
            outcome.notes.append("Save was clicked but its answer could not be read: check this account; "
                                 "its passwords are in handoff.csv (applied=unknown)")

    def record(self, outcome: Outcome, *, worked: bool = False) -> None:
        """``worked``: handled in the browser (not decided by the plan), for the time left."""
        shared = self.procedure.shared
        self.audit.log.info("provider", npi=outcome.npi, status=str(outcome.status), error=outcome.error)
        with shared.lock:  # places are said in their order, whichever worker finished
            shared.outcomes.append(outcome)
            progress = self.audit.progress
            place = progress.place(self.session.name, worked=worked) + " " if progress is not None else "  "
            line = f"{place}{outcome.status:<21} {outcome.npi or '-':<10}  {cut(outcome.name)}"
            self.audit.say(line + (f"\n      {outcome.error}" if outcome.error else ""))


class Crew:
    """The worker that read both sites, and ``options.workers - 1`` more, each in its own thread with
    its own Playwright, browser and login. They share the recorder, the handoff and the outcomes."""

    def __init__(self, first: Worker, candidates: list[Candidate], options: RunOptions) -> None:
        self.first = first
        self.options = options
        self._queue = list(reversed(candidates))
        self._lock = threading.Lock()
        self._halt = threading.Event()  # a worker met an error that ends the run
        self._others: list[Worker] = []

    def run(self, new_worker: Callable[[str, Playwright], Worker], playwright_factory: PlaywrightFactory) -> None:
        extra = max(0, min(self.options.workers, len(self._queue)) - 1)
        with ThreadPoolExecutor(max_workers=extra or 1, thread_name_prefix="robot-worker") as pool:
            futures = [pool.submit(self._another, k + 2, new_worker, playwright_factory) for k in range(extra)]
            try:
                self._work(self.first)
            finally:
                errors = [f.exception() for f in futures]  # waits for every worker
        for error in errors:
            if error is not None:
                raise error
        if self.options.stopping() and self._queue:
            raise RunStopped(f"stopped by {self.options.stop.reason}; {not_started(len(self._queue))}")  # type: ignore[union-attr]

    def practice_shots(self) -> list[Picture]:
        return [s for w in self._others for s in w.procedure.practice_shots]

    def not_started(self) -> int:
        return len(self._queue)

    def _take(self) -> Candidate | None:
        with self._lock:
            if self._halt.is_set() or self.options.stopping() or not self._queue:
                return None
            return self._queue.pop()

    def _work(self, worker: Worker) -> None:
        try:
            while (c := self._take()) is not None:
                if in_browser(c, worker.procedure.settings.screenshots):
                    worker.handle(c)
                else:
                    worker.record(outcome_of(c, c.status, c.error))
        except BaseException:
            self._halt.set()
            raise

    def _another(self, number: int, new_worker: Callable[[str, Playwright], Worker],
                 playwright_factory: PlaywrightFactory) -> None:
        name = f"worker {number}"
        with contextlib.ExitStack() as stack:
            try:  # its own Playwright and browser (a sync Playwright belongs to one thread), then its own login
                worker = new_worker(name, stack.enter_context(playwright_factory()))
                self._others.append(worker)
                stack.callback(worker.session.close)
                worker.session.attempts("practice", worker.procedure.portal_page)
            except (WrongOrigin, CannotWrite, LoginBlocked):
                raise  # a login on another host, a full disk, a login blocked: the run stops (exit 2), whichever worker met it
            except (RobotError, PlaywrightError, OSError) as exc:
                self.first.audit.log.warning("worker did not start", worker=name, error=first_line(exc))
                self.first.audit.say(f"  ({name} did not start: {first_line(exc)}; the others go on)")
                return
            self._work(worker)


def in_browser(c: Candidate, screenshots: str) -> bool:
    """Whether a worker handles ``c`` (the plan left it open, or a conflict it only looks at for its
    before picture, where ``screenshots:`` keeps one), rather than recording what the plan decided."""
    return c.status is None or (rules.looks_at(c) and evidence.takes(screenshots, "before"))


def outcome_of(c: Candidate, status: Status, error: str = "") -> Outcome:
    """A provider's outcome as it starts: where its Direct address came from comes first, and how its MaxMD
    entry met its account."""
    source = [Picture("source", c.source_picture, source_caption(c))] if c.source_picture else []
    return Outcome(c.npi, c.name, c.direct_address, status, error, pictures=source, match=c.match)


def source_caption(c: Candidate) -> str:
    """What a source picture shows: the provider's MaxMD entry, with its Direct address where MaxMD shows one."""
    if c.direct_address:
        return f"MaxMD's entry for {cut(c.name)}, with its Direct address"
    return f"MaxMD's entry for {cut(c.name)}, with no Direct address yet"


def not_started(n: int) -> str:
    """How many providers a stopped run did not start, in words."""
    return f"{plural(n, 'provider')} {'was' if n == 1 else 'were'} not started"


def _describe(exc: BaseException) -> str:
    """One line a practice administrator can act on."""
    if isinstance(exc, SiteError):
        return f"{exc}; the site kept answering with server errors: run again later"
    if isinstance(exc, SessionExpired):
        return f"{exc}; the session kept ending: run again, and check the site's session settings if it persists"
    if isinstance(exc, PlaywrightError) and not isinstance(exc, PlaywrightTimeout):
        return f"the browser failed: {first_line(exc)}"
    return first_line(exc)
