"""The fake Patient and Provider Portal: login, home, Administration > User Accounts, Edit User Account.

The account page's Save follows the real form's rules: HTML semantics (an unchecked checkbox is
absent from the form data), password policy, Direct address set once, and the fault switches
(a refused Save, a Save applied but answered 500).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask, Response, abort, g, jsonify, make_response, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from robot.sandbox._common import (
    CSRF_MESSAGE,
    EXPIRED_MESSAGE,
    Runtime,
    SessionStore,
    csrf_ok,
    install_common,
    internal_error_page,
    is_xhr,
    json_error,
    login_required,
    new_app,
    safe_next,
)
from robot.sandbox._gates import install_gates, refusal, start_response
from robot.sandbox._state import ACCESS_TYPES, ROLES, AuditEvent, PortalAccount, SandboxState

COOKIE_NAME = "PPP_SESSION"
INVALID_LOGIN = "The username or password is incorrect."
SAVED_MESSAGE = "User account saved."
REFUSED_MESSAGE = "The Direct mailbox could not be verified by MaxMD. Try again later or contact support."

MSG_DISPLAY_NAME_REQUIRED = "Display Name is required."
MSG_PASSWORDS_DIFFER = "The passwords do not match."
MSG_PASSWORD_WEAK = (
    "The password must be at least 8 characters long and contain an upper-case letter, "
    "a lower-case letter, a digit and a special character."
)
MSG_DIRECT_PASSWORDS_DIFFER = "The Direct passwords do not match."
MSG_DIRECT_PASSWORD_WEAK = (
    "The Direct password must be at least 8 characters long and contain an upper-case letter, "
    "a lower-case letter, a digit and a special character."
)
MSG_EMAIL_INVALID = "Email Address is not a valid e-mail address."
MSG_DIRECT_INVALID = "Direct Address is not a valid e-mail address."
MSG_POLL_NEEDS_ADDRESS = "Poll Direct Mailbox requires a Direct Address."
MSG_POLL_NEEDS_PASSWORD = "Poll Direct Mailbox requires a Direct password."
MSG_DIRECT_LOCKED = "The Direct address cannot be changed once it has been set up."

SEARCH_OPTIONS: tuple[str, ...] = ("All", *ACCESS_TYPES)

LEGACY_PAGE_SIZE = 25  # rows per page of the legacy skin's search results
MODERN_PAGE_SIZE = 10  # rows per page of the modern skin's grid (DataTables' own default, paged in the browser)

# The modern skin also marks the fields a message is about (Bootstrap's invalid-feedback beside them).
FIELD_OF_MESSAGE: dict[str, tuple[str, ...]] = {
    MSG_DISPLAY_NAME_REQUIRED: ("display_name",),
    MSG_EMAIL_INVALID: ("email",),
    MSG_PASSWORDS_DIFFER: ("confirm_password",),
    MSG_PASSWORD_WEAK: ("password",),
    MSG_DIRECT_INVALID: ("direct_address",),
    MSG_DIRECT_LOCKED: ("direct_address",),
    MSG_DIRECT_PASSWORDS_DIFFER: ("confirm_direct_password",),
    MSG_DIRECT_PASSWORD_WEAK: ("direct_password",),
    MSG_POLL_NEEDS_ADDRESS: ("direct_address",),
    MSG_POLL_NEEDS_PASSWORD: ("direct_password",),
}

# A pragmatic address check (what a web form would do): local part, "@", dotted domain labels.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def is_email(value: str) -> bool:
    local = value.split("@", 1)[0]
    return bool(_EMAIL.match(value)) and not local.startswith(".") and not local.endswith(".") and ".." not in local


def is_strong(password: str) -> bool:
    """The portal's policy: at least 8 characters with upper, lower, digit and a special character."""
    return (
        len(password) >= 8
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
        and any(not c.isalnum() and not c.isspace() for c in password)
    )


@dataclass
class AccountForm:
    """What the account page's form holds: from state (GET) or from the submitted data (POST)."""

    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    emergency_access: bool = False
    poll_direct: bool = False
    direct_address: str = ""
    inactive: bool = False
    roles: list[str] = field(default_factory=list)
    # Passwords are never rendered back; they only travel inward.
    password: str = ""
    confirm_password: str = ""
    direct_password: str = ""
    confirm_direct_password: str = ""

    @classmethod
    def from_account(cls, account: PortalAccount) -> AccountForm:
        return cls(
            display_name=account.display_name,
            first_name=account.first_name,
            last_name=account.last_name,
            email=account.email,
            emergency_access=account.emergency_access,
            poll_direct=account.poll_direct,
            direct_address=account.direct_address or "",
            inactive=account.inactive,
            roles=list(account.roles),
        )

    @classmethod
    def from_post(cls, data: MultiDict[str, str]) -> AccountForm:
        # Unchecked checkboxes are simply absent from HTML form data, so absent means False.
        return cls(
            display_name=data.get("display_name", "").strip(),
            first_name=data.get("first_name", "").strip(),
            last_name=data.get("last_name", "").strip(),
            email=data.get("email", "").strip(),
            emergency_access="emergency_access" in data,
            poll_direct="poll_direct" in data,
            direct_address=data.get("direct_address", "").strip(),
            inactive="inactive" in data,
            roles=[r for r in ROLES if r in data.getlist("roles")],
            password=data.get("password", ""),
            confirm_password=data.get("confirm_password", ""),
            direct_password=data.get("direct_password", ""),
            confirm_direct_password=data.get("confirm_direct_password", ""),
        )


def validate(form: AccountForm, account: PortalAccount) -> list[str]:
    """Every message the portal shows for this Save, in the order of the fields; empty = valid."""
    errors: list[str] = []
    if not form.display_name:
        errors.append(MSG_DISPLAY_NAME_REQUIRED)
    if form.email and not is_email(form.email):
        errors.append(MSG_EMAIL_INVALID)
    if form.password != form.confirm_password:
        errors.append(MSG_PASSWORDS_DIFFER)
    elif form.password and not is_strong(form.password):
        errors.append(MSG_PASSWORD_WEAK)
    if form.direct_address and not is_email(form.direct_address):
        errors.append(MSG_DIRECT_INVALID)
    stored = account.direct_address or ""
    if stored and form.direct_address.lower() != stored.lower():
        errors.append(MSG_DIRECT_LOCKED)
    if form.direct_password != form.confirm_direct_password:
        errors.append(MSG_DIRECT_PASSWORDS_DIFFER)
    elif form.direct_password and not is_strong(form.direct_password):
        errors.append(MSG_DIRECT_PASSWORD_WEAK)
    if form.poll_direct:
        if not form.direct_address:
            errors.append(MSG_POLL_NEEDS_ADDRESS)
        if not form.direct_password and not account.direct_password:
            errors.append(MSG_POLL_NEEDS_PASSWORD)
    return errors


def apply(form: AccountForm, account: PortalAccount, *, drop_poll: bool = False) -> None:
    """Write a valid form into the account (caller holds the state lock). Username never changes; ``drop_poll``:
    Poll Direct Mailbox is left as it was (Faults.save_drops_poll: a portal that drops a field)."""
    account.display_name = form.display_name
    account.first_name = form.first_name
    account.last_name = form.last_name
    account.email = form.email
    if form.password:
        account.password = form.password
    account.emergency_access = form.emergency_access
    account.poll_direct = account.poll_direct if drop_poll else form.poll_direct
    # The address is locked once set (validated above), so keep the stored spelling if there is one.
    if not account.direct_address:
        account.direct_address = form.direct_address or None
    if form.direct_password:
        account.direct_password = form.direct_password
    account.inactive = form.inactive
    account.roles = list(form.roles)
    account.saves += 1


def _login_history(account: PortalAccount) -> list[dict[str, str]]:
    """Fifteen plausible, stable rows per account (what pushes the form below the fold, as on the real page)."""
    digest = hashlib.sha256(account.username.encode()).digest()
    base = datetime(2026, 1, 20, 8, 0, tzinfo=timezone.utc)
    events = ("Signed in", "Signed out", "Viewed messages", "Sign-in failed: wrong password", "Viewed clinical summary",
              "Account viewed by administrator")
    rows = []
    for i in range(15):
        b = digest[i]
        when = base - timedelta(days=i * 2 + b % 3, hours=b % 9, minutes=b % 60)
        event = events[b % len(events)]
        rows.append({
            "when": when.strftime("%m/%d/%Y %I:%M %p"),
            "event": event,
            "ip": f"10.20.{b % 8}.{(b * 7) % 250 + 2}",
            "result": "Failed" if "failed" in event else "Success",
        })
    return rows


def account_json(account: PortalAccount) -> dict[str, Any]:
    """What the modern skin's scripts get for one account (never a password)."""
    return {
        "username": account.username,
        "access_type": account.access_type,
        "display_name": account.display_name,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "status": "Inactive" if account.inactive else "Active",
        "inactive": account.inactive,
        "emergency_access": account.emergency_access,
        "poll_direct": account.poll_direct,
        "direct_address": account.direct_address or "",
        "password_set": account.password is not None,
        "direct_password_set": account.direct_password is not None,
        "roles": list(account.roles),
    }


def field_errors(errors: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for message in errors:
        for name in FIELD_OF_MESSAGE.get(message, ()):
            fields.setdefault(name, []).append(message)
    return fields


def admin_login_ok(state: SandboxState, username: str, password: str) -> bool:
    """Only an active Administrator may use the administration side of the portal."""
    with state.lock:
        account = state.accounts.get(username)
        return (
            account is not None
            and account.access_type == "Administrator"
            and not account.inactive
            and account.password is not None
            and account.password == password
        )


def create_portal_app(runtime: Runtime, skin: str = "default") -> Flask:
    """One Flask app per site, like the real two sites on two origins; ``skin`` picks the templates.

    The legacy skin differs in one piece of logic only: its search results are paged
    (``LEGACY_PAGE_SIZE`` rows, ``?page=N``), as the older portal's grid is.

    The modern skin adds JSON for its scripts: ``GET /api/admin/users?access_type=T`` (the search, which
    its DataTables grid pages in the browser) and the account form's Save posted by XHR to the page's own
    address (answered in JSON: 200 saved, 422 with the messages, 401 without a session, 403 without the
    page's CSRF token, 5xx as the faults say). Without XHR the same POST falls back to a page, as elsewhere.
    """
    if skin == "spa":
        from robot.sandbox._spa import create_spa_portal_app  # it builds on this module's rules

        return create_spa_portal_app(runtime)
    app = new_app(__name__, "portal", skin)
    store = SessionStore()
    install_common(app, runtime, "portal", COOKIE_NAME, store, skin)
    state = runtime.state

    def page(template: str, **context: Any) -> str:
        with state.lock:
            user = state.accounts.get(g.session.username) if g.session else None
            return render_template(template, practice=state.practice, user=user, **context)

    install_gates(app, runtime, "portal", skin, "base.html", page)

    @app.get("/login")
    def login_form() -> str:
        expired = g.expired or request.args.get("expired") == "1"
        notice = "You have been logged out." if request.args.get("logged_out") == "1" else None
        return page("login.html", error=EXPIRED_MESSAGE if expired else None, notice=notice,
                    next=request.args.get("next", ""), username="")

    @app.post("/login")
    def login_submit() -> Response | tuple[str, int]:
        given_user = request.form.get("username", "").strip()
        given_password = request.form.get("password", "")
        target = request.form.get("next", "")
        if (refused := refusal(runtime, "portal")) is not None:
            return page("login.html", error=refused, notice=None, next=target, username=given_user), 200
        if not admin_login_ok(state, given_user, given_password):
            return page("login.html", error=INVALID_LOGIN, notice=None, next=target, username=given_user), 200
        return start_response(runtime, "portal", store, COOKIE_NAME, given_user, safe_next(target, "/home"))

    @app.get("/logout")
    def logout() -> Response:
        store.drop(g.sid)
        response = make_response(redirect("/login?logged_out=1"))
        response.delete_cookie(COOKIE_NAME)
        return response

    @app.get("/")
    def root() -> Response:
        return redirect("/home")

    @app.get("/home")
    @login_required
    def home() -> str:
        with state.lock:
            counts = {t: sum(1 for a in state.accounts.values() if a.access_type == t) for t in ACCESS_TYPES}
        return page("home.html", counts=counts)

    @app.get("/messages")
    @login_required
    def messages() -> str:
        return page("page.html", title="Messages",
                    lines=["Your inbox is empty.", "Secure messages from patients and Direct messages from other providers appear here."])

    @app.get("/reports")
    @login_required
    def reports() -> str:
        return page("page.html", title="Reports",
                    lines=["Portal Usage Summary", "Patient Enrollment by Month", "Direct Message Volume"])

    @app.get("/admin/settings")
    @login_required
    def settings() -> str:
        p = state.practice
        return page("page.html", title="Practice Settings",
                    lines=[f"Practice: {p.name}", f"Direct domain: {p.direct_domain}", "Patient self-enrollment: On",
                           "Session timeout: 20 minutes"])

    @app.get("/admin/audit")
    @login_required
    def audit() -> str:
        with state.lock:
            events = list(reversed(state.audit_log))
        return page("audit.html", events=events)

    def search(chosen: str) -> list[PortalAccount]:
        with state.lock:
            return sorted(
                (a for a in state.accounts.values() if chosen == "All" or a.access_type == chosen),
                key=lambda a: (ACCESS_TYPES.index(a.access_type), a.username),
            )

    @app.get("/admin/users")
    @login_required
    def users() -> str:
        chosen = request.args.get("access_type")
        results: list[PortalAccount] | None = None
        error = None
        if chosen is not None:
            if chosen not in SEARCH_OPTIONS:
                error = "Choose a valid Access Type."
                chosen = None
            elif skin != "modern":  # the modern page asks /api/admin/users from its script
                results = search(chosen)
        total = len(results) if results is not None else 0
        page_no, pages = 1, 1
        if skin == "legacy" and results is not None:
            pages = max(1, -(-total // LEGACY_PAGE_SIZE))
            try:
                page_no = min(max(int(request.args.get("page", "1")), 1), pages)
            except ValueError:
                page_no = 1
            results = results[(page_no - 1) * LEGACY_PAGE_SIZE: page_no * LEGACY_PAGE_SIZE]
        return page("users.html", options=SEARCH_OPTIONS, chosen=chosen or "All", results=results, error=error,
                    total=total, page_no=page_no, pages=pages, page_size=MODERN_PAGE_SIZE,
                    searched=chosen is not None)

    if skin == "modern":
        @app.get("/api/admin/users")
        @login_required
        def users_json() -> Any:
            chosen = request.args.get("access_type", "All")
            if chosen not in SEARCH_OPTIONS:
                return json_error(400, "Choose a valid Access Type.")
            with state.lock:
                rows = [account_json(a) for a in search(chosen)]
            return jsonify({"access_type": chosen, "recordsTotal": len(rows), "data": rows})

    def account_page(account: PortalAccount, form: AccountForm, errors: list[str], saved: bool) -> str:
        return page("account.html", account=account, form=form, errors=errors, saved=saved, roles=ROLES,
                    history=_login_history(account), fields=field_errors(errors),
                    csrf=g.session.csrf if g.session else "")

    @app.get("/admin/users/<username>")
    @login_required
    def account(username: str) -> str:
        try:
            snapshot = state.account(username)
        except KeyError:
            abort(404)
        saved = SAVED_MESSAGE in g.session.flash
        g.session.flash.clear()
        return account_page(snapshot, AccountForm.from_account(snapshot), [], saved)

    @app.post("/admin/users/<username>")
    @login_required
    def save(username: str) -> Any:
        xhr = is_xhr()
        if skin == "modern" and not csrf_ok():
            if xhr:
                return json_error(403, CSRF_MESSAGE)
            abort(400)
        form = AccountForm.from_post(request.form)
        if runtime.faults.before_save is not None:
            runtime.faults.before_save(username)
        with state.lock:
            live = state.accounts.get(username)
            if live is None:
                abort(404)
            errors = validate(form, live)
            if not errors and username in runtime.faults.refuse_save:
                errors = [REFUSED_MESSAGE]
            if not errors:
                apply(form, live, drop_poll=username in runtime.faults.save_drops_poll)
                state.audit_log.append(AuditEvent(datetime.now().strftime("%m/%d/%Y %I:%M:%S %p"),
                                                  g.session.username, f"Saved user account {username}"))
            snapshot = state.account(username)
        if xhr and skin == "modern":
            if errors:
                title = "The user account was not saved." if errors == [REFUSED_MESSAGE] else "Please correct the following:"
                return jsonify({"error": title, "errors": errors, "fields": field_errors(errors)}), 422
            if username in runtime.faults.save_5xx:
                return internal_error_page()
            return jsonify({"message": SAVED_MESSAGE, "account": account_json(snapshot)})
        if errors:
            # Re-render with what was typed (passwords excepted, as browsers and real sites do).
            form.password = form.confirm_password = form.direct_password = form.confirm_direct_password = ""
            return account_page(snapshot, form, errors, False), 200
        if username in runtime.faults.save_5xx:
            return internal_error_page()
        g.session.flash.append(SAVED_MESSAGE)
        return redirect(f"/admin/users/{username}", code=303)

    return app
