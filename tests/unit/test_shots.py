"""A picture taken as the whole window and cut from it off the step's path (robot.shots)."""

from __future__ import annotations

import errno
import io
import threading

import pytest
from PIL import Image

import robot.audit
from pages.locators import Selectors
from robot.audit import Audit, Redactor
from robot.errors import CannotWrite
from robot.shots import Captured, Later, crop_clip, inside, joined


def _window(width: int = 200, height: int = 100) -> bytes:
    """A window whose every pixel says where it is: red is x, green is y."""
    picture = Image.new("RGB", (width, height))
    picture.putdata([(x, y, 0) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _pixels(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as picture:
        return picture.convert("RGB")


def test_a_band_taken_with_its_window_is_kept_as_the_band_alone() -> None:
    # The window shows the page from y=500; the band is 40 x 20 at (30, 520).
    taken = Captured(_window(), clip={"x": 30, "y": 520, "width": 40, "height": 20}, area={"x": 0, "y": 500, "width": 200, "height": 100})
    kept = _pixels(taken.data)
    assert kept.size == (40, 20)
    assert kept.getpixel((0, 0)) == (30, 20, 0) and kept.getpixel((39, 19)) == (69, 39, 0)


def test_a_picture_taken_as_its_clip_is_kept_as_it_came() -> None:
    raw = _window(40, 20)
    assert Captured(raw, clip={"x": 30, "y": 520, "width": 40, "height": 20}).data is raw


def test_a_part_is_cut_from_the_window_not_from_the_band() -> None:
    taken = Captured(_window(), clip={"x": 30, "y": 520, "width": 40, "height": 20}, area={"x": 0, "y": 500, "width": 200, "height": 100})
    part = _pixels(taken.part_at({"x": 150, "y": 510, "width": 10, "height": 5}))  # beside the band, in the window
    assert part.size == (10, 5) and part.getpixel((0, 0)) == (150, 10, 0)


def test_a_picture_holds_a_part_only_within_its_band_top_to_bottom() -> None:
    taken = Captured(b"", clip={"x": 0, "y": 100, "width": 50, "height": 50})
    assert taken.holds({"x": 0, "y": 110, "width": 10, "height": 10})
    assert not taken.holds({"x": 0, "y": 90, "width": 10, "height": 10})
    assert not Captured(b"").holds({"x": 0, "y": 0, "width": 1, "height": 1})  # a window with no clip


def test_a_band_joined_with_a_part_above_runs_from_the_part_to_the_band_bottom() -> None:
    band = {"clip": {"x": 100, "y": 500, "width": 300, "height": 200}}
    clip = joined(band, {"x": 50, "y": 400, "width": 500, "height": 30}, 12)["clip"]
    assert clip == {"x": 50, "y": 388, "width": 500, "height": 312}


def test_inside_allows_a_pixel_of_rounding_and_no_more() -> None:
    view = {"x": 0, "y": 100, "width": 100, "height": 100}
    assert inside({"x": 0, "y": 99.5, "width": 100.5, "height": 100}, view)
    assert not inside({"x": 0, "y": 98, "width": 10, "height": 10}, view)
    assert not inside({"x": 95, "y": 150, "width": 10, "height": 10}, view)


def test_a_crop_clip_has_a_margin_and_never_starts_before_the_page() -> None:
    assert crop_clip({"x": 2, "y": 40, "width": 10, "height": 10}) == {"x": 0.0, "y": 34, "width": 22, "height": 22}


def test_later_runs_jobs_in_order_on_another_thread_and_settle_waits_for_them() -> None:
    later, done, release = Later(), [], threading.Event()
    later.do(lambda: (release.wait(5), done.append(threading.current_thread().name)))
    later.do(lambda: done.append("second"))
    assert done == []  # the first is still waiting: do() did not
    release.set()
    later.settle()
    assert done[0].startswith("pictures") and done[1] == "second"
    later.close()


def test_a_job_that_fails_does_not_stop_those_after_it() -> None:
    later, done = Later(), []
    later.do(lambda: 1 / 0)
    later.do(lambda: done.append(1))
    later.settle()
    assert done == [1]
    later.close()


def _audit(tmp_path):
    return Audit(tmp_path / "run", Selectors(), Redactor(), out=io.StringIO())


def test_a_band_kept_later_is_on_disk_once_the_run_writes_its_record(tmp_path) -> None:
    audit = _audit(tmp_path)
    taken = Captured(_window(), clip={"x": 30, "y": 520, "width": 40, "height": 20}, area={"x": 0, "y": 500, "width": 200, "height": 100})
    cut, slow = taken.part_at, threading.Event()
    taken.part_at = lambda clip: (slow.wait(0.5), cut(clip))[1]  # type: ignore[method-assign]  # a cut that takes its time
    path = audit.keep_taken("1234567893", "18 after", taken)
    assert path == "screenshots/001-1234567893-18-after.png"
    assert not (tmp_path / "run" / path).exists()  # the robot went on before it was written
    audit.write_json("run.json", {"providers": [path]})  # what names the picture waits for it
    assert _pixels((tmp_path / "run" / path).read_bytes()).size == (40, 20)
    audit.close()


def test_a_band_that_cannot_be_cut_is_kept_as_its_whole_window(tmp_path) -> None:
    audit = _audit(tmp_path)
    taken = Captured(_window(), clip={"x": 30, "y": 520, "width": 40, "height": 20}, area={"x": 0, "y": 500, "width": 200, "height": 100})
    taken.part_at = None  # type: ignore[method-assign]  # any failure of the cut
    path = audit.keep_taken("1234567893", "11 before", taken)
    audit.close()
    assert _pixels((tmp_path / "run" / path).read_bytes()).size == (200, 100)
    assert "kept whole" in (tmp_path / "run" / "robot.log").read_text()


def test_a_picture_that_cannot_be_written_later_stops_the_run_at_its_next_step(tmp_path, monkeypatch) -> None:
    audit = _audit(tmp_path)

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(robot.audit, "write_private", full)
    taken = Captured(_window(), clip={"x": 30, "y": 520, "width": 40, "height": 20}, area={"x": 0, "y": 500, "width": 200, "height": 100})
    audit.keep_taken("1234567893", "18 after", taken)  # nothing raised here: the robot is at its next step
    audit._later.settle()
    with pytest.raises(CannotWrite, match="No space left"):
        audit.check_writable("1234567893")
    audit.close()


def test_each_picture_job_gives_its_memory_back_after_it_even_when_it_fails(monkeypatch) -> None:
    import robot.shots

    trims: list[int] = []
    monkeypatch.setattr(robot.shots, "_TRIM", trims.append)
    later = Later()
    later.do(lambda: None)
    later.do(lambda: 1 / 0)
    later.close()
    assert trims == [0, 0]


def test_a_part_at_the_edge_of_its_picture_is_cut_with_as_much_margin_as_the_picture_has() -> None:
    from robot.shots import within

    band = {"x": 71, "y": 962, "width": 1209, "height": 1094}
    toast = crop_clip({"x": 832, "y": 962, "width": 448, "height": 98})  # a toast at the window's top: its margin above is not there
    assert Captured(b"", clip=band).holds({"x": 832, "y": 962, "width": 448, "height": 98}) and not Captured(b"", clip=band).holds(toast)
    assert within(toast, band) == {"x": 826, "y": 962, "width": 454, "height": 104}
