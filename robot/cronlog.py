"""``... | python -m robot.cronlog >> runs/cron.log``: every line of cron's log starts with its date and time.

cron writes a command's output as it comes, with no date; a month of nightly runs in one file cannot be
read without one. This copies standard input to standard output a line at a time (bytes as they are),
each line behind the local date-time it arrived at, ISO 8601 to the second (``2026-12-03T02:30:01+01:00``).
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import BinaryIO


def stamp(now: datetime | None = None) -> bytes:
    return (now or datetime.now().astimezone()).isoformat(timespec="seconds").encode("ascii")


def copy(source: BinaryIO, sink: BinaryIO) -> None:
    """Each line of ``source`` to ``sink`` behind its date-time, written out at once (a line a robot step)."""
    for line in iter(source.readline, b""):
        sink.write(stamp() + b" " + (line if line.endswith(b"\n") else line + b"\n"))
        sink.flush()


def main() -> int:
    copy(sys.stdin.buffer, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
