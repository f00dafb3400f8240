"""Retention of run folders (prune) and runs/index.html, on run folders fabricated in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from robot import history
from robot.errors import ConfigError
from robot.handoff import HEADER
from robot.history import Retention, changed_something, prune, run_started, write_index

NOW = datetime(2031, 6, 1, 3, 0, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"


def stamp(days_ago: float, *, suffix: str = "") -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y%m%dT%H%M%SZ") + suffix


def run_record(statuses: list[str], *, mode: str = "run", exit_code: int = 0, error: str | None = None, started: str = "2031-01-01T00:00:00+00:00") -> dict:
    providers = [
        {"npi": f"12345678{i:02d}", "name": f"Provider {i}", "direct_address": None, "status": s, "error": None, "screenshots": []}
        for i, s in enumerate(statuses)
    ]
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return {
        "started": started,
        "finished": started,
        "mode": mode,
        "exit_code": exit_code,
        "error": error,
        "sites": {"maxmd": "https://maxmd.example.com/login", "portal": "https://portal.example.com/login", "sandbox": False},
        "providers": providers,
        "counts": counts,
    }


def make_run(
    out: Path,
    name: str,
    record: dict | str | None = None,
    *,
    applied: Sequence[str] = (),
    report: bool = True,
) -> Path:
    """A run folder as the runner leaves it. ``record`` a dict (run.json), a str (written as is), or None (no run.json)."""
    d = out / name
    (d / "screenshots").mkdir(parents=True)
    (d / "screenshots" / "001-practice-log-in.png").write_bytes(b"\x89PNG")
    if isinstance(record, dict):
        (d / "run.json").write_text(json.dumps(record), encoding="utf-8")
    elif isinstance(record, str):
        (d / "run.json").write_text(record, encoding="utf-8")
    lines = [",".join(HEADER)] + [f"12345678{i:02d},12345678{i:02d},Provider {i},Secret-pw1!,p{i}@direct.example.com,Secret-pw1!,{a}" for i, a in enumerate(applied)]
    (d / "handoff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if report:
        (d / "report.html").write_text("<!doctype html><title>report</title>", encoding="utf-8")
    return d


# --- what counts as a change --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "mode", "applied", "changed"),
    [
        (["configured", "already-configured"], "run", [], True),
        (["already-configured", "waiting-for-cda", "not-provisioned", "excluded"], "run", [], False),
        (["conflict", "already-configured"], "run", [], False),  # decided before any Save
        (["failed"], "run", [], True),  # may have failed after its Save: keep when unsure
        (["failed"], "run", ["yes"], True),
        (["failed"], "run", ["unknown"], True),
        (["failed"], "run", ["pending"], True),  # killed between writing the row and Save's answer
        (["failed"], "run", ["no"], True),  # still a failed provider
        (["already-configured"], "run", ["no"], False),
        (["dry-run", "dry-run", "conflict", "failed"], "dry-run", [], False),
        ([], "run", [], False),  # stopped before any provider (exit 2): nothing changed
        (["some-future-status"], "run", [], True),
    ],
)
def test_changed_something(tmp_path: Path, statuses: list[str], mode: str, applied: list[str], changed: bool) -> None:
    d = make_run(tmp_path, stamp(1), run_record(statuses, mode=mode), applied=applied)
    assert changed_something(d) is changed


@pytest.mark.parametrize("broken", [None, "", "{not json", "[1, 2]", '{"providers": "all"}'])
def test_unreadable_run_json_counts_as_a_change(tmp_path: Path, broken: str | None) -> None:
    assert changed_something(make_run(tmp_path, stamp(1), broken)) is True


def test_unreadable_handoff_counts_as_a_change(tmp_path: Path) -> None:
    d = make_run(tmp_path, stamp(1), run_record(["already-configured"]))
    (d / "handoff.csv").write_bytes(b"npi,username\n\xff\xfe\n")
    assert changed_something(d) is True


def test_missing_handoff_is_no_change(tmp_path: Path) -> None:
    d = make_run(tmp_path, stamp(1), run_record(["already-configured"]))
    (d / "handoff.csv").unlink()
    assert changed_something(d) is False


# --- age ------------------------------------------------------------------------------------------


def test_age_from_the_folder_name_with_or_without_suffix(tmp_path: Path) -> None:
    assert run_started(tmp_path / "20240102T030405Z") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert run_started(tmp_path / "20240102T030405Z-3") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_age_falls_back_to_run_json_started(tmp_path: Path) -> None:
    # Matches the pattern but is no date (month 13): run.json's "started" decides.
    d = make_run(tmp_path, "20241301T000000Z", run_record([], started="2024-03-01T10:00:00+00:00"))
    assert run_started(d) == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    naive = make_run(tmp_path, "20241302T000000Z", run_record([], started="2024-03-01T10:00:00"))
    assert run_started(naive) == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert run_started(make_run(tmp_path, "20241303T000000Z", "{broken")) is None


# --- prune ----------------------------------------------------------------------------------------


def test_prune_by_age_and_change(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    unchanged = run_record(["already-configured", "waiting-for-cda"])
    changed = run_record(["configured"])
    dry = run_record(["dry-run", "failed"], mode="dry-run", exit_code=1)
    keep = {
        make_run(out, stamp(89), unchanged),
        make_run(out, stamp(90), unchanged),  # exactly the limit: not older than it
        make_run(out, stamp(400), changed),
        make_run(out, stamp(2189), changed),
        make_run(out, stamp(400, suffix="-2"), run_record(["failed"]), applied=["unknown"]),
        make_run(out, stamp(400, suffix="-3"), "{unreadable"),  # keep when unsure
        make_run(out, stamp(400, suffix="-4"), None),  # no run.json at all
        make_run(out, stamp(30), dry),
        make_run(out, stamp(0)),  # the run going on now (no run.json yet)
    }
    gone = {
        make_run(out, stamp(91), unchanged),
        make_run(out, stamp(91, suffix="-2"), unchanged),
        make_run(out, stamp(2191), changed),
        make_run(out, stamp(2191, suffix="-2"), "{unreadable", report=False),
        make_run(out, stamp(120), dry),
        make_run(out, stamp(500), run_record(["conflict"], exit_code=1)),
    }
    removed = prune(out, Retention(), NOW)
    assert set(removed) == gone
    assert all(not p.exists() for p in gone)
    assert all(p.is_dir() for p in keep)


def test_prune_with_custom_retention(tmp_path: Path) -> None:
    out = tmp_path
    a = make_run(out, stamp(2), run_record(["already-configured"]))
    b = make_run(out, stamp(2, suffix="-2"), run_record(["configured"]))
    c = make_run(out, stamp(11), run_record(["configured"]))
    assert set(prune(out, Retention(changed_days=10, unchanged_days=1), NOW)) == {a, c}
    assert not a.exists() and not c.exists() and b.exists()


def test_prune_never_touches_anything_but_run_folders(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    out.mkdir()
    ancient = stamp(5000)
    (out / "index.html").write_text("<html>")
    (out / ".robot.lock").write_text("")
    (out / "cron.log").write_text("log")
    (out / ancient).write_text("a file named like a run")  # not a folder
    notes = out / "notes"
    notes.mkdir()
    (notes / "run.json").write_text("{}")
    for name in (f"{ancient}-old", f"x{ancient}", ancient[:8], f"{ancient}-0"):
        (out / name).mkdir()
    elsewhere = make_run(tmp_path / "elsewhere", ancient, run_record([]))
    link_name = stamp(4000)
    (out / link_name).symlink_to(elsewhere, target_is_directory=True)
    before = sorted(p.name for p in out.iterdir())

    assert prune(out, Retention(), NOW) == []
    assert sorted(p.name for p in out.iterdir()) == before
    assert (elsewhere / "run.json").is_file(), "a symlink's target is never followed"


def test_prune_keeps_a_folder_whose_age_cannot_be_told(tmp_path: Path) -> None:
    d = make_run(tmp_path, "20241399T000000Z", "{broken")
    assert prune(tmp_path, Retention(changed_days=1, unchanged_days=1), NOW) == []
    assert d.is_dir()


def test_prune_of_a_missing_folder_is_nothing(tmp_path: Path) -> None:
    assert prune(tmp_path / "nope", Retention(), NOW) == []


def test_prune_takes_a_naive_now_as_utc(tmp_path: Path) -> None:
    d = make_run(tmp_path, stamp(91), run_record([]))
    assert prune(tmp_path, Retention(), NOW.replace(tzinfo=None)) == [d]


def test_prune_errors_raise_or_go_to_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_run(tmp_path, stamp(200), run_record([]))
    second = make_run(tmp_path, stamp(100), run_record([]))
    real_rmtree = shutil.rmtree

    def flaky(path: Path, *a: object, **kw: object) -> None:
        if Path(path) == first:
            raise PermissionError(13, "Permission denied", str(path))
        real_rmtree(path, *a, **kw)

    monkeypatch.setattr(history.shutil, "rmtree", flaky)
    with pytest.raises(PermissionError):
        prune(tmp_path, Retention(), NOW)
    seen: list[Path] = []
    assert prune(tmp_path, Retention(), NOW, on_error=lambda p, e: seen.append(p)) == [second]
    assert seen == [first] and first.is_dir() and not second.exists()


# --- Retention ------------------------------------------------------------------------------------


def test_retention_defaults() -> None:
    assert Retention() == Retention(changed_days=2190, unchanged_days=90)
    assert Retention().days_for(True) == 2190 and Retention().days_for(False) == 90


@pytest.mark.parametrize("bad", [0, -1, True, "90", 1.5, None])
def test_retention_rejects_bad_days(bad: object) -> None:
    with pytest.raises(ConfigError, match=r"retention\.unchanged_days: give a whole number of days"):
        Retention(unchanged_days=bad)  # type: ignore[arg-type]


def test_retention_from_config() -> None:
    assert Retention.from_config(None) == Retention()
    assert Retention.from_config({"unchanged_days": 30}) == Retention(2190, 30)
    assert Retention.from_config({"changed_days": 3000, "unchanged_days": None}) == Retention(3000, 90)
    with pytest.raises(ConfigError, match="robot.yaml: retention: unknown key 'changed'"):
        Retention.from_config({"changed": 5})
    with pytest.raises(ConfigError, match=r"robot.yaml: retention\.changed_days: give a whole number"):
        Retention.from_config({"changed_days": "six years"})
    with pytest.raises(ConfigError, match="expected a mapping"):
        Retention.from_config(["changed_days"])  # type: ignore[arg-type]


# --- index.html -----------------------------------------------------------------------------------


class Index(HTMLParser):
    """Rows of the runs table (by aria-label), their text, links, and anything that loads or runs."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[str] = []
        self.row_class: dict[str, str] = {}
        self.text: dict[str, str] = {}
        self.hrefs: list[str] = []
        self.scripts = 0
        self.external: list[str] = []
        self._row: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and "run" in (a.get("class") or "").split():
            self._row = a.get("aria-label") or ""
            self.rows.append(self._row)
            self.row_class[self._row] = a.get("class") or ""
            self.text[self._row] = ""
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "img", "iframe", "object", "embed") or (a.get("src")):
            self.external.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self.text[self._row] += data


def squash(text: str) -> str:
    return " ".join(text.split())


def test_index_lists_every_run_newest_first_with_counts_links_and_marks(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    ok = make_run(out, "20310501T023000Z", run_record(["configured", "configured", "already-configured"]))
    same_second = make_run(out, "20310501T023000Z-2", run_record(["already-configured"], mode="dry-run"))
    failed = make_run(out, "20310502T023000Z", run_record(["failed", "configured"], exit_code=1))
    refused = make_run(out, "20310503T023000Z", run_record([], exit_code=2, error="the portal refused the login"))
    broken = make_run(out, "20310504T023000Z", "{half a file", report=False)
    interrupted = make_run(out, "20310430T023000Z", run_record(["configured"], exit_code=143, error="stopped by SIGTERM"))
    make_run(out, "old-copy", run_record([]))  # not a run folder: not listed
    (out / ".robot.lock").write_text("")

    path = write_index(out)
    assert path == out / "index.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    page = Index(path.read_text(encoding="utf-8"))

    assert page.rows == [broken.name, refused.name, failed.name, same_second.name, ok.name, interrupted.name]
    assert page.hrefs == [f"{d.name}/report.html" for d in (refused, failed, same_second, ok, interrupted)]
    text = {k: squash(v) for k, v in page.text.items()}
    assert "2 configured" in text[ok.name] and "1 already-configured" in text[ok.name]
    assert "2031-05-01 02:30:00 UTC" in text[ok.name]
    assert "dry-run" in text[same_second.name]
    assert "1 failed" in text[failed.name]
    assert "the portal refused the login" in text[refused.name]
    assert "unreadable" in text[broken.name] and "no report" in text[broken.name]
    for needs in (failed, refused, broken, interrupted):
        assert "attn" in page.row_class[needs.name].split(), needs.name
    for fine in (ok, same_second):
        assert "attn" not in page.row_class[fine.name].split(), fine.name
        assert "needs attention" not in text[fine.name]
    assert "needs attention" in text[failed.name] and "needs attention" in text[refused.name]
    assert page.scripts == 0 and page.external == []
    assert "4 runs need attention" in squash(path.read_text(encoding="utf-8"))


def test_a_sandbox_run_is_marked_as_such_in_the_index_and_a_real_one_is_not(tmp_path: Path) -> None:
    sandbox = run_record(["configured"])
    sandbox["sites"]["sandbox"] = True
    killed = {**sandbox, "finished": None}  # its first run.json, as a killed run leaves it
    make_run(tmp_path, "20310501T000000Z", sandbox)
    make_run(tmp_path, "20310502T000000Z", run_record(["configured"]))
    make_run(tmp_path, "20310503T000000Z", killed)
    text = {k: squash(v) for k, v in Index(write_index(tmp_path).read_text(encoding="utf-8")).text.items()}
    assert "sandbox: no real site" in text["20310501T000000Z"] and "sandbox: no real site" in text["20310503T000000Z"]
    assert "sandbox" not in text["20310502T000000Z"]


def test_index_escapes_hostile_text(tmp_path: Path) -> None:
    rec = run_record(["configured"], exit_code=2, error=f"portal said {HOSTILE}", mode='run"><img src=x onerror=alert(1)>')
    rec["counts"] = {'"><script>alert(2)</script>': 1, "configured": 1}
    make_run(tmp_path, "20310501T000000Z", rec)
    html = write_index(tmp_path).read_text(encoding="utf-8")
    page = Index(html)
    assert page.scripts == 0 and page.external == []
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "portal said <script>alert(1)</script>" in squash(page.text["20310501T000000Z"])


@pytest.mark.parametrize(
    "weird",
    [
        '{"started": 5, "mode": ["run"], "exit_code": "0", "error": {"x": 1}, "counts": [1, 2]}',
        '{"counts": {"configured": "many", "failed": true}}',
        "null",
        "\xff",
    ],
)
def test_index_tolerates_odd_run_json(tmp_path: Path, weird: str) -> None:
    make_run(tmp_path, "20310501T000000Z", weird)
    page = Index(write_index(tmp_path).read_text(encoding="utf-8"))
    assert page.rows == ["20310501T000000Z"]


def test_index_with_no_runs(tmp_path: Path) -> None:
    html = write_index(tmp_path / "runs").read_text(encoding="utf-8")
    assert "No runs yet" in html


def test_index_is_rewritten_not_appended(tmp_path: Path) -> None:
    make_run(tmp_path, "20310501T000000Z", run_record([]))
    write_index(tmp_path)
    make_run(tmp_path, "20310502T000000Z", run_record([]))
    page = Index(write_index(tmp_path).read_text(encoding="utf-8"))
    assert page.rows == ["20310502T000000Z", "20310501T000000Z"]
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    assert os.listdir(tmp_path).count("index.html") == 1
