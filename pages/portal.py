"""The Patient and Provider Portal's screens (seed steps 6-18)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Dialog, Locator

from pages.base import LoginScreen, Screen
from robot.errors import SessionExpired
from robot.model import AccountNames, AccountState


MAX_PAGES = 1000  # of search results: a bound, not an expectation

# Each Username link's text and the address it opens; none ("") for a link that only runs a script
# (javascript:, or "#" back to this very page).
_LINKS = """els => els.map(e => {
  const href = e.href || "", here = location.href.split("#")[0];
  const opens = href && !href.startsWith("javascript:") && href.split("#")[0] !== here;
  return [(e.innerText || e.textContent || "").trim(), opens ? href : ""];
})"""
_WORDS = re.compile(r"\S")
# What Playwright's input_value and is_checked read, for read_back: null where they would refuse.
_VALUE = """els => els.map(e => e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement
  || e instanceof HTMLSelectElement ? e.value : null)"""
_CHECKED = """els => els.map(e => {
  if (e instanceof HTMLInputElement && (e.type === "checkbox" || e.type === "radio")) return e.checked;
  const role = e.getAttribute("role"), state = e.getAttribute("aria-checked");
  return ["checkbox", "radio", "switch"].includes(role) && (state === "true" || state === "false") ? state === "true" : null;
})"""
_CONFIRMS = re.compile(r"\b(saved|success(ful(ly)?)?|updated)\b", re.I)


class PortalLoginPage(LoginScreen):
    site = "portal"


class PortalNavigation(Screen):
    """The menu bar on every portal page (seed step 7)."""

    site = "portal"

    def open_user_accounts(self) -> None:
        self.open_administration_menu()
        self.choose_user_accounts()

    def open_administration_menu(self) -> None:
        self._el("portal.nav.administration").click()  # a hover menu opens on the way to the click

    def choose_user_accounts(self) -> None:
        self._follow(self._el("portal.nav.user_accounts"))


class UserSearchPage(Screen):
    """Administration > User Accounts: Access Type, Search, the results (seed steps 8-10)."""

    site = "portal"

    def choose_clinicians(self) -> None:
        self._el("portal.users.access_type").select_option(label="Clinician")

    def search(self) -> None:
        self._follow(self._el("portal.users.search"))

    def account_links(self) -> list[tuple[str, str]]:
        """Every Username link the results show, with the address it opens, on every page of them.

        One call a page of results, however many rows it has. The address is "" where the link has
        none a browser could go to directly (a script, a form post): open that account by its link.
        """
        links: list[tuple[str, str]] = []
        for _ in range(MAX_PAGES):
            rows = self._el("portal.users.username_link").evaluate_all(_LINKS)
            page = [(name, href if href.startswith(("http:", "https:")) else "") for name, href in rows]
            if not page or any(page[0][0] == name for name, _ in links):  # empty, or a "Next" leading nowhere new
                break
            links += page
            if not self._next_page():
                break
        return links

    def open_account(self, npi: str) -> bool:
        """Click the provider's Username link, paging through the results; False if no page lists it."""
        first_seen: set[str] = set()
        for _ in range(MAX_PAGES):
            links = self._el("portal.users.username_link")
            link = links.filter(has_text=re.compile(rf"^\s*{re.escape(npi)}\s*$"))
            if link.count():
                self._follow(link)
                return True
            first = links.first.inner_text().strip() if links.count() else ""
            if not first or first in first_seen:  # an empty page, or a "Next" that leads nowhere new
                return False
            first_seen.add(first)
            if not self._next_page():
                return False
        return False

    def _next_page(self) -> bool:
        if not self._count("portal.users.next_page"):
            return False
        self._follow(self._el("portal.users.next_page").first)
        return True


@dataclass(frozen=True)
class SaveAnswer:
    """What the page said after Save: its confirmation, or its error messages."""

    confirmation: str
    errors: str


class UserAccountPage(Screen):
    """One user's account; everything the robot touches is in "User Account Information" (seed steps 11-18)."""

    site = "portal"

    NAME_FIELDS = ("display_name", "first_name", "last_name", "email")

    def open(self, url: str) -> None:
        """Open the account at the address its Username link in the search results points to (step 10).

        A login form instead is for the caller to see (``shows_username`` is false there), so this
        costs one call fewer than a check of its own."""
        self._goto(url, expect_login=True)

    def shows_username(self, username: str) -> bool:
        """Whether this page is that user's account: its Username is written on it."""
        return self.page.get_by_text(username, exact=True).count() > 0

    def wait_for_account_information(self) -> None:
        self._el("portal.account.section").first.wait_for(state="visible")

    def account_information(self) -> Locator:
        """The part of the section worth a picture: from its heading to the Direct Address (what the
        robot reads, sets and verifies; the password fields between are masked in every picture)."""
        return self._el("portal.account.section").or_(self._el("portal.account.direct_address"))

    def read(self, names: tuple[str, ...] | None = None) -> AccountState:
        """What the section shows. ``names``: which of the step-12 fields to read (default all of them);
        the others read as ""."""
        wanted = self.NAME_FIELDS if names is None else names
        values = {field: self._el(f"portal.account.{field}").input_value() for field in self.NAME_FIELDS if field in wanted}
        return AccountState(
            names=AccountNames(**values),
            emergency_access=self._el("portal.account.emergency_access").is_checked(),
            poll_direct=self._el("portal.account.poll_direct").is_checked(),
            direct_address=self._el("portal.account.direct_address").input_value(),
        )

    def read_back(self, names: tuple[str, ...] | None = None) -> AccountState:
        """``read`` for the page a Save loaded, in the page's own script world (see ``Screen._count``):
        that page is only looked at, and its picture needs that world anyway.

        A field that is not there exactly once as a plain form control is read by ``read``, whose
        waiting and strictness say what is wrong with it."""
        def one(key: str, script: str) -> str | bool | None:
            found = self._el(f"portal.account.{key}").evaluate_all(script)
            return found[0] if len(found) == 1 else None

        wanted = self.NAME_FIELDS if names is None else names
        values = {field: one(field, _VALUE) for field in self.NAME_FIELDS if field in wanted}
        emergency, poll = one("emergency_access", _CHECKED), one("poll_direct", _CHECKED)
        address = one("direct_address", _VALUE)
        if None in (*values.values(), emergency, poll, address):
            return self.read(names)
        return AccountState(
            names=AccountNames(**values),  # type: ignore[arg-type]
            emergency_access=bool(emergency),
            poll_direct=bool(poll),
            direct_address=str(address),
        )

    def edit_names(self, edits: dict[str, str]) -> None:
        for field, value in edits.items():
            self._el(f"portal.account.{field}").fill(value)

    def set_password(self, password: str) -> None:
        self._el("portal.account.password").fill(password)
        self._el("portal.account.confirm_password").fill(password)

    def clear_emergency_access(self) -> None:
        self._el("portal.account.emergency_access").set_checked(False)

    def check_poll_direct_mailbox(self) -> None:
        self._el("portal.account.poll_direct").set_checked(True)

    def type_direct_address(self, address: str) -> None:
        self._el("portal.account.direct_address").fill(address)

    def set_direct_password(self, password: str) -> None:
        self._el("portal.account.direct_password").fill(password)
        self._el("portal.account.confirm_direct_password").fill(password)

    def save(self, just_before_click: Callable[[], None] = lambda: None) -> SaveAnswer:
        """Click Save and read the answer: a confirmation on the page or in a JavaScript dialog, or errors.

        ``just_before_click`` runs once the button is there, right before it is clicked.
        A dialog counts as a confirmation only when its words say so ("saved", "success",
        "updated"); any other dialog is the portal's error message.
        """
        dialogs: list[str] = []

        def accept(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.accept()

        button = self._el("portal.account.save")
        button.wait_for(state="visible")
        just_before_click()
        self.page.on("dialog", accept)
        try:
            self._follow(button, expect_login=True)  # a login page is looked for below, unless the page confirms
            self.page.wait_for_load_state("load")  # a confirmation dialog comes while the page loads
            errors = self.alert_text()
            shown = "" if dialogs or errors else self._words("portal.account.saved")
            # A login page may have words of its own ("You have been logged out"): only a status that
            # says the Save took spares the look for a login form.
            if not _CONFIRMS.search(shown) and self.on_login_page():
                raise SessionExpired(self.site)
            if not (dialogs or errors or shown):
                # Nothing said yet (a script may write it late): wait for the first status or alert
                # with words in it (an empty status box is no answer).
                saved, alert = self._el("portal.account.saved"), self._el("portal.page.alert")
                shown = saved.or_(alert).filter(has_text=_WORDS).first.inner_text()
                errors = self.alert_text()
        finally:
            self.page.remove_listener("dialog", accept)
        said = " ".join(dialogs).strip()
        if said and not _CONFIRMS.search(said):
            return SaveAnswer(confirmation="", errors=said)
        return SaveAnswer(confirmation=(said or shown.strip()) if not errors else "", errors=errors)
