"""Where the portal answers Save in place, the account is read back by a fetch of its page, without loading it into
the window, once the first accounts of the run read alike fetched and loaded (robot.readback). A Save that the
portal answers as saved but that drops a field is still found: the account is then opened again, and judged and
pictured as loaded. A portal whose account page its scripts build is never read that way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from robot_helpers import run_robot, sandbox_settings

from robot.readback import CALIBRATE
from robot.sandbox import Faults, Sandbox

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("skin", ["modern", "spa"])
def test_a_read_back_by_fetch_once_trusted_and_a_dropped_field_still_found(skin: str, tmp_path: Path) -> None:
    saves: list[str] = []
    faults = Faults(gates={}, cookie_banner=set())

    def before_save(username: str) -> None:  # the fifth Save, after the first three calibrated it, drops a field
        saves.append(username)
        if len(saves) == CALIBRATE + 2:
            faults.save_drops_poll.add(username)

    faults.before_save = before_save
    with Sandbox(skin=skin, providers=CALIBRATE + 3, faults=faults) as sb:
        run = run_robot(sb, tmp_path, settings=sandbox_settings(skin=skin))
        held = {u: sb.state.account(u) for u in saves}
    assert len(saves) == CALIBRATE + 3, saves
    providers = {p["npi"]: p for p in run.record["providers"]}
    dropped = saves[CALIBRATE + 1]
    assert providers[dropped]["status"] == "failed" and "Poll Direct Mailbox is not checked" in providers[dropped]["error"]
    assert not held[dropped].poll_direct  # type: ignore[attr-defined]
    names = [Path(x["path"]).name.split("-", 2)[2] for x in providers[dropped]["pictures"] if x["kind"] == "after"]
    assert names == ["18-after.png", "18-read-back.png"]  # judged and pictured as loaded, not as fetched
    for username in saves:
        if username != dropped:
            account, p = held[username], providers[username]
            assert p["status"] == "configured", p
            assert account.poll_direct and not account.emergency_access and account.direct_address == p["direct_address"]  # type: ignore[attr-defined]
    log = [json.loads(line) for line in (run.dir / "robot.log").read_text().splitlines()]
    fetched = [line["who"] for line in log if line["event"] == "read back" and line.get("how") == "fetched"]
    off = [line for line in log if line["event"].startswith("read back by fetch off")]
    if skin == "modern":  # the account page is the server's HTML: read by a fetch after the first three
        assert fetched == [saves[CALIBRATE], saves[CALIBRATE + 2]] and off == []
    else:  # the spa's account page is built by its scripts: not read as fetched, so every account is opened again
        assert fetched == [] and len(off) == 1 and off[0]["when"] == "found", off
