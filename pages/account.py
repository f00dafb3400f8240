"""The portal's account page: User Account Information, Save and its answer (seed steps 10-18)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Dialog, Locator, Page
from playwright.sync_api import Error as PlaywrightError

from pages.base import NEW_PAGE, SLICE_MS, Retry, Scope, Screen, _Answers
from pages.errors import NotThere, SessionExpired
from pages.landmarks import USERNAME_WORDS, Landmarks
from pages.locators import Selectors
from pages.records import AccountNames, AccountState
from pages.scripts import script

# Every field the seed names, for the pictures' band (steps 12-17), besides the section's title and the Direct Address.
BAND_KEYS = tuple(f"portal.account.{k}" for k in ("display_name", "first_name", "last_name", "email", "password", "confirm_password",
                                                   "emergency_access", "poll_direct", "direct_password", "confirm_direct_password"))

# Messages that were there before Save are marked with their words then (pages/js/mark_seen.js): only
# new words are an answer. A modal's buttons are numbered so that the one chosen can be clicked.
_SEEN = "data-robot-seen"
_CONFIRMING = "data-robot-confirm"
_WORDS = re.compile(r"\w")
_MODAL = "[role=dialog], [role=alertdialog], dialog[open], [aria-modal=true]"
_CONFIRM = re.compile(r"^\W*(yes|ok|okay|confirm|save|continue|apply|proceed|submit)\b", re.I)
_CANCEL = re.compile(r"^\W*(cancel|no|go back|back|discard|don'?t)\b", re.I)

# The Save's answer, by its words: saved, refused, or neither (unknown, never a guess).
SAVED_WORDS = re.compile(
    r"\b(saved|success|successful(ly)?|updated|(changes?|account) (has|have|was|were) been (saved|applied|made|updated))\b", re.I)
REFUSED_WORDS = re.compile(
    r"\b(errors?|invalid|fail(ed|s|ure)?|could\s*n[o']t|cannot|can't|unable|not (been )?(saved|valid|allowed|verified|accepted)"
    r"|do(es)? not match|required|must|denied|refused|rejected|problem|please (correct|fix)|try again|incorrect"
    r"|expired|unavailable|already|unsuccessful(ly)?|not (been )?saved)\b", re.I)
_NOT_SAVED = re.compile(r"\b(not|n't|never)\s+(been\s+|be\s+)?(saved|updated|successful(ly)?)\b|\bunsuccessful(ly)?\b", re.I)
ABOUT_SAVING = re.compile(r"\b(save|saving|changes|confirm|are you sure|apply|update)\b", re.I)


def verdict(text: str) -> str:
    """"saved", "refused" or "unknown" for the words a portal answered a Save with."""
    saved = bool(SAVED_WORDS.search(_NOT_SAVED.sub(" ", text)))  # "was not saved" says nothing was
    refused = bool(REFUSED_WORDS.search(text))
    if saved != refused:
        return "saved" if saved else "refused"
    return "unknown"


@dataclass(frozen=True)
class SaveAnswer:
    """What the portal said after Save: its confirmation, its error messages, or words that say
    neither (``unknown``); whether it came on a new page, and whether in a JavaScript dialog."""

    confirmation: str = ""
    errors: str = ""
    unknown: str = ""
    new_page: bool = True
    dialog: bool = False


class UserAccountPage(Screen):
    """One user's account; everything the robot touches is in "User Account Information" (seed steps 11-18)."""

    site = "portal"

    NAME_FIELDS = ("display_name", "first_name", "last_name", "email")

    def __init__(self, page: Page, selectors: Selectors, retry: Retry = Retry(), landmarks: Landmarks | None = None) -> None:
        super().__init__(page, selectors, retry)
        self.landmarks = landmarks  # where the controls stood on an earlier account page (pages.landmarks)
        # The controls of the page shown now found at their learned id or name (``read``): acted on by it, with no
        # search by words. Forgotten as soon as the page may change (another account, a Save).
        self._at: dict[str, str] = {}

    def _el(self, key: str) -> Locator:
        if (css := self._at.get(key)) is not None:
            return self.page.locator(css)
        return super()._el(key)

    def here(self) -> Scope:
        """The frame the account's section is in (the page, for the top document): where its scripts run."""
        return self.frame_of("portal.account.section")

    def learn_landmarks(self) -> Landmarks | None:
        """Where this account page's controls stand, for the account pages after it; None for an account
        page in a frame (its pictures' bands and masks are the top page's business: found by the locators)."""
        return Landmarks.learn(self.page, self._sel) if self.here() is self.page else None

    def open(self, url: str) -> None:
        """Open the account at the address its Username link in the search results points to (step 10).

        A login form instead is for the caller to see (``shows_username`` is false there), so this
        costs one call fewer than a check of its own."""
        self._at = {}
        self._goto(url, expect_login=True)

    def shows_username(self, username: str) -> bool:
        """Whether this page is that user's account: the value beside its Username label is theirs."""
        self.wait_for_account_information_or_login()
        return bool(self.here().evaluate(script("shows_username"), username))

    def is_account_of(self, username: str) -> bool:
        """``shows_username`` for the page as it is now, without waiting (one call in the page's own world)."""
        if self.landmarks is not None and (known := self.landmarks.is_account_of(self.page, username)) is not None:
            return known
        where = self.here()
        return bool(self._sel("portal.account.section", where).count()) and bool(where.evaluate(script("shows_username"), username))

    def known_as_account_of(self, username: str) -> bool:
        """True where the learned landmarks already show this page as ``username``'s account (one call, no wait);
        False where they do not, or cannot tell yet: then ``shows_username`` waits for the page to say."""
        return self.landmarks is not None and bool(self.landmarks.is_account_of(self.page, username))

    def wait_for_account_information_or_login(self) -> None:
        with self.watching() as answers:
            self.wait_for(self.key("portal.account.section"), "the account's User Account Information", answers,
                          expect_login=True, awaits=("portal.account.section",))

    def wait_for_account_information(self) -> None:
        with self.finding("portal.account.section"):
            self._el("portal.account.section").first.wait_for(state="visible")

    def account_information(self) -> Locator:
        """The part of the section worth a picture: from its title to the lowest of the Username and every
        field the seed names (what the robot reads, sets and verifies; the password fields are masked in
        every picture)."""
        where = self.here()
        field = self._sel("portal.account.direct_address", where)
        # The section's title, not a region or group around the whole form (a band as tall as the form).
        band = self._sel("portal.account.section", where).filter(has_not=field).or_(field)
        for key in BAND_KEYS:
            band = band.or_(self._sel(key, where))
        return band.or_(where.get_by_text(USERNAME_WORDS))

    def answer_box(self, words: str) -> dict | None:
        """Where the message box that shows the Save's answer (``words``) is in the page, or None."""
        if not words:
            return None
        css = self._sel.css("portal.account.saved")
        for frame in self.frames():  # the answer may be in the account's frame or in the page around it
            try:
                if css is not None:  # plain CSS: the page's own script, no selector engine on a page a Save loaded
                    box = frame.evaluate(script("box_by_css"), [css, words])
                else:
                    box = self._sel("portal.account.saved", frame).evaluate_all(script("box_of"), words)
            except PlaywrightError:
                continue
            if box:
                return box
        return None

    def read(self, names: tuple[str, ...] | None = None) -> AccountState:
        """What the section shows. ``names``: which of the step-12 fields to read (default all of them);
        the others read as ""."""
        if (known := self._read_where_learned(names)) is not None:
            return known
        return self._read_by_words(names)

    def _read_by_words(self, names: tuple[str, ...] | None) -> AccountState:
        wanted = self.NAME_FIELDS if names is None else names
        values = {field: self._value(f"portal.account.{field}") for field in self.NAME_FIELDS if field in wanted}
        return AccountState(
            names=AccountNames(**values),
            emergency_access=self._checked("portal.account.emergency_access"),
            poll_direct=self._checked("portal.account.poll_direct"),
            direct_address=self._value("portal.account.direct_address"),
        )

    def _value(self, key: str) -> str:
        with self.finding(key):
            return self._el(key).input_value()

    def _checked(self, key: str) -> bool:
        with self.finding(key):
            return self._el(key).is_checked()

    def read_back(self, names: tuple[str, ...] | None = None) -> AccountState:
        """``read`` for the page a Save loaded, in the page's own script world (see ``Screen._count``):
        that page is only looked at, and its picture needs that world anyway.

        A field that is not there exactly once as a plain form control is read by ``read``, whose
        waiting and strictness say what is wrong with it."""
        if (known := self._read_where_learned(names)) is not None:
            return known

        def one(key: str, reads: str) -> str | bool | None:
            found = self._el(f"portal.account.{key}").evaluate_all(reads)
            return found[0] if len(found) == 1 else None

        wanted = self.NAME_FIELDS if names is None else names
        values = {field: one(field, script("values")) for field in self.NAME_FIELDS if field in wanted}
        emergency, poll = one("emergency_access", script("checks")), one("poll_direct", script("checks"))
        address = one("direct_address", script("values"))
        if None in (*values.values(), emergency, poll, address):
            return self._read_by_words(names)
        return AccountState(
            names=AccountNames(**values),  # type: ignore[arg-type]
            emergency_access=bool(emergency),
            poll_direct=bool(poll),
            direct_address=str(address),
        )

    def _read_where_learned(self, names: tuple[str, ...] | None) -> AccountState | None:
        """``read`` in one call by the landmarks; None where they do not hold on this page."""
        if self.landmarks is None:
            return None
        keys, wanted = self._learned_keys(names)
        known = self.landmarks.read(self.page, keys)
        if known is None:
            return None
        found, at = known
        state = self._state_of(found, wanted)
        if state is not None:
            self._at = at
        return state

    def read_from_server(self, href: str, username: str, names: tuple[str, ...]) -> AccountState | None:
        """The account at ``href`` as the server sends its page now, read by the landmarks without loading it into
        the window (its scripts not run); None where they do not read it there (``Landmarks.read_fetched``)."""
        if self.landmarks is None:
            return None
        keys, wanted = self._learned_keys(names)
        found = self.landmarks.read_fetched(self.page, href, username, keys, self._retry.timeout_s * 1000)
        return None if found is None else self._state_of(found, wanted)

    def _learned_keys(self, names: tuple[str, ...] | None) -> tuple[tuple[str, ...], list[str]]:
        wanted = [f for f in self.NAME_FIELDS if names is None or f in names]
        return tuple(f"portal.account.{f}" for f in (*wanted, "emergency_access", "poll_direct", "direct_address")), wanted

    @staticmethod
    def _state_of(found: dict[str, tuple[str | None, bool | None]], wanted: list[str]) -> AccountState | None:
        values = {k.rsplit(".", 1)[1]: v for k, (v, _) in found.items()}
        emergency, poll = found["portal.account.emergency_access"][1], found["portal.account.poll_direct"][1]
        if emergency is None or poll is None or any(values[f] is None for f in (*wanted, "direct_address")):
            return None  # not a plain form control after all: Playwright's own reads say what it is
        return AccountState(
            names=AccountNames(**{f: str(values[f]) for f in wanted}),
            emergency_access=emergency,
            poll_direct=poll,
            direct_address=str(values["direct_address"]),
        )

    def edit_names(self, edits: dict[str, str]) -> None:
        for field, value in edits.items():
            self._fill(f"portal.account.{field}", value)

    def set_password(self, password: str) -> None:
        self._fill("portal.account.password", password)
        self._fill("portal.account.confirm_password", password)

    def clear_emergency_access(self) -> None:
        self._tick("portal.account.emergency_access", False)

    def check_poll_direct_mailbox(self) -> None:
        self._tick("portal.account.poll_direct", True)

    def _tick(self, key: str, on: bool) -> None:
        """Tick or untick a box by a click event on the box itself, without Playwright's wait for the page
        to hold still (most of a tick's time) and never on whatever may cover it; a box that did not
        change (disabled, not ready, a widget that wants a real pointer) is set with all of Playwright's checks."""
        box = self._el(key)
        with self.finding(key):
            if box.is_checked() == on:
                return
            box.dispatch_event("click")
            if box.is_checked() != on:
                box.set_checked(on)

    def type_direct_address(self, address: str) -> None:
        self._fill("portal.account.direct_address", address)

    def set_direct_password(self, password: str) -> None:
        self._fill("portal.account.direct_password", password)
        self._fill("portal.account.confirm_direct_password", password)

    def save(self, just_before_click: Callable[[], None] = lambda: None) -> SaveAnswer:
        """Click Save and read the portal's answer, wherever it comes: a new page, a message in this
        one (an alert, a status, a toast, an inline error), an HTML modal or a JavaScript dialog.

        A confirmation asked first (a modal or ``confirm()`` about saving) is confirmed. The answer
        is judged by its words (``verdict``), never by its role. ``just_before_click`` runs once the
        button is there, right before it is clicked.
        """
        self._at = {}  # the page the Save leaves may be another
        button = self._el("portal.account.save")
        with self.finding("portal.account.save"):
            button.wait_for(state="visible")
        self._mark_messages()
        said: list[str] = []
        asked: list[str] = []

        def answer_dialog(dialog: Dialog) -> None:
            if dialog.type == "confirm" and ABOUT_SAVING.search(dialog.message) and verdict(dialog.message) != "refused":
                asked.append(dialog.message)
                dialog.accept()
            elif dialog.type in ("confirm", "prompt", "beforeunload"):
                said.append(dialog.message)
                dialog.dismiss()
            else:
                said.append(dialog.message)
                dialog.accept()

        just_before_click()
        self.page.on("dialog", answer_dialog)
        try:
            with self.watching() as answers:
                self.click("portal.account.save", button)
                answer = self._await_answer(answers, said)
        finally:
            self.page.remove_listener("dialog", answer_dialog)
        return answer

    def _mark_messages(self) -> None:
        """Mark the messages and modals there before Save in every frame, and stamp each document, in one
        call of the page's own script a frame where the messages' key is plain CSS (no copy of Playwright's
        script for it)."""
        css = self._sel.css("portal.account.saved")
        for frame in self.frames():
            try:
                if css is None:
                    self._sel("portal.account.saved", frame).evaluate_all(script("mark_seen"))
                frame.evaluate(script("mark_messages"), _MODAL if css is None else f"{css}, {_MODAL}")
            except PlaywrightError:
                pass  # a frame gone while it is marked has nothing to answer with

    def _fresh(self, scope: Scope) -> Locator:
        """The messages and modals in ``scope`` with words that were not there before Save."""
        unseen = scope.locator(f":not([{_SEEN}])")
        return self._sel("portal.account.saved", scope).or_(scope.locator(_MODAL)).and_(unseen).filter(has_text=_WORDS)

    def _look(self, css: str | None, here: Scope) -> tuple[list[str], bool, bool | None]:
        """The answer's words in every frame, whether a modal is among them, and whether the account's
        frame holds another document than the one Save was clicked on (None: it could not be told)."""
        texts: list[str] = []
        asks, new = False, None
        for frame in self.frames():
            scope: Scope = self.page if frame == self.page.main_frame else frame
            try:
                if css is not None:
                    found, modal, moved = frame.evaluate(script("answer_by_css"), [f"{css}, {_MODAL}", _MODAL])
                else:
                    found, modal, moved = self._fresh(scope).evaluate_all(script("answer_texts"), _MODAL)
            except PlaywrightError:
                continue  # a frame gone while it is read: its words are no answer
            texts += found
            asks = asks or modal
            if scope == here or (isinstance(here, Page) and frame == self.page.main_frame):
                new = moved
        return texts, asks, new

    def _await_answer(self, answers: _Answers, said: list[str]) -> SaveAnswer:
        """Look in the page's own world first (a page a Save loaded is only looked at, and the answer
        is often there at once); wait on a locator only while nothing has answered yet. Every frame is
        looked in: the answer may be in the account's frame or in the page around it (a toast)."""
        here = self.here()
        login = self.key("portal.login.submit")
        deadline = time.monotonic() + self._retry.timeout_s
        neutral, look = "", True
        css = self._sel.css("portal.account.saved")  # plain CSS: looked for by the page's own script, no selector engine
        while not said:
            texts, asks, new = self._look(css, here) if look else ([], False, None)
            look = True
            answers.raise_if_failed(self.site)
            if said:
                break
            text = " ".join(texts)
            # A login page's own words ("session expired", "logged out") are no answer; a success is.
            # A login form comes on a new page (an ended session in place is a 401, seen by ``answers``).
            if verdict(text) != "saved" and (self._new_document() if new is None else new) \
                    and self._count("portal.login.submit") and self.on_login_page():
                raise SessionExpired(self.site)
            if texts:
                if asks:
                    asked = self._confirm()
                    if asked is True:
                        look = False  # the answer comes after the confirmation: wait for it
                        continue
                    if asked:  # a question about something else: refused, and said
                        return self._answer(asked, answers, new_document=new, refused=True)
                if verdict(text) != "unknown":
                    return self._answer(text, answers, new_document=new)
                neutral = text  # "Saving…": wait on for words that say what happened
                for frame in self.frames():
                    try:
                        self._fresh(frame).evaluate_all(script("mark_seen"))
                    except PlaywrightError:
                        pass
            left = deadline - time.monotonic()
            if left <= 0:
                if neutral:
                    return self._answer(neutral, answers)
                raise NotThere("the portal's answer to Save", self._retry.timeout_s, self.shows())
            if self.shown(lambda scope: self._fresh(scope).or_(login(scope)), max(1, min(SLICE_MS, left * 1000))) is None:
                for frame in self.frames():  # a message box that was there may have new words
                    try:
                        frame.evaluate(script("unmark_changed"))
                    except PlaywrightError:
                        pass
        return self._answer(" ".join(said).strip(), answers, dialog=True)

    def _confirm(self) -> bool | str:
        """An HTML modal that asks to confirm the Save is confirmed: True. A modal that asks something
        else (a question, with a button to go back or a question mark) is answered no: its words, for the
        run to stop with. False where no modal asks anything.

        A modal that only answers ("Saved", "Could not save" with an OK) is the answer instead."""
        for frame in self.frames():
            try:
                found = frame.evaluate(script("modals_ask"), [_MODAL, _CONFIRMING])
            except PlaywrightError:
                continue
            if not found:
                continue
            text, buttons = found
            if verdict(text) != "unknown":
                return False
            yes = next((i for i, name in enumerate(buttons) if _CONFIRM.search(name)), None)
            no = next((i for i, name in enumerate(buttons) if _CANCEL.search(name)), None)
            if yes is None or not (no is not None or "?" in text):
                return False
            if ABOUT_SAVING.search(text):
                frame.locator(f"[{_CONFIRMING}='{yes}']").first.click()
                return True
            if no is not None:
                frame.locator(f"[{_CONFIRMING}='{no}']").first.click()
            answered = f'"{buttons[no]}"' if no is not None else "nothing"
            return f'The portal asked "{text}"; the robot answered {answered} (it confirms only a question about saving).'
        return False

    def _answer(self, text: str, answers: _Answers, *, dialog: bool = False, new_document: bool | None = None,
                refused: bool = False) -> SaveAnswer:
        answers.raise_if_failed(self.site)
        new_page = self._completion(new_document) == NEW_PAGE
        judged = "refused" if refused else verdict(text)
        if judged == "saved":
            return SaveAnswer(confirmation=text, new_page=new_page, dialog=dialog)
        if judged == "refused":
            return SaveAnswer(errors=text, new_page=new_page, dialog=dialog)
        return SaveAnswer(unknown=text, new_page=new_page, dialog=dialog)
