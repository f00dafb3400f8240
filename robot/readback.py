"""After a Save the portal answered in place, the account read back from the server without loading its page
into the window: the page fetched with the session's cookies and read by the learned landmarks, its scripts not
run. A load of a portal's page and its scripts costs about 100 ms a provider; a fetch, about 10.

Only where that reads as a load does. The first accounts of a run are read both ways: as found, before anything
is typed, and after their Save. Any difference, or a page that cannot be read as fetched (one its own scripts
build), ends it for the run. A fetched read-back is taken only where it shows what was set: otherwise the account
is opened again and read as the window shows it, and that read is the one judged and pictured.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError

from pages.account import UserAccountPage
from robot import origins, rules
from robot.errors import first_line
from robot.model import AccountState, Candidate, Changes

CALIBRATE = 3  # accounts read both ways, as found and after Save, before a fetched read-back stands alone


class ReadBack:
    """When an account is read back by a fetch of its page, and what the first ones showed."""

    def __init__(self, log: Any) -> None:
        self._log = log
        self._agreed = {"found": 0, "after Save": 0}  # accounts read alike both ways, by when
        self._off = ""  # why it is not used in this run
        self._pending: AccountState | None = None  # a read-back fetched, until the load's is there to compare

    @property
    def trusted(self) -> bool:
        return not self._off and min(self._agreed.values()) >= CALIBRATE

    def found(self, account: UserAccountPage, href: str | None, npi: str, names: tuple[str, ...], loaded: AccountState) -> None:
        """Before anything is typed, for the first accounts: the account as fetched beside the account as loaded."""
        if not self._off and href and account.landmarks is not None and self._agreed["found"] < CALIBRATE:
            self._compare(self._read(account, href, npi, names), loaded, "found")

    def after_save(self, account: UserAccountPage, href: str | None, c: Candidate, changes: Changes) -> AccountState | None:
        """The account read back by a fetch, where that is trusted and it shows what was set; else None: open it again."""
        self._pending = None
        if self._off or not href or account.landmarks is None:  # no landmarks (a page in a frame): opened again
            return None
        fetched = self._read(account, href, c.npi, tuple(changes.edits))
        if fetched is not None and self.trusted and not rules.verify(changes, c.direct_address or "", fetched):
            self._log.info("read back", who=c.npi, how="fetched")
            return fetched
        if fetched is None:
            self._stop("its page was not fetched and read as the account", "after Save")
        self._pending = fetched
        return None

    def loaded(self, state: AccountState) -> AccountState:
        """The account as opened again and read (returned), beside the read-back fetched just before it, if any."""
        if self._pending is not None:
            self._compare(self._pending, state, "after Save")
        self._pending = None
        return state

    def _read(self, account: UserAccountPage, href: str, npi: str, names: tuple[str, ...]) -> AccountState | None:
        if origins.origin(href) != origins.origin(account.page.url):  # a fetch never leaves the portal's own origin
            return None
        try:
            return account.read_from_server(href, npi, names)
        except PlaywrightError as exc:  # a fetch refused, a page gone: the account is opened again instead
            self._log.info("read back by fetch failed", error=first_line(exc))
            return None

    def _compare(self, fetched: AccountState | None, loaded: AccountState, when: str) -> None:
        if fetched is None:
            self._stop("its page was not fetched and read as the account", when)
        elif fetched != loaded:
            differ = [f for f in ("names", "emergency_access", "poll_direct", "direct_address") if getattr(fetched, f) != getattr(loaded, f)]
            self._stop(f"its page as fetched differs from its page as loaded ({', '.join(differ)})", when)
        else:
            self._agreed[when] += 1

    def _stop(self, why: str, when: str | None) -> None:
        if not self._off:
            self._off = why
            self._log.info("read back by fetch off for this run: every account is opened again after Save", why=why, when=when)
