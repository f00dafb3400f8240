"""The robot end to end in headless Chromium against the sandbox, judged by the sandbox's server-side state."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from robot_helpers import ROOT, SeededRun, check_against_portal, leaks, run_robot, sandbox_settings, snapshot

from pages.account import UserAccountPage
from robot.sandbox import Faults, Sandbox, SKINS

pytestmark = pytest.mark.e2e
ON_EVERY_SKIN = pytest.mark.parametrize("sandbox_options", [{"skin": s} for s in SKINS], ids=list(SKINS))


def npi_of(sb: Sandbox, last_name: str) -> str:
    """The seeded provider's NPI, from MaxMD or (for a provider MaxMD shows without one) the portal."""
    for e in sb.state.maxmd_entries:
        if e.last_name == last_name and e.npi:
            return e.npi
    return next(u for u, a in sb.state.accounts.items() if a.last_name == last_name and a.access_type == "Clinician")


def maxmd_address(sb: Sandbox, last_name: str) -> str:
    return next(e.direct_address for e in sb.state.maxmd_entries if e.last_name == last_name)


READY = ("Okafor", "Lindqvist", "Herrera", "Ortiz")


def test_full_run_configures_every_ready_provider_and_leaves_the_rest(seeded_run: SeededRun) -> None:
    sandbox, before, run = seeded_run.sandbox, seeded_run.before, seeded_run.run

    handoff = run.handoff()
    for last in READY:
        npi = npi_of(sandbox, last)
        account = sandbox.state.account(npi)
        assert run.status(npi) == "configured", run.provider(npi)
        assert account.poll_direct and not account.emergency_access
        assert account.direct_address == maxmd_address(sandbox, last)
        # The passwords handed over are exactly the ones the portal now holds.
        assert handoff[npi]["portal_password"] == account.password
        assert handoff[npi]["direct_password"] == account.direct_password == account.password
        assert handoff[npi]["applied"] == "yes"
        assert account.saves == 1
        # Nothing else on the page was touched.
        assert (account.inactive, account.roles, account.username) == (before[npi].inactive, before[npi].roles, npi)

    expected = {
        "Raman": "already-configured",
        "Bello": "conflict",
        "Whitfield": "not-provisioned",
        "Cho": "waiting-for-cda",
        "Park": "not-provisioned",
    }
    for last, status in expected.items():
        assert run.status(npi_of(sandbox, last)) == status
    for last in ("Raman", "Bello", "Whitfield", "Park"):
        npi = npi_of(sandbox, last)
        assert sandbox.state.account(npi) == before[npi], f"{last}'s account must be left alone"
    bello = run.provider(npi_of(sandbox, "Bello"))
    assert maxmd_address(sandbox, "Bello") in bello["error"] and "cannot be changed" in bello["error"]
    # Patients, staff and administrators are never touched.
    for username, account in before.items():
        if account.access_type != "Clinician":
            assert sandbox.state.account(username) == account
    extra = sandbox.legacy_npis + sandbox.modern_npis + sandbox.spa_npis
    assert set(handoff) == {npi_of(sandbox, last) for last in READY} | set(extra)
    for npi in extra:  # the legacy rendering's extra providers, some beyond page 1 of the results
        assert run.status(npi) == "configured" and sandbox.state.account(npi).password == handoff[npi]["portal_password"]
    assert run.result.exit_code == 1  # the conflict needs a person
    assert "Report:" in run.stdout and "conflict" in run.stdout

    files = sorted(p.name for p in (run.dir / "screenshots").iterdir())
    assert files and files[0].startswith("001-practice-")
    assert [int(f[:3]) for f in files] == list(range(1, len(files) + 1))
    okafor = run.provider(npi_of(sandbox, "Okafor"))
    assert "found: Allow Emergency Access unchecked, Poll Direct Mailbox unchecked, Direct Address empty" in okafor["notes"]
    assert any(n.startswith("found: Allow Emergency Access checked") for n in run.provider(npi_of(sandbox, "Herrera"))["notes"])
    assert all((run.dir / s).is_file() for s in okafor["screenshots"])
    # ... and a log line for every seed step, in order.
    log = [json.loads(line) for line in (run.dir / "robot.log").read_text().splitlines()]
    steps = [e["step"] for e in log if e["event"] == "step" and e["who"] == okafor["npi"]]
    # A Save answered in place (the modern rendering) is followed by the account opened again from the server.
    again = ["verify: account opened again"] if sandbox.skin in ("modern", "spa") else []  # a Save answered in place
    assert steps == ["10-11 User Account Information", "10 open account", "11 User Account Information", "13-17 filled in",
                     "13 Change Password", "14 Allow Emergency Access left off", "15 Poll Direct Mailbox",
                     "16 Direct Address", "17 Direct Password", "18 Save", *again, "verify"], steps
    for name in ("run.json", "report.html", "robot.log", "handoff.csv"):
        assert (run.dir / name).is_file()


# Each status's evidence pictures (screenshots: evidence): kinds and the seed step each is named for.
EVIDENCE = {
    "configured": [("source", "5-source"), ("before", "11-before"), ("answer", "18-answer"), ("after", "18-after")],
    "already-configured": [("source", "5-source"), ("before", "11-before")],
    "conflict": [("source", "5-source"), ("before", "11-before")],
    "waiting-for-cda": [("source", "5-source")],
}


def test_each_status_gets_exactly_its_pictures(seeded_run: SeededRun) -> None:
    sandbox, run = seeded_run.sandbox, seeded_run.run
    for p in run.record["providers"]:
        expected = list(EVIDENCE.get(p["status"], [("source", "5-source")]))
        if p["status"] == "configured" and sandbox.skin == "legacy":
            expected.remove(("answer", "18-answer"))  # its answer is a JavaScript alert(): in the outcome's answer, in words
        if p["npi"] == npi_of(sandbox, "Park"):
            expected = []  # MaxMD does not list her: no entry to picture
        names = [Path(s).name for s in p["screenshots"]]
        assert [k for k, _ in expected] == [x["kind"] for x in p["pictures"]], (p["name"], p["pictures"])
        # A source is named as MaxMD shows the entry: by its NPI, or by its name where it shows none.
        whos = [_slug(p["name"]) if step == "5-source" and p["name"].split(",")[0] in _no_npi(sandbox) else p["npi"]
                for _, step in expected]
        assert [n.split("-", 1)[1] for n in names] == [f"{who}-{step}.png" for who, (_, step) in zip(whos, expected)], names
        assert names == sorted(names)  # numbered in the order they were taken
        assert all((run.dir / s).is_file() for s in p["screenshots"])
    # The practice: MaxMD's whole workflow list, once.
    kinds = [x["kind"] for x in run.record["practice"]["pictures"]]
    # The spa rendering's own gates (a code on MaxMD; a cookie banner and a notice on the portal), once each.
    expected = ["after login", "workflow list", "after login", "after login"] if sandbox.skin == "spa" else ["workflow list"]
    assert kinds == expected, kinds
    assert run.record["practice"]["workflow_list"] == run.record["practice"]["screenshots"][kinds.index("workflow list")]
    files = sorted(p.name for p in (run.dir / "screenshots").iterdir())
    kept = [s for p in run.record["providers"] for s in p["screenshots"]] + run.record["practice"]["screenshots"]
    assert sorted(Path(s).name for s in kept) == files  # no picture the record does not name


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _no_npi(sb: Sandbox) -> set[str]:
    return {f"{e.first_name} {e.last_name}" for e in sb.state.maxmd_entries if not e.npi}


def test_before_and_after_rows_match_the_portal(seeded_run: SeededRun) -> None:
    sandbox, before, run = seeded_run.sandbox, seeded_run.before, seeded_run.run
    for last in READY:
        npi = npi_of(sandbox, last)
        rows = {r["field"]: r for r in run.provider(npi)["fields"]}
        was, now = before[npi], sandbox.state.account(npi)
        box = {True: "checked", False: "unchecked"}
        assert (rows["Allow Emergency Access"]["before"], rows["Allow Emergency Access"]["after"]) == (
            box[was.emergency_access], box[now.emergency_access])
        assert (rows["Poll Direct Mailbox"]["before"], rows["Poll Direct Mailbox"]["after"]) == (box[was.poll_direct], box[now.poll_direct])
        assert (rows["Direct Address"]["before"], rows["Direct Address"]["after"]) == (was.direct_address or "", now.direct_address)
        assert rows["Portal password"]["after"] == rows["Direct password"]["after"] == "password set, see handoff"
        assert "Poll Direct Mailbox on" in run.provider(npi)["changed"]
    raman = run.provider(npi_of(sandbox, "Raman"))
    assert all(r["after"] is None for r in raman["fields"]) and raman["changed"] == ""


def test_emergency_access_already_on_ends_unchecked(seeded_run: SeededRun) -> None:
    npi = npi_of(seeded_run.sandbox, "Herrera")
    assert seeded_run.before[npi].emergency_access
    assert not seeded_run.sandbox.state.account(npi).emergency_access


def test_no_secret_leaves_the_handoff(seeded_run: SeededRun) -> None:
    run = seeded_run.run
    sb = seeded_run.sandbox
    assert len(run.handoff()) == 4 + len(sb.legacy_npis) + len(sb.modern_npis) + len(sb.spa_npis) and run.stdout
    assert leaks(run, seeded_run.sandbox) == []
    assert stat.S_IMODE(os.stat(run.dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(run.dir / "handoff.csv").st_mode) == 0o600


@ON_EVERY_SKIN
def test_second_run_changes_nothing_and_reports_already_configured(sandbox: Sandbox, tmp_path: Path) -> None:
    run_robot(sandbox, tmp_path / "first")
    after_first = snapshot(sandbox)
    second = run_robot(sandbox, tmp_path / "second")
    assert snapshot(sandbox) == after_first
    for last in READY + ("Raman",):
        assert second.status(npi_of(sandbox, last)) == "already-configured"
    assert second.handoff() == {}


@ON_EVERY_SKIN
def test_dry_run_fills_in_but_never_saves(sandbox: Sandbox, tmp_path: Path) -> None:
    before = snapshot(sandbox)
    run = run_robot(sandbox, tmp_path, dry_run=True)
    assert snapshot(sandbox) == before
    assert run.record["mode"] == "dry-run"
    for last in READY:
        assert run.status(npi_of(sandbox, last)) == "dry-run"
    assert run.handoff() == {}
    assert not any(method == "POST" and "/admin/users/" in path for site, method, path, status in sandbox.requests)
    # A dry run pictures the section filled in, since it is the last thing to see (password fields masked).
    okafor = run.provider(npi_of(sandbox, "Okafor"))
    assert [p["kind"] for p in okafor["pictures"]] == ["source", "before", "filled in"]
    assert Path(okafor["screenshots"][-1]).name.endswith(f"-{okafor['npi']}-13-17-filled-in.png")


def test_only_handles_just_the_named_provider(sandbox: Sandbox, tmp_path: Path) -> None:
    okafor, lindqvist = npi_of(sandbox, "Okafor"), npi_of(sandbox, "Lindqvist")
    run = run_robot(sandbox, tmp_path, only=frozenset({okafor}))
    assert [p["npi"] for p in run.record["providers"]] == [okafor]
    assert sandbox.state.account(okafor).poll_direct
    assert not sandbox.state.account(lindqvist).poll_direct
    assert run.result.exit_code == 0


def test_force_resets_an_already_configured_provider(sandbox: Sandbox, tmp_path: Path) -> None:
    raman = npi_of(sandbox, "Raman")
    old = sandbox.state.account(raman)
    run = run_robot(sandbox, tmp_path, only=frozenset({raman}), force=frozenset({raman}))
    new = sandbox.state.account(raman)
    assert run.status(raman) == "configured"
    assert new.password != old.password and new.password == run.handoff()[raman]["portal_password"]
    assert new.direct_address == old.direct_address  # never changed, forced or not


@ON_EVERY_SKIN
def test_refused_save_fails_that_provider_with_the_portals_words(sandbox: Sandbox, tmp_path: Path) -> None:
    okafor = npi_of(sandbox, "Okafor")
    sandbox.faults.refuse_save = {okafor}
    before = snapshot(sandbox)
    run = run_robot(sandbox, tmp_path, capture=True)
    assert sandbox.state.account(okafor) == before[okafor]  # zero applied changes, on every rendering
    check_against_portal(sandbox, run, before)
    outcome = run.provider(okafor)
    assert outcome["status"] == "failed"
    assert "Okafor" in outcome["error"] and "18 Save" in outcome["error"] and "MaxMD" in outcome["error"]
    # The advice follows the portal's words ("Try again later or contact support"), not a fixed sentence.
    assert "run again later, as the portal says" in outcome["error"] and "portal's support" in outcome["error"]
    # Where the address came from, the account as found, filled in just before the refused Save, the failure.
    assert [p["kind"] for p in outcome["pictures"]] == ["source", "before", "filled in", "failure"]
    assert [Path(s).name.split("-", 2)[2] for s in outcome["screenshots"]] == [
        "5-source.png", "11-before.png", "13-17-filled-in.png", "18-save-failed.png"]
    assert not sandbox.state.account(okafor).poll_direct
    assert run.handoff()[okafor]["applied"] == "no"
    assert run.status(npi_of(sandbox, "Lindqvist")) == "configured"  # the others go on
    assert run.result.exit_code == 1
    assert leaks(run, sandbox) == []  # the error path leaks nothing either


def test_handoff_row_is_on_disk_before_save_is_clicked(sandbox: Sandbox, tmp_path: Path, monkeypatch) -> None:
    seen: list[str] = []
    original = UserAccountPage.save

    def save_after_looking(self: UserAccountPage, **kwargs):
        run_dir = next(p for p in tmp_path.iterdir() if p.is_dir())
        mode = stat.S_IMODE(os.stat(run_dir / "handoff.csv").st_mode)
        assert mode == 0o600
        with open(run_dir / "handoff.csv", newline="") as f:
            seen.append(list(csv.DictReader(f))[-1]["applied"])
        return original(self, **kwargs)

    monkeypatch.setattr(UserAccountPage, "save", save_after_looking)
    run = run_robot(sandbox, tmp_path)
    assert len(seen) == len(READY)
    assert all(applied == "pending" for applied in seen)
    assert all(row["applied"] == "yes" for row in run.handoff().values())


@ON_EVERY_SKIN
def test_a_save_answered_with_5xx_but_applied_is_recorded_once(sandbox: Sandbox, tmp_path: Path) -> None:
    okafor = npi_of(sandbox, "Okafor")
    sandbox.faults.save_5xx = {okafor}
    run = run_robot(sandbox, tmp_path)
    account = sandbox.state.account(okafor)
    assert run.status(okafor) == "configured"
    assert account.saves == 1  # read back, not saved twice
    assert run.handoff()[okafor]["portal_password"] == account.password
    assert run.handoff()[okafor]["applied"] == "yes"
    # Its pictures: where the address came from, the account as first found, filled in before the Save whose
    # answer was lost, that failure, and the account as the portal holds it (the before is not taken twice).
    outcome = run.provider(okafor)
    assert [p["kind"] for p in outcome["pictures"]] == ["source", "before", "filled in", "failure", "after"]
    rows = {r["field"]: (r["before"], r["after"]) for r in outcome["fields"]}
    assert rows["Poll Direct Mailbox"] == ("unchecked", "checked")  # before as first found, after as now
    assert rows["Portal password"] == ("not shown by the portal", "password set, see handoff")


@pytest.mark.parametrize("skin", SKINS)
def test_an_expired_session_is_logged_into_again(tmp_path: Path, skin: str) -> None:
    with Sandbox(faults=Faults(session_expiry_after=12), skin=skin) as sb:
        run = run_robot(sb, tmp_path)
        for last in READY:
            npi = npi_of(sb, last)
            assert run.status(npi) == "configured", run.provider(npi)
            assert sb.state.account(npi).password == run.handoff()[npi]["portal_password"]


def test_step_12_edits_are_applied_and_remind_of_resources_setup(sandbox: Sandbox, tmp_path: Path) -> None:
    okafor = npi_of(sandbox, "Okafor")
    config = tmp_path / "config"
    config.mkdir()
    (config / "robot.yaml").write_text((ROOT / "config" / "robot.yaml").read_text())
    (config / "providers.yaml").write_text(
        f'providers:\n  - npi: "{okafor}"\n    display_name: Dr. Jane Okafor\n    email: jane@brightsideeye.com\n'
    )
    run = run_robot(sandbox, tmp_path / "runs", settings=sandbox_settings(config))
    account = sandbox.state.account(okafor)
    assert (account.display_name, account.email) == ("Dr. Jane Okafor", "jane@brightsideeye.com")
    assert run.provider(okafor)["resources_setup_reminder"] is True
    assert "Resources Setup" in (run.dir / "report.html").read_text()
    assert run.provider(npi_of(sandbox, "Lindqvist"))["resources_setup_reminder"] is False


def test_a_refused_administrator_login_stops_the_run_with_exit_2(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    before = snapshot(sandbox)
    sandbox.portal_password = "not-the-password-1A!"
    run = run_robot(sandbox, tmp_path, capsys)
    assert run.result.exit_code == 2
    assert "portal login refused" in run.record["error"]
    assert any("log-in-to-portal" in s for s in run.record["practice"]["screenshots"])
    assert snapshot(sandbox) == before


def test_a_site_that_does_not_answer_stops_the_run_with_exit_2(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    run = run_robot(sandbox, tmp_path, capsys, maxmd_url="http://127.0.0.1:9/login")
    assert run.result.exit_code == 2
    assert "http://127.0.0.1:9/login" in run.record["error"] and "did not answer" in run.record["error"]


def test_the_command_line_runs_the_sandbox_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_"))}
    done = subprocess.run(
        [sys.executable, "-m", "robot", "--sandbox", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1, done.stderr  # the seeded practice holds one conflict on purpose
    assert done.stdout.splitlines()[0].startswith("--sandbox: running against the embedded sandbox")
    assert "Report:" in done.stdout and "configured" in done.stdout
    report = Path(done.stdout.split("Report:")[1].split()[0])
    assert report.is_file() and report.parent.parent == tmp_path
    assert "<title>SANDBOX" in report.read_text()


def test_an_unattended_run_with_no_site_never_runs_the_sandbox(tmp_path: Path) -> None:
    """As cron or systemd start it: no terminal, and no MAXMD_URL / PORTAL_URL (a missing .env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_"))}
    done = subprocess.run(
        [sys.executable, "-m", "robot", "--out", str(tmp_path / "runs"), "--config", str(ROOT / "config" / "robot.yaml")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: no site configured") and "MAXMD_URL" in line and str(tmp_path / ".env") in line
    assert not (tmp_path / "runs").exists()  # nothing ran, nothing was written


def test_a_browser_that_will_not_start_stops_the_run_with_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAXMD_", "PORTAL_"))}
    env["ROBOT_BROWSER_PATH"] = "/bin/false"
    done = subprocess.run(
        [sys.executable, "-m", "robot", "--sandbox", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "did not start" in done.stdout and "Traceback" not in done.stdout + done.stderr
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert "did not start" in (run_dir / "run.json").read_text()


def test_a_second_run_while_one_is_going_exits_2_naming_its_pid(tmp_path: Path, capsys, monkeypatch) -> None:
    from robot.cli import main
    from robot.lock import RunLock

    for var in ("MAXMD_URL", "PORTAL_URL"):
        monkeypatch.delenv(var, raising=False)
    with RunLock.for_out(tmp_path):
        code = main(["--sandbox", "--out", str(tmp_path), "--config", str(ROOT / "config" / "robot.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and f"PID {os.getpid()}" in err
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]  # no run folder was started
