"""Landmarks: the account page's controls learned by their words on one page, found by path and
signature on the next; anything that does not hold there is found by its words again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from pages.landmarks import Landmarks
from pages.locators import Selectors
from pages.account import UserAccountPage
from robot.audit import MASK_COLOR, Audit, Redactor
from test_report_and_masks import _pixels, shot_and_origin

pytestmark = pytest.mark.e2e

ACCOUNT = """<!doctype html><html><body>
{above}
<main><div class=card>
<h2>User Account Information</h2>
<p>Username <b>{npi}</b></p>
<label for=n>Display Name</label> <input id=n name=display value="{npi}">
<label for=f>First Name</label> <input id=f name=first value="{first}">
<label for=l>Last Name</label> <input id=l name=last value="Okafor">
<label for=e>Email Address</label> <input id=e name=email value="">
<label for=p>Change Password</label> <input id=p type=password style="font-size:20px">
<label for=cp>Confirm New Password</label> <input id=cp type=password>
<label><input type=checkbox {emergency}> Allow Emergency Access</label>
<label><input type=checkbox {poll}> Poll Direct Mailbox</label>
<label for=d>{direct_words}</label> <input id=d name=direct value="{direct}" style="font-size:20px">
<label for=dp>Change Direct Password</label> <input id=dp type=text value="{direct_pw}" style="font-size:20px">
<label for=cdp>Confirm Direct Password</label> <input id=cdp type=text value="{direct_pw}">
{extra}
<button>Save</button>
</div></main><div style="height: 1200px">Below</div></body></html>"""


def account(page: Page, *, npi: str = "1234567893", first: str = "Jane", emergency: str = "", poll: str = "",
            direct: str = "", direct_words: str = "Direct Address", above: str = "", extra: str = "",
            direct_pw: str = "") -> UserAccountPage:
    page.set_content(ACCOUNT.format(npi=npi, first=first, emergency=emergency, poll=poll, direct=direct,
                                    direct_words=direct_words, above=above, extra=extra, direct_pw=direct_pw))
    return UserAccountPage(page, Selectors())


def learned(page: Page) -> Landmarks:
    found = account(page).learn_landmarks()
    assert found is not None
    return found


def test_landmarks_learned_on_one_account_read_the_next_as_the_locators_do(page: Page, monkeypatch) -> None:
    marks = learned(page)
    # The next account: other values, and a message above that shifts every element below it.
    nxt = account(page, npi="1982736450", first="Ana", poll="checked", direct="ana@direct.example.com",
                  above='<div class="alert" role=alert>User account saved.</div><div>and more</div>')
    by_words = nxt.read()
    nxt.landmarks = marks
    monkeypatch.setattr(type(nxt), "_el", lambda *a: pytest.fail("a control was looked up by its words"))
    assert nxt.read() == by_words == nxt.read_back()
    assert by_words.poll_direct and by_words.direct_address == "ana@direct.example.com" and by_words.names.first_name == "Ana"
    assert nxt.is_account_of("1982736450") is True and nxt.is_account_of("1234567893") is False


def test_a_control_that_is_not_where_it_was_learned_is_found_by_its_words_again(page: Page) -> None:
    marks = learned(page)
    other = account(page, direct_words="Direct E-mail Address", direct="x@direct.example.com")
    other.landmarks = marks
    assert marks.read(page, ("portal.account.direct_address",)) is None  # its words changed: not the one learned
    assert marks.band_and_cover(page, MASK_COLOR, 12) is None  # nothing covered on a guess


def test_a_page_without_the_section_is_asked_of_the_locators(page: Page) -> None:
    marks = learned(page)
    page.set_content("<h1>Welcome</h1><p>Username 1234567893</p>")
    assert marks.is_account_of(page, "1234567893") is None


MASK = tuple(int(MASK_COLOR[i : i + 2], 16) for i in (1, 3, 5))


def test_a_picture_by_landmarks_masks_every_secret_whatever_its_type(page: Page, tmp_path: Path) -> None:
    marks = learned(page)
    shown = account(page, direct="jane@direct.example.com", direct_pw="Direct-Secret-7?",
                    above='<div style="height: 900px">Above the fold</div>',
                    extra='<label for=x>Old Password</label> <input id=x type=password value="hunter2">')
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    shot, origin = shot_and_origin(page, audit, tmp_path / "shot.png", region=shown.account_information(), landmarks=marks)
    audit.close()
    assert page.evaluate("document.querySelectorAll('[data-robot-mask]').length") >= 5  # covered by the one call
    picture = Image.open(shot)
    # The band holds every field the seed names, the Direct password boxes included, each secret masked.
    for label in ("Change Password", "Confirm New Password", "Change Direct Password", "Confirm Direct Password"):
        box = page.get_by_label(label).bounding_box()
        assert box["y"] - origin[1] + box["height"] <= picture.height, f"{label} is in the picture"
        assert _pixels(shot, box, origin) == {MASK}, label
    assert len(_pixels(shot, page.get_by_label("Direct Address").bounding_box(), origin)) > 1  # readable


def test_a_secret_that_comes_only_after_learning_is_masked_whatever_its_type(page: Page, tmp_path: Path) -> None:
    account(page).page.evaluate("document.querySelectorAll('#dp, #cdp, [for=dp], [for=cdp]').forEach(e => e.remove())")
    marks = UserAccountPage(page, Selectors()).learn_landmarks()  # no Direct password boxes on this page
    assert marks is not None
    shown = account(page, direct="jane@direct.example.com", direct_pw="Direct-Secret-7?",
                    above='<div style="height: 900px">Above the fold</div>')
    audit = Audit(tmp_path / "run", Selectors(), Redactor())
    shot, origin = shot_and_origin(page, audit, tmp_path / "shot.png", region=shown.account_information(), landmarks=marks)
    audit.close()
    assert _pixels(shot, page.get_by_label("Change Direct Password").bounding_box(), origin) == {MASK}
    assert len(_pixels(shot, page.get_by_label("Direct Address").bounding_box(), origin)) > 1


def test_controls_without_words_of_their_own_are_not_learned(page: Page) -> None:
    account(page).page.evaluate("document.querySelector('[for=d]').remove()")
    overridden = Selectors({"portal.account.direct_address": "css=#d"})
    assert UserAccountPage(page, overridden).learn_landmarks() is None  # found again only by the override


def test_an_overridden_secret_is_masked_by_the_locators_alone(page: Page) -> None:
    account(page)
    marks = UserAccountPage(page, Selectors({"portal.account.direct_password": "css=#dp"})).learn_landmarks()
    assert marks is not None and marks.band_and_cover(page, MASK_COLOR, 12) is None
