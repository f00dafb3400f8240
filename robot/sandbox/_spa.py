"""The spa skin's Patient and Provider Portal: one HTML shell for a Vue app, a frame for User Accounts, JSON.

The pages carry no data: ``app.html`` (every screen of the top document, routed in the browser) and
``frame.html`` (the User Accounts screens, in a same-origin iframe under the Administration menu) are
shells, and everything they show comes from ``/api/...``. The rules are the other skins' (``_portal``):
who may log in, what a Save validates, refuses or applies, and the fault switches.

    POST /api/session               log in (JSON or form: username, password): {user, practice, csrf} + cookie
    GET  /api/me                    who is logged in: {user, practice, csrf}
    GET  /api/home                  the home screen's counts
    GET  /api/pages/<name>          messages, reports, settings: {title, lines}
    GET  /api/admin/audit           {events}
    GET  /api/admin/users?access_type=T&page=N   one page of the search (SPA_PAGE_SIZE rows)
    GET  /api/admin/users/<u>       {account, history}
    POST /api/admin/users/<u>       the Save (form-encoded, X-CSRF-Token): 200, 422, 403, 5xx as the faults say

Without a session every ``/api/`` call is answered 401 in JSON (the app then draws its login form again);
the shells' own addresses still go to ``/login?next=...`` when loaded without one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Response, abort, g, jsonify, make_response, redirect, render_template, request

from robot.sandbox._common import (
    CSRF_MESSAGE,
    EXPIRED_MESSAGE,
    Runtime,
    SessionStore,
    csrf_ok,
    install_common,
    internal_error_page,
    json_error,
    login_required,
    new_app,
    safe_next,
)
from robot.sandbox._portal import (
    COOKIE_NAME,
    INVALID_LOGIN,
    REFUSED_MESSAGE,
    SAVED_MESSAGE,
    SEARCH_OPTIONS,
    AccountForm,
    _login_history,
    account_json,
    admin_login_ok,
    apply,
    field_errors,
    validate,
)
from robot.sandbox._gates import install_gates, new_session, refusal, start_response, starting_gates
from robot.sandbox._state import ACCESS_TYPES, ROLES, AuditEvent, PortalAccount

SPA_PAGE_SIZE = 10  # rows per page of the spa skin's search results, fetched one page at a time

# The top document's screens (vue-router routes); each address loads the same shell.
SHELL_ROUTES = ("/home", "/messages", "/reports", "/admin/settings", "/admin/audit", "/admin/users")


def create_spa_portal_app(runtime: Runtime) -> Flask:
    app = new_app(__name__, "portal", "spa")
    store = SessionStore()
    install_common(app, runtime, "portal", COOKIE_NAME, store, "spa")
    state = runtime.state

    def who() -> dict[str, Any]:
        with state.lock:
            user = state.accounts.get(g.session.username) if g.session else None
            return {
                "user": None if user is None else {
                    "username": user.username, "display_name": user.display_name,
                    "first_name": user.first_name, "last_name": user.last_name},
                "practice": state.practice.name,
                "csrf": g.session.csrf if g.session else "",
            }

    def shell(template: str, status: int = 200, **boot: Any) -> tuple[str, int]:
        return render_template(template, boot={**who(), "roles": list(ROLES), "options": list(SEARCH_OPTIONS),
                                               "page_size": SPA_PAGE_SIZE, **boot}), status

    # --- logging in and out ------------------------------------------------------------------------

    def gate_page(template: str, **context: Any) -> str:
        with state.lock:
            return render_template(template, practice=state.practice, user=None, **context)
    install_gates(app, runtime, "portal", "spa", "gate_base_spa_portal.html", gate_page)

    @app.get("/login")
    def login_form() -> tuple[str, int]:
        expired = g.expired or request.args.get("expired") == "1"
        notice = "You have been logged out." if request.args.get("logged_out") == "1" else None
        return shell("app.html", error=EXPIRED_MESSAGE if expired else None, notice=notice)

    def start_session(username: str) -> str:
        sid = store.create(username)
        g.session, g.sid = store.get(sid), sid
        return sid

    @app.post("/login")
    def login_submit() -> Any:
        """The shell's login form without its script (a plain form post), as the other skins."""
        given_user = request.form.get("username", "").strip()
        if (refused := refusal(runtime, "portal")) is not None:
            return shell("app.html", error=refused, notice=None, username=given_user)
        if not admin_login_ok(state, given_user, request.form.get("password", "")):
            return shell("app.html", error=INVALID_LOGIN, notice=None, username=given_user)
        return start_response(runtime, "portal", store, COOKIE_NAME, given_user, safe_next(request.form.get("next", ""), "/home"))

    @app.post("/api/session")
    def api_login() -> Any:
        data: Any = request.get_json(silent=True) if request.is_json else None
        if not isinstance(data, dict):
            data = request.form
        given_user = str(data.get("username", "")).strip()
        if (refused := refusal(runtime, "portal")) is not None:
            return json_error(403, refused)
        if not admin_login_ok(state, given_user, str(data.get("password", ""))):
            return json_error(401, INVALID_LOGIN)
        gates = starting_gates(runtime, "portal")
        if [k for k in gates if k != "welcome"]:  # the app goes on to the gates' pages, as to a sign-on host
            sid = new_session(store, given_user, gates, safe_next(str(data.get("next", "")), "/home"))
            response = jsonify({"next": "/login/step"})
            response.set_cookie(COOKIE_NAME, sid, httponly=True, samesite="Lax")
            return response
        sid = start_session(given_user)
        g.session.welcome = "welcome" in gates  # a dialog over the first page: loaded as a page, so it is drawn
        response = jsonify({"next": safe_next(str(data.get("next", "")), "/home")} if g.session.welcome else who())
        response.set_cookie(COOKIE_NAME, sid, httponly=True, samesite="Lax")
        return response

    @app.get("/logout")
    def logout() -> Response:
        store.drop(g.sid)
        response = make_response(redirect("/login?logged_out=1"))
        response.delete_cookie(COOKIE_NAME)
        return response

    @app.get("/")
    def root() -> Response:
        return redirect("/home")

    # --- the shells ----------------------------------------------------------------------------------

    def top_shell() -> tuple[str, int]:
        return shell("app.html")

    for path in SHELL_ROUTES:
        app.add_url_rule(path, f"shell{path.replace('/', '_')}", login_required(top_shell))

    @app.get("/admin/users/<username>")
    @login_required
    def shell_account(username: str) -> tuple[str, int]:
        if username not in state.accounts:
            abort(404)
        return shell("app.html")

    # The frame's shell holds no data, so it is served with or without a session: if the session has
    # ended, its first XHR is answered 401 and the top document draws its login form again.
    @app.get("/admin/frame/users")
    @app.get("/admin/frame/users/<username>")
    def frame(username: str | None = None) -> tuple[str, int]:
        return shell("frame.html")

    # --- JSON ----------------------------------------------------------------------------------------

    @app.get("/api/me")
    @login_required
    def me() -> Response:
        return jsonify(who())

    @app.get("/api/home")
    @login_required
    def home() -> Response:
        with state.lock:
            counts = {t: sum(1 for a in state.accounts.values() if a.access_type == t) for t in ACCESS_TYPES}
        return jsonify({"counts": counts})

    @app.get("/api/pages/<name>")
    @login_required
    def text_page(name: str) -> Any:
        p = state.practice
        pages = {
            "messages": ("Messages", ["Your inbox is empty.",
                                      "Secure messages from patients and Direct messages from other providers appear here."]),
            "reports": ("Reports", ["Portal Usage Summary", "Patient Enrollment by Month", "Direct Message Volume"]),
            "settings": ("Practice Settings", [f"Practice: {p.name}", f"Direct domain: {p.direct_domain}",
                                               "Patient self-enrollment: On", "Session timeout: 20 minutes"]),
        }
        if name not in pages:
            abort(404)
        title, lines = pages[name]
        return jsonify({"title": title, "lines": lines})

    @app.get("/api/admin/audit")
    @login_required
    def audit() -> Response:
        with state.lock:
            events = [{"when": e.when, "user": e.user, "action": e.action} for e in reversed(state.audit_log)]
        return jsonify({"events": events})

    def search(chosen: str) -> list[PortalAccount]:
        with state.lock:
            return sorted(
                (a for a in state.accounts.values() if chosen == "All" or a.access_type == chosen),
                key=lambda a: (ACCESS_TYPES.index(a.access_type), a.username),
            )

    @app.get("/api/admin/users")
    @login_required
    def users() -> Any:
        chosen = request.args.get("access_type", "All")
        if chosen not in SEARCH_OPTIONS:
            return json_error(400, "Choose a valid Access Type.")
        found = search(chosen)
        total = len(found)
        pages = max(1, -(-total // SPA_PAGE_SIZE))
        try:
            page_no = min(max(int(request.args.get("page", "1")), 1), pages)
        except ValueError:
            page_no = 1
        rows = [account_json(a) for a in found[(page_no - 1) * SPA_PAGE_SIZE: page_no * SPA_PAGE_SIZE]]
        return jsonify({"access_type": chosen, "total": total, "page": page_no, "pages": pages,
                        "page_size": SPA_PAGE_SIZE, "first": (page_no - 1) * SPA_PAGE_SIZE + 1 if rows else 0,
                        "last": (page_no - 1) * SPA_PAGE_SIZE + len(rows), "data": rows})

    @app.get("/api/admin/users/<username>")
    @login_required
    def account(username: str) -> Any:
        try:
            snapshot = state.account(username)
        except KeyError:
            return json_error(404, "Not Found", message="The page you requested could not be found.")
        return jsonify({"account": account_json(snapshot), "history": _login_history(snapshot)})

    @app.post("/api/admin/users/<username>")
    @login_required
    def save(username: str) -> Any:
        if not csrf_ok():
            return json_error(403, CSRF_MESSAGE)
        form = AccountForm.from_post(request.form)
        if runtime.faults.before_save is not None:
            runtime.faults.before_save(username)
        with state.lock:
            live = state.accounts.get(username)
            if live is None:
                return json_error(404, "Not Found", message="The page you requested could not be found.")
            errors = validate(form, live)
            if not errors and username in runtime.faults.refuse_save:
                errors = [REFUSED_MESSAGE]
            if not errors:
                apply(form, live, drop_poll=username in runtime.faults.save_drops_poll)
                state.audit_log.append(AuditEvent(datetime.now().strftime("%m/%d/%Y %I:%M:%S %p"),
                                                  g.session.username, f"Saved user account {username}"))
            snapshot = state.account(username)
        if errors:
            title = "The user account was not saved." if errors == [REFUSED_MESSAGE] else "Please correct the following:"
            return jsonify({"error": title, "errors": errors, "fields": field_errors(errors)}), 422
        if username in runtime.faults.save_5xx:
            return internal_error_page()
        return jsonify({"message": SAVED_MESSAGE, "account": account_json(snapshot)})

    return app
