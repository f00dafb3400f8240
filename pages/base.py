"""What every screen shares: its locator table, acting and waiting for the effect, the login check.

A step is done when what the next step needs is there, whether the site loaded a new page, changed
part of the page or opened a dialog: ``Screen.act`` clicks, then waits for that effect (a locator),
and meanwhile watches the site's answers (documents, XHR, fetch) for server errors and an ended session.

A screen is wherever its controls are: the top document or any frame of the page (``pages.frames``).
Playwright's locators pierce open shadow roots, and so do the page scripts (``pages/js/deep.js``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages.locators import MESSAGES, Selectors
from pages.errors import FoundMany, NotFound, NotThere, PageAnswered, SessionExpired, SiteError
from pages import frames
from pages.frames import Find, Scope, either
from pages.scripts import script

__all__ = ["DIALOG", "IN_PLACE", "NEW_PAGE", "Find", "LoginScreen", "Retry", "Scope", "Screen", "either"]

# How a step completed, as ``act`` saw it (the preflight reports it, the log keeps it).
NEW_PAGE, IN_PLACE, DIALOG = "new page", "in place", "dialog"
SLICE_MS = 400  # a wait for an effect looks at the site's answers this often
_LOGIN_GRACE_MS = 2000  # how long a page answered 4xx may take to show what was awaited (or a login form) before it is named
_MARK = "data-robot-old"  # elements that were there before an action (in this browser only)
_ANY_WORD = re.compile(r"\w")
_STRICT = re.compile(r"strict mode violation")  # Playwright's words for a locator that matched more than one
_RESOLVED = re.compile(r"resolved to (\d+) elements")


@dataclass(frozen=True)
class Retry:
    """How often a page that answered a GET with 5xx is asked for again, with back-off between.

    A GET is safe to repeat; a POST (a login, a Save) or an XHR never is, so its 5xx goes up to the runner.
    """

    attempts: int = 3
    backoff_seconds: float = 1.0
    timeout_s: float = 30.0  # how long a step's effect is awaited before the attempt fails

    def pause(self, n: int) -> None:
        threading.Event().wait(self.backoff_seconds * 2 ** (n - 1))  # back-off, not a wait for the page


@dataclass
class _Answers:
    """The site's answers seen during one action: documents (of any frame: a screen may be in one), XHR
    and fetch, same site; a page it does not have (4xx) only where the top document is that page. A frame's
    page asked for and answered 5xx (a banner, a menu, or the screen's own frame) is ``framed``: asked for
    again in its frame, and only an error where what the step waits for never shows."""

    origin: str
    failed: list[tuple[int, str, str, str]] = field(default_factory=list)  # (status, method, url, resource type)
    missing: list[tuple[int, str]] = field(default_factory=list)  # documents answered 4xx (not a session's end): (status, url)
    framed: list[tuple[int, str, Frame]] = field(default_factory=list)  # a frame's GET answered 5xx: (status, url, frame)

    def seen(self, response: Response) -> None:
        request = response.request
        kind = request.resource_type
        if kind not in ("document", "xhr", "fetch") or _origin(response.url) != self.origin:
            return
        status = response.status
        if status >= 500 and kind == "document" and request.method == "GET" and response.frame != response.frame.page.main_frame:
            self.framed.append((status, response.url, response.frame))
        elif status >= 500 or (kind != "document" and status in _SESSION_ENDED):
            self.failed.append((status, request.method, response.url, kind))
        elif kind == "document" and 400 <= status < 500 and status not in _SESSION_ENDED \
                and response.frame == response.frame.page.main_frame:
            self.missing.append((status, response.url))

    def raise_if_failed(self, site: str) -> None:
        for status, _method, url, _kind in self.failed:
            if status >= 500:
                raise SiteError(status, url)
        if self.failed:
            raise SessionExpired(site)


# Answers that may only mean the session ended (the login page follows); any other 4xx will not change.
_SESSION_ENDED = (401, 403, 419, 440)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Screen:
    """One screen of one site. Subclasses hold intentful actions; no assertions, no business rules."""

    site: str = ""

    def __init__(self, page: Page, selectors: Selectors, retry: Retry = Retry()) -> None:
        self.page = page
        self._sel = selectors
        self._retry = retry
        self.completed = ""  # how the last ``act`` completed: NEW_PAGE, IN_PLACE or DIALOG

    @property
    def retry(self) -> Retry:
        return self._retry

    def _el(self, key: str) -> Locator:
        """``key``'s control, in the frame that shows it (see ``find``)."""
        return self.find(self.key(key))

    def key(self, key: str) -> Find:
        """How to find ``key``'s control in any one frame."""
        return lambda scope: self._sel(key, scope)

    def frames(self) -> list[Frame]:
        """The page's frames, the top document's first; a detached one is left out."""
        return frames.live(self.page)

    def find(self, find: Find) -> Locator:
        """What ``find`` finds, in the first frame where it is shown (``pages.frames.find``)."""
        return frames.find(self.page, find)

    def frame_of(self, key: str) -> Scope:
        """The frame (or the page, for its top document) that holds ``key``'s control, where its scripts run."""
        return frames.holding(self.page, self.key(key))

    def shown(self, find: Find, timeout_ms: float) -> Locator | None:
        """Wait up to ``timeout_ms`` for what ``find`` finds to show in any frame; what showed, or None."""
        return frames.shown(self.page, find, timeout_ms)

    # --- acting and waiting ------------------------------------------------------------------------
    @contextmanager
    def watching(self) -> Iterator[_Answers]:
        """Collect the site's failed answers while the block runs."""
        answers = _Answers(_origin(self.page.url))
        self.page.on("response", answers.seen)
        try:
            yield answers
        finally:
            self.page.remove_listener("response", answers.seen)

    def act(self, key: str, effect: Find, what: str, *, control: Locator | None = None, expect_login: bool = False,
            awaits: tuple[str, ...] = ()) -> str:
        """Click ``key``'s control (or ``control``), then wait until ``effect`` shows, in whatever frame: the step is done.

        Returns how it completed (``NEW_PAGE``, ``IN_PLACE``). A 5xx answer (a GET page is asked for
        again first), a 401/403 to an XHR or the login form instead raise for the runner to retry; a page
        answered with another 4xx raises ``PageAnswered`` at once (it will not change).
        """
        target = control if control is not None else self._el(key).first
        self._stamp()
        with self.watching() as answers:
            self.click(key, target)
            self.wait_for(effect, what, answers, expect_login=expect_login, awaits=awaits)
        return self._completion()

    def click(self, key: str, target: Locator) -> None:
        """Click a control; a control that never shows is named, with what the page shows instead."""
        with self.finding(key):
            target.click()

    @contextmanager
    def finding(self, key: str) -> Iterator[None]:
        """Whatever the block does with ``key``'s control: if the control never shows, ``NotFound`` names the
        key, how it is looked for (an override: where it was written) and what the page shows instead; if it
        is matched more than once, ``FoundMany`` does."""
        try:
            yield
        except PlaywrightTimeout:
            raise NotFound(key, self._sel.describe(key), self.shows(), self._sel.written_at(key)) from None
        except PlaywrightError as exc:
            if not _STRICT.search(str(exc)):
                raise
            count = m.group(1) if (m := _RESOLVED.search(str(exc))) else ""
            raise FoundMany(key, self._sel.describe(key), count, self._sel.written_at(key)) from None

    def wait_for(self, effect: Find, what: str, answers: _Answers, *, expect_login: bool = False,
                 awaits: tuple[str, ...] = ()) -> None:
        """Wait until ``effect`` is visible in any frame, looking at the site's answers between slices of the wait.
        ``awaits``: the keys ``effect`` is made of; one the operator overrode that finds nothing is named."""
        login = self.key(f"{self.site}.login.submit")
        awaited = effect if expect_login else either(effect, login)
        deadline = time.monotonic() + self._retry.timeout_s
        retried = 0
        noticed = 0.0  # when a page answered 4xx was first seen
        while True:
            left = deadline - time.monotonic()
            if self.shown(awaited, max(1, min(SLICE_MS, left * 1000))) is not None:
                break
            gets = [f for f in answers.failed if f[0] >= 500 and f[1] == "GET" and f[3] == "document"]
            if gets and len(gets) == len(answers.failed) and retried + 1 < self._retry.attempts:
                retried += 1  # a page answered 5xx: ask for it again, as a person would reload
                self._retry.pause(retried)
                answers.failed.clear()
                self._goto(gets[-1][2], expect_login=True)
                deadline = time.monotonic() + self._retry.timeout_s
                continue
            if answers.framed and not answers.failed:  # a frame's page answered 5xx: ask for it again there, as a person would
                retried += 1
                if retried >= self._retry.attempts:
                    raise SiteError(answers.framed[-1][0], answers.framed[-1][1])
                self._retry.pause(retried)
                again, answers.framed[:] = list(answers.framed), []
                for _status, url, frame in again:
                    try:
                        frame.goto(url, wait_until="domcontentloaded")
                    except PlaywrightError:
                        pass  # a frame gone since, or answered 5xx again: seen by ``answers``
                deadline = time.monotonic() + self._retry.timeout_s
                continue
            answers.raise_if_failed(self.site)
            if answers.missing:  # a page the site does not have: no use waiting past a moment for it to show anyway
                noticed = noticed or time.monotonic()
                if time.monotonic() - noticed >= _LOGIN_GRACE_MS / 1000 and not self.on_login_page():
                    status, url = answers.missing[-1]
                    raise PageAnswered(status, url, self.shows(), what)
            if left <= SLICE_MS / 1000:
                raise self._not_there(what, awaits)
        answers.raise_if_failed(self.site)
        if not expect_login and self.on_login_page():
            raise SessionExpired(self.site)

    def _not_there(self, what: str, awaits: tuple[str, ...]) -> NotFound | NotThere:
        """Why an awaited effect never showed: an override of its keys that finds nothing, else the wait."""
        for key in awaits:
            if self._sel.written_at(key) and not self._count(key):
                return NotFound(key, self._sel.describe(key), self.shows(), self._sel.written_at(key))
        return NotThere(what, self._retry.timeout_s, self.shows())

    def _stamp(self) -> None:
        """Mark each frame's document, so ``_completion`` can tell a new page from one changed in place."""
        for frame in self.frames():
            try:
                frame.evaluate(script("stamp"))
            except PlaywrightError:
                pass  # a page still loading: it will be told apart all the same

    def _new_document(self) -> bool:
        """Whether a frame's document (the top one's, or a frame's that holds a screen) is another than the
        one ``_stamp`` marked: a page loaded in a frame is a new page too."""
        for frame in self.frames():
            try:
                if not frame.evaluate(script("stamped")):
                    return True
            except PlaywrightError:
                return True
        return False

    def _completion(self, new_document: bool | None = None) -> str:
        """How the last action completed; ``new_document`` where the caller has already looked."""
        new = self._new_document() if new_document is None else new_document
        self.completed = NEW_PAGE if new else IN_PLACE
        if new:  # a new document has come: let it finish parsing before it is read
            self.page.wait_for_load_state("domcontentloaded")
        return self.completed

    def mark_old(self, find: Find) -> Find:
        """Mark what ``find`` finds now, in every frame; returns how to find what it finds later that was not there."""
        for frame in self.frames():
            try:
                if (loc := find(frame)) is not None:
                    loc.evaluate_all(script("mark"), _MARK)
            except PlaywrightError:
                pass

        def new(scope: Scope) -> Locator | None:
            loc = find(scope)
            return None if loc is None else loc.and_(scope.locator(f":not([{_MARK}])"))
        return new

    def shows(self) -> str:
        """What the page shows, in a few words: its title, its first heading, its messages (a frame's too)."""
        said = []
        for frame in self.frames()[:4]:
            try:
                words = str(frame.evaluate(script("shows"), list(MESSAGES)))
            except PlaywrightError:
                continue
            said.append(words if frame == self.page.main_frame else f"in the frame at {frame.url}: {words}")
        return "; ".join(said) or "(the page could not be read)"

    def _fill(self, key: str, value: str) -> None:
        with self.finding(key):
            self._el(key).fill(value)

    def origin_of(self, key: str) -> str:
        """The address of the document ``key``'s control is in (a frame's own, where it is in one): where
        whatever is typed into it goes. Waits for the control as typing into it would: the page's address
        is no answer (a script may send the page elsewhere, or a frame come, before the field does)."""
        with self.finding(key):
            control = self._el(key)
            # One call where it is there already (a locator's own evaluate costs three); else waited for.
            shown = control.evaluate_all("els => els.map(e => e.ownerDocument.location.href)")
            return str(shown[0] if shown else control.first.evaluate("e => e.ownerDocument.location.href"))

    def sign_out(self, timeout_s: float = 5.0) -> bool:
        """End the administrator's session: the sign-out link's address where it has one (a closed user
        menu may hide it), else a click on the control shown; True once the login form is back."""
        if self.on_login_page():
            return True  # no session here to end (a login that never went through, one that expired)
        controls = self._el(f"{self.site}.nav.sign_out")
        hrefs = [h for h in controls.evaluate_all("els => els.map(e => e.href || '')") if h.startswith(("http:", "https:"))]
        if hrefs:
            self.page.goto(hrefs[0], wait_until="domcontentloaded", timeout=timeout_s * 1000)
        else:
            shown = controls.filter(visible=True)
            if not shown.count():
                return False
            shown.first.click(timeout=timeout_s * 1000)
        try:
            self._el(f"{self.site}.login.submit").first.wait_for(state="visible", timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            return False
        return True

    # --- pages loaded by address ---------------------------------------------------------------------
    def goto(self, url: str) -> Response:
        return self._goto(url, expect_login=True)

    def _goto(self, url: str, *, expect_login: bool = False) -> Response:
        response = self.page.goto(url, wait_until="domcontentloaded")
        assert response is not None  # a real navigation always has a response
        return self._check(response, expect_login=expect_login)

    def _check(self, response: Response, *, expect_login: bool) -> Response:
        for n in range(1, self._retry.attempts):
            if response.status < 500 or response.request.method != "GET":
                break
            self._retry.pause(n)
            again = self.page.goto(response.url, wait_until="domcontentloaded")
            assert again is not None
            response = again
        if response.status >= 500:
            raise SiteError(response.status, response.url)
        if 400 <= response.status < 500 and not self._login_form_shows():
            raise PageAnswered(response.status, response.url, self.shows())
        if not expect_login and self.on_login_page():
            raise SessionExpired(self.site)
        return response

    def _login_form_shows(self) -> bool:
        """Whether a page that answered 4xx is a login form all the same (some sites send theirs with a 401, or
        draw it by script on a page sent as 404): given a moment to show, not the step's whole wait."""
        try:
            self._el(f"{self.site}.login.submit").first.wait_for(state="visible", timeout=_LOGIN_GRACE_MS)
        except PlaywrightTimeout:
            return False
        return self.on_login_page()

    # --- what the page says --------------------------------------------------------------------------
    def on_login_page(self) -> bool:
        # All three controls: a password box alone is also on an account page.
        return all(self._count(f"{self.site}.login.{part}") > 0 for part in ("username", "password", "submit"))

    def alert_text(self) -> str:
        return self._words(f"{self.site}.page.alert")

    def _words(self, key: str) -> str:
        """The words of every visible element ``key`` matches now, in one call (the page's own world)."""
        return " ".join(t.strip() for t in self._el(key).evaluate_all(script("visible_texts")) if t.strip())

    def _count(self, key: str) -> int:
        """How many elements ``key`` matches now, counted in the page's own script world: a page that
        is only looked at then costs one copy of Playwright's script, not two."""
        return self._el(key).evaluate_all("els => els.length")


class LoginScreen(Screen):
    """The login form both sites have (seed steps 2 and 6)."""

    completion = ""

    def open(self, url: str) -> None:
        self._goto(url, expect_login=True)

    def log_in(self, username: str, password: str) -> bool:
        """Submit the form; True when the site let us in (its login form is gone)."""
        self._fill(f"{self.site}.login.username", username)
        self._fill(f"{self.site}.login.password", password)
        submit = f"{self.site}.login.submit"
        # Done when the form is gone from its frame (let in), the site says something, or a login form comes again.
        where = self.frame_of(submit)
        form_frame = where.main_frame if isinstance(where, Page) else where

        def gone(scope: Scope) -> Locator | None:
            frame = scope.main_frame if isinstance(scope, Page) else scope
            return scope.locator(":root").filter(has_not=self._sel(submit, scope)) if frame == form_frame else None
        alerts = self.mark_old(self.key(f"{self.site}.page.alert"))

        def said(scope: Scope) -> Locator | None:
            loc = alerts(scope)
            return None if loc is None else loc.filter(has_text=_ANY_WORD)
        again = self.mark_old(self.key(submit))
        self._stamp()
        with self.watching() as answers:
            self.click(submit, self._el(submit))
            self.wait_for(either(gone, said, again), "the page after the login", answers, expect_login=True)
        self.completion = self._completion()  # how the login completed, for --check to tell
        return not self.on_login_page()

