"""The robot as an operating-system process: killed with ``kill -9`` and picked up by the next run, refused
while another run of the practice holds its lock, private files whatever the caller's umask, and the
administrators' passwords kept out of the environment of every process it starts.

Each test runs ``python -m robot`` as a subprocess against a sandbox served from this test process, as a
configured practice (the six MAXMD_* / PORTAL_* variables), with a real headless Chromium, and checks
the sandbox's server-side state. Every wait polls a condition against a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import psutil
import pytest
from robot_helpers import ROOT, Finished, leaks, run_robot
from werkzeug.exceptions import ServiceUnavailable

from robot import handoff, ledger
from robot.history import write_index
from robot.lock import LockHolder, RunLock, state_dir
from robot.run import RunResult
from robot.sandbox import SEEDED_NPIS, Faults, Sandbox

pytestmark = pytest.mark.e2e

T = TypeVar("T")

# Enough latency per request that a seeded run takes some 20 s: time to act while it is going.
SLOW = 300
RUN_SECONDS = 240  # a bound on one whole run, far above what it takes
CONFIGURED = [SEEDED_NPIS[n] for n in ("Jane Okafor", "Marcus Lindqvist", "Tomás Herrera", "Samuel Ortiz")]
FIRST = SEEDED_NPIS["Jane Okafor"]  # the first provider the robot saves (MaxMD's order)
SECOND = SEEDED_NPIS["Marcus Lindqvist"]  # and the second


# --- helpers ------------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], T], what: str, timeout: float = 120, every: float = 0.05) -> T:
    """``condition()``'s first truthy value, polled until ``timeout`` seconds have gone by."""
    deadline = time.monotonic() + timeout
    while True:
        if value := condition():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def cli_env(sb: Sandbox, **extra: str) -> dict[str, str]:
    """This process's environment (ROBOT_STATE_DIR included) with the practice's two sites set to ``sb``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_"))}
    env.update(MAXMD_URL=sb.maxmd_url, MAXMD_USERNAME=sb.maxmd_username, MAXMD_PASSWORD=sb.maxmd_password,
               PORTAL_URL=sb.portal_url, PORTAL_USERNAME=sb.portal_username, PORTAL_PASSWORD=sb.portal_password)
    env.update(extra)
    return env


def cli(out: Path) -> list[str]:
    return [sys.executable, "-m", "robot", "--out", str(out), "--config", str(ROOT / "config" / "robot.yaml")]


def start_cli(sb: Sandbox, out: Path, cwd: Path, env: dict[str, str] | None = None, **popen: object) -> subprocess.Popen:
    """``python -m robot`` in its own process group (so the robot, its driver and Chromium can be killed as
    one), from an empty folder, its output in files (a pipe nobody reads could fill up and stall it)."""
    cwd.mkdir(parents=True, exist_ok=True)
    with (cwd / "stdout.txt").open("w") as stdout, (cwd / "stderr.txt").open("w") as stderr:  # the child keeps its copies
        return subprocess.Popen(
            cli(out), cwd=cwd, env=env or cli_env(sb), stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
            start_new_session=True, **popen,  # type: ignore[arg-type]
        )


def output(cwd: Path) -> str:
    """What a run started by ``start_cli`` from ``cwd`` has printed so far."""
    return (cwd / "stdout.txt").read_text() + (cwd / "stderr.txt").read_text()


@contextlib.contextmanager
def reaped(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Whatever the test does, its run's whole process group is gone when it ends."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)


def run_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir()) if out.is_dir() else []


def handoff_rows(run_dir: Path) -> list[handoff.HandoffRow]:
    """The run's handoff rows as written so far; none while it has no file (a half-written file is never
    seen: every change is written aside and renamed)."""
    path = run_dir / "handoff.csv"
    return handoff.read(path) if path.is_file() else []


def practice_lock_of(pid: int) -> tuple[Path, LockHolder] | None:
    """The practice lock in the state folder that names ``pid`` as its holder, if one does yet."""
    for path in (state_dir() / "locks").glob("practice-*.lock"):
        try:
            holder = LockHolder.from_text(path.read_text())
        except OSError:
            continue
        if holder is not None and holder.pid == pid:
            return path, holder
    return None


# /proc, read directly: the parent of every process (to find a run's descendants) and its environment.


def parents() -> dict[int, int]:
    """pid -> ppid for every process now, from /proc/<pid>/stat."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after its last ")".
        found[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def descendants(root: int) -> list[int]:
    ppid = parents()
    children: dict[int, list[int]] = {}
    for pid, parent in ppid.items():
        children.setdefault(parent, []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


@dataclass
class Seen:
    """One process as sampled: its command line, executable and environment."""

    cmdline: list[str]
    exe: str
    environ: bytes

    @property
    def is_chromium(self) -> bool:
        return "chrom" in Path(self.exe).name or "headless_shell" in Path(self.exe).name

    @property
    def is_driver(self) -> bool:
        # Playwright's Node driver: .../playwright/driver/node .../package/cli.js run-driver
        return Path(self.exe).name.startswith("node") and "run-driver" in self.cmdline


def read_process(pid: int) -> Seen | None:
    try:
        return Seen(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[:-1],
                    os.readlink(f"/proc/{pid}/exe"), Path(f"/proc/{pid}/environ").read_bytes())
    except OSError:
        return None  # ended between the listing and the read, or a zombie (no exe)


@dataclass
class Watch:
    """Every descendant of ``root`` sampled every ``every`` seconds in a thread of its own, until stopped."""

    root: int
    every: float = 0.1
    seen: dict[tuple[int, str], Seen] = field(default_factory=dict)
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Watch:
        robot = read_process(self.root)
        assert robot is not None, "the run ended before it was watched"
        self._robot = (robot.exe, robot.cmdline)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in descendants(self.root):
                seen = read_process(pid)
                # A child the robot has forked and not yet exec'd is still the robot's own image (its executable
                # and command line), and /proc shows the robot's exec-time environment for it, which is out of scope.
                if seen is not None and (seen.exe, seen.cmdline) != self._robot:
                    self.seen[(pid, seen.exe)] = seen
            self.samples += 1
            self._stop.wait(self.every)


def gone(p: psutil.Process) -> bool:
    """Ended: no such process any more, or a zombie waiting to be reaped by whoever adopted it."""
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# --- 1. kill -9, then the next run ---------------------------------------------------------------------


@dataclass(frozen=True)
class Kill:
    """Where the first run is killed: while ``held``'s Save is at the server, after ``refused``'s Save was
    refused (its row applied=no); the held Save then applied (``lands``) or lost."""

    held: str
    lands: bool
    refused: frozenset[str] = frozenset()


KILLS = {
    "first-save-reaches-the-portal": Kill(FIRST, lands=True),
    "first-save-is-lost": Kill(FIRST, lands=False),
    "second-save-lands-after-a-refused-one": Kill(SECOND, lands=True, refused=frozenset({FIRST})),
}


@pytest.mark.parametrize("kill", list(KILLS.values()), ids=list(KILLS))
def test_a_run_killed_mid_save_is_picked_up_by_the_next_run_of_the_practice(tmp_path: Path, kill: Kill) -> None:
    """kill -9 of the whole process group while a Save is in flight (held by the sandbox until the kill,
    then applied or lost): the next run, from another runs folder, names the killed run and its unsettled
    rows, carries its handoff (but not its applied=no rows), and ends with every password the portal holds
    handed out."""
    held, release = threading.Event(), threading.Event()
    saves: list[str] = []

    def hold(username: str) -> None:
        saves.append(username)
        if username != kill.held or held.is_set():
            return  # every other Save goes through, the second run's included
        held.set()
        assert release.wait(RUN_SECONDS), "the test never released the held Save"
        if not kill.lands:
            raise ServiceUnavailable()  # the Save dies with the robot: answered 503, nothing applied

    with Sandbox(faults=Faults(latency_ms=SLOW, before_save=hold, refuse_save=set(kill.refused))) as sb:
        seeded = {u: sb.state.account(u) for u in sb.state.accounts}
        first_out, cwd = tmp_path / "first-runs", tmp_path / "cwd"
        with reaped(start_cli(sb, first_out, cwd)) as proc:
            assert held.wait(RUN_SECONDS), "the robot never reached the Save to hold: " + output(cwd)
            (killed_dir,) = wait_for(lambda: run_folders(first_out), "the first run's folder")
            # The row is on disk before Save is clicked; the Save is at the server now, so it must be there.
            rows_then = wait_for(lambda: [r for r in handoff_rows(killed_dir) if r.npi == kill.held] and handoff_rows(killed_dir),
                                 "the held provider's row in the first run's handoff.csv", timeout=10)
            group = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
            assert any(s.is_chromium for s in map(read_process, (p.pid for p in group)) if s), "no Chromium under the robot"
            os.killpg(proc.pid, signal.SIGKILL)  # the robot, its driver and Chromium, at once
            assert proc.wait(timeout=30) == -signal.SIGKILL
            _, alive = psutil.wait_procs(group, timeout=30)
            assert [p for p in alive if not gone(p)] == [], "a process outlived kill -9"
        then = {r.npi: r for r in rows_then}
        assert saves == [*sorted(kill.refused), kill.held] and list(then) == saves
        assert then[kill.held].applied == "pending"  # the Save was held: the kill found its row pending
        assert all(then[n].applied == "no" for n in kill.refused)
        unsettled = [r for r in rows_then if r.applied in handoff.UNSETTLED]
        record = json.loads((killed_dir / "run.json").read_text())
        assert record["finished"] is None  # written as it started; never finished

        release.set()
        # The held request is answered (applied or not) before the next run looks at the portal.
        wait_for(lambda: any(r[:3] == ("portal", "POST", f"/admin/users/{kill.held}") for r in list(sb.requests)),
                 "the held Save to be answered", timeout=30)
        assert (sb.state.account(kill.held).saves == 1) is kill.lands

        sb.faults.latency_ms = 0  # the slow site was for the kill; the second run need not wait
        sb.faults.refuse_save.clear()
        second_out = tmp_path / "second-runs"  # another --out on purpose: the practice lock names the killed run
        second = run_robot(sb, second_out, practice=True, capture=True)
        # The carried passwords, like every other, stand in the handoff and nowhere else, in either run's folder.
        assert leaks(second, sb) == []
        assert leaks(Finished(RunResult(-signal.SIGKILL, killed_dir), secrets=second.secrets), sb) == []

    # Named on the terminal: the killed run's folder and each of its rows whose Save was in doubt.
    said = [line for line in second.stdout.splitlines() if line.startswith("The last run of this practice")]
    assert len(said) == 1, second.stdout
    assert killed_dir.name in said[0] and f"PID {proc.pid}" in said[0] and "interrupted" in said[0], said[0]
    for row in unsettled:
        assert f"{row.npi} ({row.applied})" in said[0], said[0]
    picked_up = second.record["picked_up"]
    assert picked_up["run"] == killed_dir.name
    # Carried: the killed run's rows but those applied=no (never live on the portal).
    assert {(r["npi"], r["applied"]) for r in picked_up["rows"]} == {(r.npi, r.applied) for r in rows_then if r.applied != "no"}

    rows = {r.npi: r for r in handoff.read(second.dir / "handoff.csv")}
    assert not [r for r in rows.values() if r.applied == "pending"], rows
    held_then = then[kill.held]
    if kill.lands:
        # The portal holds the killed run's passwords: its row is carried, and settled by what this run found.
        carried = rows[kill.held]
        assert carried.carried_from == killed_dir.name
        assert (carried.portal_password, carried.direct_password) == (held_then.portal_password, held_then.direct_password)
        assert carried.applied == "yes"
        assert second.status(kill.held) == "already-configured"
    else:
        # The killed run's passwords never reached the portal: this run configured the account with its own.
        assert second.status(kill.held) == "configured"
        assert rows[kill.held].carried_from == "" and rows[kill.held].portal_password != held_then.portal_password
    for npi in kill.refused:
        # Refused, so never live: not carried; this run configured the account and handed out its own.
        assert second.status(npi) == "configured" and rows[npi].carried_from == "", rows[npi]
        assert rows[npi].portal_password != then[npi].portal_password

    # Every password the portal holds now, that it did not hold as seeded, is handed out, applied=yes.
    for npi, was in seeded.items():
        now = sb.state.account(npi)
        if was.access_type != "Clinician" or (now.password, now.direct_password) == (was.password, was.direct_password):
            continue
        assert npi in rows, f"{npi}: the portal holds a password that no handoff row of the second run has"
        assert (rows[npi].portal_password, rows[npi].direct_password, rows[npi].applied) == (
            now.password, now.direct_password, "yes"), (npi, rows[npi].applied)
    # And the practice's ledger beside the second run's folder lists each of them to hand out, the killed
    # run's Save (where it landed) by the killed run's name.
    entries = {e.npi: e for e in ledger.read(ledger.path_in(second_out))}
    for npi, was in seeded.items():
        now = sb.state.account(npi)
        if was.access_type == "Clinician" and (now.password, now.direct_password) != (was.password, was.direct_password):
            assert (entries[npi].portal_password, entries[npi].direct_password) == (now.password, now.direct_password), npi
            assert entries[npi].to_hand_out, npi
    assert (entries[kill.held].run == killed_dir.name) is kill.lands
    assert not [n for n in kill.refused if entries[n].run == killed_dir.name], "a refused Save's passwords listed"
    for npi in CONFIGURED:
        assert sb.state.account(npi).saves == 1, npi  # none saved twice, the killed run's Save included
    assert [row for row in rows.values() if row.carried_from] == (
        [rows[kill.held]] if kill.lands else []), "a carried row that the portal never held, or a row carried twice"

    # Released as the second run ended, the practice lock names no run: the next one picks nothing up again.
    lock = RunLock.for_practice(sb.maxmd_url, sb.maxmd_username, sb.portal_url, sb.portal_username).path
    assert LockHolder.from_text(lock.read_text()) is None, lock.read_text()

    # The first runs folder's index, written again, shows the killed run as interrupted (not unreadable).
    index = write_index(first_out).read_text()
    row_html = index.split(f'aria-label="{killed_dir.name}"', 1)[1].split("</tr>", 1)[0]
    assert "interrupted" in row_html and "unreadable" not in row_html, row_html


# --- 2. one run per practice, whatever --out -------------------------------------------------------------


def test_a_second_run_of_the_practice_from_another_runs_folder_exits_2_naming_the_first(tmp_path: Path) -> None:
    """One run per practice whatever --out: the second is refused at once, the first goes on undisturbed,
    and no account is saved twice."""
    with Sandbox(faults=Faults(latency_ms=SLOW)) as sb:
        first_cwd, second_cwd = tmp_path / "first", tmp_path / "second"
        with reaped(start_cli(sb, tmp_path / "runs-a", first_cwd)) as first:
            # Held, and naming the first run's folder (written just after the lock is taken).
            path, holder = wait_for(lambda: (found := practice_lock_of(first.pid)) and found[1].run_dir and found,
                                    "the first run's practice lock naming its folder", timeout=60)
            assert path.parent == state_dir() / "locks"
            second_cwd.mkdir()
            started = time.monotonic()
            second = subprocess.run(cli(tmp_path / "runs-b"), cwd=second_cwd, env=cli_env(sb), stdin=subprocess.DEVNULL,
                                    capture_output=True, text=True, timeout=120)
            took = time.monotonic() - started
            # Refused while the first was still going, and quickly: before a browser or a login.
            assert first.poll() is None, "the first run ended before the second was refused: the test proves nothing"
            assert second.returncode == 2, second.stdout + second.stderr
            assert "another run of this practice is still going" in second.stderr, second.stderr
            assert f"PID {first.pid}" in second.stderr and holder.run_dir in second.stderr, second.stderr
            assert took < 30, took
            assert run_folders(tmp_path / "runs-b") == []  # it never started a run folder
            assert practice_lock_of(first.pid) == (path, holder)  # and left the first's lock as it was
            assert first.wait(timeout=RUN_SECONDS) == 1, output(first_cwd)  # the seeded conflict
        (run_dir,) = run_folders(tmp_path / "runs-a")
        assert json.loads((run_dir / "run.json").read_text())["finished"]
        for npi in CONFIGURED:
            assert sb.state.account(npi).saves == 1, npi  # each account saved once, by the first run only


# --- 3. private files whatever the umask -----------------------------------------------------------------


def modes(*roots: Path) -> dict[Path, int]:
    """Every folder and file under ``roots`` (the roots too) and its permission bits; what vanishes meanwhile is skipped."""
    found: dict[Path, int] = {}
    for root in roots:
        for where, dirs, files in os.walk(root):
            for p in [Path(where)] + [Path(where) / n for n in files]:
                try:
                    found[p] = os.lstat(p).st_mode & 0o777
                except FileNotFoundError:
                    pass
    return found


def not_private(found: dict[Path, int]) -> dict[Path, str]:
    return {p: oct(m) for p, m in found.items() if m != (0o700 if p.is_dir() else 0o600)}


def test_every_file_a_run_makes_is_private_even_under_umask_000(tmp_path: Path) -> None:
    """Started with umask 000, the run still makes every folder 0700 and every file 0600: the runs folder,
    each run's files (screenshots, run.json, report.html, robot.log, handoff.csv), the index, both locks."""
    out, state = tmp_path / "runs", tmp_path / "state"  # neither exists yet: the robot makes both
    cwd = tmp_path / "cwd"
    with Sandbox(faults=Faults(latency_ms=50)) as sb:
        env = cli_env(sb, ROBOT_STATE_DIR=str(state))  # a state folder of its own, to see it made
        # umask 0 in the child (Popen's own, which unlike preexec_fn is safe beside the sandbox's threads).
        with reaped(start_cli(sb, out, cwd, env=env, umask=0)) as proc:
            # Sampled while it runs too: a file made world-readable and tightened later would still be read.
            during: dict[Path, str] = {}
            deadline = time.monotonic() + RUN_SECONDS
            while proc.poll() is None and time.monotonic() < deadline:
                during.update(not_private(modes(out, state)))
                time.sleep(0.05)  # the sampling interval, not a wait for an effect
            assert proc.wait(timeout=RUN_SECONDS) == 1, output(cwd)
    found = modes(out, state)
    names = {p.name for p in found}
    (run_dir,) = run_folders(out)
    for expected in ("run.json", "report.html", "robot.log", "handoff.csv", "index.html", ".robot.lock", "locks"):
        assert expected in names, (expected, sorted(names))
    assert list((run_dir / "screenshots").glob("*.png")), "no screenshot to check"
    assert list((state / "locks").glob("practice-*.lock")), "no practice lock to check"
    assert not_private(found) == {}
    assert during == {}


# --- 4. no password in the driver's or Chromium's environment -----------------------------------------------


def test_the_driver_and_chromium_never_have_the_administrators_passwords(tmp_path: Path) -> None:
    """Every process the robot starts (Playwright's Node driver, Chromium and its helpers), sampled every
    ~100 ms for the whole run, has neither administrator's password in its environment or command line."""
    cwd = tmp_path / "cwd"
    with Sandbox(faults=Faults(latency_ms=100)) as sb:
        secrets = [sb.maxmd_password, sb.portal_password]
        # A copy of a secret under a name of the caller's own is taken out too.
        env = cli_env(sb, ROBOT_TEST_ANOTHER_NAME=sb.portal_password)
        with reaped(start_cli(sb, tmp_path / "runs", cwd, env=env)) as proc:
            robot = wait_for(lambda: (r := read_process(proc.pid)) and r.cmdline[1:3] == ["-m", "robot"] and r,
                             "the robot's exec", timeout=30, every=0.001)
            # The way of reading works: the robot's own exec-time environment (out of scope) shows them.
            assert all(s.encode() in robot.environ for s in secrets)
            with Watch(proc.pid) as watch:
                code = proc.wait(timeout=RUN_SECONDS)
            assert code == 1, output(cwd)
    seen = list(watch.seen.values())
    # Seen, with the environment each was started with: MAXMD_URL is not a secret and stays. (Chromium's
    # zygote and renderers write their titles over that area of memory; they inherit the browser's.)
    started_with = [s for s in seen if b"MAXMD_URL=" + sb.maxmd_url.encode() in s.environ]
    assert any(s.is_driver for s in started_with), [s.cmdline[:3] for s in seen]
    assert any(s.is_chromium for s in started_with), [s.cmdline[:3] for s in seen]
    holding = [(s.exe, s.cmdline[:2]) for s in seen if any(x.encode() in s.environ for x in secrets)]
    assert holding == [], f"a process the robot started has a password in its environment: {holding}"
    # Nor on a command line, which any user of the machine can read.
    assert not [s.cmdline[:2] for s in seen if any(x in arg for x in secrets for arg in s.cmdline)]
    assert watch.samples >= 10, watch.samples
