"""The sandbox: a faithful, stateful stand-in for the MaxMD provisioning tool and the Patient and
Provider Portal, served on 127.0.0.1 for the demo, the end-to-end tests and the benchmarks.

It stands apart from the robot: it imports nothing from the rest of the ``robot`` package, and the
robot learns nothing from it that the real sites would not show (visible words only).

    from robot.sandbox import Sandbox, Faults
    with Sandbox(faults=Faults(latency_ms=50)) as sb:
        sb.maxmd_url, sb.portal_url, sb.state.account("1234567893")

    Sandbox(skin="legacy")  # the same sites as an older, table-layout portal would render them
    Sandbox(skin="modern")  # ... as a current Bootstrap/jQuery/Select2/DataTables admin site would
    Sandbox(skin="spa")     # ... as a single-page vendor site would: see below

    Sandbox(faults=Faults(gates={"maxmd": ("code",)}))  # pages after a login's password: robot.sandbox._gates
    sb.totp_secret, sb.gate_count("maxmd", "code accepted"), sb.use_code("maxmd"), sb.end_sessions("portal")

    Sandbox(odd_data=True).odd_npis  # six extra ready providers with hostile/odd names and addresses
    add_ready_provider(sb.state, "Jane", "Okafor" * 2000)  # one more ready provider, any name; its NPI
    Sandbox(long_address=True).long_address_npi  # one more ready provider, its Direct address 60 characters
    Sandbox(narrow_inputs=True)  # the account page's text boxes size="20": every Direct address wider than its box

The spa skin (``fixtures/html/spa/``, libraries vendored in ``fixtures/vendor/``):

- MaxMD is built of Shoelace web components (open shadow roots): the login form's ``sl-input``
  Username and Password, ``sl-checkbox`` "Keep me signed in", ``sl-button`` "Sign in"; the Dashboard's
  "Details" ``sl-button`` link; on Details, "Identity Proofing Information" in an ``sl-card`` and at the
  bottom an ``sl-details`` disclosure "Click to view status of provisioning workflows" whose entries
  (name, "NPI: ...", "Workflow status: Complete", the Direct address in a green ``sl-tag`` on the right)
  are fetched from ``/api/workflows`` each time it opens. An XHR answered 401 opens an ``sl-dialog``
  "Session expired" ("Your session has expired. Please log in again.", button "Log in" to the login page,
  which comes back to Details).
- The portal is a Vue 3 + vue-router app: ``/login``, ``/home`` and the other screens are one shell whose
  screens change by ``history.pushState`` (no page loads). "Administration" is a menu button
  (``aria-expanded``) with the menu items "User Accounts", "Practice Settings", "Audit Log". The User
  Accounts screens live in a same-origin iframe (title "User Accounts", its own Vue app under
  ``/admin/frame/``, loaded once after login and kept): "Access Type" is a tom-select combobox whose
  listbox is drawn at the end of the frame's ``<body>``; "Search" shows "Search Results" in place with
  no address change, ``SPA_PAGE_SIZE`` rows a page behind arrow buttons labelled only "Previous page" and
  "Next page" (``SPA_EXTRA_PROVIDERS`` more ready providers: three pages, Jane Okafor first on page 3);
  a Username link opens "Edit User Account" by client-side routing. Save opens a Shoelace dialog
  "Confirm changes" ("Save changes to this user account?", "Cancel" / "Save changes"), sends the form by
  XHR, and answers in a Shoelace toast that goes after 3 seconds ("User account saved.", or "The user
  account was not saved." with the refusal's reason, or the validation messages, also shown by the fields).
  An XHR answered 401 draws the login form again in place of the screen (the frame kept, no page
  load, the address unchanged); once logged in, a read is sent again and a Save is to be clicked again.
- Its logins' own gates (``SKIN_GATES``): MaxMD asks for a one-time code after the password, the portal
  shows "Your password expires in 5 days" after its login and a cookie banner over its pages.
- Faults as on every skin; XHRs answer in JSON (503 with no effect, 401 without a session, the Save's
  500 after it was applied); ``secrets_as_text`` also colours the password inside Shoelace's shadow root.
"""

from __future__ import annotations

from robot.sandbox._common import EXPIRED_MESSAGE, NARROW_INPUT_SIZE, SKINS, Faults
from robot.sandbox._gates import GATES, SANDBOX_TOTP_SECRET, SKIN_GATES
from robot.sandbox._maxmd import INVALID_LOGIN as MAXMD_INVALID_LOGIN
from robot.sandbox._portal import (
    INVALID_LOGIN as PORTAL_INVALID_LOGIN,
    LEGACY_PAGE_SIZE,
    MODERN_PAGE_SIZE,
    REFUSED_MESSAGE,
    SAVED_MESSAGE,
)
from robot.sandbox._spa import SPA_PAGE_SIZE
from robot.sandbox._server import DEMO_MAXMD_CREDENTIALS, DEMO_PORTAL_CREDENTIALS, Sandbox
from robot.sandbox._state import (
    LEGACY_EXTRA_PROVIDERS,
    LONG_ADDRESS_LENGTH,
    LONG_ADDRESS_PROVIDER,
    MODERN_EXTRA_PROVIDERS,
    ODD_PROVIDERS,
    SEEDED_NPIS,
    SPA_EXTRA_PROVIDERS,
    MaxmdEntry,
    OddProvider,
    PortalAccount,
    Practice,
    SandboxState,
    add_long_address_provider,
    add_ready_provider,
    npi_is_valid,
)

__all__ = [
    "DEMO_MAXMD_CREDENTIALS",
    "DEMO_PORTAL_CREDENTIALS",
    "EXPIRED_MESSAGE",
    "GATES",
    "LEGACY_EXTRA_PROVIDERS",
    "LEGACY_PAGE_SIZE",
    "LONG_ADDRESS_LENGTH",
    "LONG_ADDRESS_PROVIDER",
    "MAXMD_INVALID_LOGIN",
    "MODERN_EXTRA_PROVIDERS",
    "MODERN_PAGE_SIZE",
    "NARROW_INPUT_SIZE",
    "ODD_PROVIDERS",
    "PORTAL_INVALID_LOGIN",
    "REFUSED_MESSAGE",
    "SANDBOX_TOTP_SECRET",
    "SAVED_MESSAGE",
    "SEEDED_NPIS",
    "SKINS",
    "SKIN_GATES",
    "SPA_EXTRA_PROVIDERS",
    "SPA_PAGE_SIZE",
    "Faults",
    "MaxmdEntry",
    "OddProvider",
    "PortalAccount",
    "Practice",
    "Sandbox",
    "SandboxState",
    "add_long_address_provider",
    "add_ready_provider",
    "npi_is_valid",
]
