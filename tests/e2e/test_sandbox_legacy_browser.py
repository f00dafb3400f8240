"""The sandbox's legacy skin in headless Chromium: the hover menu, the paged grid, the alert() after
Save and MaxMD's provider table, found by the words a person sees (labels sit in neighbouring cells)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from robot.sandbox import SEEDED_NPIS, Sandbox

pytestmark = pytest.mark.e2e

JANE = SEEDED_NPIS["Jane Okafor"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"skin": "legacy"}


@pytest.fixture
def dialogs(page: Page) -> Iterator[list[str]]:
    """Every dialog the page opens, accepted."""
    seen: list[str] = []

    def record(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.accept()

    page.on("dialog", record)
    yield seen


def field(page: Page, words: str) -> Locator:
    """The control in the cell next to a label cell with exactly these words."""
    row = page.locator("tr").filter(has=page.locator("xpath=./td", has_text=re.compile(f"^{re.escape(words)}$")))
    return row.locator("input:not([type=hidden]), select").first


def portal_log_in(page: Page, sb: Sandbox) -> None:
    page.goto(sb.portal_url)
    expect(page.get_by_label("Username")).to_have_count(0)  # the words are not tied to the input
    field(page, "Username").fill(sb.portal_username)
    field(page, "Password").fill(sb.portal_password)
    page.get_by_role("button", name="Log In").click()
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()


def open_user_accounts(page: Page) -> None:
    user_accounts = page.get_by_role("link", name="User Accounts", exact=True)
    expect(user_accounts).to_be_hidden()
    page.get_by_text("Administration", exact=True).hover()
    expect(user_accounts).to_be_visible()
    user_accounts.click()
    expect(page.get_by_role("heading", name="User Accounts")).to_be_visible()


def test_hover_menu_and_paged_grid(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    expect(page.get_by_role("button", name="Administration")).to_have_count(0)
    open_user_accounts(page)
    field(page, "Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    expect(page.locator("td > a[href^='/admin/users/']")).to_have_count(25)
    expect(page.get_by_role("link", name=JANE, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Previous", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Next", exact=True).click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(field(page, "Access Type")).to_have_value("Clinician")
    page.get_by_role("link", name=JANE, exact=True).click()
    expect(page.get_by_role("heading", name="Edit User Account")).to_be_visible()


def test_save_confirmation_is_a_dialog(page: Page, sandbox: Sandbox, dialogs: list[str]) -> None:
    portal_log_in(page, sandbox)
    page.goto(sandbox.portal_url.replace("/login", f"/admin/users/{JANE}"))
    for words, value in (("Change Password", GOOD), ("Confirm New Password", GOOD), ("Direct Address", JANE_DIRECT),
                         ("Change Direct Password", GOOD), ("Confirm Direct Password", GOOD)):
        field(page, words).fill(value)
    field(page, "Poll Direct Mailbox").check()
    with page.expect_event("dialog") as info:
        page.get_by_role("button", name="Save").click()
    assert info.value.message == "User account saved."
    expect(page.get_by_role("heading", name="Edit User Account")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)
    assert dialogs == ["alert: User account saved."]
    account = sandbox.state.account(JANE)
    assert (account.poll_direct, account.direct_address, account.password) == (True, JANE_DIRECT, GOOD)
    expect(field(page, "Poll Direct Mailbox")).to_be_checked()


def test_save_errors_show_on_the_page(page: Page, sandbox: Sandbox, dialogs: list[str]) -> None:
    portal_log_in(page, sandbox)
    page.goto(sandbox.portal_url.replace("/login", f"/admin/users/{JANE}"))
    field(page, "Change Password").fill(GOOD)
    field(page, "Confirm New Password").fill("something-else")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The passwords do not match.")
    assert dialogs == []


def test_maxmd_table_shows_the_address_in_the_green_cell(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.maxmd_url)
    field(page, "Username").fill(sandbox.maxmd_username)
    field(page, "Password").fill(sandbox.maxmd_password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Details", exact=True).click()
    expect(page.get_by_text("Identity Proofing Information", exact=True)).to_be_visible()
    expect(page.get_by_role("heading")).to_have_count(0)
    page.get_by_role("link", name="Click to view status of provisioning workflows").click()
    # The page sits in a layout table, so the outer layout row holds Jane's cell too: take the innermost row.
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Jane Okafor, OD", exact=True)).last
    expect(row.get_by_role("cell")).to_have_text(["Jane Okafor, OD", JANE, "Complete", JANE_DIRECT])
    green = row.locator("td").nth(3)
    assert green.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(212, 247, 212)"
    pending = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Grace Whitfield, OD", exact=True)).last
    expect(pending.get_by_role("cell").nth(3)).to_have_text("Provisioning in progress")
    expect(page.get_by_role("columnheader")).to_have_text(["Provider", "NPI", "Workflow Status", "Direct Address"])
