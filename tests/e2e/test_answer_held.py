"""The Save's answer pictured with the section where both fit in the window (robot.audit.Audit._holding): a
message above the section brought into the window below a pinned bar, a toast fixed to the window followed to
where the band's scroll put it, and a message too far away left to a picture of its own."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from pages.locators import Selectors
from robot.audit import Audit, Redactor

pytestmark = pytest.mark.e2e

GREEN, BLUE, YELLOW = (0, 160, 0), (13, 110, 253), (255, 204, 0)


def _page(page: Page, *, gap: int, toast: bool = False) -> dict:
    page.set_viewport_size({"width": 1280, "height": 1150})  # the robot's window
    page.set_content(
        f"""
        <body style="margin:0">
        <nav style="position: sticky; top: 0; width: 100%; height: 60px; background: rgb{BLUE}; z-index: 10">Portal</nav>
        <div style="height: 1400px">Above</div>
        <div id=answer style="background: rgb{GREEN}; height: 50px; width: 600px;{' position: fixed; top: 0; right: 0; z-index: 20' if toast else ''}">User account saved.</div>
        <div style="height: {gap}px"></div>
        <h2 style="background: rgb{YELLOW}; margin: 0; height: 40px; width: 500px">User Account Information</h2>
        <div style="height: 300px">Fields</div>
        <label for=d>Direct Address</label> <input id=d type=text value="jane@direct.example.com">
        <div style="height: 1500px">Below</div>
        </body>
        """
    )
    # Measured as the robot measures it (box_of.js): page coordinates, the window's scroll, pinned or not.
    return page.evaluate("""() => { const r = document.getElementById('answer').getBoundingClientRect();
        return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
                pinned: getComputedStyle(document.getElementById('answer')).position === 'fixed', sx: scrollX, sy: scrollY}; }""")


def _rows(data: bytes, colour: tuple, x: int) -> list[int]:
    picture = Image.open(io.BytesIO(data)).convert("RGB")
    return [y for y in range(picture.height) if picture.getpixel((x, y)) == colour]


@pytest.mark.parametrize("toast", [False, True], ids=["message-above", "fixed-toast"])
def test_the_answer_is_held_whole_and_uncovered_with_the_section(page: Page, tmp_path: Path, toast: bool) -> None:
    answer = _page(page, gap=200, toast=toast)
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    region = page.get_by_role("heading", name="User Account Information").or_(page.get_by_label("Direct Address"))
    taken = audit.capture(page, "1234567893", "18 after", region=region, also=answer)
    assert taken is not None and taken.part is not None
    part = audit.cut("1234567893", "18 answer", taken, taken.part)
    after = audit.keep_taken("1234567893", "18 after", taken)
    audit.close()
    assert part, "the answer was not held in the after picture"
    cut = (tmp_path / "run" / part).read_bytes()
    x = Image.open(io.BytesIO(cut)).width - 20  # right of its words
    assert len(_rows(cut, GREEN, x)) == 50  # the whole answer, no bar over it
    kept = (tmp_path / "run" / after).read_bytes()
    assert len(_rows(kept, YELLOW, 480)) == 40  # and the section's title whole in the same picture (right of its words)
    if not toast:  # any bar above the message, not over it
        assert not _rows(kept, BLUE, 590) or _rows(kept, BLUE, 590)[-1] < _rows(kept, GREEN, 590)[0]


def test_an_answer_too_far_from_the_section_is_left_to_a_picture_of_its_own(page: Page, tmp_path: Path) -> None:
    answer = _page(page, gap=1300)  # the two do not fit in a window of 1150 together
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    region = page.get_by_role("heading", name="User Account Information").or_(page.get_by_label("Direct Address"))
    taken = audit.capture(page, "1234567893", "18 after", region=region, also=answer)
    audit.close()
    assert taken is not None and audit.cut("1234567893", "18 answer", taken, taken.part) == ""
    assert len(_rows(taken.data, YELLOW, 480)) == 40  # the section pictured as if there were no answer
