"""The sandbox's spa skin in headless Chromium, driven as a person would, by visible words: the seed's steps
2-5 on MaxMD (Shoelace components in shadow roots, the workflow list behind a disclosure and fetched when it
opens) and 6-18 on the portal (a Vue app routed in the browser, User Accounts in an iframe, a tom-select
Access Type drawn at the end of the frame's body, results paged by arrows, a confirm dialog, a toast after
Save); a refused Save, a Save applied but answered 500, validation, 503s on XHRs, passwords shown as text,
and a session that ends under an XHR on each site, then a new login and carrying on."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from robot.sandbox import EXPIRED_MESSAGE, REFUSED_MESSAGE, SAVED_MESSAGE, SEEDED_NPIS, Faults, Sandbox
from robot.sandbox._common import SECRET_TEXT_COLOR

pytestmark = pytest.mark.e2e
# A Vue app drawing Shoelace dialogs in a frame, beside two other test workers on 2 cores, can take longer
# than expect's 5 s to show one (seen once in a full parallel run): the robot's own run.timeout_seconds, 15.
expect.set_options(timeout=15_000)

JANE = SEEDED_NPIS["Jane Okafor"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
PASSWORD_LABELS = ("Change Password", "Confirm New Password", "Change Direct Password", "Confirm Direct Password")
MAGENTA = "rgb(255, 0, 255)"
WORKFLOWS = "Click to view status of provisioning workflows"


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {"skin": "spa", "faults": Faults(gates={}, cookie_banner=set())}  # the screens behind the login's gates


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


def mark_page(page: Page) -> None:
    """Leave a mark in the top document's window: it survives anything but a page load."""
    page.evaluate("() => { window.__sameDocument = true; }")


def expect_same_page(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"


def page_loads(sb: Sandbox, site: str) -> int:
    """Documents fetched so far (the top page or a frame), not the XHRs or static files."""
    return sum(1 for s, m, path, _status in sb.requests
               if s == site and m == "GET" and not path.startswith(("/api/", "/static/")))


def posts(sb: Sandbox) -> list[tuple[str, int]]:
    return [(path, status) for s, m, path, status in sb.requests if s == "portal" and m == "POST" and path != "/api/session"]


# --- MaxMD ---------------------------------------------------------------------------------------

def maxmd_log_in(page: Page, sb: Sandbox) -> None:
    page.goto(sb.maxmd_url)
    page.get_by_label("Username").fill(sb.maxmd_username)
    page.get_by_label("Password", exact=True).fill(sb.maxmd_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Brightside Eye Care")).to_be_visible()


def entries(page: Page) -> Locator:
    return page.get_by_role("listitem").filter(has_text="Workflow status")


def test_maxmd_login_fields_live_in_shadow_roots(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.maxmd_url)
    username = page.get_by_label("Username")
    expect(username).to_be_visible()
    assert username.evaluate("e => e.getRootNode() instanceof ShadowRoot && e.getRootNode().host.localName") == "sl-input"
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("e => e.getRootNode().host.localName") == "sl-button"
    username.fill(sandbox.maxmd_username)
    page.get_by_label("Password", exact=True).fill("not the password")
    button.click()
    expect(page.get_by_text("Invalid username or password.")).to_be_visible()
    assert sandbox.live_sessions("maxmd") == []


def test_maxmd_seed_steps_2_to_5(page: Page, sandbox: Sandbox) -> None:
    maxmd_log_in(page, sandbox)                                   # step 2
    page.get_by_role("link", name="Details", exact=True).click()  # step 3
    expect(page.get_by_role("heading", name="Identity Proofing Information")).to_be_visible()
    mark_page(page)
    loads = page_loads(sandbox, "maxmd")
    expect(entries(page)).to_have_count(0)
    assert not any(p == "/api/workflows" for _s, _m, p, _st in sandbox.requests)

    disclosure = page.get_by_role("button", name=WORKFLOWS)
    expect(disclosure).to_have_attribute("aria-expanded", "false")
    page.get_by_text(WORKFLOWS).click()                           # step 4: it opens and fetches its list
    expect(disclosure).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
    expect(entries(page)).to_have_count(len(sandbox.state.entries()))
    expect_same_page(page)
    assert page_loads(sandbox, "maxmd") == loads
    assert ("maxmd", "GET", "/api/workflows", 200) in sandbox.requests

    jane = entries(page).filter(has_text="Jane Okafor, OD")       # step 5
    expect(jane).to_contain_text(f"NPI: {JANE}")
    expect(jane).to_contain_text("Workflow status: Complete")
    box = jane.get_by_text(JANE_DIRECT, exact=True)
    name_box, address_box = jane.get_by_text("Jane Okafor, OD").bounding_box(), box.bounding_box()
    assert name_box and address_box and address_box["x"] > name_box["x"] + name_box["width"]
    green = box.evaluate("e => getComputedStyle(e.closest('sl-tag').shadowRoot.querySelector('[part=base]')).backgroundColor")
    red, grn, blue = (int(n) for n in re.findall(r"\d+", green)[:3])
    assert grn > red and grn > blue, green
    grace = entries(page).filter(has_text="Grace Whitfield, OD")
    expect(grace).to_contain_text("Pending")
    expect(grace).to_contain_text("Provisioning in progress")

    # Closed and opened again: fetched again.
    page.get_by_text(WORKFLOWS).click()
    expect(entries(page)).to_have_count(0)
    page.get_by_text(WORKFLOWS).click()
    expect(entries(page)).to_have_count(len(sandbox.state.entries()))
    assert sum(1 for _s, _m, p, _st in sandbox.requests if p == "/api/workflows") == 2


def test_maxmd_session_expired_dialog_then_log_in_and_carry_on(page: Page, sandbox: Sandbox) -> None:
    maxmd_log_in(page, sandbox)
    page.get_by_role("link", name="Details", exact=True).click()
    expect(page.get_by_role("heading", name="Identity Proofing Information")).to_be_visible()
    sandbox.faults.session_expiry_after = 0  # the session's next request ends it
    page.get_by_text(WORKFLOWS).click()
    dialog = page.get_by_role("dialog", name="Session expired")
    expect(dialog).to_be_visible()
    expect(page.get_by_text("Your session has expired. Please log in again.")).to_be_visible()
    assert ("maxmd", "GET", "/api/workflows", 401) in sandbox.requests
    expect(entries(page)).to_have_count(0)

    sandbox.faults.session_expiry_after = None
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdetails&expired=1$"))
    expect(page.get_by_text(EXPIRED_MESSAGE)).to_be_visible()
    page.get_by_label("Username").fill(sandbox.maxmd_username)
    page.get_by_label("Password", exact=True).fill(sandbox.maxmd_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/details$"))
    page.get_by_text(WORKFLOWS).click()
    expect(entries(page).filter(has_text="Jane Okafor, OD")).to_contain_text(JANE_DIRECT)


def test_maxmd_xhr_503_shows_an_error_and_try_again_works(page: Page, sandbox: Sandbox) -> None:
    maxmd_log_in(page, sandbox)
    page.get_by_role("link", name="Details", exact=True).click()
    sandbox.faults.error_rate = 1.0
    page.get_by_text(WORKFLOWS).click()
    expect(page.get_by_text("Service Temporarily Unavailable")).to_be_visible()
    expect(page.get_by_text("Please try again in a few moments.", exact=False)).to_be_visible()
    expect(entries(page)).to_have_count(0)
    sandbox.faults.error_rate = 0.0
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
    expect(page.get_by_text("Service Temporarily Unavailable")).to_have_count(0)


def test_maxmd_password_shown_as_magenta_text_inside_the_shadow_root(page: Page) -> None:
    with Sandbox(skin="spa", faults=Faults(secrets_as_text=True, gates={}, cookie_banner=set())) as sb:
        page.goto(sb.maxmd_url)
        password = page.get_by_label("Password", exact=True)
        password.fill("Visible-Secret-1!")
        assert password.evaluate("e => e.type") == "text"
        assert password.evaluate("e => getComputedStyle(e).color") == MAGENTA
        assert password.evaluate("e => e.getRootNode() instanceof ShadowRoot")


# --- the portal ----------------------------------------------------------------------------------

def portal_log_in(page: Page, sb: Sandbox) -> None:
    page.goto(sb.portal_url)
    page.get_by_label("Username").fill(sb.portal_username)
    page.get_by_label("Password", exact=True).fill(sb.portal_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()


def frame(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title='User Accounts']")


def user_accounts_frame(page: Page) -> Any:
    found = page.frame(name="user-accounts")
    assert found is not None
    return found


def open_user_accounts(page: Page) -> FrameLocator:
    administration = page.get_by_role("button", name="Administration")
    expect(page.get_by_role("menuitem", name="User Accounts")).to_be_hidden()
    expect(administration).to_have_attribute("aria-expanded", "false")
    administration.click()
    expect(administration).to_have_attribute("aria-expanded", "true")
    page.get_by_role("menuitem", name="User Accounts").click()
    f = frame(page)
    expect(f.get_by_role("heading", name="User Accounts", exact=True)).to_be_visible()
    return f


def choose_access_type(page: Page, f: FrameLocator, current: str, wanted: str) -> None:
    combobox = f.get_by_role("combobox", name="Access Type")
    expect(combobox).to_have_text(current)
    combobox.click()
    listbox = f.get_by_role("listbox", name="Access Type")
    expect(listbox).to_be_visible()
    # Drawn at the end of the frame's <body>, not beside the field.
    assert listbox.evaluate("e => e.closest('.ts-dropdown').parentElement === document.body")
    assert listbox.evaluate("e => !e.closest('form')")
    listbox.get_by_role("option", name=wanted, exact=True).click()
    expect(listbox).to_be_hidden()
    expect(combobox).to_have_text(wanted)


def search_clinicians(page: Page, f: FrameLocator) -> None:
    choose_access_type(page, f, "All", "Clinician")
    f.get_by_role("button", name="Search", exact=True).click()
    expect(f.get_by_role("heading", name="Search Results")).to_be_visible()


def results(f: FrameLocator) -> Locator:
    return f.get_by_role("table").filter(has=f.get_by_role("columnheader", name="Username")).locator("tbody tr")


def open_account(page: Page, sb: Sandbox, username: str = JANE) -> FrameLocator:
    page.goto(sb.portal_url.replace("/login", f"/admin/users/{username}"))
    f = frame(page)
    expect(f.get_by_role("heading", name="Edit User Account")).to_be_visible()
    return f


def field(f: FrameLocator, label: str) -> Locator:
    """The control labelled with these words, whatever decorates them (a required field's "*")."""
    return f.get_by_label(re.compile(rf"^\s*{re.escape(label)}[\s*:]*$"))


def fill_seed_steps_13_to_17(f: FrameLocator) -> None:
    field(f, "Change Password").fill(GOOD)
    field(f, "Confirm New Password").fill(GOOD)
    expect(f.get_by_role("checkbox", name="Allow Emergency Access")).not_to_be_checked()
    f.get_by_role("checkbox", name="Poll Direct Mailbox").check()
    field(f, "Direct Address").fill(JANE_DIRECT)
    field(f, "Change Direct Password").fill(GOOD)
    field(f, "Confirm Direct Password").fill(GOOD)


def confirm_dialog(f: FrameLocator) -> Locator:
    """The <sl-dialog> whose shadow panel is the dialog "Confirm changes": its words and buttons are slotted
    into it from outside, so they are looked for from the component, not from the panel."""
    return f.locator("sl-dialog").filter(has=f.get_by_role("dialog", name="Confirm changes"))


def click_save(f: FrameLocator) -> Locator:
    f.get_by_role("button", name="Save", exact=True).click()
    expect(f.get_by_role("dialog", name="Confirm changes")).to_be_visible()
    dialog = confirm_dialog(f)
    expect(dialog.get_by_text("Save changes to this user account?")).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"^Username: \d{10}$"))).to_be_visible()
    return dialog


def save_and_confirm(f: FrameLocator) -> None:
    dialog = click_save(f)
    dialog.get_by_role("button", name="Save changes").click()
    expect(f.get_by_role("dialog", name="Confirm changes")).to_be_hidden()


def toast(f: FrameLocator, words: str) -> Locator:
    """The Shoelace toast with these words (its role=alert sits in the shadow root; the words are slotted)."""
    found = f.locator("sl-alert").filter(has_text=words)
    expect(found).to_be_visible()
    assert found.evaluate("e => e.parentElement.classList.contains('sl-toast-stack')")
    expect(f.get_by_role("alert")).to_have_count(1)
    return found


def expect_passwords_emptied(f: FrameLocator) -> None:
    for label in PASSWORD_LABELS:
        expect(field(f, label)).to_have_value("")


def test_portal_seed_steps_6_to_18(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)                                   # step 6
    mark_page(page)
    expect(frame(page).locator("#boot")).to_be_attached()  # the frame is fetched after the welcome shows
    loads = page_loads(sandbox, "portal")
    top_url = page.url
    f = open_user_accounts(page)                                   # step 7
    users_url = page.url
    assert users_url.endswith("/admin/users") and users_url != top_url
    expect_same_page(page)
    assert page_loads(sandbox, "portal") == loads  # the frame was loaded once, after login

    choose_access_type(page, f, "All", "Clinician")                # step 8
    inner = user_accounts_frame(page)
    frame_url = inner.url
    f.get_by_role("button", name="Search", exact=True).click()     # step 9: results in place, no address change
    rows = results(f)
    expect(rows).to_have_count(10)
    expect(f.get_by_text("1–10 of 27")).to_be_visible()
    assert page.url == users_url and inner.url == frame_url
    expect(f.get_by_role("link", name="mrivera82")).to_have_count(0)
    jane = f.get_by_role("link", name=JANE, exact=True)
    expect(jane).to_have_count(0)

    previous = f.get_by_role("button", name="Previous page")
    following = f.get_by_role("button", name="Next page")
    expect(previous).to_be_disabled()
    assert following.inner_text().strip() == ""                   # an arrow: its name is only its aria-label
    following.click()
    expect(f.get_by_text("11–20 of 27")).to_be_visible()
    expect(jane).to_have_count(0)
    following.click()
    expect(f.get_by_text("21–27 of 27")).to_be_visible()
    expect(rows).to_have_count(7)
    expect(following).to_be_disabled()
    expect(jane).to_be_visible()
    assert page.url == users_url and inner.url == frame_url
    assert [p for _s, _m, p, _st in sandbox.requests if p == "/api/admin/users"] == ["/api/admin/users"] * 3

    jane.click()                                                   # step 10: client-side routing inside the frame
    expect(f.get_by_role("heading", name="Edit User Account")).to_be_visible()
    assert inner.url.endswith(f"/admin/frame/users/{JANE}") and page.url == users_url
    heading = f.get_by_role("heading", name="User Account Information")
    expect(heading).not_to_be_in_viewport()                        # below the fold of the frame
    heading.scroll_into_view_if_needed()                           # step 11
    expect(heading).to_be_in_viewport()
    expect(field(f, "Username")).to_have_value(JANE)
    expect(field(f, "Username")).not_to_be_editable()
    expect(field(f, "Display Name")).to_have_value(JANE)            # step 12 left as it is

    fill_seed_steps_13_to_17(f)                                    # steps 13-17
    dialog = click_save(f)                                         # the confirm dialog: Cancel sends nothing
    dialog.get_by_role("button", name="Cancel").click()
    expect(f.get_by_role("dialog", name="Confirm changes")).to_be_hidden()
    assert posts(sandbox) == []
    expect(field(f, "Change Password")).to_have_value(GOOD)
    assert sandbox.state.account(JANE).password is None

    save_and_confirm(f)                                            # step 18
    saved = toast(f, SAVED_MESSAGE)
    assert saved.evaluate("e => e.textContent.trim()") == SAVED_MESSAGE  # its own words, nothing else
    shown = time.monotonic()
    expect_passwords_emptied(f)
    expect(f.get_by_role("checkbox", name="Poll Direct Mailbox")).to_be_checked()
    expect(field(f, "Direct Address")).to_have_value(JANE_DIRECT)
    assert posts(sandbox) == [(f"/api/admin/users/{JANE}", 200)]
    account = sandbox.state.account(JANE)
    assert (account.password, account.direct_password, account.poll_direct, account.direct_address,
            account.emergency_access, account.inactive, account.roles, account.display_name) == (
        GOOD, GOOD, True, JANE_DIRECT, False, False, [], JANE)

    expect(f.locator("sl-alert")).to_have_count(0, timeout=8000)   # the toast goes by itself, after about 3 s
    assert 2.0 <= time.monotonic() - shown <= 7.5
    expect_same_page(page)
    assert page_loads(sandbox, "portal") == loads

    # Back to the results, as they were; Administration > User Accounts again shows the search.
    f.get_by_role("button", name="Cancel").click()
    expect(f.get_by_text("21–27 of 27")).to_be_visible()
    f.get_by_role("link", name=JANE, exact=True).click()
    expect(f.get_by_role("heading", name="Edit User Account")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()
    open_user_accounts(page)
    expect_same_page(page)
    assert page_loads(sandbox, "portal") == loads


def test_refused_save_is_answered_in_a_toast_with_the_reason(page: Page, sandbox: Sandbox) -> None:
    sandbox.faults.refuse_save.add(JANE)
    portal_log_in(page, sandbox)
    f = open_account(page, sandbox)
    before = sandbox.state.account(JANE)
    fill_seed_steps_13_to_17(f)
    save_and_confirm(f)
    refused = toast(f, REFUSED_MESSAGE)
    expect(refused).to_contain_text("The user account was not saved.")
    expect(refused).not_to_contain_text(SAVED_MESSAGE)
    expect_passwords_emptied(f)
    assert sandbox.state.account(JANE) == before


def test_validation_errors_in_the_toast_and_beside_the_fields(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    f = open_account(page, sandbox)
    field(f, "Change Password").fill(GOOD)
    field(f, "Confirm New Password").fill("something-else")
    save_and_confirm(f)
    toast(f, "Please correct the following:")
    expect(f.locator("sl-alert")).to_contain_text("The passwords do not match.")
    expect(field(f, "Confirm New Password")).to_have_accessible_description(re.compile("The passwords do not match."))
    assert sandbox.state.account(JANE).password is None


def test_save_applied_but_answered_500(page: Page, sandbox: Sandbox) -> None:
    sandbox.faults.save_5xx.add(JANE)
    portal_log_in(page, sandbox)
    f = open_account(page, sandbox)
    fill_seed_steps_13_to_17(f)
    save_and_confirm(f)
    failed = toast(f, "Something went wrong.")
    expect(failed).to_contain_text("500")
    expect(failed).not_to_contain_text(SAVED_MESSAGE)
    account = sandbox.state.account(JANE)
    assert (account.password, account.poll_direct, account.direct_address) == (GOOD, True, JANE_DIRECT)


def test_search_xhr_503_shows_an_error_and_search_again_works(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    f = open_user_accounts(page)
    choose_access_type(page, f, "All", "Clinician")
    sandbox.faults.error_rate = 1.0
    f.get_by_role("button", name="Search", exact=True).click()
    alert = f.get_by_role("alert")
    expect(alert).to_contain_text("Service Temporarily Unavailable")
    expect(alert).to_contain_text("try again")
    expect(f.get_by_role("heading", name="Search Results")).to_have_count(0)
    sandbox.faults.error_rate = 0.0
    f.get_by_role("button", name="Search", exact=True).click()
    expect(f.get_by_text("1–10 of 27")).to_be_visible()
    expect(alert).to_have_count(0)


def test_session_expiry_draws_the_login_form_in_place_then_carry_on(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    f = open_account(page, sandbox)
    mark_page(page)
    url = page.url
    loads = page_loads(sandbox, "portal")
    before = sandbox.state.account(JANE)
    fill_seed_steps_13_to_17(f)
    sandbox.faults.session_expiry_after = 0  # the session's next request ends it
    save_and_confirm(f)

    # The top document draws its login form in place of the screen: no page load, the same address.
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(EXPIRED_MESSAGE)
    expect(page.locator("iframe[title='User Accounts']")).to_be_hidden()
    assert posts(sandbox) == [(f"/api/admin/users/{JANE}", 401)]
    assert sandbox.state.account(JANE) == before
    assert page.url == url
    expect_same_page(page)

    sandbox.faults.session_expiry_after = None
    page.get_by_label("Username").fill(sandbox.portal_username)
    page.get_by_label("Password", exact=True).fill(sandbox.portal_password)
    page.get_by_role("button", name="Log in").click()
    expect(f.get_by_role("heading", name="Edit User Account")).to_be_visible()
    toast(f, "Click Save again to save your changes.")
    expect(field(f, "Change Password")).to_have_value(GOOD)        # what was typed is still there
    save_and_confirm(f)
    toast(f, SAVED_MESSAGE)
    account = sandbox.state.account(JANE)
    assert (account.password, account.poll_direct, account.direct_address) == (GOOD, True, JANE_DIRECT)
    assert page.url == url and page_loads(sandbox, "portal") == loads
    expect_same_page(page)


def test_session_expiry_under_a_search_logs_in_and_shows_the_results(page: Page, sandbox: Sandbox) -> None:
    portal_log_in(page, sandbox)
    f = open_user_accounts(page)
    choose_access_type(page, f, "All", "Clinician")
    sandbox.faults.session_expiry_after = 0
    f.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(EXPIRED_MESSAGE)
    sandbox.faults.session_expiry_after = None
    page.get_by_label("Username").fill(sandbox.portal_username)
    page.get_by_label("Password", exact=True).fill(sandbox.portal_password)
    page.get_by_role("button", name="Log in").click()
    expect(f.get_by_text("1–10 of 27")).to_be_visible()             # the read was sent again


def test_portal_passwords_shown_as_magenta_text(page: Page) -> None:
    with Sandbox(skin="spa", faults=Faults(secrets_as_text=True, gates={}, cookie_banner=set())) as sb:
        page.goto(sb.portal_url)
        login_password = page.get_by_label("Password", exact=True)
        assert login_password.evaluate("e => [e.type, getComputedStyle(e).color]") == ["text", MAGENTA]
        page.get_by_label("Username").fill(sb.portal_username)
        login_password.fill(sb.portal_password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Welcome, Dana")).to_be_visible()  # signed in before the next address
        f = open_account(page, sb)
        for label in PASSWORD_LABELS:
            assert field(f, label).evaluate("e => [e.type, getComputedStyle(e).color]") == ["text", MAGENTA], label
        assert SECRET_TEXT_COLOR == "#ff00ff"


@pytest.mark.parametrize("sandbox_options", [{"skin": "spa", "odd_data": True, "faults": Faults(gates={}, cookie_banner=set())}])
def test_odd_names_are_shown_as_text(page: Page, sandbox: Sandbox) -> None:
    maxmd_log_in(page, sandbox)
    page.get_by_role("link", name="Details", exact=True).click()
    page.get_by_text(WORKFLOWS).click()
    expect(entries(page).filter(has_text="Eve <script>alert(1)</script>, OD")).to_have_count(1)
    expect(entries(page).filter(has_text="Wesley Spacer, OD")).to_contain_text("wesley.spacer@direct.brightsideeye.com")
    portal_log_in(page, sandbox)
    f = open_user_accounts(page)
    search_clinicians(page, f)
    eve = results(f).filter(has_text="<script>alert(1)</script>")
    expect(f.get_by_text("1–10 of 33")).to_be_visible()
    for first in (11, 21, 31):
        if eve.count():
            break
        f.get_by_role("button", name="Next page").click()
        expect(f.get_by_text(re.compile(rf"^{first}–"))).to_be_visible()
    expect(eve).to_have_count(1)
    expect(eve.get_by_role("link")).to_have_text(sandbox.odd_npis[1])
