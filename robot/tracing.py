"""Playwright traces of the portal, kept away from every secret, kept only for providers that failed.

A trace records every action's arguments and snapshots of the DOM, so a typed password would end up
in it. Recording therefore runs only while no secret is typed or on the page: it is paused before a
login or a password step and resumed only on a fresh page (after Save, or after step 7 of the next
provider). Chunks of a provider that failed are kept as ``traces/<npi>-<k>.zip`` for
``playwright show-trace``; the rest are deleted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError


class Tracing:
    """Trace chunks of one provider at a time, across the portal contexts the run goes through."""

    def __init__(self, run_dir: Path, log: object) -> None:
        self.dir = run_dir / "traces"
        self._parts_dir = self.dir / ".parts"
        self._log = log
        self._ctx: BrowserContext | None = None
        self._on = False
        self._parts: list[Path] = []

    def attach(self, ctx: BrowserContext) -> None:
        """Start tracing a new context, recording nothing until ``resume``."""
        self._ctx, self._on = ctx, False
        ctx.tracing.start(snapshots=True, screenshots=False, sources=False)
        ctx.tracing.stop_chunk()  # discard: nothing is recorded until a secret-free page says so

    def resume(self) -> None:
        if self._ctx is not None and not self._on:
            self._ctx.tracing.start_chunk()
            self._on = True

    def pause(self) -> None:
        if self._ctx is None or not self._on:
            return
        self._on = False
        self._parts_dir.mkdir(parents=True, exist_ok=True)
        part = self._parts_dir / f"part-{len(self._parts) + 1}.zip"
        try:
            self._ctx.tracing.stop_chunk(path=part)
            self._parts.append(part)
        except PlaywrightError as exc:  # the browser went away: that chunk is lost, the run is not
            self._log.warning("trace chunk lost", error=str(exc).splitlines()[0])

    def finish(self, keep_as: str | None) -> list[str]:
        """End the provider's chunks: keep them as ``traces/<keep_as>-<k>.zip``, or delete them."""
        self.pause()
        kept = []
        for k, part in enumerate(self._parts, start=1):
            if keep_as and part.is_file():
                target = self.dir / f"{keep_as}-{k}.zip"
                part.replace(target)
                kept.append(f"traces/{target.name}")
            else:
                part.unlink(missing_ok=True)
        self._parts = []
        shutil.rmtree(self._parts_dir, ignore_errors=True)
        if self.dir.is_dir() and not any(self.dir.iterdir()):
            self.dir.rmdir()
        return kept
