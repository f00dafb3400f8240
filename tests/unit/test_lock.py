"""RunLock: one run at a time, refused with the holder's PID, taken over when the holder dies.

flock belongs to an open file description, so the contender that matters is another process: these
tests hold the lock in a child Python started with subprocess, and kill it to play a crashed run.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from robot.errors import ConfigError, RobotError
from robot.lock import LOCK_NAME, LockHolder, RunLock, RunLocked, practice_key, state_dir

REPO = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import signal, sys
    from pathlib import Path
    from robot.lock import RunLock
    lock = RunLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    signal.pause()  # until the test kills it
    """
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A child process that holds ``tmp_path/.robot.lock`` until it is killed."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / LOCK_NAME)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == "held", f"the child did not take the lock (exit {proc.poll()})"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def kill(proc: subprocess.Popen[str]) -> None:
    # SIGKILL: no cleanup runs, exactly like a run killed by the OOM killer or a power cut.
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def contents(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_acquire_writes_our_pid_and_release_empties_but_keeps_the_file(tmp_path: Path) -> None:
    lock = RunLock.for_out(tmp_path / "runs")
    assert lock.path == tmp_path / "runs" / LOCK_NAME
    with lock as held:
        assert held.held
        data = contents(lock.path)
        assert data["pid"] == os.getpid()
        assert data["started"].endswith("+00:00")
        assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600
    assert not lock.held
    assert lock.path.exists(), "the lock file is never deleted"
    assert lock.path.read_text() == ""
    assert lock.previous is None


def test_can_be_taken_again_after_release(tmp_path: Path) -> None:
    with RunLock.for_out(tmp_path):
        pass
    with RunLock.for_out(tmp_path) as again:
        assert again.previous is None, "a clean release is not a takeover"
        assert contents(again.path)["pid"] == os.getpid()


def test_released_when_the_body_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError), RunLock.for_out(tmp_path):
        raise ValueError("boom")
    with RunLock.for_out(tmp_path):
        pass


def test_second_lock_in_this_process_is_refused_too(tmp_path: Path) -> None:
    # flock is per open file description: a second open of the same file is a separate contender.
    with RunLock.for_out(tmp_path), pytest.raises(RunLocked) as err:
        RunLock.for_out(tmp_path).acquire()
    assert str(os.getpid()) in str(err.value)


def test_another_process_holding_it_refuses_us_naming_its_pid(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    lock = RunLock.for_out(tmp_path)
    with pytest.raises(RunLocked) as err:
        lock.acquire()
    exc = err.value
    message = str(exc)
    assert isinstance(exc, RobotError) and exc.exit_code == 2
    assert exc.holder is not None and exc.holder.pid == holder.pid
    assert f"PID {holder.pid}" in message
    assert f"since {exc.holder.started}" in message
    assert "wait for it to finish, or stop it" in message
    assert "\n" not in message
    assert not lock.held
    # Refused runs must leave the holder's line alone.
    assert contents(lock.path)["pid"] == holder.pid


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    lock = RunLock.for_out(tmp_path)
    with pytest.raises(RunLocked):
        lock.acquire()
    dead_pid = holder.pid
    kill(holder)
    assert contents(lock.path)["pid"] == dead_pid, "a killed run leaves its line behind"
    with lock:
        assert lock.previous is not None and lock.previous.pid == dead_pid
        assert contents(lock.path)["pid"] == os.getpid()
        assert lock.holder is not None and lock.holder.pid == os.getpid()


def test_a_stray_or_empty_lock_file_does_not_confuse_the_refusal(tmp_path: Path) -> None:
    assert LockHolder.from_text("") is None
    assert LockHolder.from_text("garbage") is None
    assert LockHolder.from_text('{"pid": true, "started": "x"}') is None
    message = str(RunLocked(tmp_path / LOCK_NAME, None))
    assert "another run is still going" in message
    assert "wait for it to finish, or stop it" in message


def test_stray_text_in_a_free_lock_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / LOCK_NAME
    path.write_text("left by something else\n" * 100)
    with RunLock(path) as lock:
        assert lock.previous is None
        assert contents(path)["pid"] == os.getpid()


# --- never through a link, and one lock per practice whatever --out ----------------------------------


def test_a_planted_symlink_is_refused_and_its_target_left_whole(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("a file the robot must never touch\n")
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / LOCK_NAME).symlink_to(target)
    with pytest.raises(ConfigError) as err:
        RunLock.for_out(tmp_path / "runs").acquire()
    assert "symbolic link" in str(err.value)
    assert target.read_text() == "a file the robot must never touch\n"


def test_a_hard_link_to_another_file_is_refused_and_left_whole(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    os.link(target, tmp_path / LOCK_NAME)
    with pytest.raises(ConfigError) as err:
        RunLock.for_out(tmp_path).acquire()
    assert "not a plain file of its own" in str(err.value)
    assert target.read_text() == "keep me\n"


def test_the_runs_folder_a_lock_makes_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        with RunLock.for_practice(*SITES, environ={"ROBOT_STATE_DIR": str(tmp_path / "state")}) as lock:
            assert [stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "state", lock.path.parent)] == [0o700, 0o700]
        with RunLock.for_out(tmp_path / "runs") as lock:
            assert stat.S_IMODE(lock.path.parent.stat().st_mode) == 0o700
            assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


SITES = ("https://secure.maxmd.example/login", "admin@brightside.example", "https://portal.example.org/login", "admin")


def test_one_practice_has_one_lock_whatever_the_runs_folder(tmp_path: Path) -> None:
    env = {"ROBOT_STATE_DIR": str(tmp_path / "state")}
    first, second = RunLock.for_practice(*SITES, environ=env), RunLock.for_practice(*SITES, environ=env)
    assert first.path == second.path and first.path.parent == tmp_path / "state" / "locks"
    with first, pytest.raises(RunLocked) as err:
        second.acquire()
    assert "another run of this practice is still going" in str(err.value)


def test_the_practice_key_follows_the_sites_not_their_spelling() -> None:
    same = practice_key("https://SECURE.maxmd.example:443/login/", "Admin@Brightside.example",
                        "https://portal.example.org/login", "ADMIN")
    assert same == practice_key(*SITES)
    assert practice_key(*SITES) != practice_key(SITES[0], "admin@other.example", *SITES[2:])  # MaxMD serves many practices
    assert practice_key(*SITES) != practice_key(*SITES[:2], "https://portal.example.org/other-practice/login", "admin")


def test_the_state_folder_is_robot_state_dir_else_xdg_state_home(tmp_path: Path) -> None:
    assert state_dir({"ROBOT_STATE_DIR": str(tmp_path)}) == tmp_path
    assert state_dir({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "provider-portal-robot"


def test_the_holder_names_its_run_folder_and_a_run_that_only_looked_hands_a_killed_one_on(tmp_path: Path) -> None:
    path = tmp_path / LOCK_NAME
    path.write_text(LockHolder(999_999, "2026-12-01T02:00:00+00:00", "/runs/20261201T020000Z").to_text())
    with RunLock(path) as lock:  # say, a --check: it must not swallow the killed run
        assert lock.previous is not None and lock.previous.run_dir == "/runs/20261201T020000Z"
        lock.note_run_dir(tmp_path / "20261202T020000Z-check")
        assert contents(path)["run_dir"] == str(tmp_path / "20261202T020000Z-check")
        lock.keep_previous = True
    assert contents(path)["run_dir"] == "/runs/20261201T020000Z"
    with RunLock(path) as lock:
        assert lock.previous is not None and lock.previous.pid == 999_999
    assert path.read_text() == ""


def test_a_run_whose_record_never_reached_the_disk_leaves_itself_named(tmp_path: Path) -> None:
    path = tmp_path / LOCK_NAME
    with RunLock(path) as lock:
        lock.note_run_dir(tmp_path / "20261203T020000Z")
        lock.keep_previous = True  # what it had picked up is its own now: it is itself that is named
        lock.keep_self = True
    assert contents(path)["run_dir"] == str(tmp_path / "20261203T020000Z") and contents(path)["pid"] == os.getpid()
    with RunLock(path) as lock:
        assert lock.previous is not None and lock.previous.run_dir == str(tmp_path / "20261203T020000Z")
    assert path.read_text() == ""
