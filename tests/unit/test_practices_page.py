"""The page across practices (``python -m robot practices ROOT``, robot.practices): each practice's last run, its
status and what needs a person, from the run folders alone; a run that could not start shown until a run starts;
no script, nothing from the network, no password."""

from __future__ import annotations

import json
import re
from pathlib import Path

from robot import ledger, practices
from robot.cli import main


def practice(root: Path, name: str, *runs: dict, title: str = "") -> practices.Practice:
    folder = root / name
    (folder / "runs").mkdir(parents=True)
    (folder / "robot.yaml").write_text(f"practice:\n  name: {title}\n" if title else "")
    for i, record in enumerate(runs):
        run = folder / "runs" / f"2031060{i + 1}T023000Z"
        run.mkdir()
        (run / "run.json").write_text(json.dumps(record))
        if record.get("finished"):
            (run / "report.html").write_text("<p>report</p>")
        else:
            (run / "robot.log").write_text("{}\n")
    return practices.Practice(folder.absolute())


def done(code: int, providers: list[dict] = (), error: str | None = None, name: str = "") -> dict:
    counts: dict[str, int] = {}
    for p in providers:
        counts[p["status"]] = counts.get(p["status"], 0) + 1
    return {"started": "2031-06-01T02:30:00+00:00", "finished": "2031-06-01T02:40:00+00:00", "mode": "run",
            "exit_code": code, "error": error, "providers": list(providers), "counts": counts, "practice": {"name": name}}


def rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr class="run (\w+)" aria-label="([^"]+)"', page)


def test_each_practices_last_run_and_what_needs_a_person(tmp_path: Path, capsys) -> None:
    failed = {"npi": "1982736459", "name": "Ada Byrne, OD", "status": "failed", "error": "the portal refused the Save"}
    ok = {"npi": "1234567893", "name": "Jane Okafor, OD", "status": "configured", "error": None}
    practice(tmp_path, "eastgate", done(1, [failed]), done(0, [ok], name="Eastgate Vision"))  # the last run went well
    practice(tmp_path, "northside", done(0, [ok]), done(1, [ok, failed], name="Northside Eye"))
    practice(tmp_path, "westbrook", done(0, [ok]), {"started": "2031-06-02T02:30:00+00:00", "finished": None, "mode": "run"})
    practice(tmp_path, "southport", done(2, [], error="login refused by the portal"))
    practice(tmp_path, "newcastle")
    (tmp_path / "not-a-practice").mkdir()
    assert main(["practices", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    page = (tmp_path / "index.html").read_text()
    assert rows(page) == [("attn", "newcastle"), ("attn", "northside"), ("attn", "southport"), ("attn", "westbrook"), ("ok", "eastgate")]
    assert "Ada Byrne, OD (NPI 1982736459): failed: the portal refused the Save" in page
    assert "login refused by the portal" in page and "interrupted" in page and "no run yet" in page
    assert 'href="northside/runs/20310602T023000Z/report.html"' in page and "Northside Eye" in page
    assert "<script" not in page and "http" not in page.replace('lang="en"', "")
    assert "4 of 5 practices need a person" in out and "not-a-practice" not in out


def test_a_run_that_could_not_start_shows_until_a_run_starts(tmp_path: Path) -> None:
    p = practice(tmp_path, "eastgate")
    (p.out / "20200101T023000Z").mkdir()  # a run long before
    (p.out / "20200101T023000Z" / "run.json").write_text(json.dumps(done(0)))
    practices.note_not_started(p, "practice eastgate: MAXMD_PASSWORD is not set")
    row = practices.row(p)
    assert row.status == "could not start" and row.attention and "MAXMD_PASSWORD" in row.not_started
    practices.clear_not_started(p)
    assert practices.row(p).status == "ok"
    practices.note_not_started(p, "practice eastgate: MAXMD_PASSWORD is not set")
    (p.out / "20990101T023000Z").mkdir()  # a run that started after it: the refusal is old news
    (p.out / "20990101T023000Z" / "run.json").write_text(json.dumps(done(0)))
    assert practices.row(p).status == "ok"


def test_passwords_waiting_in_a_ledger_are_counted_never_shown(tmp_path: Path) -> None:
    p = practice(tmp_path, "eastgate", done(0))
    secret = "Pw-in-the-ledger-1!"
    ledger.update(p.out, lambda _: [ledger.Entry("1234567893", "Jane Okafor", "1234567893", secret, "j@d.test", secret,
                                                  "yes", "2031-06-01T02:31:00+00:00", "20310601T023000Z", "https://p.test/")])
    practices.write_index(tmp_path)
    page = (tmp_path / "index.html").read_text()
    assert "1 provider with passwords to hand out" in page and secret not in page
    assert oct((tmp_path / "index.html").stat().st_mode & 0o777) == "0o600"


def test_a_folder_of_practices_that_does_not_exist_is_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["practices", str(tmp_path / "nope")]) == 2
    assert "no such folder of practices" in capsys.readouterr().err
