"""The name of the one picture of the filled-in section, and MaxMD's green boxes given to their entries."""

from __future__ import annotations

import pytest

from pages.maxmd import first_box_of_each
from robot.model import Changes, Status
from robot.evidence import fill_picture_name as _fill_step_name


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        (Changes(Status.CONFIGURED, set_password=True, turn_on_poll=True, type_direct_address="a@d.example.com",
                 set_direct_password=True), "13-17 filled in"),
        (Changes(Status.CONFIGURED, set_password=True, set_direct_password=True, edits={"first_name": "Jo"}),
         "12-17 filled in"),
        (Changes(Status.CONFIGURED, set_password=True, turn_on_poll=True), "13-15 filled in"),
        (Changes(Status.CONFIGURED, turn_off_emergency=True), "14 Allow Emergency Access turned off"),
        (Changes(Status.CONFIGURED, turn_off_emergency=True, edits={"email": "a@b.example.com"}), "12-14 filled in"),
    ],
)
def test_fill_step_is_named_for_the_seed_steps_it_shows(changes: Changes, name: str) -> None:
    assert _fill_step_name(changes) == name


def test_each_entry_gets_the_first_box_inside_it_and_an_entry_in_progress_none() -> None:
    boxes = [(0, "jane@direct.example.com"), (0, "jane.other@direct.example.com"), (2, "al@direct.example.com")]
    assert first_box_of_each(3, boxes) == ["jane@direct.example.com", None, "al@direct.example.com"]


def test_a_box_outside_every_entry_is_no_ones() -> None:
    assert first_box_of_each(2, [(-1, "stray@direct.example.com"), (5, "x@d.example.com"), (1, "b@d.example.com")]) == [
        None, "b@d.example.com"]


def test_no_entries() -> None:
    assert first_box_of_each(0, [(-1, "a@d.example.com")]) == []


def test_every_picture_a_step_leaves_is_captioned_with_what_it_shows_not_its_name() -> None:
    from robot.steps import SEED_STEPS, STEP, shows

    pictures = [s.picture for s in SEED_STEPS if s.picture and s.number not in (11, 18)]  # 11, 18: kinds of their own
    pictures += [STEP[n].name for n in (12, 13, 15, 16, 17)] + [f"{STEP[14].name} left off", f"{STEP[14].name} turned off"]
    for picture in pictures:
        assert shows(picture) != picture, picture
    assert shows("8-9 Clinician search") == "the portal: the Clinician search's results"
