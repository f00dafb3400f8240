"""Seed steps 2 and 6 go on past the password: the pages a site shows before its first screen.

Looked at again and again until the first screen shows (``robot.login_pages`` says what each one is):
a one-time code is typed from the site's authenticator secret, a safe answer is clicked, and what only a
person can give stops the run (exit 2) with the page's words and its picture, without a second try. Each
kind of page passed is logged every time and pictured once a run. A cookie banner, on any page, is
dismissed by its safe answer as it gets in the way of a click (``watch_cookie_banners``).
"""

from __future__ import annotations

import time
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pages.base import NEW_PAGE, Retry
from pages.gate import AfterLoginPage, cookie_banner
from pages.locators import Selectors
from robot import login_pages as rules
from robot.errors import LoginBlocked, SiteError, TransientFault
from robot.guard import typed_only_at
from robot.settings import Site

# The control the first step after each site's login uses: its first screen has come.
FIRST_SCREEN = {"maxmd": "maxmd.home.details", "portal": "portal.nav.administration"}
LOOK_MS = 400  # a page still drawing is looked at again this often
MAX_PAGES = 8  # pages answered in one login before the robot says the first screen never came
PASSED = "after login"  # the kind of picture of a page passed (robot.evidence keeps it with the evidence)
CODES_A_LOGIN = 2  # a refused code is tried once more, in the next time window; never a third time

Shoot = Callable[[Page, str, str, str], None]  # (page, name, caption, kind): a picture, kept with the run's own


@dataclass
class Passed:
    """What one login met on its way to the first screen (``--check`` tells it)."""

    codes: int = 0  # one-time codes typed
    refused: int = 0  # of them, refused
    answers: list[str] = field(default_factory=list)  # the safe answers clicked, in order
    errors: int = 0  # pages after the login that answered 5xx and were asked for again

    @property
    def asked_for_code(self) -> bool:
        return self.codes > 0


class AfterLogin:
    """The way from a login's answer to a site's first screen, for one site."""

    def __init__(self, site: Site, key_site: str, selectors: Selectors, retry: Retry, answers: tuple[str, ...], log: Any,
                 shoot: Shoot, wait: Callable[[float], object], first_time: Callable[[str], bool], *, walk_on: bool = False) -> None:
        self.site, self.key_site, self.selectors, self.retry, self.answers = site, key_site, selectors, retry, answers
        self.log, self.shoot, self.wait, self.first_time = log, shoot, wait, first_time
        self.walk_on = walk_on  # --check: a page it cannot tell from the first screen is taken for it (its keys say more)

    def through(self, page: Page) -> Passed:
        """Pass every page between the login and the first screen; raise ``LoginBlocked`` where one cannot be."""
        gate = AfterLoginPage(page, self.selectors, self.retry, self.key_site)
        first = FIRST_SCREEN[self.key_site]
        passed = Passed()
        deadline = time.monotonic() + self.retry.timeout_s
        while True:
            try:
                seen = rules.Seen(**gate.look(first))
            except PlaywrightError:
                seen = rules.Seen()  # a page going while it was looked at: looked at again below
            verdict = rules.judge(seen, self.answers)
            if verdict.kind == rules.FIRST_SCREEN:
                return passed
            if verdict.kind in rules.STOPS:
                self._stop(page, explain(self.site, verdict), verdict.kind)
            if verdict.kind in (rules.CODE, rules.ANSWER):
                if verdict.kind == rules.ANSWER and len(passed.answers) >= MAX_PAGES:
                    self._stop(page, f"after the {self.site.name} login the robot answered {len(passed.answers)} pages "
                               f"({', '.join(passed.answers)}) and its first screen never came", "pages")
                try:
                    self._code(gate, page, passed) if verdict.kind == rules.CODE else self._answer(gate, page, verdict.answer, passed)
                except SiteError as exc:  # the page it led to answered 5xx: asked for again (a GET), then looked at again
                    passed.errors += 1
                    if passed.errors >= self.retry.attempts or page.url != exc.url:  # an XHR's: not a page to ask for
                        raise
                    self.log.warning("a page after the login answered 5xx; asking for it again", site=self.site.name,
                                     status=exc.status)
                    self.retry.pause(passed.errors)
                    gate.goto(exc.url)
                deadline = time.monotonic() + self.retry.timeout_s
            elif time.monotonic() >= deadline:
                if self.walk_on:
                    return passed
                self._unknown(gate, page, seen)
            else:
                gate.wait_for_change(first, LOOK_MS)

    # --- what each kind of page gets -----------------------------------------------------------------
    def _code(self, gate: AfterLoginPage, page: Page, passed: Passed) -> None:
        site, codes = self.site, self.site.codes
        if codes is None:
            self._stop(page, f"{site.name} asks for a one-time code after the password, and {site.code_variable} is not "
                       f"set: {_AUTHENTICATOR_HINT.format(user=site.username, var=site.code_variable)}", "code")
        if passed.codes >= CODES_A_LOGIN:
            self._stop(page, f"{site.name} asked for a one-time code a third time in one login; the robot tried no more codes", "code")
        typed_only_at(gate, f"{self.key_site}.login.code", site, "its one-time-code page", self.log, login=True)
        if self.first_time(f"{self.key_site}:code"):
            self.shoot(page, f"{site.name} one-time code", f"{site.name} asks for a one-time code after the password", PASSED)
        code = codes.next_window(self.wait) if passed.refused else codes.fresh(self.wait)
        gate.enter_code(code)  # the code itself is never logged: it opens the account for its minute
        passed.codes += 1
        if self._refused(gate, page):
            passed.refused += 1
            if codes.refused() >= CODES_A_LOGIN:  # a second refusal this run, whichever login met the first
                self._stop(page, f"{site.name} refused the one-time code twice ({gate.alert_text() or 'the code form came back'}): "
                           f"check that this machine's clock is right (timedatectl; NTP) and that {site.code_variable} is "
                           f"the secret of {site.username}'s authenticator; the robot tried no more codes", "code")
            self.log.warning("one-time code refused; the next time window's code will be tried", site=site.name,
                             said=gate.alert_text())
        else:
            self.log.info("one-time code accepted", site=site.name, after_refusal=bool(passed.refused))

    def _refused(self, gate: AfterLoginPage, page: Page) -> bool:
        """After a code: False once its field is gone, True once the site says it was not taken (or draws its
        form again as a new page); meanwhile ("Verifying...") it is looked at again, up to the step's timeout."""
        field, first = f"{self.key_site}.login.code", FIRST_SCREEN[self.key_site]
        deadline = time.monotonic() + self.retry.timeout_s
        while gate.showing(field) and not gate.showing(first):
            if rules.code_refused(gate.alert_text()) or gate.completed == NEW_PAGE:
                return True
            if time.monotonic() >= deadline:
                self._stop(page, f"{self.site.name} did not answer the one-time code within {self.retry.timeout_s:g} s "
                           f"({gate.shows()})", "code")
            gate.wait_for_change(first, LOOK_MS)
        return False

    def _answer(self, gate: AfterLoginPage, page: Page, answer: str, passed: Passed) -> None:
        words = gate.shows()
        self.log.info("page after the login answered", site=self.site.name, answer=answer, page=words)
        if self.first_time(f"{self.key_site}:answer:{rules.norm(answer)}"):
            self.shoot(page, f"{self.site.name} after login {answer}", f"{self.site.name}, a page after the login ({words}), "
                       f"answered '{answer}'", PASSED)
        gate.answer(answer)
        passed.answers.append(answer)

    def _unknown(self, gate: AfterLoginPage, page: Page, seen: rules.Seen) -> None:
        shows, first = gate.shows(), FIRST_SCREEN[self.key_site]
        if not seen.buttons and not seen.fields:  # a blank page, an error page, one still loading: a step that failed
            self.shoot(page, f"{self.site.name} after login failed", f"{self.site.name}: the page after the login", "failure")
            raise TransientFault(f"after the {self.site.name} login, nothing to go on came within {self.retry.timeout_s:g} s "
                                 f"({shows})")
        buttons = ", ".join(f"'{b}'" for b in seen.buttons[:8])
        self._stop(page, f"after the {self.site.name} login, a page the robot does not know how to pass: {shows} "
                   f"(its buttons: {buttons}); if one of them is a safe answer, add it under run.after_login in robot.yaml "
                   "(a button that leads away from the job, such as a password change, is never taken); if this is the "
                   f"site's first screen, its control was not found: fix {first} in config/selectors.yaml", "unknown")

    def _stop(self, page: Page, message: str, what: str) -> None:
        self.log.error("login stopped", site=self.site.name, kind=what)
        self.shoot(page, f"{self.site.name} login stopped", f"{self.site.name}: the page the login stopped at", "failure")
        raise LoginBlocked(f"{message}; nothing was changed")


_AUTHENTICATOR_HINT = ("give {user}'s account an authenticator app in the site's security settings and put the secret it "
                       "shows (the base32 text, or the otpauth:// address) in .env as {var}")


def explain(site: Site, verdict: rules.Verdict) -> str:
    """What a page only a person can pass means, and what the practice can do about it."""
    said = f" (\"{verdict.said}\")" if verdict.said else ""
    hint = _AUTHENTICATOR_HINT.format(user=site.username, var=site.code_variable)
    return {
        rules.EMAILED: f"{site.name} asks, after the password, for a code it sent by e-mail or text message{said}, which "
                       f"the robot cannot read: {hint}",
        rules.PUSH: f"{site.name} asks for the sign-in to be approved on a phone{said}, which the robot cannot do: {hint}",
        rules.CAPTCHA: f"{site.name} shows a CAPTCHA{said}, which only a person can answer: ask the site to exempt "
                       f"{site.username} or this machine's address, or give the account an authenticator app instead",
        rules.LOCKED: f"{site.name} says {site.username}'s account is locked{said}; the robot tried no further: unlock it "
                      "(or wait until the site does), check the password in .env, and run again",
        rules.LOGIN_AGAIN: f"{site.name} showed its login form again after the password{said}, so the login did not take: "
                           "check the username and password in .env, then sign in by hand once to see what the site asks",
        rules.ELSEWHERE: f"{site.name} says {site.username} is already signed in elsewhere{said}; the robot tried no "
                         "further: sign that session out (or wait until it ends) and run again"
                         + ("; a site that allows one session an account needs --workers 1" if site.name == "portal" else ""),
    }[verdict.kind]


def blocked_login(site: Site, words: str) -> LoginBlocked | None:
    """A refused login whose words say no second try will change it (a locked account, a session elsewhere)."""
    verdict = rules.refusal(words)
    return None if verdict is None else LoginBlocked(f"{explain(site, verdict)}; nothing was changed")


class BannerWatch:
    """The cookie-banner watch on one page (``watch_cookie_banners``). Its handler runs only before an action,
    so ``look`` is asked after a picture of the account (a banner may come with a load and no action since);
    every action pays for the handler's look, so ``end`` removes it where no banner came, and a banner seen by
    ``look`` after that brings it back."""

    def __init__(self, page: Page, banner: Locator, dismiss: Callable[..., None], met: list[str]) -> None:
        self._page, self._banner, self._dismiss, self._met = page, banner, dismiss, met
        self._on = True
        page.add_locator_handler(banner, dismiss)

    def end(self) -> bool:
        """Stop the look before every action where it never met a banner (True if it stopped it)."""
        if self._met:
            return False  # a site that shows banners may show another
        with contextlib.suppress(PlaywrightError):
            self._page.remove_locator_handler(self._banner)
        self._on = False
        return True

    def look(self) -> bool:
        """A banner shown now is dismissed, and the page watched before every action again (True)."""
        if not self._banner.is_visible():
            return False
        if self._on:  # the handler would look for the banner before the answer's click, and click it first
            self._page.remove_locator_handler(self._banner)
        self._dismiss()
        self._page.add_locator_handler(self._banner, self._dismiss)
        self._on = True
        return True


def watch_cookie_banners(page: Page, site: str, answers: tuple[str, ...], log: Any, shoot: Shoot,
                         first_time: Callable[[str], bool]) -> BannerWatch:
    """From now on, a cookie banner with a safe answer is dismissed by it whenever it stands in the way of an
    action on ``page`` (Playwright's locator handler: before the click, never through it)."""
    banner, control = cookie_banner(page, answers)
    met: list[str] = []

    def dismiss(_banner: Locator | None = None) -> None:
        answer = control()
        if answer is None:  # gone as it was looked at: nothing is in the way any more
            return
        name = " ".join((answer.get_attribute("aria-label") or answer.inner_text() or "").split())
        log.info("cookie banner dismissed", site=site, answer=name)
        if first_time(f"{site}:cookies"):
            shoot(page, f"{site} cookie banner", f"{site}: a cookie banner, dismissed by '{name}'", PASSED)
        met.append(name)
        answer.click()
    return BannerWatch(page, banner, dismiss, met)
