"""``python -m robot.bench`` end to end: a tiny real run (3 providers, robot and baseline), and a row that fails."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from robot_helpers import ROOT

from robot.bench import cli, runner
from robot.bench.baseline import BaselineRun
from robot.run import RunResult

pytestmark = pytest.mark.e2e


def test_bench_writes_its_page(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    argv = ["--sizes", "3", "--workers", "1", "--write", str(page)]
    done = subprocess.run([sys.executable, "-m", "robot.bench", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = page.read_text()
    assert shlex.join(["python", "-m", "robot.bench", *argv]) in text  # the exact command
    rows = [line for line in text.splitlines() if line.startswith("| 3 | 1 |")]
    assert rows, text
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[-1] == "OK"  # the sandbox's server side shows all 3 configured, by the robot and by the baseline
    assert cells[8] != "-" and cells[9] != "-"  # the baseline ran, and the ratio is there
    assert float(cells[5]) > 0 and float(cells[6]) > 0  # peak memory and screenshot bytes were measured
    assert "## Targets" in text and "not measured" in text  # N=200 was not run
    # The same row was printed to stdout as it finished; the robot's own output was kept out of it.
    assert rows[0] in done.stdout
    assert "Report:" not in done.stdout


def test_a_run_that_configures_nothing_is_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The sandbox's server side is the judge: a robot and a baseline that save nothing fail their row (exit 1)."""

    def idle_robot(settings, options, choice, *, maxmd, portal, sandbox):
        run_dir = options.out / "run"
        (run_dir / "screenshots").mkdir(parents=True)
        return RunResult(0, run_dir, [])

    monkeypatch.setattr(runner, "execute", idle_robot)
    monkeypatch.setattr(runner, "run_baseline", lambda *a, **k: BaselineRun(0.5, 0, 0))
    monkeypatch.setattr(cli, "machine", lambda choice: [("CPUs", "test")])
    page = tmp_path / "benchmarks.md"
    assert cli.main(["--sizes", "2", "--out", str(tmp_path / "runs"), "--write", str(page)]) == 1
    row = next(line for line in page.read_text().splitlines() if line.startswith("| 2 | 1 |"))
    # Its own record (run.json) and the sandbox's server side both say so.
    assert "| FAILED (robot: run.json lists 0 providers configured, not 2; 0 of 2 providers configured (e.g. " in row
    assert ": Poll Direct Mailbox is off, no Direct address, no password, no Direct password); baseline: 0 of 2" in row
    assert page.read_text().count("not measured") == 5  # N=200 not run
    assert row in capsys.readouterr().out
