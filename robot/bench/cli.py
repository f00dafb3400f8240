"""The command line: renderings x sizes x workers for the robot, one baseline per rendering and size,
the table as rows finish."""

from __future__ import annotations

import argparse
import dataclasses
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import psutil
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from robot.bench import results
from robot.bench.results import Measurement, Row, combine
from robot.bench.runner import run_baseline_once, run_robot_once, workers_supported
from robot.browser import BrowserChoice, choose_browser, launch, launch_kwargs, lean_driver_environment
from robot.errors import RobotError
from robot.model import SCREENSHOT_MODES
from robot.sandbox import SKINS
from robot.settings import Settings, load

ROOT = Path(__file__).resolve().parents[2]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m robot.bench",
        description="Benchmark the robot against generated sandboxes of N providers, beside a bare Playwright "
                    "baseline; print the table, and with --write the whole page (docs/benchmarks.md).",
        epilog="Exit status: 0 every row OK (targets not met are reported, not errors), 1 a row FAILED, "
               "2 bad arguments or the benchmark could not start.",
    )
    parser.add_argument("--sizes", type=results.int_list, default=[10, 50, 200], metavar="N,N,...",
                        help="providers per sandbox (default 10,50,200)")
    parser.add_argument("--workers", type=results.int_list, default=[1], metavar="W,W,...",
                        help="the robot's --workers; every size runs with each (default 1)")
    parser.add_argument("--skins", type=results.name_list(SKINS), default=[results.DEFAULT_SKIN], metavar="S,S,...",
                        help=f"the sandbox's renderings, one table each, every size on each, each beside its own "
                             f"baseline ({', '.join(SKINS)}; default {results.DEFAULT_SKIN})")
    parser.add_argument("--latency-ms", type=results.non_negative_int, default=0, metavar="MS",
                        help="delay the sandbox adds to every request (default 0)")
    parser.add_argument("--repeat", type=results.positive_int, default=1, metavar="K",
                        help="runs per row: the median time and the highest peak are reported (default 1)")
    parser.add_argument("--seed", type=results.non_negative_int, default=0, help="the generated practice's seed (default 0)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where the robot's run folders go (default: a temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of run folders")
    parser.add_argument("--write", type=Path, default=None, metavar="FILE",
                        help="write the page (e.g. docs/benchmarks.md), overwriting it; default: print only")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare baseline")
    parser.add_argument("--screenshots", choices=SCREENSHOT_MODES, default="evidence",
                        help="which pictures the robot keeps, as robot.yaml's screenshots: (default evidence)")
    return parser


def machine(choice: BrowserChoice) -> list[tuple[str, str]]:
    """What the numbers were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    headless = launch_kwargs(choice).get("executable_path") if not choice.ws_endpoint else choice.ws_endpoint
    with sync_playwright() as pw:
        browser = launch(pw, choice)
        chromium = browser.version
        browser.close()
    return [
        ("CPUs", f"{psutil.cpu_count(logical=True)} ({model})" if model else str(psutil.cpu_count(logical=True))),
        ("RAM", f"{psutil.virtual_memory().total / results.MB / 1024:.1f} GB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Playwright", metadata.version("playwright")),
        ("Chromium", f"{chromium} ({choice.source}{', ' + headless if headless else ''}, headless)"),
    ]


def _say(text: str) -> None:
    """Progress goes to stderr; stdout is the table."""
    print(text, file=sys.stderr, flush=True)


def _one(label: str, k: int, measure: Callable[[], Measurement]) -> Measurement:
    """One run, said as it finishes."""
    run = measure()
    _say(f"  {label} #{k + 1}: {run.wall_s:.1f} s, {run.wall_s / run.providers:.3f} s/provider, "
         + ("OK" if run.ok else f"FAILED: {run.problem}"))
    return run


def measure_size(n: int, workers: list[int], repeat: int, baseline: Callable[[int], Measurement] | None,
                 robot: Callable[[int, int], Measurement], *,
                 skin: str = results.DEFAULT_SKIN) -> tuple[Measurement | None, dict[int, Measurement]]:
    """Every run of one size, in ``repeat`` rounds of the baseline then the robot at each worker count.

    Rounds, not all of one kind and then all of the other: a slow spell of a shared machine then
    falls on both sides of robot/baseline instead of on one. Repeats combine into their medians.
    """
    base_runs: list[Measurement] = []
    robot_runs: dict[int, list[Measurement]] = {w: [] for w in workers}
    on = "" if skin == results.DEFAULT_SKIN else f" {skin}"
    for k in range(repeat):
        if baseline is not None:
            base_runs.append(_one(f"baseline{on} N={n}", k, lambda: baseline(k)))
        for w in workers:
            robot_runs[w].append(_one(f"robot{on} N={n} workers={w}", k, lambda w=w: robot(w, k)))
    return (combine(base_runs) if base_runs else None), {w: combine(runs) for w, runs in robot_runs.items()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    lean_driver_environment()  # the robot's drivers measured as the command line starts them
    if any(w != 1 for w in args.workers) and not workers_supported():
        parser.error("--workers other than 1: this robot's RunOptions has no 'workers' yet")
    try:
        settings: Settings = load(ROOT / "config" / "robot.yaml", environ={}, dotenv_path=None, force_sandbox=True)
        settings = dataclasses.replace(settings, screenshots=args.screenshots)
        choice = choose_browser()
    except RobotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    out = args.out or Path(tempfile.mkdtemp(prefix="robot-bench-"))
    rows: list[Row] = []
    try:
        about = machine(choice)
        _say("Machine: " + "; ".join(f"{k} {v}" for k, v in about))
        _say(f"Renderings {args.skins}, sizes {args.sizes}, workers {args.workers}, latency {args.latency_ms} ms, "
             f"repeat {args.repeat}; run folders in {out}")
        titled = args.skins != [results.DEFAULT_SKIN]
        for i, skin in enumerate(args.skins):
            if titled:
                print(("\n" if i else "") + results.table_title(skin) + "\n", flush=True)
            print(results.table_header(), flush=True)
            folder = "" if skin == results.DEFAULT_SKIN else f"{skin}-"
            for n in args.sizes:
                baseline, robots = measure_size(
                    n, args.workers, args.repeat,
                    None if args.no_baseline else lambda k, n=n, skin=skin: run_baseline_once(
                        n, settings, choice, seed=args.seed, latency_ms=args.latency_ms, skin=skin),
                    lambda w, k, n=n, skin=skin, folder=folder: run_robot_once(
                        n, w, out / f"{folder}n{n}-w{w}" / f"{k + 1}", settings, choice, seed=args.seed,
                        latency_ms=args.latency_ms, skin=skin),
                    skin=skin)
                for w in args.workers:
                    rows.append(Row(n, w, robots[w], baseline, skin=skin))
                    print(results.table_row(rows[-1]), flush=True)
        print()
        print(results.render_all_targets(rows))
        print(f"\nPeak memory is {results.memory_metric(rows)}.")
        if args.write:
            page = results.render_markdown(
                rows, command=results.command_line(argv), when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                machine=about, latency_ms=args.latency_ms, repeat=args.repeat, screenshots=args.screenshots)
            args.write.parent.mkdir(parents=True, exist_ok=True)
            args.write.write_text(page, encoding="utf-8")
            _say(f"Wrote {args.write}")
    except KeyboardInterrupt:
        _say("Stopped (Ctrl-C).")
        return 130
    except (PlaywrightError, RuntimeError) as exc:  # the browser or a sandbox child did not start
        print(f"error: {str(exc).strip()}", file=sys.stderr)
        return 2
    finally:
        if args.out is None:
            if args.keep:
                _say(f"Run folders kept in {out}")
            else:
                shutil.rmtree(out, ignore_errors=True)
    return 0 if all(r.ok for r in rows) else 1
