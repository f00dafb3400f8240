"""robot.ledger and ``python -m robot handoff``: one list of the passwords the portal holds, per practice."""

from __future__ import annotations

import csv
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from robot import ledger
from robot.cli import main
from robot.errors import ConfigError
from robot.handoff import Handoff, HandoffRow
from robot.settings import forget_given_after_days

NOW = "2026-12-03T02:00:00+00:00"
PORTAL = "https://portal.example.org/login"


def row(npi: str = "1234567893", applied: str = "yes", pw: str = "Xy7#first-pw-1", carried_from: str = "") -> HandoffRow:
    return HandoffRow(npi, npi, "Jane Okafor, OD", pw, "jane@direct.example.org", pw, applied, carried_from)


def merge(entries: list[ledger.Entry], *rows: HandoffRow, run: str = "20261203T020000Z") -> list[ledger.Entry]:
    return ledger.merged(entries, rows, run=run, now=NOW, portal=PORTAL)


def test_only_a_save_the_portal_took_or_may_have_taken_enters() -> None:
    entries = merge([], row("1234567893", "yes"), row("1482057365", "no"), row("1793562046", "pending"), row("1926374509", "unknown"))
    assert {e.npi: e.applied for e in entries} == {"1234567893": "yes", "1926374509": "unknown"}
    assert [e.npi for e in entries if e.to_hand_out] == ["1234567893"]
    assert [e.npi for e in entries if e.in_doubt] == ["1926374509"]
    assert entries[0].run == "20261203T020000Z" and entries[0].set_at == NOW and entries[0].portal == PORTAL


def test_a_newer_password_replaces_the_older_even_one_handed_out() -> None:
    first = merge([], row(pw="Xy7#first-pw-1"))
    given, _ = ledger.given(first, ["1234567893"], NOW)
    later = merge(given, row(pw="Xy7#second-pw-2"), run="20261210T020000Z")
    assert [(e.portal_password, e.given_at, e.run) for e in later] == [("Xy7#second-pw-2", "", "20261210T020000Z")]


def test_a_refused_save_keeps_what_the_portal_still_holds() -> None:
    first = merge([], row(pw="Xy7#first-pw-1"))
    assert merge(first, row(pw="Xy7#second-pw-2", applied="no"), run="20261210T020000Z") == first


def test_merging_the_same_run_again_changes_nothing_and_keeps_given() -> None:
    first = merge([], row(applied="unknown"))
    settled = merge(first, row(applied="yes"))  # the same Save, its answer read since
    assert [e.applied for e in settled] == ["yes"]
    given, _ = ledger.given(settled, ["1234567893"], NOW)
    assert merge(given, row(applied="yes")) == given


def test_a_carried_row_is_set_by_the_run_it_came_from_at_that_runs_time() -> None:
    entries = merge([], row(carried_from="20261201T020000Z"), run="20261203T020000Z")
    assert (entries[0].run, entries[0].set_at) == ("20261201T020000Z", "2026-12-01T02:00:00+00:00")


def test_given_names_what_the_ledger_does_not_hold_and_changes_nothing() -> None:
    entries = merge([], row())
    assert ledger.given(entries, ["1234567893", "1245319599"], NOW) == (entries, ["1245319599"])


def test_passwords_handed_out_are_forgotten_after_the_days_set() -> None:
    entries, _ = ledger.given(merge([], row()), ["1234567893"], NOW)
    at = datetime.fromisoformat(NOW)
    assert ledger.forget(entries, at + timedelta(days=6), 7) == entries
    gone = ledger.forget(entries, at + timedelta(days=7), 7)
    assert gone[0].forgotten and gone[0].portal_password == gone[0].direct_password == "" and gone[0].given_at == NOW
    assert ledger.forget(merge([], row()), at + timedelta(days=999), 0) == merge([], row()), "never one not handed out"
    assert ledger.given(gone, ["1234567893"], NOW)[1] == ["1234567893"], "a forgotten entry has nothing to hand out"


def test_the_file_is_private_round_trips_formula_cells_and_is_written_through_a_rename(tmp_path: Path) -> None:
    hostile = HandoffRow("1234567893", "=cmd|' /C calc'!A0", "@SUM(1+1)", "Xy7#first-pw-1", "", "-2+3", "yes")
    ledger.update(tmp_path, lambda es: merge(es, hostile))
    path = ledger.path_in(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open(newline="", encoding="utf-8") as f:
        cells = next(iter(csv.DictReader(f)))
    assert cells["username"].startswith("'") and cells["name"].startswith("'") and cells["direct_password"].startswith("'")
    (entry,) = ledger.read(path)
    assert (entry.username, entry.name, entry.direct_password) == ("=cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3")
    assert not list(tmp_path.glob("*.tmp"))


def test_concurrent_changes_are_all_kept(tmp_path: Path) -> None:
    npis = [f"19999999{i:02d}" for i in range(100)]
    from robot.rules import is_valid_npi

    npis = [n for n in npis if is_valid_npi(n)][:8]
    threads = [threading.Thread(target=ledger.update, args=(tmp_path, lambda es, n=n: merge(es, row(n), run=f"run-{n}")))
               for n in npis]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(e.npi for e in ledger.read(ledger.path_in(tmp_path))) == sorted(npis)


def test_a_handoff_tells_the_ledger_each_row_as_its_save_is_settled(tmp_path: Path) -> None:
    told: list[tuple[str, str]] = []
    handoff = Handoff(tmp_path / "handoff.csv")
    handoff.on_settled = lambda r: told.append((r.npi, r.applied))
    handoff.add(row("1234567893", "pending"))
    handoff.add(row("1482057365", "pending"))
    assert told == [], "a pending row is not a password the portal holds"
    handoff.mark("1234567893", True)
    handoff.mark("1482057365", False)
    handoff.mark("1234567893", True)  # no change, no second word
    assert told == [("1234567893", "yes"), ("1482057365", "no")]


def test_forget_days_come_from_robot_yaml_alone(tmp_path: Path) -> None:
    assert forget_given_after_days(tmp_path / "none.yaml") == 7
    config = tmp_path / "robot.yaml"
    config.write_text("handoff:\n  forget_given_after_days: 0\nsites:\n  maxmd_url: https://x.example\n")
    assert forget_given_after_days(config) == 0
    config.write_text("handoff:\n  forget_after: 3\n")
    with pytest.raises(ConfigError, match="forget_after: unknown key"):
        forget_given_after_days(config)
    config.write_text("handoff:\n  forget_given_after_days: -1\n")
    with pytest.raises(ConfigError, match="whole number from 0"):
        forget_given_after_days(config)


# --- python -m robot handoff ----------------------------------------------------------------------------

def _ledger_with(tmp_path: Path, *rows: HandoffRow) -> Path:
    out = tmp_path / "runs"
    ledger.update(out, lambda es: merge(es, *rows))
    return out


def test_the_command_lists_what_to_hand_out_and_never_shows_a_password(tmp_path: Path, capsys) -> None:
    out = _ledger_with(tmp_path, row("1234567893", pw="Xy7#first-pw-1"), row("1926374509", "unknown", pw="Xy7#doubt-pw-2"))
    assert main(["handoff", "--out", str(out), "--config", str(tmp_path / "robot.yaml")]) == 2  # no such --config
    assert main(["handoff", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "1 provider with passwords to hand out:" in said and "1234567893" in said
    assert "1 provider in doubt" in said and "1926374509" in said and "--force" in said
    assert f"--out {out} --sheet" in said
    assert "Xy7#" not in said


def test_given_marks_and_an_unknown_npi_changes_nothing(tmp_path: Path, capsys) -> None:
    out = _ledger_with(tmp_path, row("1234567893"), row("1482057365"))
    before = ledger.path_in(out).read_bytes()
    assert main(["handoff", "--out", str(out), "--given", "1234567893", "1245319599"]) == 2
    assert "1245319599" in capsys.readouterr().err
    assert ledger.path_in(out).read_bytes() == before
    assert main(["handoff", "--out", str(out), "--given", "1234567893"]) == 0
    entries = {e.npi: e for e in ledger.read(ledger.path_in(out))}
    assert entries["1234567893"].given_at and not entries["1482057365"].given_at
    assert entries["1234567893"].portal_password, "kept for the days robot.yaml says"


def test_given_with_no_days_to_keep_forgets_at_once(tmp_path: Path, capsys) -> None:
    out = _ledger_with(tmp_path, row("1234567893"))
    config = tmp_path / "robot.yaml"
    config.write_text("handoff:\n  forget_given_after_days: 0\n")
    assert main(["handoff", "--out", str(out), "--config", str(config), "--given", "1234567893"]) == 0
    assert "forgotten now" in capsys.readouterr().out
    assert b"Xy7#" not in ledger.path_in(out).read_bytes()


def test_sheets_are_private_hold_the_passwords_and_escape_the_names(tmp_path: Path, capsys) -> None:
    hostile = HandoffRow("1234567893", "1234567893", "<script>alert(1)</script>", "Xy7#first-pw-1", "j@direct.example.org",
                         "Xy7#direct-pw-1", "yes")
    out = _ledger_with(tmp_path, hostile, row("1482057365", "unknown"))
    assert main(["handoff", "--out", str(out), "--sheet"]) == 0
    assert "1 sheet to print" in capsys.readouterr().out
    sheet = out / "handoff-sheets.html"
    html = sheet.read_text()
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    assert "Xy7#first-pw-1" in html and "Xy7#direct-pw-1" in html and PORTAL in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "1482057365" not in html, "one in doubt is printed only when asked for by NPI"
    assert main(["handoff", "--out", str(out), "--sheet", "1482057365"]) == 0
    assert "could not be read" in sheet.read_text()


def test_no_ledger_says_where_it_looked(tmp_path: Path, capsys) -> None:
    assert main(["handoff", "--out", str(tmp_path / "nowhere")]) == 2
    assert "no handoff ledger in" in capsys.readouterr().err


def test_entries_are_dated_in_utc() -> None:
    assert datetime.fromisoformat(ledger.now_iso()).tzinfo == UTC


def test_the_sandboxs_ledger_is_apart_and_read_with_sandbox(tmp_path: Path, capsys) -> None:
    out = tmp_path / "runs"
    ledger.update(out, lambda es: merge(es, row()), sandbox=True)
    assert ledger.path_in(out, sandbox=True).exists() and not ledger.path_in(out).exists()
    assert main(["handoff", "--out", str(out)]) == 2
    assert "--sandbox" in capsys.readouterr().err
    assert main(["handoff", "--out", str(out), "--sandbox"]) == 0
    assert "not real passwords" in capsys.readouterr().out
    assert main(["handoff", "--out", str(out), "--sandbox", "--sheet"]) == 0
    assert "Hand this to nobody" in (out / "handoff-sheets-sandbox.html").read_text()
    assert main(["handoff", "--out", str(out), "--sandbox"]) == 0
    assert "delete it once handed out" in capsys.readouterr().out, "a sheet left behind is named"


def test_a_run_that_replaces_a_password_handed_out_says_so(tmp_path: Path) -> None:
    first = ledger.Ledger(tmp_path, "20261201T020000Z", PORTAL)
    first.add([row(pw="Xy7#first-pw-1")])
    ledger.update(tmp_path, lambda es: ledger.given(es, ["1234567893"], NOW)[0])
    second = ledger.Ledger(tmp_path, "20261203T020000Z", PORTAL)
    second.add([row(pw="Xy7#second-pw-2")])
    second.add([row(pw="Xy7#second-pw-2")])  # once more as the run ends: nothing new
    assert [e.given_at for e in second.replaced] == [NOW]
    assert first.replaced == []
