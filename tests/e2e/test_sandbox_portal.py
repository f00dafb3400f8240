"""The portal sandbox in headless Chromium: steps 6-18 of the vendor's procedure, by visible words only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from robot.sandbox import SEEDED_NPIS, Faults, Sandbox

pytestmark = pytest.mark.e2e

JANE = SEEDED_NPIS["Jane Okafor"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"


def log_in(page: Page, sb: Sandbox) -> None:
    page.get_by_label("Username").fill(sb.portal_username)
    page.get_by_label("Password").fill(sb.portal_password)
    page.get_by_role("button", name="Log In").click()


def open_user_accounts(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Administration").click()
    page.get_by_role("menuitem", name="User Accounts").click()


def open_account(page: Page, sb: Sandbox, username: str) -> None:
    page.goto(sb.portal_url)
    log_in(page, sb)
    open_user_accounts(page)
    page.get_by_label("Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=username, exact=True).click()
    expect(page.get_by_role("heading", name="Edit User Account")).to_be_visible()


def test_wrong_password_is_refused(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.portal_url)
    expect(page.get_by_role("heading", name="Patient and Provider Portal")).to_be_visible()
    page.get_by_label("Username").fill(sandbox.portal_username)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log In").click()
    expect(page.get_by_role("alert")).to_have_text("The username or password is incorrect.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_menu_and_every_page(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.portal_url)
    log_in(page, sandbox)
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Home", "Messages", "Reports"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    menu_button = nav.get_by_role("button", name="Administration")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("menuitem", name="User Accounts")).to_be_hidden()
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    for name in ("User Accounts", "Practice Settings", "Audit Log"):
        expect(page.get_by_role("menuitem", name=name)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("menuitem", name="User Accounts")).to_be_hidden()

    nav.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    nav.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    menu_button.click()
    page.get_by_role("menuitem", name="Practice Settings").click()
    expect(page.get_by_text("Direct domain: direct.brightsideeye.com")).to_be_visible()
    menu_button.click()
    page.get_by_role("menuitem", name="Audit Log").click()
    expect(page.get_by_role("heading", name="Audit Log")).to_be_visible()
    nav.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()

    page.get_by_role("link", name="Log Out").click()
    expect(page.get_by_role("status")).to_have_text("You have been logged out.")


def test_clinician_search_hides_everyone_else(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.portal_url)
    log_in(page, sandbox)
    open_user_accounts(page)
    expect(page.get_by_role("heading", name="User Accounts")).to_be_visible()
    expect(page.get_by_text("Choose an Access Type and click Search.")).to_be_visible()
    expect(page.get_by_label("Access Type")).to_have_value("All")
    page.get_by_label("Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()

    results = page.get_by_role("table", name="Search results")
    for header in ("Username", "Display Name", "First Name", "Last Name", "Access Type", "Status"):
        expect(results.get_by_role("columnheader", name=header)).to_be_visible()
    expect(results.get_by_role("row")).to_have_count(1 + 8)
    for npi in (SEEDED_NPIS[n] for n in SEEDED_NPIS if n != "Daniel Cho"):
        expect(results.get_by_role("link", name=npi, exact=True)).to_be_visible()
    for hidden in ("mrivera82", "lwatts.front", sandbox.portal_username, "Patient", "Staff", "Administrator"):
        expect(results.get_by_text(hidden, exact=True)).to_have_count(0)

    page.get_by_label("Access Type").select_option("Patient")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="mrivera82")).to_be_visible()
    expect(page.get_by_role("table", name="Search results").get_by_role("cell", name="Inactive")).to_have_count(1)


def test_complete_setup_saves(page: Page, sandbox: Sandbox) -> None:
    open_account(page, sandbox, JANE)

    # Step 11: the section starts below the fold of a 1280x720 window.
    section = page.get_by_role("region", name="User Account Information")
    box = section.bounding_box()
    assert box and box["y"] > (page.viewport_size or {"height": 720})["height"]
    section.scroll_into_view_if_needed()
    expect(section.get_by_text(JANE, exact=True)).to_be_visible()  # Username, read-only
    expect(section.get_by_label("Display Name")).to_have_value(JANE)
    expect(section.get_by_label("First Name")).to_have_value("Jane")
    expect(section.get_by_label("Last Name")).to_have_value("Okafor")
    expect(section.get_by_label("Email Address")).to_have_value("")

    # Steps 13-18.
    section.get_by_label("Change Password", exact=True).fill(GOOD)
    section.get_by_label("Confirm New Password", exact=True).fill(GOOD)
    expect(section.get_by_label("Allow Emergency Access")).not_to_be_checked()
    section.get_by_label("Poll Direct Mailbox").check()
    section.get_by_label("Direct Address", exact=True).fill(JANE_DIRECT)
    section.get_by_label("Change Direct Password", exact=True).fill(GOOD)
    section.get_by_label("Confirm Direct Password", exact=True).fill(GOOD)
    expect(section.get_by_label("Inactive")).not_to_be_checked()
    expect(section.get_by_role("group", name="Roles").get_by_role("checkbox")).to_have_count(7)
    section.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("User account saved.")
    account = sandbox.state.account(JANE)
    assert account.password == account.direct_password == GOOD
    assert account.poll_direct and account.direct_address == JANE_DIRECT and not account.emergency_access
    assert (account.username, account.first_name, account.last_name) == (JANE, "Jane", "Okafor")
    assert account.saves == 1

    # Read back: the page shows what was stored, password boxes empty.
    section = page.get_by_role("region", name="User Account Information")
    expect(section.get_by_label("Poll Direct Mailbox")).to_be_checked()
    expect(section.get_by_label("Direct Address", exact=True)).to_have_value(JANE_DIRECT)
    expect(section.get_by_label("Change Password", exact=True)).to_be_empty()
    expect(section.get_by_role("link", name="Cancel")).to_be_visible()


def test_validation_messages_are_shown_and_nothing_changes(page: Page, sandbox: Sandbox) -> None:
    open_account(page, sandbox, JANE)
    section = page.get_by_role("region", name="User Account Information")
    section.get_by_label("Change Password", exact=True).fill(GOOD)
    section.get_by_label("Confirm New Password", exact=True).fill(GOOD + "x")
    section.get_by_label("Poll Direct Mailbox").check()
    section.get_by_label("Direct Address", exact=True).fill(JANE_DIRECT)
    section.get_by_role("button", name="Save").click()

    alert = page.get_by_role("region", name="User Account Information").get_by_role("alert")
    expect(alert).to_contain_text("The passwords do not match.")
    expect(alert).to_contain_text("Poll Direct Mailbox requires a Direct password.")
    expect(alert).to_be_in_viewport()
    expect(page.get_by_role("status")).to_have_count(0)
    expect(page.get_by_label("Direct Address", exact=True)).to_have_value(JANE_DIRECT)
    expect(page.get_by_label("Change Password", exact=True)).to_be_empty()
    assert sandbox.state.account(JANE).saves == 0


def test_conflicting_direct_address_is_refused(page: Page, sandbox: Sandbox) -> None:
    aisha = SEEDED_NPIS["Aisha Bello"]
    open_account(page, sandbox, aisha)
    page.get_by_label("Direct Address", exact=True).fill("aisha.bello@direct.brightsideeye.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The Direct address cannot be changed once it has been set up.")
    assert sandbox.state.account(aisha).direct_address == "a.bello@direct.brightsideeye.com"


@pytest.mark.parametrize("sandbox_options", [{"faults": Faults(refuse_save={JANE}, save_5xx={SEEDED_NPIS["Marcus Lindqvist"]})}])
def test_refused_and_failing_saves(page: Page, sandbox: Sandbox) -> None:
    open_account(page, sandbox, JANE)
    page.get_by_label("Change Password", exact=True).fill(GOOD)
    page.get_by_label("Confirm New Password", exact=True).fill(GOOD)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The Direct mailbox could not be verified by MaxMD.")
    assert sandbox.state.account(JANE).saves == 0

    marcus = SEEDED_NPIS["Marcus Lindqvist"]
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Administration").click()
    page.get_by_role("menuitem", name="User Accounts").click()
    page.get_by_label("Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=marcus, exact=True).click()
    page.get_by_label("Change Password", exact=True).fill(GOOD)
    page.get_by_label("Confirm New Password", exact=True).fill(GOOD)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.status == 500
    expect(page.get_by_role("heading", name="Internal Server Error")).to_be_visible()
    assert sandbox.state.account(marcus).password == GOOD


@pytest.mark.parametrize("sandbox_options", [{"faults": Faults(session_expiry_after=3)}])
def test_session_expiry_lands_on_login(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.portal_url)
    log_in(page, sandbox)  # request 1 with the session: /home
    open_user_accounts(page)  # 2: /admin/users
    page.get_by_label("Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()  # 3
    page.get_by_role("link", name=JANE, exact=True).click()  # 4: expired
    expect(page.get_by_role("alert")).to_have_text("Your session has expired. Please log in again.")
    log_in(page, sandbox)
    expect(page.get_by_role("heading", name="Edit User Account")).to_be_visible()


def test_unavailable_and_not_found_pages(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.portal_url)
    log_in(page, sandbox)
    response = page.goto(sandbox.portal_url.replace("/login", "/admin/users/0000000000"))
    assert response and response.status == 404
    expect(page.get_by_role("heading", name="Page Not Found")).to_be_visible()
    sandbox.faults.error_rate = 1.0
    response = page.goto(sandbox.maxmd_url)
    assert response and response.status == 503
    expect(page.get_by_role("heading", name="Service Temporarily Unavailable")).to_be_visible()
