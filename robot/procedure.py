"""The vendor's procedure, seed steps 2-18, one short method per step in the seed's order. It runs under a
``Session`` (retries, logins after a fault, pictures, traces); what to change in an account is ``robot.rules``'
to decide. Names and pictures come from ``robot.steps``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.account import SaveAnswer, UserAccountPage
from pages.base import Retry
from pages.maxmd import IdentityProofingPage, MaxmdHomePage, MaxmdLoginPage, WorkflowStatusPage
from pages.portal import PortalLoginPage, PortalNavigation, UserSearchPage
from robot import evidence, passwords, rules
from robot.logins import PRACTICE, Logins
from robot.audit import Audit
from robot.shots import Captured
from robot.errors import NotListed, SessionExpired, StepFailed, TransientFault, first_line
from robot.guard import typed_only_at
from robot.handoff import HandoffRow
from robot.model import AccountNames, AccountState, Candidate, Changes, MaxmdEntry, Outcome, Picture, Status
from robot.options import RunOptions, Shared
from robot.readback import ReadBack
from robot.rules import PortalClinician
from robot.session import Session, sign_out
from robot.settings import Settings, Site
from robot.steps import NAMES, REOPENED, STEP, VERIFY, shows



class Procedure:
    def __init__(self, session: Session, settings: Settings, options: RunOptions, maxmd: Site, portal: Site,
                 audit: Audit, shared: Shared) -> None:
        self.session, self.settings, self.options, self.audit, self.shared = session, settings, options, audit, shared
        self.maxmd_site, self.portal_site = maxmd, portal
        session.sign_out = lambda page: sign_out(PortalNavigation(page, self.sel, self.waits), self.audit.log)  # as each page goes
        self.sel = settings.selectors
        self.practice_shots: list[Picture] = []
        self.logins = Logins(session, settings, options, audit, self.practice_shots)
        self.save_clicked: set[str] = set()  # providers whose Save was clicked and whose answer is still unread
        self._passwords: dict[str, tuple[str, str]] = {}
        self._learned = False
        self._found: dict[str, tuple[AccountState, Changes]] = {}  # each provider's account as its first attempt read it
        # The filled-in section (its name, picture and caption), until the Save's answer says whether to keep it.
        self._filled_in: tuple[str, Captured | None, str] | None = None
        self._in_place = False  # the portal answered a Save in place: the page after the answer still shows the section filled in
        self.readback, self._read_back = ReadBack(audit.log), None  # an in-place Save's account, read back by a fetch

    @property
    def waits(self) -> Retry:  # what one page-object action gets: its own short retries
        return self.session.waits

    # --- MaxMD, read only, once a run: seed steps 2-5 --------------------------------------------------
    def read_maxmd(self) -> list[MaxmdEntry]:
        def read() -> list[MaxmdEntry]:
            with contextlib.closing(self.session.context()) as ctx:
                page = ctx.new_page()
                self.logins.watch(page, self.maxmd_site)
                self.log_in_to_maxmd(page)
                self.open_details(page)
                self.view_workflow_status(page)
                entries = self.copy_direct_addresses(page)
                sign_out(MaxmdHomePage(page, self.sel, self.waits), self.audit.log)
                return entries

        entries = self.session.attempts(PRACTICE, read)
        self.audit.log.info("maxmd read", providers=len(entries), complete=sum(e.complete for e in entries))
        return entries

    def log_in_to_maxmd(self, page: Page) -> None:
        self.logins.log_in(page, MaxmdLoginPage(page, self.sel, self.waits), self.maxmd_site, STEP[2].name)

    def open_details(self, page: Page) -> None:
        with self.session.step(page, PRACTICE, STEP[3].picture, self.practice_shots):
            self.session.completed(STEP[3].name, MaxmdHomePage(page, self.sel, self.waits).open_details())
            IdentityProofingPage(page, self.sel, self.waits).identity_proofing().scroll_into_view_if_needed()

    def view_workflow_status(self, page: Page) -> None:
        with self.session.step(page, PRACTICE, STEP[4].picture, self.practice_shots):
            self.session.completed(STEP[4].name, IdentityProofingPage(page, self.sel, self.waits).view_workflow_status())

    def copy_direct_addresses(self, page: Page) -> list[MaxmdEntry]:
        """Seed step 5: every entry's green box, and the entry cut from the page as where its address came from."""
        with self.session.step(page, PRACTICE, STEP[5].name, self.practice_shots, picture=""):
            listing = WorkflowStatusPage(page, self.sel, self.waits)
            entries = [rules.parse_workflow_entry(r.text, r.direct_address) for r in listing.collect_providers()]
            self.session.shot(page, PRACTICE, "5 workflow list", self.practice_shots, kind="workflow list",
                              caption="MaxMD's provisioning workflows, the whole list", full_page=True)
            if not evidence.takes(self.settings.screenshots, "source"):
                return entries
            only = self.options.only  # an entry without NPI may be matched to one by name: kept
            whos = [e.npi or e.name if not only or not e.npi or e.npi in only else "" for e in entries]
            with self.session.timed("source", sum(1 for w in whos if w)):
                pictures = self.audit.crops(page, listing.entries(), whos, "5 source")
            return [replace(e, source_picture=path) for e, path in zip(entries, pictures, strict=True)]

    # --- the portal: seed steps 6-9 ---------------------------------------------------------------------
    def portal_page(self) -> Page:
        """The logged-in portal page: seed step 6 first where the session has none (a new worker, a fault)."""
        if self.session.portal is None or self.session.portal.is_closed():
            page = self.session.new_portal_page()
            self.session.banners = (page, self.logins.watch(page, self.portal_site), 0)
            self.log_in_to_portal(page)
            self.session.portal = page  # only a page that is logged in is kept
        return self.session.portal

    def log_in_to_portal(self, page: Page) -> None:
        self.logins.log_in(page, PortalLoginPage(page, self.sel, self.waits), self.portal_site, STEP[6].name)

    def open_user_accounts(self, page: Page, who: str, shots: list[Picture]) -> None:
        with self.session.step(page, who, STEP[7].picture, shots):
            self.session.completed(STEP[7].name, *PortalNavigation(page, self.sel, self.waits).open_user_accounts())

    def choose_clinicians(self, search: UserSearchPage, who: str) -> None:
        self.session.mark(who, STEP[8].name)
        search.choose_clinicians()

    def search(self, search: UserSearchPage, who: str) -> None:
        self.session.mark(who, STEP[9].name)
        self.session.completed(STEP[9].name, search.search())

    def search_clinicians(self, page: Page, who: str, shots: list[Picture]) -> UserSearchPage:
        """Seed steps 7-9: Administration > User Accounts, Access Type Clinician, Search."""
        self.open_user_accounts(page, who, shots)
        search = UserSearchPage(page, self.sel, self.waits)
        with self.session.step(page, who, STEP[9].picture, shots):
            self.choose_clinicians(search, who)
            self.search(search, who)
        return search

    def read_portal(self, entries: list[MaxmdEntry]) -> list[PortalClinician]:
        """Seed steps 6-9, once a run: every Clinician's Username, and the address its link opens."""
        links = self.session.attempts(
            PRACTICE, lambda: self.search_clinicians(self.portal_page(), PRACTICE, self.practice_shots).account_links())
        self.shared.links = {username: href for username, href in links if href}
        clinicians = [PortalClinician(username) for username, _ in links]
        if missing := rules.not_listed(self.options.only | self.options.force, entries, [c.username for c in clinicians]):
            raise NotListed(missing, self.options.only, len(entries), len(clinicians))  # before any account is opened
        if any(e.npi is None for e in entries):
            clinicians = self._names_for_matching(entries, clinicians)
        self.audit.log.info("portal read", clinicians=len(clinicians))
        return clinicians

    def _names_for_matching(self, entries: list[MaxmdEntry], clinicians: list[PortalClinician]) -> list[PortalClinician]:
        """MaxMD showed an entry without NPI: read the names of the accounts no NPI matched (read only)."""
        unmatched = set(rules.unmatched_usernames(entries, [c.username for c in clinicians], only=self.options.only))
        out = []
        for c in clinicians:
            if c.username not in unmatched:
                out.append(c)
                continue
            try:
                names = self.session.attempts(c.username, lambda username=c.username: self._account_names(username))
            except TransientFault as exc:  # no plan without every name: the run stops, saying where and why
                raise TransientFault(f"{c.username}: step '{self.session.step_name}' failed after {self.session.attempt} "
                                     f"attempts, so MaxMD's entries without NPI cannot be matched: {exc}") from None
            out.append(PortalClinician(c.username, names.first_name, names.last_name))
        return out

    def _account_names(self, username: str) -> AccountNames:
        page = self.portal_page()
        account = UserAccountPage(page, self.sel, self.waits)
        if not (href := self.shared.links.get(username)) and \
                not self.search_clinicians(page, PRACTICE, self.practice_shots).open_account(username):
            return AccountNames()  # gone since the search: nothing to match by name
        with self.session.step(page, username, NAMES, self.practice_shots, picture=""):
            if href:
                account.open(href)
            account.wait_for_account_information()
            return account.read().names

    # --- one provider: seed steps 10-18 -----------------------------------------------------------------
    def configure(self, c: Candidate, outcome: Outcome) -> None:
        """Seed steps 10-18 for one provider (10-11 for a conflict the plan found); its outcome says how it ended."""
        assert c.direct_address is not None
        trace = self.session.trace_window()
        trace.pause()  # a new attempt may log in again: no recording until a fresh page
        page = self.portal_page()
        account = UserAccountPage(page, self.sel, self.waits, self.session.landmarks)
        href = self.shared.links.get(c.npi)
        search = None if href else self.search_clinicians(page, c.npi, outcome.pictures)  # no address known
        trace.resume()  # the page shows no secret: a search result, or the last account after its Save
        state = self.open_account(page, c, account, href, search, outcome.pictures)
        forced = c.npi in self.options.force
        changes = (rules.decide_changes(c.direct_address, state, c.settings, force=forced and c.npi not in self.save_clicked)
                   if c.status is None else Changes(c.status, error=c.error))  # a conflict the plan found: only pictured
        outcome.notes += [n for n in [changes.note] if n and n not in outcome.notes]  # an acknowledged conflict, say
        found, wanted = self._found.setdefault(c.npi, (state, changes))  # as the first attempt saw it
        outcome.fields = evidence.field_rows(found, wanted, None)
        if lost := rules.resumed_save(changes, resumed=c.npi in self.save_clicked, forced=forced):
            return self._lost_answer(page, c, account, outcome, lost, state)
        if not changes.save_needed:  # nothing to do, or a conflict: the before picture shows it
            outcome.status, outcome.error = changes.status, changes.error
            return None
        if not any(n.startswith("found: ") for n in outcome.notes):  # the first attempt saw it as it was
            outcome.notes.append(evidence.found_note(state))
        if changes.set_password or changes.set_direct_password:
            trace.pause()  # from the first typed secret until Save has loaded a fresh page
        self.fill_in(page, c, changes, account, outcome.pictures)
        if self.options.dry_run:
            outcome.status = Status.DRY_RUN
            outcome.notes.append("dry run: filled in, not saved")
            return None
        self.save(page, c, changes, account, outcome)
        if self._read_back is None:  # a page fresh from the server: the password fields are empty again (not so after a fetch)
            trace.resume()
        return self.verify(c, found, changes, account, outcome)

    def open_account(self, page: Page, c: Candidate, account: UserAccountPage, href: str | None,
                     search: UserSearchPage | None, shots: list[Picture]) -> AccountState:
        """Seed steps 10-11: the account at its address, else by its Username link in ``search``'s results."""
        with self.session.step(page, c.npi, STEP[11].picture, shots, picture=""):
            self.session.mark(c.npi, STEP[10].name)
            if href is not None and not self._open_at(account, href, c.npi):
                # Not this provider's account (addresses may depend on the session): open it by its link.
                self.audit.log.warning("the account's address opened another page; searching", who=c.npi)
                with self.shared.lock:
                    self.shared.links.pop(c.npi, None)
                search = self.search_clinicians(page, c.npi, shots)
                self.session.mark(c.npi, STEP[10].name)
            if search is not None and not search.open_account(c.npi):
                raise StepFailed(STEP[10].name, "the Clinician search lists no Username with this NPI", provider=c.who,
                                 hint="check the account in the portal (is it still a Clinician, and active?) and run again")
            return self.find_account_information(c, account, shots, waited=search is None)

    def find_account_information(self, c: Candidate, account: UserAccountPage, shots: list[Picture], *,
                                 waited: bool) -> AccountState:
        """Seed step 11: the section read, and pictured as found, before anything is typed."""
        self.session.mark(c.npi, STEP[11].name)
        if not waited:  # an account opened at its address already showed its Username
            account.wait_for_account_information()
        state = account.read(names=(names := tuple(c.settings.edits) if c.settings else ()))
        if not self._learned:  # once: where the account page's controls stand, for the pages after this one
            self._learned = True
            try:
                self.session.landmarks = account.landmarks = account.learn_landmarks()
            except PlaywrightError as exc:  # only a speed-up: the controls are found by their words instead
                self.audit.log.info("landmarks not learned", error=first_line(exc))
        self.readback.found(account, self.shared.links.get(c.npi), c.npi, names, state)
        if not any(p.kind == "before" for p in shots):  # a later attempt finds it as the first one did, or saved
            self.session.shot(account.page, c.npi, "11 before", shots, account.account_information(), kind="before",
                              caption="User Account Information as found, before anything was typed")
        return state

    def fill_in(self, page: Page, c: Candidate, changes: Changes, account: UserAccountPage, shots: list[Picture]) -> None:
        """Seed steps 12-17; the filled-in section is pictured, kept at once in a dry run, else only if
        the Save is refused or its answer lost (``save``)."""
        portal_pw, direct_pw = self._passwords_for(c) if changes.set_password or changes.set_direct_password else ("", "")
        name = evidence.fill_picture_name(changes)
        with self.session.step(page, c.npi, name, shots, picture=""):
            if changes.edits:
                self.edit_names(c, account, changes.edits, shots)
            if changes.set_password:
                self.change_password(c, account, portal_pw, shots)
            self.leave_emergency_access_off(c, account, shots, turn_off=changes.turn_off_emergency)
            if changes.turn_on_poll:
                self.select_poll_direct_mailbox(c, account, shots)
            if changes.type_direct_address:
                self.type_direct_address(c, account, changes.type_direct_address, shots)
            if changes.set_direct_password:
                self.type_direct_password(c, account, direct_pw, shots)
            # Where Saves are answered in place, the one picture after the answer shows the section as filled in too.
            later = self._in_place and not self.options.dry_run
            self._filled_in = (name, None if later else self.session.capture(page, c.npi, name, account.account_information(), "filled in"),
                               evidence.FILLED_IN_CAPTION)
        if self.options.dry_run:
            self._keep_filled_in(c, shots, failed=False)
        if not self.options.dry_run and (changes.set_password or changes.set_direct_password):
            self.audit.hand_off(  # on disk before Save is clicked, or the run stops here
                HandoffRow(c.npi, c.npi, c.name, portal_pw if changes.set_password else "", c.direct_address or "",
                           direct_pw if changes.set_direct_password else ""), c.who)

    def edit_names(self, c: Candidate, account: UserAccountPage, edits: dict[str, str], shots: list[Picture]) -> None:
        with self._account_step(c, account, STEP[12].name, shots):
            account.edit_names(edits)

    def change_password(self, c: Candidate, account: UserAccountPage, password: str, shots: list[Picture]) -> None:
        with self._account_step(c, account, STEP[13].name, shots):
            typed_only_at(account, "portal.account.password", self.portal_site, f"{c.who}'s account page", self.audit.log)
            account.set_password(password)

    def leave_emergency_access_off(self, c: Candidate, account: UserAccountPage, shots: list[Picture], *, turn_off: bool) -> None:
        with self._account_step(c, account, f"{STEP[14].name} " + ("turned off" if turn_off else "left off"), shots):
            if turn_off:
                account.clear_emergency_access()

    def select_poll_direct_mailbox(self, c: Candidate, account: UserAccountPage, shots: list[Picture]) -> None:
        with self._account_step(c, account, STEP[15].name, shots):
            account.check_poll_direct_mailbox()

    def type_direct_address(self, c: Candidate, account: UserAccountPage, address: str, shots: list[Picture]) -> None:
        with self._account_step(c, account, STEP[16].name, shots):
            account.type_direct_address(address)

    def type_direct_password(self, c: Candidate, account: UserAccountPage, password: str, shots: list[Picture]) -> None:
        with self._account_step(c, account, STEP[17].name, shots):
            typed_only_at(account, "portal.account.direct_password", self.portal_site, f"{c.who}'s account page", self.audit.log)
            account.set_direct_password(password)

    def save(self, page: Page, c: Candidate, changes: Changes, account: UserAccountPage, outcome: Outcome) -> None:
        """Seed step 18: Save, its answer read by its words; then the account after it, pictured with the answer where
        both fit in the window: the page the Save loaded, or, where it was answered in place, the section as saved
        (then read back from the server, not the fields the robot typed: by a fetch of its page where that reads
        as a load, robot.readback; else opened again)."""
        shots = outcome.pictures
        with self.session.step(page, c.npi, STEP[18].name, shots, picture=""):
            try:
                answer = account.save(just_before_click=lambda: self.save_clicked.add(c.npi))
                outcome.answer = evidence.answer_of(answer)  # refused or unclear too: the reviewer reads the portal's own words
                self._in_place = not answer.new_page
                where = self._answer_box(c, account, answer)
                reloaded = answer.new_page and account.is_account_of(c.npi)
                if not reloaded and (answer.new_page or answer.errors or answer.unknown):  # before the account is opened again
                    self.session.crop(page, c.npi, "18 answer", where, shots, "answer", evidence.answer_caption(c))
                self._judge(c, answer)
                self.audit.handoff.mark(c.npi, applied=True)  # the portal said saved: on disk before anything else can fail
            except BaseException:
                self._keep_filled_in(c, shots, failed=True, page=page, account=account)
                raise
            self._filled_in = None
            if self._in_place:  # the section as saved, with the answer: the read-back after a reload checks the server
                self.session.after_save(page, c.npi, account.account_information(), where, shots, evidence.answer_caption(c),
                                        held_by_portal=False)
        self.session.completed(STEP[18].name, "new page" if answer.new_page else "in place", *(["dialog"] if answer.dialog else []))
        self._read_back = self.readback.after_save(account, self.shared.links.get(c.npi), c, changes) if self._in_place else None
        if not reloaded and self._read_back is None:
            with self.session.step(page, c.npi, REOPENED, shots, picture=""):
                self._reopen(page, c, account, shots)
        if self._in_place:
            return
        self.session.after_save(page, c.npi, account.account_information(), where if reloaded else None, shots, evidence.answer_caption(c))

    def _answer_box(self, c: Candidate, account: UserAccountPage, answer: SaveAnswer) -> dict | None:
        """Where the Save's confirmation stands in the page, for its picture; None where it has none (a dialog's)."""
        if not evidence.takes(self.settings.screenshots, "answer"):
            return None
        try:
            return account.answer_box(answer.confirmation)
        except PlaywrightError as exc:  # a picture never costs a Save that was answered
            self.audit.log.warning("screenshot failed", who=c.npi, step="18 answer", error=first_line(exc))
            return None

    def _judge(self, c: Candidate, answer: SaveAnswer) -> None:
        if answer.errors:
            self.audit.handoff.mark(c.npi, applied=False)
            raise StepFailed(STEP[18].name, f"the portal refused the Save: \"{answer.errors}\"", provider=c.who,
                             hint=rules.refused_save_advice(answer.errors))
        if answer.unknown:
            self.audit.handoff.mark(c.npi, applied=None)
            raise StepFailed(STEP[18].name, f"the portal answered the Save with words that say neither saved nor refused: "
                             f"\"{answer.unknown}\"", provider=c.who,
                             hint="open the account in the portal to see whether it was saved; its passwords are "
                                  "in handoff.csv (applied=unknown)")

    def verify(self, c: Candidate, before: AccountState, changes: Changes, account: UserAccountPage, outcome: Outcome) -> None:
        """After Save, the account read back and checked against what was set."""
        self.session.mark(c.npi, VERIFY)
        after, self._read_back = self._read_back or self.readback.loaded(account.read_back(names=tuple(changes.edits)), c.npi), None
        outcome.fields = evidence.field_rows(before, changes, after)
        outcome.changed = evidence.changed_words(outcome.fields)
        problems = rules.verify(changes, c.direct_address or "", after)
        if problems:
            self.audit.handoff.mark(c.npi, applied=True)  # the portal said saved: the passwords are live
            if self._in_place:  # the after picture is of the section as saved: this one of what the server holds
                self.session.shot(account.page, c.npi, "18 read back", outcome.pictures, account.account_information(),
                                  kind="after", caption=evidence.READ_BACK_CAPTION)
            raise StepFailed(VERIFY, "; ".join(problems), provider=c.who,
                             hint="open the account in the portal and compare it with this report")
        outcome.names_changed = rules.names_changed(changes.edits)
        self.finish(c, outcome, Status.CONFIGURED,
                    note="" if changes.set_password else "Allow Emergency Access turned off; passwords left as they were")

    def finish(self, c: Candidate, outcome: Outcome, status: Status, *, note: str = "") -> None:
        self.save_clicked.discard(c.npi)
        if self.audit.handoff.row(c.npi):
            self.audit.handoff.mark(c.npi, applied=True)
        outcome.status = status
        outcome.notes += [note] if note else []

    # --- helpers of the steps above ------------------------------------------------------------------
    @contextlib.contextmanager
    def _account_step(self, c: Candidate, account: UserAccountPage, name: str, shots: list[Picture]) -> Iterator[None]:
        """One of steps 12-17: named as it begins, pictured when done (under ``every-step`` only)."""
        self.session.mark(c.npi, name)
        yield
        self.session.shot(account.page, c.npi, name, shots, account.account_information(), kind="step", caption=shows(name))

    def _keep_filled_in(self, c: Candidate, shots: list[Picture], *, failed: bool, page: Page | None = None,
                        account: UserAccountPage | None = None) -> None:
        if self._filled_in is None:
            return
        name, taken, caption = self._filled_in
        self._filled_in = None
        if not evidence.keeps_filled_in(dry_run=self.options.dry_run, save_clicked=c.npi in self.save_clicked, failed=failed):
            return
        if taken is not None:
            self.session.keep(c.npi, name, taken, shots, "filled in", caption)
            return
        with contextlib.suppress(PlaywrightError):  # a page gone with its session: the failure's own picture shows what there is
            if page is not None and account is not None and account.is_account_of(c.npi):  # not taken before Save: it still shows
                self.session.shot(page, c.npi, name, shots, account.account_information(), kind="filled in", caption=evidence.FAILED_SAVE)

    def _lost_answer(self, page: Page, c: Candidate, account: UserAccountPage, outcome: Outcome, lost: str, now: AccountState) -> None:
        """An earlier attempt's Save lost its answer, and the account now looks configured."""
        if lost == "unknown":
            self.audit.handoff.mark(c.npi, applied=None)
            raise StepFailed(STEP[18].name, "the answer to the forced Save was lost, and the account looks the same either way",
                             provider=c.who,
                             hint="try the passwords in handoff.csv (applied=unknown); if they do not work, run again with --force")
        self.session.shot(page, c.npi, "18 after", outcome.pictures, account.account_information(), kind="after",
                          caption="User Account Information after Save (its answer was lost), as the portal holds it")
        outcome.fields = evidence.field_rows(*self._found[c.npi], now)
        outcome.changed = evidence.changed_words(outcome.fields)
        outcome.names_changed = rules.names_changed(c.settings.edits) if c.settings else False
        self.finish(c, outcome, Status.CONFIGURED, note="the answer to Save was lost, but the account shows it was applied")

    def forget(self, npi: str) -> None:
        """The provider is done with: what its attempts shared goes."""
        self._found.pop(npi, None)
        self.save_clicked.discard(npi)

    @staticmethod
    def _open_at(account: UserAccountPage, href: str, username: str) -> bool:
        """Open an account at its address: True if it is that user's (looked at as it is, then waited for), a login form an ended session."""
        account.open(href)
        if account.known_as_account_of(username) or account.shows_username(username):
            return True
        if account.on_login_page():
            raise SessionExpired("portal")
        return False

    def _reopen(self, page: Page, c: Candidate, account: UserAccountPage, shots: list[Picture]) -> None:
        """Open the account again from the server (after a Save answered in place)."""
        if (href := self.shared.links.get(c.npi)) and self._open_at(account, href, c.npi):
            return
        if not self.search_clinicians(page, c.npi, shots).open_account(c.npi):
            raise StepFailed(VERIFY, "the account could not be opened again after Save", provider=c.who,
                             hint="open the account in the portal and compare it with this report")

    def _passwords_for(self, c: Candidate) -> tuple[str, str]:
        """The provider's passwords for this run: given in the environment, else generated once."""
        if c.npi not in self._passwords:
            self._passwords[c.npi] = passwords.for_provider(self.settings.provider_passwords.get(c.npi, (None, None)),
                                                            self.settings.policy, same=self.settings.direct_same_as_portal)
            self.audit.redact.add(*self._passwords[c.npi])
        return self._passwords[c.npi]
