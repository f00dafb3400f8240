"""The benchmark's pure parts (robot/bench/results.py) and its small impure helpers, without a browser."""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading

import pytest

from robot.bench import cli, results
from robot.bench.baseline import RENDERINGS, strong_password
from robot.bench.memory import PeakMemory
from robot.bench.results import (
    MET,
    NOT_MEASURED,
    NOT_MET,
    Measurement,
    Row,
    combine,
    command_line,
    evaluate_targets,
    render_markdown,
    render_table,
    render_throughput,
    table_row,
)
from robot.bench.sandbox_child import account_problems, judge
from robot.sandbox import SKINS, Sandbox
from robot.sandbox._portal import is_strong

MB = 1024 * 1024


def row(n: int, s_per_provider: float, *, workers: int = 1, base: float | None = 0.8, peak_mb: float = 400,
        shot_kb: float = 100, problem: str = "", base_problem: str = "", skin: str = "default") -> Row:
    """A row whose robot took ``s_per_provider`` and whose baseline took ``base`` seconds per provider."""
    robot = Measurement(n, s_per_provider * n, problem, peak_bytes=int(peak_mb * MB), shot_bytes=int(shot_kb * 1024 * n),
                        shots=12 * n, memory_metric="PSS")
    baseline = None if base is None else Measurement(n, base * n, base_problem)
    return Row(n, workers, robot, baseline, skin=skin)


def by_name(targets: list[results.Target], word: str) -> results.Target:
    return next(t for t in targets if t.name.startswith(word))


# --- targets ----------------------------------------------------------------------------------------

def test_every_target_met() -> None:
    targets = evaluate_targets([row(10, 0.8), row(50, 0.72), row(200, 0.75, base=0.6, peak_mb=550, shot_kb=140)])
    assert [t.status for t in targets] == [MET] * 5
    assert "0.750 s/provider" in by_name(targets, "time").detail
    assert "= 1.25" in by_name(targets, "overhead").detail
    assert "+4.2%" in by_name(targets, "linear").detail
    assert "550 MB" in by_name(targets, "memory").detail


def test_every_target_not_met() -> None:
    targets = evaluate_targets([row(50, 0.9), row(200, 1.2, base=0.6, peak_mb=700, shot_kb=401)])
    assert [t.status for t in targets] == [NOT_MET] * 5
    assert "2.00" in by_name(targets, "overhead").detail
    assert "+33.3%" in by_name(targets, "linear").detail
    assert "401.0 KB/provider (12.0 screenshots/provider)" in by_name(targets, "screenshots").detail


def test_linear_is_judged_both_ways() -> None:
    # Faster per provider at 200 by more than 15 % is not "linear" either.
    assert by_name(evaluate_targets([row(50, 1.0), row(200, 0.8)]), "linear").status == NOT_MET
    assert by_name(evaluate_targets([row(50, 1.0), row(200, 0.86)]), "linear").status == MET
    assert by_name(evaluate_targets([row(50, 1.0), row(200, 1.15)]), "linear").status == MET


def test_targets_not_measured_without_the_rows() -> None:
    targets = evaluate_targets([row(10, 0.5), row(50, 0.5)])
    assert [t.status for t in targets] == [NOT_MEASURED] * 5
    assert all("no N=200 run with 1 worker" in t.detail for t in targets)
    assert by_name(evaluate_targets([row(200, 0.5)]), "linear").detail == "no N=50 run with 1 worker."
    assert all(t.status == NOT_MEASURED for t in evaluate_targets([]))


def test_targets_judge_one_worker_only() -> None:
    # A 4-worker row at N=200 does not stand in for the 1-worker one.
    targets = evaluate_targets([row(50, 0.9), row(200, 0.3, workers=4)])
    assert by_name(targets, "time").status == NOT_MEASURED


def test_a_failed_row_is_not_measured() -> None:
    targets = evaluate_targets([row(50, 0.9), row(200, 0.5, problem="150 of 200 providers configured")])
    assert by_name(targets, "time").status == NOT_MEASURED
    assert "the N=200, 1 worker run FAILED" in by_name(targets, "time").detail
    assert by_name(targets, "linear").status == NOT_MEASURED
    assert by_name(targets, "memory").status == NOT_MEASURED
    assert by_name(targets, "screenshots").status == NOT_MEASURED


def test_targets_per_rendering() -> None:
    rows = [row(50, 0.72), row(200, 0.75, base=0.6), row(50, 0.9, skin="legacy"), row(200, 2.0, skin="legacy")]
    default, legacy = evaluate_targets(rows), evaluate_targets(rows, "legacy")
    # The default rendering's targets keep their words and judge its rows only; another's say which they judge.
    assert by_name(default, "time").name.endswith("with the full audit trail (1 worker)")
    assert [t.status for t in default] == [MET] * 5
    assert by_name(legacy, "time").name.endswith("(1 worker, legacy rendering)")
    assert by_name(legacy, "time").status == NOT_MET and "2.000 s/provider" in by_name(legacy, "time").detail
    modern = evaluate_targets(rows, "modern")
    assert all(t.status == NOT_MEASURED and "no N=200 run with 1 worker" in t.detail for t in modern)
    text = results.render_all_targets(rows)
    assert text.index("### default rendering") < text.index("### legacy rendering")
    assert text.count("- **time:") == 2
    # Only the default rendering run: its targets alone, untitled, as ever.
    assert results.render_all_targets(rows[:2]) == results.render_targets(default)
    assert results.render_all_targets([]) == results.render_targets(evaluate_targets([]))


def test_ratio_not_measured_without_baseline() -> None:
    assert "--no-baseline" in by_name(evaluate_targets([row(200, 0.9, base=None)]), "overhead").detail
    failed = evaluate_targets([row(200, 0.9, base_problem="0 of 200 providers configured")])
    assert by_name(failed, "overhead").status == NOT_MEASURED
    assert "baseline FAILED" in by_name(failed, "overhead").detail


# --- rows and the table -------------------------------------------------------------------------------

def test_row_numbers() -> None:
    r = row(200, 0.9, base=0.6, peak_mb=512, shot_kb=120)
    assert r.s_per_provider == pytest.approx(0.9)
    assert r.providers_per_min == pytest.approx(200 / 180 * 60)
    assert r.ratio == pytest.approx(1.5)
    assert r.peak_mb == pytest.approx(512, abs=0.01)
    assert r.shot_kb_per_provider == pytest.approx(120, abs=0.01)
    assert r.shots_per_provider == 12
    assert r.ok and r.result == "OK"


def test_table_row_and_header() -> None:
    text = render_table([row(200, 0.9, base=0.6, peak_mb=512, shot_kb=120), row(10, 2.0, workers=2, base=None)])
    lines = text.splitlines()
    assert lines[0].startswith("| N | workers | wall s | s/provider | providers/min | peak MB (robot+browser) |")
    assert lines[0].endswith("| baseline s/provider | robot/baseline | result |")
    assert lines[1].count("|") == lines[0].count("|")
    assert lines[2] == "| 200 | 1 | 180.0 | 0.900 | 66.7 | 512 | 120.0 | 12.0 | 0.600 | 1.50 | OK |"
    assert lines[3] == "| 10 | 2 | 20.0 | 2.000 | 30.0 | 400 | 100.0 | 12.0 | - | - | OK |"


def test_a_failed_row_says_why_in_one_cell() -> None:
    r = row(10, 1.0, problem="exit 1: a | b\nc", base_problem="3 of 10 providers configured")
    assert not r.ok
    line = table_row(r)
    assert line.endswith("| FAILED (robot: exit 1: a \\| b c; baseline: 3 of 10 providers configured) |")
    assert line.count(" | ") == len(results.COLUMNS) - 1  # the escaped pipe adds no column
    # The baseline alone failing fails the row too, and its ratio is not shown.
    r = row(10, 1.0, base_problem="boom")
    assert not r.ok and r.ratio is None and r.result == "FAILED (baseline: boom)"


def test_one_table_per_rendering() -> None:
    rows = [row(10, 1.0), row(10, 2.0, skin="legacy"), row(10, 1.5, skin="modern")]
    assert results.skins_of(rows) == ["default", "legacy", "modern"]
    text = results.per_skin(rows, render_table)
    parts = text.split("### ")[1:]
    assert [p.splitlines()[0] for p in parts] == ["default rendering", "legacy rendering", "modern rendering"]
    assert "| 10 | 1 | 20.0 | 2.000 |" in parts[1] and "| 10 | 1 | 20.0 | 2.000 |" not in parts[0] + parts[2]
    assert all(p.count("| N | workers |") == 1 for p in parts)
    # The default rendering alone: the one table, no title.
    assert results.per_skin(rows[:1], render_table) == render_table(rows[:1])
    # Throughput: per rendering too, the same N and workers on two renderings do not collide.
    throughput = results.per_skin([row(10, 1.0), row(10, 2.0, skin="legacy")], render_throughput)
    assert "### default rendering" in throughput and "| 10 | 60.0/min |" in throughput
    assert "### legacy rendering" in throughput and "| 10 | 30.0/min |" in throughput


def test_throughput_by_workers() -> None:
    text = render_throughput([row(50, 1.0), row(50, 0.5, workers=2), row(50, 0.3, workers=4, problem="x"), row(10, 1.0)])
    assert text.splitlines()[0] == "| N | 1 worker | 2 workers | 4 workers |"
    assert "| 50 | 60.0/min | 120.0/min (x2.00) | FAILED |" in text
    assert "| 10 | 60.0/min | - | - |" in text


def test_combine_repeats() -> None:
    runs = [Measurement(10, 12.0, peak_bytes=300, shot_bytes=1000, shots=5),
            Measurement(10, 10.0, peak_bytes=500, shot_bytes=1000, shots=5),
            Measurement(10, 30.0, peak_bytes=400, shot_bytes=1000, shots=5)]
    one = combine(runs)
    assert (one.wall_s, one.peak_bytes, one.shot_bytes, one.ok) == (12.0, 500, 1000, True)
    failed = combine([*runs, Measurement(10, 1.0, "2 of 10 providers configured")])
    assert not failed.ok and failed.problem == "1 of 4 repeats failed; first: 2 of 10 providers configured"
    assert combine(runs[:1]) is runs[0]


def test_memory_metric_says_what_was_summed() -> None:
    rss = Row(10, 1, Measurement(10, 5.0, peak_bytes=1, memory_metric="RSS"))
    assert results.memory_metric([row(10, 1.0)]) == "PSS"
    assert results.memory_metric([row(10, 1.0), rss]) == "PSS / RSS"
    assert results.memory_metric([]) == "PSS"


def test_markdown_page() -> None:
    command = command_line(["--sizes", "10,50", "--write", "docs/bench marks.md"])
    assert command == "python -m robot.bench --sizes 10,50 --write 'docs/bench marks.md'"
    page = render_markdown([row(10, 1.0), row(50, 1.1)], command=command, when="2026-01-01 00:00 UTC",
                           machine=[("CPUs", "2"), ("Chromium", "140")], latency_ms=20, repeat=3)
    assert page.startswith("# Benchmarks\n")
    assert f"```sh\n{command}\n```" in page
    assert "- CPUs: 2\n- Chromium: 140" in page
    assert "| 10 | 1 | 10.0 | 1.000 |" in page and "| 50 | 1 | 55.0 | 1.100 |" in page
    assert "latency 20 ms" in page and "3 runs per row" in page and "of the PSS of the robot's Python" in page
    assert "## Throughput by workers" in page
    assert "## Targets" in page and "not measured" in page
    assert "rendering" not in page  # the default rendering alone: the page as it was


@pytest.mark.parametrize(("mode", "says", "links"), [
    ("evidence", "the account after Save", "benchmarks-every-step.md"),
    ("every-step", "one picture of each seed step", "(benchmarks.md)"),
    ("failures", "a picture of a failure only", None),
])
def test_markdown_page_says_which_pictures_and_where_the_other_mode_is(mode: str, says: str, links: str | None) -> None:
    page = render_markdown([row(10, 1.0)], command="python -m robot.bench", when="now", machine=[], latency_ms=0,
                           repeat=1, screenshots=mode)
    results_part = page.split("## Results")[1].split("## Where")[0]
    words = " ".join(results_part.split())
    assert f"`screenshots: {mode}`: " in words and says in words
    pictures_part = page.split("## Where the pictures' time goes")[1].split("## Throughput")[0]
    assert (links in pictures_part) if links else ".md" not in pictures_part


def test_markdown_page_per_rendering() -> None:
    rows = [row(10, 1.0), row(10, 1.2, skin="legacy"), row(10, 1.4, skin="modern"), row(10, 1.6, skin="spa")]
    page = render_markdown(rows, command="python -m robot.bench --skins default,legacy,modern,spa", when="now",
                           machine=[("CPUs", "2")], latency_ms=0, repeat=1)
    results_part = page.split("## Results")[1].split("## Throughput")[0]
    assert "One table per rendering" in results_part
    for skin, line in (("default", "| 10 | 1 | 10.0 | 1.000 |"), ("legacy", "| 10 | 1 | 12.0 | 1.200 |"),
                       ("modern", "| 10 | 1 | 14.0 | 1.400 |"), ("spa", "| 10 | 1 | 16.0 | 1.600 |")):
        part = results_part.split(f"### {skin} rendering")[1].split("###")[0]
        assert line in part and results.SKIN_WORDS[skin] in part
    for skin in ("legacy", "modern", "spa"):
        assert f"**baseline, {skin} rendering**" in page
    assert "at the same N on the same rendering" in page
    targets = page.split("## Targets")[1]
    assert targets.count("### ") == 4 and "(1 worker, modern rendering)" in targets and "(1 worker, spa rendering)" in targets
    assert "(1 worker)**" in targets  # the default rendering's targets keep their words


# --- arguments -----------------------------------------------------------------------------------------

def test_int_list() -> None:
    assert results.int_list("10,50,200") == [10, 50, 200]
    assert results.int_list(" 4 , 1,4") == [4, 1]
    for bad in ("", "10,,50", "ten", "0", "-3", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            results.int_list(bad)


def test_parser_defaults_and_lists() -> None:
    args = cli.build_parser().parse_args([])
    assert (args.sizes, args.workers, args.latency_ms, args.repeat, args.skins) == ([10, 50, 200], [1], 0, 1, ["default"])
    assert (args.out, args.write, args.keep, args.no_baseline) == (None, None, False, False)
    args = cli.build_parser().parse_args(["--sizes", "3", "--workers", "1,2,4", "--latency-ms", "25", "--repeat", "2",
                                          "--no-baseline", "--write", "x.md"])
    assert (args.sizes, args.workers, args.latency_ms, args.repeat, args.no_baseline) == ([3], [1, 2, 4], 25, 2, True)


def test_parser_accepts_skins() -> None:
    assert cli.build_parser().parse_args(["--skins", "default,legacy,modern,spa"]).skins == ["default", "legacy", "modern", "spa"]
    assert cli.build_parser().parse_args(["--skins", " modern , legacy,modern"]).skins == ["modern", "legacy"]
    parse = results.name_list(("default", "legacy", "modern"))
    for bad in ("", "legacy,,modern", "Legacy", "retro"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse(bad)


def test_parser_rejects_an_unknown_skin(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args(["--skins", "default,retro"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--skins" in err and "'retro' is not one of default, legacy, modern" in err


@pytest.mark.parametrize("argv", [["--sizes", "a"], ["--workers", "0"], ["--latency-ms", "-1"], ["--repeat", "0"],
                                  ["--skins", "retro"], ["--nonsense"]])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_workers_need_a_robot_that_has_them(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "workers_supported", lambda: False)
    with pytest.raises(SystemExit) as exc:
        cli.main(["--sizes", "3", "--workers", "1,2"])
    assert exc.value.code == 2
    assert "workers" in capsys.readouterr().err


# --- the server-side check, the baseline's passwords, the memory sampler -------------------------------

def test_account_check_on_the_sandbox_state() -> None:
    sb = Sandbox(providers=3, seed=0)  # never started: the state alone
    problems = account_problems(sb.state)
    assert len(problems) == 3 and all(problems.values())
    assert judge(problems, 3).startswith("0 of 3 providers configured (e.g. ")
    with sb.state.lock:
        addresses = {e.npi: e.direct_address for e in sb.state.maxmd_entries}
        for npi, account in sb.state.accounts.items():
            if account.access_type == "Clinician":
                account.password = account.direct_password = "Aa1!aaaa"
                account.poll_direct, account.direct_address = True, addresses[npi]
    assert judge(account_problems(sb.state), 3) == ""
    assert judge(account_problems(sb.state), 4) == "3 of 4 providers configured"
    npi = next(iter(addresses))
    with sb.state.lock:
        sb.state.accounts[npi].emergency_access = True
        sb.state.accounts[npi].direct_address = "someone.else@direct.brightsideeye.com"
    assert account_problems(sb.state)[npi] == ["Allow Emergency Access is on", "the Direct address differs from MaxMD's"]
    assert judge(account_problems(sb.state), 3) == (
        f"2 of 3 providers configured (e.g. {npi}: Allow Emergency Access is on, the Direct address differs from MaxMD's)")


def test_a_baseline_for_every_rendering() -> None:
    assert list(RENDERINGS) == list(SKINS)


def test_the_page_has_words_for_every_rendering_and_its_baseline() -> None:
    assert list(results.SKIN_WORDS) == list(SKINS)
    assert list(results.BASELINE_WORDS) == [s for s in SKINS if s != results.DEFAULT_SKIN]  # the default's: the page's own


def test_baseline_passwords_meet_the_portal_policy() -> None:
    passwords = [strong_password() for _ in range(300)]
    assert all(is_strong(p) and len(p) == 16 for p in passwords)
    assert len(set(passwords)) == 300
    assert is_strong(strong_password(4))  # never shorter than the policy's 8


def test_peak_memory_counts_children_but_not_excluded_ones() -> None:
    code = "import sys; x = b'x' * (150 * 1024 * 1024); print('ready', flush=True); sys.stdin.read()"
    hog = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert hog.stdout is not None and hog.stdout.readline().strip() == "ready"
        counted, left_out = PeakMemory(), PeakMemory(exclude=[hog.pid])
        with_hog, without = counted.sample(), left_out.sample()
        assert with_hog - without > 120 * MB
        assert counted.peak_bytes == with_hog and counted.metric in ("PSS", "RSS", "PSS (RSS where PSS was unreadable)")
    finally:
        hog.kill()
        hog.wait()
    # The sampler thread: a peak, several samples, and it stops.
    with PeakMemory(interval=0.05) as mem:
        for _ in range(400):  # until three samples are in (bounded), not for a while
            if mem.samples >= 3:
                break
            threading.Event().wait(0.01)
    assert mem.samples >= 3 and mem.peak_bytes > 10 * MB


def test_repeats_run_in_rounds_of_baseline_then_robot() -> None:
    order: list[str] = []

    def baseline(k: int) -> Measurement:
        order.append(f"b{k}")
        return Measurement(providers=10, wall_s=4.0 + k)

    def robot(w: int, k: int) -> Measurement:
        order.append(f"r{w}.{k}")
        return Measurement(providers=10, wall_s=[6.0, 9.0, 5.0][k] / w, peak_bytes=100 + k)

    base, robots = cli.measure_size(10, [1, 2], 3, baseline, robot)
    assert order == ["b0", "r1.0", "r2.0", "b1", "r1.1", "r2.1", "b2", "r1.2", "r2.2"]
    assert base is not None and base.wall_s == 5.0  # medians
    assert (robots[1].wall_s, robots[2].wall_s, robots[1].peak_bytes) == (6.0, 3.0, 102)
    assert cli.measure_size(10, [1], 1, None, robot)[0] is None


def test_pictures_are_tabled_per_kind_from_the_largest_run() -> None:
    pics = (("source", 200, 6000.0, 200 * 15 * results.KB), ("before", 200, 8000.0, 200 * 85 * results.KB))
    small = Row(10, 1, Measurement(10, 5.0, pictures=(("before", 10, 400.0, 10 * 85 * results.KB),)))
    big = Row(200, 1, Measurement(200, 90.0, pictures=pics))
    text = results.render_pictures([small, big])
    assert "default rendering, N=200, workers=1:" in text
    assert "| source | 200 | 30.0 | 30.0 | 15.0 |" in text
    assert "| before | 200 | 40.0 | 40.0 | 85.0 |" in text
    assert "| all | | | 70.0 | 100.0 |" in text
