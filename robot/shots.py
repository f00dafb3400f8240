"""A picture taken and not yet kept, and the pictures being written while the robot goes on.

Chromium copies a window it has already drawn in about one frame, but draws a clip of it again, in a
frame or two more (its own capture sets the view to the clip and back). So a band inside the window
is taken as the whole window and cut from it here; the cut and the PNG it is written as are made on
another thread (``Later``), off the step's path: the robot is already at its next step.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image

from robot import stitch

_CROP_MARGIN = 6  # pixels around a part cut from a page


class Captured:
    """A picture taken, not yet kept: its PNG (``raw``, of ``area`` where that is more than the picture), how many
    boxes were widened for it, the part of the page it shows where it is a clip (page coordinates; None for the
    window), and where the part it was to hold too stood."""

    def __init__(self, raw: bytes, widened: int = 0, clip: dict | None = None, part: dict | None = None,
                 area: dict | None = None) -> None:
        self.raw, self.widened, self.clip, self.part, self.area = raw, widened, clip, part, area

    @functools.cached_property
    def data(self) -> bytes:
        """The picture as kept: ``clip`` cut from the window it was taken in, where it was taken whole."""
        if self.area is None or self.clip is None:
            return self.raw
        return self.part_at(self.clip)

    def holds(self, clip: dict) -> bool:
        """Whether ``clip`` (page coordinates) is inside the picture as kept."""
        band = self.clip
        return band is not None and clip["y"] >= band["y"] - 1 and clip["y"] + clip["height"] <= band["y"] + band["height"] + 1

    def part_at(self, clip: dict) -> bytes:
        """The part at ``clip`` (page coordinates) as a PNG of its own."""
        with Image.open(io.BytesIO(self.raw)) as picture:
            picture.load()
            return stitch.cut(picture, self.area or self.clip or {"x": 0, "y": 0}, clip)


def _libc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


_TRIM = _libc_trim()  # glibc's; None elsewhere


def _then_trim(job: Callable[[], None]) -> None:
    """``job``, then the memory its window's pixels took given back: a thread's own malloc arena keeps what it
    freed (a window decoded is 6 MB), so without it the run's memory grows by tens of megabytes."""
    try:
        job()
    finally:
        if _TRIM is not None:
            _TRIM(0)


class Later:
    """Files written on one thread of their own, in the order given; ``settle`` waits for all of them."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []
        self._lock = threading.Lock()

    def do(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pictures")
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._pool.submit(_then_trim, job))

    def settle(self) -> None:
        """Every file given so far written (or its failure recorded by the job itself)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for future in pending:
            future.exception()  # a job records its own failure (Audit._write); nothing is raised here

    def close(self) -> None:
        self.settle()
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def joined(band: dict, rect: dict, margin: int) -> dict:
    """``band`` grown to hold ``rect`` too (page coordinates), as a clip: the window may hold only one of them."""
    c = band["clip"]
    top = max(0.0, min(c["y"], rect["y"] - margin))
    bottom = max(c["y"] + c["height"], rect["y"] + rect["height"] + margin)
    left = min(c["x"], rect["x"])
    right = max(c["x"] + c["width"], rect["x"] + rect["width"])
    return {"full": True, "clip": {"x": left, "y": top, "width": right - left, "height": bottom - top}}


def within(clip: dict, band: dict | None) -> dict:
    """``clip`` cut down to ``band`` (page coordinates both)."""
    if band is None:
        return clip
    left, top = max(clip["x"], band["x"]), max(clip["y"], band["y"])
    right, bottom = min(clip["x"] + clip["width"], band["x"] + band["width"]), min(clip["y"] + clip["height"], band["y"] + band["height"])
    return {"x": left, "y": top, "width": max(0, right - left), "height": max(0, bottom - top)}


def inside(clip: dict, view: dict) -> bool:
    return (clip["x"] >= view["x"] - 1 and clip["y"] >= view["y"] - 1 and clip["x"] + clip["width"] <= view["x"] + view["width"] + 1
            and clip["y"] + clip["height"] <= view["y"] + view["height"] + 1)


def crop_clip(rect: dict) -> dict:
    """``rect`` with a margin, no wider or taller than a strip may be: an entry beyond that is a value run
    off its edge, and its raster would cost hundreds of megabytes; its left and top part is where its words start."""
    x, y = max(0.0, rect["x"] - _CROP_MARGIN), max(0.0, rect["y"] - _CROP_MARGIN)
    return {"x": x, "y": y, "width": min(rect["width"] + 2 * _CROP_MARGIN, stitch.MAX_WIDTH_PX),
            "height": min(rect["height"] + 2 * _CROP_MARGIN, stitch.MAX_WIDTH_PX)}
