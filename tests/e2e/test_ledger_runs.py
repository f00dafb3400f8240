"""The practice's handoff ledger, in a real headless Chromium against the sandbox: after every run it lists the
passwords the portal holds now (checked against the sandbox's server-side accounts), never a refused
Save's, replaces a password a later run set, and ``python -m robot handoff`` hands them out."""

from __future__ import annotations

import html
from pathlib import Path

from robot_helpers import check_against_portal, clinicians, leaks, run_robot, snapshot

from robot import ledger
from robot.cli import main
from robot.sandbox import Sandbox


def portal_holds(sb: Sandbox, before: dict) -> dict[str, tuple[str, str]]:
    """Each Clinician account whose passwords are not those it had ``before``: what it holds now."""
    out = {}
    for npi, was in before.items():
        now = sb.state.account(npi)
        if was.access_type == "Clinician" and (now.password, now.direct_password) != (was.password, was.direct_password):
            out[npi] = (now.password, now.direct_password)
    return out


def test_the_ledger_lists_what_the_portal_holds_and_never_a_refused_save(tmp_path: Path) -> None:
    with Sandbox() as sb:
        refused = next(iter(clinicians(sb)))
        sb.faults.refuse_save = {refused}
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True)
        check_against_portal(sb, run, before)
        holds = portal_holds(sb, before)
        assert holds and refused not in holds
        entries = {e.npi: e for e in ledger.read(ledger.path_in(tmp_path, sandbox=True))}
        assert {n: (e.portal_password, e.direct_password) for n, e in entries.items()} == holds
        assert all(e.to_hand_out and e.run == run.dir.name and e.portal == sb.portal_url for e in entries.values())
        assert leaks(run, sb) == []
    name = run.provider(refused)["name"]
    lines = run.stdout.splitlines()
    assert any(refused in line and "do not hand out" in line and name in line for line in lines), run.stdout
    assert any(line.startswith(f"{len(holds)} providers with passwords to hand out: python -m robot handoff --sandbox --out {tmp_path}")
               for line in lines), run.stdout


def test_a_later_password_replaces_one_handed_out_and_the_command_hands_it_out(tmp_path: Path, capsys) -> None:
    with Sandbox() as sb:
        before = snapshot(sb)
        first = run_robot(sb, tmp_path, capture=True)
        check_against_portal(sb, first, before)
        npi = next(iter(portal_holds(sb, before)))
        assert main(["handoff", "--sandbox", "--out", str(tmp_path), "--given", npi]) == 0
        assert ledger.read(ledger.path_in(tmp_path, sandbox=True))[0].given_at
        again = snapshot(sb)
        second = run_robot(sb, tmp_path, capture=True, force=frozenset({npi}))
        assert second.status(npi) == "configured"
        check_against_portal(sb, second, again)
        entry = next(e for e in ledger.read(ledger.path_in(tmp_path, sandbox=True)) if e.npi == npi)
        now = sb.state.account(npi)
        assert (entry.portal_password, entry.direct_password, entry.run) == (now.password, now.direct_password, second.dir.name)
        assert entry.to_hand_out, "a new password is to hand out again, whoever had the old one"
        assert any(npi in line and "were replaced by this run's" in line for line in second.stdout.splitlines()), second.stdout
        assert not ledger.path_in(tmp_path).exists(), "the sandbox's passwords never enter the practice's ledger"
    capsys.readouterr()
    assert main(["handoff", "--sandbox", "--out", str(tmp_path), "--sheet", npi]) == 0
    sheet = (tmp_path / "handoff-sheets-sandbox.html").read_text()
    assert html.escape(now.password) in sheet and second.provider(npi)["direct_address"] in sheet
    assert main(["handoff", "--sandbox", "--out", str(tmp_path)]) == 0
    assert now.password not in capsys.readouterr().out


def test_a_dry_run_adds_nothing_and_a_later_run_with_nothing_to_set_still_counts_what_waits(tmp_path: Path) -> None:
    with Sandbox() as sb:
        run = run_robot(sb, tmp_path, capture=True, dry_run=True)
        assert "passwords to hand out" not in run.stdout
        assert not ledger.path_in(tmp_path, sandbox=True).exists()
        before = snapshot(sb)
        run_robot(sb, tmp_path, capture=True)
        waiting = len(portal_holds(sb, before))
        again = run_robot(sb, tmp_path, capture=True)  # every account configured now: no row of its own
        assert "configured" not in again.record["counts"] and not again.handoff()
    assert f"{waiting} providers with passwords to hand out" in again.stdout, again.stdout
