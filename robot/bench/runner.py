"""One timed run of the robot, or of the bare baseline, each on a fresh sandbox child in one of its
renderings (``skin``), each checked afterwards on the sandbox's server side."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import time
from collections import Counter
from pathlib import Path

from robot.bench.baseline import run_baseline
from robot.bench.memory import PeakMemory
from robot.bench.results import Measurement
from robot.bench.sandbox_child import SandboxChild, judge
from robot.browser import BrowserChoice
from robot.handoff import read as read_handoff
from robot.run import RunOptions, RunResult, execute
from robot.settings import Settings


def workers_supported() -> bool:
    """Whether this robot's RunOptions takes ``workers`` (--workers N)."""
    return "workers" in {f.name for f in dataclasses.fields(RunOptions)}


def _robot_failure(result: RunResult, output: str) -> str:
    """Why a run's exit status was not 0, in one line: its statuses and its first error."""
    counts = Counter(str(o.status) for o in result.outcomes)
    text = f"exit {result.exit_code}"
    if counts:
        text += " (" + ", ".join(f"{n} {status}" for status, n in counts.most_common()) + ")"
    said = [line.strip() for line in output.splitlines() if line.strip().startswith("error:")]
    first = next((o.error for o in result.outcomes if o.error), "") or (said[0] if said else "")
    return f"{text}: {first}" if first else text


def _audit_missing(result: RunResult, providers: int) -> str:
    """What the run's own record lacks of a full audit trail: a status, a picture or a handoff row a provider."""
    configured = [o for o in result.outcomes if str(o.status) == "configured"]
    if len(configured) != providers:
        return f"run.json lists {len(configured)} providers configured, not {providers}"
    unpictured = sum(1 for o in configured if not o.screenshots)
    if unpictured:
        return f"{unpictured} providers have no screenshot"
    handoff = result.run_dir / "handoff.csv"
    rows = read_handoff(handoff) if handoff.is_file() else []
    applied = sum(1 for row in rows if row.applied == "yes")
    if applied != providers:
        return f"handoff.csv has {applied} rows applied=yes, not {providers}"
    return ""


def pictures_of(run_dir: Path) -> tuple[tuple[str, int, float, int], ...]:
    """Per kind of picture: how many, the milliseconds robot.log timed, the bytes of its files."""
    timed: dict[str, list[float]] = {}
    log = run_dir / "robot.log"
    for line in log.read_text(encoding="utf-8").splitlines() if log.is_file() else []:
        event = json.loads(line)
        if event.get("event") == "picture":
            got = timed.setdefault(event["kind"], [0, 0.0])
            got[0] += event["count"]
            got[1] += event["ms"]
    size: Counter = Counter()
    record = run_dir / "run.json"
    if record.is_file():
        data = json.loads(record.read_text(encoding="utf-8"))
        for p in [*data.get("practice", {}).get("pictures", []), *(x for q in data["providers"] for x in q.get("pictures", []))]:
            if (run_dir / p["path"]).is_file():
                size[p["kind"]] += (run_dir / p["path"]).stat().st_size
    return tuple((kind, int(count), round(ms, 1), size[kind]) for kind, (count, ms) in timed.items())


def run_robot_once(
    providers: int,
    workers: int,
    out: Path,
    settings: Settings,
    choice: BrowserChoice,
    *,
    seed: int = 0,
    latency_ms: int = 0,
    skin: str = "default",
) -> Measurement:
    """The robot, with its default locators, over a fresh sandbox rendered as ``skin``: timed, its memory
    sampled, its screenshots weighed, its work checked."""
    extra = {"workers": workers} if workers != 1 else {}  # RunOptions.workers is newer than this benchmark
    options = RunOptions(out=out, **extra)
    output = io.StringIO()
    result = None
    error = ""
    with SandboxChild(providers, seed=seed, latency_ms=latency_ms, skin=skin) as sandbox:
        with PeakMemory(exclude=[sandbox.pid]) as memory, contextlib.redirect_stdout(output):
            started = time.perf_counter()
            try:
                result = execute(settings, options, choice, maxmd=sandbox.maxmd, portal=sandbox.portal, sandbox=True)
            except Exception as exc:  # noqa: BLE001 - a broken run is a FAILED row, not a crashed benchmark
                error = f"execute() raised {type(exc).__name__}: {exc}"
            wall = time.perf_counter() - started
        problem = judge(sandbox.check(), providers)
    if result is not None and result.exit_code == 130:
        raise KeyboardInterrupt  # the robot stopped on Ctrl-C and returned: so does the benchmark
    if result is not None and result.exit_code != 0:
        error = _robot_failure(result, output.getvalue())
    elif result is not None:
        error = _audit_missing(result, providers)
    folder = result.run_dir / "screenshots" if result is not None else None
    shots = [p for p in folder.iterdir() if p.is_file()] if folder is not None and folder.is_dir() else []
    return Measurement(
        pictures=pictures_of(result.run_dir) if result is not None else (),
        providers=providers,
        wall_s=wall,
        problem="; ".join(p for p in (error, problem) if p),
        peak_bytes=memory.peak_bytes,
        shot_bytes=sum(p.stat().st_size for p in shots),
        shots=len(shots),
        memory_metric=memory.metric,
    )


def run_baseline_once(
    providers: int, settings: Settings, choice: BrowserChoice, *, seed: int = 0, latency_ms: int = 0,
    skin: str = "default",
) -> Measurement:
    """The bare baseline for that rendering over a fresh copy of the same sandbox."""
    with SandboxChild(providers, seed=seed, latency_ms=latency_ms, skin=skin) as sandbox:
        started = time.perf_counter()
        error = ""
        try:
            run = run_baseline(choice, sandbox.maxmd, sandbox.portal, skin=skin, viewport=settings.viewport,
                               timeout_ms=settings.timeout_ms)
            wall = run.wall_s
        except Exception as exc:  # noqa: BLE001
            wall = time.perf_counter() - started
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        problem = judge(sandbox.check(), providers)
    return Measurement(providers=providers, wall_s=wall, problem="; ".join(p for p in (error, problem) if p))
