"""A screen is wherever its controls are: the top document, or any frame of the page (an iframe, a frameset,
nested, same origin or not where the browser can reach it). Every lookup (``find``) and every wait
(``shown``) is made in each frame until one holds what is looked for; a page without frames costs
nothing more than a lookup in its top document.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

SLICE_MS = 100  # with frames, each is looked at this often (only one can be waited on at a time)

Scope = Page | Frame
# How to find something in one frame (or the page's top document); None: not looked for in that frame.
Find = Callable[[Scope], Locator | None]
# 2: one of the elements is shown; 1: there are some, none shown; 0: none.
_SHOWN_COUNT = "els => els.some(e => e.getClientRects().length > 0) ? 2 : els.length ? 1 : 0"
# The frame each page's screen was last found in: where to look for what is found nowhere just now (its
# frame reloading on its own, say), so that Playwright's own waits wait there, through the reload.
_LAST: weakref.WeakKeyDictionary[Page, Frame] = weakref.WeakKeyDictionary()


def live(page: Page) -> list[Frame]:
    """The page's frames, the top document's first; a detached one is left out."""
    return [f for f in page.frames if not f.is_detached()]


def _scope(page: Page, frame: Frame) -> Scope:
    return page if frame == page.main_frame else frame


def _nothing(page: Page) -> Locator:
    return page.locator(":root:not(:root)")


def _found(page: Page, frame: Frame) -> None:
    _LAST[page] = frame


def _likeliest(page: Page) -> Scope:
    """The frame the page's screen was last found in, where it is still there; else the top document."""
    frame = _LAST.get(page)
    return _scope(page, frame) if frame is not None and not frame.is_detached() else page


def find(page: Page, how: Find) -> Locator:
    """What ``how`` finds, in the first frame where it is shown (else where it is at all, else the top document)."""
    frames = page.frames
    if len(frames) == 1:
        return how(page) or _nothing(page)
    some: Locator | None = None
    for frame in frames:
        try:
            loc = how(_scope(page, frame))
            state = loc.evaluate_all(_SHOWN_COUNT) if loc is not None else 0
        except PlaywrightError:  # a frame gone or going while it is looked at
            continue
        if state == 2:
            _found(page, frame)
            return loc  # type: ignore[return-value]
        if state and some is None:
            some = loc
    return some if some is not None else (how(_likeliest(page)) or how(page) or _nothing(page))


def holding(page: Page, how: Find) -> Scope:
    """The frame (or the page, for its top document) where ``how`` finds something shown; the page if none."""
    frames = page.frames
    if len(frames) == 1:
        return page
    for frame in frames:
        try:
            loc = how(_scope(page, frame))
            if loc is not None and loc.evaluate_all(_SHOWN_COUNT) == 2:
                _found(page, frame)
                return _scope(page, frame)
        except PlaywrightError:
            continue
    return _likeliest(page)


def shown(page: Page, how: Find, timeout_ms: float) -> Locator | None:
    """Wait up to ``timeout_ms`` for what ``how`` finds to show in any frame; what showed, or None."""
    frames = live(page)
    if len(frames) == 1:
        loc = how(page)
        if loc is None:
            return None
        try:  # any of its matches: the first may be one never shown (a menu's copy of a title)
            loc.filter(visible=True).first.wait_for(state="visible", timeout=timeout_ms)
        except PlaywrightTimeout:
            return None
        return loc
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        waiting: list[Locator] = []
        for frame in frames:
            try:
                loc = how(_scope(page, frame))
                if loc is not None and loc.filter(visible=True).first.is_visible():
                    _found(page, frame)
                    return loc
            except PlaywrightError:  # a frame gone or going while it is looked at
                continue
            if loc is not None:
                waiting.append(loc)
        left = deadline - time.monotonic()
        if left <= 0 or not waiting:
            return None
        try:  # a wait of the page's own, not a sleep: in the innermost frame (most often the screen's)
            waiting[-1].filter(visible=True).first.wait_for(state="visible", timeout=max(1, min(SLICE_MS, left * 1000)))
            return waiting[-1]
        except PlaywrightError:  # the wait's end (TimeoutError is one), or its frame gone
            pass
        frames = live(page)


def either(*finds: Find) -> Find:
    """What any of ``finds`` finds, in one frame."""
    def how(scope: Scope) -> Locator | None:
        found = [loc for f in finds if (loc := f(scope)) is not None]
        return functools.reduce(Locator.or_, found) if found else None
    return how
