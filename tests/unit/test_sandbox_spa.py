"""The sandbox's spa skin through Flask's test client: the shells (no data in them), the JSON API both sites'
scripts use (login, search pages, account, Save), 401 once a session has ended, every fault switch, and the
vendored libraries it serves with their licences."""

from __future__ import annotations

import json
import posixpath
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from robot.sandbox import (
    EXPIRED_MESSAGE,
    MAXMD_INVALID_LOGIN,
    PORTAL_INVALID_LOGIN,
    REFUSED_MESSAGE,
    SAVED_MESSAGE,
    SEEDED_NPIS,
    SKINS,
    SPA_EXTRA_PROVIDERS,
    SPA_PAGE_SIZE,
    Faults,
    PortalAccount,
    Sandbox,
    npi_is_valid,
)
from robot.sandbox import _portal
from robot.sandbox._common import SECRET_TEXT_COLOR
from robot.sandbox.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "fixtures" / "vendor"
SPA = ROOT / "fixtures" / "html" / "spa"

JANE = SEEDED_NPIS["Jane Okafor"]
PRIYA = SEEDED_NPIS["Priya Raman"]
GRACE = SEEDED_NPIS["Grace Whitfield"]
JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
XHR = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}

# Each vendored library of this skin: its folder, version, licence file (and the words in it), the files pages load.
LIBRARIES = {
    "shoelace": ("2.20.1", "LICENSE.md", "Permission is hereby granted",
                 ["cdn/themes/light.css"] + [f"cdn/components/{c}/{c}.js" for c in (
                     "alert", "badge", "button", "card", "checkbox", "details", "dialog", "divider", "input", "spinner", "tag")]),
    "vue": ("3.5.46", "LICENSE", "Permission is hereby granted", ["dist/vue.global.prod.js"]),
    "vue-router": ("4.6.5", "LICENSE", "Permission is hereby granted", ["dist/vue-router.global.prod.js"]),
    "tom-select": ("2.6.2", "LICENSE", "Apache License", ["dist/js/tom-select.complete.min.js", "dist/css/tom-select.default.min.css"]),
}


def screens_only() -> Faults:
    """The rendering's screens behind its login's gates (the code and the notice: tests/unit/test_sandbox_gates.py)."""
    return Faults(gates={}, cookie_banner=set())


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(skin="spa", faults=screens_only())


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


def assert_json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def boot_of(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert match, "the shell carries its boot data"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def csrf_of(client: FlaskClient) -> str:
    token: str = assert_json(client.get("/api/me"), 200)["csrf"]
    assert token
    return token


def form_of(account: PortalAccount, **changes: Any) -> dict[str, Any]:
    """What the account form's FormData holds as the page shows it, with changes (None drops a field:
    an unchecked checkbox is not sent)."""
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


def save(client: FlaskClient, username: str, data: dict[str, Any], token: str | None) -> Any:
    headers = dict(XHR)
    if token is not None:
        headers["X-CSRF-Token"] = token
    return client.post(f"/api/admin/users/{username}", data=data, headers=headers)


# --- skin selection and the practice ---------------------------------------------------------------

def test_spa_is_a_skin_on_every_switch() -> None:
    assert "spa" in SKINS
    assert Sandbox(skin="spa").skin == "spa"
    assert build_parser().parse_args(["--sandbox-skin", "spa"]).sandbox_skin == "spa"
    from robot.bench.sandbox_child import SandboxChild

    assert SandboxChild(3, skin="spa").skin == "spa"


def test_seeded_practice_has_three_pages_of_clinicians(sb: Sandbox) -> None:
    assert len(sb.spa_npis) == SPA_EXTRA_PROVIDERS and sb.modern_npis == [] and sb.legacy_npis == []
    clinicians = sorted(a.username for a in sb.state.accounts_of_type("Clinician"))
    assert -(-len(clinicians) // SPA_PAGE_SIZE) == 3
    assert clinicians.index(JANE) == 2 * SPA_PAGE_SIZE  # first on page 3
    assert clinicians[2 * SPA_PAGE_SIZE - 1] == GRACE  # last on page 2
    entries = {e.npi: e for e in sb.state.entries()}
    for npi in sb.spa_npis:
        assert npi_is_valid(npi) and npi not in SEEDED_NPIS.values()
        assert entries[npi].status == "Complete" and entries[npi].direct_address
    assert Sandbox(skin="spa").spa_npis == sb.spa_npis  # deterministic
    assert Sandbox(skin="spa", providers=3).spa_npis == []
    assert Sandbox().spa_npis == [] and Sandbox(skin="modern").spa_npis == []


# --- vendored libraries ----------------------------------------------------------------------------

@pytest.mark.parametrize("folder", sorted(LIBRARIES))
def test_every_vendored_library_has_its_licence_and_readme(folder: str) -> None:
    version, licence, words, files = LIBRARIES[folder]
    base = VENDOR / folder
    assert words in (base / licence).read_text()
    readme = (base / "README.md").read_text()
    assert version in readme and "npm pack" in readme
    index = (VENDOR / "README.md").read_text()
    assert re.search(rf"\| `[^`]*{re.escape(folder)}`[^|]*\| {re.escape(version)} \|", index), folder
    for name in files:
        assert (base / name).is_file(), name
    assert not [p for p in base.rglob("*.map")]


def test_shoelace_keeps_lits_licence_and_every_module_it_imports() -> None:
    base = VENDOR / "shoelace"
    assert "BSD 3-Clause" in (base / "LICENSE.lit").read_text()
    cdn = base / "cdn"
    modules = {p.relative_to(cdn).as_posix() for p in cdn.rglob("*.js")}
    imports = re.compile(r"""(?:from\s*|import\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")
    for module in modules:
        for target in imports.findall((cdn / module).read_text()):
            assert posixpath.normpath(posixpath.join(posixpath.dirname(module), target)) in modules, (module, target)
    assert len(modules) == 76


def test_vendored_size_is_reasonable() -> None:
    total = sum(p.stat().st_size for folder in LIBRARIES for p in (VENDOR / folder).rglob("*") if p.is_file())
    assert total < 1_000_000, total


def test_every_vendored_file_is_served_by_both_sites(sb: Sandbox) -> None:
    files = [p for folder in LIBRARIES for p in (VENDOR / folder).rglob("*") if p.is_file()]
    for app in (sb.maxmd_app, sb.portal_app):
        client = app.test_client()  # no session needed: static files
        for path in files:
            response = client.get("/static/vendor/" + path.relative_to(VENDOR).as_posix())
            assert response.status_code == 200, path
            assert response.data == path.read_bytes(), path
            assert "public" in response.headers["Cache-Control"]
        module = client.get("/static/vendor/shoelace/cdn/components/input/input.js")
        assert module.mimetype in ("text/javascript", "application/javascript")


def test_the_skins_own_files_are_served_and_not_by_other_skins(sb: Sandbox) -> None:
    for name in ("maxmd.js", "maxmd.css", "portal.css", "portal-api.js", "portal-app.js", "portal-frame.js", "portal-shoelace.js"):
        assert sb.portal_app.test_client().get(f"/static/app/{name}").data == (SPA / "static" / name).read_bytes()
    assert Sandbox(skin="modern").portal_app.test_client().get("/static/app/portal-app.js").status_code == 404
    assert Sandbox().portal_app.test_client().get("/static/vendor/vue/dist/vue.global.prod.js").status_code == 404


def page_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_pages_load_only_served_local_assets(portal: FlaskClient, maxmd: FlaskClient) -> None:
    seen: set[str] = set()
    for client, paths in ((maxmd, ["/", "/details", "/login"]),
                          (portal, ["/home", "/admin/users", "/admin/frame/users", f"/admin/frame/users/{JANE}", "/login"])):
        for path in paths:
            assets = page_assets(text(client.get(path)))
            assert assets, path
            for asset in assets:
                assert client.get(asset).status_code == 200, asset
                seen.add(asset)
    for needed in ("/static/vendor/vue/dist/vue.global.prod.js", "/static/vendor/vue-router/dist/vue-router.global.prod.js",
                   "/static/vendor/tom-select/dist/js/tom-select.complete.min.js",
                   "/static/vendor/tom-select/dist/css/tom-select.default.min.css",
                   "/static/vendor/shoelace/cdn/themes/light.css", "/static/app/maxmd.js", "/static/app/portal-frame.js"):
        assert needed in seen, needed
    # The components the pages' modules import are vendored.
    for script in ("maxmd.js", "portal-shoelace.js"):
        body = (SPA / "static" / script).read_text()
        names = re.findall(r'"([a-z-]+)"', re.search(r"\[([^\]]+)\]", body).group(1))
        assert names
        for name in names:
            assert (VENDOR / "shoelace" / "cdn" / "components" / name / f"{name}.js").is_file(), name


def test_no_external_hosts_in_the_spa_templates() -> None:
    sources = [p for p in SPA.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in sources) and any(p.suffix == ".js" for p in sources)
    for path in sources:
        body = path.read_text()
        assert not re.search(r"https?://", body), path
        assert not re.search(r"""(?:src|href)=["']//""", body), path


# --- MaxMD -----------------------------------------------------------------------------------------

def test_maxmd_login_is_shoelace_components(sb: Sandbox) -> None:
    client = sb.maxmd_app.test_client()
    html = text(client.get("/login"))
    assert re.search(r'<sl-input name="username" label="Username"', html)
    assert re.search(r'<sl-input name="password" type="password" label="Password"[^>]*password-toggle', html)
    assert '<sl-checkbox name="keep_signed_in" value="1">Keep me signed in</sl-checkbox>' in html
    assert '<sl-button type="submit" variant="primary" class="mx-wide">Sign in</sl-button>' in html
    assert "<input type=\"text\"" not in html and "<button" not in html  # no native controls: components only
    wrong = text(client.post("/login", data={"username": sb.maxmd_username, "password": "nope"}))
    assert f'<sl-alert variant="danger" open class="mx-alert">{MAXMD_INVALID_LOGIN}</sl-alert>' in wrong


def test_maxmd_details_has_the_disclosure_and_no_entries(maxmd: FlaskClient) -> None:
    home = text(maxmd.get("/"))
    assert '<sl-button variant="primary" href="/details">Details</sl-button>' in home
    details = text(maxmd.get("/details"))
    assert "<h2>Identity Proofing Information</h2>" in details
    assert re.search(r'<sl-details id="workflows" summary="Click to view status of provisioning workflows" '
                     r'data-api="/api/workflows">\s*<div class="mx-workflows" aria-live="polite"></div>\s*</sl-details>', details)
    assert JANE not in details and JANE_DIRECT not in details  # fetched when the disclosure opens
    assert '<sl-dialog id="session-expired" label="Session expired">' in details
    assert "Your session has expired. Please log in again." in details
    assert maxmd.get("/workflows").status_code == 404


def test_maxmd_workflows_json(sb: Sandbox, maxmd: FlaskClient) -> None:
    body = assert_json(maxmd.get("/api/workflows", headers=XHR), 200)
    entries = sb.state.entries()
    assert body["total"] == len(entries) and body["complete"] + body["pending"] == len(entries)
    by_npi = {w["npi"]: w for w in body["workflows"]}
    assert by_npi[JANE]["direct_address"] == JANE_DIRECT and by_npi[JANE]["name"] == "Jane Okafor, OD"
    assert by_npi[GRACE]["status"] == "Pending" and by_npi[GRACE]["direct_address"] is None


def test_maxmd_xhr_after_the_session_ended_is_401(sb: Sandbox, maxmd: FlaskClient) -> None:
    assert_json(sb.maxmd_app.test_client().get("/api/workflows"), 401)
    sb.faults.session_expiry_after = 0
    body = assert_json(maxmd.get("/api/workflows"), 401)
    assert body == {"error": EXPIRED_MESSAGE, "status": 401, "expired": True}
    response = maxmd.get("/details")  # the page itself: to the login page
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=%2Fdetails")


# --- the portal: shells and login -------------------------------------------------------------------

def test_portal_shells_carry_no_data(portal: FlaskClient) -> None:
    for path in ("/home", "/messages", "/reports", "/admin/settings", "/admin/audit", "/admin/users", f"/admin/users/{JANE}"):
        html = text(portal.get(path))
        assert '<div id="app" v-cloak></div>' in html, path
        assert JANE not in html and "Okafor" not in html, path
        boot = boot_of(html)
        assert boot["user"]["display_name"] == "Dana Whitaker" and boot["csrf"] and boot["page_size"] == SPA_PAGE_SIZE
    frame = text(portal.get("/admin/frame/users"))
    assert '<div id="frame-app" v-cloak></div>' in frame and "tom-select.complete.min.js" in frame
    assert '<sl-dialog ref="confirm" label="Confirm changes"' in frame
    assert "Save changes to this user account?" in frame
    assert 'aria-label="Next page"' in frame and 'aria-label="Previous page"' in frame
    assert 'dropdownParent: "body"' in (SPA / "static" / "portal-frame.js").read_text()
    assert "createWebHistory" in (SPA / "static" / "portal-app.js").read_text()
    assert portal.get("/admin/users/0000000000").status_code == 404


def test_portal_pages_without_a_session_go_to_the_login_shell(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fadmin%2Fusers"
    login = text(client.get("/login?next=%2Fadmin%2Fusers&expired=1"))
    boot = boot_of(login)
    assert boot["user"] is None and boot["csrf"] == "" and boot["error"] == EXPIRED_MESSAGE
    assert boot_of(text(client.get("/login?logged_out=1")))["notice"] == "You have been logged out."
    # The frame's shell has no data: served to anyone; its XHRs are what need the session.
    assert boot_of(text(client.get("/admin/frame/users")))["user"] is None


def test_portal_api_login(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    wrong = assert_json(client.post("/api/session", json={"username": sb.portal_username, "password": "nope"}), 401)
    assert wrong["error"] == PORTAL_INVALID_LOGIN
    patient = assert_json(client.post("/api/session", json={"username": "mrivera82", "password": "Patient-Pass-1"}), 401)
    assert patient["error"] == PORTAL_INVALID_LOGIN
    assert_json(client.get("/api/me"), 401)
    body = assert_json(client.post("/api/session", json={"username": sb.portal_username, "password": sb.portal_password}), 200)
    assert body["user"]["first_name"] == "Dana" and body["csrf"] and body["practice"] == "Brightside Eye Care"
    assert assert_json(client.get("/api/me"), 200)["csrf"] == body["csrf"]
    assert sb.live_sessions("portal") == [sb.portal_username]
    response = client.get("/logout")
    assert response.status_code == 302 and sb.live_sessions("portal") == []
    assert_json(client.get("/api/me"), 401)


def test_every_api_call_is_401_without_a_session(sb: Sandbox) -> None:
    client = sb.portal_app.test_client()
    for path in ("/api/me", "/api/home", "/api/pages/messages", "/api/admin/audit", "/api/admin/users?access_type=Clinician",
                 f"/api/admin/users/{JANE}"):
        body = assert_json(client.get(path), 401)
        assert body["expired"] is False, path
    assert_json(client.post(f"/api/admin/users/{JANE}", data={}), 401)


def test_an_ended_session_is_401_expired_then_a_new_login_carries_on(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.session_expiry_after = 2  # the login was request 0: two more are allowed
    assert_json(portal.get("/api/home"), 200)
    assert_json(portal.get("/api/admin/users?access_type=Clinician"), 200)
    body = assert_json(portal.get("/api/admin/users?access_type=Clinician"), 401)
    assert body["error"] == EXPIRED_MESSAGE and body["expired"] is True
    assert_json(portal.get("/api/home"), 401)
    sb.faults.session_expiry_after = None
    assert_json(portal.post("/api/session", json={"username": sb.portal_username, "password": sb.portal_password}), 200)
    assert_json(portal.get("/api/admin/users?access_type=Clinician"), 200)


# --- the portal: screens' JSON ---------------------------------------------------------------------

def test_search_is_paged_and_filtered(sb: Sandbox, portal: FlaskClient) -> None:
    clinicians = sorted(a.username for a in sb.state.accounts_of_type("Clinician"))
    pages = [assert_json(portal.get(f"/api/admin/users?access_type=Clinician&page={n}", headers=XHR), 200) for n in (1, 2, 3)]
    assert [p["page"] for p in pages] == [1, 2, 3] and {p["pages"] for p in pages} == {3}
    assert [row["username"] for p in pages for row in p["data"]] == clinicians
    assert [(p["first"], p["last"]) for p in pages] == [(1, 10), (11, 20), (21, len(clinicians))]
    assert pages[2]["data"][0]["username"] == JANE and pages[1]["data"][-1]["username"] == GRACE
    assert {row["access_type"] for p in pages for row in p["data"]} == {"Clinician"}
    assert not any("password" in key and not key.endswith("_set") for key in pages[0]["data"][0])
    # Out of range pages are clamped; nonsense is page 1.
    assert assert_json(portal.get("/api/admin/users?access_type=Clinician&page=9"), 200)["page"] == 3
    assert assert_json(portal.get("/api/admin/users?access_type=Clinician&page=x"), 200)["page"] == 1
    everyone = assert_json(portal.get("/api/admin/users"), 200)
    assert everyone["access_type"] == "All" and everyone["total"] == len(sb.state.accounts)
    patients = assert_json(portal.get("/api/admin/users?access_type=Patient"), 200)
    assert [r["username"] for r in patients["data"]] == sorted(["mrivera82", "tnguyen1975", "kfoster.eyes"])
    assert assert_json(portal.get("/api/admin/users?access_type=Robots"), 400)["error"] == "Choose a valid Access Type."


def test_search_without_result() -> None:
    sb = Sandbox(skin="spa", providers=0, faults=screens_only())
    client = logged_in(sb.portal_app, sb.portal_username, sb.portal_password)
    body = assert_json(client.get("/api/admin/users?access_type=Clinician"), 200)
    assert (body["data"], body["total"], body["pages"], body["first"], body["last"]) == ([], 0, 1, 0, 0)


def test_account_json_and_the_other_screens(portal: FlaskClient) -> None:
    body = assert_json(portal.get(f"/api/admin/users/{JANE}"), 200)
    assert body["account"]["username"] == JANE and body["account"]["first_name"] == "Jane"
    assert body["account"]["password_set"] is False and len(body["history"]) == 15
    assert assert_json(portal.get("/api/admin/users/0000000000"), 404)["error"] == "Not Found"
    assert assert_json(portal.get("/api/home"), 200)["counts"]["Patient"] == 3
    assert assert_json(portal.get("/api/pages/settings"), 200)["title"] == "Practice Settings"
    assert_json(portal.get("/api/pages/nothing"), 404)
    assert assert_json(portal.get("/api/admin/audit"), 200)["events"] == []


# --- the portal: Save ------------------------------------------------------------------------------

def test_save_applies_and_answers_json(sb: Sandbox, portal: FlaskClient) -> None:
    token = csrf_of(portal)
    before = sb.state.account(JANE)
    seen: list[str] = []
    sb.faults.before_save = seen.append
    body = assert_json(save(portal, JANE, form_of(before, **ready_changes()), token), 200)
    assert seen == [JANE]
    assert body["message"] == SAVED_MESSAGE and body["account"]["poll_direct"] is True
    assert "password" not in body["account"]
    after = sb.state.account(JANE)
    assert (after.password, after.direct_password, after.poll_direct, after.direct_address, after.emergency_access) == (
        GOOD, GOOD, True, JANE_DIRECT, False)
    assert after.saves == before.saves + 1
    assert ("portal", "POST", f"/api/admin/users/{JANE}", 200) in sb.requests
    events = assert_json(portal.get("/api/admin/audit"), 200)["events"]
    assert events[0]["action"] == f"Saved user account {JANE}" and events[0]["user"] == sb.portal_username


def test_save_validation_is_the_portals(sb: Sandbox, portal: FlaskClient) -> None:
    token = csrf_of(portal)
    before = sb.state.account(JANE)
    data = form_of(before, display_name="", password=GOOD, confirm_password="other", poll_direct="on")
    body = assert_json(save(portal, JANE, data, token), 422)
    assert body["errors"] == [_portal.MSG_DISPLAY_NAME_REQUIRED, _portal.MSG_PASSWORDS_DIFFER,
                              _portal.MSG_POLL_NEEDS_ADDRESS, _portal.MSG_POLL_NEEDS_PASSWORD]
    assert body["error"] == "Please correct the following:"
    assert body["fields"]["confirm_password"] == [_portal.MSG_PASSWORDS_DIFFER]
    assert sb.state.account(JANE) == before
    priya = sb.state.account(PRIYA)
    locked = assert_json(save(portal, PRIYA, form_of(priya, direct_address="someone@else.example"), token), 422)
    assert locked["errors"] == [_portal.MSG_DIRECT_LOCKED]
    # An unchecked checkbox is absent: Emergency Access turned off by leaving it out.
    tomas = SEEDED_NPIS["Tomás Herrera"]
    assert sb.state.account(tomas).emergency_access is True
    assert_json(save(portal, tomas, form_of(sb.state.account(tomas), emergency_access=None), token), 200)
    assert sb.state.account(tomas).emergency_access is False


def test_save_needs_the_sessions_csrf_token(sb: Sandbox, portal: FlaskClient) -> None:
    before = sb.state.account(JANE)
    for token in (None, "not-the-token"):
        body = assert_json(save(portal, JANE, form_of(before, **ready_changes()), token), 403)
        assert body["error"] == "This page has expired. Reload the page and try again."
    assert sb.state.account(JANE) == before


def test_refused_save_changes_nothing_and_says_why(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.refuse_save.add(JANE)
    before = sb.state.account(JANE)
    body = assert_json(save(portal, JANE, form_of(before, **ready_changes()), csrf_of(portal)), 422)
    assert body["errors"] == [REFUSED_MESSAGE] and body["error"] == "The user account was not saved."
    assert sb.state.account(JANE) == before


def test_save_5xx_is_applied_but_answered_500(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.save_5xx.add(JANE)
    body = assert_json(save(portal, JANE, form_of(sb.state.account(JANE), **ready_changes()), csrf_of(portal)), 500)
    assert body["error"] == "Internal Server Error"
    after = sb.state.account(JANE)
    assert (after.password, after.poll_direct, after.direct_address) == (GOOD, True, JANE_DIRECT)


# --- faults on both sites --------------------------------------------------------------------------

def test_error_rate_is_503_on_xhr_and_pages_with_no_effect(sb: Sandbox, portal: FlaskClient, maxmd: FlaskClient) -> None:
    token = csrf_of(portal)
    before = sb.state.account(JANE)
    sb.faults.error_rate = 1.0
    for client, path in ((portal, "/api/admin/users?access_type=Clinician"), (portal, "/api/me"), (maxmd, "/api/workflows")):
        response = client.get(path)
        body = assert_json(response, 503)
        assert body["error"] == "Service Temporarily Unavailable" and response.headers["Retry-After"] == "5"
    assert_json(save(portal, JANE, form_of(before, **ready_changes()), token), 503)
    assert sb.state.account(JANE) == before
    for client, path in ((portal, "/home"), (portal, "/admin/frame/users"), (maxmd, "/details")):
        page = client.get(path)
        assert page.status_code == 503 and "Service Temporarily Unavailable" in page.get_data(as_text=True)
    # Static files are not the application's requests.
    assert portal.get("/static/vendor/vue/dist/vue.global.prod.js").status_code == 200
    assert maxmd.get("/static/app/maxmd.js").status_code == 200
    sb.faults.error_rate = 0.0
    assert_json(save(portal, JANE, form_of(before, **ready_changes()), token), 200)


def test_latency_applies_to_xhr_too(sb: Sandbox, portal: FlaskClient) -> None:
    sb.faults.latency_ms = 120
    started = time.monotonic()
    assert_json(portal.get("/api/admin/users?access_type=Clinician"), 200)
    assert time.monotonic() - started >= 0.12


def test_secrets_as_text_colours_every_password_field(sb: Sandbox, portal: FlaskClient, maxmd: FlaskClient) -> None:
    sb.faults.secrets_as_text = True
    pages = [maxmd.get("/login"), portal.get("/login"), portal.get("/home"), portal.get("/admin/frame/users")]
    for response in pages:
        html = text(response)
        assert 'type="password"' not in html
    login = text(pages[0])
    # The colour reaches the <input> inside <sl-input>'s shadow root through Shoelace's custom properties.
    assert re.search(rf'<sl-input name="password" type="text" style="color:{SECRET_TEXT_COLOR};--sl-input-color:'
                     rf'{SECRET_TEXT_COLOR};--sl-input-color-hover:{SECRET_TEXT_COLOR};--sl-input-color-focus:{SECRET_TEXT_COLOR}"', login)
    frame = text(pages[3])
    assert frame.count(f'type="text" style="color:{SECRET_TEXT_COLOR}') == 4  # both pairs of password fields
    assert text(pages[1]).count(f'type="text" style="color:{SECRET_TEXT_COLOR}') == 1  # the login form
    sb.faults.secrets_as_text = False
    assert text(portal.get("/admin/frame/users")).count('type="password"') == 4


def test_odd_data_is_data_in_the_json() -> None:
    sb = Sandbox(skin="spa", odd_data=True, faults=screens_only())
    maxmd = logged_in(sb.maxmd_app, sb.maxmd_username, sb.maxmd_password)
    body = assert_json(maxmd.get("/api/workflows"), 200)
    spacer = next(w for w in body["workflows"] if w["last_name"] == "Spacer")
    assert " ".join(spacer["name"].split()) == "Wesley Spacer, OD" and spacer["name"] != "Wesley Spacer, OD"
    portal = logged_in(sb.portal_app, sb.portal_username, sb.portal_password)
    rows = [r for n in (1, 2, 3, 4) for r in assert_json(portal.get(f"/api/admin/users?access_type=Clinician&page={n}"), 200)["data"]]
    assert len({r["username"] for r in rows}) == len(sb.state.accounts_of_type("Clinician"))
    assert any(r["last_name"] == "<script>alert(1)</script>" for r in rows)
    # The scripts write names as text (Vue's {{ }}, textContent), never as markup.
    for script in ("maxmd.js", "portal-app.js", "portal-frame.js"):
        assert "innerHTML" not in (SPA / "static" / script).read_text()
    assert "v-html" not in (SPA / "portal" / "frame.html").read_text() + (SPA / "portal" / "app.html").read_text()
