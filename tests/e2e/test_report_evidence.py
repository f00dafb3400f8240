"""Issue 23: the report reads like the evidence it is, on a real run over the seeded practice (every rendering):
addresses never broken mid-word (on screen and printed), a password field never "(empty)", how each provider
was matched, the run's options, administrators, host and version, the sandbox marked, and the portal's answer
to Save with its words, marked where a browser dialog gave it (the legacy rendering's ``alert()``)."""

from __future__ import annotations

import json
import socket

import pytest
from playwright.sync_api import Page
from robot_helpers import SeededRun, laid_out_addresses, mid_word_breaks

from robot.sandbox import SEEDED_NPIS

pytestmark = pytest.mark.e2e

ORTIZ = SEEDED_NPIS["Samuel Ortiz"]  # MaxMD shows his entry without an NPI: matched by name

# Per address in the page: the number of lines each of its segments takes, and the lines it takes as a whole.
_LINES = """() => [...document.querySelectorAll('.addr')].map(a => ({
    text: a.textContent,
    segments: [...a.querySelectorAll('.seg')].map(s => new Set([...s.getClientRects()].map(r => Math.round(r.top))).size),
    lines: new Set([...a.getClientRects()].map(r => Math.round(r.top))).size,
}))"""


def test_an_address_is_never_broken_mid_word_on_screen_or_printed(seeded_run: SeededRun, page: Page) -> None:
    run = seeded_run.run
    html = (run.dir / "report.html").read_text(encoding="utf-8")
    shown = {"".join(text for _, text in pieces) for pieces in laid_out_addresses(html)}
    addresses = {p["direct_address"] for p in run.record["providers"] if p["direct_address"]}
    assert addresses and addresses <= shown
    assert mid_word_breaks(html) == []
    # In Chromium, narrow enough that addresses must wrap: each wraps, and only between its segments.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto((run.dir / "report.html").as_uri())
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        laid = page.evaluate(_LINES)
        assert any(a["lines"] > 1 for a in laid), media  # they did wrap: at a <wbr>, after an "@" or a "."
        assert [a["text"] for a in laid if any(n != 1 for n in a["segments"])] == [], media


def test_a_password_row_before_the_save_reads_not_shown_by_the_portal(seeded_run: SeededRun) -> None:
    run = seeded_run.run
    html = (run.dir / "report.html").read_text(encoding="utf-8")
    configured = [p for p in run.record["providers"] if p["status"] == "configured"]
    assert configured
    for p in configured:
        rows = {r["field"]: r for r in p["fields"]}
        assert rows["Portal password"]["before"] == rows["Direct password"]["before"] == "not shown by the portal"
    assert "<th scope=\"row\">Portal password</th>\n          <td>not shown by the portal</td>" in html
    assert "<th scope=\"row\">Portal password</th>\n          <td><span class=\"none\">(empty)</span>" not in html


def test_an_entry_without_npi_says_it_was_matched_by_name_with_both_names(seeded_run: SeededRun) -> None:
    sandbox, run = seeded_run.sandbox, seeded_run.run
    ortiz = run.provider(ORTIZ)
    account = sandbox.state.account(ORTIZ)
    assert ortiz["matched_by"] == "name"
    assert "Samuel Ortiz" in ortiz["matched_names"]["maxmd"]
    assert (ortiz["matched_names"]["portal_first_name"], ortiz["matched_names"]["portal_last_name"]) == (
        account.first_name, account.last_name)
    others = [p for p in run.record["providers"] if p["npi"] != ORTIZ and p["matched_by"]]
    assert others and {p["matched_by"] for p in others} == {"npi"}
    html = (run.dir / "report.html").read_text(encoding="utf-8").replace("&#39;", "'")
    assert (f"Matched by name: MaxMD's entry shows no NPI; its name «{ortiz['matched_names']['maxmd']}» matched the "
            f"portal account's First Name «{account.first_name}», Last Name «{account.last_name}» (Username {ORTIZ}).") in html
    assert f'{ORTIZ}<span class="by">by name</span>' in html


def test_run_json_and_the_head_say_how_where_and_by_what_the_run_was_made(seeded_run: SeededRun) -> None:
    sandbox, run = seeded_run.sandbox, seeded_run.run
    record = run.record
    assert record["options"] == {"only": [], "force": [], "workers": 1, "dry_run": False, "headed": False, "slow_mo": 0,
                                 "screenshots": "evidence"}
    assert record["administrators"] == {"maxmd": sandbox.maxmd_username, "portal": sandbox.portal_username}
    assert record["host"] == socket.gethostname()
    assert record["robot_version"]
    assert record["sites"]["sandbox"] is True
    # The SPEC's keys are all still there.
    assert {"started", "finished", "mode", "sites", "providers"} <= record.keys()
    assert all({"npi", "name", "direct_address", "status", "error", "screenshots"} <= p.keys() for p in record["providers"])
    html = (run.dir / "report.html").read_text(encoding="utf-8")
    assert f"Options: none · screenshots: evidence · robot {record['robot_version']} on {record['host']}" in html
    shown = {"".join(text for _, text in pieces) for pieces in laid_out_addresses(html)}
    assert {sandbox.maxmd_username, sandbox.portal_username} <= shown
    assert "Sandbox run (no real site)" in html
    index = (run.dir.parent / "index.html").read_text(encoding="utf-8")
    assert "sandbox: no real site" in index
    # No secret among the new fields: the record holds no password of either administrator.
    text = json.dumps(record)
    assert sandbox.maxmd_password not in text and sandbox.portal_password not in text


def test_the_answer_to_save_is_shown_with_its_words_marked_where_a_dialog_gave_it(seeded_run: SeededRun) -> None:
    sandbox, run = seeded_run.sandbox, seeded_run.run
    html = (run.dir / "report.html").read_text(encoding="utf-8")
    configured = [p for p in run.record["providers"] if p["status"] == "configured"]
    assert configured
    for p in configured:
        answer = p["answer"]
        assert answer["meaning"] == "saved" and answer["words"], p["name"]
        assert answer["dialog"] is (sandbox.skin == "legacy"), (sandbox.skin, answer)
        where = "a browser dialog" if answer["dialog"] else "on the page"
        assert f"Answer ({where}): «{answer['words']}»" in html.replace("&#39;", "'").replace("&#34;", '"')
        # A picture of the answer names whose account it answered; a dialog leaves none.
        captions = [x["caption"] for x in p["pictures"] if x["kind"] == "answer"]
        assert captions == ([] if answer["dialog"] else [f"the portal's answer to Save on {p['name']}'s account ({p['npi']})"])
    if sandbox.skin == "legacy":
        assert "Answer (a browser dialog): «User account saved.»" in html
    # The practice card says what its pictures are, and promises nothing else.
    assert "Both sites, before any provider" not in html and "Logins, the MaxMD identity-proofing" not in html
    assert "MaxMD&#39;s whole provisioning workflow list" in html
