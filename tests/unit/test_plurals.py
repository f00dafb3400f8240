"""One of anything is said in the singular, on the terminal, in the report and in the index: never "1 providers"."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from test_pickup import killed_run
from test_report import provider, record

from robot.crew import not_started
from robot.history import write_index
from robot.lock import LockHolder
from robot.model import Status
from robot.pickup import find
from robot.report import render
from robot.run import plan_line
from robot.safetext import plural


def test_plural_says_one_in_the_singular_and_the_rest_in_the_plural():
    assert [plural(n, "provider") for n in (0, 1, 2)] == ["0 providers", "1 provider", "2 providers"]
    assert plural(1, "Clinician account") == "1 Clinician account"


def test_the_plan_line_and_the_not_started_count_of_one():
    assert plan_line(1, 1, 1) == "1 provider: MaxMD lists 1, the portal 1 Clinician account"
    assert plan_line(9, 8, 8) == "9 providers: MaxMD lists 8, the portal 8 Clinician accounts"
    assert not_started(1) == "1 provider was not started" and not_started(3) == "3 providers were not started"


def test_a_killed_run_with_one_handoff_row_says_one_row(tmp_path: Path):
    d = killed_run(tmp_path, applied=("pending",))
    line = find(LockHolder(7, "x", str(d))).said()
    assert "its one handoff row is carried" in line and "rows are" not in line


def test_the_report_names_one_renamed_provider_in_the_singular():
    html = unescape(render(record([provider("Jane Okafor", "1234567893", Status.CONFIGURED, reminder=True)])))
    assert "This provider's name was changed" in html and "These providers' names" not in html


def test_the_index_says_one_run(tmp_path: Path):
    (tmp_path / "20261201T020000Z").mkdir()
    html = write_index(tmp_path).read_text()
    assert "1 run," in html and "1 runs" not in html
