"""robot.tracing: a trace window that cannot be scrubbed leaves nothing behind."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import structlog

from robot.audit import Redactor
from robot.tracing import Tracing


EVENT = b'{"type": "resource-snapshot", "snapshot": {"request": {"headers": [{"name": "Cookie", "value": "sid=abcdefgh12345678"}]}}}'


def _windows(tmp_path: Path, *bodies: bytes) -> Tracing:
    tracing = Tracing(tmp_path, structlog.get_logger(), Redactor())
    tracing._parts_dir.mkdir(parents=True)
    for n, body in enumerate(bodies, 1):
        part = tracing._parts_dir / f"part-{n}.zip"
        if body.startswith(b"PK"):
            part.write_bytes(body)
        else:
            with zipfile.ZipFile(part, "w") as z:
                z.writestr("trace.network", body)
        tracing._parts.append(part)
    return tracing


def test_a_kept_window_loses_its_cookie_header(tmp_path: Path) -> None:
    tracing = _windows(tmp_path, EVENT)
    assert tracing.finish(keep_as="1234567893") == ["traces/1234567893-1.zip"]
    with zipfile.ZipFile(tmp_path / "traces" / "1234567893-1.zip") as z:
        assert b"abcdefgh12345678" not in z.read("trace.network")
    assert not tracing._parts_dir.exists()


def test_a_window_that_cannot_be_read_leaves_no_window_behind(tmp_path: Path) -> None:
    tracing = _windows(tmp_path, b"{}", b"PK\x03\x04 not a zip at all", EVENT)
    with pytest.raises(zipfile.BadZipFile):
        tracing.finish(keep_as="1234567893")
    assert not tracing._parts_dir.exists(), "the unscrubbed third window was left on disk"
    assert tracing._parts == []
    assert tracing.finish(keep_as=None) == [], "the next provider starts with no window of this one"
