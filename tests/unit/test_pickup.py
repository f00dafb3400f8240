"""A killed run picked up by the next (robot.pickup) and shown as interrupted in the runs index (robot.history)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robot import handoff as handoff_file
from robot.handoff import Handoff, HandoffRow
from robot.history import summarize, write_index
from robot.lock import LockHolder
from robot.pickup import find, settled


def killed_run(out: Path, name: str = "20261201T020000Z", *, applied: tuple[str, ...] = ("pending", "yes", "no", "unknown"),
               force: tuple[str, ...] = ()) -> Path:
    """A run folder as ``kill -9`` leaves it: run.json as written at the start, a log, a handoff."""
    d = out / name
    (d / "screenshots").mkdir(parents=True)
    (d / "robot.log").write_text('{"event": "run started"}\n', encoding="utf-8")
    (d / "run.json").write_text(json.dumps({"started": "2026-12-01T02:00:00+00:00", "finished": None, "mode": "run",
                                            "exit_code": None, "options": {"force": list(force)}, "providers": []}))
    h = Handoff(d / "handoff.csv")
    for i, a in enumerate(applied):
        h.add(HandoffRow(f"npi{i}", f"npi{i}", f"=Provider {i}", f"Pw-{i}-secret!", f"p{i}@direct.example", f"Pw-{i}-secret!", a))
    return d


def test_a_killed_run_is_found_by_the_lock_it_left_with_its_rows_not_marked_no(tmp_path: Path) -> None:
    d = killed_run(tmp_path, force=("npi3",))
    found = find(LockHolder(4242, "2026-12-01T02:00:00+00:00", str(d)))
    assert found is not None and found.name == d.name and found.pid == 4242
    assert [(r.npi, r.applied) for r in found.rows] == [("npi0", "pending"), ("npi1", "yes"), ("npi3", "unknown")]
    assert found.rows[0].name == "=Provider 0", "cells are read back as they were given"
    assert found.forced == {"npi3"}
    line = found.said()
    assert d.name in line and "PID 4242" in line and "npi0 (pending)" in line and "npi3 (unknown)" in line
    assert "Pw-0-secret!" not in line and "Pw-0-secret!" not in json.dumps(found.as_json())


def test_a_chain_of_killed_runs_keeps_what_the_first_was_forcing(tmp_path: Path) -> None:
    first = find(LockHolder(1, "x", str(killed_run(tmp_path, force=("npi3",)))))
    assert first is not None
    second = killed_run(tmp_path, "20261202T020000Z", force=("npi0",))  # it picked the first up, then was killed too
    record = json.loads((second / "run.json").read_text())
    (second / "run.json").write_text(json.dumps({**record, "picked_up": first.as_json()}))
    found = find(LockHolder(2, "x", str(second)))
    assert found is not None and found.forced == {"npi0", "npi3"}


def test_a_run_that_finished_or_named_no_folder_is_nothing_to_pick_up(tmp_path: Path) -> None:
    d = killed_run(tmp_path)
    record = json.loads((d / "run.json").read_text())
    (d / "run.json").write_text(json.dumps({**record, "finished": "2026-12-01T02:05:00+00:00"}))
    assert find(LockHolder(1, "x", str(d))) is None
    assert find(LockHolder(1, "x", "")) is None
    assert find(None) is None


def test_a_killed_run_with_an_unreadable_handoff_says_so(tmp_path: Path) -> None:
    d = killed_run(tmp_path)
    (d / "handoff.csv").write_bytes(b"\xff\xfe not utf-8")
    found = find(LockHolder(7, "x", str(d)))
    assert found is not None and found.rows == [] and found.unreadable
    assert "could not be read" in found.said()


@pytest.mark.parametrize(("applied", "status", "forced", "now"), [
    ("pending", "already-configured", False, "yes"),  # the account shows the killed run's Save went through
    ("unknown", "already-configured", False, "yes"),
    ("pending", "already-configured", True, "unknown"),  # a forced redo looks the same saved or not
    ("pending", "failed", False, "pending"),
    ("pending", None, False, "pending"),  # not handled in this run (--only): left for a look
    ("yes", "already-configured", False, "yes"),
    ("yes", "failed", False, "yes"),
])
def test_a_carried_row_is_settled_by_what_this_run_found(applied: str, status: str | None, forced: bool, now: str) -> None:
    assert settled(applied, status, forced_then=forced) == now


def test_the_index_shows_a_killed_run_as_interrupted_not_unreadable(tmp_path: Path) -> None:
    d = killed_run(tmp_path)
    old_style = tmp_path / "20261130T020000Z"  # an older robot wrote run.json only at the end
    (old_style / "screenshots").mkdir(parents=True)
    (old_style / "robot.log").write_text("{}\n")
    for folder in (d, old_style):
        summary = summarize(folder)
        assert summary.interrupted and summary.attention
    assert summarize(d).handoff_rows == 4
    html = write_index(tmp_path).read_text()
    assert html.count("interrupted: the run was killed before it finished") == 2
    assert "unreadable" not in html
    assert "Pw-0-secret!" not in html


def test_carried_rows_go_into_the_new_handoff_with_where_they_came_from(tmp_path: Path) -> None:
    d = killed_run(tmp_path)
    found = find(LockHolder(9, "x", str(d)))
    assert found is not None
    new = Handoff(tmp_path / "new.csv")
    new.carry(found.rows, found.name)
    back = {r.npi: r for r in handoff_file.read(tmp_path / "new.csv")}
    assert {n: r.carried_from for n, r in back.items()} == {"npi0": d.name, "npi1": d.name, "npi3": d.name}
    assert back["npi1"].portal_password == "Pw-1-secret!"
