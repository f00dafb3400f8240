"""robot.log's file: one write a line, never raising."""

from __future__ import annotations

import os
from pathlib import Path


class LogFile:
    """robot.log, one ``os.write`` a line, never raising: a full disk must not end the run from a log call.
    The first failure is kept (``failure``); the run stops at its next step (``Audit.check_writable``)."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        os.fchmod(self._fd, 0o600)
        self._line: list[str] = []
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        self._line.append(text)
        if text.endswith("\n"):
            data, self._line = "".join(self._line).encode("utf-8"), []
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._fd, view):]
            except OSError as exc:
                self.failure = self.failure or exc
        return len(text)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass
