"""The portal's account page: User Account Information, Save and its answer (seed steps 10-18)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Dialog, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages.base import NEW_PAGE, SLICE_MS, Retry, Screen, _Answers
from pages.errors import NotThere, SessionExpired
from pages.landmarks import CHECKED_OF, VALUE_OF, Landmarks
from pages.locators import Selectors
from pages.records import AccountNames, AccountState

# Whether this page is the account of ``npi``: the value beside its "Username" words (plain text,
# a read-only input, a bold cell), or, where no such words are, the NPI shown as a title.
_SHOWS_USERNAME = r"""(npi) => {
  const norm = s => (s || "").replace(/[^A-Za-z]+/g, " ").trim().toLowerCase();
  const holds = root => {
    for (const i of root.querySelectorAll("input, textarea")) if ((i.value || "").trim() === npi) return true;
    return new RegExp("(^|\\D)" + npi + "(\\D|$)").test(root.innerText || "");
  };
  const labels = [...document.querySelectorAll("label, th, td, dt, span, div, strong, b, p, legend")]
    .filter(e => (e.textContent || "").length < 40 && /^user ?name$/.test(norm(e.textContent)));
  for (const l of labels) {
    if (l.control && (l.control.value || "").trim() === npi) return true;
    let around = l;
    for (let up = 0; up < 3 && around; up++, around = around.parentElement) if (holds(around)) return true;
  }
  if (labels.length) return false;
  return [...document.querySelectorAll("h1, h2, h3, h4, [role=heading], legend, title")].some(holds);
}"""
# What Playwright's input_value and is_checked read, for read_back: null where they would refuse.
_VALUE = f"els => els.map({VALUE_OF})"
_CHECKED = f"els => els.map({CHECKED_OF})"
# Messages that were there before Save, with their words then: only new words are an answer.
_SEEN = "data-robot-seen"
_CONFIRMING = "data-robot-confirm"
# The first modal shown: its words without its buttons' (they ask nothing), and its buttons' names, each
# button numbered in the page so that the one chosen can be clicked; the modal is marked seen as it is.
_QUESTION = f"""(modals, attr) => {{
  document.querySelectorAll("[" + attr + "]").forEach(b => b.removeAttribute(attr));
  const m = modals.find(e => e.offsetParent !== null || e.getClientRects().length);
  if (!m) return null;
  m.setAttribute("{_SEEN}", (m.innerText || "").trim());
  const buttons = [...m.querySelectorAll("button, [role=button], input[type=button], input[type=submit]")]
    .filter(b => b.offsetParent !== null || b.getClientRects().length);
  buttons.forEach((b, i) => b.setAttribute(attr, String(i)));
  const c = m.cloneNode(true);
  c.querySelectorAll("button, [role=button], input").forEach(b => b.remove());
  return [(c.textContent || "").replace(/\\s+/g, " ").trim(),
          buttons.map(b => (b.getAttribute("aria-label") || b.innerText || b.value || "").replace(/\\s+/g, " ").trim())];
}}"""
_MARK_SEEN = f"""els => els.forEach(e => {{ if ((e.offsetParent !== null || e.getClientRects().length) && (e.innerText || "").trim())
  e.setAttribute("{_SEEN}", (e.innerText || "").trim()); }})"""
_UNMARK_CHANGED = f"""() => document.querySelectorAll("[{_SEEN}]").forEach(e => {{
  if ((e.innerText || "").trim() !== e.getAttribute("{_SEEN}")) e.removeAttribute("{_SEEN}"); }})"""
# Every piece of text the page shows (text nodes, trimmed): before Save, so that words new after it can
# be told, wherever the portal writes them (a box of its own, a line beside a field).
_WORDS_SHOWN = """(root) => {
  const out = new Set(), walk = document.createTreeWalker(root || document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const t = (n.nodeValue || "").trim(), e = n.parentElement;
    if (t && e && !e.closest("script, style, option, select, textarea, [data-robot-mask]") && (e.offsetParent !== null || e.getClientRects().length)) out.add(t);
  }
  return out;
}"""
# The elements showing words that were not there before Save, inside the form the robot typed in (the
# same document only; a page without a form has no such answer): the answer of a portal that writes it
# where no usual message box is, and never a clock or a chat widget elsewhere on the page.
_NEW_WORDS = f"""() => {{
  const scope = window.__robotScope;
  if (window.__robotStamp !== true || !window.__robotWords || !scope || !scope.isConnected) return [];
  const before = window.__robotWords, now = ({_WORDS_SHOWN})(scope), holders = [];
  const walk = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {{
    const t = (n.nodeValue || "").trim(), e = n.parentElement;
    if (t && now.has(t) && !before.has(t) && /\\w/.test(t) && !holders.includes(e)) holders.push(e);
  }}
  return holders.filter(e => !holders.some(o => o !== e && o.contains(e))).map(e => (e.innerText || "").trim()).filter(Boolean);
}}"""
# The words of the messages (the outermost of each, shown), whether a modal is among them, and whether
# the document is another than the one Save was clicked on: three questions, one call.
_ANSWER_TEXTS = f"""(els, modal) => {{
  if (typeof els === "string") els = [...document.querySelectorAll(els)].filter(e => !e.hasAttribute("{_SEEN}") && /\\w/.test(e.textContent));
  const shown = els.filter(e => (e.offsetParent !== null || e.getClientRects().length) && !e.matches("button, a, input, select, textarea"))
    .filter((e, i, all) => !all.some(o => o !== e && o.contains(e)));
  const texts = shown.map(e => (e.innerText || "").trim()).filter(Boolean), moved = window.__robotStamp !== true;
  // Where no message box has new words, the words new in place.
  return [texts.length || moved ? texts : ({_NEW_WORDS})(), shown.some(e => e.matches(modal) || e.querySelector(modal)), moved];
}}"""
# ``_ANSWER_TEXTS`` by the messages' CSS (plain CSS: the page's own script, no selector engine).
_ANSWER_BY_CSS = f"""([css, modal]) => ({_ANSWER_TEXTS})(css, modal)"""
# ``_QUESTION`` for the modals shown now that were not there before Save (plain CSS: no selector engine).
_MODALS_ASK = f"""([css, attr]) => ({_QUESTION})([...document.querySelectorAll(css)]
  .filter(e => !e.hasAttribute("{_SEEN}") && /\\w/.test(e.textContent)), attr)"""
# The first outermost message box that shows (part of) ``words`` and fits in the window, in page coordinates.
_BOX_OF = """(els, words) => {
  const norm = t => (t || "").replace(/\\s+/g, " ").trim();
  const said = norm(words);
  const shown = els.filter(e => (e.offsetParent !== null || e.getClientRects().length) && !e.matches("button, a, input, select, textarea"))
    .filter(e => { const t = norm(e.innerText); return t && (said.includes(t) || t.includes(said)); })
    .filter((e, i, all) => !all.some(o => o !== e && o.contains(e)));
  for (const e of shown) {
    const r = e.getBoundingClientRect();
    if (r.height <= window.innerHeight) return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
  }
  return null;
}"""
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

    def learn_landmarks(self) -> Landmarks | None:
        """Where this account page's controls stand, for the account pages after it."""
        return Landmarks.learn(self.page, self._sel)

    def open(self, url: str) -> None:
        """Open the account at the address its Username link in the search results points to (step 10).

        A login form instead is for the caller to see (``shows_username`` is false there), so this
        costs one call fewer than a check of its own."""
        self._goto(url, expect_login=True)

    def shows_username(self, username: str) -> bool:
        """Whether this page is that user's account: the value beside its Username label is theirs."""
        self.wait_for_account_information_or_login()
        return bool(self.page.evaluate(_SHOWS_USERNAME, username))

    def is_account_of(self, username: str) -> bool:
        """``shows_username`` for the page as it is now, without waiting (one call in the page's own world)."""
        if self.landmarks is not None and (known := self.landmarks.is_account_of(self.page, username, _SHOWS_USERNAME)) is not None:
            return known
        return bool(self._el("portal.account.section").evaluate_all(f"(els, npi) => els.length > 0 && ({_SHOWS_USERNAME})(npi)",
                                                                     username))

    def wait_for_account_information_or_login(self) -> None:
        with self.watching() as answers:
            self.wait_for(self._el("portal.account.section"), "the account's User Account Information", answers,
                          expect_login=True, awaits=("portal.account.section",))

    def wait_for_account_information(self) -> None:
        with self.finding("portal.account.section"):
            self._el("portal.account.section").first.wait_for(state="visible")

    def account_information(self) -> Locator:
        """The part of the section worth a picture: from its title to the Direct Address (what the
        robot reads, sets and verifies; the password fields between are masked in every picture)."""
        field = self._el("portal.account.direct_address")
        # The section's title, not a region or group around the whole form (a band as tall as the form).
        return self._el("portal.account.section").filter(has_not=field).or_(field)

    def answer_box(self, words: str) -> dict | None:
        """Where the message box that shows the Save's answer (``words``) is in the page, or None."""
        if not words:
            return None
        css = self._sel.css("portal.account.saved")
        if css is not None:  # plain CSS: the page's own script, no selector engine on a page a Save loaded
            return self.page.evaluate(f"([css, words]) => ({_BOX_OF})([...document.querySelectorAll(css)], words)", [css, words])
        return self._el("portal.account.saved").evaluate_all(_BOX_OF, words)

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

        def one(key: str, script: str) -> str | bool | None:
            found = self._el(f"portal.account.{key}").evaluate_all(script)
            return found[0] if len(found) == 1 else None

        wanted = self.NAME_FIELDS if names is None else names
        values = {field: one(field, _VALUE) for field in self.NAME_FIELDS if field in wanted}
        emergency, poll = one("emergency_access", _CHECKED), one("poll_direct", _CHECKED)
        address = one("direct_address", _VALUE)
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
        wanted = [f for f in self.NAME_FIELDS if names is None or f in names]
        keys = tuple(f"portal.account.{f}" for f in (*wanted, "emergency_access", "poll_direct", "direct_address"))
        found = self.landmarks.read(self.page, keys)
        if found is None:
            return None
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
        """Mark the messages and modals there before Save, and stamp the document, in one call of the
        page's own script where the messages' key is plain CSS (no copy of Playwright's script for it)."""
        css = self._sel.css("portal.account.saved")
        if css is None:
            self._el("portal.account.saved").evaluate_all(_MARK_SEEN)
            css = _MODAL
        else:
            css = f"{css}, {_MODAL}"
        self.page.evaluate(f"css => {{ window.__robotStamp = true; ({_MARK_SEEN})([...document.querySelectorAll(css)]); "
                           f"window.__robotScope = document.activeElement && document.activeElement.closest('form'); "
                           f"window.__robotWords = ({_WORDS_SHOWN})(window.__robotScope); }}", css)

    def _await_answer(self, answers: _Answers, said: list[str]) -> SaveAnswer:
        """Look in the page's own world first (a page a Save loaded is only looked at, and the answer
        is often there at once); wait on a locator only while nothing has answered yet."""
        unseen = self.page.locator(f":not([{_SEEN}])")
        fresh = self._el("portal.account.saved").or_(self.page.locator(_MODAL)).and_(unseen).filter(has_text=_WORDS)
        login = self._el("portal.login.submit")
        deadline = time.monotonic() + self._retry.timeout_s
        neutral, look = "", True
        css = self._sel.css("portal.account.saved")  # plain CSS: looked for by the page's own script, no selector engine
        while not said:
            if not look:
                texts, asks, new = [], False, None
            elif css is not None:
                texts, asks, new = self.page.evaluate(_ANSWER_BY_CSS, [f"{css}, {_MODAL}", _MODAL])
            else:
                texts, asks, new = fresh.evaluate_all(_ANSWER_TEXTS, _MODAL)
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
                if asks and self._confirm():
                    look = False  # the answer comes after the confirmation: wait for it
                    continue
                if verdict(text) != "unknown":
                    return self._answer(text, answers, new_document=new)
                neutral = text  # "Saving…": wait on for words that say what happened
                fresh.evaluate_all(_MARK_SEEN)
            left = deadline - time.monotonic()
            if left <= 0:
                if neutral:
                    return self._answer(neutral, answers)
                raise NotThere("the portal's answer to Save", self._retry.timeout_s, self.shows())
            try:
                fresh.or_(login).first.wait_for(state="visible", timeout=max(1, min(SLICE_MS, left * 1000)))
            except PlaywrightTimeout:
                self.page.evaluate(_UNMARK_CHANGED)  # a message box that was there may have new words
        return self._answer(" ".join(said).strip(), answers, dialog=True)

    def _confirm(self) -> bool:
        """An HTML modal that asks to confirm the Save is confirmed; True if it was one.

        A question about saving, with a button to go on and one to go back (or a question mark);
        a modal that only answers ("Saved", "Could not save" with an OK) is the answer instead."""
        found = self.page.evaluate(_MODALS_ASK, [_MODAL, _CONFIRMING])
        if not found:
            return False
        text, buttons = found
        if not ABOUT_SAVING.search(text) or verdict(text) != "unknown":
            return False
        yes = next((i for i, name in enumerate(buttons) if _CONFIRM.search(name)), None)
        if yes is None or not (any(_CANCEL.search(name) for name in buttons) or "?" in text):
            return False
        self.page.locator(f"[{_CONFIRMING}='{yes}']").first.click()
        return True

    def _answer(self, text: str, answers: _Answers, *, dialog: bool = False, new_document: bool | None = None) -> SaveAnswer:
        answers.raise_if_failed(self.site)
        new_page = self._completion(new_document) == NEW_PAGE
        judged = verdict(text)
        if judged == "saved":
            return SaveAnswer(confirmation=text, new_page=new_page, dialog=dialog)
        if judged == "refused":
            return SaveAnswer(errors=text, new_page=new_page, dialog=dialog)
        return SaveAnswer(unknown=text, new_page=new_page, dialog=dialog)
