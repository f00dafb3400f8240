"""A conflict nobody can resolve today, acknowledged in providers.yaml: reported, left alone, exit 0;
an acknowledgement that no longer matches what the sites show, or past its look-again date, is a conflict again."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from robot_helpers import ROOT, run_robot, sandbox_settings, snapshot

from robot.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def _bello(sb: Sandbox) -> tuple[str, str, str]:
    """The seeded provider in conflict on purpose: her NPI, the address MaxMD shows, the one her account holds."""
    entry = next(e for e in sb.state.maxmd_entries if e.last_name == "Bello")
    held = sb.state.account(entry.npi).direct_address
    assert entry.direct_address and held and entry.direct_address != held  # the seed's conflict
    return entry.npi, entry.direct_address, held


def _config(tmp_path: Path, npi: str, maxmd: str, account: str, look_again: date | None = None) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "robot.yaml").write_text((ROOT / "config" / "robot.yaml").read_text())
    (config / "providers.yaml").write_text(
        f'providers:\n  - npi: "{npi}"\n    acknowledged_conflict:\n'
        f"      maxmd_address: {maxmd}\n      account_address: {account}\n"
        '      reason: "portal support case 4411: the old mailbox is being moved"\n'
        + (f"      look_again: {look_again.isoformat()}\n" if look_again else "")
    )
    return config


def test_an_acknowledged_conflict_is_reported_left_alone_and_the_run_exits_0(sandbox: Sandbox, tmp_path: Path) -> None:
    npi, maxmd, held = _bello(sandbox)
    config = _config(tmp_path, npi, maxmd, held, look_again=date.today() + timedelta(days=30))
    before = snapshot(sandbox)
    run = run_robot(sandbox, tmp_path / "runs", settings=sandbox_settings(config), capture=True)
    assert run.result.exit_code == 0, (run.stdout, run.record["providers"])
    bello = run.provider(npi)
    assert bello["status"] == "acknowledged-conflict" and bello["error"] is None
    note = " ".join(bello["notes"])
    assert "portal support case 4411" in note and held in note and maxmd in note
    assert sandbox.state.account(npi) == before[npi]  # the account untouched, server-side
    assert run.record["counts"]["acknowledged-conflict"] == 1 and "conflict" not in run.record["counts"]
    assert [p["kind"] for p in bello["pictures"]] == ["source", "before"]  # pictured as found, like a conflict
    assert "acknowledged-conflict" in (run.dir / "report.html").read_text()
    assert "acknowledged-conflict" in (tmp_path / "runs" / "index.html").read_text()
    assert "acknowledged-conflict" in run.stdout


def test_an_acknowledgement_the_sites_no_longer_match_is_a_conflict_again(sandbox: Sandbox, tmp_path: Path) -> None:
    npi, maxmd, held = _bello(sandbox)
    config = _config(tmp_path, npi, maxmd, held)
    with sandbox.state.lock:  # the portal's support moved her account to yet another address since
        sandbox.state.accounts[npi].direct_address = "aisha.b@" + held.partition("@")[2]
    before = snapshot(sandbox)
    run = run_robot(sandbox, tmp_path / "runs", settings=sandbox_settings(config), capture=True)
    assert run.result.exit_code == 1
    bello = run.provider(npi)
    assert bello["status"] == "conflict"
    assert "no longer matches" in bello["error"] and "aisha.b@" in bello["error"] and held in bello["error"]
    assert sandbox.state.account(npi) == before[npi]  # still never overwritten


def test_an_acknowledgement_past_its_look_again_date_is_a_conflict_again(sandbox: Sandbox, tmp_path: Path) -> None:
    npi, maxmd, held = _bello(sandbox)
    past = date.today() - timedelta(days=1)
    config = _config(tmp_path, npi, maxmd, held, look_again=past)
    before = snapshot(sandbox)
    run = run_robot(sandbox, tmp_path / "runs", settings=sandbox_settings(config), capture=True)
    assert run.result.exit_code == 1
    bello = run.provider(npi)
    assert bello["status"] == "conflict"
    assert "look again" in bello["error"] and past.isoformat() in bello["error"]
    assert sandbox.state.account(npi) == before[npi]
