"""``--workers N``: N browser contexts, each with its own login, share the providers of one run,
which still leaves one handoff, one run.json and one report (server-side state checked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from robot_helpers import leaks, run_robot

from pages.portal import UserSearchPage
from robot.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def test_three_workers_share_the_providers_of_one_run(tmp_path: Path) -> None:
    with Sandbox(providers=9) as sb:
        alone = [e.npi for e in sb.state.maxmd_entries]
        run = run_robot(sb, tmp_path, capture=True, workers=3)
        assert run.result.exit_code == 0, run.stdout
        # Every provider configured exactly as the one handoff says, on the server.
        handoff = run.handoff()
        assert set(handoff) == set(alone)
        for npi, row in handoff.items():
            account = sb.state.account(npi)
            assert row["applied"] == "yes" and account.saves == 1
            assert account.password == row["portal_password"] and account.direct_password == row["direct_password"]
            assert account.poll_direct and not account.emergency_access and account.direct_address
        # Three logins to the portal, one a worker, each its own session; one run folder.
        logins = [r for r in sb.requests if r[0] == "portal" and r[1] == "POST" and r[2] == "/login"]
        assert len(logins) == 3
        assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [run.dir.name]
        # run.json lists the providers in the plan's order (MaxMD's), whoever did them.
        assert [p["npi"] for p in run.record["providers"]] == alone
        # Screenshots: numbered once across workers, and in step order within each provider.
        files = sorted(p.name for p in (run.dir / "screenshots").iterdir())
        assert [int(f[:3]) for f in files] == list(range(1, len(files) + 1))
        for p in run.record["providers"]:
            steps = [Path(s).name.split("-", 2)[2] for s in p["screenshots"]]
            assert steps == ["5-source.png", "11-before.png", "18-answer.png", "18-after.png"], steps
        # Each worker logged in on its own (the log names it); each provider was handled once, by
        # whichever worker took it (which one is the machine's business, not the test's).
        log = [json.loads(line) for line in (run.dir / "robot.log").read_text().splitlines()]
        logged_in = {e.get("worker", "") for e in log if e["event"] == "step" and e["step"] == "log in to portal"}
        assert logged_in == {"", "worker 2", "worker 3"}
        handled = [e["npi"] for e in log if e["event"] == "provider"]
        assert sorted(handled) == sorted(alone)
        assert leaks(run, sb) == []
        assert (run.dir / "report.html").read_text().count("<article") == len(alone) + 1


def test_workers_never_exceed_the_providers(tmp_path: Path) -> None:
    with Sandbox(providers=2) as sb:
        run = run_robot(sb, tmp_path, capture=True, workers=4)
        assert run.result.exit_code == 0
        logins = [r for r in sb.requests if r[0] == "portal" and r[1] == "POST" and r[2] == "/login"]
        assert len(logins) == 2  # a worker with nothing to do does not start


def test_an_address_that_opens_another_account_is_never_trusted(tmp_path: Path, monkeypatch) -> None:
    """A portal whose link addresses do not hold (they depend on the session, say): each account is
    checked to be the provider's own before anything is typed, and opened by its link otherwise."""
    real = UserSearchPage.account_links

    def shifted(self: UserSearchPage) -> list[tuple[str, str]]:
        links = real(self)
        hrefs = [href for _, href in links]
        return [(name, hrefs[(i + 1) % len(hrefs)]) for i, (name, _) in enumerate(links)]  # each one off by one

    monkeypatch.setattr(UserSearchPage, "account_links", shifted)
    with Sandbox(providers=4) as sb:
        run = run_robot(sb, tmp_path, capture=True, workers=2)
        assert run.result.exit_code == 0, run.stdout
        for npi, row in run.handoff().items():
            account = sb.state.account(npi)
            assert account.saves == 1 and account.password == row["portal_password"], npi
            assert account.direct_address == next(e.direct_address for e in sb.state.maxmd_entries if e.npi == npi)
        log = (run.dir / "robot.log").read_text()
        assert log.count("the account's address opened another page") == 4
