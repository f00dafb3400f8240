"""One run of the robot: read MaxMD, plan, then seed steps 9-18 for every provider, with the audit trail."""

from __future__ import annotations

import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator
from typing import TypeVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages.base import Retry
from pages.landmarks import Landmarks
from pages.maxmd import IdentityProofingPage, MaxmdHomePage, MaxmdLoginPage, WorkflowEntryText, WorkflowStatusPage
from pages.portal import PortalLoginPage, PortalNavigation, UserAccountPage, UserSearchPage
from robot import passwords, report, rules
from robot.audit import Audit, Redactor
from robot.browser import GC_EVERY, BrowserChoice, collect_garbage, launch
from robot.errors import (
    BrowserFailed,
    LoginRefused,
    RobotError,
    RunStopped,
    SessionExpired,
    SiteError,
    SiteUnreachable,
    StepFailed,
    TransientFault,
)
from robot.handoff import HandoffRow
from robot.history import prune, write_index
from robot.lock import RunLock
from robot.model import AccountNames, AccountState, Candidate, Changes, MaxmdEntry, Outcome, Status
from robot.rules import PortalClinician
from robot.settings import Settings, Site
from robot import tracing
from robot.tracing import Tracing


T = TypeVar("T")


@dataclass(frozen=True)
class RunOptions:
    out: Path = Path("runs")
    headed: bool = False
    slow_mo: float = 0
    dry_run: bool = False
    only: frozenset[str] = frozenset()
    force: frozenset[str] = frozenset()
    backoff_seconds: float = 1.0
    stop: StopRequest | None = None  # set by SIGINT/SIGTERM: finish the current step, then stop
    trace: bool = True  # record a provider's retries in a Playwright trace, kept when it failed
    workers: int = 1  # browser contexts sharing the providers, each with its own login


class StopRequest:
    """A request to stop after the current step (Ctrl-C or SIGTERM), shared with the signal handler."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""
        self.exit_code = 0

    def set(self, reason: str, exit_code: int) -> None:
        if not self._event.is_set():
            self.reason, self.exit_code = reason, exit_code
            self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> None:
        """Back off for ``seconds``, or less when a stop is requested meanwhile."""
        self._event.wait(seconds)


@dataclass
class Shared:
    """What the workers of one run share: the outcomes so far and the accounts' addresses."""

    outcomes: list[Outcome] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # Username -> the address its search-result link opens
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class RunResult:
    exit_code: int
    run_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)


def new_run_dir(out: Path, suffix: str = "") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = out / f"{stamp}{suffix}", 1
    while path.exists():
        n += 1
        path = out / f"{stamp}-{n}{suffix}"
    return path


# A browser that died (or whose remote server dropped it) fails every call with one of these, though
# Playwright may go on calling it connected for a moment (a remote one, especially).
_BROWSER_GONE = re.compile(r"Browser (has been )?closed|Target page, context or browser has been closed|Connection closed", re.I)
# The page changed under a call (a script replaced the element, a navigation came): worth another attempt.
_PAGE_CHANGED = re.compile(r"not attached to the DOM|Execution context was destroyed|Cannot find context with specified id"
                           r"|frame (was|got) detached", re.I)

_TIMEOUT_HINT = (
    "the control did not appear in time; if the site looks different, fix its locator in "
    "config/selectors.yaml (see docs/adapting-to-your-portal.md)"
)


class Robot:
    """Drives both sites for one run. The rules live in ``robot.rules``; this class sequences steps."""

    def __init__(
        self,
        settings: Settings,
        options: RunOptions,
        maxmd: Site,
        portal: Site,
        audit: Audit,
        launcher: Callable[[], Browser],
        shared: Shared | None = None,
        name: str = "",
    ) -> None:
        self.settings = settings
        self.options = options
        self.maxmd_site = maxmd
        self.portal_site = portal
        self.audit = audit
        self._launch = launcher
        self.shared = shared or Shared()
        self.name = name  # the worker's, in its log lines ("" when it works alone)
        self.browser = launcher()
        self.tracing = Tracing(audit.run_dir, audit.log, audit.redact, name=name) if options.trace else None
        self.sel = settings.selectors
        self.retry = Retry(attempts=settings.retries + 1, backoff_seconds=options.backoff_seconds,
                           timeout_s=settings.timeout_ms / 1000)
        self.practice_shots: list[str] = []
        self._save_clicked: set[str] = set()
        self._passwords: dict[str, tuple[str, str]] = {}
        self._portal_ctx: BrowserContext | None = None
        self._portal: Page | None = None
        self._step = ""
        self.attempt = 0
        self._handled = 0  # providers this worker has handled
        self._collect = True
        self._told: set[str] = set()
        self.landmarks: Landmarks | None = None
        self._learned = False

    # --- plumbing --------------------------------------------------------------------------------
    def _context(self) -> BrowserContext:
        width, height = self.settings.viewport
        # A certificate error is fatal unless robot.yaml says otherwise, explicitly (run.ignore_tls_errors).
        # Reduced motion: sites that honour it (Bootstrap's smooth scrolling, fades) hold no click back.
        ctx = self.browser.new_context(
            viewport={"width": width, "height": height}, ignore_https_errors=self.settings.ignore_tls_errors,
            reduced_motion="reduce",
        )
        ctx.set_default_timeout(self.settings.timeout_ms)
        return ctx

    @property
    def outcomes(self) -> list[Outcome]:
        return self.shared.outcomes

    def _shot(self, page: Page, who: str, name: str, shots: list[str], region: Locator | None = None) -> None:
        # A region is the account's band: where its controls were learned, found in one call.
        if path := self.audit.shot(page, who, name, region=region, landmarks=self.landmarks if region is not None else None):
            shots.append(path)

    def _mark(self, who: str, name: str) -> None:
        """A seed step begins: errors name it from here on, and the log says so."""
        self._step = name
        self.audit.log.info("step", who=who, step=name, **({"worker": self.name} if self.name else {}))

    @contextlib.contextmanager
    def step(
        self, page: Page, who: str, name: str, shots: list[str], *, region: Locator | None = None, picture: bool = True
    ) -> Iterator[None]:
        """One step of the robot: do it, then photograph it; a failure is photographed too and names the step.

        A step may hold several seed steps done on one screen (each ``_mark``-ed, so an error names
        its own); the picture is taken when they are all done: of ``region`` (the part of the page
        that matters), else of the viewport. A failure is always the whole viewport.
        ``picture=False``: no picture when it succeeds (the next one shows its result).
        A stop request (Ctrl-C, SIGTERM) is honoured here, between steps, never inside one.
        """
        if self.options.stop is not None and self.options.stop.is_set():
            raise RunStopped(f"stopped by {self.options.stop.reason} before step '{name}'")
        self._mark(who, name)
        try:
            yield
        except PlaywrightTimeout as exc:
            self._shot(page, who, f"{self._step} failed", shots)
            raise TransientFault(f"{_first_line(exc)} {_waiting_for(exc)}; {_TIMEOUT_HINT}") from None
        except (RobotError, PlaywrightError):
            self._shot(page, who, f"{self._step} failed", shots)
            raise
        if picture:
            self._shot(page, who, name, shots, region)

    def _login(self, page: Page, screen: MaxmdLoginPage | PortalLoginPage, site: Site, shots: list[str]) -> None:
        """Seed steps 2 and 6. A refused login ends the run (exit 2)."""
        try:
            screen.open(site.url)
        except PlaywrightTimeout as exc:
            raise TransientFault(f"{site.name}'s login page at {site.url} did not load in time ({_first_line(exc)})") from None
        except PlaywrightError as exc:
            raise SiteUnreachable(f"{site.name} did not answer at {site.url} ({_first_line(exc)}); check the address and the network") from None
        with self.step(page, "practice", f"log in to {site.name}", shots):
            accepted = screen.log_in(site.username, site.password)
        if not accepted:
            words = screen.alert_text() or "the login page came back"
            prefix = "MAXMD" if site.name == "MaxMD" else "PORTAL"
            raise LoginRefused(
                f"{site.name} login refused for {site.username} at {site.url}: \"{words}\"; "
                f"check {prefix}_USERNAME and {prefix}_PASSWORD (see {shots[-1]})"
            )

    # --- seed steps 2-5: MaxMD, read only -----------------------------------------------------------
    def read_maxmd(self) -> list[MaxmdEntry]:
        shots = self.practice_shots

        def read() -> list[WorkflowEntryText]:
            with contextlib.closing(self._context()) as ctx:
                page = ctx.new_page()
                self._login(page, MaxmdLoginPage(page, self.sel, self.retry), self.maxmd_site, shots)
                with self.step(page, "practice", "3 Details", shots):
                    self._completed("3 Details", MaxmdHomePage(page, self.sel, self.retry).open_details())
                    details = IdentityProofingPage(page, self.sel, self.retry)
                    details.identity_proofing().scroll_into_view_if_needed()
                with self.step(page, "practice", "4 status of provisioning workflows", shots):
                    self._completed("4 status of provisioning workflows", details.view_workflow_status())
                    return WorkflowStatusPage(page, self.sel, self.retry).collect_providers()

        raw = self._retry("practice", read)
        entries = [rules.parse_workflow_entry(r.text, r.direct_address) for r in raw]
        self.audit.log.info("maxmd read", providers=len(entries), complete=sum(e.complete for e in entries))
        return entries

    # --- seed steps 6-8: the portal --------------------------------------------------------------------
    def _portal_page(self) -> Page:
        if self._portal is None or self._portal.is_closed():
            if self._portal_ctx is not None:
                with contextlib.suppress(PlaywrightError):  # it may have died with its browser
                    self._portal_ctx.close()
            self._portal_ctx = self._context()
            if self.tracing:
                self.tracing.attach(self._portal_ctx)
            page = self._portal_ctx.new_page()
            self._login(page, PortalLoginPage(page, self.sel, self.retry), self.portal_site, self.practice_shots)
            self._portal = page  # only a page that is logged in is kept
        return self._portal

    def _search_clinicians(self, page: Page, who: str, shots: list[str]) -> UserSearchPage:
        """Seed steps 7-9: Administration > User Accounts, Access Type Clinician, Search."""
        with self.step(page, who, "7 Administration - User Accounts", shots):
            self._completed("7 Administration - User Accounts", *PortalNavigation(page, self.sel, self.retry).open_user_accounts())
        search = UserSearchPage(page, self.sel, self.retry)
        with self.step(page, who, "8-9 Clinician search", shots):
            search.choose_clinicians()
            self._completed("9 Search", search.search())
        return search

    def _completed(self, step: str, *how: str) -> None:
        """How a step completed (a new page, in place), once a run: the log tells the user how their site behaves."""
        if step not in self._told:
            self._told.add(step)
            self.audit.log.info("step completed", step=step, how=", ".join(how))

    def read_portal(self, entries: list[MaxmdEntry]) -> list[PortalClinician]:
        """Seed steps 7-9, once for the run: every Clinician's Username, and the address its link opens."""
        links = self._retry(
            "practice", lambda: self._search_clinicians(self._portal_page(), "practice", self.practice_shots).account_links()
        )
        self.shared.links = {username: href for username, href in links if href}
        clinicians = [PortalClinician(username) for username, _ in links]
        if any(e.npi is None for e in entries):
            clinicians = self._names_for_matching(entries, clinicians)
        self.audit.log.info("portal read", clinicians=len(clinicians))
        return clinicians

    def _names_for_matching(self, entries: list[MaxmdEntry], clinicians: list[PortalClinician]) -> list[PortalClinician]:
        """MaxMD showed an entry without NPI: read the names of the accounts no NPI matched (read only)."""
        unmatched = set(rules.unmatched_usernames(entries, [c.username for c in clinicians]))
        out = []
        for c in clinicians:
            if c.username not in unmatched:
                out.append(c)
                continue
            names = self._retry(c.username, lambda username=c.username: self._account_names(username))
            out.append(PortalClinician(c.username, names.first_name, names.last_name))
        return out

    def _account_names(self, username: str) -> AccountNames:
        page = self._portal_page()
        if not self._open_account(page, "practice", username, self.practice_shots):
            return AccountNames()  # gone since the search: nothing to match by name
        account = UserAccountPage(page, self.sel, self.retry)
        account.wait_for_account_information()
        return account.read().names

    def _open_account(self, page: Page, who: str, username: str, shots: list[str]) -> bool:
        """Seed step 10: the account's Username link, followed to its address as the search listed it.

        Where the portal's links have no address to go to (a script), search again (steps 7-9) and
        click it. False when the search lists no such Username.
        """
        if href := self.shared.links.get(username):
            UserAccountPage(page, self.sel, self.retry).open(href)
            return True
        return self._search_clinicians(page, who, shots).open_account(username)

    # --- retries ---------------------------------------------------------------------------------------
    def _retry(self, who: str, action: Callable[[], T]) -> T:
        """Run ``action`` with bounded attempts and back-off.

        After a transient fault (a timeout, a 5xx answer, an expired session, a dead browser) the next
        attempt starts from a fresh login (and a new browser if the old one died): the page may be
        an error page, a login form or half-filled, and the login page is the one address we know.
        """
        tries = self.settings.retries + 1
        for n in range(1, tries + 1):
            self.attempt = n
            try:
                return action()
            except (TransientFault, PlaywrightTimeout) as exc:
                fault: BaseException = exc
            except PlaywrightError as exc:
                if self.browser.is_connected() and not _BROWSER_GONE.search(str(exc)) and not _PAGE_CHANGED.search(str(exc)):
                    raise  # a real error (a control matched twice, ...): retrying will not help
                fault = exc
            self.audit.log.warning("transient fault", who=who, attempt=n, step=self._step, error=_first_line(fault))
            if n == tries:
                raise fault
            self._portal = None
            if self.options.stop is not None and self.options.stop.is_set():
                raise RunStopped(f"stopped by {self.options.stop.reason} during step '{self._step}'")
            if not self.browser.is_connected() or _BROWSER_GONE.search(str(fault)):
                self.audit.log.warning("browser lost; starting a new one", who=who)
                with contextlib.suppress(PlaywrightError):
                    self.browser.close()
                self.browser = self._launch()
                self._portal = self._portal_ctx = None
            wait = self.options.backoff_seconds * 2 ** (n - 1)
            (self.options.stop or StopRequest()).wait(wait)  # back-off between attempts, cut short by a stop
        raise AssertionError("unreachable")

    # --- seed steps 9-18 for one provider ----------------------------------------------------------------
    def record(self, outcome: Outcome) -> None:
        with self.shared.lock:
            self.outcomes.append(outcome)
        self.audit.log.info("provider", npi=outcome.npi, status=str(outcome.status), error=outcome.error)
        line = f"  {outcome.status:<19} {outcome.npi or '-':<10}  {outcome.name}"
        self.audit.say(line + (f"\n      {outcome.error}" if outcome.error else ""))

    def handle(self, c: Candidate) -> Outcome:
        """Seed steps 9-18 for one provider. Whatever happens, its outcome and handoff row are recorded."""
        outcome = Outcome(c.npi, c.name, c.direct_address, Status.FAILED)
        who = f"{c.name} (NPI {c.npi})"
        try:
            self._retry(c.npi, lambda: self._configure(c, outcome))
        except RunStopped as exc:
            outcome.status, outcome.error = Status.FAILED, f"{who}: {exc}; run the robot again to finish"
        except StepFailed as exc:
            outcome.status, outcome.error = Status.FAILED, str(exc)
        except (TransientFault, PlaywrightError) as exc:
            after = f" after {self.attempt} attempts" if self.attempt > 1 else ""
            outcome.status = Status.FAILED
            outcome.error = f"{who}: step '{self._step}' failed{after}: {_describe(exc)}"
        except BaseException as exc:  # a refused re-login, a dead site, a bug: recorded, then the run stops
            outcome.status = Status.FAILED
            outcome.error = f"{who}: step '{self._step}': {_first_line(exc)}; the run stopped here"
            raise
        finally:
            if self.audit.handoff.pending(c.npi):
                # Save clicked and its answer never read: the passwords may be live; say so, don't guess.
                clicked = c.npi in self._save_clicked
                self.audit.handoff.mark(c.npi, applied=None if clicked else False)
                if clicked:
                    outcome.notes.append(
                        "Save was clicked but its answer could not be read: check this account; "
                        "its passwords are in handoff.csv (applied=unknown)"
                    )
            if self.tracing:
                try:
                    outcome.traces = self.tracing.finish(keep_as=c.npi if outcome.status is Status.FAILED else None)
                except Exception as exc:  # noqa: BLE001 - a trace must never cost a provider's result
                    self.audit.log.warning("traces not kept", npi=c.npi, error=_first_line(exc))
            self.record(outcome)
            self._housekeeping()
        return outcome

    def _housekeeping(self) -> None:
        """Every GC_EVERY providers, the portal page's renderer collects its garbage (memory stays flat)."""
        self._handled += 1
        if not self._collect or self._handled % GC_EVERY or self._portal is None or self._portal.is_closed():
            return
        try:
            collect_garbage(self._portal)
        except PlaywrightError as exc:
            if self.browser.is_connected() and not _BROWSER_GONE.search(str(exc)):
                # Not Chromium's protocol here (another browser, a server that refuses it): memory
                # just grows as it would; a page or browser that died is the retry's business.
                self.audit.log.info("garbage collection not available", error=_first_line(exc))
                self._collect = False

    def _configure(self, c: Candidate, outcome: Outcome) -> None:
        who, shots = c.npi, outcome.screenshots
        provider = f"{c.name} (NPI {c.npi})"
        assert c.direct_address is not None
        # Traces cost time on every step: record a provider's second and later attempts, as
        # Playwright Test's "on-first-retry" does, so the faults that need one to understand get it.
        trace = self.tracing if self.tracing is not None and self.attempt > 1 else _NoTracing()
        trace.pause()  # a new attempt may log in again: no recording until a fresh page
        page = self._portal_page()
        account = UserAccountPage(page, self.sel, self.retry, self.landmarks)
        href = self.shared.links.get(c.npi)
        search = None if href else self._search_clinicians(page, who, shots)            # steps 7-9
        trace.resume()  # the page shows no secret: a search result, or the last account after its Save
        # One picture of the section per provider, when the robot is done with the account: after Save
        # (the fields as the portal saved them), after filling in (a dry run), or as found (nothing to
        # do, or a conflict). What a Save changes is read first and said in words below.
        with self.step(page, who, "10-11 User Account Information", shots, picture=False):
            self._mark(who, "10 open account")
            if href is not None:
                if not self._open_at(account, href, c.npi):
                    # Not this provider's account (the portal's addresses may depend on the session
                    # or the list): forget the address and open it by its link, as the seed says.
                    self.audit.log.warning("the account's address opened another page; searching", who=who)
                    with self.shared.lock:
                        self.shared.links.pop(c.npi, None)
                    search = self._search_clinicians(page, who, shots)
                    self._mark(who, "10 open account")
            listed = search.open_account(c.npi) if search is not None else True
            if not listed:
                raise StepFailed("10 open account", "the Clinician search lists no Username with this NPI", provider=provider,
                                 hint="check the account in the portal (is it still a Clinician, and active?) and run again")
            self._mark(who, "11 User Account Information")
            if search is not None:  # an account opened at its address already showed its Username
                account.wait_for_account_information()
            state = account.read(names=tuple(c.settings.edits) if c.settings else ())
            if not self._learned:  # once: where the account page's controls stand, for the pages after this one
                self._learned = True
                try:
                    self.landmarks = account.landmarks = account.learn_landmarks()
                except PlaywrightError as exc:  # only a speed-up: the controls are found by their words instead
                    self.audit.log.info("landmarks not learned", error=_first_line(exc))
        forced, resumed = c.npi in self.options.force, c.npi in self._save_clicked
        changes = rules.decide_changes(c.direct_address, state, c.settings, force=forced and not resumed)
        if resumed and changes.status is Status.ALREADY_CONFIGURED:
            self._shot(page, who, "10-11 User Account Information", shots, account.account_information())
            if forced:
                # A forced account looks the same whether or not the lost Save took: don't guess.
                self.audit.handoff.mark(c.npi, applied=None)
                raise StepFailed("18 Save", "the answer to the forced Save was lost, and the account looks the same either way",
                                 provider=provider,
                                 hint="try the passwords in handoff.csv (applied=unknown); if they do not work, run again with --force")
            # The earlier Save's answer was lost (a 5xx, a timeout), but the account shows it was applied.
            outcome.names_changed = rules.names_changed(c.settings.edits) if c.settings else False
            self._finish(c, outcome, Status.CONFIGURED, note="the answer to Save was lost, but the account shows it was applied")
            return
        if not changes.save_needed:
            self._shot(page, who, "10-11 User Account Information", shots, account.account_information())
            outcome.status, outcome.error = changes.status, changes.error
            return
        if not any(n.startswith("found: ") for n in outcome.notes):  # the first attempt saw it as it was
            outcome.notes.append(_found(state))
        secret = changes.set_password or changes.set_direct_password
        portal_pw, direct_pw = self._passwords_for(c) if secret else ("", "")
        # The filled-in section is pictured in a dry run, where it is the last thing to see; in a run,
        # the picture after Save shows the same fields as the portal saved them (and costs one less).
        with self.step(page, who, _fill_step_name(changes), shots, region=account.account_information(),
                       picture=self.options.dry_run):
            if changes.edits:
                self._mark(who, "12 names and e-mail")
                account.edit_names(changes.edits)
            if secret:
                trace.pause()  # from the first typed secret until Save has loaded a fresh page
            if changes.set_password:
                self._mark(who, "13 Change Password")
                account.set_password(portal_pw)
            self._mark(who, "14 Allow Emergency Access " + ("turned off" if changes.turn_off_emergency else "left off"))
            if changes.turn_off_emergency:
                account.clear_emergency_access()
            if changes.turn_on_poll:
                self._mark(who, "15 Poll Direct Mailbox")
                account.check_poll_direct_mailbox()
            if changes.type_direct_address:
                self._mark(who, "16 Direct Address")
                account.type_direct_address(changes.type_direct_address)
            if changes.set_direct_password:
                self._mark(who, "17 Direct Password")
                account.set_direct_password(direct_pw)
        if self.options.dry_run:
            outcome.status = Status.DRY_RUN
            outcome.notes.append("dry run: filled in, not saved")
            return
        if secret:
            self.audit.handoff.add(  # on disk before Save is clicked
                HandoffRow(c.npi, c.npi, c.name, portal_pw if changes.set_password else "", c.direct_address,
                           direct_pw if changes.set_direct_password else "")
            )
        with self.step(page, who, "18 Save", shots, region=account.account_information()):
            answer = account.save(just_before_click=lambda: self._save_clicked.add(c.npi))
            if answer.errors:
                self.audit.handoff.mark(c.npi, applied=False)
                raise StepFailed("18 Save", f"the portal refused the Save: \"{answer.errors}\"", provider=provider,
                                 hint="nothing was changed; fix the cause in the portal or providers.yaml and run again")
            if answer.unknown:
                self.audit.handoff.mark(c.npi, applied=None)
                raise StepFailed("18 Save", f"the portal answered the Save with words that say neither saved nor refused: "
                                 f"\"{answer.unknown}\"", provider=provider,
                                 hint="open the account in the portal to see whether it was saved; its passwords are "
                                      "in handoff.csv (applied=unknown)")
        self._completed("18 Save", "new page" if answer.new_page else "in place", *(["dialog"] if answer.dialog else []))
        if answer.confirmation:
            outcome.notes.append(f"the portal said: \"{answer.confirmation}\"")
        if not (answer.new_page and account.is_account_of(c.npi)):
            # Read back from the server, not the fields the robot itself typed.
            with self.step(page, who, "verify: account opened again", shots, picture=False):
                self._reopen(page, c, account, shots)
        trace.resume()  # a page fresh from the server: the password fields are empty again
        self._verify(c, changes, account, outcome)

    @staticmethod
    def _open_at(account: UserAccountPage, href: str, username: str, *, only_read: bool = False) -> bool:
        """Open an account at its address; True if the page is that user's account. A login form
        instead is an ended session. ``only_read``: the page will only be read (after Save), so it is
        looked at in the page's own world first, where the read-back and the picture look too."""
        account.open(href)
        if (only_read and account.is_account_of(username)) or account.shows_username(username):
            return True
        if account.on_login_page():
            raise SessionExpired("portal")
        return False

    def _reopen(self, page: Page, c: Candidate, account: UserAccountPage, shots: list[str]) -> None:
        """Open the account again from the server (after a Save answered in place)."""
        if (href := self.shared.links.get(c.npi)) and self._open_at(account, href, c.npi, only_read=True):
            return
        if not self._search_clinicians(page, c.npi, shots).open_account(c.npi):
            raise StepFailed("verify", "the account could not be opened again after Save", provider=f"{c.name} (NPI {c.npi})",
                             hint="open the account in the portal and compare it with this report")

    def _verify(self, c: Candidate, changes: Changes, account: UserAccountPage, outcome: Outcome) -> None:
        """After Save, read the account back and check what was set."""
        self._mark(c.npi, "verify")
        problems = rules.verify(changes, c.direct_address or "", account.read_back(names=tuple(changes.edits)))
        if problems:
            self.audit.handoff.mark(c.npi, applied=True)  # the portal said saved: the passwords are live
            raise StepFailed("verify", "; ".join(problems), provider=f"{c.name} (NPI {c.npi})",
                             hint="open the account in the portal and compare it with this report")
        note = "" if changes.set_password else "Allow Emergency Access turned off; passwords left as they were"
        if changes.edits:
            outcome.names_changed = rules.names_changed(changes.edits)
        self._finish(c, outcome, Status.CONFIGURED, note=note)

    def _finish(self, c: Candidate, outcome: Outcome, status: Status, *, note: str = "") -> None:
        self._save_clicked.discard(c.npi)
        if self.audit.handoff.row(c.npi):
            self.audit.handoff.mark(c.npi, applied=True)
        outcome.status = status
        if note:
            outcome.notes.append(note)

    def _passwords_for(self, c: Candidate) -> tuple[str, str]:
        """The provider's passwords for this run: given in the environment, else generated once."""
        if c.npi not in self._passwords:
            given_portal, given_direct = self.settings.provider_passwords.get(c.npi, (None, None))
            portal_pw = given_portal or passwords.generate(self.settings.policy)
            if given_direct:
                direct_pw = given_direct
            elif self.settings.direct_same_as_portal:
                direct_pw = portal_pw
            else:
                direct_pw = passwords.generate(self.settings.policy)
            self.audit.redact.add(portal_pw, direct_pw)
            self._passwords[c.npi] = (portal_pw, direct_pw)
        return self._passwords[c.npi]


class _Crew:
    """The workers of a run taking the planned providers in turn: the robot that read both sites,
    and ``options.workers - 1`` more, each in a thread of its own with its own Playwright, browser and
    login. They share the recorder, the handoff and the outcomes."""

    def __init__(self, first: Robot, candidates: list[Candidate], options: RunOptions) -> None:
        self.first = first
        self.options = options
        self._queue = list(reversed(candidates))
        self._lock = threading.Lock()
        self._halt = threading.Event()  # a worker met an error that ends the run
        self._others: list[Robot] = []

    def run(self, new_robot: Callable[[str, Playwright], Robot],
            playwright_factory: Callable[[], contextlib.AbstractContextManager[Playwright]]) -> None:
        extra = max(0, min(self.options.workers, len(self._queue)) - 1)
        with ThreadPoolExecutor(max_workers=extra or 1, thread_name_prefix="robot-worker") as pool:
            futures = [pool.submit(self._another, k + 2, new_robot, playwright_factory) for k in range(extra)]
            try:
                self._work(self.first)
            finally:
                errors = [f.exception() for f in futures]  # waits for every worker
        for error in errors:
            if error is not None:
                raise error
        stop = self.options.stop
        if stop is not None and stop.is_set() and self._queue:
            raise RunStopped(f"stopped by {stop.reason}; {len(self._queue)} providers were not started")

    def practice_shots(self) -> list[str]:
        return [s for r in self._others for s in r.practice_shots]

    def _take(self) -> Candidate | None:
        stop = self.options.stop
        with self._lock:
            if self._halt.is_set() or (stop is not None and stop.is_set()) or not self._queue:
                return None
            return self._queue.pop()

    def _work(self, robot: Robot) -> None:
        try:
            while (c := self._take()) is not None:
                if c.status is None:
                    robot.handle(c)
                else:
                    robot.record(Outcome(c.npi, c.name, c.direct_address, c.status, c.error))
        except BaseException:
            self._halt.set()
            raise

    def _another(self, number: int, new_robot: Callable[[str, Playwright], Robot],
                 playwright_factory: Callable[[], contextlib.AbstractContextManager[Playwright]]) -> None:
        name = f"worker {number}"
        with contextlib.ExitStack() as stack:
            try:  # its own Playwright and browser (a sync Playwright belongs to one thread), then its own login
                robot = new_robot(name, stack.enter_context(playwright_factory()))
                self._others.append(robot)
                stack.callback(_close_quietly, robot)
                robot._retry("practice", robot._portal_page)
            except (RobotError, PlaywrightError, OSError) as exc:
                self.first.audit.log.warning("worker did not start", worker=name, error=_first_line(exc))
                self.first.audit.say(f"  ({name} did not start: {_first_line(exc)}; the others go on)")
                return
            self._work(robot)

    def not_started(self) -> int:
        return len(self._queue)


def _close_quietly(robot: Robot) -> None:
    with contextlib.suppress(PlaywrightError):
        robot.browser.close()


def _found(state: AccountState) -> str:
    """What the section showed before the robot changed it (in words: it is not pictured)."""
    return (
        "found: Allow Emergency Access " + ("checked" if state.emergency_access else "unchecked")
        + ", Poll Direct Mailbox " + ("checked" if state.poll_direct else "unchecked")
        + ", Direct Address " + (state.direct_address.strip() or "empty")
    )


def _fill_step_name(changes: Changes) -> str:
    """The one picture of the filled-in section is named for the seed steps it shows (12-17)."""
    done = [12] if changes.edits else []
    done += [13] if changes.set_password else []
    done += [14]  # Allow Emergency Access: left off, or turned off
    done += [15] if changes.turn_on_poll else []
    done += [16] if changes.type_direct_address else []
    done += [17] if changes.set_direct_password else []
    numbers = f"{done[0]}-{done[-1]}" if len(done) > 1 else str(done[0])
    return f"{numbers} " + ("filled in" if len(done) > 1 else "Allow Emergency Access turned off")


class _NoTracing:
    def pause(self) -> None: ...

    def resume(self) -> None: ...


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _waiting_for(exc: BaseException) -> str:
    """The control Playwright was waiting for, from its call log, so the message names it."""
    for line in str(exc).splitlines():
        if "waiting for" in line:
            return "(" + line.strip(" -") + ")"
    return ""


def _describe(exc: BaseException) -> str:
    """One line a practice administrator can act on."""
    if isinstance(exc, SiteError):
        return f"{exc}; the site kept answering with server errors: run again later"
    if isinstance(exc, SessionExpired):
        return f"{exc}; the session kept ending: run again, and check the site's session settings if it persists"
    if isinstance(exc, PlaywrightError) and not isinstance(exc, PlaywrightTimeout):
        return f"the browser failed: {_first_line(exc)}"
    return _first_line(exc)


def execute(
    settings: Settings,
    options: RunOptions,
    choice: BrowserChoice,
    *,
    maxmd: Site,
    portal: Site,
    sandbox: bool = False,
    playwright_factory: Callable[[], contextlib.AbstractContextManager[Playwright]] = sync_playwright,
) -> RunResult:
    """Run the whole job under the run lock; every exit path writes run.json, the report and the index."""
    with RunLock.for_out(options.out):  # a second run exits 2 at once, naming this one's PID
        return _execute(settings, options, choice, maxmd, portal, sandbox, playwright_factory)


def _execute(
    settings: Settings,
    options: RunOptions,
    choice: BrowserChoice,
    maxmd: Site,
    portal: Site,
    sandbox: bool,
    playwright_factory: Callable[[], contextlib.AbstractContextManager[Playwright]],
) -> RunResult:
    redactor = Redactor()
    redactor.add(*settings.secrets(), maxmd.password, portal.password)
    run_dir = new_run_dir(options.out)
    audit = Audit(run_dir, settings.selectors, redactor)
    started = _now()
    run_error = ""
    exit_code = 0
    audit.log.info("run started", mode=_mode(options), maxmd=maxmd.url, portal=portal.url, browser=choice.source, sandbox=sandbox)
    removed = prune(options.out, settings.retention, datetime.now(UTC),
                    on_error=lambda path, exc: audit.log.warning("old run not removed", path=str(path), error=str(exc)))
    if removed:
        audit.log.info("old runs removed", count=len(removed), runs=[p.name for p in removed])
    robot: Robot | None = None
    crew: _Crew | None = None
    practice_shots: list[str] = []
    try:
        with playwright_factory() as pw:

            def launcher(playwright: Playwright = pw) -> Browser:
                try:
                    return launch(playwright, choice, headed=options.headed, slow_mo=options.slow_mo)
                except PlaywrightError as exc:
                    hint = " (--headed needs a display: run it on a desktop, or without --headed)" if options.headed else ""
                    raise BrowserFailed(f"the browser ({choice.source}) did not start: {_first_line(exc)}{hint}") from None

            robot = Robot(settings, options, maxmd, portal, audit, launcher)
            try:
                entries = robot.read_maxmd()
                clinicians = robot.read_portal(entries)
                candidates = rules.plan(entries, clinicians, settings.providers, direct_domain=settings.direct_domain, only=options.only)
                audit.say(f"{len(candidates)} providers: MaxMD lists {len(entries)}, the portal {len(clinicians)} Clinician accounts")
                crew = _Crew(robot, candidates, options)
                try:
                    crew.run(lambda name, own: Robot(settings, options, maxmd, portal, audit, lambda: launcher(own),
                                                     shared=robot.shared, name=name),
                             playwright_factory)
                finally:
                    practice_shots += crew.practice_shots()
                    rank = {(c.npi, c.name): i for i, c in enumerate(candidates)}
                    robot.outcomes.sort(key=lambda o: rank.get((o.npi, o.name), len(rank)))  # the plan's order
            finally:
                with contextlib.suppress(PlaywrightError):
                    robot.browser.close()
        exit_code = 1 if any(o.status.needs_attention for o in robot.outcomes) else 0
        if options.stop is not None and options.stop.is_set():
            raise RunStopped(f"stopped by {options.stop.reason} after the last provider")
    except RunStopped as exc:
        run_error, exit_code = _stopped(exc, options, audit)
    except RobotError as exc:
        run_error, exit_code = str(exc), exc.exit_code
        if crew is not None and crew.not_started() and not isinstance(exc, RunStopped):
            run_error += f"; {crew.not_started()} providers were not started: run again to finish"
        audit.log.error("run stopped", error=run_error)
    except KeyboardInterrupt as exc:  # a second Ctrl-C
        stop = options.stop or StopRequest()
        stop.set("Ctrl-C", 130)
        run_error, exit_code = _stopped(exc, replace(options, stop=stop), audit)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the run folder must say what was done
        if options.stop is not None and options.stop.is_set():
            # The signal reached the browser too (a whole process group was told to stop).
            run_error, exit_code = _stopped(exc, options, audit)
        else:
            run_error, exit_code = f"the run stopped on an unexpected error: {_first_line(exc)}", 2
            audit.log.exception("run crashed")
    outcomes = robot.outcomes if robot else []
    record = {
        "started": started,
        "finished": _now(),
        "mode": _mode(options),
        "exit_code": exit_code,
        "error": run_error or None,
        "browser": choice.source,
        "sites": {"maxmd": maxmd.url, "portal": portal.url, "sandbox": sandbox},
        "practice": {"name": settings.practice_name, "screenshots": (robot.practice_shots if robot else []) + practice_shots},
        "providers": [o.as_json() for o in outcomes],
        "counts": dict(report.counts([o.as_json() for o in outcomes])),
    }
    tracing.tidy(run_dir)
    record = redactor.scrub(record)  # before any rendering: HTML escaping would hide a secret from the redactor
    audit.write_json("run.json", record)
    audit.write_text("report.html", report.render(record))
    audit.log.info("run finished", exit_code=exit_code)
    audit.close()
    write_index(options.out)
    _summary(audit, record, run_dir, run_error)
    return RunResult(exit_code, run_dir, outcomes)


def _stopped(exc: BaseException, options: RunOptions, audit: Audit) -> tuple[str, int]:
    assert options.stop is not None
    audit.log.error("run stopped", reason=options.stop.reason, detail=_first_line(exc))
    text = str(exc) if isinstance(exc, RunStopped) else f"stopped by {options.stop.reason}"
    return f"{text}; the handoff holds every password set so far; run again to finish", options.stop.exit_code


def _summary(audit: Audit, record: dict, run_dir: Path, run_error: str) -> None:
    if run_error:
        audit.say(f"error: {run_error}")
    if record["counts"]:
        audit.say("")
        audit.say(f"  {'status':<19} providers")
        for status, n in record["counts"].items():
            audit.say(f"  {status:<19} {n}")
    audit.say("")
    audit.say(f"Report: {(run_dir / 'report.html').resolve()}")
    if audit.handoff.rows():
        audit.say(f"Passwords for the providers: {(run_dir / 'handoff.csv').resolve()} (readable by you only)")


def _mode(options: RunOptions) -> str:
    return "dry-run" if options.dry_run else "run"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
