"""What one run was asked to do, and what its workers share while doing it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from robot.model import Outcome


class StopRequest:
    """A request to stop after the current step (Ctrl-C or SIGTERM), shared with the signal handler."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""
        self.exit_code = 0

    def set(self, reason: str, exit_code: int) -> None:
        if not self._event.is_set():
            self.reason, self.exit_code = reason, exit_code
            self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> None:
        """Back off for ``seconds``, or less when a stop is requested meanwhile."""
        self._event.wait(seconds)


@dataclass(frozen=True)
class RunOptions:
    out: Path = Path("runs")
    headed: bool = False
    slow_mo: float = 0
    dry_run: bool = False
    only: frozenset[str] = frozenset()
    force: frozenset[str] = frozenset()
    backoff_seconds: float = 1.0
    stop: StopRequest | None = None  # set by SIGINT/SIGTERM: finish the current step, then stop
    trace: bool = True  # record a provider's retries in a Playwright trace, kept when it failed
    workers: int = 1  # browsers sharing the providers, each with its own login
    practice: str = ""  # how a notification names the practice ("": practice.name in robot.yaml)
    practice_folder: Path | None = None  # --practice DIR, as the run's hints name it

    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()


@dataclass
class Shared:
    """What the workers of one run share: the outcomes so far and the accounts' addresses."""

    outcomes: list[Outcome] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # Username -> the address its search-result link opens
    lock: threading.Lock = field(default_factory=threading.Lock)
