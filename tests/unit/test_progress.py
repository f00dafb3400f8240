"""The terminal's progress: each provider's place and the time left, and a keepalive line while waiting."""

from __future__ import annotations

import threading

from robot.progress import Progress, clock_text


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_place_says_the_time_so_far_and_left_by_the_providers_own_pace() -> None:
    clock = Clock()
    progress = Progress(lambda line: None, clock=clock)
    clock.now += 30  # reading both sites
    progress.plan(200, 150)
    clock.now += 10
    assert progress.place("", worked=False) == "[  1/200 0:40]"  # decided by the plan: no pace yet
    clock.now += 10
    assert progress.place("", worked=True) == "[  2/200 0:50, about 49:40 left]"  # 20 s for 1, 149 to go
    progress._worked = 149  # noqa: SLF001 - the last one
    assert progress.place("", worked=True).endswith(" 0:50]")


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 59.6, 61, 3600 + 62)] == ["0:00", "1:00", "1:01", "1:01:02"]


def test_a_quiet_run_says_it_is_alive_and_what_it_waits_for() -> None:
    clock, lines = Clock(), []
    progress = Progress(lines.append, every=10, clock=clock)
    progress.plan(9, 9)
    progress.doing("", "1234567893 waiting 4 s before attempt 2 (the site answered HTTP 503)")
    clock.now += 8.9
    progress.tick()
    assert lines == []  # heard from recently enough
    clock.now += 0.1  # looked at every second: said a second early, so never more than 10 s apart
    progress.tick()
    progress.tick()  # once for each quiet stretch
    assert lines == ["  ... 0:09 still working (0/9 done): 1234567893 waiting 4 s before attempt 2 (the site answered HTTP 503)"]
    progress.heard()
    clock.now += 5
    progress.tick()
    assert len(lines) == 1


def test_workers_each_say_what_they_are_at() -> None:
    clock, lines = Clock(), []
    progress = Progress(lines.append, every=10, clock=clock)
    progress.doing("", "1234567893 at step '18 Save'")
    progress.doing("worker 2", "1482057365 at step '11 User Account Information'")
    clock.now += 10
    progress.tick()
    assert lines == ["  ... 0:10 still working: 1234567893 at step '18 Save'; worker 2: 1482057365 at step '11 User Account Information'"]


def test_a_finished_worker_is_no_longer_said_to_be_at_its_last_step() -> None:
    clock, lines = Clock(), []
    progress = Progress(lines.append, every=10, clock=clock)
    progress.plan(2, 2)
    progress.doing("worker 2", "1482057365 at step '18 Save'")
    progress.place("worker 2", worked=True)
    clock.now += 10
    progress.tick()
    assert lines == ["  ... 0:10 still working (1/2 done): working"]


def test_the_keepalive_thread_ticks_until_the_run_stops() -> None:
    said = threading.Event()
    ticks = iter(range(0, 10**6, 100))  # a clock that jumps 100 s each time it is read: every tick speaks
    progress = Progress(lambda line: said.set(), every=0.05, clock=lambda: next(ticks))
    progress.start()
    try:
        assert said.wait(10)
    finally:
        progress.stop()
    assert progress._thread is not None and not progress._thread.is_alive()  # noqa: SLF001
