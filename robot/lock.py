"""One run at a time: an advisory lock on ``<out>/.robot.lock``, held for the whole run.

``fcntl.flock`` on an open descriptor, not the file's existence: the kernel drops it when the holder
dies (killed, out of memory, a reboot), so a dead run's lock is simply free and nobody deletes anything.

The holder writes its PID and start time so a refused run can say who is running and since when. The
file is never deleted: unlinking it while another process has it open lets two runs lock two different
files of the same name at once.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from robot.errors import ConfigError, RobotError

LOCK_NAME = ".robot.lock"


class RunLocked(RobotError):
    """Another run holds the lock; this one must not start."""

    exit_code = 2

    def __init__(self, path: Path, holder: LockHolder | None) -> None:
        self.path = path
        self.holder = holder
        if holder is None:
            # The holder has locked but not yet written its line; rare, and not worth waiting for.
            who = "another run is still going"
            stop = "stop it"
        else:
            who = f"another run is still going (PID {holder.pid}, since {holder.started})"
            stop = f"stop it (kill {holder.pid})"
        super().__init__(f"{who}; lock {path}: wait for it to finish, or {stop}")


@dataclass(frozen=True)
class LockHolder:
    """What a lock file says about the run that holds (or last held) it."""

    pid: int
    started: str  # UTC, ISO 8601

    def to_text(self) -> str:
        return json.dumps({"pid": self.pid, "started": self.started}) + "\n"

    @classmethod
    def from_text(cls, text: str) -> LockHolder | None:
        """None when the file is empty or not ours: a refusal must not crash on a stray file."""
        try:
            data = json.loads(text)
            pid, started = data["pid"], data["started"]
        except (ValueError, TypeError, KeyError):
            return None
        if isinstance(pid, bool) or not isinstance(pid, int) or not isinstance(started, str):
            return None
        return cls(pid, started)


class RunLock:
    """Context manager: ``with RunLock.for_out(out): ...`` runs the body only if no other run is going.

    ``previous`` is set when the file still named a holder on entry: that run ended without
    releasing (it was killed or crashed) and this one took its lock over.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.holder: LockHolder | None = None
        self.previous: LockHolder | None = None
        self._fd: int | None = None

    @classmethod
    def for_out(cls, out: Path) -> RunLock:
        """The lock of a runs folder (``--out``)."""
        return cls(out / LOCK_NAME)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> LockHolder:
        """Take the lock or raise RunLocked naming the run that has it."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this RunLock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # os.open descriptors are not inherited (PEP 446), so Chromium and the Playwright driver
            # never hold the lock: it ends exactly when this process does.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConfigError(f"cannot open the run lock {self.path}: {exc.strerror}; check --out and its permissions") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = LockHolder.from_text(_read_all(fd))
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunLocked(self.path, holder) from None
            raise ConfigError(f"cannot lock {self.path}: {exc.strerror}") from None
        # Whatever the file still says was written by a run that never released: it is ours now.
        self.previous = LockHolder.from_text(_read_all(fd))
        self.holder = LockHolder(os.getpid(), datetime.now(UTC).isoformat(timespec="seconds"))
        try:
            _rewrite(fd, self.holder.to_text())
        except OSError as exc:
            os.close(fd)
            raise ConfigError(f"cannot write the run lock {self.path}: {exc.strerror}") from None
        self._fd = fd
        return self.holder

    def release(self) -> None:
        """Give the lock up. The file stays (see the module docstring); only its contents go."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            # Emptied while still locked, so nobody reads a finished run as a running one and the
            # next holder does not mistake a clean exit for a takeover.
            _rewrite(fd, "")
        except OSError:
            pass  # a stale line is harmless: the flock, not the text, is the lock
        finally:
            os.close(fd)  # closing drops the flock
        self.holder = None

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_all(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
            if sum(map(len, chunks)) > 65536:
                break  # not a file we wrote; do not read a huge one
        return b"".join(chunks).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _rewrite(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data) :]
    os.fsync(fd)
