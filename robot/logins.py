"""Seed steps 2 and 6 for one worker: a site's login page, its form, and the pages after it (``robot.after_login``)."""

from __future__ import annotations


from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages.base import LoginScreen
from robot.after_login import AfterLogin, BannerWatch, blocked_login, watch_cookie_banners
from robot.audit import Audit
from robot.errors import LoginRefused, PageAnswered, RunStopped, SiteError, SiteUnreachable, TransientFault, WrongAddress, first_line
from robot.guard import typed_only_at
from robot.model import Picture
from robot.options import RunOptions, StopRequest
from robot.session import Session
from robot.settings import Settings, Site

PRACTICE = "practice"  # who the steps done once a run are for, in the log and the pictures' names


class Logins:
    def __init__(self, session: Session, settings: Settings, options: RunOptions, audit: Audit, shots: list[Picture]) -> None:
        self.session, self.settings, self.options, self.audit = session, settings, options, audit
        self.shots = shots  # the practice's pictures: a login's, and the pages passed after it

    def log_in(self, page: Page, screen: LoginScreen, site: Site, name: str) -> None:
        """Seed steps 2 and 6. A refused login ends the run (exit 2)."""
        try:
            screen.open(site.url)
        except PageAnswered as exc:  # a wrong address: no locator to fix, and asking again gets the same answer
            self.session.shot(page, PRACTICE, f"{name} failed", self.shots, kind="failure",
                              caption=f"{site.name}: what its login page's address answered")
            seen = f" (see {self.shots[-1].path})" if self.shots else ""
            raise WrongAddress(site.name, site.variable, site.url, exc, seen) from None
        except PlaywrightTimeout as exc:
            raise TransientFault(f"{site.name}'s login page at {site.url} did not load in time ({first_line(exc)})") from None
        except PlaywrightError as exc:
            raise SiteUnreachable(f"{site.name} did not answer at {site.url} ({first_line(exc)}); check the address and the network") from None
        with self.session.step(page, PRACTICE, name, self.shots):
            typed_only_at(screen, f"{screen.site}.login.password", site, "its login page", self.audit.log, login=True)
            try:
                accepted = screen.log_in(site.username, site.password)
            except SiteError as exc:  # the page the login led to answered 5xx: asked for again, not a new login
                accepted = self._again(screen, site, exc)
        if not accepted:
            self.session.shot(page, PRACTICE, f"{name} refused", self.shots, kind="failure",
                              caption=f"{site.name}'s login page after the login was refused")
            words = screen.alert_text() or "the login page came back"
            if blocked := blocked_login(site, words):  # a locked account, a session elsewhere: no second try
                raise blocked
            prefix, seen = site.variable.removesuffix("_URL"), f" (see {self.shots[-1].path})" if self.shots else ""
            raise LoginRefused(f"{site.name} login refused for {site.username} at {site.url}: \"{words}\"; "
                               f"check {prefix}_USERNAME and {prefix}_PASSWORD{seen}")
        AfterLogin(site, screen.site, self.settings.selectors, self.session.waits, self.settings.after_login, self.audit.log, self._shot,
                   self._wait, self.audit.first_time).through(page)

    def _again(self, screen: LoginScreen, site: Site, exc: SiteError) -> bool:
        """After a login, the page it led to (a GET) answered 5xx: asked for once more, as a person would reload; the
        login form there means the login itself was lost (its POST answered 5xx), and a new one is the way."""
        if screen.page.url != exc.url:  # not the page shown (an XHR, a login's own POST): a new login is the way
            raise exc
        self.session.waits.pause(1)
        screen.goto(exc.url)
        if screen.on_login_page():
            raise exc
        self.audit.log.warning("the page after the login answered 5xx; asked for again", site=site.name, status=exc.status)
        return True

    def watch(self, page: Page, site: Site) -> BannerWatch:
        """A cookie banner on ``page`` dismissed by its safe answer whenever it is in the way (``watch_cookie_banners``)."""
        return watch_cookie_banners(page, site.name, self.settings.after_login, self.audit.log, self._shot, self.audit.first_time)

    def _shot(self, page: Page, name: str, caption: str, kind: str) -> None:
        self.session.shot(page, PRACTICE, name, self.shots, kind=kind, caption=caption)

    def _wait(self, seconds: float) -> None:
        """A wait for the clock (the next one-time code's window), cut short by a stop request."""
        (self.options.stop or StopRequest()).wait(seconds)
        if self.options.stopping():
            raise RunStopped(f"stopped by {self.options.stop.reason} while waiting for a one-time code")  # type: ignore[union-attr]
