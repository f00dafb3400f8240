"""The one recorder of a run: screenshots, the log, the terminal, the handoff, run.json and the report.

Everything the run writes goes through here, so every secret it knows is redacted from text and
masked in pictures in one place, and nothing can write a file by a side door.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import json
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import structlog
from PIL import Image
from playwright.sync_api import CDPSession, Frame, Locator, Page
from playwright.sync_api import Error as PlaywrightError

from pages.landmarks import Landmarks
from pages.locators import SECRET_KEYS, Selectors
from pages.scripts import script
from robot import stitch
from robot.errors import CannotWrite
from robot.handoff import Handoff, HandoffRow, HandoffUnwritable, write_private
from robot.logfile import LogFile
from robot.progress import Progress
from robot.redaction import REDACTED, Redactor  # noqa: F401 - the recorder's public names, as before
from robot.safetext import shown
from robot.shots import Captured, Later, crop_clip, inside, joined, within

MASK_COLOR = "#1f2933"
_MARGIN = 12  # pixels above and below a band
_CLOSE = 240  # pixels a part (the Save's answer) may add to a band taller than the window to be pictured with it
def _below(view: dict, bar: float) -> dict:
    """The part of the window below a bar ``bar`` pixels tall pinned at its top."""
    return {**view, "y": view["y"] + bar, "height": view["height"] - bar}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "step"


class Audit:
    """A run's folder and everything in it."""

    def __init__(
        self,
        run_dir: Path,
        selectors: Selectors,
        redactor: Redactor,
        *,
        out: TextIO | None = None,
        handoff: bool = True,
    ) -> None:
        self.run_dir = run_dir
        self.shots_dir = run_dir / "screenshots"
        self.shots_dir.mkdir(parents=True, mode=0o700)
        os.chmod(run_dir, 0o700)
        os.chmod(self.shots_dir, 0o700)
        self.selectors = selectors
        self.redact = redactor
        self._out = out or sys.stdout
        self._count = 0
        self._lock = threading.Lock()  # workers share one recorder
        self._cdp = True  # Chromium's own capture, until it proves unavailable
        self._sessions: dict[Page, CDPSession] = {}
        self._later = Later()  # pictures cut and written while the robot goes on
        self._log_file = LogFile(run_dir / "robot.log")
        self._failure: OSError | None = None  # the first file of the run folder that could not be written
        self._met: set[str] = set()  # what ``first_time`` has been told of
        self.log = structlog.wrap_logger(
            structlog.PrintLogger(file=self._log_file),
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.format_exc_info,
                redactor.processor,
                structlog.processors.JSONRenderer(),
            ],
        )
        self.handoff = Handoff(run_dir / "handoff.csv") if handoff else None
        self.progress: Progress | None = None  # while providers are handled: places, time left, keepalive lines

    # --- pictures ------------------------------------------------------------------------------
    def shot(self, page: Page, who: str, step: str, *, full_page: bool = False, region: Locator | None = None,
             landmarks: Landmarks | None = None) -> str:
        """Screenshot as ``NNN-<who>-<step>.png``, secrets masked; returns its path in the run folder ("" if none)."""
        path = self.picture(page, who, step, full_page=full_page, region=region, landmarks=landmarks)[0]
        self._later.settle()  # on disk when this returns
        return path

    def picture(self, page: Page, who: str, step: str, *, full_page: bool = False, region: Locator | None = None,
                landmarks: Landmarks | None = None) -> tuple[str, int]:
        """``shot``, and how many boxes were widened for it to show their whole values (``Captured.widened``)."""
        taken = self.capture(page, who, step, full_page=full_page, region=region, landmarks=landmarks)
        return (self.keep_taken(who, step, taken), taken.widened) if taken else ("", 0)

    def keep(self, who: str, step: str, data: bytes) -> str:
        """Write a captured picture as the next one of the run; returns its path in the run folder."""
        path = self._next(who, step)
        self._write(self.run_dir / path, data, who=who)
        return path

    def keep_taken(self, who: str, step: str, taken: Captured) -> str:
        """``keep`` for a picture taken: where it is to be cut from its window, cut and written off the step's
        path (``robot.shots.Later``); its path either way."""
        if taken.area is None:
            return self.keep(who, step, taken.raw)
        path = self._next(who, step)
        self._later.do(lambda: self._write_cut(path, who, lambda: taken.data, taken.raw))
        return path

    def _next(self, who: str, step: str) -> str:
        with self._lock:
            self._count += 1
            number = self._count
        return f"screenshots/{number:03d}-{_slug(who)}-{_slug(step)}.png"

    def _write_cut(self, path: str, who: str, cut: Callable[[], bytes], whole: bytes) -> None:
        """On the pictures' thread: the cut written; where it cannot be made, the window it was to be cut from
        (taken this way only where one script covered every secret of it: a page of one frame)."""
        try:
            try:
                data = cut()
            except Exception as exc:  # noqa: BLE001 - the whole window rather than no picture
                self.log.warning("screenshot not cut; kept whole", who=who, error=str(exc))
                data = whole
            self._write(self.run_dir / path, data, who=who)
        except CannotWrite:
            pass  # recorded (``failure``): the run stops at its next step
        except Exception as exc:  # noqa: BLE001 - nothing may die silently on this thread: the run stops at its next step
            self.log.error("screenshot not written", who=who, error=str(exc))
            self._failure = self._failure or OSError(f"{path}: {exc}")

    def settle(self) -> None:
        """Every picture given so far on disk, or its failure recorded (``failure``)."""
        self._later.settle()

    def capture(self, page: Page, who: str, step: str, *, full_page: bool = False, region: Locator | None = None,
                landmarks: Landmarks | None = None, also: dict | None = None) -> Captured | None:
        """A picture, secrets masked and every value whole, not yet kept (None if it could not be taken).

        The viewport by default; with ``region``, scrolled so the band from its first element to its
        last is at the top; ``full_page`` for the whole page; ``also``, a part of the page (page
        coordinates) the picture holds too where both fit in the window (the Save's answer): then the band
        from the highest of both to the lowest. A band inside the window is taken as the window and cut from it
        later (``robot.shots``), because Chromium copies a window it has already drawn but draws a clip again.

        A text box narrower than its value is widened for the picture and put back after it
        (``widen.js``): a reviewer reads every value whole, the domain of a long address included.

        Chromium's own capture (DevTools' ``Page.captureScreenshot``) with the secret fields covered
        first is faster than ``page.screenshot``, which (with ``mask``) stands in where that protocol is
        missing or the band is taller than the window. With ``landmarks`` (the account page's learned
        controls) the boxes are widened, the band found and the secrets covered in one call of the page's own.
        """
        restore: dict[Frame, int] = {}  # the frames whose boxes were widened, and how many
        try:
            found = None if landmarks is None or not self._cdp else landmarks.band_and_cover(page, MASK_COLOR, _MARGIN)
            if found and found["widened"]:
                restore[page.main_frame] = found["widened"]
            covered = found if found and found["clip"] else None
            if covered is None:
                restore.update((f, n) for f, n in self._widen(page).items() if f not in restore)
            if full_page:
                return Captured(self._whole_page(page), sum(restore.values()))
            band = covered or (region.evaluate_all(script("band"), _MARGIN) if region is not None else None)
            if band is not None and also is not None:
                also = self._now(page, also)
                band = self._holding(page, band, also) or band  # one picture for both, else the part on its own
            clip = band["clip"] if band is not None else None
            # A band inside the window: the window, drawn already, cut later (``robot.shots``).
            area = self._window(page) if clip is not None and not band["full"] and len(page.frames) == 1 else None
            area = area if area is not None and inside(clip, area) else None
            data = self._capture(page, None if area else clip, covered=covered is not None, beyond=bool(band and band["full"]))
            if data is None:
                area, frame = None, {"clip": clip, "full_page": True} if clip is not None else {}
                data = page.screenshot(mask=self._masks(page), mask_color=MASK_COLOR, animations="disabled", **frame)
            return Captured(data, sum(restore.values()), clip, also, area)
        except Exception as exc:  # noqa: BLE001 - a missing picture must not end the provider's work
            self.log.warning("screenshot failed", who=who, step=step, error=str(exc))
            return None
        finally:
            for frame in restore:  # put back as the site drew it, before anything else is done on the page
                with contextlib.suppress(PlaywrightError):
                    frame.evaluate(script("unwiden"))

    def _widen(self, page: Page) -> dict[Frame, int]:
        """Every frame's boxes narrower than their values widened for a picture (``widen.js``): how many, by frame."""
        changed = {}
        for frame in page.frames:
            try:
                if n := frame.evaluate(script("widen")):
                    changed[frame] = n
            except PlaywrightError:
                continue  # a frame gone, or not ours to script: pictured as it is
        return changed

    def cut(self, who: str, step: str, taken: Captured, rect: dict) -> str:
        """The part of ``taken`` at ``rect`` (page coordinates, as its band's), kept as a picture of its own;
        "" where the picture is of the window (no clip) or the part is not inside it."""
        if not taken.holds(rect):
            return ""
        clip = within(crop_clip(rect), taken.clip)  # its margin as far as the picture goes
        if taken.area is not None:
            path = self._next(who, step)
            self._later.do(lambda: self._write_cut(path, who, lambda: taken.part_at(clip), taken.raw))
            return path
        try:
            return self.keep(who, step, taken.part_at(clip))
        except Exception as exc:  # noqa: BLE001 - the part is taken on its own instead
            self.log.warning("screenshot failed", who=who, step=step, error=str(exc))
            return ""

    def _whole_page(self, page: Page) -> bytes:
        """The whole page, in strips where it is taller than one (``robot.stitch``), secrets masked."""
        width, height = page.evaluate(script("page_size"))
        clips = stitch.strips(max(width, 1), max(height, 1))
        # Covered again for each strip: taking one resizes the view, and a page may move as it does.
        if len(clips) == 1:
            return self._clipped(page, clips[0])
        return stitch.stitch(self._clipped(page, clip) for clip in clips)

    def crops(self, page: Page, parts: Locator, whos: list[str], step: str) -> list[str]:
        """Each of ``parts`` cut from the page it is on (one page, many pictures), named for its ``whos``;
        "" for a part not shown or a who that is "". The page's secrets are covered once for all of them."""
        try:
            rects = parts.evaluate_all(script("rects"))
            if self._cdp:
                self._cover(page)
        except Exception as exc:  # noqa: BLE001 - pictures must not end the run's reading of the sites
            self.log.warning("screenshot failed", who="practice", step=step, error=str(exc))
            return ["" for _ in whos]
        rects = list(rects) + [None] * (len(whos) - len(rects))
        wanted = [i for i, (who, rect) in enumerate(zip(whos, rects)) if rect and who]
        cut = self._cut_in_bands(page, {i: crop_clip(rects[i]) for i in wanted}, step) if self._cdp else {}
        paths = {i: self.keep(whos[i], step, cut[i]) if i in cut else self.crop(page, rects[i], whos[i], step, covered=True)
                 for i in wanted}  # in the entries' order, as the pictures are numbered
        return [paths.get(i, "") for i in range(len(whos))]

    def _cut_in_bands(self, page: Page, clips: dict[int, dict], step: str) -> dict[int, bytes]:
        """Each clip cut from one capture of the band it is in (a band a few windows tall holds many
        entries: one capture for them, not one each); those of a band that could not be taken are left out."""
        order = list(clips)
        cut: dict[int, bytes] = {}
        for band, members in stitch.bands([clips[i] for i in order]):
            data = self._capture(page, band, covered=True)
            if data is None:
                continue
            try:
                with Image.open(io.BytesIO(data)) as picture:
                    picture.load()
                    cut.update({order[m]: stitch.cut(picture, band, clips[order[m]]) for m in members})
            except Exception as exc:  # noqa: BLE001 - not a picture after all: each is taken on its own instead
                self.log.warning("screenshot failed", who="practice", step=step, error=str(exc))
        return cut

    def crop(self, page: Page, rect: dict, who: str, step: str, *, covered: bool = False) -> str:
        """The part of the page at ``rect`` (page coordinates), with a margin, secrets masked; its path or ""."""
        clip = crop_clip(rect)
        try:
            data = self._clipped(page, clip, covered=covered)
        except Exception as exc:  # noqa: BLE001 - a missing picture must not end the provider's work
            self.log.warning("screenshot failed", who=who, step=step, error=str(exc))
            return ""
        return self.keep(who, step, data)

    def _clipped(self, page: Page, clip: dict, *, covered: bool = False) -> bytes:
        """The part of the page at ``clip`` (page coordinates), secrets masked: Chromium's capture, else
        ``page.screenshot`` with ``mask`` (in CSS pixels, as Chromium's is)."""
        return self._capture(page, clip, covered=covered) or page.screenshot(
            clip=clip, full_page=True, scale="css", mask=self._masks(page), mask_color=MASK_COLOR, animations="disabled")

    def _capture(self, page: Page, clip: dict | None = None, *, covered: bool = False, beyond: bool = True) -> bytes | None:
        """Chromium's capture of the viewport, or of ``clip`` (page coordinates: within the window, or ``beyond``
        it, a band taller than the window), secret fields covered unless ``covered`` says they already are; None
        when it is not available."""
        if (session := self._session(page)) is None:
            return None
        if not covered:
            self._cover(page)
        params: dict = {"format": "png", "optimizeForSpeed": True}
        if clip is not None:
            params.update(clip={**clip, "scale": 1}, captureBeyondViewport=beyond)
        try:
            data = session.send("Page.captureScreenshot", params)["data"]
        except PlaywrightError:
            self._sessions.pop(page, None)
            return None  # a session gone with its page: page.screenshot will say what is wrong
        return base64.b64decode(data)

    def _session(self, page: Page) -> CDPSession | None:
        """The page's DevTools session (one a page, kept); None where there is none (not Chromium)."""
        if not self._cdp:
            return None
        try:
            session = self._sessions.get(page) or page.context.new_cdp_session(page)
        except PlaywrightError as exc:  # not Chromium, or a server that does not pass the protocol on
            self.log.info("chromium capture not available; using page.screenshot", error=str(exc).splitlines()[0])
            self._cdp = False
            return None
        self._sessions[page] = session
        return session

    def _window(self, page: Page) -> dict | None:
        """The part of the page the window shows (page coordinates, CSS pixels); None where it cannot be told."""
        if (session := self._session(page)) is None:
            return None
        try:
            view = session.send("Page.getLayoutMetrics")["cssVisualViewport"]
        except PlaywrightError:
            self._sessions.pop(page, None)
            return None
        return {"x": view["pageX"], "y": view["pageY"], "width": view["clientWidth"], "height": view["clientHeight"]}

    def _now(self, page: Page, part: dict) -> dict:
        """``part`` (page coordinates as it was measured) where it stands now: a pinned one (a toast) keeps its
        place in the window, so a scroll since has moved it in the page."""
        if not part.get("pinned") or (view := self._window(page)) is None:
            return part
        return {**part, "x": part["x"] - part.get("sx", 0) + view["x"], "y": part["y"] - part.get("sy", 0) + view["y"], "sx": view["x"],
                "sy": view["y"]}

    def _holding(self, page: Page, band: dict, part: dict) -> dict | None:
        """``band`` grown to hold ``part`` too (the Save's answer, page coordinates): within the window where
        both fit in it, the page scrolled for them where need be (one capture of a window Chromium has
        drawn); with a band taller than the window, where the part stands close to it. None where the part
        is to be pictured on its own."""
        pinned, bar = bool(part.get("pinned")), band.get("bar", 0)
        if band["full"]:  # drawn anew beyond the window, where a pinned part is not where it was
            grown = joined(band, part, _MARGIN)
            return grown if not pinned and grown["clip"]["height"] <= band["clip"]["height"] + _CLOSE else None
        if (before := self._window(page)) is None:
            return None
        # Below a bar pinned at the window's top, which would cover a message there (a toast may be that bar: whole).
        seen = before if pinned else _below(before, bar)
        both = joined(band, part, 0)["clip"]
        if not inside(both, seen):
            if pinned or both["height"] + 2 * _MARGIN > seen["height"] or both["width"] > seen["width"]:
                return None  # a pinned part moves with a scroll; the rest does not fit in the window
            page.evaluate("y => window.scrollTo(window.scrollX, y)", max(0, both["y"] - bar - _MARGIN))
            if (view := self._window(page)) is None or not inside(both, seen := _below(view, bar)):
                page.evaluate("([x, y]) => window.scrollTo(x, y)", [before["x"], before["y"]])  # back to the band
                return None
        return {"full": False, "bar": bar, "clip": within(joined(band, part, _MARGIN)["clip"], seen)}  # its margin as far as the window goes

    def _masks(self, page: Page) -> list[Locator]:
        """Every secret field, as one locator a frame (one lookup in each, not one a key): a screen in a
        frame has its secrets masked like one in the top document."""
        ways = {self.selectors.describe(key): key for key in SECRET_KEYS}  # each way once: a lookup costs a walk of the page
        frames = [page, *page.frames[1:]]
        return [functools.reduce(Locator.or_, [self.selectors(key, f) for key in ways.values()] + [f.locator("input[type=password]")])
                for f in frames]

    def _cover(self, page: Page) -> None:
        """Cover every secret field of every frame with a box of the mask colour (``cover.js``), in its own document."""
        for frame, masks in zip(page.frames, self._masks(page)):
            try:
                masks.evaluate_all(script("cover"), MASK_COLOR)
            except PlaywrightError:
                if not frame.is_detached():
                    raise  # a frame whose secrets cannot be covered: no picture rather than a readable one

    # --- words ---------------------------------------------------------------------------------
    def first_time(self, what: str) -> bool:
        """True the first time the run meets ``what`` (a page passed after a login is pictured once a run)."""
        with self._lock:
            if what in self._met:
                return False
            self._met.add(what)
            return True

    def say(self, line: str) -> None:
        """A line for the person at the terminal (or cron's log): secrets out, the sites' control characters shown escaped."""
        with self._lock:
            try:
                print(shown(self.redact(line)), file=self._out, flush=True)
            except OSError as exc:  # a terminal log on a full disk (cron's): the run goes on, and stops at its next step
                self._failure = self._failure or exc
        if self.progress is not None:
            self.progress.heard()

    # --- files ---------------------------------------------------------------------------------
    def write_json(self, name: str, record: dict) -> Path:
        self._later.settle()  # every picture it names on disk first
        path = self.run_dir / name
        self._write(path, (json.dumps(self.redact.scrub(record), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return path

    def write_text(self, name: str, text: str) -> Path:
        self._later.settle()
        path = self.run_dir / name
        self._write(path, self.redact(text).encode("utf-8"))
        return path

    def _write(self, path: Path, data: bytes, who: str = "") -> None:
        """A file of the run folder, 0600 and complete or not there (written aside, then renamed);
        CannotWrite names the folder and what to do when the disk is full or the folder is not writable."""
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            write_private(tmp, data, sync=False)  # the handoff is synced; a picture lost to a power cut is not worth the wait
            os.replace(tmp, path)
        except OSError as exc:
            self._failure = self._failure or exc
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            raise CannotWrite(self.run_dir, exc, who) from None

    def hand_off(self, row: HandoffRow, who: str) -> None:
        """A provider's passwords into the handoff, on disk before its Save; CannotWrite (no Save) if they cannot be."""
        assert self.handoff is not None
        try:
            self.handoff.add(row)
        except HandoffUnwritable as exc:
            raise CannotWrite(self.run_dir, exc, f"{who}, before Save (nothing was saved)") from None

    @property
    def failure(self) -> OSError | None:
        """The first write to the run folder that failed (a picture, the log, the handoff), or None."""
        handoff = self.handoff.unsaved if self.handoff is not None else None
        return self._failure or self._log_file.failure or handoff

    def check_writable(self, who: str = "") -> None:
        """Raise CannotWrite when something of the run folder could not be written: the run stops
        rather than go on without its audit trail."""
        if (failure := self.failure) is not None:
            raise CannotWrite(self.run_dir, failure, who)

    def close(self) -> None:
        self._later.close()
        self._log_file.close()
