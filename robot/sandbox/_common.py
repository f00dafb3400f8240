"""What both fake sites share: fault switches, server-side sessions, the request log, error pages.

A real site keeps its sessions on the server and hands the browser an opaque cookie; so do we,
which is also what lets a session end after N requests (the session-expiry fault). Both sites run on
127.0.0.1, and browsers share cookies across ports, so each site uses its own cookie name.
"""

from __future__ import annotations

import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, jsonify, redirect, render_template, request, send_from_directory

from robot.sandbox._state import SandboxState
from robot.sandbox.files import FIXTURES_ROOT

TEMPLATE_ROOT = FIXTURES_ROOT / "html"
# The modern and spa skins' third-party libraries (fixtures/vendor/<lib>/, each with its licence) and their
# own scripts and styles (fixtures/html/<skin>/static/), served by the sites themselves: no CDN.
VENDOR_ROOT = FIXTURES_ROOT / "vendor"
MODERN_STATIC_ROOT = TEMPLATE_ROOT / "modern" / "static"
SPA_STATIC_ROOT = TEMPLATE_ROOT / "spa" / "static"
STATIC_ROOTS: dict[str, Path] = {"modern": MODERN_STATIC_ROOT, "spa": SPA_STATIC_ROOT}
STATIC_PREFIX = "/static/"

EXPIRED_MESSAGE = "Your session has expired. Please log in again."
UNAVAILABLE_TITLE = "Service Temporarily Unavailable"
INTERNAL_ERROR_TITLE = "Internal Server Error"


@dataclass
class Faults:
    """Fault switches; the live object is read on every request, so tests may flip them mid-run."""

    latency_ms: int = 0  # added to every request on both sites
    error_rate: float = 0.0  # share of requests (both sites) answered 503, with no effect
    error_seed: int = 0  # seeds the random.Random that decides which requests fail
    session_expiry_after: int | None = None  # a login session ends after this many requests
    refuse_save: set[str] = field(default_factory=set)  # portal usernames whose Save is refused
    save_5xx: set[str] = field(default_factory=set)  # usernames whose Save is applied but answered 500
    save_drops_poll: set[str] = field(default_factory=set)  # usernames whose Save is answered saved but leaves Poll Direct Mailbox as it was
    # Every page shows its password fields as text, in magenta: a test finds any unmasked secret by colour.
    secrets_as_text: bool = False
    # The portal's account page draws its text boxes NARROW_INPUT_SIZE characters wide (``size``), whatever its
    # style sheet says: every Direct address is longer than its box, as on a portal laid out for short names.
    narrow_inputs: bool = False
    # Called with the username when a Save arrives, before it is applied: a test holds a Save in flight there.
    before_save: Callable[[str], None] | None = field(default=None, repr=False)
    # What a login must pass after its password, per site ("maxmd", "portal"), in order (robot.sandbox._gates:
    # "code", "emailed-code", "push", "captcha", "notice", "device"); None: the rendering's own (the spa skin has some).
    gates: dict[str, tuple[str, ...]] | None = None
    cookie_banner: set[str] | None = None  # sites whose pages lie under a cookie banner until it is accepted; None: the rendering's
    login_refusal: dict[str, str] = field(default_factory=dict)  # site -> "locked" or "elsewhere": every login refused so
    totp_secret: str = field(default="", repr=False)  # the authenticator's secret ("": the sandbox's own)
    clock: Callable[[], float] = field(default=time.time, repr=False)  # the sites' clock, for the codes' time windows


SECRET_TEXT_COLOR = "#ff00ff"  # Faults.secrets_as_text: a colour no rendering uses
# What a password field becomes under Faults.secrets_as_text. The custom properties are Shoelace's (the spa
# skin's <sl-input type="password">): they carry the colour into the input inside the component's shadow root.
SECRET_TEXT_STYLE = (f"color:{SECRET_TEXT_COLOR};--sl-input-color:{SECRET_TEXT_COLOR};"
                     f"--sl-input-color-hover:{SECRET_TEXT_COLOR};--sl-input-color-focus:{SECRET_TEXT_COLOR}")

# Faults.narrow_inputs: the account page's text boxes (by their form field names, the same on every rendering)
# get size="20" and a style that lets the size count (the renderings' own sheets stretch them to their column).
NARROW_INPUT_SIZE = 20
NARROW_INPUT_FIELDS: tuple[str, ...] = ("display_name", "first_name", "last_name", "email", "direct_address")
NARROW_INPUT_STYLE = "width:auto !important;max-width:none;align-self:start;justify-self:start;flex:none"
_INPUT_TAG = re.compile(r"<input\b[^>]*>")
_NARROWED_INPUT = re.compile(r'(?=.*\btype="(?:text|email)")(?=.*\bname="(?:' + "|".join(NARROW_INPUT_FIELDS) + r')")', re.S)


def narrowed(html: str) -> str:
    """The account page's text boxes drawn NARROW_INPUT_SIZE characters wide (Faults.narrow_inputs); a size
    of their own (the legacy skin's 40) gives way."""
    def narrow(tag: re.Match[str]) -> str:
        if not _NARROWED_INPUT.match(tag.group(0)):
            return tag.group(0)
        rest = re.sub(r'\s+size="[^"]*"', "", tag.group(0)[len("<input"):])
        return f'<input size="{NARROW_INPUT_SIZE}" style="{NARROW_INPUT_STYLE}"{rest}'

    return _INPUT_TAG.sub(narrow, html)


RequestRecord = tuple[str, str, str, int]  # (site, method, path, status)


@dataclass
class Session:
    """One login on one site."""

    username: str
    requests: int = 0  # requests made with this session since login
    flash: list[str] = field(default_factory=list)  # one-shot confirmations ("User account saved.")
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(18))  # the modern skin's XHR token
    gates: list[str] = field(default_factory=list)  # what the login must still pass; not logged in until none is left
    target: str = "/"  # where the login goes once they are passed
    welcome: bool = False  # a "What's new" dialog lies over its pages until its OK is clicked (robot.sandbox._gates)


class SessionStore:
    """Server-side sessions keyed by an opaque id from ``secrets``."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self.issued: list[str] = []  # every session id ever given out, for tests to look for in what a run kept
        self._ended: set[str] = set()  # sessions the site ended (``end_all``): their next request is told so

    def create(self, username: str, gates: list[str] | None = None, target: str = "/") -> str:
        sid = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[sid] = Session(username, gates=list(gates or []), target=target)
            self.issued.append(sid)
        return sid

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            return self._sessions.get(sid)

    def touch(self, sid: str | None, limit: int | None) -> tuple[Session | None, bool]:
        """Count one request against a session: (the live session, or None; whether it just expired)."""
        if not sid:
            return None, False
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None, sid in self._ended
            session.requests += 1
            if limit is not None and session.requests > limit:
                del self._sessions[sid]
                return None, True
            return session, False

    def end_all(self) -> int:
        """The site ends every session now (as a timeout would): how many there were."""
        with self._lock:
            self._ended.update(self._sessions)
            count = len(self._sessions)
            self._sessions.clear()
            return count

    def drop(self, sid: str | None) -> None:
        if sid:
            with self._lock:
                self._sessions.pop(sid, None)

    def live(self) -> list[str]:
        """The usernames of the sessions still open (a signed-out one is gone)."""
        with self._lock:
            return [s.username for s in self._sessions.values()]


class Runtime:
    """Everything both apps read per request: state, faults, the request log, the failure dice."""

    def __init__(self, state: SandboxState, faults: Faults) -> None:
        self.state = state
        self.faults = faults
        self.requests: list[RequestRecord] = []
        self.stores: dict[str, SessionStore] = {}  # each site's sessions, for tests to see which are still open
        self._requests_lock = threading.Lock()
        self._rng_lock = threading.Lock()
        self._rng_seed = faults.error_seed
        self._rng = random.Random(faults.error_seed)
        self.gate_events: list[tuple[str, str]] = []  # (site, what): a gate shown, answered, a code refused (robot.sandbox._gates)
        self.gate_lock = threading.Lock()
        self.last_code_step: dict[str, int] = {}  # each site's newest time window a code was accepted (or used) in
        self.code_steps: dict[str, list[int]] = {}  # the time window of every good code given, in order
        self.used_next: dict[str, bool] = {}  # the next good code is refused as used (``use_code``)

    def gate_event(self, site: str, what: str) -> None:
        with self.gate_lock:
            self.gate_events.append((site, what))

    def gate_count(self, site: str, what: str) -> int:
        with self.gate_lock:
            return self.gate_events.count((site, what))

    def record(self, entry: RequestRecord) -> None:
        with self._requests_lock:
            self.requests.append(entry)

    def should_fail(self) -> bool:
        """Roll the dice for the 5xx fault; one generator for both sites, reseeded if the seed changes."""
        rate = self.faults.error_rate
        if rate <= 0:
            return False
        with self._rng_lock:
            if self._rng_seed != self.faults.error_seed:
                self._rng_seed = self.faults.error_seed
                self._rng = random.Random(self._rng_seed)
            return self._rng.random() < rate

    def add_latency(self) -> None:
        if self.faults.latency_ms > 0:
            time.sleep(self.faults.latency_ms / 1000)


class _RecordingMiddleware:
    """WSGI wrapper: adds the latency fault and logs every answered request with its final status."""

    def __init__(self, app: Callable[..., Iterable[bytes]], runtime: Runtime, site: str) -> None:
        self.app = app
        self.runtime = runtime
        self.site = site

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.runtime.add_latency()
        status_holder: list[int] = []

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_holder.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        self.runtime.record(
            (self.site, environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/"), status_holder[-1] if status_holder else 0)
        )
        return result


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after login (an open redirect would not be faithful)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


UNAVAILABLE_MESSAGE = ("The server is temporarily unable to service your request "
                       "due to maintenance downtime or capacity problems. Please try again later.")
INTERNAL_ERROR_MESSAGE = "The server encountered an internal error and was unable to complete your request."


def is_xhr() -> bool:
    """A request the page's own script made (jQuery's header, or one that asks for JSON, or an /api/ address):
    it is answered in JSON, and without a session it gets 401 instead of a redirect to the login page."""
    if request.headers.get("X-Requested-With", "").lower() == "xmlhttprequest" or request.path.startswith("/api/"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def json_error(status: int, error: str, **extra: Any) -> tuple[Response, int]:
    """An XHR's error answer: ``{"error": ..., "status": ...}`` plus any details."""
    return jsonify({"error": error, "status": status, **extra}), status


def install_common(app: Flask, runtime: Runtime, site: str, cookie_name: str, store: SessionStore,
                   skin: str = "default") -> None:
    """Faults, session lookup (with request-count expiry) and error pages, identical on both sites.

    XHR requests (``is_xhr``) get the same faults, answered in JSON. Static files (``/static/...``, the
    modern skin's scripts and styles, as a web server or CDN would serve them) skip the 5xx dice and
    the session: they are not the application's requests. Latency and the request log cover them too.
    """
    app.wsgi_app = _RecordingMiddleware(app.wsgi_app, runtime, site)  # type: ignore[method-assign]
    runtime.stores[site] = store
    app.config["SESSION_COOKIE_NAME"] = cookie_name

    @app.after_request
    def _secrets_as_text(response: Response) -> Response:
        if runtime.faults.secrets_as_text and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            style = SECRET_TEXT_STYLE if skin == "spa" else f"color:{SECRET_TEXT_COLOR}"
            response.set_data(html.replace('type="password"', f'type="text" style="{style}"'))
        return response

    @app.after_request
    def _narrow_inputs(response: Response) -> Response:
        # The spa skin's boxes are in its frame's Vue templates, served in the same HTML: rewritten there.
        if site == "portal" and runtime.faults.narrow_inputs and response.mimetype == "text/html":
            response.set_data(narrowed(response.get_data(as_text=True)))
        return response

    @app.before_request
    def _faults_and_session() -> Any:
        g.session = None
        g.pending = None  # a session whose login has gates still to pass
        g.sid = None
        g.expired = False
        if request.path.startswith(STATIC_PREFIX):
            return None
        if runtime.should_fail():
            # Answered before anything else: the request has no effect, not even on a session's count.
            if is_xhr():
                response, code = json_error(503, UNAVAILABLE_TITLE, message=UNAVAILABLE_MESSAGE)
                response.headers["Retry-After"] = "5"
                return response, code
            return render_template("error.html", title=UNAVAILABLE_TITLE, code=503,
                                   message=UNAVAILABLE_MESSAGE), 503, {"Retry-After": "5"}
        sid = request.cookies.get(cookie_name)
        session, g.expired = store.touch(sid, runtime.faults.session_expiry_after)
        if session is not None and session.gates:
            g.pending, g.sid = session, sid
        elif session is not None:
            g.session = session
            g.sid = sid
        return None

    @app.errorhandler(404)
    def _not_found(_exc: Exception) -> Any:
        if is_xhr():
            return json_error(404, "Not Found", message="The page you requested could not be found.")
        return render_template("error.html", title="Page Not Found", code=404,
                               message="The page you requested could not be found."), 404

    @app.errorhandler(405)
    def _not_allowed(_exc: Exception) -> Any:
        if is_xhr():
            return json_error(405, "Method Not Allowed", message="This page cannot be used that way.")
        return render_template("error.html", title="Method Not Allowed", code=405,
                               message="This page cannot be used that way."), 405

    @app.errorhandler(500)
    def _internal(_exc: Exception) -> Any:
        return internal_error_page()


def internal_error_page() -> Any:
    if is_xhr():
        return json_error(500, INTERNAL_ERROR_TITLE, message=INTERNAL_ERROR_MESSAGE)
    return render_template("error.html", title=INTERNAL_ERROR_TITLE, code=500, message=INTERNAL_ERROR_MESSAGE), 500


def login_url(expired: bool) -> str:
    """The login page, remembering where the visitor was going (and why, if the session ended)."""
    target = request.full_path if request.method == "GET" else request.path
    target = target[:-1] if target.endswith("?") else target
    params = {"next": target}
    if expired:
        params["expired"] = "1"
    return "/login?" + urlencode(params)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every page but the login page needs a session; without one, go to /login?next=...

    An XHR without a session is answered 401 in JSON (the page's script then goes to the login page)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.session is None and g.pending is not None:  # a login still at its gates: back to the next one
            if is_xhr():
                return json_error(401, "You must finish signing in to continue.")
            return redirect("/login/step", code=302 if request.method == "GET" else 303)
        if g.session is None:
            if is_xhr():
                return json_error(401, EXPIRED_MESSAGE if g.expired else "You must log in to continue.",
                                  expired=bool(g.expired))
            return redirect(login_url(g.expired), code=302 if request.method == "GET" else 303)
        return view(*args, **kwargs)

    return wrapper


def csrf_ok() -> bool:
    """The modern skin's XHR writes carry the session's token (from the page's <meta name="csrf-token">)."""
    given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    return g.session is not None and secrets.compare_digest(given, g.session.csrf)


CSRF_MESSAGE = "This page has expired. Reload the page and try again."


def install_static(app: Flask, skin: str = "modern") -> None:
    """The modern and spa skins' assets: ``/static/vendor/<lib>/<file>`` and ``/static/app/<file>`` (cacheable)."""
    app_root = STATIC_ROOTS[skin]

    def send(root: Path, filename: str) -> Response:
        response = send_from_directory(root, filename, max_age=3600)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @app.get(STATIC_PREFIX + "vendor/<path:filename>")
    def vendor_file(filename: str) -> Response:
        return send(VENDOR_ROOT, filename)

    @app.get(STATIC_PREFIX + "app/<path:filename>")
    def app_file(filename: str) -> Response:
        return send(app_root, filename)


SKINS: tuple[str, ...] = ("default", "legacy", "modern", "spa")


def template_folder(site_dir: str, skin: str = "default") -> Path:
    """Where a site's templates live: ``fixtures/html/<site>`` (default) or ``fixtures/html/<skin>/<site>``."""
    if skin not in SKINS:
        raise ValueError(f"skin must be one of {', '.join(SKINS)}, not {skin!r}")
    return TEMPLATE_ROOT / site_dir if skin == "default" else TEMPLATE_ROOT / skin / site_dir


def new_app(import_name: str, site_dir: str, skin: str = "default") -> Flask:
    app = Flask(import_name, template_folder=str(template_folder(site_dir, skin)), static_folder=None)
    # The sandbox's state must never be cached: every page is rendered from the live state.
    app.config["TEMPLATES_AUTO_RELOAD"] = False

    @app.after_request
    def _no_store(response: Response) -> Response:
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    if skin in STATIC_ROOTS:
        install_static(app, skin)
    return app
