"""The sandbox's modern skin in headless Chromium, driven as a person would: the seed's steps 2-5 on MaxMD
(the workflow list loaded into the Details page) and 6-18 on the portal (Bootstrap drop-down, Select2,
a DataTables grid searched and paged in place, the confirmation modal, the XHR Save answered in an alert);
a refused Save, a Save applied but answered 500, a 503 on an XHR, and a session that expires under an XHR."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from robot.sandbox import EXPIRED_MESSAGE, REFUSED_MESSAGE, SAVED_MESSAGE, SEEDED_NPIS, Sandbox

pytestmark = pytest.mark.e2e

JANE = SEEDED_NPIS["Jane Okafor"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
PASSWORD_LABELS = ("Change Password", "Confirm New Password", "Change Direct Password", "Confirm Direct Password")


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"skin": "modern"}


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


def mark_page(page: Page) -> None:
    """Leave a mark in the page's window: it survives anything but a page load."""
    page.evaluate("() => { window.__sameDocument = true; }")


def expect_same_page(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"


def page_loads(sb: Sandbox, site: str) -> int:
    """Requests for HTML pages so far (not the XHRs, not static files)."""
    return sum(1 for s, _m, path, _status in sb.requests
               if s == site and not path.startswith(("/api/", "/static/")) and _m == "GET")


def maxmd_log_in(page: Page, sb: Sandbox) -> None:
    page.goto(sb.maxmd_url)
    page.get_by_label("Username").fill(sb.maxmd_username)
    page.get_by_label("Password", exact=True).fill(sb.maxmd_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Brightside Eye Care")).to_be_visible()


def portal_log_in(page: Page, sb: Sandbox) -> None:
    page.goto(sb.portal_url)
    page.get_by_label("Username").fill(sb.portal_username)
    page.get_by_label("Password", exact=True).fill(sb.portal_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()


def open_user_accounts(page: Page) -> None:
    user_accounts = page.get_by_role("link", name="User Accounts", exact=True)
    expect(user_accounts).to_be_hidden()
    administration = page.get_by_role("button", name="Administration")
    expect(administration).to_have_attribute("aria-expanded", "false")
    administration.click()
    expect(administration).to_have_attribute("aria-expanded", "true")
    user_accounts.click()
    expect(page.get_by_role("heading", name="User Accounts", exact=True)).to_be_visible()


def choose_access_type(page: Page, current: str, wanted: str) -> None:
    """Open the Select2 box (the native select is hidden) and pick an option from its list."""
    native = page.locator("select#access-type")
    expect(native).to_have_class(re.compile(r"\bselect2-hidden-accessible\b"))
    expect(native).to_have_attribute("aria-hidden", "true")
    page.get_by_role("combobox", name=current, exact=True).click()
    page.get_by_role("option", name=wanted, exact=True).click()
    expect(page.get_by_role("combobox", name=wanted, exact=True)).to_be_visible()
    expect(native).to_have_value(wanted)


def grid(page: Page) -> Locator:
    return page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Username"))


def open_account(page: Page, sb: Sandbox, username: str = JANE) -> None:
    page.goto(sb.portal_url.replace("/login", f"/admin/users/{username}"))
    expect(page.get_by_role("heading", name="Edit User Account")).to_be_visible()


def field(page: Page, label: str) -> Locator:
    """The control labelled with these words, whatever decorates them (a required field's "*")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}[\s*:]*$"))


def fill_seed_steps_13_to_17(page: Page) -> None:
    field(page, "Change Password").fill(GOOD)
    field(page, "Confirm New Password").fill(GOOD)
    expect(page.get_by_role("switch", name="Allow Emergency Access")).not_to_be_checked()
    page.get_by_role("switch", name="Poll Direct Mailbox").check()
    field(page, "Direct Address").fill(JANE_DIRECT)
    field(page, "Change Direct Password").fill(GOOD)
    field(page, "Confirm Direct Password").fill(GOOD)


def save_and_confirm(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    dialog = page.get_by_role("dialog", name="Confirm changes")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Save changes to this user account?")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()


def expect_passwords_emptied(page: Page) -> None:
    for label in PASSWORD_LABELS:
        expect(field(page, label)).to_have_value("")


# --- MaxMD: seed steps 2-5 -----------------------------------------------------------------------

def test_maxmd_workflow_list_loads_into_the_details_page(page: Page, sandbox: Sandbox) -> None:
    maxmd_log_in(page, sandbox)                                   # step 2
    page.get_by_role("link", name="Details", exact=True).click()  # step 3
    expect(page.get_by_text("Identity Proofing Information", exact=True)).to_be_visible()
    details_url = page.url
    mark_page(page)
    loads = page_loads(sandbox, "maxmd")
    entries = page.get_by_role("listitem").filter(has_text="Workflow status")
    expect(entries).to_have_count(0)

    page.get_by_role("button", name="Click to view status of provisioning workflows").click()  # step 4
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
    expect(entries).to_have_count(len(sandbox.state.entries()))
    assert page.url == details_url and page_loads(sandbox, "maxmd") == loads
    expect_same_page(page)
    assert ("maxmd", "GET", "/api/workflows", 200) in sandbox.requests

    jane = entries.filter(has_text="Jane Okafor, OD")                     # step 5
    expect(jane).to_contain_text(f"NPI: {JANE}")
    expect(jane).to_contain_text("Workflow status: Complete")
    box = jane.get_by_text(JANE_DIRECT, exact=True)
    expect(box).to_have_class(re.compile(r"\btext-bg-success\b"))
    name_box, address_box = jane.get_by_text("Jane Okafor, OD").bounding_box(), box.bounding_box()
    assert name_box and address_box and address_box["x"] > name_box["x"] + name_box["width"]
    green = box.evaluate("e => getComputedStyle(e).backgroundColor")
    red, grn, blue = (int(n) for n in re.findall(r"\d+", green)[:3])
    assert grn > red and grn > blue, green
    grace = entries.filter(has_text="Grace Whitfield, OD")
    expect(grace).to_contain_text("Pending")
    expect(grace.locator(".text-bg-success")).to_have_count(0)


def test_maxmd_xhr_503_shows_an_error_and_a_retry_works(page: Page, sandbox: Sandbox) -> None:
    maxmd_log_in(page, sandbox)
    page.get_by_role("link", name="Details", exact=True).click()
    sandbox.faults.error_rate = 1.0
    button = page.get_by_role("button", name="Click to view status of provisioning workflows")
    button.click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Service Temporarily Unavailable")
    expect(alert).to_contain_text("try again")
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_have_count(0)
    sandbox.faults.error_rate = 0.0
    button.click()
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
    expect(alert).to_have_count(0)


# --- the portal: seed steps 6-18 -----------------------------------------------------------------

def test_portal_seed_steps_for_one_provider(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)                      # step 6
    open_user_accounts(page)                          # step 7
    choose_access_type(page, "All", "Clinician")      # step 8
    mark_page(page)
    loads = page_loads(sandbox, "portal")
    jane_link = page.get_by_role("link", name=JANE, exact=True)

    page.get_by_role("button", name="Search", exact=True).click()  # step 9
    rows = grid(page).locator("tbody tr")
    expect(rows).to_have_count(10)
    expect(page.get_by_text("Showing 1 to 10 of 17 entries")).to_be_visible()
    expect(grid(page)).not_to_contain_text("mrivera82")
    expect(grid(page)).not_to_contain_text("lwatts.front")
    expect(jane_link).to_have_count(0)

    page.get_by_role("link", name="Next").click()                  # DataTables' own paging
    expect(page.get_by_text("Showing 11 to 17 of 17 entries")).to_be_visible()
    expect(rows).to_have_count(7)
    expect(jane_link).to_be_visible()
    expect_same_page(page)
    assert page_loads(sandbox, "portal") == loads
    assert ("portal", "GET", "/api/admin/users", 200) in sandbox.requests

    jane_link.click()                                              # step 10 (a page load, to its own address)
    expect(page).to_have_url(re.compile(rf"/admin/users/{JANE}$"))
    section = page.locator("section").filter(has=page.get_by_role("heading", name="User Account Information"))
    heading = section.get_by_role("heading", name="User Account Information")
    expect(heading).not_to_be_in_viewport()                        # below the fold
    heading.scroll_into_view_if_needed()                           # step 11
    expect(heading).to_be_in_viewport()
    username = field(page, "Username")
    expect(username).to_have_value(JANE)
    expect(username).not_to_be_editable()
    expect(field(page, "Display Name")).to_have_value(JANE)         # step 12 left as it is
    mark_page(page)
    loads = page_loads(sandbox, "portal")

    fill_seed_steps_13_to_17(page)                                 # steps 13-17
    # Cancel in the modal sends nothing.
    page.get_by_role("button", name="Save", exact=True).click()
    dialog = page.get_by_role("dialog", name="Confirm changes")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not any(m == "POST" for _s, m, _p, _st in sandbox.requests if _s == "portal" and _p.startswith("/admin/users/"))
    expect(field(page, "Change Password")).to_have_value(GOOD)

    save_and_confirm(page)                                         # step 18
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(SAVED_MESSAGE)
    expect(alert).to_have_class(re.compile(r"\balert-success\b"))
    expect_passwords_emptied(page)
    expect(page.get_by_role("switch", name="Poll Direct Mailbox")).to_be_checked()
    expect(field(page, "Direct Address")).to_have_value(JANE_DIRECT)
    expect_same_page(page)
    assert page_loads(sandbox, "portal") == loads
    assert ("portal", "POST", f"/admin/users/{JANE}", 200) in sandbox.requests

    account = sandbox.state.account(JANE)
    assert (account.password, account.direct_password, account.poll_direct, account.direct_address,
            account.emergency_access, account.inactive, account.roles, account.display_name) == (
        GOOD, GOOD, True, JANE_DIRECT, False, False, [], JANE)


def test_grid_shows_other_access_types_and_datatables_no_result_words(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    open_user_accounts(page)
    choose_access_type(page, "All", "Patient")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="mrivera82", exact=True)).to_be_visible()
    expect(page.get_by_text("Showing 1 to 3 of 3 entries")).to_be_visible()
    choose_access_type(page, "Patient", "Clinician")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Showing 1 to 10 of 17 entries")).to_be_visible()
    expect(page.get_by_role("link", name="mrivera82", exact=True)).to_have_count(0)
    # DataTables' own filter box, nothing matching: its own words.
    page.get_by_role("searchbox").fill("no such provider")
    expect(grid(page).locator("tbody")).to_have_text("No matching records found")


@pytest.mark.parametrize("sandbox_options", [{"skin": "modern", "providers": 0}])
def test_search_without_result(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    open_user_accounts(page)
    choose_access_type(page, "All", "Clinician")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(grid(page).locator("tbody")).to_have_text("No data available in table")
    expect(page.get_by_text("Showing 0 to 0 of 0 entries")).to_be_visible()


def test_refused_save_is_a_danger_alert(page: Page, sandbox: Sandbox) -> None:
    sandbox.faults.refuse_save.add(JANE)
    portal_log_in(page, sandbox)
    open_account(page, sandbox)
    before = sandbox.state.account(JANE)
    fill_seed_steps_13_to_17(page)
    save_and_confirm(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(REFUSED_MESSAGE)
    expect(alert).to_have_class(re.compile(r"\balert-danger\b"))
    expect(alert).not_to_contain_text(SAVED_MESSAGE)
    expect_passwords_emptied(page)
    assert sandbox.state.account(JANE) == before


def test_validation_errors_show_in_the_alert_and_beside_the_fields(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    open_account(page, sandbox)
    field(page, "Change Password").fill(GOOD)
    field(page, "Confirm New Password").fill("something-else")
    save_and_confirm(page)
    expect(page.get_by_role("alert")).to_contain_text("The passwords do not match.")
    expect(field(page, "Confirm New Password")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(".invalid-feedback:visible")).to_have_text(["The passwords do not match."])
    assert sandbox.state.account(JANE).password is None


def test_save_applied_but_answered_500_shows_a_generic_error(page: Page, sandbox: Sandbox) -> None:
    sandbox.faults.save_5xx.add(JANE)
    portal_log_in(page, sandbox)
    open_account(page, sandbox)
    fill_seed_steps_13_to_17(page)
    save_and_confirm(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Something went wrong.")
    expect(alert).to_contain_text("500")
    expect(alert).not_to_contain_text(SAVED_MESSAGE)
    account = sandbox.state.account(JANE)
    assert (account.password, account.poll_direct, account.direct_address) == (GOOD, True, JANE_DIRECT)


def test_expired_session_under_the_save_goes_to_the_login_page(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    open_account(page, sandbox)
    before = sandbox.state.account(JANE)
    fill_seed_steps_13_to_17(page)
    sandbox.faults.session_expiry_after = 0  # the next request of this session ends it
    save_and_confirm(page)
    expect(page).to_have_url(re.compile(rf"/login\?next=%2Fadmin%2Fusers%2F{JANE}&expired=1$"))
    expect(page.get_by_role("alert")).to_have_text(EXPIRED_MESSAGE)
    assert ("portal", "POST", f"/admin/users/{JANE}", 401) in sandbox.requests
    assert sandbox.state.account(JANE) == before

    sandbox.faults.session_expiry_after = None
    page.get_by_label("Username").fill(sandbox.portal_username)
    page.get_by_label("Password", exact=True).fill(sandbox.portal_password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/admin/users/{JANE}$"))
    expect(field(page, "Username")).to_have_value(JANE)


def test_search_xhr_503_shows_an_error(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    open_user_accounts(page)
    choose_access_type(page, "All", "Clinician")
    sandbox.faults.error_rate = 1.0
    page.get_by_role("button", name="Search", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Service Temporarily Unavailable")
    expect(alert).to_contain_text("try again")
    expect(grid(page)).to_be_hidden()
    sandbox.faults.error_rate = 0.0
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Showing 1 to 10 of 17 entries")).to_be_visible()
    expect(alert).to_have_count(0)
