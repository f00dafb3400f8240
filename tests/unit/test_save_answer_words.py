"""The Save's answer is judged by its words: saved, refused, or neither (unknown, never a guess)."""

from __future__ import annotations

import pytest

from pages.account import verdict


@pytest.mark.parametrize(("text", "judged"), [
    ("User account saved.", "saved"),
    ("Changes have been saved", "saved"),
    ("Account updated successfully", "saved"),
    ("The user account was not saved. The Direct mailbox could not be verified by MaxMD.", "refused"),
    ("Please correct the following: The passwords do not match.", "refused"),
    ("Direct Address is required.", "refused"),
    ("Save unsuccessful", "refused"),
    ("Saved. Direct Address is already in use", "unknown"),  # both: not a guess
    ("Request received.", "unknown"),  # neither
    ("", "unknown"),
])
def test_the_answer_to_save_is_judged_by_its_words(text: str, judged: str) -> None:
    assert verdict(text) == judged
