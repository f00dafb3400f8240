"""What every screen shares: its locator table, following a control to the next page, the login check."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, Response

from pages.locators import Selectors
from robot.errors import SessionExpired, SiteError


@dataclass(frozen=True)
class Retry:
    """How often a page that answered a GET with 5xx is asked for again, with back-off between.

    A GET is safe to repeat; a POST (a login, a Save) never is, so its 5xx goes up to the runner.
    """

    attempts: int = 3
    backoff_seconds: float = 1.0

    def pause(self, n: int) -> None:
        threading.Event().wait(self.backoff_seconds * 2 ** (n - 1))  # back-off, not a wait for the page


class Screen:
    """One screen of one site. Subclasses hold intentful actions; no assertions, no business rules."""

    site: str = ""

    def __init__(self, page: Page, selectors: Selectors, retry: Retry = Retry()) -> None:
        self.page = page
        self._sel = selectors
        self._retry = retry

    def _el(self, key: str) -> Locator:
        return self._sel(key, self.page)

    def _is_document(self, response: Response) -> bool:
        return (
            response.frame == self.page.main_frame
            and response.request.is_navigation_request()
            and not 300 <= response.status < 400
        )

    def _follow(self, control: Locator, *, expect_login: bool = False) -> Response:
        """Click a control that loads another page and wait until that page's DOM is there.

        A 5xx answer raises SiteError; landing on the login form (unless that is expected) raises
        SessionExpired, so the runner can retry or log in again.
        """
        with self.page.expect_event("domcontentloaded"), self.page.expect_response(self._is_document) as info:
            control.click()
        return self._check(info.value, expect_login=expect_login)

    def follow(self, control: Locator) -> Response:
        """Public ``_follow`` for tools outside the page objects (the preflight)."""
        return self._follow(control, expect_login=True)

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
        if not expect_login and self.on_login_page():
            raise SessionExpired(self.site)
        return response

    def on_login_page(self) -> bool:
        # All three controls: a password box alone is also on an account page.
        return all(self._count(f"{self.site}.login.{part}") > 0 for part in ("username", "password", "submit"))

    def alert_text(self) -> str:
        return self._words(f"{self.site}.page.alert")

    def _words(self, key: str) -> str:
        """The words of every element ``key`` matches now, in one call (the page's own world)."""
        return " ".join(t.strip() for t in self._el(key).all_inner_texts() if t.strip())

    def _count(self, key: str) -> int:
        """How many elements ``key`` matches now, counted in the page's own script world.

        Playwright answers ``count()``, reads and actions in a world of its own and ``evaluate_all``
        (``all_inner_texts``) in the page's; each world costs every new page one copy of Playwright's
        script (about 40 ms on a 2-core VM). The page a Save loads is only looked at, so it is looked
        at in the page's world only, where its picture's scripts run anyway.
        """
        return self._el(key).evaluate_all("els => els.length")


class LoginScreen(Screen):
    """The login form both sites have (seed steps 2 and 6)."""

    def open(self, url: str) -> None:
        self._goto(url, expect_login=True)

    def log_in(self, username: str, password: str) -> bool:
        """Submit the form; True when the site let us in (its login form is gone)."""
        self._el(f"{self.site}.login.username").fill(username)
        self._el(f"{self.site}.login.password").fill(password)
        self._follow(self._el(f"{self.site}.login.submit"), expect_login=True)
        return not self.on_login_page()
