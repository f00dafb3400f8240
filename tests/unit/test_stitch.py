"""robot/stitch.py: a tall page's strips laid into one PNG, pixel for pixel."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw

from robot import stitch


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _page(width: int = 320, height: int = 1000) -> Image.Image:
    """A page with something different on every row, so a row lost, doubled or shifted shows."""
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    for y in range(height):
        draw.point((y % width, y), fill=(y % 251, (y * 7) % 253, (y * 13) % 256))
    for y in range(0, height, 90):
        draw.text((10, y), f"row {y}", fill="black")
    return page


@pytest.mark.parametrize(("height", "step"), [(1000, 300), (1000, 250), (1000, 1000), (1, 300)])
def test_strips_cover_the_page_once_top_to_bottom(height: int, step: int) -> None:
    clips = stitch.strips(320, height, step)
    assert clips[0]["y"] == 0
    assert all(c["width"] == 320 and c["x"] == 0 and 0 < c["height"] <= step for c in clips)
    assert all(a["y"] + a["height"] == b["y"] for a, b in zip(clips, clips[1:]))
    assert clips[-1]["y"] + clips[-1]["height"] == height


def test_strips_take_their_height_from_the_module_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stitch, "STRIP_PX", 100)
    assert len(stitch.strips(320, 1000)) == 10


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])  # Chromium's PNGs may carry an alpha channel
def test_strips_stitched_are_the_page(mode: str) -> None:
    page = _page()
    parts = [_png(page.crop((c["x"], c["y"], c["x"] + c["width"], c["y"] + c["height"])).convert(mode))
             for c in stitch.strips(page.width, page.height, 300)]
    with Image.open(io.BytesIO(stitch.stitch(iter(parts)))) as joined:
        joined.load()
        assert joined.size == page.size
        assert joined.mode == "RGB"
        assert ImageChops.difference(joined, page).getbbox() is None


def test_a_long_picture_is_written_in_several_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stitch, "_IDAT_BYTES", 97)
    page = _page(height=400)
    parts = [_png(page.crop((0, y, page.width, y + 100))) for y in range(0, 400, 100)]
    data = stitch.stitch(parts)
    assert data.count(b"IDAT") > 10
    with Image.open(io.BytesIO(data)) as joined:
        joined.load()
        assert ImageChops.difference(joined, page).getbbox() is None


@pytest.mark.parametrize(("first", "second", "size", "seen"), [
    ((40, "red"), (30, "blue"), (40, 15), {(35, 12): (255, 255, 255), (5, 12): (0, 0, 255)}),  # narrower: padded white
    ((30, "blue"), (40, "red"), (30, 15), {(29, 12): (255, 0, 0)}),  # wider: cut to the first's width
])
def test_a_strip_of_another_width_is_fitted_to_the_first(first: tuple, second: tuple, size: tuple, seen: dict) -> None:
    strips = [Image.new("RGB", (first[0], 10), first[1]), Image.new("RGB", (second[0], 5), second[1])]
    with Image.open(io.BytesIO(stitch.stitch([_png(s) for s in strips]))) as joined:
        joined.load()
        assert joined.size == size
        assert {xy: joined.getpixel(xy) for xy in seen} == seen


def test_nothing_to_stitch_is_an_error() -> None:
    with pytest.raises(ValueError, match="no pictures"):
        stitch.stitch([])


def test_a_page_wider_than_any_picture_is_taken_from_its_left_part_only() -> None:
    # A 12,000-character name with nowhere to break drew MaxMD's list 103,623 px wide: 800 MB a strip.
    clips = stitch.strips(103_623, 5000)
    assert {c["width"] for c in clips} == {stitch.MAX_WIDTH_PX} and {c["x"] for c in clips} == {0}
    assert sum(c["height"] for c in clips) == 5000, "the whole height all the same"
    assert stitch.strips(1280, 800) == [{"x": 0, "y": 0, "width": 1280, "height": 800}]


def test_bands_gather_clips_a_strip_tall_and_keep_each_clips_index() -> None:
    clips = [{"x": 10, "y": 100 + 60 * i, "width": 500, "height": 50} for i in range(80)]
    clips[3] = {"x": 3000, "y": 280, "width": 4000, "height": 50}  # far to the right: the others and it are wider than a band
    found = stitch.bands(clips)
    assert sorted(i for _, members in found for i in members) == list(range(80))  # every clip once
    for band, members in found:
        assert band["height"] <= stitch.STRIP_PX and band["width"] <= stitch.MAX_WIDTH_PX
        for i in members:  # each clip inside its band
            c = clips[i]
            assert band["x"] <= c["x"] and c["x"] + c["width"] <= band["x"] + band["width"]
            assert band["y"] <= c["y"] and c["y"] + c["height"] <= band["y"] + band["height"]
    assert len(found) < 10  # a few captures for 80 entries, not 80


def test_cut_takes_the_clip_from_its_bands_picture() -> None:
    band = {"x": 10, "y": 100, "width": 40, "height": 30}
    picture = Image.new("RGB", (40, 30), "white")
    picture.paste(Image.new("RGB", (5, 4), "red"), (20, 10))  # page (30, 110)
    piece = Image.open(io.BytesIO(stitch.cut(picture, band, {"x": 30, "y": 110, "width": 5, "height": 4})))
    assert piece.size == (5, 4) and piece.convert("RGB").getcolors() == [(20, (255, 0, 0))]


def test_bands_of_entries_out_of_order_keep_each_index_and_nothing_is_one_band_of_none() -> None:
    clips = [{"x": 0, "y": y, "width": 100, "height": 40.5} for y in (900.25, 100.5, 2600, 150.75)]
    found = stitch.bands(clips)
    assert [members for _, members in found] == [[1, 3, 0], [2]]  # top to bottom; 2600 is past the first band
    assert stitch.bands([]) == []
