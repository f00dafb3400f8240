"""The Patient and Provider Portal's login, menu and User Accounts search (seed steps 6-10)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Request

from pages.base import SLICE_MS, Find, LoginScreen, Screen, either
from pages.locators import words
from pages.scripts import script


MAX_PAGES = 1000  # of search results: a bound, not an expectation
SCROLL_WAIT_MS = 2000  # results that load more as they are scrolled: how long new rows may take to come
# A control that brings more rows below these rather than another page of them.
MORE_ROWS = re.compile(r"\bmore\b", re.I)
_NAME = "e => e.getAttribute('aria-label') || e.innerText || e.value || ''"
_NO_RESULTS = re.compile(r"\bno\s+(results?|records?|matching|matches|data|users?|user accounts?|accounts?)\b|nothing (was )?found|\b0 (results|records|accounts)\b", re.I)


class PortalLoginPage(LoginScreen):
    site = "portal"


class PortalNavigation(Screen):
    """The menu bar on every portal page (seed step 7)."""

    site = "portal"

    def open_user_accounts(self) -> list[str]:
        """Administration, then User Accounts; returns how each completed."""
        return [self.open_administration_menu(), self.choose_user_accounts()]

    def open_administration_menu(self) -> str:
        # A hover menu opens on the way to the click; a menu button opens on the click; a link loads a page.
        return self.act("portal.nav.administration", self.key("portal.nav.user_accounts"),
                        "the User Accounts item of the Administration menu", awaits=("portal.nav.user_accounts",))

    def choose_user_accounts(self) -> str:
        screen = either(self.key("portal.users.access_type"), self.key("portal.users.search"))
        return self.act("portal.nav.user_accounts", screen, "the User Accounts search (Access Type, Search)",
                        awaits=("portal.users.access_type", "portal.users.search"))


class UserSearchPage(Screen):
    """Administration > User Accounts: Access Type, Search, the results (seed steps 8-10)."""

    site = "portal"

    def choose_clinicians(self) -> None:
        """Seed step 8: a plain select, one a widget library dressed up, or an ARIA combobox or listbox
        (its options may be drawn anywhere in the document, a popup attached to its body)."""
        box = self._el("portal.users.access_type").first
        with self.finding("portal.users.access_type"):
            tag = box.evaluate("e => e.tagName")
        if tag == "SELECT":
            value = box.evaluate(script("option_value"), "clinician")
            box.select_option(value=value if value is not None else "Clinician", force=not box.is_visible())
            return
        where = self.frame_of("portal.users.access_type")
        # The options shown (a widget may keep its native select's hidden ones too), wherever they are drawn.
        option = where.get_by_role("option", name=words("Clinician")).or_(
            where.get_by_role("option", name=words("Clinicians"))).filter(visible=True)
        if not option.count():
            box.click()
        with self.finding("portal.users.access_type"):
            option.first.click()

    def _links(self) -> Locator:
        return self._el("portal.users.username_link")

    def search(self) -> str:
        """Seed step 9; done when Username links show that were not there before, or the portal's
        words for no results."""
        found = either(self.mark_old(self.key("portal.users.username_link")),
                       self.mark_old(lambda scope: scope.get_by_text(_NO_RESULTS)))
        return self.act("portal.users.search", found, "the search results (Username links, or no results)",
                        awaits=("portal.users.username_link",))

    def account_links(self) -> list[tuple[str, str]]:
        """Every Username link the results show, with the address it opens, on every page of them.

        One call a page of results, however many rows it has. The address is "" where the link has
        none a browser could go to directly (a script, a form post): open that account by its link.
        """
        links: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            rows = self._links().evaluate_all(script("links"))
            page = [(name, href if href.startswith(("http:", "https:")) else "") for name, href in rows if name not in seen]
            if not page:  # empty, or a "Next" leading nowhere new
                break
            links += page
            seen.update(name for name, _ in page)
            if not self._more(seen):
                break
        return links

    def open_account(self, npi: str) -> bool:
        """Click the provider's Username link, paging through the results; False if no page lists it."""
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            links = self._links()
            link = links.filter(has_text=re.compile(rf"^\s*{re.escape(npi)}\s*$"))
            if link.count():
                self.act("portal.users.username_link", self.key("portal.account.section"),
                         "the account's User Account Information", control=link.first, awaits=("portal.account.section",))
                return True
            names = {name for name, _ in links.evaluate_all(script("links"))}
            if not names - seen:  # an empty page, or a "Next" that leads nowhere new
                return False
            seen |= names
            if not self._more(seen):
                return False
        return False

    def _more(self, seen: set[str]) -> bool:
        """More results: the next page, loaded or shown in place, or more rows below these ("Load more", or
        rows that come as the list is scrolled). False at the end: no usable control, none that brings a
        Username not in ``seen``, and nothing more as the last row is scrolled to."""
        following = self._el("portal.users.next_page")
        usable = following.evaluate_all(script("usable"))
        links = self.key("portal.users.username_link")
        first = self._links().first.inner_text().strip() if self._links().count() else ""
        moved: Find = lambda scope: self._sel("portal.users.username_link", scope).first.filter(  # noqa: E731
            has_not_text=re.compile(rf"^\s*{re.escape(first)}\s*$"))
        new = self.mark_old(links)
        if True in usable:
            control = following.nth(usable.index(True))
            if MORE_ROWS.search(control.evaluate(_NAME)):  # "Load more": rows below these, or none at the list's end
                if not self._rows_come(new, lambda: self.click("portal.users.next_page", control) or True):
                    return False
            else:
                self.act("portal.users.next_page", either(moved, new), "the next page of search results", control=control)
        elif usable or not self._rows_come(new, self._scroll_to_last):
            return False  # a pager at its last page, or nothing more as the list is scrolled
        names = {name for name, _ in self._links().evaluate_all(script("links"))}
        return bool(names - seen)

    def _scroll_to_last(self) -> bool:
        """Scroll the last Username link into view, and every box around it to its end; whether anything moved."""
        try:
            return bool(self._links().last.evaluate(script("scroll_to")))
        except PlaywrightError:
            return False

    def _rows_come(self, new: Find, ask: Callable[[], bool]) -> bool:
        """``ask`` for more rows (scroll, or "Load more"; False: nothing to ask) and wait for them (``new``):
        True if they came. Nothing fetched and nothing come in a moment is the list's end; rows still being
        fetched are waited for, and rows that fail to come (5xx, an ended session) are an error, never the end."""
        pending: set[Request] = set()

        def started(request: Request) -> None:
            if request.resource_type in ("xhr", "fetch", "document"):  # rows fetched, or a page of them loaded
                pending.add(request)

        def done(request: Request) -> None:
            pending.discard(request)
        with self.watching() as answers:
            self.page.on("request", started)
            self.page.on("requestfinished", done)
            self.page.on("requestfailed", done)
            try:
                if not ask():
                    return False
                came = self.shown(new, SCROLL_WAIT_MS) is not None
                deadline = time.monotonic() + self.retry.timeout_s
                while not came and pending and time.monotonic() < deadline:
                    answers.raise_if_failed(self.site)
                    came = self.shown(new, SLICE_MS) is not None
                answers.raise_if_failed(self.site)
            finally:
                for event, handler in (("request", started), ("requestfinished", done), ("requestfailed", done)):
                    self.page.remove_listener(event, handler)
        return came
