"""What a sandbox login may put between the password and the first screen, as real sites do.

A login whose site has gates (``Faults.gates``: site -> their kinds, in order) opens a session that is not
yet a login: every page sends it to ``/login/step``, every XHR is answered 401, until each gate is passed.

- ``code``: "Two-step verification", a code from an authenticator app (TOTP, ``pyotp``), checked on the
  server with one step of drift either way; a code of a time window already used (or older) is refused.
- ``emailed-code``, ``push``, ``captcha``: what only a person can give; every answer is refused and counted.
- ``notice``: "Your password expires in 5 days": "Change password now" (a link, counted, never to be taken)
  or "Remind me later".
- ``device``: "Remember this device?": "Yes, remember this device" or "Not now".
- ``code-boxes``: the code in six one-digit boxes; ``welcome``: no page of its own, a "What's new" dialog over
  the first page after the login until its OK is clicked.

Also: a cookie banner over every page of a site (``Faults.cookie_banner``) until "Accept all" is clicked
(its "Manage preferences" is counted), and logins refused with the words of a locked account or of a session
open elsewhere (``Faults.login_refusal``). ``Runtime.gate_events`` counts what happened, for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
from flask import Flask, Response, g, make_response, redirect, request
from jinja2 import ChoiceLoader, FileSystemLoader

from robot.sandbox.files import FIXTURES_ROOT

GATE_TEMPLATES = FIXTURES_ROOT / "html" / "gates"
# The sandbox's own authenticator secret (base32): public, printed by ``python -m robot.sandbox``.
SANDBOX_TOTP_SECRET = "KRSXG5CTMVRXEZLUKNQW4ZDCN54A"
GATES = ("code", "code-boxes", "emailed-code", "push", "captcha", "notice", "device", "welcome")
_CODES = ("code", "code-boxes")
REFUSALS = {
    "locked": "Your account has been locked after too many failed sign-in attempts. Contact your administrator to unlock it.",
    "elsewhere": "This account is already signed in on another device. Sign out there first, or try again in 30 minutes.",
}
CODE_REFUSED = "That code is not valid or has already been used. Enter the current code from your authenticator app."
# The renderings' own gates (a Sandbox given ``Faults(gates=None)``): the spa skin, as a current vendor site.
SKIN_GATES: dict[str, dict[str, tuple[str, ...]]] = {"spa": {"maxmd": ("code",), "portal": ("notice",)}}
SKIN_COOKIE_BANNERS: dict[str, frozenset[str]] = {"spa": frozenset({"portal"})}
STYLE = {"legacy": "table", "spa": "shoelace"}  # how a gate's form is drawn (the spa portal's pages are plain HTML)

# A consent wall over the whole page (a dialog with a backdrop) on the default and spa skins; on the older
# two, a bar along the bottom of the window, no role, named only by its id and class, that covers what is under it.
WALL = """<div class="sandbox-cookies" role="dialog" aria-label="Cookie consent" style="position:fixed;inset:0;z-index:2147483000;
background:rgba(15,23,42,.45);display:flex;align-items:flex-end;font:15px/1.4 Arial,sans-serif">
<div style="background:#fff;color:#111;width:100%;padding:18px 28px;display:flex;gap:14px;align-items:center;flex-wrap:wrap">
<p style="margin:0;flex:1 1 420px">We use cookies to keep you signed in and to understand how this site is used.
<a href="/cookies/preferences">Manage preferences</a></p>
<button type="button" style="padding:9px 18px" onclick="document.cookie='{name}=1; path=/; SameSite=Lax';
this.closest('.sandbox-cookies').remove()">Accept all</button></div></div>"""
BAR = """<div id="cookie-notice" class="cookie-bar" style="position:fixed;left:0;right:0;bottom:0;height:38vh;z-index:99999;
background:#263238;color:#fff;font:13px Arial,sans-serif;padding:14px 24px;box-sizing:border-box">
This website uses cookies. By continuing to use it you agree to our <a style="color:#9cf" href="/cookies/preferences">cookie
policy</a>. <button type="button" onclick="document.cookie='{name}=1; path=/'; document.getElementById('cookie-notice').remove()"
style="margin-left:12px">OK</button></div>"""
BANNERS = {"legacy": BAR, "modern": BAR}
WELCOME = """<div class="sandbox-welcome" role="dialog" aria-modal="true" aria-labelledby="welcome-title" style="position:fixed;
inset:0;z-index:2147482000;background:rgba(15,23,42,.5);display:grid;place-items:center;font:15px/1.4 Arial,sans-serif">
<form method="post" action="/login/welcome" style="background:#fff;color:#111;max-width:440px;padding:22px 26px;border-radius:8px">
<h2 id="welcome-title" style="margin:0 0 8px">What's new</h2><p>Direct messages now show whether they were delivered.</p>
<button type="submit" style="padding:8px 20px">OK</button></form></div>"""


def consent_cookie(site: str) -> str:
    return f"{site}_cookie_consent"


def starting_gates(runtime: Any, site: str) -> list[str]:
    """The gates a login on ``site`` must pass now (the live fault switches)."""
    return list((runtime.faults.gates or {}).get(site, ()))


def refusal(runtime: Any, site: str) -> str | None:
    """The words a login on ``site`` is refused with whatever the password (a locked account, a session elsewhere)."""
    kind = (runtime.faults.login_refusal or {}).get(site)
    if kind:
        runtime.gate_event(site, f"login refused: {kind}")
    return REFUSALS.get(kind) if kind else None


def install_gates(app: Flask, runtime: Any, site: str, skin: str, base: str, render: Callable[..., str]) -> None:
    """``/login/step`` (each gate's page and its answer), ``/account/password``, ``/cookies/preferences``,
    and the cookie banner laid over the site's pages."""
    loader = app.jinja_loader
    app.jinja_loader = ChoiceLoader([loader, FileSystemLoader(str(GATE_TEMPLATES))])  # type: ignore[list-item]
    style = STYLE.get(skin, "plain") if not (skin == "spa" and site == "portal") else "plain"

    def page(kind: str, **context: Any) -> str:
        name = "code" if kind in _CODES else kind.replace("-", "_")  # a code in one field or in six boxes: one page
        return render(f"gate_{name}.html", base=base, style=style, site=site, boxes=kind == "code-boxes", **context)

    @app.get("/login/step")
    def gate_page() -> Any:
        pending = g.pending
        if pending is None or not pending.gates:
            return redirect("/login")
        runtime.gate_event(site, f"{pending.gates[0]} shown")
        return page(pending.gates[0], error=None)

    @app.post("/login/step")
    def gate_answer() -> Any:
        pending = g.pending
        if pending is None or not pending.gates:
            return redirect("/login")
        kind = pending.gates[0]
        runtime.gate_event(site, f"{kind} answered")
        if kind in _CODES:
            given = request.form.get("code") or "".join(request.form.get(f"d{i}", "") for i in range(1, 7))
            if not _code_ok(runtime, site, given):
                runtime.gate_event(site, "code refused")
                return page(kind, error=CODE_REFUSED), 200
            runtime.gate_event(site, "code accepted")
        elif kind in ("emailed-code", "push", "captcha"):
            return page(kind, error="That did not work. Try again."), 200
        else:
            runtime.gate_event(site, f"{kind}: {request.form.get('answer', '')}")
        pending.gates.pop(0)
        return redirect("/login/step" if pending.gates else pending.target, code=303)

    @app.post("/login/welcome")
    def welcome_seen() -> Any:
        if g.session is not None:
            g.session.welcome = False
            runtime.gate_event(site, "welcome: OK")
        back = request.referrer or "/"
        return redirect(back if back.startswith(request.host_url) else "/", code=303)

    @app.get("/account/password")
    def change_password() -> str:
        runtime.gate_event(site, "change password opened")
        return page("password")

    @app.get("/cookies/preferences")
    def cookie_preferences() -> str:
        runtime.gate_event(site, "cookie preferences opened")
        return page("password", cookies=True)

    @app.after_request
    def _welcome(response: Response) -> Response:
        """A dialog over the first page after the login ("What's new"), until its OK is clicked."""
        session = g.get("session")
        if session is None or not session.welcome or response.mimetype != "text/html" or request.path.startswith("/admin/frame"):
            return response
        html = response.get_data(as_text=True)
        if "</body>" in html:
            runtime.gate_event(site, "welcome shown")
            response.set_data(html.replace("</body>", WELCOME + "</body>", 1))
        return response

    @app.after_request
    def _cookie_banner(response: Response) -> Response:
        shown = site in (runtime.faults.cookie_banner or ()) and response.mimetype == "text/html"
        if not shown or request.cookies.get(consent_cookie(site)) or request.path.startswith("/admin/frame"):
            return response
        html = response.get_data(as_text=True)
        if "</body>" in html:
            banner = BANNERS.get(skin, WALL).replace("{name}", consent_cookie(site))
            response.set_data(html.replace("</body>", banner + "</body>", 1))
        return response


def _code_ok(runtime: Any, site: str, code: str) -> bool:
    """A code of the current time window or one either side, newer than every code used on this site."""
    totp = pyotp.TOTP(runtime.faults.totp_secret)
    now = runtime.faults.clock()
    for drift in (0, -1, 1):
        when = now + drift * totp.interval
        step = int(when // totp.interval)
        if code.strip() == totp.at(when):
            with runtime.gate_lock:
                runtime.code_steps.setdefault(site, []).append(step)
                used = step <= runtime.last_code_step.get(site, -1) or runtime.used_next.pop(site, False)
                runtime.last_code_step[site] = max(step, runtime.last_code_step.get(site, -1))
            if used:
                runtime.gate_event(site, "used code refused")
            return not used
    return False


def use_code(runtime: Any, site: str) -> None:
    """Another device signs in first with the code the robot is about to type: the next good code given is refused
    as already used (whatever its time window; a test need not race the clock)."""
    with runtime.gate_lock:
        runtime.used_next[site] = True


def new_session(store: Any, username: str, gates: list[str], target: str) -> str:
    """A session at its gates; "welcome" is none of them but a dialog over the first page, so it is the session's flag."""
    sid = store.create(username, gates=[k for k in gates if k != "welcome"], target=target)
    store.get(sid).welcome = "welcome" in gates
    return sid


def start_response(runtime: Any, site: str, store: Any, cookie: str, username: str, target: str) -> Response:
    """A login that passed its password: the first gate's page (or straight to ``target``), with the session's cookie."""
    sid = new_session(store, username, starting_gates(runtime, site), target)
    response = make_response(redirect("/login/step" if store.get(sid).gates else target, code=303))
    response.set_cookie(cookie, sid, httponly=True, samesite="Lax")
    return response
