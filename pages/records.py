"""What the page objects read from the sites: plain records, shared with the robot's rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccountNames:
    """The step-12 fields of a portal account."""

    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@dataclass(frozen=True)
class AccountState:
    """What an account page shows in its User Account Information section (passwords are never readable)."""

    names: AccountNames
    emergency_access: bool
    poll_direct: bool
    direct_address: str
