"""Peak memory of the robot and its browser: this process plus every descendant, sampled in a thread.

Descendants are the Playwright driver (node) and every Chromium process. Left out: the sandbox's child
process(es) and multiprocessing's own helper (the resource tracker), with their descendants.

PSS (proportional set size, from /proc/PID/smaps_rollup via psutil) is used where it can be read:
Chromium's processes share much of their memory, and RSS would count the shared pages once per
process. Where PSS cannot be read (another OS, a process we may not inspect) RSS stands in, and
``metric`` says so.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from types import TracebackType

import psutil

from robot.bench.results import SAMPLE_INTERVAL_S


class PeakMemory:
    """``with PeakMemory(exclude=[sandbox_pid]) as mem: ...``, then ``mem.peak_bytes`` and ``mem.metric``."""

    def __init__(self, exclude: Iterable[int] = (), interval: float = SAMPLE_INTERVAL_S) -> None:
        self.exclude = set(exclude)
        self.interval = interval
        self.peak_bytes = 0
        self.samples = 0
        self._used_pss = False
        self._used_rss = False
        self._helpers: dict[tuple[int, float], bool] = {}  # (pid, create time) -> a multiprocessing helper?
        self._me = psutil.Process(os.getpid())
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def metric(self) -> str:
        if self._used_pss and not self._used_rss:
            return "PSS"
        if self._used_pss:
            return "PSS (RSS where PSS was unreadable)"
        return "RSS"

    def _is_helper(self, proc: psutil.Process) -> bool:
        try:
            key = (proc.pid, proc.create_time())
            if key not in self._helpers:
                cmdline = " ".join(proc.cmdline())
                self._helpers[key] = "multiprocessing" in cmdline and ("spawn_main" in cmdline or "resource_tracker" in cmdline)
            return self._helpers[key]
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False

    def _counted(self) -> list[psutil.Process]:
        """This process and its descendants, minus the excluded ones and theirs."""
        try:
            descendants = self._me.children(recursive=True)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            descendants = []
        parent: dict[int, int] = {}
        for p in descendants:
            try:
                parent[p.pid] = p.ppid()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                parent[p.pid] = -1
        roots = {p.pid for p in descendants if p.pid in self.exclude or self._is_helper(p)}

        def excluded(pid: int) -> bool:
            seen = 0
            while pid in parent and seen < 64:
                if pid in roots:
                    return True
                pid, seen = parent[pid], seen + 1
            return False

        return [self._me, *(p for p in descendants if not excluded(p.pid))]

    def _memory(self, proc: psutil.Process) -> int:
        try:
            try:
                value = proc.memory_full_info().pss
                self._used_pss = True
                return value
            except (psutil.AccessDenied, AttributeError):
                value = proc.memory_info().rss
                self._used_rss = True
                return value
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return 0  # gone between the listing and the reading (or never ours to read)

    def sample(self) -> int:
        """One reading of the sum; updates the peak."""
        total = sum(self._memory(p) for p in self._counted())
        self.samples += 1
        self.peak_bytes = max(self.peak_bytes, total)
        return total

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> PeakMemory:
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="bench-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self.sample()
