"""Whatever a site shows between its login and its first screen: a one-time code's form, a notice, a
question, a cookie banner. Looked at and acted on here; what to do is ``robot.login_pages``' to decide."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Playwright

from pages import frames
from pages.base import Retry, Scope, Screen, either
from pages.locators import Selectors
from pages.scripts import script

COOKIE_ENGINE = "robot-cookie-banner"  # the selector engine that finds a cookie banner (pages/js/cookie_banner.js)
# The answers a cookie banner may get: agreeing to it or dismissing it, never declining a question of another kind.
_BANNER_ANSWER = re.compile(r"\b(accept|allow|agree|ok|okay|got it|understand|dismiss|close|continue)\b", re.I)
_CONTROLS = ("button", "link")
_TYPEABLE = "input, textarea, [role=textbox], [contenteditable=true], [contenteditable='']"  # a code's boxes, not their group


def register_cookie_engine(playwright: Playwright) -> None:
    """The cookie-banner engine, once per Playwright (before its first context: engines apply to contexts made after)."""
    try:
        playwright.selectors.register(COOKIE_ENGINE, script("cookie_banner"))
    except PlaywrightError as exc:
        if "already registered" not in str(exc):
            raise


def _exactly(names: Iterable[str]) -> re.Pattern[str]:
    """Any of ``names`` as a control's whole name, whatever its case, punctuation and spacing."""
    parts = [r"[\W_]+".join(re.escape(w) for w in re.findall(r"\w+", n)) for n in names]
    return re.compile(rf"^[\W_]*({'|'.join(p for p in parts if p)})[\W_]*$", re.I)


class AfterLoginPage(Screen):
    """The page a login led to, until the site's first screen shows."""

    def __init__(self, page: Page, selectors: Selectors, retry: Retry, site: str) -> None:
        super().__init__(page, selectors, retry)
        self.site = site

    def look(self, first_screen: str) -> dict:
        """One look at every frame: the words, the buttons' names, a code field, whether ``first_screen``'s control shows."""
        seen: dict = {"words": "", "buttons": [], "dialog_buttons": [], "fields": 0, "password_field": False, "captcha_frame": False}
        for frame in self.frames():
            try:
                part = frame.evaluate(script("after_login"))
            except PlaywrightError:
                continue  # a frame going while it is looked at: the next look sees what came
            seen["words"] += "\n" + part["words"]
            for key in ("buttons", "dialog_buttons"):
                seen[key] += part[key]
            seen["fields"] += part["fields"]
            for key in ("password_field", "captcha_frame"):
                seen[key] = seen[key] or part[key]
        codes = self.shown_count(f"{self.site}.login.code", typeable=True)
        seen["code_field"] = 0 < codes and seen["fields"] <= codes  # the code's fields, and no other: never a profile form
        seen["first_screen"] = self.showing(first_screen)
        return seen

    def showing(self, key: str) -> bool:
        """Whether ``key``'s control is shown now, in any frame (no wait)."""
        return self.shown_count(key, first=True) > 0

    def shown_count(self, key: str, *, first: bool = False, typeable: bool = False) -> int:
        """How many of ``key``'s controls are shown now, in every frame (``first``: stop at the first frame with one;
        ``typeable``: only what takes typing, not a group its label also names)."""
        count = 0
        for frame in self.frames():
            scope = self.page if frame == self.page.main_frame else frame
            try:
                loc = self._sel(key, scope).filter(visible=True)
                count += (loc.and_(scope.locator(_TYPEABLE)) if typeable else loc).count()
            except PlaywrightError:
                continue  # a frame going while it is looked at
            if first and count:
                break
        return count

    def wait_for_change(self, first_screen: str, timeout_ms: float) -> None:
        """Give a page still drawing a moment: back as soon as ``first_screen``'s control shows, or after ``timeout_ms``."""
        self.shown(self.key(first_screen), timeout_ms)

    def code_field(self) -> Locator:
        return self._el(f"{self.site}.login.code")

    def enter_code(self, code: str) -> None:
        """Type the code (into one field, or one digit a box where the site draws six), then Verify (or Enter);
        done when the field is gone, comes again, or the site says something."""
        key = f"{self.site}.login.code"
        boxes = self.code_field().filter(visible=True).and_(self.frame_of(key).locator(_TYPEABLE))
        with self.finding(key):
            boxes.first.wait_for(state="visible")
            count = boxes.count()
            if count == len(code) and count > 1:
                for box, digit in zip(boxes.all(), code, strict=True):
                    box.fill(digit)
            else:
                boxes.first.fill(code)
        verify = f"{self.site}.login.verify"
        again = self.mark_old(self.key(key))
        alerts = self.mark_old(self.key(f"{self.site}.page.alert"))
        field_frame = self.frame_of(key)

        def gone(scope: Scope) -> Locator | None:
            return scope.locator(":root").filter(has_not=self._sel(key, scope)) if scope == field_frame else None

        def said(scope: Scope) -> Locator | None:
            loc = alerts(scope)
            return None if loc is None else loc.filter(has_text=re.compile(r"\w"))
        effect = either(gone, said, again)
        button = self._el(verify).filter(visible=True)
        self._stamp()
        with self.watching() as answers:
            if button.count():
                self.click(verify, button.first)
            else:  # a form with no button of its own: Enter sends it, as a person would
                boxes.last.press("Enter")
            self.wait_for(effect, "the page after the one-time code", answers, expect_login=True)
        self._completion()

    def answer(self, name: str) -> None:
        """Click the control named ``name`` (a safe answer); done when it is gone, or a page with one like it came."""
        pattern = _exactly([name])

        def named(scope: Scope) -> Locator:
            return scope.get_by_role("button", name=pattern).or_(scope.get_by_role("link", name=pattern))
        control = self.find(named).filter(visible=True).first
        where = frames.holding(self.page, named)
        again = self.mark_old(named)

        def gone(scope: Scope) -> Locator | None:
            return scope.locator(":root").filter(has_not=named(scope)) if scope == where else None
        self._stamp()
        with self.watching() as answers:
            control.click()
            self.wait_for(either(gone, again), f"the page after '{name}'", answers, expect_login=True)
        self._completion()


def cookie_banner(page: Page, answers: Iterable[str]) -> tuple[Locator, Callable[[], Locator | None]]:
    """A cookie banner with one of ``answers`` that agrees or dismisses (for ``page.add_locator_handler``: a
    native query, cheap before every action), and how to find, when it is in the way, the first of those
    answers (in their order) that it shows."""
    names = [a for a in answers if _BANNER_ANSWER.search(a)]
    banner = page.locator(f"{COOKIE_ENGINE}={'|'.join(n.replace('|', ' ') for n in names)}").first

    def answer() -> Locator | None:
        for name in names:
            pattern = _exactly([name])
            control = banner.get_by_role(_CONTROLS[0], name=pattern).or_(banner.get_by_role(_CONTROLS[1], name=pattern))
            if (shown := control.filter(visible=True)).count():
                return shown.first
        return None
    return banner, answer
