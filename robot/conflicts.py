"""A conflict on an account's Direct address, and providers.yaml's acknowledgement of it: pure rules."""

from __future__ import annotations

from datetime import date

from robot.model import AcknowledgedConflict, Changes, Status


def normalize_address(address: str) -> str:
    """Direct addresses compare without case and surrounding space (the domain part is case-free)."""
    return address.strip().lower()


def conflict(held: str, shown: str, ack: AcknowledgedConflict | None, today: date) -> Changes:
    """The account holds ``held``, MaxMD shows ``shown``: a conflict, unless providers.yaml acknowledges
    exactly these two addresses and its look-again date has not come."""
    base = (f"the account already holds Direct address {held}, but MaxMD shows {shown}; "
            "a Direct address cannot be changed once set up — resolve it with the portal's support")
    if ack is None:
        return Changes(Status.CONFLICT, error=(
            f"{base}; until then, acknowledge it under this provider in providers.yaml: acknowledged_conflict: "
            f"{{maxmd_address: {shown}, account_address: {held}, reason: \"...\", look_again: YYYY-MM-DD}}"))
    acked = f"{ack.account_address} in the account, {ack.maxmd_address} in MaxMD"
    if [normalize_address(a) for a in (ack.account_address, ack.maxmd_address)] != [normalize_address(held), normalize_address(shown)]:
        return Changes(Status.CONFLICT, error=(
            f"{base}; the acknowledgement in providers.yaml ({acked}) no longer matches what the sites show: "
            "look at it again, and correct or remove its acknowledged_conflict"))
    if ack.look_again is not None and today >= ack.look_again:
        return Changes(Status.CONFLICT, error=(
            f"{base}; providers.yaml acknowledged it ({ack.reason}) until {ack.look_again.isoformat()}, its date to "
            "look again: look at it again, then set a later look_again or remove its acknowledged_conflict"))
    until = f"; look again on {ack.look_again.isoformat()}" if ack.look_again else ""
    return Changes(Status.ACKNOWLEDGED_CONFLICT, note=(
        f"conflict acknowledged in providers.yaml: {ack.reason} ({acked}){until}; nothing changed"))
