"""Both sandbox sites through Flask's test client: logins, redirects, pages, and every Save rule."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from robot.sandbox import SEEDED_NPIS, PortalAccount, Sandbox

JANE = SEEDED_NPIS["Jane Okafor"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
PRIYA = SEEDED_NPIS["Priya Raman"]
AISHA = SEEDED_NPIS["Aisha Bello"]
GOOD = "Str0ng-Pass!"


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox()


@pytest.fixture
def maxmd(sb: Sandbox) -> FlaskClient:
    client = sb.maxmd_app.test_client()
    response = client.post("/login", data={"username": sb.maxmd_username, "password": sb.maxmd_password})
    assert response.status_code == 303
    return client


@pytest.fixture
def portal(sb: Sandbox) -> FlaskClient:
    client = sb.portal_app.test_client()
    response = client.post("/login", data={"username": sb.portal_username, "password": sb.portal_password})
    assert response.status_code == 303
    return client


def browser_form(account: PortalAccount, **changes: Any) -> dict[str, Any]:
    """What a browser submits for an untouched account page, then ``changes`` (None removes a field)."""
    data: dict[str, Any] = {
        "display_name": account.display_name,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "password": "",
        "confirm_password": "",
        "direct_address": account.direct_address or "",
        "direct_password": "",
        "confirm_direct_password": "",
        "roles": list(account.roles),
    }
    for box in ("emergency_access", "poll_direct", "inactive"):
        if getattr(account, box):
            data[box] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def complete_setup(**changes: Any) -> dict[str, Any]:
    """Steps 13-17 for a fresh account, as the robot would fill them."""
    return {
        "password": GOOD, "confirm_password": GOOD, "poll_direct": "on", "direct_address": JANE_DIRECT,
        "direct_password": GOOD, "confirm_direct_password": GOOD, **changes,
    }


def alerts(html: str) -> list[str]:
    block = re.search(r'role="alert".*?</div>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(0)) if block else []


def save(sb: Sandbox, portal: FlaskClient, username: str, **changes: Any) -> Any:
    return portal.post(f"/admin/users/{username}", data=browser_form(sb.state.account(username), **changes))


# --- MaxMD ---------------------------------------------------------------------------------------


def test_maxmd_redirects_to_login_without_session(sb: Sandbox) -> None:
    client = sb.maxmd_app.test_client()
    for path in ("/", "/details", "/workflows"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_maxmd_login_refused(sb: Sandbox) -> None:
    client = sb.maxmd_app.test_client()
    response = client.post("/login", data={"username": sb.maxmd_username, "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert">Invalid username or password.' in response.text
    assert client.get("/").status_code == 302


def test_maxmd_login_follows_next(sb: Sandbox) -> None:
    client = sb.maxmd_app.test_client()
    login_page = client.get("/workflows", follow_redirects=True)
    assert "MaxMD Provisioning Tool" in login_page.text and 'value="/workflows"' in login_page.text
    response = client.post("/login", data={"username": sb.maxmd_username, "password": sb.maxmd_password,
                                           "next": "/workflows"})
    assert response.headers["Location"] == "/workflows"
    # Off-site targets are not followed.
    response = client.post("/login", data={"username": sb.maxmd_username, "password": sb.maxmd_password,
                                           "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_maxmd_pages(sb: Sandbox, maxmd: FlaskClient) -> None:
    home = maxmd.get("/").text
    assert "Brightside Eye Care" in home and '<a class="button-link" href="/details">Details</a>' in home
    assert "Sign Out" in home
    details = maxmd.get("/details").text
    assert "Identity Proofing Information" in details and "Verified" in details
    assert sb.state.practice.organization_npi in details
    # The workflows link is the last thing in the page's content.
    assert details.index("Click to view status of provisioning workflows") > details.index("Verified date")
    workflows = maxmd.get("/workflows").text
    assert '<ul class="workflows" aria-label="Provisioned providers">' in workflows
    assert "<h3>Jane Okafor, OD</h3>" in workflows and f"<p>NPI: {JANE}</p>" in workflows
    assert f'<div class="direct-box">{JANE_DIRECT}</div>' in workflows
    assert workflows.count('class="direct-box"') == 7
    assert workflows.count("Provisioning in progress") == 1
    assert "Workflow status: Pending" in workflows
    ortiz = workflows[workflows.index("Samuel Ortiz"):]
    ortiz = ortiz[: ortiz.index("</li>")]
    assert "NPI:" not in ortiz and "samuel.ortiz@" in ortiz


def test_maxmd_logout_and_404(maxmd: FlaskClient) -> None:
    assert maxmd.get("/no-such-page").status_code == 404
    response = maxmd.get("/logout")
    assert response.status_code == 302
    assert maxmd.get("/").status_code == 302


# --- portal: login, navigation, search -------------------------------------------------------------


def test_portal_redirects_to_login_without_session(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    for path in ("/home", "/admin/users", f"/admin/users/{JANE}"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    response = client.post(f"/admin/users/{JANE}", data=complete_setup(display_name=JANE))
    assert response.status_code == 303 and "/login?next=" in response.headers["Location"]
    assert sb.state.account(JANE).saves == 0


@pytest.mark.parametrize("username, password", [("wrong", "x"), ("admin", ""), ("mrivera82", "Patient-Pass-1")])
def test_portal_login_refused(sb: Sandbox, username: str, password: str) -> None:
    client = sb.portal_app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 200
    assert 'role="alert">The username or password is incorrect.' in response.text
    assert client.get("/home").status_code == 302


def test_portal_login_accepted_with_next(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    response = client.post("/login", data={"username": sb.portal_username, "password": sb.portal_password,
                                           "next": "/admin/users?access_type=Clinician"})
    assert response.headers["Location"] == "/admin/users?access_type=Clinician"
    home = client.get("/home").text
    assert '<nav class="main" aria-label="Main">' in home
    assert 'aria-haspopup="true" aria-expanded="false"' in home and 'role="menu"' in home
    assert '<a role="menuitem" href="/admin/users">User Accounts</a>' in home


def test_user_search_before_and_after(sb: Sandbox, portal: FlaskClient) -> None:
    before = portal.get("/admin/users").text
    assert "Choose an Access Type and click Search." in before and "<table" not in before
    clinicians = portal.get("/admin/users?access_type=Clinician").text
    assert "<caption>Search results</caption>" in clinicians
    links = re.findall(r'<a href="/admin/users/([^"]+)">\1</a>', clinicians)
    expected = sorted(a.username for a in sb.state.accounts.values() if a.access_type == "Clinician")
    assert sorted(links) == expected and len(links) == 8
    for hidden in ("mrivera82", "lwatts.front", sb.portal_username):
        assert hidden not in clinicians


@pytest.mark.parametrize("access_type, count", [("Patient", 3), ("Staff", 2), ("Administrator", 1), ("All", 14)])
def test_user_search_filters_exactly(portal: FlaskClient, access_type: str, count: int) -> None:
    html = portal.get(f"/admin/users?access_type={access_type}").text
    assert len(re.findall(r'<a href="/admin/users/[^"]+">', html)) == count
    assert "Inactive" in portal.get("/admin/users?access_type=Patient").text


def test_account_page_prefilled_and_passwords_empty(sb: Sandbox, portal: FlaskClient) -> None:
    html = portal.get(f"/admin/users/{PRIYA}").text
    assert "Edit User Account" in html and "User Account Information" in html
    assert 'id="direct-address" name="direct_address" value="priya.raman@direct.brightsideeye.com"' in html
    assert 'name="poll_direct" value="on" checked' in html
    assert sb.state.account(PRIYA).password not in html  # type: ignore[operator]
    assert html.count('type="password"') == 4 and html.count('value="" autocomplete="new-password"') == 4
    assert html.count("<tr><td>") >= 15  # the login history pushing the section down


def test_unknown_account_is_404(portal: FlaskClient) -> None:
    assert portal.get("/admin/users/9999999999").status_code == 404
    assert portal.post("/admin/users/9999999999", data={"display_name": "x"}).status_code == 404


# --- portal: Save --------------------------------------------------------------------------------


def test_valid_save_applies_and_confirms(sb: Sandbox, portal: FlaskClient) -> None:
    response = save(sb, portal, JANE, **complete_setup())
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/users/{JANE}"
    page = portal.get(f"/admin/users/{JANE}").text
    assert 'role="status">User account saved.' in page
    assert "User account saved." not in portal.get(f"/admin/users/{JANE}").text  # shown once
    account = sb.state.account(JANE)
    assert (account.password, account.direct_password, account.direct_address) == (GOOD, GOOD, JANE_DIRECT)
    assert account.poll_direct and not account.emergency_access and account.saves == 1
    assert (account.first_name, account.last_name, account.username) == ("Jane", "Okafor", JANE)
    assert "Saved user account" in portal.get("/admin/audit").text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"display_name": ""}, "Display Name is required."),
        ({"confirm_password": GOOD + "x"}, "The passwords do not match."),
        ({"password": "", "confirm_password": GOOD}, "The passwords do not match."),
        ({"password": "short1!", "confirm_password": "short1!"}, "The password must be at least 8 characters"),
        ({"password": "alllower1!", "confirm_password": "alllower1!"}, "The password must be at least 8 characters"),
        ({"password": "ALLUPPER1!", "confirm_password": "ALLUPPER1!"}, "The password must be at least 8 characters"),
        ({"password": "NoDigits!!", "confirm_password": "NoDigits!!"}, "The password must be at least 8 characters"),
        ({"password": "NoSpecial12", "confirm_password": "NoSpecial12"}, "The password must be at least 8 characters"),
        ({"confirm_direct_password": "Other-Pass1"}, "The Direct passwords do not match."),
        ({"direct_password": "weakpass", "confirm_direct_password": "weakpass"},
         "The Direct password must be at least 8 characters"),
        ({"email": "not-an-email"}, "Email Address is not a valid e-mail address."),
        ({"email": "a@b"}, "Email Address is not a valid e-mail address."),
        ({"direct_address": "jane.okafor@"}, "Direct Address is not a valid e-mail address."),
        ({"direct_address": ""}, "Poll Direct Mailbox requires a Direct Address."),
        ({"direct_password": "", "confirm_direct_password": ""}, "Poll Direct Mailbox requires a Direct password."),
    ],
)
def test_invalid_save_changes_nothing(sb: Sandbox, portal: FlaskClient, changes: dict[str, str], message: str) -> None:
    before = sb.state.account(JANE)
    response = save(sb, portal, JANE, **complete_setup(**changes))
    assert response.status_code == 200
    found = alerts(response.text)
    assert any(m.startswith(message) for m in found), found
    assert sb.state.account(JANE) == before
    # What was typed is shown again, passwords excepted.
    assert f'value="{changes.get("direct_address", JANE_DIRECT)}"' in response.text
    assert GOOD not in response.text
    assert "User account saved." not in response.text


def test_several_messages_at_once(sb: Sandbox, portal: FlaskClient) -> None:
    response = save(sb, portal, JANE, **complete_setup(display_name="", confirm_password="x", email="bad"))
    assert len(alerts(response.text)) == 3


def test_direct_address_cannot_change_once_set(sb: Sandbox, portal: FlaskClient) -> None:
    before = sb.state.account(AISHA)
    response = save(sb, portal, AISHA, direct_address="aisha.bello@direct.brightsideeye.com")
    assert "The Direct address cannot be changed once it has been set up." in alerts(response.text)
    response = save(sb, portal, AISHA, direct_address="", poll_direct=None)
    assert "The Direct address cannot be changed once it has been set up." in alerts(response.text)
    assert sb.state.account(AISHA) == before


def test_direct_address_compared_case_insensitively(sb: Sandbox, portal: FlaskClient) -> None:
    response = save(sb, portal, PRIYA, direct_address="Priya.Raman@DIRECT.brightsideeye.com")
    assert response.status_code == 303
    assert sb.state.account(PRIYA).direct_address == "priya.raman@direct.brightsideeye.com"


def test_poll_with_stored_direct_password(sb: Sandbox, portal: FlaskClient) -> None:
    # Priya's Direct password is stored: polling needs no new one typed, and passwords are kept.
    before = sb.state.account(PRIYA)
    response = save(sb, portal, PRIYA, email="p.raman@brightsideeye.com")
    assert response.status_code == 303
    after = sb.state.account(PRIYA)
    assert after.password == before.password and after.direct_password == before.direct_password
    assert after.email == "p.raman@brightsideeye.com" and after.saves == before.saves + 1


def test_unchecked_boxes_are_applied_as_false(sb: Sandbox, portal: FlaskClient) -> None:
    herrera = SEEDED_NPIS["Tomás Herrera"]
    assert sb.state.account(herrera).emergency_access
    response = save(sb, portal, herrera, emergency_access=None)
    assert response.status_code == 303
    assert not sb.state.account(herrera).emergency_access


@pytest.mark.parametrize("username", ["lwatts.front", "kfoster.eyes", PRIYA])
def test_password_only_save_keeps_other_controls(sb: Sandbox, portal: FlaskClient, username: str) -> None:
    before = sb.state.account(username)
    response = save(sb, portal, username, password=GOOD, confirm_password=GOOD)
    assert response.status_code == 303
    after = sb.state.account(username)
    assert after.password == GOOD
    assert (after.inactive, after.roles, after.poll_direct, after.direct_address, after.emergency_access) == (
        before.inactive, before.roles, before.poll_direct, before.direct_address, before.emergency_access)


def test_username_never_changes(sb: Sandbox, portal: FlaskClient) -> None:
    data = browser_form(sb.state.account(JANE), username="someone-else", display_name="Dr. Jane Okafor")
    response = portal.post(f"/admin/users/{JANE}", data=data)
    assert response.status_code == 303
    assert sb.state.account(JANE).display_name == "Dr. Jane Okafor"
    assert "someone-else" not in sb.state.accounts


def test_roles_round_trip_and_change(sb: Sandbox, portal: FlaskClient) -> None:
    html = portal.get("/admin/users/lwatts.front").text
    assert 'name="roles" value="Scheduling" checked' in html and 'name="roles" value="Billing" checked' in html
    response = save(sb, portal, "lwatts.front", roles=["Reports", "Not A Role"])
    assert response.status_code == 303
    assert sb.state.account("lwatts.front").roles == ["Reports"]
