"""The portal page is watched for a cookie banner (a look into the page before every action) only until a few
providers have passed with none; a page that showed one stays watched (robot.session.Session.housekeeping)."""

from __future__ import annotations

from pathlib import Path

import pytest
from robot_helpers import run_robot, sandbox_settings

from robot.sandbox import Faults, Sandbox
from robot.session import BANNER_WATCH

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("banner", [False, True], ids=["no-banner", "banner"])
def test_the_banner_watch_ends_only_where_no_banner_came(banner: bool, tmp_path: Path) -> None:
    faults = Faults(gates={}, cookie_banner={"portal"} if banner else set())
    with Sandbox(providers=BANNER_WATCH + 3, faults=faults) as sb:
        run = run_robot(sb, tmp_path, settings=sandbox_settings())
        configured = [p for p in run.record["providers"] if p["status"] == "configured"]
        assert len(configured) >= BANNER_WATCH + 1
        assert all(sb.state.accounts[p["npi"]].poll_direct for p in configured)  # as the portal holds them
    log = (run.dir / "robot.log").read_text()
    assert log.count('"cookie banner watch ended"') == (0 if banner else 1)
    assert ('"cookie banner dismissed"' in log) is banner
