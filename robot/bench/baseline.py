"""The bare baseline: the fewest Playwright calls that do the robot's job, as a measuring stick.

Same Chromium, same flags (``robot.browser.launch``), same viewport; no screenshots, no read-back, no
report, no retries. It finds each control the way the robot must on the real sites, by the words the
vendor's instructions use (the robot's own locator table, ``pages.locators``, with its defaults),
for the logins and every provider's account: an id or class of the sandbox's would make a stick that
could not do the job on any other portal. The two pages it reads once a run (MaxMD's workflows, the
search results) it reaches by the sandbox's addresses and reads in one call each, by its markup.

Calls: MaxMD login (goto, 2 fills, click), the workflows page (goto) read in one call; portal login
(goto, 2 fills, click), one Clinician search (goto) read in one call; then per provider 9 calls:
goto its account, fill Change Password + Confirm, uncheck Allow Emergency Access, check Poll Direct
Mailbox, fill Direct Address, fill Direct Password + Confirm, click Save (waiting for the page it loads).
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.sync_api import Locator, Playwright, sync_playwright

from pages.locators import Selectors
from robot.browser import BrowserChoice, launch
from robot.settings import Site

SPECIALS = "!#$%&*+-=?@^_"

# Read once a run, in one call each: the sandbox's own markup (fixtures/html/maxmd, fixtures/html/portal).
_WORKFLOWS = "ul.workflows > li"
_READ_WORKFLOWS = """items => items.map(li => {
  const npi = (li.textContent.match(/NPI:\\s*(\\d{10})/) || [])[1] || null;
  const box = li.querySelector('.direct-box');
  return [npi, box ? box.textContent.trim() : null];
})"""
_ACCOUNT_LINKS = "table a[href^='/admin/users/']"
_READ_LINKS = "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"


def strong_password(length: int = 16) -> str:
    """Random, from ``secrets``, within the portal's policy: upper, lower, digit, special, 8 or more."""
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SPECIALS)
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice("".join(classes)) for _ in range(max(length, 8) - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@dataclass(frozen=True)
class BaselineRun:
    wall_s: float  # from starting Playwright to the last Save's page
    saved: int  # providers whose Save was clicked
    unmatched: int  # MaxMD entries with an address but no Clinician account of that NPI


def run_baseline(
    choice: BrowserChoice,
    maxmd: Site,
    portal: Site,
    *,
    viewport: tuple[int, int] = (1280, 800),
    timeout_ms: int = 15_000,
    playwright_factory: Callable[[], AbstractContextManager[Playwright]] = sync_playwright,
) -> BaselineRun:
    started = time.perf_counter()
    with playwright_factory() as pw:
        browser = launch(pw, choice)
        try:
            page = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}).new_page()
            page.set_default_timeout(timeout_ms)

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
            page.goto(urljoin(maxmd.url, "/workflows"))
            addresses = {npi: address for npi, address in page.eval_on_selector_all(_WORKFLOWS, _READ_WORKFLOWS)
                         if npi and address}

            log_in(portal, "portal")
            page.goto(urljoin(portal.url, "/admin/users?access_type=Clinician"))
            accounts = dict(page.eval_on_selector_all(_ACCOUNT_LINKS, _READ_LINKS))

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
                with page.expect_navigation():
                    el("portal.account.save").click()
                saved += 1
            wall = time.perf_counter() - started
        finally:
            browser.close()
    return BaselineRun(wall, saved, sum(1 for npi in addresses if npi not in accounts))
