"""One run at a time: advisory locks held for the whole run, one on the runs folder (``<out>/.robot.lock``)
and one on the practice, keyed to its two sites, in a per-user state folder that every run of that
practice finds whatever its ``--out`` (``ROBOT_STATE_DIR``, else ``$XDG_STATE_HOME`` or
``~/.local/state``, then ``provider-portal-robot/locks/``).

``fcntl.flock`` on an open descriptor, not the file's existence: the kernel drops it when the holder
dies (killed, out of memory, a reboot), so a dead run's lock is simply free and nobody deletes anything.

The holder writes its PID, start time and run folder, so a refused run can say who is running and
since when, and the next run can tell that one was killed and pick up what it left. The file is never
deleted: unlinking it while another process has it open lets two runs lock two different files of the
same name at once. It is never opened through a symbolic link or with a second name (a link planted
there could otherwise truncate another file).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from robot.errors import ConfigError, RobotError
from robot.origins import origin

LOCK_NAME = ".robot.lock"
STATE_FOLDER = "provider-portal-robot"


class RunLocked(RobotError):
    """Another run holds the lock; this one must not start."""

    exit_code = 2

    def __init__(self, path: Path, holder: LockHolder | None, of: str = "") -> None:
        self.path = path
        self.holder = holder
        run = f"another run{' ' + of if of else ''}"
        if holder is None:
            # The holder has locked but not yet written its line; rare, and not worth waiting for.
            who = f"{run} is still going"
            stop = "stop it"
        else:
            where = f", writing {holder.run_dir}" if holder.run_dir else ""
            who = f"{run} is still going (PID {holder.pid}, since {holder.started}{where})"
            stop = f"stop it (kill {holder.pid})"
        super().__init__(f"{who}; lock {path}: wait for it to finish, or {stop}")


@dataclass(frozen=True)
class LockHolder:
    """What a lock file says about the run that holds (or last held) it."""

    pid: int
    started: str  # UTC, ISO 8601
    run_dir: str = ""  # the run's folder, absolute ("" until it has one)

    def to_text(self) -> str:
        return json.dumps({"pid": self.pid, "started": self.started, "run_dir": self.run_dir}) + "\n"

    @classmethod
    def from_text(cls, text: str) -> LockHolder | None:
        """None when the file is empty or not ours: a refusal must not crash on a stray file."""
        try:
            data = json.loads(text)
            pid, started = data["pid"], data["started"]
        except (ValueError, TypeError, KeyError):
            return None
        run_dir = data.get("run_dir", "")
        if isinstance(pid, bool) or not isinstance(pid, int) or not isinstance(started, str) or not isinstance(run_dir, str):
            return None
        return cls(pid, started, run_dir)


class RunLock:
    """Context manager: ``with RunLock.for_out(out): ...`` runs the body only if no other run is going.

    ``previous`` is set when the file still named a holder on entry: that run ended without
    releasing (it was killed or crashed) and this one took its lock over.
    """

    def __init__(self, path: Path, of: str = "") -> None:
        self.path = path
        self.of = of  # whose lock, as a refusal says it ("of this practice")
        self.holder: LockHolder | None = None
        self.previous: LockHolder | None = None
        # A run that does not pick up what a killed one left (--check, a dry run) hands its name on to the next.
        self.keep_previous = False
        # A run whose record never reached the disk (a full disk) leaves itself named: the next run picks it up.
        self.keep_self = False
        self._fd: int | None = None

    @classmethod
    def for_out(cls, out: Path) -> RunLock:
        """The lock of a runs folder (``--out``)."""
        return cls(out / LOCK_NAME, "in this runs folder")

    @classmethod
    def for_practice(cls, maxmd_url: str, maxmd_user: str, portal_url: str, portal_user: str,
                     environ: dict[str, str] | None = None) -> RunLock:
        """The lock of a practice: its two sites and their administrator accounts, whatever ``--out``."""
        key = practice_key(maxmd_url, maxmd_user, portal_url, portal_user)
        return cls(state_dir(environ) / "locks" / f"practice-{key}.lock", "of this practice")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> LockHolder:
        """Take the lock or raise RunLocked naming the run that has it."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this RunLock")
        fd = _open_lock(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = LockHolder.from_text(_read_all(fd))
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunLocked(self.path, holder, self.of) from None
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

    def note_run_dir(self, run_dir: Path) -> None:
        """Say in the lock which folder this run writes, for a refused run and for the run after a crash."""
        if self._fd is None or self.holder is None:
            return
        self.holder = LockHolder(self.holder.pid, self.holder.started, str(run_dir.absolute()))
        try:
            _rewrite(self._fd, self.holder.to_text())
        except OSError:
            pass  # the flock, not the text, is the lock; a crash then goes unnamed, as before

    def release(self) -> None:
        """Give the lock up. The file stays (see the module docstring); only its contents go."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            # Emptied while still locked, so nobody reads a finished run as a running one and the
            # next holder does not mistake a clean exit for a takeover.
            kept = self.holder if self.keep_self else self.previous if self.keep_previous else None
            _rewrite(fd, kept.to_text() if kept else "")
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


def state_dir(environ: dict[str, str] | None = None) -> Path:
    """The robot's per-user state folder: ``ROBOT_STATE_DIR``, else ``$XDG_STATE_HOME`` (or ``~/.local/state``)
    ``/provider-portal-robot``."""
    env = os.environ if environ is None else environ
    if env.get("ROBOT_STATE_DIR", "").strip():
        return Path(env["ROBOT_STATE_DIR"].strip())
    base = env.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local" / "state")
    return Path(base) / STATE_FOLDER


def practice_key(maxmd_url: str, maxmd_user: str, portal_url: str, portal_user: str) -> str:
    """The same for every run of one practice: each site's origin and login path, and its administrator.

    The path and the user tell apart practices that share a host (MaxMD serves many practices from one).
    """
    def site(url: str, user: str) -> list[str]:
        return [origin(url), urlsplit(url.strip()).path.rstrip("/") or "/", user.strip().casefold()]

    text = json.dumps(site(maxmd_url, maxmd_user) + site(portal_url, portal_user))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _open_lock(path: Path) -> int:
    """The lock file, created 0600 in a 0700 folder where missing; never a symbolic link, a second name of
    another file, or anything but a plain file."""
    try:
        missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        for folder in reversed(missing):  # each one made private, not only the last (mkdir's parents= would not)
            folder.mkdir(mode=0o700, exist_ok=True)
            os.chmod(folder, 0o700)
        # os.open descriptors are not inherited (PEP 446), so Chromium and the Playwright driver
        # never hold the lock: it ends exactly when this process does.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(f"the run lock {path} is a symbolic link, which the robot never follows: remove it "
                              "(the robot makes its own)") from None
        raise ConfigError(f"cannot open the run lock {path}: {exc.strerror}; check the folder and its permissions") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        raise ConfigError(f"the run lock {path} is not a plain file of its own (a link to another file, or a device): "
                          "remove it (the robot makes its own)")
    return fd


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
