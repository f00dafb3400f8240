"""handoff.csv (mode 0600, each row on disk before Save) and the Redactor that keeps secrets out of everything else."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
import structlog

from robot.audit import REDACTED, Redactor
from robot.handoff import HEADER, Handoff, HandoffRow

HEADER_LINE = "npi,username,name,portal_password,direct_address,direct_password,applied,carried_from"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def row(npi: str = "1234567893", **kw: str) -> HandoffRow:
    values = {
        "username": npi,
        "name": "Dr. Jane Okafor, OD",
        "portal_password": "Kp7#vRt2xW9q@Lm4",
        "direct_address": "jane.okafor@direct.brightsideeye.com",
        "direct_password": "Kp7#vRt2xW9q@Lm4",
    }
    return HandoffRow(npi=npi, **{**values, **kw})


@pytest.fixture
def permissive_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


# --- handoff.csv -------------------------------------------------------------------------------------


def test_file_exists_with_mode_0600_and_only_the_header_right_after_construction(tmp_path, permissive_umask):
    path = tmp_path / "handoff.csv"
    Handoff(path)
    assert mode(path) == 0o600
    assert path.read_text(encoding="utf-8") == HEADER_LINE + "\n"
    assert ",".join(HEADER) == HEADER_LINE


def test_add_puts_a_pending_row_on_disk_immediately(tmp_path):
    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row())
    [on_disk] = rows(path)
    assert on_disk == {
        "npi": "1234567893",
        "username": "1234567893",
        "name": "Dr. Jane Okafor, OD",
        "portal_password": "Kp7#vRt2xW9q@Lm4",
        "direct_address": "jane.okafor@direct.brightsideeye.com",
        "direct_password": "Kp7#vRt2xW9q@Lm4",
        "applied": "pending",
        "carried_from": "",
    }


@pytest.mark.parametrize(("applied", "word"), [(True, "yes"), (False, "no"), (None, "unknown")])
def test_mark_turns_pending_into_yes_no_or_unknown(tmp_path, applied, word):
    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row("1234567893"))
    handoff.add(row("1245319599", name="Ravi Patel, MD"))
    handoff.mark("1234567893", applied)
    assert [(r["npi"], r["applied"]) for r in rows(path)] == [("1234567893", word), ("1245319599", "pending")]
    assert handoff.row("1234567893").applied == word


def test_mark_of_an_unknown_npi_changes_nothing(tmp_path):
    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row())
    before = path.read_bytes()
    handoff.mark("1987654328", True)
    assert path.read_bytes() == before


def test_mode_stays_0600_after_every_rewrite_and_no_temporary_file_is_left(tmp_path, permissive_umask):
    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row("1234567893"))
    assert mode(path) == 0o600
    handoff.add(row("1245319599"))
    assert mode(path) == 0o600
    handoff.mark("1234567893", True)
    handoff.mark("1245319599", False)
    assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handoff.csv"]


def test_a_readable_file_left_at_the_path_ends_up_0600(tmp_path, permissive_umask):
    path = tmp_path / "handoff.csv"
    for leftover in (path, tmp_path / "handoff.csv.tmp"):
        leftover.write_text("old\n", encoding="utf-8")
        leftover.chmod(0o644)
    Handoff(path).add(row())
    assert mode(path) == 0o600
    assert [r["npi"] for r in rows(path)] == ["1234567893"]


def test_values_with_commas_quotes_and_accents_survive_the_csv_round_trip(tmp_path):
    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    tricky = row(
        name='Núñez, José "Pepe", OD',
        portal_password='a,b"c\'d',
        direct_password="line\nbreak,\"x\"",
    )
    handoff.add(tricky)
    [on_disk] = rows(path)
    assert on_disk["name"] == 'Núñez, José "Pepe", OD'
    assert on_disk["portal_password"] == 'a,b"c\'d'
    assert on_disk["direct_password"] == "line\nbreak,\"x\""
    assert list(on_disk) == list(HEADER)


def test_adding_the_same_npi_again_replaces_its_row(tmp_path):
    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row(portal_password="first-Password-1!"))
    handoff.add(row(portal_password="second-Password-2!"))
    [on_disk] = rows(path)
    assert on_disk["portal_password"] == "second-Password-2!"
    assert on_disk["applied"] == "pending"


def test_passwords_are_not_in_a_rows_repr():
    text = repr(row(portal_password="Kp7#vRt2xW9q@Lm4", direct_password="Zz9!direct-only"))
    assert "Kp7#vRt2xW9q@Lm4" not in text and "Zz9!direct-only" not in text


# --- Redactor ----------------------------------------------------------------------------------------


def test_redactor_replaces_every_added_secret_in_text():
    r = Redactor()
    r.add("Mx-secret-1!", "Pt-secret-2!", None, "")
    assert r("login Mx-secret-1! then Pt-secret-2! and Mx-secret-1!") == f"login {REDACTED} then {REDACTED} and {REDACTED}"
    assert r("nothing secret here") == "nothing secret here"


def test_redactor_removes_the_longest_secret_whole():
    r = Redactor()
    r.add("abc")
    r.add("abcdef-longer")
    assert r("x abcdef-longer y abc z") == f"x {REDACTED} y {REDACTED} z"
    assert "def-longer" not in r("abcdef-longer")


def test_redactor_scrubs_nested_dicts_and_lists():
    r = Redactor()
    r.add("Kp7#vRt2xW9q@Lm4")
    record = {
        "providers": [{"npi": "1234567893", "error": "typed Kp7#vRt2xW9q@Lm4", "notes": ["Kp7#vRt2xW9q@Lm4", 3]}],
        "mode": ("run", "Kp7#vRt2xW9q@Lm4"),
        "exit_code": 1,
        "error": None,
    }
    assert r.scrub(record) == {
        "providers": [{"npi": "1234567893", "error": f"typed {REDACTED}", "notes": [REDACTED, 3]}],
        "mode": ["run", REDACTED],
        "exit_code": 1,
        "error": None,
    }


def test_structlog_processor_scrubs_every_event(capsys):
    r = Redactor()
    r.add("Pt-secret-2!")
    log = structlog.wrap_logger(
        structlog.PrintLogger(),
        processors=[r.processor, structlog.processors.JSONRenderer()],
    )
    log.info("login with Pt-secret-2!", password="Pt-secret-2!", detail={"form": ["admin", "Pt-secret-2!"]})
    out = capsys.readouterr().out
    assert "Pt-secret-2!" not in out
    assert out.count(REDACTED) == 3


# --- a handoff a spreadsheet cannot execute, and one a full disk cannot corrupt ----------------------


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"Click\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\tTab, OD", "\rCR", "'quoted", "Plain Name, OD"]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_cell_starts_a_formula_and_every_value_reads_back_whole(tmp_path: Path, value: str) -> None:
    from robot import handoff as module

    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row(name=value, direct_address=value, portal_password=value))
    with path.open(newline="", encoding="utf-8") as f:
        cells = [c for r in csv.reader(f) for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    [back] = module.read(path)
    assert (back.name, back.direct_address, back.portal_password) == (value, value, value)


def test_generated_passwords_never_start_a_formula_and_keep_the_portals_policy() -> None:
    from robot.passwords import FORMULA_START, PasswordPolicy, generate, meets

    policy = PasswordPolicy()
    made = [generate(policy) for _ in range(5000)]
    assert not [p for p in made if p.startswith(FORMULA_START)]
    assert all(meets(p, policy) and len(p) == 16 for p in made)
    # Still random at the start: every allowed first character turns up.
    assert len({p[0] for p in made}) > 40


def test_a_given_password_that_starts_a_formula_is_refused_without_showing_it(tmp_path: Path) -> None:
    from robot.errors import ConfigError
    from robot.settings import load

    (tmp_path / "robot.yaml").write_text("practice:\n  name: Test\n", encoding="utf-8")
    (tmp_path / "providers.yaml").write_text("providers:\n  - npi: 1234567893\n    password_env: JANE_PW\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(tmp_path / "robot.yaml", environ={"JANE_PW": "=Xy7#secretpass"}, dotenv_path=None)
    assert "JANE_PW" in str(err.value) and "formula" in str(err.value)
    assert "Xy7#secretpass" not in str(err.value)


def test_a_row_that_cannot_reach_the_disk_is_refused_and_the_file_keeps_its_last_state(tmp_path: Path, monkeypatch) -> None:
    from robot import handoff as module

    path = tmp_path / "handoff.csv"
    handoff = Handoff(path)
    handoff.add(row("1234567893"))
    before = path.read_bytes()

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "write_private", full)
    with pytest.raises(module.HandoffUnwritable):
        handoff.add(row("1245319599"))
    assert path.read_bytes() == before
    assert handoff.row("1245319599") is None, "a row that is not on disk does not exist: no Save may follow it"
    handoff.mark("1234567893", True)  # a mark after a Save: kept in memory, said, never raised
    assert handoff.unsaved is not None and handoff.rows()[0].applied == "yes"
    monkeypatch.undo()
    handoff.retry()
    assert handoff.unsaved is None and rows(path)[0]["applied"] == "yes"


def test_carried_rows_name_their_run_and_are_left_alone_by_this_runs_marks(tmp_path: Path) -> None:
    handoff = Handoff(tmp_path / "handoff.csv")
    handoff.carry([row("1234567893")], "20261201T020000Z")
    assert handoff.row("1234567893") is None and handoff.carried()[0].carried_from == "20261201T020000Z"
    handoff.mark("1234567893", False)
    assert rows(tmp_path / "handoff.csv")[0]["applied"] == "pending"
    handoff.settle("1234567893", "yes")
    assert rows(tmp_path / "handoff.csv")[0] | {} == {**rows(tmp_path / "handoff.csv")[0], "applied": "yes",
                                                       "carried_from": "20261201T020000Z"}
