"""The odd-data switch in headless Chromium: hostile and odd names show as text, never run, and survive a Save."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from robot.sandbox import ODD_PROVIDERS, OddProvider, Sandbox

pytestmark = pytest.mark.e2e

SCRIPT = "<script>alert(1)</script>"
ODD = {odd.oddity: odd for odd in ODD_PROVIDERS}


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"odd_data": True}


@pytest.fixture
def dialogs(page: Page) -> Iterator[list[str]]:
    """Every dialog the page opens (an alert() that ran would be one); dismissed so nothing hangs."""
    seen: list[str] = []

    def record(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    yield seen


def npi_of(sb: Sandbox, oddity: str) -> str:
    return sb.odd_npis[ODD_PROVIDERS.index(ODD[oddity])]


def maxmd_workflows(page: Page, sb: Sandbox) -> None:
    page.goto(sb.maxmd_url)
    page.get_by_label("Username").fill(sb.maxmd_username)
    page.get_by_label("Password").fill(sb.maxmd_password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Details", exact=True).click()
    page.get_by_role("link", name="Click to view status of provisioning workflows").click()
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()


def portal_clinicians(page: Page, sb: Sandbox) -> None:
    page.goto(sb.portal_url)
    page.get_by_label("Username").fill(sb.portal_username)
    page.get_by_label("Password").fill(sb.portal_password)
    page.get_by_role("button", name="Log In").click()
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Administration").click()
    page.get_by_role("menuitem", name="User Accounts").click()
    page.get_by_label("Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()


def test_markup_is_text_on_the_workflows_page(page: Page, sandbox: Sandbox, dialogs: list[str]) -> None:
    maxmd_workflows(page, sandbox)
    providers = page.get_by_role("list", name="Provisioned providers").get_by_role("listitem")
    expect(providers).to_have_count(8 + len(ODD_PROVIDERS))
    eve = providers.filter(has=page.get_by_role("heading", name=f"Eve {SCRIPT}, OD", exact=True))
    expect(eve).to_have_count(1)
    expect(eve.get_by_text(f"Eve {SCRIPT}, OD", exact=True)).to_be_visible()
    expect(eve.get_by_text("eve.script@direct.brightsideeye.com", exact=True)).to_be_visible()
    expect(page.locator("script", has_text="alert(1)")).to_have_count(0)
    for odd in ODD_PROVIDERS:
        expect(providers.filter(has=page.get_by_role("heading", name=f"{odd.full_name}, {odd.credential}", exact=True))).to_have_count(1)
    expect(page.get_by_text("DIRECT.UPPER@DIRECT.BRIGHTSIDEEYE.COM", exact=True)).to_be_visible()
    page.reload()
    expect(eve.get_by_text(f"Eve {SCRIPT}, OD", exact=True)).to_be_visible()
    assert dialogs == []


def test_whitespace_reads_naturally_on_the_workflows_page(page: Page, sandbox: Sandbox) -> None:
    maxmd_workflows(page, sandbox)
    npi = npi_of(sandbox, "whitespace")
    wesley = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Wesley Spacer, OD", exact=True))
    expect(wesley.get_by_text(f"NPI: {npi}", exact=True)).to_be_visible()
    box = wesley.get_by_text("wesley.spacer@direct.brightsideeye.com", exact=True)
    expect(box).to_be_visible()
    assert box.inner_text() == "wesley.spacer@direct.brightsideeye.com"  # rendered: no visible padding
    raw = box.text_content() or ""
    assert raw != raw.strip() and "\t" in raw and "\n" in raw  # the DOM keeps it: a robot must strip


def test_markup_is_text_in_the_clinician_search(page: Page, sandbox: Sandbox, dialogs: list[str]) -> None:
    portal_clinicians(page, sandbox)
    results = page.get_by_role("table", name="Search results")
    row = results.get_by_role("row").filter(has=page.get_by_role("link", name=npi_of(sandbox, "markup"), exact=True))
    expect(row.get_by_role("cell", name=SCRIPT, exact=True)).to_be_visible()
    expect(results.get_by_role("cell", name='Mary "Mae"', exact=True)).to_be_visible()
    expect(results.get_by_role("cell", name="O'Connor-Smith", exact=True)).to_be_visible()
    expect(results.get_by_role("cell", name="Ångström-Núñez", exact=True)).to_be_visible()
    expect(page.locator("script", has_text="alert(1)")).to_have_count(0)
    assert dialogs == []


@pytest.mark.parametrize("odd", ODD_PROVIDERS, ids=[o.oddity for o in ODD_PROVIDERS])
def test_names_survive_a_save_in_the_browser(page: Page, sandbox: Sandbox, dialogs: list[str], odd: OddProvider) -> None:
    npi = sandbox.odd_npis[ODD_PROVIDERS.index(odd)]
    portal_clinicians(page, sandbox)
    page.get_by_role("link", name=npi, exact=True).click()
    section = page.get_by_role("region", name="User Account Information")
    expect(section.get_by_label("First Name")).to_have_value(odd.first_name)
    expect(section.get_by_label("Last Name")).to_have_value(odd.last_name)
    section.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("User account saved.")
    account = sandbox.state.account(npi)
    assert (account.first_name, account.last_name, account.saves) == (odd.first_name, odd.last_name, 1)
    expect(section.get_by_label("Last Name")).to_have_value(odd.last_name)
    assert dialogs == []
