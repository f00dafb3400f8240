"""What the audit trail keeps: pictures by screenshots mode, the filled-in picture, before -> after rows."""

from __future__ import annotations

import pytest

from robot.evidence import changed_words, field_rows, found_note, keeps_filled_in, takes
from robot.model import PICTURE_KINDS, AccountNames, AccountState, Changes, Status


def state(*, poll=False, address="", emergency=False, names=AccountNames()) -> AccountState:
    return AccountState(names=names, emergency_access=emergency, poll_direct=poll, direct_address=address)


@pytest.mark.parametrize("kind", PICTURE_KINDS)
def test_each_mode_keeps_its_kinds(kind: str) -> None:
    assert takes("evidence", kind) == (kind != "step")
    assert takes("every-step", kind)
    assert takes("failures", kind) == (kind == "failure")


def test_the_filled_in_section_is_kept_only_where_it_is_the_last_word() -> None:
    assert keeps_filled_in(dry_run=True, save_clicked=False, failed=False)
    assert keeps_filled_in(dry_run=False, save_clicked=True, failed=True)  # refused, or its answer lost
    assert not keeps_filled_in(dry_run=False, save_clicked=True, failed=False)  # saved: the after picture shows it
    assert not keeps_filled_in(dry_run=False, save_clicked=False, failed=True)  # failed before Save was clicked


def test_rows_before_and_after_a_save() -> None:
    ch = Changes(Status.CONFIGURED, set_password=True, turn_off_emergency=True, turn_on_poll=True,
                 type_direct_address="jane@direct.example.com", set_direct_password=True, edits={"first_name": "Janet"})
    before = state(emergency=True, names=AccountNames(first_name="Jane"))
    after = state(poll=True, address="jane@direct.example.com", names=AccountNames(first_name="Janet"))
    rows = field_rows(before, ch, after)
    assert rows == [
        {"field": "Allow Emergency Access", "before": "checked", "after": "unchecked"},
        {"field": "Poll Direct Mailbox", "before": "unchecked", "after": "checked"},
        {"field": "Direct Address", "before": "", "after": "jane@direct.example.com"},
        {"field": "First Name", "before": "Jane", "after": "Janet"},
        {"field": "Portal password", "before": "not shown by the portal", "after": "password set, see handoff"},
        {"field": "Direct password", "before": "not shown by the portal", "after": "password set, see handoff"},
    ]
    assert changed_words(rows) == ("Allow Emergency Access off; Poll Direct Mailbox on; Direct Address set; "
                                   "First Name changed; Portal password set; Direct password set")


def test_a_password_field_the_portal_always_shows_blank_never_reads_as_empty() -> None:
    ch = Changes(Status.CONFIGURED, set_password=True, set_direct_password=True)
    for after in (None, state(poll=True)):  # a dry run, and a Save
        rows = {r["field"]: r for r in field_rows(state(), ch, after)}
        assert rows["Portal password"]["before"] == rows["Direct password"]["before"] == "not shown by the portal"


def test_rows_of_an_account_left_alone_have_no_after() -> None:
    rows = field_rows(state(poll=True, address="a@d.example.com"), Changes(Status.ALREADY_CONFIGURED), None)
    assert [r["after"] for r in rows] == [None, None, None]
    assert [r["before"] for r in rows] == ["unchecked", "checked", "a@d.example.com"]
    assert changed_words(rows) == ""


def test_found_note_says_what_the_section_held() -> None:
    assert found_note(state(poll=True, address=" a@d.example.com ", emergency=True)) == (
        "found: Allow Emergency Access checked, Poll Direct Mailbox checked, Direct Address a@d.example.com")
    assert found_note(state()) == "found: Allow Emergency Access unchecked, Poll Direct Mailbox unchecked, Direct Address empty"
