"""Playwright traces of the portal, kept away from every secret, kept only for providers that failed.

A trace records every action's arguments, DOM snapshots and the network (request bodies too), so a
typed password would end up in it. So it records only in windows with no secret typed, sent or on the
page, each a whole ``tracing.start()``/``stop()``: a chunk's network log still carries requests made
between chunks. A window ends before a login or a password step; the next starts only on a fresh page
(after Save, or after the next provider's search). A window is searched for every secret of the run
before it is kept as ``traces/<npi>-<k>.zip`` (for ``playwright show-trace``), and deleted if it holds
one; windows of providers that did not fail are deleted.
"""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from robot.audit import Redactor


class Tracing:
    """Trace windows of one provider at a time, across the portal contexts the run goes through."""

    def __init__(self, run_dir: Path, log: Any, redactor: Redactor, name: str = "") -> None:
        self.dir = run_dir / "traces"
        self._parts_dir = self.dir / (f".parts-{name}" if name else ".parts")  # one a worker
        self._log = log
        self._redactor = redactor
        self._ctx: BrowserContext | None = None
        self._on = False
        self._parts: list[Path] = []

    def attach(self, ctx: BrowserContext) -> None:
        """Trace this context from now on (a new login); nothing is recorded until ``resume``."""
        self._ctx, self._on = ctx, False

    def resume(self) -> None:
        if self._ctx is not None and not self._on:
            self._ctx.tracing.start(snapshots=True, screenshots=False, sources=False)
            self._on = True

    def pause(self) -> None:
        if self._ctx is None or not self._on:
            return
        self._on = False
        self._parts_dir.mkdir(parents=True, exist_ok=True)
        part = self._parts_dir / f"part-{len(self._parts) + 1}.zip"
        try:
            self._ctx.tracing.stop(path=part)
            self._parts.append(part)
        except PlaywrightError as exc:  # the browser went away: that window is lost, the run is not
            self._log.warning("trace window lost", error=str(exc).splitlines()[0])

    def finish(self, keep_as: str | None) -> list[str]:
        """End the provider's windows: keep them as ``traces/<keep_as>-<k>.zip``, or delete them."""
        self.pause()
        kept = []
        for part in self._parts:
            if keep_as and part.is_file() and not self._holds_secret(part):
                target = self.dir / f"{keep_as}-{len(kept) + 1}.zip"
                part.replace(target)
                kept.append(f"traces/{target.name}")
            else:
                part.unlink(missing_ok=True)
        self._parts = []
        shutil.rmtree(self._parts_dir, ignore_errors=True)  # traces/ itself: see tidy(), when every worker is done
        return kept

    def _holds_secret(self, part: Path) -> bool:
        with zipfile.ZipFile(part) as z:
            for name in z.namelist():
                if self._redactor.found_in(z.read(name)):
                    self._log.warning("trace window dropped: it held a secret", part=part.name, member=name)
                    return True
        return False


def tidy(run_dir: Path) -> None:
    """At the end of a run: no empty ``traces/`` folder (no provider kept one)."""
    with contextlib.suppress(OSError):
        (run_dir / "traces").rmdir()  # only if empty
