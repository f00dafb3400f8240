"""The fake MaxMD provisioning tool: login, home, Details (identity proofing), provisioning workflows."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, make_response, redirect, render_template, request

from robot.sandbox._common import (
    EXPIRED_MESSAGE,
    Runtime,
    SessionStore,
    install_common,
    login_required,
    new_app,
    safe_next,
)
from robot.sandbox._gates import install_gates, refusal, start_response
from robot.sandbox._state import MaxmdEntry

COOKIE_NAME = "MAXMD_SID"
INVALID_LOGIN = "Invalid username or password."

# The odd-data switch's padding (see MaxmdEntry.padded): the same words with extra whitespace around them.
_PAD = "  \n\t \t  "


def workflow_json(entry: MaxmdEntry) -> dict[str, Any]:
    """One entry as the modern skin's Details page gets it (padded entries keep their whitespace, as the HTML does)."""
    pad = _PAD if entry.padded else ""
    complete = entry.status == "Complete" and bool(entry.direct_address)
    return {
        "name": f"{pad}{entry.first_name}{pad} {entry.last_name},{pad} {entry.credential}{pad}" if pad else entry.display_name,
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "credential": entry.credential,
        "npi": f"{pad}{entry.npi}{pad}" if entry.npi else None,
        "status": entry.status,
        "direct_address": f"{pad}{entry.direct_address}{pad}" if complete else None,
    }


def create_maxmd_app(runtime: Runtime, username: str, password: str, skin: str = "default") -> Flask:
    """One Flask app per site, like the real two sites on two origins; ``skin`` picks the templates."""
    app = new_app(__name__, "maxmd", skin)
    store = SessionStore()
    install_common(app, runtime, "maxmd", COOKIE_NAME, store, skin)
    state = runtime.state

    def page(template: str, **context: Any) -> str:
        with state.lock:
            return render_template(template, practice=state.practice, user=g.session.username if g.session else None, **context)

    install_gates(app, runtime, "maxmd", skin, "base.html", page)

    @app.get("/login")
    def login_form() -> str:
        expired = g.expired or request.args.get("expired") == "1"
        notice = "You have been signed out." if request.args.get("signed_out") == "1" else None
        return page("login.html", error=EXPIRED_MESSAGE if expired else None, notice=notice,
                    next=request.args.get("next", ""), username="")

    @app.post("/login")
    def login_submit() -> Response | tuple[str, int]:
        given_user = request.form.get("username", "")
        given_password = request.form.get("password", "")
        target = request.form.get("next", "")
        if (refused := refusal(runtime, "maxmd")) is not None:
            return page("login.html", error=refused, notice=None, next=target, username=given_user), 200
        if given_user.strip().lower() != username.lower() or given_password != password:
            return page("login.html", error=INVALID_LOGIN, notice=None, next=target, username=given_user), 200
        return start_response(runtime, "maxmd", store, COOKIE_NAME, username, safe_next(target, "/"))

    @app.get("/logout")
    def logout() -> Response:
        store.drop(g.sid)
        response = make_response(redirect("/login?signed_out=1"))
        response.delete_cookie(COOKIE_NAME)
        return response

    @app.get("/")
    @login_required
    def home() -> str:
        with state.lock:
            complete = sum(1 for e in state.maxmd_entries if e.status == "Complete")
            pending = sum(1 for e in state.maxmd_entries if e.status != "Complete")
        return page("home.html", complete=complete, pending=pending, total=complete + pending)

    @app.get("/details")
    @login_required
    def details() -> str:
        return page("details.html")

    if skin in ("modern", "spa"):
        # The modern Details page loads the list into itself from here (its button's XHR), the spa one when its
        # disclosure opens; neither has a /workflows page.
        @app.get("/api/workflows")
        @login_required
        def workflows_json() -> Response:
            entries = state.entries()
            complete = sum(1 for e in entries if e.status == "Complete")
            return jsonify({"practice": state.practice.name, "total": len(entries), "complete": complete,
                            "pending": len(entries) - complete, "workflows": [workflow_json(e) for e in entries]})
    else:
        @app.get("/workflows")
        @login_required
        def workflows() -> str:
            return page("workflows.html", entries=state.entries())

    return app
