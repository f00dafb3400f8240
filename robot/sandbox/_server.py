"""``Sandbox``: both fake sites served on 127.0.0.1, each on its own port (two origins, like the real ones)."""

from __future__ import annotations

import secrets
import threading
from types import TracebackType

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from robot.sandbox._common import SKINS, Faults, RequestRecord, Runtime
from robot.sandbox._gates import SANDBOX_TOTP_SECRET, SKIN_COOKIE_BANNERS, SKIN_GATES, use_code
from robot.sandbox._maxmd import create_maxmd_app
from robot.sandbox._portal import create_portal_app
from robot.sandbox._state import (
    MODERN_EXTRA_PROVIDERS,
    SPA_EXTRA_PROVIDERS,
    SandboxState,
    add_legacy_providers,
    add_long_address_provider,
    add_odd_providers,
    generated_state,
    seeded_state,
)

POLL_SECONDS = 0.02  # how soon a stopping server notices (serve_forever's poll_interval)

DEMO_MAXMD_CREDENTIALS = ("admin@brightsideeye.com", "Maxmd-Sandbox-2026!")
DEMO_PORTAL_CREDENTIALS = ("brightside.admin", "Portal-Sandbox-2026!")


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: ``Sandbox.requests`` is the log, and a test's output stays readable."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _random_password() -> str:
    # Random, and still within the portal's own policy (upper, lower, digit, special).
    return f"Sb-{secrets.token_urlsafe(12)}-9a!"


class Sandbox:
    """Both sites with shared state and fault switches. Use as a context manager or start()/stop().

    ``providers=None`` serves the seeded Brightside Eye Care practice; ``providers=N`` serves N generated
    ready providers (deterministic from ``seed``).

    ``odd_data=True`` adds (to either) six more ready providers with hostile or odd data, so tests can
    prove the robot treats it as data: quotes and an apostrophe, markup (``<script>``), accents, a
    200-character name, a Direct address MaxMD shows in upper case, and extra whitespace around the
    name, NPI and address in the workflows page's HTML. Each has a MaxMD workflow Complete and a fresh
    Clinician account named by its NPI; they are ``robot.sandbox.ODD_PROVIDERS``, their NPIs, in that
    order, ``odd_npis`` (empty when off).

    ``long_address=True`` adds (to either) one more ready provider whose Direct address is exactly 60
    characters (``LONG_ADDRESS_LENGTH``; ``LONG_ADDRESS_PROVIDER``), its NPI ``long_address_npi`` (None when off).

    ``narrow_inputs=True`` (``Faults.narrow_inputs``, live) draws the portal account page's text boxes 20
    characters wide (``size="20"``) on every rendering, so every Direct address is wider than its box.

    ``skin`` picks how both sites look, with the same state, routes and form field names:

    - ``"default"``: ``fixtures/html/<site>``.
    - ``"legacy"``: ``fixtures/html/legacy/<site>``: table layouts whose labels are not tied to their
      inputs, a hover menu, ``<input type=submit>`` buttons, a paged search grid, an ``alert()`` after
      Save, a table of providers on MaxMD.
    - ``"modern"``: ``fixtures/html/modern/<site>``, on vendored Bootstrap 5, jQuery, Select2 and
      DataTables (``fixtures/vendor/``, served at ``/static/vendor/``): MaxMD's workflow list loaded
      into the Details page by XHR, a Select2 Access Type, search results fetched by XHR into a grid
      paged in the browser, a confirmation modal before Save, the Save sent by XHR and answered in a
      Bootstrap alert. XHRs get the same faults, in JSON (401 when the session is gone, and the page's
      script then goes to the login page).

    - ``"spa"``: ``fixtures/html/spa/<site>``, as a current single-page vendor site: MaxMD built of Shoelace
      web components (open shadow roots), its workflow list behind an ``<sl-details>`` disclosure and fetched
      when it opens, an ``<sl-dialog>`` when the session has expired; the portal a Vue 3 + vue-router app
      (client-side routing, no page loads) whose User Accounts screens live in a same-origin iframe under
      the Administration menu, a tom-select Access Type whose options are drawn at the end of the frame's
      ``<body>``, results fetched 10 to a page behind "Previous page"/"Next page" arrows, a Shoelace confirm
      dialog before Save and the Save answered in a toast that goes after 3 seconds, and the login form
      drawn again in place (no page load) when an XHR gets 401.

    With ``providers=None`` the legacy and modern skins add ``LEGACY_EXTRA_PROVIDERS`` and
    ``MODERN_EXTRA_PROVIDERS`` generated ready providers (NPIs in ``legacy_npis``, ``modern_npis``),
    so the Clinician grid has two pages and Jane Okafor is on page 2; the spa skin adds
    ``SPA_EXTRA_PROVIDERS`` (``spa_npis``): three pages, Jane Okafor first on page 3.
    """

    def __init__(
        self,
        providers: int | None = None,
        faults: Faults | None = None,
        maxmd_credentials: tuple[str, str] | None = None,
        portal_credentials: tuple[str, str] | None = None,
        host: str = "127.0.0.1",
        maxmd_port: int = 0,
        portal_port: int = 0,
        seed: int = 0,
        odd_data: bool = False,
        skin: str = "default",
        long_address: bool = False,
        narrow_inputs: bool = False,
    ) -> None:
        if skin not in SKINS:
            raise ValueError(f"skin must be one of {', '.join(SKINS)}, not {skin!r}")
        self.skin = skin
        self.host = host
        self.faults = faults if faults is not None else Faults()
        if self.faults.gates is None:  # the rendering's own pages after a login (the spa skin's code and notice)
            self.faults.gates = dict(SKIN_GATES.get(skin, {}))
        if self.faults.cookie_banner is None:
            self.faults.cookie_banner = set(SKIN_COOKIE_BANNERS.get(skin, ()))
        self.faults.totp_secret = self.faults.totp_secret or SANDBOX_TOTP_SECRET
        if narrow_inputs:
            self.faults.narrow_inputs = True
        self.maxmd_username, self.maxmd_password = maxmd_credentials or (
            f"admin.{secrets.token_hex(4)}@brightsideeye.com", _random_password())
        self.portal_username, self.portal_password = portal_credentials or (
            f"admin.{secrets.token_hex(4)}", _random_password())
        if providers is None:
            self.state: SandboxState = seeded_state(self.portal_username, self.portal_password)
        else:
            self.state = generated_state(providers, seed, self.portal_username, self.portal_password)
        self.legacy_npis: list[str] = (
            add_legacy_providers(self.state) if skin == "legacy" and providers is None else [])
        self.modern_npis: list[str] = (
            add_legacy_providers(self.state, MODERN_EXTRA_PROVIDERS) if skin == "modern" and providers is None else [])
        self.spa_npis: list[str] = (
            add_legacy_providers(self.state, SPA_EXTRA_PROVIDERS) if skin == "spa" and providers is None else [])
        self.odd_data = odd_data
        self.odd_npis: list[str] = add_odd_providers(self.state) if odd_data else []
        self.long_address_npi: str | None = add_long_address_provider(self.state) if long_address else None
        self._runtime = Runtime(self.state, self.faults)
        # Built up front so tests can use Flask's test client without starting any server.
        self.maxmd_app: Flask = create_maxmd_app(self._runtime, self.maxmd_username, self.maxmd_password, skin)
        self.portal_app: Flask = create_portal_app(self._runtime, skin)
        self._wanted_ports = (maxmd_port, portal_port)
        self._servers: list[BaseWSGIServer] = []
        self._threads: list[threading.Thread] = []
        self.maxmd_port: int | None = None
        self.portal_port: int | None = None

    @property
    def requests(self) -> list[RequestRecord]:
        """(site, method, path, status) for every request answered, in order (the live list)."""
        return self._runtime.requests

    @property
    def maxmd_url(self) -> str:
        return f"http://{self.host}:{self._port('maxmd')}/login"

    @property
    def portal_url(self) -> str:
        return f"http://{self.host}:{self._port('portal')}/login"

    @property
    def totp_secret(self) -> str:
        """The authenticator secret both sites' one-time codes come from (base32), whether or not a gate asks for one."""
        return self.faults.totp_secret

    def gate_count(self, site: str, what: str) -> int:
        """How often ``what`` happened at ``site``'s gates ("code accepted", "change password opened", ...; robot.sandbox._gates)."""
        return self._runtime.gate_count(site, what)

    @property
    def gate_events(self) -> list[tuple[str, str]]:
        return list(self._runtime.gate_events)

    def use_code(self, site: str) -> None:
        """Another device signs in first with the code the robot is about to type: its next good code is refused as used."""
        use_code(self._runtime, site)

    def code_windows(self, site: str) -> list[int]:
        """The time window of every good code ``site`` was given, in order."""
        return list(self._runtime.code_steps.get(site, []))

    def end_sessions(self, site: str) -> int:
        """``site`` ends every session now, as an idle timeout would (the next request is told it expired)."""
        return self._runtime.stores[site].end_all()

    def live_sessions(self, site: str) -> list[str]:
        """Who is still logged in on ``site`` ("maxmd" or "portal"): a session signed out of is not listed."""
        return self._runtime.stores[site].live()

    def issued_sessions(self, site: str) -> list[str]:
        """Every session id ``site`` ever gave out (its cookie values), signed out of or not."""
        return list(self._runtime.stores[site].issued)

    def _port(self, site: str) -> int:
        port = self.maxmd_port if site == "maxmd" else self.portal_port
        if port is None:
            raise RuntimeError("the sandbox is not started; call start() or use it as a context manager")
        return port

    def start(self) -> Sandbox:
        if self._servers:
            return self
        try:
            for app, port in ((self.maxmd_app, self._wanted_ports[0]), (self.portal_app, self._wanted_ports[1])):
                server = make_server(self.host, port, app, threaded=True, request_handler=_QuietHandler)
                self._servers.append(server)
        except Exception:
            for server in self._servers:
                server.server_close()
            self._servers.clear()
            raise
        self.maxmd_port, self.portal_port = (s.server_port for s in self._servers)
        for server, name in zip(self._servers, ("maxmd", "portal")):
            # serve_forever notices shutdown() once per poll: at the default 0.5 s, stop() took up to a second.
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                                      name=f"sandbox-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
