"""robot.readback: when an in-place Save's account is read back by a fetch of its page instead of a load."""

from __future__ import annotations

from dataclasses import replace

from playwright.sync_api import Error as PlaywrightError

from robot.model import AccountNames, AccountState, Candidate, Changes, Status
from robot.readback import CALIBRATE, ReadBack

PORTAL = "https://portal.example.com"
ADDRESS = "jane.okafor@direct.example.com"
SAVED = AccountState(names=AccountNames(), emergency_access=False, poll_direct=True, direct_address=ADDRESS)
FOUND = AccountState(names=AccountNames(), emergency_access=True, poll_direct=False, direct_address="")
CHANGES = Changes(Status.CONFIGURED, set_password=True, turn_off_emergency=True, turn_on_poll=True,
                  type_direct_address=ADDRESS, set_direct_password=True)
C = Candidate("1234567893", "Jane Okafor", ADDRESS)
OTHERS = [Candidate(npi, "Provider", ADDRESS) for npi in ("1245319599", "1679576722", "1932101937", "1073512360")]


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict]] = []

    def info(self, event: str, **kw: object) -> None:
        self.lines.append((event, kw))


class Page:
    url = f"{PORTAL}/admin/users/1234567893"


class Account:
    """An account page whose fetched read is ``fetched`` (an exception to raise, or a state); counts the fetches."""

    def __init__(self, fetched: AccountState | Exception | None) -> None:
        self.page, self.landmarks, self.fetched, self.fetches = Page(), object(), fetched, []

    def read_from_server(self, href: str, username: str, names: tuple[str, ...]) -> AccountState | None:
        self.fetches.append(href)
        if isinstance(self.fetched, Exception):
            raise self.fetched
        return self.fetched


HREF = f"{PORTAL}/admin/users/1234567893"


def calibrated(log: Log | None = None) -> ReadBack:
    """Three accounts found unconfigured and saved, each read alike both ways."""
    back = ReadBack(log or Log())
    for c in OTHERS[:CALIBRATE]:
        back.found(Account(FOUND), HREF, c.npi, (), FOUND)
        assert back.after_save(Account(SAVED), HREF, c, CHANGES) is None  # not trusted yet: opened again
        back.loaded(SAVED, c.npi)
    return back


def test_a_fetched_read_back_stands_alone_only_after_accounts_read_alike_both_ways():
    log = Log()
    back = calibrated(log)
    assert back.trusted_for(CHANGES)
    assert back.after_save(Account(SAVED), HREF, C, CHANGES) == SAVED
    assert ("read back", {"who": C.npi, "how": "fetched"}) in log.lines
    # The same account three times is one account.
    back = ReadBack(Log())
    for _ in range(CALIBRATE):
        back.found(Account(FOUND), HREF, C.npi, (), FOUND)
        back.after_save(Account(SAVED), HREF, C, CHANGES)
        back.loaded(SAVED, C.npi)
    assert not back.trusted_for(CHANGES)


def test_a_box_never_seen_unticked_both_ways_is_never_trusted_to_a_fetch():
    """A rerun whose first accounts were configured already: Poll Direct Mailbox never read unticked both ways (a page
    whose HTML ticks it and whose script sets it would pass), so a Save that ticks it is read back by a load."""
    back = ReadBack(Log())
    for c in OTHERS[:CALIBRATE]:
        back.found(Account(SAVED), HREF, c.npi, (), SAVED)
        back.after_save(Account(SAVED), HREF, c, Changes(Status.CONFIGURED, set_password=True))
        back.loaded(SAVED, c.npi)
    assert back.trusted_for(Changes(Status.CONFIGURED, set_password=True))
    assert not back.trusted_for(CHANGES)
    assert back.after_save(Account(SAVED), HREF, C, CHANGES) is None
    back.found(Account(FOUND), HREF, OTHERS[3].npi, (), FOUND)  # an account found unconfigured, read alike
    assert back.trusted_for(CHANGES)


def test_a_page_read_otherwise_as_fetched_ends_it_for_the_run():
    for when in ("found", "after Save"):
        log = Log()
        back = ReadBack(log)
        if when == "found":  # a value a script sets after the load: the fetched page says otherwise
            back.found(Account(replace(FOUND, poll_direct=True)), HREF, C.npi, (), FOUND)
        else:
            back.after_save(Account(SAVED), HREF, C, CHANGES)
            back.loaded(replace(SAVED, direct_address=""), C.npi)
        off = [kw for event, kw in log.lines if event.startswith("read back by fetch off")]
        assert len(off) == 1 and off[0]["when"] == when, log.lines
        account = Account(SAVED)
        for c in OTHERS:
            back.found(account, HREF, c.npi, (), FOUND)
            assert back.after_save(account, HREF, c, CHANGES) is None
            back.loaded(SAVED, c.npi)
        assert not back.trusted_for(CHANGES) and account.fetches == []  # no more fetches this run


def test_a_page_its_scripts_build_is_not_read_as_fetched_and_is_never_fetched_again():
    log = Log()
    back = ReadBack(log)
    unread = Account(None)
    back.found(unread, HREF, C.npi, (), FOUND)
    back.found(unread, HREF, OTHERS[0].npi, (), FOUND)
    assert len(unread.fetches) == 1 and not back.trusted_for(CHANGES)
    assert any(kw.get("why", "").startswith("its page was not fetched and read") for _, kw in log.lines)


def test_a_fetched_read_back_that_does_not_show_what_was_set_is_never_the_answer():
    back = calibrated()
    dropped = replace(SAVED, poll_direct=False)  # the portal said saved, and dropped a field
    assert back.after_save(Account(dropped), HREF, C, CHANGES) is None  # opened again: that read is judged and pictured
    back.loaded(dropped, C.npi)  # the load reads the same: it stays trusted
    assert back.trusted_for(CHANGES) and back.after_save(Account(SAVED), HREF, C, CHANGES) == SAVED


def test_a_fetched_read_back_is_compared_only_with_its_own_accounts_load():
    log = Log()
    back = ReadBack(log)
    back.after_save(Account(SAVED), HREF, C, CHANGES)  # then its attempt ended without a read (a lost answer, say)
    back.loaded(replace(SAVED, direct_address="other@direct.example.com"), OTHERS[0].npi)  # another provider's load
    assert not any(event.startswith("read back by fetch off") for event, _ in log.lines)


def test_no_fetch_off_the_portals_origin_without_an_address_or_landmarks_and_a_failed_fetch_is_a_load():
    back = calibrated()
    account = Account(SAVED)
    assert back.after_save(account, "https://elsewhere.example.net/admin/users/1234567893", C, CHANGES) is None
    assert back.after_save(account, None, C, CHANGES) is None
    account.landmarks = None  # an account page in a frame: its controls found by their words
    assert back.after_save(account, HREF, C, CHANGES) is None
    assert account.fetches == []
    log = Log()
    back = calibrated(log)
    assert back.after_save(Account(PlaywrightError("TimeoutError: signal timed out")), HREF, C, CHANGES) is None
    assert ("read back by fetch failed", {"error": "TimeoutError: signal timed out"}) in log.lines
