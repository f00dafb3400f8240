"""The sandbox's legacy skin through Flask's test client: unlabelled table layouts, the paged grid,
the alert() after Save, the MaxMD provider table; and the default skin left as it was."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from robot.sandbox import (
    LEGACY_EXTRA_PROVIDERS,
    LEGACY_PAGE_SIZE,
    ODD_PROVIDERS,
    SEEDED_NPIS,
    PortalAccount,
    Sandbox,
    npi_is_valid,
)
from robot.sandbox.__main__ import build_parser

JANE = SEEDED_NPIS["Jane Okafor"]
GRACE = SEEDED_NPIS["Grace Whitfield"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
ALERT = 'alert("User account saved.")'

ACCOUNT_LABELS = (
    "Display Name", "First Name", "Last Name", "Email Address", "Change Password", "Confirm New Password",
    "Allow Emergency Access", "Poll Direct Mailbox", "Direct Address", "Change Direct Password",
    "Confirm Direct Password", "Inactive", "Roles",
)


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(skin="legacy")


def logged_in(app_client: FlaskClient, username: str, password: str) -> FlaskClient:
    response = app_client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 303
    return app_client


@pytest.fixture
def portal(sb: Sandbox) -> FlaskClient:
    return logged_in(sb.portal_app.test_client(), sb.portal_username, sb.portal_password)


@pytest.fixture
def maxmd(sb: Sandbox) -> FlaskClient:
    return logged_in(sb.maxmd_app.test_client(), sb.maxmd_username, sb.maxmd_password)


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.get_data(as_text=True))


def assert_unlabelled(html: str) -> None:
    """No <label>, and no input/select/textarea carries anything that names it (id, aria-*, title, placeholder)."""
    assert "<label" not in html.lower()
    assert "aria-label" not in html
    for control in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        for attribute in ("id=", "aria-", "title=", "placeholder="):
            assert attribute not in control, control


def clinician_links(html: str) -> list[str]:
    return re.findall(r'<td><a href="/admin/users/[^"]+">(\d{10})</a></td>', html)


# --- skin selection ------------------------------------------------------------------------------

def test_skin_is_checked_and_defaults_to_default() -> None:
    assert Sandbox().skin == "default"
    assert Sandbox().legacy_npis == []
    with pytest.raises(ValueError):
        Sandbox(skin="retro")


def test_command_line_switch() -> None:
    assert build_parser().parse_args(["--sandbox-skin", "legacy"]).sandbox_skin == "legacy"
    assert build_parser().parse_args([]).sandbox_skin == "default"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--sandbox-skin", "retro"])


def test_generated_providers_are_ready_and_valid(sb: Sandbox) -> None:
    assert len(sb.legacy_npis) == LEGACY_EXTRA_PROVIDERS
    assert len(sb.state.accounts_of_type("Clinician")) >= 30
    entries = {e.npi: e for e in sb.state.entries()}
    for npi in sb.legacy_npis:
        assert npi_is_valid(npi) and npi not in SEEDED_NPIS.values()
        entry = entries[npi]
        assert entry.status == "Complete"
        assert entry.direct_address and entry.direct_address.endswith("@" + sb.state.practice.direct_domain)
        account = sb.state.account(npi)
        assert (account.access_type, account.password, account.direct_address, account.poll_direct) == (
            "Clinician", None, None, False)
    addresses = [e.direct_address for e in entries.values() if e.direct_address]
    assert len(addresses) == len(set(addresses))
    # Deterministic: the same NPIs every time.
    assert Sandbox(skin="legacy").legacy_npis == sb.legacy_npis
    # A generated practice (providers=N) gets no extra providers.
    assert Sandbox(skin="legacy", providers=3).legacy_npis == []


# --- the portal ----------------------------------------------------------------------------------

def test_portal_login_page_is_a_table_without_labels(sb: Sandbox) -> None:
    html = text(sb.portal_app.test_client().get("/login"))
    assert_unlabelled(html)
    assert '<td class="lbl">Username</td><td><input type="text" name="username"' in html
    assert '<td class="lbl">Password</td><td><input type="password" name="password"' in html
    assert '<input type="submit" value="Log In">' in html
    assert "<button" not in html
    wrong = text(sb.portal_app.test_client().post("/login", data={"username": sb.portal_username, "password": "x"}))
    assert re.search(r'<div class="errors" role="alert"><font color="red">The username or password is incorrect.</font></div>', wrong)


def test_portal_menu_opens_on_hover_without_buttons(portal: FlaskClient) -> None:
    html = text(portal.get("/home"))
    assert "<span>Administration</span>" in html
    assert "<button" not in html and "<nav" not in html and 'role="menu' not in html
    assert '<a href="/admin/users">User Accounts</a>' in html
    assert "td.menu:hover div.submenu { display: block; }" in html
    assert "<script" not in html


def test_search_form_and_paging(sb: Sandbox, portal: FlaskClient) -> None:
    form = text(portal.get("/admin/users"))
    assert_unlabelled(form)
    assert '<td class="lbl">Access Type</td>\n    <td><select name="access_type">' in form
    assert '<input type="submit" value="Search">' in form

    clinicians = sorted(a.username for a in sb.state.accounts_of_type("Clinician"))
    assert len(clinicians) > LEGACY_PAGE_SIZE

    page1 = text(portal.get("/admin/users?access_type=Clinician"))
    assert_unlabelled(page1)
    assert clinician_links(page1) == clinicians[:LEGACY_PAGE_SIZE]
    assert "Page 1 of 2" in page1
    assert '<a href="/admin/users?access_type=Clinician&amp;page=2">Next</a>' in page1
    assert ">Previous</a>" not in page1
    assert f"{len(clinicians)} accounts found." in page1

    page2 = text(portal.get("/admin/users?access_type=Clinician&page=2"))
    assert clinician_links(page2) == clinicians[LEGACY_PAGE_SIZE:]
    assert "Page 2 of 2" in page2
    assert '<a href="/admin/users?access_type=Clinician&amp;page=1">Previous</a>' in page2
    assert ">Next</a>" not in page2

    # Jane Okafor (ready) is on page 2 only; Grace Whitfield is the last row of page 1.
    assert JANE not in clinician_links(page1) and JANE in clinician_links(page2)
    assert clinician_links(page1)[-1] == GRACE
    # Out-of-range or junk page numbers land on a real page.
    assert clinician_links(text(portal.get("/admin/users?access_type=Clinician&page=9"))) == clinicians[LEGACY_PAGE_SIZE:]
    assert clinician_links(text(portal.get("/admin/users?access_type=Clinician&page=x"))) == clinicians[:LEGACY_PAGE_SIZE]
    # The filter still hides everyone else.
    assert "mrivera82" not in page1 + page2 and "lwatts.front" not in page1 + page2


def test_one_page_when_few_results(portal: FlaskClient) -> None:
    html = text(portal.get("/admin/users?access_type=Staff"))
    assert "Page 1 of 1" in html and ">Next</a>" not in html and ">Previous</a>" not in html


def test_account_page_is_a_table_without_labels(portal: FlaskClient) -> None:
    html = text(portal.get(f"/admin/users/{JANE}"))
    assert_unlabelled(html)
    for words in ACCOUNT_LABELS:
        assert f'<td class="lbl">{words}</td>' in html, words
    assert '<td class="lbl">Direct Address</td><td><input type="text" name="direct_address"' in html
    assert '<td class="lbl">Poll Direct Mailbox</td><td><input type="checkbox" name="poll_direct" value="on">' in html
    assert '<input type="checkbox" name="roles" value="Clinical Messaging"></td><td>Clinical Messaging</td>' in html
    assert '<input type="submit" value="Save">' in html
    assert "<button" not in html and ALERT not in html and 'role="status"' not in html


def browser_form(account: PortalAccount, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": account.display_name, "first_name": account.first_name, "last_name": account.last_name,
        "email": account.email, "password": "", "confirm_password": "",
        "direct_address": account.direct_address or "", "direct_password": "", "confirm_direct_password": "",
        "roles": list(account.roles),
    }
    for flag in ("emergency_access", "poll_direct", "inactive"):
        if getattr(account, flag):
            data[flag] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_save_success_is_an_alert(sb: Sandbox, portal: FlaskClient) -> None:
    data = browser_form(sb.state.account(JANE), password=GOOD, confirm_password=GOOD, poll_direct="on",
                        direct_address=JANE_DIRECT, direct_password=GOOD, confirm_direct_password=GOOD)
    response = portal.post(f"/admin/users/{JANE}", data=data)
    assert response.status_code == 303
    html = text(portal.get(response.headers["Location"]))
    assert ALERT in html
    assert re.search(r'<script type="text/javascript">\s*alert\("User account saved."\);\s*</script>', html)
    assert 'role="status"' not in html
    assert "User account saved." not in html.replace(ALERT, "")
    account = sb.state.account(JANE)
    assert (account.direct_address, account.poll_direct, account.password) == (JANE_DIRECT, True, GOOD)
    # One-shot: a reload shows no alert.
    assert ALERT not in text(portal.get(f"/admin/users/{JANE}"))


def test_save_errors_render_on_the_page(sb: Sandbox, portal: FlaskClient) -> None:
    data = browser_form(sb.state.account(JANE), password=GOOD, confirm_password="different")
    html = text(portal.post(f"/admin/users/{JANE}", data=data))
    assert re.search(r'<div class="errors" role="alert">\s*<font color="red">', html)
    assert "Please correct the following:" in html and "The passwords do not match." in html
    assert ALERT not in html and 'role="status"' not in html
    assert sb.state.account(JANE).saves == 0


def test_refused_save_renders_on_the_page() -> None:
    sb = Sandbox(skin="legacy")
    sb.faults.refuse_save.add(JANE)
    portal = logged_in(sb.portal_app.test_client(), sb.portal_username, sb.portal_password)
    data = browser_form(sb.state.account(JANE), password=GOOD, confirm_password=GOOD, poll_direct="on",
                        direct_address=JANE_DIRECT, direct_password=GOOD, confirm_direct_password=GOOD)
    html = text(portal.post(f"/admin/users/{JANE}", data=data))
    assert 'role="alert"' in html and "The Direct mailbox could not be verified by MaxMD." in html
    assert ALERT not in html


def test_error_pages_use_the_legacy_skin(sb: Sandbox, portal: FlaskClient) -> None:
    response = portal.get("/admin/users/nobody")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page Not Found" in html and "<span>Administration</span>" in html


# --- MaxMD ---------------------------------------------------------------------------------------

def test_maxmd_login_page_is_a_table_without_labels(sb: Sandbox) -> None:
    html = text(sb.maxmd_app.test_client().get("/login"))
    assert_unlabelled(html)
    assert '<td class="lbl">Username</td><td><input type="text" name="username"' in html
    assert '<td class="lbl">Password</td><td><input type="password" name="password"' in html
    assert '<input type="submit" value="Sign In">' in html and "<button" not in html


def test_maxmd_pages_have_no_headings_and_keep_their_links(maxmd: FlaskClient) -> None:
    home = text(maxmd.get("/"))
    assert '<a href="/details">Details</a>' in home
    details = text(maxmd.get("/details"))
    assert '<font size="4"><b>Identity Proofing Information</b></font>' in details
    assert '<a href="/workflows">Click to view status of provisioning workflows</a>' in details
    for html in (home, details, text(maxmd.get("/workflows"))):
        assert not re.search(r"<h[1-6]\b", html) and 'role="heading"' not in html


def test_maxmd_provider_table(sb: Sandbox, maxmd: FlaskClient) -> None:
    html = text(maxmd.get("/workflows"))
    assert "<tr><th>Provider</th><th>NPI</th><th>Workflow Status</th><th>Direct Address</th></tr>" in html
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td([^>]*)>([^<]*)</td>\s*</tr>", html)
    assert len(rows) == len(sb.state.entries())
    by_name = {r[0]: r for r in rows}
    assert by_name["Jane Okafor, OD"][1:] == ("1234567893", "Complete", ' style="background:#d4f7d4"', JANE_DIRECT)
    grace = by_name["Grace Whitfield, OD"]
    assert grace[1:3] == (GRACE, "Pending") and grace[4] == "Provisioning in progress" and "d4f7d4" not in grace[3]
    assert by_name["Samuel Ortiz, OD"][1] == ""  # his entry shows no NPI
    for npi in sb.legacy_npis:
        assert any(r[1] == npi and r[2] == "Complete" and "d4f7d4" in r[3] for r in rows)


def test_odd_data_in_the_legacy_table() -> None:
    sb = Sandbox(skin="legacy", odd_data=True)
    maxmd = logged_in(sb.maxmd_app.test_client(), sb.maxmd_username, sb.maxmd_password)
    html = text(maxmd.get("/workflows"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    spacer = next(o for o in ODD_PROVIDERS if o.padded)
    row = re.search(r"<tr>\s*<td>\s*Wesley\s+Spacer,\s+OD\s*</td>\s*<td>\s*(\d{10})\s*</td>", html)
    assert row and row.group(1) == sb.odd_npis[ODD_PROVIDERS.index(spacer)]


# --- the default skin is unchanged ----------------------------------------------------------------

def test_default_skin_unchanged() -> None:
    sb = Sandbox()
    assert len(sb.state.accounts_of_type("Clinician")) == 8
    portal = logged_in(sb.portal_app.test_client(), sb.portal_username, sb.portal_password)
    html = text(portal.get("/admin/users?access_type=Clinician"))
    assert '<label for="access-type">Access Type</label>' in html and '<button type="submit">Search</button>' in html
    assert len(clinician_links(html)) == 8 and "Page 1 of" not in html and ">Next</a>" not in html
    data = browser_form(sb.state.account(JANE), password=GOOD, confirm_password=GOOD)
    response = portal.post(f"/admin/users/{JANE}", data=data)
    saved = text(portal.get(response.headers["Location"]))
    assert '<div class="status" role="status">User account saved.</div>' in saved and ALERT not in saved
    maxmd = logged_in(sb.maxmd_app.test_client(), sb.maxmd_username, sb.maxmd_password)
    assert '<ul class="workflows" aria-label="Provisioned providers">' in text(maxmd.get("/workflows"))
    assert "<h1>Identity Proofing Information</h1>" in text(maxmd.get("/details"))
