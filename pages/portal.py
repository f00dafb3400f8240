"""The Patient and Provider Portal's login, menu and User Accounts search (seed steps 6-10)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from pages.base import LoginScreen, Screen
from pages.locators import words


MAX_PAGES = 1000  # of search results: a bound, not an expectation

# Each Username link's text and the address it opens; none ("") for a link that only runs a script
# (javascript:, or "#" back to this very page).
_LINKS = """els => els.map(e => {
  const href = e.href || "", here = location.href.split("#")[0];
  const opens = href && !href.startsWith("javascript:") && href.split("#")[0] !== here;
  return [(e.innerText || e.textContent || "").trim(), opens ? href : ""];
})"""
# Whether each "Next" control can be used: shown, and not disabled by attribute, ARIA or a
# "disabled" class on it or on the list item that holds it (the usual pagers' ways).
_USABLE = """els => els.map(e => (e.offsetParent !== null || e.getClientRects().length > 0)
  && !e.disabled && e.getAttribute("aria-disabled") !== "true"
  && !e.classList.contains("disabled") && !(e.parentElement && e.parentElement.classList.contains("disabled")))"""
# The value of the option whose words are "Clinician" (or "Clinicians", with a count or not).
_OPTION = """(select, wanted) => {
  const norm = s => (s || "").replace(/[^A-Za-z]+/g, " ").trim().toLowerCase();
  const o = [...select.options].find(o => [wanted, wanted + "s"].includes(norm(o.label || o.text)));
  return o ? o.value : null;
}"""
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
        return self.act("portal.nav.administration", self._el("portal.nav.user_accounts"),
                        "the User Accounts item of the Administration menu", awaits=("portal.nav.user_accounts",))

    def choose_user_accounts(self) -> str:
        screen = self._el("portal.users.access_type").or_(self._el("portal.users.search"))
        return self.act("portal.nav.user_accounts", screen, "the User Accounts search (Access Type, Search)",
                        awaits=("portal.users.access_type", "portal.users.search"))


class UserSearchPage(Screen):
    """Administration > User Accounts: Access Type, Search, the results (seed steps 8-10)."""

    site = "portal"

    def choose_clinicians(self) -> None:
        """Seed step 8: a plain select, one a widget library dressed up, or an ARIA combobox or listbox."""
        box = self._el("portal.users.access_type").first
        with self.finding("portal.users.access_type"):
            tag = box.evaluate("e => e.tagName")
        if tag == "SELECT":
            value = box.evaluate(_OPTION, "clinician")
            box.select_option(value=value if value is not None else "Clinician", force=not box.is_visible())
            return
        option = self.page.get_by_role("option", name=words("Clinician")).or_(
            self.page.get_by_role("option", name=words("Clinicians")))
        if not option.first.is_visible():
            box.click()
        option.first.click()

    def _links(self) -> Locator:
        return self._el("portal.users.username_link")

    def search(self) -> str:
        """Seed step 9; done when Username links show that were not there before, or the portal's
        words for no results."""
        found = self.mark_old(self._links()).or_(self.mark_old(self.page.get_by_text(_NO_RESULTS)))
        return self.act("portal.users.search", found, "the search results (Username links, or no results)",
                        awaits=("portal.users.username_link",))

    def account_links(self) -> list[tuple[str, str]]:
        """Every Username link the results show, with the address it opens, on every page of them.

        One call a page of results, however many rows it has. The address is "" where the link has
        none a browser could go to directly (a script, a form post): open that account by its link.
        """
        links: list[tuple[str, str]] = []
        for _ in range(MAX_PAGES):
            rows = self._links().evaluate_all(_LINKS)
            page = [(name, href if href.startswith(("http:", "https:")) else "") for name, href in rows]
            if not page or any(page[0][0] == name for name, _ in links):  # empty, or a "Next" leading nowhere new
                break
            links += page
            if not self._next_page(page[0][0]):
                break
        return links

    def open_account(self, npi: str) -> bool:
        """Click the provider's Username link, paging through the results; False if no page lists it."""
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            links = self._links()
            link = links.filter(has_text=re.compile(rf"^\s*{re.escape(npi)}\s*$"))
            if link.count():
                self.act("portal.users.username_link", self._el("portal.account.section"),
                         "the account's User Account Information", control=link.first, awaits=("portal.account.section",))
                return True
            first = links.first.inner_text().strip() if links.count() else ""
            if not first or first in seen:  # an empty page, or a "Next" that leads nowhere new
                return False
            seen.add(first)
            if not self._next_page(first):
                return False
        return False

    def _next_page(self, first: str) -> bool:
        """The next page of results, loaded or shown in place; False at the end (no usable "Next",
        or one that brings no new rows)."""
        following = self._el("portal.users.next_page")
        usable = following.evaluate_all(_USABLE)
        if True not in usable:
            return False
        links = self._links()
        moved = links.first.filter(has_not_text=re.compile(rf"^\s*{re.escape(first)}\s*$"))
        self.act("portal.users.next_page", moved.or_(self.mark_old(links)), "the next page of search results",
                 control=following.nth(usable.index(True)))
        return links.first.inner_text().strip() != first
