"""Issue 24, messages by cause and ``--only`` means only, in a real headless Chromium against the sandbox:
each case is judged by what the sandbox's server saw (its request log, its accounts), not by the page alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from robot_helpers import run_robot, snapshot

from robot.sandbox import SEEDED_NPIS, Sandbox

LINDQVIST, ORTIZ, PARK = SEEDED_NPIS["Marcus Lindqvist"], SEEDED_NPIS["Samuel Ortiz"], SEEDED_NPIS["Helen Park"]
UNKNOWN = "1245319599"  # passes the check digit; neither site has it


def accounts_opened(sb: Sandbox) -> set[str]:
    """The usernames whose account page the portal served or was sent (GET or POST), by its request log."""
    prefix = "/admin/users/"
    return {r[2][len(prefix):].split("?")[0] for r in sb.requests if r[0] == "portal" and r[2].startswith(prefix)}


def test_only_opens_no_account_but_the_one_asked_for(tmp_path: Path) -> None:
    # MaxMD shows Samuel Ortiz without an NPI: a full run opens the unmatched accounts to read their names.
    with Sandbox() as sb:
        run = run_robot(sb, tmp_path, capture=True, only=frozenset({LINDQVIST}))
        assert run.result.exit_code == 0, run.record["error"]
        assert accounts_opened(sb) == {LINDQVIST}
        assert [p["npi"] for p in run.record["providers"]] == [LINDQVIST]


def test_a_provider_matched_by_name_is_handled_under_only_when_its_npi_is_asked_for(tmp_path: Path) -> None:
    with Sandbox() as sb:
        run = run_robot(sb, tmp_path, capture=True, only=frozenset({ORTIZ}))
        assert run.result.exit_code == 0, run.record["error"]
        assert run.status(ORTIZ) == "configured"
        assert sb.state.account(ORTIZ).poll_direct
        assert accounts_opened(sb) == {ORTIZ}, "Helen Park's account (unmatched too) was opened"


@pytest.mark.parametrize("flag", ["only", "force"])
def test_an_npi_neither_site_lists_stops_the_run_with_exit_2_naming_it(tmp_path: Path, flag: str) -> None:
    with Sandbox() as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True, **{flag: frozenset({UNKNOWN})})
        assert run.result.exit_code == 2
        error = run.record["error"]
        assert f"--{flag} {UNKNOWN}" in error and "neither MaxMD nor the portal lists" in error, error
        assert accounts_opened(sb) == set(), "no account is opened for an NPI nobody lists"
        assert snapshot(sb) == before
        assert run.record["providers"] == []
