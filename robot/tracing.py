"""Playwright traces of the portal, kept away from every secret, kept only for providers that failed.

A trace records every action's arguments, DOM snapshots and the network (request bodies too), so a
typed password would end up in it. So it records only in windows with no secret typed, sent or on the
page, each a whole ``tracing.start()``/``stop()``: a chunk's network log still carries requests made
between chunks. A window ends before a login or a password step; the next starts only on a fresh page
(after Save, or after the next provider's search). A window is searched for every secret of the run
before it is kept as ``traces/<npi>-<k>.zip`` (for ``playwright show-trace``), and deleted if it holds
one; windows of providers that did not fail are deleted.

A kept window has its network log's cookies and authorization headers taken out first, and is dropped
if the value of any of the context's cookies is still in it: a trace never carries a live session.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from robot.audit import REDACTED, Redactor

# Headers that carry a session or a credential: their values never stay in a kept trace.
SESSION_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
_MIN_COOKIE = 8  # shorter cookie values ("1", "en") are preferences, not sessions, and would match anywhere
_SESSION_NAME = re.compile(r"sess|sid|auth|token|login|remember", re.I)


def _session_like(cookie: Any) -> bool:
    """A cookie that may hold a session: out of the page's scripts' reach, or named like one. A script-readable
    token a page also shows (a double-submit CSRF cookie) would otherwise drop every trace."""
    value = str(cookie.get("value", ""))
    return len(value) >= _MIN_COOKIE and (bool(cookie.get("httpOnly")) or bool(_SESSION_NAME.search(str(cookie.get("name", "")))))


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
        self._cookies: set[str] = set()  # every cookie value the traced contexts held

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
        self.dir.mkdir(mode=0o700, exist_ok=True)
        self._parts_dir.mkdir(mode=0o700, exist_ok=True)
        part = self._parts_dir / f"part-{len(self._parts) + 1}.zip"
        try:
            self._cookies.update(c["value"] for c in self._ctx.cookies() if _session_like(c))
            self._ctx.tracing.stop(path=part)
            self._parts.append(part)
        except PlaywrightError as exc:  # the browser went away: that window is lost, the run is not
            self._log.warning("trace window lost", error=str(exc).splitlines()[0])

    def finish(self, keep_as: str | None) -> list[str]:
        """End the provider's windows: keep them as ``traces/<keep_as>-<k>.zip``, or delete them."""
        self.pause()
        kept: list[str] = []
        parts, self._parts = self._parts, []
        try:
            for part in parts:
                if keep_as and part.is_file():
                    _without_sessions(part)
                if keep_as and part.is_file() and not self._holds_secret(part):
                    target = self.dir / f"{keep_as}-{len(kept) + 1}.zip"
                    part.replace(target)
                    os.chmod(target, 0o600)
                    kept.append(f"traces/{target.name}")
        finally:  # whatever failed (a full disk, a broken zip), no window not yet scrubbed stays behind
            for part in parts:
                part.unlink(missing_ok=True)
                part.with_name(part.name + ".tmp").unlink(missing_ok=True)
            shutil.rmtree(self._parts_dir, ignore_errors=True)  # traces/ itself: see tidy(), when every worker is done
        return kept

    def _holds_secret(self, part: Path) -> bool:
        with zipfile.ZipFile(part) as z:
            for name in z.namelist():
                data = z.read(name)
                if self._redactor.found_in(data):
                    self._log.warning("trace window dropped: it held a secret", part=part.name, member=name)
                    return True
                if any(c.encode() in data for c in self._cookies):
                    self._log.warning("trace window dropped: it held a session cookie", part=part.name, member=name)
                    return True
        return False


def _without_sessions(part: Path) -> None:
    """Rewrite the trace with every session header's value and every cookie list emptied."""
    tmp = part.with_name(part.name + ".tmp")
    with zipfile.ZipFile(part) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith((".network", ".trace")):
                data = b"\n".join(_scrub_line(line) for line in data.split(b"\n"))
            dst.writestr(info, data)
    tmp.replace(part)


def _scrub_line(line: bytes) -> bytes:
    if b'ookie' not in line and b'uthorization' not in line:
        return line
    try:
        event = json.loads(line)
    except ValueError:
        return line
    return json.dumps(_scrub(event), separators=(",", ":")).encode()


def _scrub(value: Any) -> Any:
    """Session headers and cookies out of a trace event, wherever they sit in it."""
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        if k == "cookies" and isinstance(v, list):
            out[k] = []
        elif k in ("headers", "headersArray") and isinstance(v, list):
            out[k] = [{**h, "value": REDACTED} if isinstance(h, dict) and str(h.get("name", "")).lower() in SESSION_HEADERS
                      else h for h in v]
        else:
            out[k] = _scrub(v)
    return out


def tidy(run_dir: Path) -> None:
    """At the end of a run: no empty ``traces/`` folder (no provider kept one)."""
    with contextlib.suppress(OSError):
        (run_dir / "traces").rmdir()  # only if empty
