"""What a person watching the terminal sees while providers are handled: each one's place, the time so
far and the time left, and, while the run is only waiting (a slow site, a back-off), a line at least
every ``every`` seconds so that it is plainly alive. Plain lines only: cron's log reads the same."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def clock_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    def __init__(self, say: Callable[[str], None], *, every: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._say, self._every, self._clock = say, every, clock
        self.total = self._work = 0
        self._started = self._planned = clock()  # the time left is judged from the providers' own pace
        self._done = self._worked = 0
        self._last = self._started  # when the terminal last heard from the run
        self._doing: dict[str, str] = {}  # worker -> what it is doing now
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def plan(self, total: int, work: int) -> None:
        """``total`` providers, ``work`` of them to be handled in the browser (the plan decided the rest)."""
        with self._lock:
            self.total, self._work, self._planned = total, work, self._clock()

    def place(self, worker: str, *, worked: bool) -> str:
        """The next finished provider's place, time so far and time left: ``[12/200 1:05, about 3:10 left]``;
        ``worker`` is idle until its next step."""
        with self._lock:
            self._doing.pop(worker, None)
            self._done += 1
            self._worked += worked
            elapsed = self._clock() - self._started
            left = self._work - self._worked
            if self._worked and left:
                eta = f", about {clock_text((self._clock() - self._planned) / self._worked * left)} left"
            else:
                eta = ""
            self._last = self._clock()
            width = len(str(self.total))
            return f"[{self._done:>{width}}/{self.total} {clock_text(elapsed)}{eta}]"

    def doing(self, worker: str, what: str) -> None:
        """What a worker is at now (a step, a back-off): the keepalive line says it."""
        with self._lock:
            self._doing[worker] = what

    def heard(self) -> None:
        with self._lock:
            self._last = self._clock()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._keep_alive, name="robot-progress", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _keep_alive(self) -> None:
        while not self._stop.wait(self._every / 10):
            self.tick()

    def tick(self) -> None:
        """Say that the run is alive, and what it is at, if the terminal has heard nothing for ``every`` seconds."""
        with self._lock:
            # Looked at every tenth of ``every``: said a tenth early, so never later than ``every``.
            if self._clock() - self._last < self._every * 0.9:
                return
            self._last = self._clock()
            elapsed = clock_text(self._last - self._started)
            doing = "; ".join(f"{w}: {d}" if w else d for w, d in sorted(self._doing.items())) or "working"
            done = f" ({self._done}/{self.total} done)" if self.total else ""
        self._say(f"  ... {elapsed} still working{done}: {doing}")
