"""The portal page is watched for a cookie banner (a look into the page before every action) only until a few
providers have passed with none; a page that showed one stays watched (robot.session.Session.housekeeping). After
that, one look before each picture of an account finds a banner that came later (Session.clear_view)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
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


BAR = (0x26, 0x32, 0x38)  # the modern rendering's cookie bar (robot.sandbox._gates.BAR): 38% of the window


@pytest.mark.parametrize("skin", ["modern", "default"])
def test_a_banner_that_comes_after_the_watch_ended_is_dismissed_before_the_accounts_next_picture(skin: str, tmp_path: Path) -> None:
    faults = Faults(gates={}, cookie_banner=set())
    saves: list[str] = []

    def before_save(username: str) -> None:  # the portal shows its banner from the Save after the watch ended
        saves.append(username)
        if len(saves) == BANNER_WATCH + 1:
            faults.cookie_banner = {"portal"}

    faults.before_save = before_save
    with Sandbox(skin=skin, providers=BANNER_WATCH + 4, faults=faults) as sb:
        run = run_robot(sb, tmp_path, settings=sandbox_settings(skin=skin))
        held = {u: sb.state.account(u) for u in saves}
    assert len(saves) == BANNER_WATCH + 4
    providers = {p["npi"]: p for p in run.record["providers"]}
    for username in saves:
        assert providers[username]["status"] == "configured", providers[username]
        assert held[username].poll_direct and not held[username].emergency_access  # type: ignore[attr-defined]
    events = [json.loads(line)["event"] for line in (run.dir / "robot.log").read_text().splitlines()]
    ended, came = events.index("cookie banner watch ended"), events.index("cookie banner over a picture of the account: dismissed, the picture taken again")
    assert ended < came and "cookie banner dismissed" in events[came - 6:came]
    if skin == "modern":  # no picture of an account lies under the bar
        for p in providers.values():
            for x in p["pictures"]:
                if x["kind"] in ("before", "after"):
                    with Image.open(run.dir / x["path"]) as picture:
                        covered = sum(n for n, colour in picture.convert("RGB").getcolors(1 << 20) or [] if colour == BAR)
                    assert covered < 500, (x["path"], covered)
