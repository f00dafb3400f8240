"""The locator table: the canonical keys (docs/reference.md), their defaults by visible text, and operator overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pages.locators import DEFAULTS, SECRET_KEYS, Selectors

EXAMPLE = Path(__file__).parents[2] / "config" / "selectors.example.yaml"

# Every canonical key, written out as docs/reference.md lists them.
CANONICAL_KEYS = [
    "maxmd.login.username",
    "maxmd.login.password",
    "maxmd.login.submit",
    "maxmd.home.details",
    "maxmd.details.identity_proofing",
    "maxmd.details.workflow_status",
    "maxmd.workflows.provider",
    "maxmd.workflows.direct_address",
    "portal.login.username",
    "portal.login.password",
    "portal.login.submit",
    "portal.nav.administration",
    "portal.nav.user_accounts",
    "portal.users.access_type",
    "portal.users.search",
    "portal.users.username_link",
    "portal.account.section",
    "portal.account.display_name",
    "portal.account.first_name",
    "portal.account.last_name",
    "portal.account.email",
    "portal.account.password",
    "portal.account.confirm_password",
    "portal.account.emergency_access",
    "portal.account.poll_direct",
    "portal.account.direct_address",
    "portal.account.direct_password",
    "portal.account.confirm_direct_password",
    "portal.account.save",
]


@pytest.mark.parametrize("key", CANONICAL_KEYS)
def test_every_spec_key_has_a_default(key):
    assert key in DEFAULTS


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_default_key_is_listed_in_the_example_file(key):
    listed = re.findall(r"^#\s*([a-z_.]+):", EXAMPLE.read_text(encoding="utf-8"), flags=re.M)
    assert key in listed


def test_example_file_lists_no_key_that_does_not_exist():
    listed = re.findall(r"^#\s*((?:maxmd|portal)\.[a-z_.]+):", EXAMPLE.read_text(encoding="utf-8"), flags=re.M)
    assert set(listed) <= set(DEFAULTS)


def test_example_file_shows_each_keys_current_default():
    shown = dict(re.findall(r"^#\s*([a-z_.]+):.*#\s*default:\s*(.*?)\s*$", EXAMPLE.read_text(encoding="utf-8"), flags=re.M))
    sel = Selectors()
    for key in DEFAULTS:
        assert shown.get(key) == sel.describe(key), key


def test_secret_keys_are_real_keys_and_cover_every_password_field():
    assert set(SECRET_KEYS) <= set(DEFAULTS)
    assert {k for k in DEFAULTS if "password" in k} == set(SECRET_KEYS)


@pytest.mark.parametrize(
    ("key", "described"),
    [
        ("portal.account.direct_address", "the field labelled 'Direct Address'"),
        ("portal.account.poll_direct", "the field labelled 'Poll Direct Mailbox'"),
        ("portal.account.emergency_access", "the field labelled 'Allow Emergency Access'"),
        ("portal.account.save", "a button named 'Save' or 'Save changes'"),
        ("portal.users.access_type", "the field labelled 'Access Type'"),
        ("maxmd.home.details", "a button or link or menuitem or tab or disclosure named 'Details'"),
        ("portal.users.next_page", "a link or button named 'Next' or '›' or 'Load more'"),
    ],
)
def test_default_is_found_by_the_vendors_visible_words(key, described):
    sel = Selectors()
    assert sel.describe(key) == described
    assert sel.source(key) == "default"


def test_no_default_uses_an_id_and_classes_only_the_usual_frameworks_message_names():
    from pages.locators import MESSAGES

    for key, loc in DEFAULTS.items():
        text = str(loc.value) + repr(loc.alternative)
        assert "#" not in text and "@id" not in text and "@class" not in text, key
        if loc.kind == "selector" and str(loc.value).startswith("css="):
            assert str(loc.value) == "css=" + ", ".join(MESSAGES), key


@pytest.mark.parametrize(("pattern", "name", "matches"), [
    ("Administration", "Administration ▾", True), ("Administration", "  ADMINISTRATION  ", True),
    ("User Accounts", "User Accounts (12)", True), ("User Accounts", "» User accounts:", True),
    ("Details", "View Details", False), ("Search", "Search*", True), ("Save", "Save changes", False),
])
def test_words_ignore_case_spaces_decorations_and_counts(pattern, name, matches):
    from pages.locators import words

    assert bool(words(pattern).match(name)) is matches


@pytest.mark.parametrize(("name", "matches"), [("Next", True), ("Next ›", True), ("›", True), ("Next page »", True),
                                               ("2", False), ("«", False), ("»", False), ("Previous", False),
                                               ("Go to next page", True), ("Next page of results", True), ("Load more", True),
                                               ("Show more results", True), ("More results", True), ("Go to previous page", False),
                                               ("Load", False), ("More", False), ("Load more ‹", False)])
def test_next_page_is_next_in_words_or_a_forward_arrow_or_more_rows(name, matches):
    from pages.locators import NEXT_PAGE

    assert bool(NEXT_PAGE.match(name)) is matches


def test_override_replaces_exactly_that_key():
    default = Selectors()
    sel = Selectors({"portal.account.direct_address": "css=#txtDirect"})
    assert sel.source("portal.account.direct_address") == "override"
    assert sel.describe("portal.account.direct_address") == "css=#txtDirect"
    for key in DEFAULTS:
        if key != "portal.account.direct_address":
            assert sel.source(key) == "default"
            assert sel.describe(key) == default.describe(key)
    assert sel.keys() == default.keys()


def test_override_does_not_change_the_shared_defaults():
    Selectors({"portal.account.save": "text=Save changes"})
    assert Selectors().describe("portal.account.save") == "a button named 'Save' or 'Save changes'"


def test_unknown_override_key_raises_naming_it():
    with pytest.raises(KeyError, match="portal.account.direct_adress"):
        Selectors({"portal.account.direct_adress": "css=#x", "portal.account.save": "css=#s"})


# --- e-mail addresses in long text (issue 20) ---------------------------------------------------------
_OLD_EMAIL = r"[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[A-Za-z]{2,}"  # before issue 20: quadratic in a long run without "@"


@pytest.mark.parametrize("text", [
    "jane.okafor@direct.brightsideeye.com", "Direct: JANE.OKAFOR@DIRECT.BRIGHTSIDEEYE.COM (verified)",
    "Jane Okafor <jane@x.example.org>, OD", "a@b@c.example.com", "x@y.z", "@x.com", "jane@", "Okafor@Home, OD",
    "one a@b.io two c.d@e.example.net;three", "Jane Okafor, OD\n1234567893\nComplete", "tab\tq@r.st\tend",
])
def test_an_address_in_text_is_found_as_before(text):
    from pages.locators import EMAIL_TEXT
    from pages.maxmd import NPI_OR_ADDRESS

    assert [m.group(0) for m in EMAIL_TEXT.finditer(text)] == re.findall(_OLD_EMAIL, text)
    old_either = re.compile(r"(?<!\d)[12]\d{9}(?!\d)|" + _OLD_EMAIL)
    assert [m.group(0) for m in NPI_OR_ADDRESS.finditer(text)] == old_either.findall(text)


@pytest.mark.alone  # timed against the clock: another test beside it would take its CPU
@pytest.mark.parametrize("unit", ["Okafor", "Okafor-", "a.", "Ok@for"])
def test_an_address_is_looked_for_in_a_12000_character_name_in_one_pass(unit):
    import time

    from pages.locators import EMAIL_TEXT
    from pages.maxmd import NPI_OR_ADDRESS

    text = "Jane " + (unit * 12_000)[:11_995] + ", OD"
    started = time.perf_counter()
    assert EMAIL_TEXT.search(text) is None and NPI_OR_ADDRESS.search(text) is None
    assert time.perf_counter() - started < 0.05  # the old pattern: about 1 s here, and as long in the browser per element


def test_the_entries_script_looks_for_addresses_with_the_same_pattern():
    """The entries script is given the one e-mail pattern (pages.locators) as its argument, not a copy."""
    import inspect

    from pages import maxmd
    from pages.scripts import script

    assert "new RegExp(mail" in script("find_entries")
    assert '[ENTRY_ATTRIBUTE, EMAIL_PATTERN]' in inspect.getsource(maxmd.WorkflowStatusPage.entries)
