"""The bare baseline: the fewest Playwright calls that do the robot's job, as a measuring stick.

Same Chromium, same flags (``robot.browser.launch``), same viewport, reduced motion as the robot's
context has it; no screenshots, no read-back, no report, no retries. It finds each control the way the
robot must on the real sites, by the words the vendor's instructions use (the robot's own locator
table, ``pages.locators``, with its defaults), for the logins and every provider's account: an id or
class of the sandbox's would make a stick that could not do the job on any other portal. The two lists
it reads once a run (MaxMD's workflows, the Clinician search) it reaches by the sandbox's addresses and
reads by its markup, one call a page. One baseline per rendering of the sandbox (``skin``), the same job:

default (fixtures/html/maxmd, fixtures/html/portal): MaxMD login (goto, 2 fills, click), the workflows
page (goto) read in one call; portal login (goto, 2 fills, click), one Clinician search (goto) read in
one call; then per provider 9 calls: goto its account, fill Change Password + Confirm, uncheck Allow
Emergency Access, check Poll Direct Mailbox, fill Direct Address, fill Direct Password + Confirm, click
Save (waiting for the page it loads).

legacy (fixtures/html/legacy/...): the same, but the workflows are a table's rows, and the search
results come 25 a page: each ``?page=N`` (goto) read in one call, rows and whether the pager offers
Next (the portal shows the last page again for any N past it, so "no more rows" is "no Next"). One
dialog handler a run accepts the ``alert()`` the account page opens after Save; per provider the same
9 calls, Save waiting for the page it loads (its load waits on the alert).

modern (fixtures/html/modern/...): MaxMD's workflows are read from what the Details page shows after
its button is clicked (goto /details, click, wait for the first entry, read in one call); the Clinician
list is the search's JSON, ``/api/admin/users?access_type=Clinician``, fetched in the page in one
``page.evaluate`` call (the grid pages it in the browser, 10 rows at a time: that JSON is what it
holds). Per provider 11 calls: goto its account, the same 7 fills and switches (``input type=checkbox
role=switch``: check/uncheck), click Save, click the modal's "Save changes", wait for the alert "User
account saved." to be visible (the Save is an XHR; no page loads).

spa (fixtures/html/spa/...): both lists are the JSON the pages fetch, each in one ``page.evaluate`` call
from the page the login left (same origin, the session's cookie goes with it): MaxMD's ``/api/workflows``
(what the Details page's disclosure fetches when it opens) from the Dashboard, and every page of
``/api/admin/users?access_type=Clinician`` (10 rows a page: the first says how many pages, the rest are
fetched side by side) from the portal's home. The portal's login is an XHR; its answer's navigation is
the app's ``history`` change to /home (no page loads). Per provider 11 calls: goto the address a Username
link opens (``/admin/frame/users/<NPI>``, the frame's own page: half the time of the shell that frames it,
as a careful script would find, and the robot opens that link's address too), the same 7 fills and ticks,
click Save, click the confirm dialog's "Save changes", wait for the toast "User account saved." to be
visible (the Save is an XHR).
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.sync_api import Locator, Page, Playwright, sync_playwright

from pages.locators import Selectors
from robot.browser import BrowserChoice, launch
from robot.settings import Site

SPECIALS = "!#$%&*+-=?@^_"

# Read once a run, one call a page: each rendering's own markup (fixtures/html/...).
_WORKFLOWS = "ul.workflows > li"
_READ_WORKFLOWS = """items => items.map(li => {
  const npi = (li.textContent.match(/NPI:\\s*(\\d{10})/) || [])[1] || null;
  const box = li.querySelector('.direct-box');
  return [npi, box ? box.textContent.trim() : null];
})"""
_ACCOUNT_LINKS = "table a[href^='/admin/users/']"
_READ_LINKS = "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"

_LEGACY_WORKFLOWS = "table.grid tr:has(> td)"  # Provider | NPI | Workflow Status | Direct Address
_LEGACY_READ_WORKFLOWS = """rows => rows.map(tr => {
  const td = tr.querySelectorAll('td');
  return [td[1].textContent.trim() || null, td[3].classList.contains('pending') ? null : td[3].textContent.trim()];
})"""
_LEGACY_READ_PAGE = """() => [
  [...document.querySelectorAll("table.grid a[href^='/admin/users/']")].map(a => [a.textContent.trim(), a.getAttribute('href')]),
  [...document.querySelectorAll('table.pager a')].some(a => a.textContent.trim() === 'Next'),
]"""

_MODERN_LOAD = "#load-workflows"
_MODERN_WORKFLOWS = "#workflows li.workflow-entry"
_MODERN_READ_WORKFLOWS = """items => items.map(li => {
  const npi = (li.textContent.match(/NPI:\\s*(\\d{10})/) || [])[1] || null;
  const box = li.querySelector('.direct-address');
  return [npi, box ? box.textContent.trim() : null];
})"""
_MODERN_FETCH_ACCOUNTS = """async url => {
  const answer = await fetch(url, {headers: {'X-Requested-With': 'XMLHttpRequest'}});
  if (!answer.ok) throw new Error(url + ': HTTP ' + answer.status);
  return (await answer.json()).data.map(a => [a.username, '/admin/users/' + encodeURIComponent(a.username)]);
}"""
_MODERN_SAVED = "User account saved."

_SPA_JSON = "{headers: {Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest'}}"
_SPA_FETCH_WORKFLOWS = """async url => {
  const answer = await fetch(url, %s);
  if (!answer.ok) throw new Error(url + ': HTTP ' + answer.status);
  const trimmed = text => text ? text.trim() : null;
  return (await answer.json()).workflows.map(w => [trimmed(w.npi), trimmed(w.direct_address)]);
}""" % _SPA_JSON
# Every page of the search: the first says how many there are, the rest are fetched side by side.
_SPA_FETCH_ACCOUNTS = """async url => {
  const get = async n => {
    const answer = await fetch(url + '&page=' + n, %s);
    if (!answer.ok) throw new Error(url + '&page=' + n + ': HTTP ' + answer.status);
    return answer.json();
  };
  const first = await get(1);
  const rest = await Promise.all(Array.from({length: first.pages - 1}, (_, i) => get(i + 2)));
  return [first, ...rest].flatMap(p => p.data).map(a => [a.username, '/admin/frame/users/' + encodeURIComponent(a.username)]);
}""" % _SPA_JSON
_SPA_SAVED = "User account saved."  # a toast's words, slotted into its shadow root's role=alert: found as text


def strong_password(length: int = 16) -> str:
    """Random, from ``secrets``, within the portal's policy: upper, lower, digit, special, 8 or more."""
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SPECIALS)
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice("".join(classes)) for _ in range(max(length, 8) - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@dataclass(frozen=True)
class BaselineRun:
    wall_s: float  # from starting Playwright to the last Save's answer
    saved: int  # providers whose Save was clicked
    unmatched: int  # MaxMD entries with an address but no Clinician account of that NPI


# --- each rendering's once-a-run reads and its Save --------------------------------------------------

def _pairs(found: list[list[str | None]]) -> dict[str, str]:
    return {npi: value for npi, value in found if npi and value}


def _default_workflows(page: Page, maxmd: Site) -> dict[str, str]:
    page.goto(urljoin(maxmd.url, "/workflows"))
    return _pairs(page.eval_on_selector_all(_WORKFLOWS, _READ_WORKFLOWS))


def _default_accounts(page: Page, portal: Site) -> dict[str, str]:
    page.goto(urljoin(portal.url, "/admin/users?access_type=Clinician"))
    return _pairs(page.eval_on_selector_all(_ACCOUNT_LINKS, _READ_LINKS))


def _default_save(page: Page, save: Locator) -> None:
    with page.expect_navigation():
        save.click()


def _legacy_workflows(page: Page, maxmd: Site) -> dict[str, str]:
    page.goto(urljoin(maxmd.url, "/workflows"))
    return _pairs(page.eval_on_selector_all(_LEGACY_WORKFLOWS, _LEGACY_READ_WORKFLOWS))


def _legacy_accounts(page: Page, portal: Site) -> dict[str, str]:
    accounts: dict[str, str] = {}
    number, more = 1, True
    while more:
        page.goto(urljoin(portal.url, f"/admin/users?access_type=Clinician&page={number}"))
        links, more = page.evaluate(_LEGACY_READ_PAGE)
        accounts.update(_pairs(links))
        number += 1
    return accounts


def _modern_workflows(page: Page, maxmd: Site) -> dict[str, str]:
    page.goto(urljoin(maxmd.url, "/details"))
    page.click(_MODERN_LOAD)
    page.wait_for_selector(_MODERN_WORKFLOWS)
    return _pairs(page.eval_on_selector_all(_MODERN_WORKFLOWS, _MODERN_READ_WORKFLOWS))


def _modern_accounts(page: Page, portal: Site) -> dict[str, str]:
    # The page is the portal's home after the login: same origin, the session's cookie goes with it.
    return _pairs(page.evaluate(_MODERN_FETCH_ACCOUNTS, urljoin(portal.url, "/api/admin/users?access_type=Clinician")))


def _modern_save(page: Page, save: Locator) -> None:
    save.click()
    page.get_by_role("button", name="Save changes", exact=True).click()
    page.get_by_role("alert").filter(has_text=_MODERN_SAVED).wait_for()


def _spa_workflows(page: Page, maxmd: Site) -> dict[str, str]:
    # The page is MaxMD's Dashboard after the login; the Details page's disclosure fetches this same list.
    return _pairs(page.evaluate(_SPA_FETCH_WORKFLOWS, urljoin(maxmd.url, "/api/workflows")))


def _spa_accounts(page: Page, portal: Site) -> dict[str, str]:
    # The page is the portal's home after the login (a Vue app: every screen is that one document).
    return _pairs(page.evaluate(_SPA_FETCH_ACCOUNTS, urljoin(portal.url, "/api/admin/users?access_type=Clinician")))


def _spa_save(page: Page, save: Locator) -> None:
    save.click()
    page.get_by_role("button", name="Save changes", exact=True).click()
    page.get_by_text(_SPA_SAVED, exact=True).wait_for()


@dataclass(frozen=True)
class _Rendering:
    workflows: Callable[[Page, Site], dict[str, str]]  # MaxMD: NPI -> Direct address, read once a run
    accounts: Callable[[Page, Site], dict[str, str]]  # portal: Clinician NPI -> its account's address
    save: Callable[[Page, Locator], None]  # click Save (the account's Save button) and wait for its answer
    on_dialog: bool = False  # accept every JavaScript dialog (legacy: the alert() after Save)


RENDERINGS: dict[str, _Rendering] = {
    "default": _Rendering(_default_workflows, _default_accounts, _default_save),
    "legacy": _Rendering(_legacy_workflows, _legacy_accounts, _default_save, on_dialog=True),
    "modern": _Rendering(_modern_workflows, _modern_accounts, _modern_save),
    "spa": _Rendering(_spa_workflows, _spa_accounts, _spa_save),
}


def run_baseline(
    choice: BrowserChoice,
    maxmd: Site,
    portal: Site,
    *,
    skin: str = "default",
    viewport: tuple[int, int] = (1280, 1150),
    timeout_ms: int = 15_000,
    playwright_factory: Callable[[], AbstractContextManager[Playwright]] = sync_playwright,
) -> BaselineRun:
    """The job on the sandbox's ``skin`` rendering (see the module's docstring), timed."""
    rendering = RENDERINGS[skin]
    started = time.perf_counter()
    with playwright_factory() as pw:
        browser = launch(pw, choice)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, reduced_motion="reduce")
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            if rendering.on_dialog:
                page.on("dialog", lambda dialog: dialog.accept())

            words = Selectors()

            def el(key: str) -> Locator:
                return words(key, page)

            def log_in(site: Site, prefix: str) -> None:
                page.goto(site.url)
                el(f"{prefix}.login.username").fill(site.username)
                el(f"{prefix}.login.password").fill(site.password)
                with page.expect_navigation():
                    el(f"{prefix}.login.submit").click()

            log_in(maxmd, "maxmd")
            addresses = rendering.workflows(page, maxmd)

            log_in(portal, "portal")
            accounts = rendering.accounts(page, portal)

            saved = 0
            for npi, address in addresses.items():
                href = accounts.get(npi)
                if href is None:
                    continue
                password = strong_password()
                page.goto(urljoin(portal.url, href))
                el("portal.account.password").fill(password)
                el("portal.account.confirm_password").fill(password)
                el("portal.account.emergency_access").uncheck()
                el("portal.account.poll_direct").check()
                el("portal.account.direct_address").fill(address)
                el("portal.account.direct_password").fill(password)
                el("portal.account.confirm_direct_password").fill(password)
                rendering.save(page, el("portal.account.save"))
                saved += 1
            wall = time.perf_counter() - started
        finally:
            browser.close()
    return BaselineRun(wall, saved, sum(1 for npi in addresses if npi not in accounts))
