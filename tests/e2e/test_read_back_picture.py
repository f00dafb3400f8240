"""Where the portal answers Save in place, the after picture is of the section as saved, beside the answer;
the account is then opened again from the server and read back, and pictured again only where that
read-back differs from what was saved (robot.procedure.verify)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from robot_helpers import run_robot, sandbox_settings

import robot.rules
from robot.sandbox import Faults, Sandbox

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("skin", ["modern", "default"])
def test_a_read_back_that_differs_is_pictured_as_the_portal_holds_it(skin: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    verify = robot.rules.verify
    monkeypatch.setattr(robot.rules, "verify", lambda changes, address, after: [
        *verify(changes, address, after), "Direct Address reads 'someone.else@direct.example.com' after Save"])
    with Sandbox(skin=skin, providers=3, faults=Faults(gates={}, cookie_banner=set())) as sb:
        run = run_robot(sb, tmp_path, settings=sandbox_settings(skin=skin), only=frozenset(list(sb.state.accounts)[:1]))
    [provider] = [p for p in run.record["providers"] if p["status"] not in ("excluded", "not-provisioned")]
    assert provider["status"] == "failed" and "someone.else" in provider["error"], provider
    afters = [x for x in provider["pictures"] if x["kind"] == "after"]
    if skin == "modern":  # answered in place: the section as saved with its answer, then as read back
        assert [Path(x["path"]).name.split("-", 2)[2] for x in afters] == ["18-after.png", "18-read-back.png"]
        assert "as saved" in afters[0]["caption"] and "not as saved" in afters[1]["caption"]
    else:  # the Save loaded the account's page: its after picture is already the portal's
        assert len(afters) == 1 and "as the portal holds it" in afters[0]["caption"]
    for x in afters:
        with Image.open(run.dir / x["path"]) as picture:
            assert picture.width > 300 and picture.height > 300  # the section, not a sliver
