"""The sandbox's switches for the evidence pictures' tests (tests/e2e/test_pictures_ocr.py), through Flask's
test client: a provider whose Direct address is 60 characters long, and the account page's text boxes drawn
narrower than any address, on every rendering."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from robot.sandbox import (
    LONG_ADDRESS_LENGTH,
    LONG_ADDRESS_PROVIDER,
    NARROW_INPUT_SIZE,
    SEEDED_NPIS,
    SKINS,
    Faults,
    Sandbox,
    add_long_address_provider,
    npi_is_valid,
)
from robot.sandbox.__main__ import build_parser
from robot.sandbox._common import NARROW_INPUT_FIELDS, NARROW_INPUT_STYLE, narrowed
from robot.sandbox._portal import is_email
from robot.sandbox._state import seeded_state

DOMAIN = "direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
JANE = SEEDED_NPIS["Jane Okafor"]
# The account page's text boxes that hold a value the robot reads or types: the same field names on every rendering.
TEXT_BOXES = {"display_name", "first_name", "last_name", "email", "direct_address"}


class _Inputs(HTMLParser):
    """Every <input>'s attributes, by its name (the spa skin's boxes are in its frame's templates, in the HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_name: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.by_name.setdefault(str(a["name"]), a)


def inputs(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.by_name


def logged_in(app: Flask, username: str, password: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code == 303
    return client


def account_page(sb: Sandbox, npi: str = JANE) -> str:
    """The account page's HTML as the browser gets it (the spa skin: its frame, whose templates hold the form)."""
    client = logged_in(sb.portal_app, sb.portal_username, sb.portal_password)
    path = f"/admin/frame/users/{npi}" if sb.skin == "spa" else f"/admin/users/{npi}"
    response = client.get(path)
    assert response.status_code == 200, (sb.skin, response.status_code)
    return response.get_data(as_text=True)


def screens_only(**switches: bool) -> Faults:
    """The renderings' screens without their logins' gates (tests/unit/test_sandbox_gates.py)."""
    return Faults(gates={}, cookie_banner=set(), **switches)


# --- a 60-character Direct address -----------------------------------------------------------------

def test_the_long_address_provider_is_ready_and_its_address_is_60_characters() -> None:
    sb = Sandbox(long_address=True)
    npi = sb.long_address_npi
    assert npi and npi_is_valid(npi) and npi not in SEEDED_NPIS.values()
    entry = next(e for e in sb.state.maxmd_entries if e.npi == npi)
    first, last, credential = LONG_ADDRESS_PROVIDER
    assert (entry.first_name, entry.last_name, entry.credential, entry.status) == (first, last, credential, "Complete")
    assert entry.direct_address == f"christopher.konstantinopoulou-reyes@{DOMAIN}"
    assert len(entry.direct_address) == LONG_ADDRESS_LENGTH == 60
    assert entry.direct_address.endswith("@" + sb.state.practice.direct_domain)  # the robot configures it
    assert is_email(entry.direct_address)  # and the portal takes it
    account = sb.state.account(npi)
    assert (account.access_type, account.first_name, account.last_name) == ("Clinician", first, last)
    assert not account.poll_direct and account.direct_address in (None, "") and account.password is None


def test_the_long_address_is_off_by_default_and_adds_one_provider_to_any_practice() -> None:
    admin = ("brightside.admin", "Admin-Pass-1!")  # fixed, so two sandboxes' accounts compare
    plain, long = Sandbox(portal_credentials=admin), Sandbox(long_address=True, portal_credentials=admin)
    assert plain.long_address_npi is None
    assert len(long.state.maxmd_entries) == len(plain.state.maxmd_entries) + 1
    assert set(long.state.accounts) - set(plain.state.accounts) == {long.long_address_npi}
    for sb in (Sandbox(providers=5, long_address=True), Sandbox(odd_data=True, long_address=True),
               Sandbox(skin="legacy", long_address=True)):
        assert sb.long_address_npi and sb.long_address_npi not in sb.odd_npis + sb.legacy_npis
        assert len({e.npi for e in sb.state.maxmd_entries}) == len(sb.state.maxmd_entries)


def test_the_portal_saves_the_60_character_address() -> None:
    sb = Sandbox(long_address=True, faults=screens_only())
    npi = sb.long_address_npi
    assert npi
    address = next(e.direct_address for e in sb.state.maxmd_entries if e.npi == npi)
    client = logged_in(sb.portal_app, sb.portal_username, sb.portal_password)
    form = {"display_name": npi, "first_name": LONG_ADDRESS_PROVIDER[0], "last_name": LONG_ADDRESS_PROVIDER[1],
            "password": GOOD, "confirm_password": GOOD, "poll_direct": "on", "direct_address": address,
            "direct_password": GOOD, "confirm_direct_password": GOOD}
    assert client.post(f"/admin/users/{npi}", data=form).status_code in (200, 303)
    assert sb.state.account(npi).direct_address == address and sb.state.account(npi).poll_direct


def test_a_domain_where_the_address_would_not_be_60_characters_is_refused() -> None:
    state = seeded_state("admin", "Admin-Pass-1!")
    state.practice.direct_domain = "direct.example.org"
    with pytest.raises(ValueError, match="not 60"):
        add_long_address_provider(state)


# --- narrow text boxes -----------------------------------------------------------------------------

@pytest.mark.parametrize("skin", SKINS)
def test_narrow_inputs_draw_the_account_pages_text_boxes_20_characters_wide(skin: str) -> None:
    sb = Sandbox(skin=skin, narrow_inputs=True, faults=screens_only())
    assert sb.faults.narrow_inputs
    boxes = inputs(account_page(sb))
    assert TEXT_BOXES <= set(boxes), (skin, sorted(boxes))
    for name in TEXT_BOXES:
        assert boxes[name]["size"] == str(NARROW_INPUT_SIZE) == "20", (skin, name, boxes[name])
        # The renderings' style sheets stretch their boxes to the column (width: 100%): the size must count.
        assert "width:auto !important" in (boxes[name]["style"] or ""), (skin, name, boxes[name])
    # Every address is wider than its box: the seeded ones are 36 characters and more.
    assert min(len(e.direct_address or "x" * 99) for e in sb.state.maxmd_entries) > NARROW_INPUT_SIZE
    # Nothing else changes: the password boxes, the check boxes, the names and the values.
    for name, attrs in boxes.items():
        if name not in TEXT_BOXES:
            assert attrs.get("size") != str(NARROW_INPUT_SIZE), (skin, name, attrs)
            assert "width:auto" not in (attrs.get("style") or ""), (skin, name, attrs)
    plain = inputs(account_page(Sandbox(skin=skin, faults=screens_only())))
    assert set(plain) == set(boxes)
    values = {n: a.get("value") for n, a in boxes.items() if n != "csrf_token"}  # the modern skin's, per session
    assert {n: a.get("value") for n, a in plain.items() if n != "csrf_token"} == values


@pytest.mark.parametrize("skin", SKINS)
def test_narrow_inputs_are_off_by_default_and_a_live_switch(skin: str) -> None:
    sb = Sandbox(skin=skin, faults=screens_only())
    assert not sb.faults.narrow_inputs
    assert "width:auto !important" not in account_page(sb)
    sb.faults.narrow_inputs = True
    assert inputs(account_page(sb))["direct_address"]["size"] == "20"


def test_narrow_inputs_touch_only_the_portal_account_boxes() -> None:
    sb = Sandbox(narrow_inputs=True, faults=screens_only())
    maxmd = logged_in(sb.maxmd_app, sb.maxmd_username, sb.maxmd_password)
    assert "width:auto !important" not in maxmd.get("/details").get_data(as_text=True)
    assert 'size="20"' not in sb.portal_app.test_client().get("/login").get_data(as_text=True)
    # The rewrite itself: by field name and type, whatever the attributes' order; others left as they are.
    html = ('<input id="d" name="direct_address" type="email" value="a@b.c">'
            '<input type="password" name="direct_password"><input type="text" name="username">')
    assert narrowed(html).count('size="20"') == 1 and narrowed(html).startswith('<input size="20"')
    assert narrowed('<input type="text" size="40" name="email">') == f'<input size="20" style="{NARROW_INPUT_STYLE}" type="text" name="email">'
    assert set(NARROW_INPUT_FIELDS) == TEXT_BOXES


def test_the_command_line_has_both_switches() -> None:
    args = build_parser().parse_args(["--narrow-inputs", "--long-address"])
    assert args.narrow_inputs is True and args.long_address is True
    args = build_parser().parse_args([])
    assert args.narrow_inputs is False and args.long_address is False
