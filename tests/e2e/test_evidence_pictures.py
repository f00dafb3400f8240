"""The audit trail's pictures on every rendering: secrets unreadable in every one of them, whatever
the screenshots mode, and the report's before -> after rows true to the portal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Page
from robot_helpers import ROOT, SeededRun, run_robot, sandbox_settings

from robot.sandbox import SKINS, Faults, Sandbox

pytestmark = pytest.mark.e2e


def _shows_secret_colour(path: Path) -> bool:
    """Whether a picture holds pixels of the colour the sandbox writes secrets in (#ff00ff), antialiased or not."""
    r, g, b = Image.open(path).convert("RGB").split()
    hot = ImageChops.multiply(ImageChops.multiply(r.point(lambda v: 255 if v > 170 else 0), g.point(lambda v: 255 if v < 110 else 0)),
                              b.point(lambda v: 255 if v > 170 else 0))
    return hot.getbbox() is not None


def test_the_colour_test_sees_a_secret_that_is_not_masked(page: Page, tmp_path: Path) -> None:
    page.set_content('<label>Change Password <input type=text style="color:#ff00ff;font-size:18px" value="Sb-Secret-9!"></label>')
    page.screenshot(path=tmp_path / "bare.png")
    assert _shows_secret_colour(tmp_path / "bare.png")


@pytest.mark.parametrize("skin", SKINS)
def test_no_picture_shows_a_secret_typed_into_a_text_field(skin: str, tmp_path: Path) -> None:
    """Password fields shown as text (a portal may), in every mode: a dry run pictures them filled in;
    a refused Save keeps the filled-in picture; every-step pictures each of steps 12-17."""
    settings = sandbox_settings(skin=skin)
    with Sandbox(skin=skin, providers=3, faults=Faults(secrets_as_text=True)) as sb:
        refused = next(u for u, a in sb.state.accounts.items() if a.access_type == "Clinician" and not a.poll_direct)
        sb.faults.refuse_save = {refused}
        runs = [
            run_robot(sb, tmp_path / "dry", settings=replace(settings, screenshots="every-step"), dry_run=True),
            run_robot(sb, tmp_path / "evidence", settings=settings),
        ]
    pictures = [p for run in runs for p in (run.dir / "screenshots").iterdir()]
    kinds = {x["kind"] for run in runs for p in run.record["providers"] for x in p["pictures"]}
    assert {"filled in", "step", "before", "failure"} <= kinds  # the pictures that show typed secrets were taken
    assert runs[1].status(refused) == "failed"
    assert [x["kind"] for x in runs[1].provider(refused)["pictures"]][-2:] == ["filled in", "failure"]
    assert [p.name for p in pictures if _shows_secret_colour(p)] == []


def test_failures_mode_keeps_only_the_pictures_of_what_failed(sandbox: Sandbox, tmp_path: Path) -> None:
    okafor = next(e.npi for e in sandbox.state.maxmd_entries if e.last_name == "Okafor")
    sandbox.faults.refuse_save = {okafor}
    run = run_robot(sandbox, tmp_path, settings=replace(sandbox_settings(), screenshots="failures"))
    shots = [x for p in run.record["providers"] for x in p["pictures"]] + run.record["practice"]["pictures"]
    assert [x["kind"] for x in shots] == ["failure"]
    assert run.provider(okafor)["pictures"] == shots
    assert len(list((run.dir / "screenshots").iterdir())) == 1


def test_the_reports_before_after_rows_are_the_portals(seeded_run: SeededRun, page: Page) -> None:
    sandbox, before, run = seeded_run.sandbox, seeded_run.before, seeded_run.run
    page.goto((run.dir / "report.html").as_uri())
    box = {True: "checked", False: "unchecked"}
    checked = 0
    for p in run.record["providers"]:
        card = page.get_by_role("article", name=p["name"], exact=True)
        for img in card.get_by_role("img").all():
            img.scroll_into_view_if_needed()
            assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
        assert card.get_by_role("img").count() == len(p["screenshots"])
        if p["status"] != "configured":
            continue
        was, now = before[p["npi"]], sandbox.state.account(p["npi"])
        rows = {cells[0]: cells[1:] for cells in (r.locator("th, td").all_inner_texts()
                                                   for r in card.get_by_role("table").locator("tbody tr").all())}
        assert rows["Allow Emergency Access"] == [box[was.emergency_access], box[now.emergency_access]]
        assert rows["Poll Direct Mailbox"] == [box[was.poll_direct], box[now.poll_direct]]
        assert rows["Direct Address"] == [was.direct_address or "(empty)", now.direct_address]
        assert rows["Portal password"][1] == "password set, see handoff"
        checked += 1
    assert checked >= 4


@pytest.mark.parametrize("skin", SKINS)
def test_a_conflict_the_plan_finds_is_pictured_as_found_and_left_alone(skin: str, tmp_path: Path) -> None:
    """providers.yaml pins another Direct address than MaxMD shows: decided before any account page,
    yet the reviewer gets the account as found (source and before), and nothing is typed."""
    with Sandbox(skin=skin, providers=3) as sb:
        entry = next(e for e in sb.state.maxmd_entries if e.npi and e.status == "Complete" and e.npi in sb.state.accounts
                     and sb.state.account(e.npi).access_type == "Clinician" and not sb.state.account(e.npi).direct_address)
        config = tmp_path / "config"
        config.mkdir()
        (config / "robot.yaml").write_text((ROOT / "config" / "robot.yaml").read_text())
        pinned = "someone.else@" + entry.direct_address.split("@")[1]
        (config / "providers.yaml").write_text(f'providers:\n  - npi: "{entry.npi}"\n    direct_address: {pinned}\n')
        before = sb.state.account(entry.npi)
        run = run_robot(sb, tmp_path / "runs", settings=sandbox_settings(config, skin=skin))
        assert sb.state.account(entry.npi) == before  # opened, not saved: the portal holds what it held
    p = run.provider(entry.npi)
    assert p["status"] == "conflict" and pinned in p["error"] and entry.direct_address in p["error"]
    assert [x["kind"] for x in p["pictures"]] == ["source", "before"]
    assert [Path(s).name.split("-", 1)[1] for s in p["screenshots"]] == [f"{entry.npi}-5-source.png", f"{entry.npi}-11-before.png"]
    rows = {r["field"]: (r["before"], r["after"]) for r in p["fields"]}
    assert rows["Direct Address"] == ("", None) and rows["Poll Direct Mailbox"][1] is None
    assert not any("could not be pictured" in n for n in p["notes"])
    assert entry.npi not in run.handoff()
    assert run.result.exit_code == 1
