"""What a person sees afterwards: the report in a real browser, and screenshots with secrets masked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw
from playwright.sync_api import Page
from robot_helpers import SeededRun

from pages.locators import Selectors
from robot import stitch
from robot.audit import MASK_COLOR, Audit, Redactor

pytestmark = pytest.mark.e2e


def test_report_has_a_card_per_provider_and_every_thumbnail_loads(seeded_run: SeededRun, page: Page) -> None:
    run = seeded_run.run
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.goto((run.dir / "report.html").as_uri())
    cards = page.locator("article")
    names = [p["name"] for p in run.record["providers"]]
    for name in names:
        assert page.get_by_role("article", name=name, exact=True).count() == 1, name
    images = page.get_by_role("img")
    expected = sum(len(p["screenshots"]) for p in run.record["providers"]) + len(run.record["practice"]["screenshots"])
    assert images.count() == expected > len(names)
    for img in images.all():
        img.scroll_into_view_if_needed()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
    # A thumbnail opens the full-size screenshot.
    first = page.get_by_role("link").filter(has=page.get_by_role("img")).first
    assert (run.dir / first.get_attribute("href")).is_file()
    assert cards.count() == len(names) + 1  # plus the practice card
    assert outside == []


def _pixels(path: Path, box: dict, origin: tuple[float, float] = (0, 0)) -> set[tuple[int, int, int]]:
    """The colours inside ``box`` (window coordinates) of a picture whose top left is at ``origin`` in the window."""
    image = Image.open(path).convert("RGB")
    x0, y0 = int(box["x"] - origin[0]) + 2, int(box["y"] - origin[1]) + 2
    x1, y1 = int(box["x"] - origin[0] + box["width"]) - 2, int(box["y"] - origin[1] + box["height"]) - 2
    return {image.getpixel((x, y)) for x in range(x0, x1, 3) for y in range(y0, y1, 2)}


def shot_and_origin(page: Page, audit: Audit, path: Path, **how) -> tuple[Path, tuple[float, float]]:
    """A picture as ``Audit.shot`` takes it, written to ``path``, and where its top left is in the window (a band
    within the window is a clip of it)."""
    taken = audit.capture(page, "1234567893", "mask check", **how)
    assert taken is not None
    path.write_bytes(taken.data)
    if taken.clip is None:
        return path, (0, 0)
    return path, (taken.clip["x"] - page.evaluate("scrollX"), taken.clip["y"] - page.evaluate("scrollY"))


@pytest.mark.parametrize("capture", ["chromium", "page.screenshot"])
@pytest.mark.parametrize("band", [False, True])
def test_password_fields_are_masked_whatever_their_input_type(page: Page, tmp_path: Path, capture: str, band: bool) -> None:
    page.set_content(
        """
        <div style="height: 1200px">Above the fold</div>
        <h2>User Account Information</h2>
        <label for=p>Change Password</label> <input id=p type=text value="Visible-Secret-9!" style="font-size:20px">
        <label for=d>Direct Address</label> <input id=d type=text value="jane@direct.example.com" style="font-size:20px">
        <label for=h>Other</label> <input id=h type=password value="hunter2">
        <label for=dp>Change Direct Password</label> <input id=dp type=text value="Direct-Secret-7?" style="font-size:20px">
        <div style="height: 1200px">Below</div>
        """
    )
    if not band:
        page.get_by_label("Change Password").scroll_into_view_if_needed()
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    audit._cdp = capture == "chromium"
    region = page.get_by_role("heading", name="User Account Information").or_(page.get_by_label("Other")) if band else None
    shot, origin = shot_and_origin(page, audit, tmp_path / "shot.png", region=region)
    audit.close()
    image = Image.open(shot)
    if band:  # the band alone, scrolled to: from its heading to "Other", within the window
        assert page.evaluate("window.scrollY") > 1000
        assert image.height < page.viewport_size["height"]
    else:
        assert image.height == page.viewport_size["height"]  # the window as it is
    mask = tuple(int(MASK_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    assert _pixels(shot, page.get_by_label("Change Password").bounding_box(), origin) == {mask}
    assert _pixels(shot, page.get_by_label("Other").bounding_box(), origin) == {mask}
    if not band:
        assert _pixels(shot, page.get_by_label("Change Direct Password").bounding_box()) == {mask}  # in the window
    if capture == "chromium":  # every secret of the page covered, below the band too (page.screenshot masks in its own way)
        assert page.evaluate("document.querySelectorAll('[data-robot-mask]').length") >= 3
    assert len(_pixels(shot, page.get_by_label("Direct Address").bounding_box(), origin)) > 1  # not masked: readable


@pytest.mark.parametrize("capture", ["chromium", "page.screenshot"])
def test_a_band_taller_than_the_window_is_pictured_whole_with_its_secrets_masked(page: Page, tmp_path: Path, capture: str) -> None:
    page.set_content(
        """
        <div style="height: 300px">Above the fold</div>
        <h2>User Account Information</h2>
        <div style="height: 900px">Many fields</div>
        <label for=p>Change Password</label> <input id=p type=text value="Visible-Secret-9!" style="font-size:20px">
        <label for=d>Direct Address</label> <input id=d type=text value="jane@direct.example.com" style="font-size:20px">
        <div style="height: 1200px">Below</div>
        """
    )
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    audit._cdp = capture == "chromium"
    region = page.get_by_role("heading", name="User Account Information").or_(page.get_by_label("Direct Address"))
    shot = tmp_path / "run" / audit.shot(page, "1234567893", "tall band", region=region)
    audit.close()
    heading = page.get_by_role("heading", name="User Account Information").bounding_box()
    top = heading["y"] + page.evaluate("window.scrollY") - 12  # the band's top in the page, less its margin

    def in_picture(loc) -> dict:
        box = loc.bounding_box()
        return {**box, "y": box["y"] + page.evaluate("window.scrollY") - top}

    assert Image.open(shot).height > page.viewport_size["height"]  # the whole band, not the window
    mask = tuple(int(MASK_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    assert _pixels(shot, in_picture(page.get_by_label("Change Password"))) == {mask}
    assert len(_pixels(shot, in_picture(page.get_by_label("Direct Address")))) > 1


@pytest.mark.parametrize("capture", ["chromium", "page.screenshot"])
def test_a_whole_page_taller_than_a_strip_is_pictured_in_strips_as_one_picture(
        page: Page, tmp_path: Path, capture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stitch, "STRIP_PX", 500)  # the page below is five strips and a bit
    page.set_content(
        """
        <body style="margin:0">
        <div style="position: fixed; top: 0; width: 100%; height: 40px; background: #ff00ff">A fixed bar: once, at the top</div>
        <div style="height: 480px; background: #cc3333">Red</div>
        <div style="height: 480px; background: #33cc33">Green</div>
        <label for=p>Change Password</label> <input id=p type=text value="Visible-Secret-9!" style="font-size:40px">
        <div style="height: 1000px; background: repeating-linear-gradient(#3333cc 0 7px, #ffffff 7px 13px)">Stripes</div>
        <div style="height: 700px; background: #cccc33">Yellow</div>
        </body>
        """
    )
    page.mouse.wheel(0, 1500)  # taken from wherever the page was scrolled to
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    audit._cdp = capture == "chromium"
    shot = tmp_path / "run" / audit.shot(page, "practice", "5 workflow list", full_page=True)
    audit.close()
    assert audit._cdp == (capture == "chromium")  # each way taken as named, none fallen back to the other
    box = page.get_by_label("Change Password").bounding_box()
    secret = {**box, "y": box["y"] + page.evaluate("window.scrollY")}  # in the page, as the picture is
    assert page.evaluate("window.scrollY") > 0 and secret["y"] < 1000 < secret["y"] + secret["height"]  # the field is cut by a strip's edge
    whole = Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled"))).convert("RGB")
    picture = Image.open(shot).convert("RGB")
    assert picture.size == whole.size and picture.height > 2600
    mask = tuple(int(MASK_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    assert _pixels(shot, secret) == {mask}
    # Apart from the masked field, the strips laid together are Chromium's own full-page picture.
    box = (int(secret["x"]) - 2, int(secret["y"]) - 2, int(secret["x"] + secret["width"]) + 2, int(secret["y"] + secret["height"]) + 2)
    for image in (whole, picture):
        ImageDraw.Draw(image).rectangle(box, fill="black")
    assert ImageChops.difference(whole, picture).getbbox() is None


@pytest.mark.parametrize("capture", ["chromium", "page.screenshot"])
@pytest.mark.parametrize("tall", [False, True])
@pytest.mark.parametrize("pinned", ["fixed", "sticky"])
def test_a_bar_pinned_to_the_top_of_the_window_does_not_cover_the_bands_title(
        page: Page, tmp_path: Path, capture: str, tall: bool, pinned: str) -> None:
    page.set_content(
        f"""
        <body style="margin:0">
        <nav style="position: {pinned}; top: 0; width: 100%; height: 60px; background: #0d6efd; z-index: 10">Portal</nav>
        <div style="height: 1500px">Above</div>
        <h2 style="background: #ffcc00; margin: 0; height: 40px">User Account Information</h2>
        <div style="height: {1200 if tall else 300}px">Fields</div>
        <label for=d>Direct Address</label> <input id=d type=text value="jane@direct.example.com">
        <div style="height: 1500px">Below</div>
        </body>
        """
    )
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    audit._cdp = capture == "chromium"
    region = page.get_by_role("heading", name="User Account Information").or_(page.get_by_label("Direct Address"))
    shot = tmp_path / "run" / audit.shot(page, "1234567893", "bar check", region=region)
    audit.close()
    picture = Image.open(shot).convert("RGB")
    assert (picture.height > page.viewport_size["height"]) == tall
    title = [y for y in range(picture.height) if picture.getpixel((picture.width - 40, y)) == (255, 204, 0)]
    bar = [y for y in range(picture.height) if picture.getpixel((picture.width - 40, y)) == (13, 110, 253)]
    assert len(title) == 40, (len(title), bar[:1], bar[-1:])  # the whole title, uncovered
    assert not bar or bar[-1] < title[0]  # any bar above it, not over it


def test_a_box_pinned_beside_the_title_does_not_move_the_band(page: Page, tmp_path: Path) -> None:
    page.set_content(
        """
        <body style="margin:0">
        <div style="position: fixed; top: 0; right: 0; width: 400px; height: 120px; background: #0d6efd">A toast</div>
        <div style="height: 1500px">Above</div>
        <h2 style="background: #ffcc00; margin: 0; height: 40px; width: 400px">User Account Information</h2>
        <label for=d>Direct Address</label> <input id=d type=text value="jane@direct.example.com">
        <div style="height: 1500px">Below</div>
        </body>
        """
    )
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    region = page.get_by_role("heading", name="User Account Information").or_(page.get_by_label("Direct Address"))
    shot = tmp_path / "run" / audit.shot(page, "1234567893", "toast check", region=region)
    audit.close()
    picture = Image.open(shot).convert("RGB")
    title = [y for y in range(picture.height) if picture.getpixel((390, y)) == (255, 204, 0)]
    assert title[0] == 12 and len(title) == 40  # at the top, less the margin, as on a page with no bar
