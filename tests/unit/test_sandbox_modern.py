"""The sandbox's modern skin through Flask's test client: the JSON its scripts use (MaxMD's workflow list,
the portal's search and the XHR Save), login and faults on every XHR, and the vendored libraries it serves."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from robot.sandbox import (
    EXPIRED_MESSAGE,
    MODERN_EXTRA_PROVIDERS,
    MODERN_PAGE_SIZE,
    REFUSED_MESSAGE,
    SAVED_MESSAGE,
    SEEDED_NPIS,
    Faults,
    PortalAccount,
    Sandbox,
    npi_is_valid,
)
from robot.sandbox import _portal
from robot.sandbox.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "fixtures" / "vendor"
MODERN = ROOT / "fixtures" / "html" / "modern"

JANE = SEEDED_NPIS["Jane Okafor"]
PRIYA = SEEDED_NPIS["Priya Raman"]
GRACE = SEEDED_NPIS["Grace Whitfield"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
XHR = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/javascript, */*; q=0.01"}

# Each vendored library: its folder, the version its README names, its licence file, the files pages load.
LIBRARIES = {
    "bootstrap": ("5.3.9", "LICENSE", ["css/bootstrap.min.css", "js/bootstrap.bundle.min.js"]),
    "jquery": ("3.7.1", "LICENSE.txt", ["jquery.min.js"]),
    "select2": ("4.1.0", "LICENSE.md", ["css/select2.min.css", "js/select2.min.js"]),
    "select2-bootstrap-5-theme": ("1.3.0", "LICENSE", ["select2-bootstrap-5-theme.min.css"]),
    "datatables.net": ("2.3.8", "License.txt", ["js/dataTables.min.js"]),
    "datatables.net-bs5": ("2.3.8", "License.txt", ["css/dataTables.bootstrap5.min.css", "js/dataTables.bootstrap5.min.js"]),
}


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(skin="modern")


def logged_in(app: Flask, username: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 303
    return client


@pytest.fixture
def portal(sb: Sandbox) -> FlaskClient:
    return logged_in(sb.portal_app, sb.portal_username, sb.portal_password)


@pytest.fixture
def maxmd(sb: Sandbox) -> FlaskClient:
    return logged_in(sb.maxmd_app, sb.maxmd_username, sb.maxmd_password)


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.get_data(as_text=True))


def csrf_token(client: FlaskClient, username: str = JANE) -> str:
    html = text(client.get(f"/admin/users/{username}"))
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert match, "the account page carries its CSRF token"
    return match.group(1)


def form_of(account: PortalAccount, **changes: Any) -> dict[str, Any]:
    """What jQuery's serialize() sends for the account form as the page shows it, with changes
    (None drops a field: an unchecked checkbox is not sent)."""
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


def ready_changes() -> dict[str, Any]:
    return {"password": GOOD, "confirm_password": GOOD, "poll_direct": "on", "direct_address": JANE_DIRECT,
            "direct_password": GOOD, "confirm_direct_password": GOOD}


def xhr_save(client: FlaskClient, username: str, data: dict[str, Any], token: str | None) -> Any:
    headers = dict(XHR)
    if token is not None:
        headers["X-CSRF-Token"] = token
    return client.post(f"/admin/users/{username}", data=data, headers=headers)


def assert_json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


# --- skin selection and the seeded practice ------------------------------------------------------

def test_modern_is_a_skin_on_both_switches() -> None:
    assert Sandbox(skin="modern").skin == "modern"
    assert build_parser().parse_args(["--sandbox-skin", "modern"]).sandbox_skin == "modern"
    assert build_parser().parse_args([]).sandbox_skin == "default"


def test_seeded_practice_has_more_than_one_grid_page_of_clinicians(sb: Sandbox) -> None:
    assert len(sb.modern_npis) == MODERN_EXTRA_PROVIDERS and sb.legacy_npis == []
    clinicians = sorted(a.username for a in sb.state.accounts_of_type("Clinician"))
    assert len(clinicians) > MODERN_PAGE_SIZE
    # DataTables sorts by Username: Jane Okafor (ready) is on page 2, Grace Whitfield last on page 1.
    assert clinicians.index(JANE) >= MODERN_PAGE_SIZE
    assert clinicians[MODERN_PAGE_SIZE - 1] == GRACE
    entries = {e.npi: e for e in sb.state.entries()}
    for npi in sb.modern_npis:
        assert npi_is_valid(npi) and npi not in SEEDED_NPIS.values()
        assert entries[npi].status == "Complete" and entries[npi].direct_address
    assert Sandbox(skin="modern").modern_npis == sb.modern_npis  # deterministic
    assert Sandbox(skin="modern", providers=3).modern_npis == []
    assert Sandbox().modern_npis == [] and Sandbox(skin="legacy").modern_npis == []


# --- vendored libraries --------------------------------------------------------------------------

@pytest.mark.parametrize("folder", sorted(LIBRARIES))
def test_every_vendored_library_has_its_licence_and_readme(folder: str) -> None:
    version, licence, files = LIBRARIES[folder]
    base = VENDOR / folder
    assert (base / licence).is_file() and "Permission is hereby granted" in (base / licence).read_text()
    readme = (base / "README.md").read_text()
    assert version in readme and "MIT" in readme
    index = (VENDOR / "README.md").read_text()
    assert f"| `{folder}` | {version} | MIT |" in index
    for name in files:
        assert (base / name).is_file(), name
    # Minified files only, no source maps or unminified copies.
    for path in base.rglob("*"):
        if path.suffix in (".js", ".css"):
            assert ".min." in path.name, path
        assert path.suffix != ".map", path


def test_vendored_size_is_modest() -> None:
    # The modern skin's libraries (fixtures/vendor/ also holds the spa skin's: tests/unit/test_sandbox_spa.py).
    total = sum(p.stat().st_size for folder in LIBRARIES for p in (VENDOR / folder).rglob("*") if p.is_file())
    assert total < 900_000, total


def test_every_vendored_file_is_served_by_both_sites(sb: Sandbox) -> None:
    files = [p for p in VENDOR.rglob("*") if p.is_file()]
    assert len(files) >= 20
    for app in (sb.maxmd_app, sb.portal_app):
        client = app.test_client()  # no session needed: static files
        for path in files:
            response = client.get("/static/vendor/" + path.relative_to(VENDOR).as_posix())
            assert response.status_code == 200, path
            assert response.data == path.read_bytes(), path
            assert "public" in response.headers["Cache-Control"]


def test_vendor_files_are_not_served_by_the_other_skins() -> None:
    for skin in ("default", "legacy"):
        assert Sandbox(skin=skin).portal_app.test_client().get("/static/vendor/jquery/jquery.min.js").status_code == 404


def page_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_pages_load_only_served_local_assets(sb: Sandbox, portal: FlaskClient, maxmd: FlaskClient) -> None:
    seen: set[str] = set()
    for client, paths in ((maxmd, ["/", "/details", "/login"]),
                          (portal, ["/home", "/admin/users", f"/admin/users/{JANE}", "/admin/audit", "/login"])):
        for path in paths:
            html = text(client.get(path))
            assets = page_assets(html)
            assert assets, path
            for asset in assets:
                assert client.get(asset).status_code == 200, asset
                seen.add(asset)
    for folder, (_version, _licence, files) in LIBRARIES.items():
        for name in files:
            assert f"/static/vendor/{folder}/{name}" in seen


def test_no_external_hosts_in_the_modern_templates() -> None:
    sources = [p for p in MODERN.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in sources) and any(p.suffix == ".js" for p in sources)
    for path in sources:
        body = path.read_text()
        assert not re.search(r"https?://", body), path
        assert not re.search(r"""(?:src|href)=["']//""", body), path


# --- MaxMD ---------------------------------------------------------------------------------------

def test_maxmd_details_has_the_button_and_no_workflows_page(maxmd: FlaskClient) -> None:
    home = text(maxmd.get("/"))
    assert re.search(r'<a class="btn[^"]*" href="/details">Details</a>', home)
    details = text(maxmd.get("/details"))
    assert "Identity Proofing Information" in details
    assert re.search(r'<button type="button"[^>]*data-api="/api/workflows">\s*<span class="spinner-border[^>]*></span>\s*'
                     r'<span class="button-text">Click to view status of provisioning workflows</span>\s*</button>', details)
    assert 'href="/workflows"' not in details
    assert maxmd.get("/workflows").status_code == 404


def test_maxmd_workflows_json(sb: Sandbox, maxmd: FlaskClient) -> None:
    body = assert_json(maxmd.get("/api/workflows", headers=XHR), 200)
    entries = sb.state.entries()
    assert body["total"] == len(entries) and body["complete"] + body["pending"] == len(entries)
    by_npi = {w["npi"]: w for w in body["workflows"]}
    assert by_npi[JANE] == {"name": "Jane Okafor, OD", "first_name": "Jane", "last_name": "Okafor", "credential": "OD",
                            "npi": JANE, "status": "Complete", "direct_address": JANE_DIRECT}
    assert by_npi[GRACE]["status"] == "Pending" and by_npi[GRACE]["direct_address"] is None
    samuel = [w for w in body["workflows"] if w["last_name"] == "Ortiz"]
    assert samuel[0]["npi"] is None and samuel[0]["direct_address"]
    assert [w["name"] for w in body["workflows"]] == [e.display_name for e in entries]


def test_maxmd_odd_data_keeps_its_whitespace_in_the_json() -> None:
    sb = Sandbox(skin="modern", odd_data=True)
    client = logged_in(sb.maxmd_app, sb.maxmd_username, sb.maxmd_password)
    body = assert_json(client.get("/api/workflows"), 200)
    spacer = next(w for w in body["workflows"] if w["last_name"] == "Spacer")
    assert spacer["name"] != "Wesley Spacer, OD" and " ".join(spacer["name"].split()) == "Wesley Spacer, OD"
    assert spacer["direct_address"].strip() == "wesley.spacer@direct.brightsideeye.com"
    script = next(w for w in body["workflows"] if w["first_name"] == "Eve")
    assert "<script>" in script["name"]  # data, for the page's script to render as text


def test_maxmd_xhr_needs_a_session(sb: Sandbox) -> None:
    client = sb.maxmd_app.test_client()
    body = assert_json(client.get("/api/workflows", headers=XHR), 401)
    assert body["error"] and body["expired"] is False
    # A page still redirects to the login page.
    response = client.get("/details")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=%2Fdetails")


# --- the portal: search --------------------------------------------------------------------------

def test_users_page_is_select2_and_datatables(portal: FlaskClient) -> None:
    html = text(portal.get("/admin/users"))
    assert '<label for="access-type" class="form-label fw-semibold">Access Type</label>' in html
    assert '<select class="form-select" id="access-type" name="access_type">' in html
    for option in ("All", "Patient", "Clinician", "Staff", "Administrator"):
        assert f'<option value="{option}"' in html
    assert re.search(r'<button type="submit"[^>]*>\s*<span class="spinner-border[^>]*></span>\s*<span class="button-text">Search</span>', html)
    assert "/static/vendor/select2/js/select2.min.js" in html and "/static/vendor/datatables.net/js/dataTables.min.js" in html
    # The grid is filled by the script, not by the server.
    assert "<tbody></tbody>" in html and "/admin/users/1" not in html
    assert 'data-autosearch' not in html
    assert 'data-autosearch="1"' in text(portal.get("/admin/users?access_type=Clinician"))


def test_search_json_filters_by_access_type(sb: Sandbox, portal: FlaskClient) -> None:
    clinicians = assert_json(portal.get("/api/admin/users?access_type=Clinician", headers=XHR), 200)
    usernames = [row["username"] for row in clinicians["data"]]
    assert usernames == sorted(a.username for a in sb.state.accounts_of_type("Clinician"))
    assert clinicians["recordsTotal"] == len(usernames) > MODERN_PAGE_SIZE
    assert {row["access_type"] for row in clinicians["data"]} == {"Clinician"}
    assert "mrivera82" not in usernames and "lwatts.front" not in usernames
    jane = next(row for row in clinicians["data"] if row["username"] == JANE)
    assert (jane["display_name"], jane["first_name"], jane["last_name"], jane["status"]) == (JANE, "Jane", "Okafor", "Active")
    assert not any("password" in key and not key.endswith("_set") for key in jane)

    everyone = assert_json(portal.get("/api/admin/users?access_type=All"), 200)
    kinds = {row["access_type"] for row in everyone["data"]}
    assert kinds == {"Patient", "Clinician", "Staff", "Administrator"}
    patients = assert_json(portal.get("/api/admin/users?access_type=Patient"), 200)
    assert [r["username"] for r in patients["data"]] == sorted(["mrivera82", "tnguyen1975", "kfoster.eyes"])
    assert assert_json(portal.get("/api/admin/users?access_type=Robots"), 400)["error"] == "Choose a valid Access Type."


def test_search_json_empty_result() -> None:
    sb = Sandbox(skin="modern", providers=0)
    client = logged_in(sb.portal_app, sb.portal_username, sb.portal_password)
    body = assert_json(client.get("/api/admin/users?access_type=Clinician"), 200)
    assert body["data"] == [] and body["recordsTotal"] == 0


def test_search_json_needs_a_session(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    assert_json(client.get("/api/admin/users?access_type=Clinician"), 401)
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fadmin%2Fusers"


# --- the portal: the account page and its XHR Save ----------------------------------------------

def test_account_page_markup(portal: FlaskClient) -> None:
    html = text(portal.get(f"/admin/users/{JANE}"))
    assert re.search(r'<div class="card-header[^"]*">\s*<h2 class="h5 mb-0" id="user-account-information-title">'
                     r'User Account Information</h2>', html)
    assert '<label for="username" class="col-sm-4 col-lg-3 col-form-label">Username</label>' in html
    assert f'<input type="text" readonly class="form-control-plaintext fw-semibold" id="username" value="{JANE}">' in html
    for control, label in (("emergency-access", "Allow Emergency Access"), ("poll-direct", "Poll Direct Mailbox"),
                           ("inactive", "Inactive")):
        assert re.search(rf'<div class="form-check form-switch">\s*<input class="form-check-input" type="checkbox" '
                         rf'role="switch" id="{control}"[^>]*>\s*<label class="form-check-label" for="{control}">{label}</label>', html)
    for label in ("Display Name", "First Name", "Last Name", "Email Address", "Change Password", "Confirm New Password",
                  "Direct Address", "Change Direct Password", "Confirm Direct Password"):
        assert re.search(rf'<label for="[a-z-]+" class="col-sm-4 col-lg-3 col-form-label">{label}[ <]', html), label
    assert 'Display Name <span class="text-danger" aria-hidden="true">*</span>' in html
    assert '<input class="form-check-input" type="checkbox" id="role-1" name="roles" value="Clinical Messaging">' in html
    assert html.index("Login History") < html.index("User Account Information")
    assert re.search(r'<span class="button-text">Save</span>', html)
    # The confirmation modal and its two buttons.
    assert '<div class="modal fade" id="confirm-save"' in html
    assert "Save changes to this user account?" in html
    assert '<button type="button" class="btn btn-outline-secondary" data-bs-dismiss="modal">Cancel</button>' in html
    assert '<button type="button" class="btn btn-primary" id="confirm-save-button">Save changes</button>' in html
    assert "/static/app/account.js" in html


def test_xhr_save_applies_and_answers_json(sb: Sandbox, portal: FlaskClient) -> None:
    token = csrf_token(portal)
    before = sb.state.account(JANE)
    body = assert_json(xhr_save(portal, JANE, form_of(before, **ready_changes()), token), 200)
    assert body["message"] == SAVED_MESSAGE
    assert body["account"]["poll_direct"] is True and body["account"]["direct_address"] == JANE_DIRECT
    assert body["account"]["password_set"] is True and "password" not in body["account"]
    after = sb.state.account(JANE)
    assert (after.password, after.direct_password, after.poll_direct, after.direct_address, after.emergency_access) == (
        GOOD, GOOD, True, JANE_DIRECT, False)
    assert after.saves == before.saves + 1
    assert ("portal", "POST", f"/admin/users/{JANE}", 200) in sb.requests


def test_xhr_save_validation_messages_are_the_portals(sb: Sandbox, portal: FlaskClient) -> None:
    token = csrf_token(portal)
    before = sb.state.account(JANE)
    data = form_of(before, display_name="", password=GOOD, confirm_password="other", poll_direct="on")
    expected = _portal.validate(_portal.AccountForm.from_post(_multidict(data)), before)
    body = assert_json(xhr_save(portal, JANE, data, token), 422)
    assert body["errors"] == expected == [
        _portal.MSG_DISPLAY_NAME_REQUIRED, _portal.MSG_PASSWORDS_DIFFER,
        _portal.MSG_POLL_NEEDS_ADDRESS, _portal.MSG_POLL_NEEDS_PASSWORD]
    assert body["error"] == "Please correct the following:"
    assert body["fields"]["display_name"] == [_portal.MSG_DISPLAY_NAME_REQUIRED]
    assert body["fields"]["confirm_password"] == [_portal.MSG_PASSWORDS_DIFFER]
    assert sb.state.account(JANE) == before

    # The Direct address cannot change once set (Priya's is).
    priya = sb.state.account(PRIYA)
    locked = assert_json(xhr_save(portal, PRIYA, form_of(priya, direct_address="someone@else.example"), token), 422)
    assert locked["errors"] == [_portal.MSG_DIRECT_LOCKED]


def _multidict(data: dict[str, Any]) -> Any:
    from werkzeug.datastructures import MultiDict

    items: list[tuple[str, str]] = []
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            items.append((key, one))
    return MultiDict(items)


def test_xhr_save_needs_the_csrf_token(sb: Sandbox, portal: FlaskClient) -> None:
    before = sb.state.account(JANE)
    for token in (None, "not-the-token"):
        body = assert_json(xhr_save(portal, JANE, form_of(before, **ready_changes()), token), 403)
        assert body["error"] == "This page has expired. Reload the page and try again."
    assert sb.state.account(JANE) == before


def test_refused_save(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.refuse_save.add(JANE)
    token = csrf_token(portal)
    before = sb.state.account(JANE)
    body = assert_json(xhr_save(portal, JANE, form_of(before, **ready_changes()), token), 422)
    assert body["errors"] == [REFUSED_MESSAGE]
    assert body["error"] == "The user account was not saved."
    assert sb.state.account(JANE) == before


def test_save_applied_but_answered_500(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.save_5xx.add(JANE)
    token = csrf_token(portal)
    body = assert_json(xhr_save(portal, JANE, form_of(sb.state.account(JANE), **ready_changes()), token), 500)
    assert body["error"] == "Internal Server Error" and SAVED_MESSAGE not in json.dumps(body)
    after = sb.state.account(JANE)
    assert (after.password, after.poll_direct, after.direct_address) == (GOOD, True, JANE_DIRECT)
    assert ("portal", "POST", f"/admin/users/{JANE}", 500) in sb.requests


def test_xhr_save_without_a_session_is_401(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    before = sb.state.account(JANE)
    body = assert_json(xhr_save(client, JANE, form_of(before, **ready_changes()), "x"), 401)
    assert body["expired"] is False
    assert sb.state.account(JANE) == before


def test_session_expiry_on_xhr_is_401_then_login_page_says_expired(sb: Sandbox, portal: FlaskClient) -> None:
    token = csrf_token(portal)  # request 1 of the session
    sb.faults.session_expiry_after = 2
    assert_json(portal.get("/api/admin/users?access_type=Clinician", headers=XHR), 200)  # request 2
    before = sb.state.account(JANE)
    body = assert_json(xhr_save(portal, JANE, form_of(before, **ready_changes()), token), 401)  # request 3: expired
    assert body == {"error": EXPIRED_MESSAGE, "expired": True, "status": 401}
    assert sb.state.account(JANE) == before
    # The script goes to /login?next=...&expired=1, which says why.
    login = text(portal.get(f"/login?next=%2Fadmin%2Fusers%2F{JANE}&expired=1"))
    assert EXPIRED_MESSAGE in login and 'role="alert"' in login
    # A page load after expiry still redirects, as on the other skins.
    assert portal.get(f"/admin/users/{JANE}").status_code == 302


def test_static_files_do_not_count_against_the_session(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.session_expiry_after = 3
    for _ in range(10):
        assert portal.get("/static/app/common.js").status_code == 200
    assert portal.get("/home").status_code == 200


def test_every_xhr_gets_503_when_the_dice_say_so(sb: Sandbox, portal: FlaskClient, maxmd: FlaskClient) -> None:
    token = csrf_token(portal)
    before = sb.state.account(JANE)
    sb.faults.error_rate = 1.0
    for client, path in ((portal, "/api/admin/users?access_type=Clinician"), (maxmd, "/api/workflows")):
        body = assert_json(client.get(path, headers=XHR), 503)
        assert body["error"] == "Service Temporarily Unavailable"
    response = xhr_save(portal, JANE, form_of(before, **ready_changes()), token)
    assert_json(response, 503)
    assert response.headers["Retry-After"] == "5"
    assert sb.state.account(JANE) == before  # no effect
    # A page load gets the HTML error page; static files are not the application's and still load.
    page = portal.get("/home")
    assert page.status_code == 503 and "Service Temporarily Unavailable" in page.get_data(as_text=True)
    assert portal.get("/static/vendor/jquery/jquery.min.js").status_code == 200
    assert ("portal", "GET", "/api/admin/users", 503) in sb.requests
    assert ("maxmd", "GET", "/api/workflows", 503) in sb.requests


def test_5xx_share_covers_xhr(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.error_rate = 0.3
    sb.faults.error_seed = 7
    statuses = [portal.get("/api/admin/users?access_type=Clinician", headers=XHR).status_code for _ in range(300)]
    assert set(statuses) == {200, 503}
    assert 0.2 < statuses.count(503) / len(statuses) < 0.4
    logged = [status for site, method, path, status in sb.requests if path == "/api/admin/users"]
    assert logged == statuses


def test_form_post_without_script_still_works(sb: Sandbox, portal: FlaskClient) -> None:
    """The same form posted without XHR (script off): a page, as on the other skins."""
    token = csrf_token(portal)
    data = form_of(sb.state.account(JANE), **ready_changes(), csrf_token=token)
    response = portal.post(f"/admin/users/{JANE}", data=data)
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/users/{JANE}"
    html = text(portal.get(f"/admin/users/{JANE}"))
    assert re.search(r'<div class="alert alert-success[^"]*" role="alert">User account saved\.', html)
    assert portal.post(f"/admin/users/{JANE}", data=form_of(sb.state.account(JANE))).status_code == 400  # no token
