"""The name of the one picture of the filled-in section, and MaxMD's green boxes given to their entries."""

from __future__ import annotations

import pytest

from pages.maxmd import assign_boxes
from robot.model import Changes, Status
from robot.run import _fill_step_name


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


def test_each_entry_gets_the_box_inside_it_and_an_entry_in_progress_none() -> None:
    entries = ["Jane Okafor, OD NPI: 1 Complete jane@direct.example.com", "Bo Bello NPI: 2 Provisioning in progress",
               "Al Park NPI: 3 Complete al@direct.example.com"]
    assert assign_boxes(entries, ["jane@direct.example.com", "al@direct.example.com"]) == [
        "jane@direct.example.com", None, "al@direct.example.com"]


def test_whitespace_inside_a_box_or_an_entry_does_not_matter() -> None:
    entries = ["Jane\n\t Okafor  NPI:  1\n jane@direct.example.com \n", "Al Park al@direct.example.com"]
    assert assign_boxes(entries, ["\n  jane@direct.example.com\t", "al@direct.example.com"]) == [
        "\n  jane@direct.example.com\t", "al@direct.example.com"]


def test_two_providers_with_the_same_address_each_get_theirs() -> None:
    assert assign_boxes(["A x@d.example.com", "B x@d.example.com"], ["x@d.example.com", "x@d.example.com"]) == [
        "x@d.example.com", "x@d.example.com"]


def test_a_second_box_in_one_entry_is_not_given_to_the_next() -> None:
    entries = ["A x@d.example.com y@d.example.com", "B pending", "C z@d.example.com"]
    assert assign_boxes(entries, ["x@d.example.com", "y@d.example.com", "z@d.example.com"]) == [
        "x@d.example.com", None, "z@d.example.com"]


def test_a_box_no_entry_shows_is_dropped_and_the_rest_still_match() -> None:
    assert assign_boxes(["A a@d.example.com", "B b@d.example.com"], ["zz@d.example.com", "b@d.example.com"]) == [
        None, "b@d.example.com"]


def test_no_entries() -> None:
    assert assign_boxes([], ["a@d.example.com"]) == []
