"""The sandbox: a faithful, stateful stand-in for the MaxMD provisioning tool and the Patient and
Provider Portal, served on 127.0.0.1 for the demo, the end-to-end tests and the benchmarks.

It stands apart from the robot: it imports nothing from the rest of the ``robot`` package, and the
robot learns nothing from it that the real sites would not show (visible words only).

    from robot.sandbox import Sandbox, Faults
    with Sandbox(faults=Faults(latency_ms=50)) as sb:
        sb.maxmd_url, sb.portal_url, sb.state.account("1234567893")

    Sandbox(skin="legacy")  # the same sites as an older, table-layout portal would render them
    Sandbox(skin="modern")  # ... as a current Bootstrap/jQuery/Select2/DataTables admin site would

    Sandbox(odd_data=True).odd_npis  # six extra ready providers with hostile/odd names and addresses
    add_ready_provider(sb.state, "Jane", "Okafor" * 2000)  # one more ready provider, any name; its NPI
"""

from __future__ import annotations

from robot.sandbox._common import EXPIRED_MESSAGE, SKINS, Faults
from robot.sandbox._maxmd import INVALID_LOGIN as MAXMD_INVALID_LOGIN
from robot.sandbox._portal import (
    INVALID_LOGIN as PORTAL_INVALID_LOGIN,
    LEGACY_PAGE_SIZE,
    MODERN_PAGE_SIZE,
    REFUSED_MESSAGE,
    SAVED_MESSAGE,
)
from robot.sandbox._server import DEMO_MAXMD_CREDENTIALS, DEMO_PORTAL_CREDENTIALS, Sandbox
from robot.sandbox._state import (
    LEGACY_EXTRA_PROVIDERS,
    MODERN_EXTRA_PROVIDERS,
    ODD_PROVIDERS,
    SEEDED_NPIS,
    MaxmdEntry,
    OddProvider,
    PortalAccount,
    Practice,
    SandboxState,
    add_ready_provider,
    npi_is_valid,
)

__all__ = [
    "DEMO_MAXMD_CREDENTIALS",
    "DEMO_PORTAL_CREDENTIALS",
    "EXPIRED_MESSAGE",
    "LEGACY_EXTRA_PROVIDERS",
    "LEGACY_PAGE_SIZE",
    "MAXMD_INVALID_LOGIN",
    "MODERN_EXTRA_PROVIDERS",
    "MODERN_PAGE_SIZE",
    "ODD_PROVIDERS",
    "PORTAL_INVALID_LOGIN",
    "REFUSED_MESSAGE",
    "SAVED_MESSAGE",
    "SEEDED_NPIS",
    "SKINS",
    "Faults",
    "MaxmdEntry",
    "OddProvider",
    "PortalAccount",
    "Practice",
    "Sandbox",
    "SandboxState",
    "add_ready_provider",
    "npi_is_valid",
]
