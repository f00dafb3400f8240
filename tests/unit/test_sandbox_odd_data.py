"""The sandbox's odd-data switch: extra ready providers whose names and addresses are hostile or odd.

The robot's own tests use them to prove that what the sites show is treated as data; here we prove the
sandbox serves them faithfully: escaped, never run, and round-tripping exactly through the portal's Save.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient

from robot.sandbox import ODD_PROVIDERS, SEEDED_NPIS, OddProvider, Sandbox, SandboxState, npi_is_valid
from robot.sandbox.__main__ import build_parser
from robot.sandbox._portal import is_email
from robot.sandbox._state import add_odd_providers, seeded_state

DOMAIN = "direct.brightsideeye.com"
GOOD = "Str0ng-Pass!"
ADMIN = ("brightside.admin", "Admin-Pass-1!")  # fixed, so two sandboxes' accounts compare equal
ODD = {odd.oddity: odd for odd in ODD_PROVIDERS}


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(odd_data=True, portal_credentials=ADMIN)


def login(client: FlaskClient, username: str, password: str) -> FlaskClient:
    assert client.post("/login", data={"username": username, "password": password}).status_code == 303
    return client


@pytest.fixture
def portal(sb: Sandbox) -> FlaskClient:
    return login(sb.portal_app.test_client(), sb.portal_username, sb.portal_password)


@pytest.fixture
def maxmd(sb: Sandbox) -> FlaskClient:
    return login(sb.maxmd_app.test_client(), sb.maxmd_username, sb.maxmd_password)


def npi_of(sb: Sandbox, odd: OddProvider) -> str:
    return sb.odd_npis[ODD_PROVIDERS.index(odd)]


class _Inputs(HTMLParser):
    """The value of every <input> by name, as a browser would hold it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") == "text":
            self.values[a["name"] or ""] = a.get("value") or ""


def form_values(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def visible_text(html: str) -> str:
    """Roughly what a browser renders: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# --- the switch ------------------------------------------------------------------------------------

def test_off_by_default_changes_nothing() -> None:
    plain, off = Sandbox(portal_credentials=ADMIN), Sandbox(odd_data=False, portal_credentials=ADMIN)
    assert plain.odd_npis == off.odd_npis == []
    assert plain.state.entries() == off.state.entries()
    assert len(off.state.maxmd_entries) == 8 and not any(e.padded for e in off.state.maxmd_entries)
    assert {u: off.state.account(u) for u in off.state.accounts} == {u: plain.state.account(u) for u in plain.state.accounts}


def test_adds_to_the_seeded_practice_without_replacing(sb: Sandbox) -> None:
    plain = Sandbox(portal_credentials=ADMIN)
    n = len(ODD_PROVIDERS)
    assert n >= 5
    assert sb.state.entries()[:-n] == plain.state.entries()  # seeded entries first, unchanged
    assert set(plain.state.accounts) <= set(sb.state.accounts)
    for username in plain.state.accounts:
        assert sb.state.account(username) == plain.state.account(username)
    assert len(sb.state.accounts) == len(plain.state.accounts) + n
    assert [e.npi for e in sb.state.entries()[-n:]] == sb.odd_npis


@pytest.mark.parametrize("count", [0, 3, 50])
def test_works_with_generated_providers(count: int) -> None:
    sb = Sandbox(providers=count, seed=7, odd_data=True)
    plain = Sandbox(providers=count, seed=7)
    assert len(sb.state.maxmd_entries) == count + len(ODD_PROVIDERS)
    assert sb.state.entries()[:count] == plain.state.entries()
    assert len(sb.odd_npis) == len(ODD_PROVIDERS)
    assert all(sb.state.account(npi).access_type == "Clinician" for npi in sb.odd_npis)


def test_npis_valid_distinct_and_literal(sb: Sandbox) -> None:
    assert sb.odd_npis == [odd.npi for odd in ODD_PROVIDERS]
    assert all(npi_is_valid(npi) for npi in sb.odd_npis)
    assert len(set(sb.odd_npis)) == len(sb.odd_npis)
    assert not set(sb.odd_npis) & set(SEEDED_NPIS.values())
    assert sb.state.practice.organization_npi not in sb.odd_npis
    every = [e.npi for e in sb.state.maxmd_entries if e.npi]
    assert len(every) == len(set(every))


def test_taken_npi_and_address_move_on_instead_of_replacing() -> None:
    state: SandboxState = seeded_state("admin", "Admin-Pass-1!")
    quotes = ODD["quotes"]
    state.accounts[quotes.npi] = state.accounts.pop(SEEDED_NPIS["Helen Park"])  # someone else holds that NPI
    state.accounts[quotes.npi].username = quotes.npi
    state.maxmd_entries[0].direct_address = f"eve.script@{DOMAIN}"
    npis = add_odd_providers(state)
    assert npis[0] != quotes.npi and npi_is_valid(npis[0])
    assert state.accounts[quotes.npi].last_name == "Park"  # not replaced
    assert len(set(npis)) == len(npis) and not set(npis) & set(SEEDED_NPIS.values())
    eve = state.maxmd_entries[-len(ODD_PROVIDERS) + 1]
    assert eve.last_name == "<script>alert(1)</script>" and eve.direct_address == f"eve.script2@{DOMAIN}"


def test_every_odd_provider_is_ready(sb: Sandbox) -> None:
    entries = {e.npi: e for e in sb.state.maxmd_entries}
    for odd, npi in zip(ODD_PROVIDERS, sb.odd_npis):
        e = entries[npi]
        assert (e.first_name, e.last_name, e.status) == (odd.first_name, odd.last_name, "Complete")
        assert e.direct_address and is_email(e.direct_address)
        assert e.direct_address.lower().endswith("@" + DOMAIN)
        account = sb.state.account(npi)
        assert account.access_type == "Clinician"
        assert account.username == account.display_name == npi
        assert (account.first_name, account.last_name) == (odd.first_name, odd.last_name)
        assert account.password is None and account.direct_address is None and account.direct_password is None
        assert not (account.poll_direct or account.emergency_access or account.inactive or account.saves)
        # Each one is unique by name too, so a by-name match finds exactly it.
        same = [a for a in sb.state.accounts.values() if (a.first_name, a.last_name) == (odd.first_name, odd.last_name)]
        assert len(same) == 1


def test_the_oddities(sb: Sandbox) -> None:
    entries = {e.npi: e for e in sb.state.maxmd_entries}

    def entry(oddity: str) -> Any:
        return entries[npi_of(sb, ODD[oddity])]

    assert (entry("quotes").first_name, entry("quotes").last_name) == ('Mary "Mae"', "O'Connor-Smith")
    assert entry("markup").last_name == "<script>alert(1)</script>"
    assert entry("markup").direct_address == f"eve.script@{DOMAIN}"
    assert f"{entry('accents').first_name} {entry('accents').last_name}" == "Zoë Ångström-Núñez"
    assert entry("accents").direct_address == f"zoe.angstrom-nunez@{DOMAIN}"
    long = entry("long")
    assert len(f"{long.first_name} {long.last_name}") == 200
    assert len(long.direct_address.split("@")[0]) <= 64
    upper = entry("upper-case").direct_address
    assert upper == "DIRECT.UPPER@DIRECT.BRIGHTSIDEEYE.COM" and upper == upper.upper()
    assert [e.npi for e in sb.state.maxmd_entries if e.padded] == [npi_of(sb, ODD["whitespace"])]


def test_command_line_switch() -> None:
    assert build_parser().parse_args(["--odd-data"]).odd_data is True
    assert build_parser().parse_args([]).odd_data is False


# --- MaxMD: escaped, and padded ----------------------------------------------------------------------

def test_workflows_page_escapes_markup(maxmd: FlaskClient) -> None:
    html = maxmd.get("/workflows").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;, OD" in html
    assert "Mary &#34;Mae&#34; O&#39;Connor-Smith, OD" in html
    text = visible_text(html)
    assert "Eve <script>alert(1)</script>, OD" in text
    assert f"Maximilian {ODD['long'].last_name}, OD" in text
    assert "Zoë Ångström-Núñez, MD" in text
    assert "DIRECT.UPPER@DIRECT.BRIGHTSIDEEYE.COM" in text


def test_workflows_page_pads_the_whitespace_provider(sb: Sandbox, maxmd: FlaskClient) -> None:
    html = maxmd.get("/workflows").get_data(as_text=True)
    npi = npi_of(sb, ODD["whitespace"])
    heading = re.search(r"<h3>(\s+Wesley\s+Spacer,\s+OD\s+)</h3>", html)
    npi_line = re.search(rf"<p>(\s+NPI:\s+{npi}\s+)</p>", html)
    box = re.search(r'<div class="direct-box">(\s+wesley\.spacer@direct\.brightsideeye\.com\s+)</div>', html)
    for found in (heading, npi_line, box):
        assert found, "padded markup missing"
        assert "\n" in found.group(1) and "\t" in found.group(1)
    text = visible_text(html)
    assert f"Wesley Spacer, OD NPI: {npi} Workflow status: Complete wesley.spacer@{DOMAIN}" in text
    # Nobody else is padded.
    assert "<h3>Jane Okafor, OD</h3>" in html and f'<div class="direct-box">eve.script@{DOMAIN}</div>' in html


# --- the portal: shown as text, and Saved exactly --------------------------------------------------

def test_clinician_search_escapes_markup(portal: FlaskClient) -> None:
    html = portal.get("/admin/users?access_type=Clinician").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html
    assert "<td>Mary &#34;Mae&#34;</td><td>O&#39;Connor-Smith</td>" in html


@pytest.mark.parametrize("odd", ODD_PROVIDERS, ids=[o.oddity for o in ODD_PROVIDERS])
def test_names_round_trip_through_save(sb: Sandbox, portal: FlaskClient, odd: OddProvider) -> None:
    npi = npi_of(sb, odd)
    page = portal.get(f"/admin/users/{npi}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    values = form_values(page)
    assert (values["first_name"], values["last_name"]) == (odd.first_name, odd.last_name)

    # Save what the browser holds, exactly as it holds it.
    data = {**values, "password": "", "confirm_password": "", "direct_password": "", "confirm_direct_password": ""}
    response = portal.post(f"/admin/users/{npi}", data=data)
    assert response.status_code == 303
    account = sb.state.account(npi)
    assert (account.first_name, account.last_name, account.saves) == (odd.first_name, odd.last_name, 1)

    # And the page read back after the Save still holds them exactly.
    again = form_values(portal.get(f"/admin/users/{npi}").get_data(as_text=True))
    assert (again["first_name"], again["last_name"]) == (odd.first_name, odd.last_name)


@pytest.mark.parametrize("odd", ODD_PROVIDERS, ids=[o.oddity for o in ODD_PROVIDERS])
def test_odd_names_can_be_typed_into_any_account(sb: Sandbox, portal: FlaskClient, odd: OddProvider) -> None:
    jane = SEEDED_NPIS["Jane Okafor"]
    data = {"display_name": jane, "first_name": odd.first_name, "last_name": odd.last_name, "email": ""}
    assert portal.post(f"/admin/users/{jane}", data=data).status_code == 303
    account = sb.state.account(jane)
    assert (account.first_name, account.last_name) == (odd.first_name, odd.last_name)


def test_upper_case_address_is_accepted(sb: Sandbox, portal: FlaskClient) -> None:
    npi = npi_of(sb, ODD["upper-case"])
    upper = "DIRECT.UPPER@DIRECT.BRIGHTSIDEEYE.COM"
    data = {
        "display_name": npi, "first_name": "Ursula", "last_name": "Upper", "email": "",
        "password": GOOD, "confirm_password": GOOD, "poll_direct": "on", "direct_address": upper,
        "direct_password": GOOD, "confirm_direct_password": GOOD,
    }
    assert portal.post(f"/admin/users/{npi}", data=data).status_code == 303
    account = sb.state.account(npi)
    assert account.poll_direct and account.direct_address == upper
    maxmd_address = next(e.direct_address for e in sb.state.maxmd_entries if e.npi == npi)
    assert (account.direct_address or "").lower() == (maxmd_address or "").lower()
    # Once set, the same address in any case is still "the same address".
    data.update(direct_address=upper.lower(), password="", confirm_password="", direct_password="",
                confirm_direct_password="")
    assert portal.post(f"/admin/users/{npi}", data=data).status_code == 303
    assert sb.state.account(npi).direct_address == upper


def test_upper_case_address_accepted_lower_case_too(sb: Sandbox, portal: FlaskClient) -> None:
    # A robot that lower-cases the address before typing it must be accepted as well.
    npi = npi_of(sb, ODD["upper-case"])
    lower = "direct.upper@direct.brightsideeye.com"
    data = {
        "display_name": npi, "first_name": "Ursula", "last_name": "Upper", "email": "",
        "password": GOOD, "confirm_password": GOOD, "poll_direct": "on", "direct_address": lower,
        "direct_password": GOOD, "confirm_direct_password": GOOD,
    }
    assert portal.post(f"/admin/users/{npi}", data=data).status_code == 303
    assert sb.state.account(npi).direct_address == lower
