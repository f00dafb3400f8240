"""After a Save the portal answered in place, the account read back from the server without loading its page
into the window: the page fetched with the session's cookies and read by the learned landmarks, its scripts not
run. A load of a portal's page and its scripts costs about 100 ms a provider; a fetch, about 10.

Only where that reads as a load does. Accounts are read both ways: as found, before anything is typed, until each
check box has been read in both states, and after their Save. Any difference, or a page that cannot be read as
fetched (one its own scripts build), ends it for the worker's run. A fetched read-back is taken only where three
accounts read alike after their Save, every box the Save changes was read alike in both states, and it shows what
was set: otherwise the account is opened again and read as the window shows it, and that read is judged and
pictured.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError

from pages.account import UserAccountPage
from robot import origins, rules
from robot.errors import first_line
from robot.model import AccountState, Candidate, Changes

CALIBRATE = 3  # accounts read alike both ways after their Save before a fetched read-back stands alone
FOUND_LOOKS = 20  # accounts, at most, read both ways as found (a fetch each) for the checks' two states
CHECKS = ("emergency_access", "poll_direct")


class ReadBack:
    """When an account is read back by a fetch of its page, and what the accounts read both ways showed (each
    worker its own: ``Procedure`` is one a worker)."""

    def __init__(self, log: Any) -> None:
        self._log = log
        self._saved_alike: set[str] = set()  # accounts read alike both ways after their Save
        self._looked: set[str] = set()  # accounts read both ways as found
        # Each check box's states read alike both ways: a page whose HTML ticks a box its script then sets shows
        # a difference only on an account whose box its script unticks.
        self._states: dict[str, set[bool]] = {check: set() for check in CHECKS}
        self._off = ""  # why it is not used in this run
        self._pending: tuple[str, AccountState] | None = None  # a read-back fetched, until the load's is there to compare

    def trusted_for(self, changes: Changes) -> bool:
        """Whether a fetched read-back stands alone for a Save making ``changes``: every box it changes seen in both
        states, and enough accounts read alike after their Save."""
        changed = [c for c, on in zip(CHECKS, (changes.turn_off_emergency, changes.turn_on_poll)) if on]
        return (not self._off and len(self._saved_alike) >= CALIBRATE
                and all(self._states[c] == {True, False} for c in changed))

    def found(self, account: UserAccountPage, href: str | None, npi: str, names: tuple[str, ...], loaded: AccountState) -> None:
        """Before anything is typed, while a box's state is still unseen: the account as fetched beside it as loaded."""
        self._pending = None
        if (self._off or not href or account.landmarks is None or npi in self._looked or len(self._looked) >= FOUND_LOOKS
                or all(len(states) == 2 for states in self._states.values())):
            return
        self._looked.add(npi)
        self._compare(self._read(account, href, npi, names), loaded, "found", npi)

    def after_save(self, account: UserAccountPage, href: str | None, c: Candidate, changes: Changes) -> AccountState | None:
        """The account read back by a fetch, where that is trusted and it shows what was set; else None: open it again."""
        self._pending = None
        if self._off or not href or account.landmarks is None:  # no landmarks (a page in a frame): opened again
            return None
        fetched = self._read(account, href, c.npi, tuple(changes.edits))
        if fetched is not None and self.trusted_for(changes) and not rules.verify(changes, c.direct_address or "", fetched):
            self._log.info("read back", who=c.npi, how="fetched")
            return fetched
        if fetched is None:
            self._stop("its page was not fetched and read as the account", "after Save")
        else:
            self._pending = (c.npi, fetched)
        return None

    def loaded(self, state: AccountState, npi: str) -> AccountState:
        """``npi``'s account as opened again and read (returned), beside its read-back fetched just before, if any."""
        if self._pending is not None and self._pending[0] == npi:
            self._compare(self._pending[1], state, "after Save", npi)
        self._pending = None
        return state

    def _read(self, account: UserAccountPage, href: str, npi: str, names: tuple[str, ...]) -> AccountState | None:
        if origins.origin(href) != origins.origin(account.page.url):  # a fetch never leaves the portal's own origin
            return None
        try:
            return account.read_from_server(href, npi, names)
        except PlaywrightError as exc:  # a fetch refused, timed out, a page gone: the account is opened again instead
            self._log.info("read back by fetch failed", error=first_line(exc))
            return None

    def _compare(self, fetched: AccountState | None, loaded: AccountState, when: str, npi: str) -> None:
        if fetched is None:
            self._stop("its page was not fetched and read as the account", when)
        elif fetched != loaded:
            differ = [f for f in ("names", *CHECKS, "direct_address") if getattr(fetched, f) != getattr(loaded, f)]
            self._stop(f"its page as fetched differs from its page as loaded ({', '.join(differ)})", when)
        else:
            if when == "after Save":
                self._saved_alike.add(npi)
            for check in CHECKS:
                self._states[check].add(bool(getattr(loaded, check)))

    def _stop(self, why: str, when: str | None) -> None:
        if not self._off:
            self._off = why
            self._log.info("read back by fetch off for this worker's run: every account is opened again after Save",
                           why=why, when=when)
