"""The robot's rules as pure functions: validation, reading MaxMD, the plan, the account decision."""

from __future__ import annotations

import time
from datetime import date

import pytest
import yaml

from robot.model import (
    AccountNames,
    AcknowledgedConflict,
    AccountState,
    Changes,
    Match,
    MaxmdEntry,
    ProviderSettings,
    Status,
)
from robot.rules import (
    PortalClinician,
    decide_changes,
    is_valid_email,
    is_valid_npi,
    looks_at,
    name_key,
    names_changed,
    npi_problem,
    parse_workflow_entry,
    plan,
    refused_save_advice,
    split_name,
    verify,
)

# Valid NPIs (10 digits, first digit 1 or 2, Luhn over 80840 + NPI).
OKAFOR = "1234567893"
PATEL = "1245319599"
CHEN = "1987654328"
RUIZ = "1111111112"
KOWALSKI = "2222222228"
DOMAIN = "direct.brightsideeye.com"


def entry(name: str, npi: str | None, address: str | None, status: str | None = None) -> MaxmdEntry:
    first, last = split_name(name)
    return MaxmdEntry(
        name=name,
        first_name=first,
        last_name=last,
        npi=npi,
        workflow_status=status or ("Complete" if address else "Pending"),
        direct_address=address,
    )


def addr(local: str, domain: str = DOMAIN) -> str:
    return f"{local}@{domain}"


def by_npi(candidates) -> dict:
    return {c.npi: c for c in candidates}


# --- NPI and e-mail validation ---------------------------------------------------------------------


def test_npi_with_correct_luhn_check_digit_is_valid():
    assert npi_problem("1234567893") is None
    assert is_valid_npi("1234567893")


def test_npi_with_wrong_check_digit_is_invalid():
    assert npi_problem("1234567898") == "its check digit is wrong"
    assert not is_valid_npi("1234567898")


@pytest.mark.parametrize("npi", ["123456789", "12345678930", "", "1"])
def test_npi_of_wrong_length_is_invalid(npi):
    assert "10 digits" in npi_problem(npi)


@pytest.mark.parametrize("npi", ["0234567893", "3234567893", "9234567893"])
def test_npi_must_start_with_1_or_2(npi):
    assert "starts with 1 or 2" in npi_problem(npi)


@pytest.mark.parametrize("npi", ["12345678a3", "1234-67893", "123456789 ", "１２３４５６７８９３"])
def test_npi_with_non_digits_is_invalid(npi):
    assert npi_problem(npi) is not None


def test_npi_with_trailing_newline_is_reported_not_raised():
    assert npi_problem("1234567893\n") is not None


@pytest.mark.parametrize(
    "address",
    ["jane.okafor@direct.brightsideeye.com", "JANE.OKAFOR@DIRECT.BRIGHTSIDEEYE.COM", "j+o@d-1.example.org"],
)
def test_well_formed_direct_addresses_are_valid(address):
    assert is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    ["jane@@x.com", "jane@localhost", "jane okafor@x.com", "@x.com", "jane@", "jane@x..com", "jane@-x.com", "jane.x.com", ""],
)
def test_malformed_direct_addresses_are_invalid(address):
    assert not is_valid_email(address)


# --- reading a MaxMD workflow entry ----------------------------------------------------------------


def test_complete_entry_with_npi_line_is_parsed():
    text = "Jane Okafor, OD\nNPI: 1234567893\nWorkflow status: Complete\njane.okafor@direct.brightsideeye.com"
    e = parse_workflow_entry(text, "jane.okafor@direct.brightsideeye.com")
    assert e == MaxmdEntry(
        name="Jane Okafor, OD",
        first_name="Jane",
        last_name="Okafor",
        npi="1234567893",
        workflow_status="Complete",
        direct_address="jane.okafor@direct.brightsideeye.com",
    )
    assert e.complete


def test_entry_without_npi_line_has_no_npi():
    e = parse_workflow_entry("Priya Raman, OD\nWorkflow status: Complete\npriya@direct.example.com", "priya@direct.example.com")
    assert e.npi is None
    assert (e.first_name, e.last_name) == ("Priya", "Raman")
    assert e.complete


def test_title_and_credential_are_not_part_of_first_or_last_name():
    e = parse_workflow_entry("Dr. Jane Okafor, OD\nNPI: 1234567893\nWorkflow status: Complete", "j@direct.example.com")
    assert e.name == "Dr. Jane Okafor, OD"
    assert (e.first_name, e.last_name) == ("Jane", "Okafor")


def test_pending_entry_without_address_is_not_complete():
    text = "Ravi Patel, MD\nNPI: 1245319599\nWorkflow status: Pending\nProvisioning in progress"
    e = parse_workflow_entry(text, None)
    assert e.direct_address is None
    assert not e.complete
    assert e.workflow_status == "Pending"
    assert e.name == "Ravi Patel, MD"
    assert e.npi == "1245319599"


def test_upper_case_address_is_kept_and_not_taken_for_the_name():
    text = "JANE.OKAFOR@DIRECT.BRIGHTSIDEEYE.COM\nJane Okafor, OD\nNPI: 1234567893\nWorkflow status: Complete"
    e = parse_workflow_entry(text, "JANE.OKAFOR@DIRECT.BRIGHTSIDEEYE.COM")
    assert e.direct_address == "JANE.OKAFOR@DIRECT.BRIGHTSIDEEYE.COM"
    assert e.name == "Jane Okafor, OD"


def test_extra_whitespace_is_collapsed_everywhere():
    text = "\n\n   Jane    Okafor ,  OD  \n\t NPI :  1234567893 \n\n  Workflow status:   Complete   \n"
    e = parse_workflow_entry(text, "  jane.okafor@direct.brightsideeye.com \n")
    assert e.name == "Jane Okafor , OD"
    assert (e.first_name, e.last_name) == ("Jane", "Okafor")
    assert e.npi == "1234567893"
    assert e.workflow_status == "Complete"
    assert e.direct_address == "jane.okafor@direct.brightsideeye.com"


def test_npi_written_with_spaces_or_hash_is_read_as_ten_digits():
    e = parse_workflow_entry("Kim Lee, OD\nNPI # 1234 567 893\nWorkflow status: Complete", "kim@direct.example.com")
    assert e.npi == "1234567893"


def test_blank_address_box_means_not_complete():
    e = parse_workflow_entry("Kim Lee, OD\nNPI: 1234567893\nWorkflow status: Pending", "   ")
    assert e.direct_address is None
    assert not e.complete


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dr. Jane Okafor, OD", ("Jane", "Okafor")),
        ("Jane Okafor", ("Jane", "Okafor")),
        ("  Mary   Ann  Smith , MD", ("Mary", "Smith")),
        ("Prof. Dr. José Núñez", ("José", "Núñez")),
        ("Okafor", ("", "Okafor")),
        ("Dr.", ("", "")),
        ("", ("", "")),
    ],
)
def test_split_name_gives_first_and_last_word_without_titles(name, expected):
    assert split_name(name) == expected


def test_name_key_folds_accents_case_and_spaces():
    assert name_key("José", "  NÚÑEZ ") == name_key("jose", "nunez") == ("jose", "nunez")
    assert name_key("Zoë", "Brontë") == ("zoe", "bronte")
    assert name_key("Anne  Marie", "Ok") == ("anne marie", "ok")
    assert name_key("Jane", "Okafor") != name_key("Jane", "Okafur")


# --- plan(): matching and the decisions before any account is opened ---------------------------------


def test_entry_with_npi_matches_account_with_that_username():
    [c] = plan([entry("Jane Okafor, OD", OKAFOR, addr("jane"))], [PortalClinician(OKAFOR)], {})
    assert (c.npi, c.status, c.direct_address, c.error) == (OKAFOR, None, addr("jane"), "")


def test_entry_without_npi_matches_the_one_account_with_that_name():
    entries = [entry("Dr. José Núñez, OD", None, addr("jose"))]
    clinicians = [PortalClinician(OKAFOR, "JOSE", "Nunez"), PortalClinician(PATEL, "Ravi", "Patel")]
    out = by_npi(plan(entries, clinicians, {}))
    assert out[OKAFOR].status is None
    assert out[OKAFOR].direct_address == addr("jose")
    assert out[PATEL].status is Status.NOT_PROVISIONED


def test_entry_without_npi_matches_a_multi_word_last_name():
    entries = [entry("Mary van Dyke, OD", None, addr("mary.vandyke"))]
    clinicians = [PortalClinician(OKAFOR, "Mary", "van Dyke"), PortalClinician(PATEL, "Mary", "Dyke")]
    out = plan(entries, clinicians, {})
    assert [(c.npi, c.status) for c in out if c.direct_address] == [(OKAFOR, None)]


def test_entry_without_npi_matches_despite_a_middle_initial():
    entries = [entry("Dr. Jane A. Okafor, OD", None, addr("jane.okafor"))]
    out = by_npi(plan(entries, [PortalClinician(OKAFOR, "Jane", "Okafor")], {}))
    assert out[OKAFOR].status is None and out[OKAFOR].direct_address == addr("jane.okafor")


def test_the_plan_records_how_each_entry_met_its_account():
    providers = {CHEN: ProviderSettings(CHEN, direct_address=addr("lei.chen"))}
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane")), entry("Dr. José Núñez, OD", None, addr("jose")),
               entry("Lei Chen, OD", None, addr("lei.chen")), entry("Priya Raman, OD", None, addr("priya")),
               entry("Ana Ruiz, OD", RUIZ, addr("ana"))]
    clinicians = [PortalClinician(OKAFOR), PortalClinician(PATEL, "JOSE", "Nunez"), PortalClinician(CHEN)]
    out = {c.name: c for c in plan(entries, clinicians, providers)}
    assert out["Jane Okafor, OD"].match == Match("npi", "Jane Okafor, OD")
    # By name: both names, as each site wrote them, for the reviewer to compare.
    assert out["Dr. José Núñez, OD"].match == Match("name", "Dr. José Núñez, OD", "JOSE", "Nunez")
    assert out["Lei Chen, OD"].match == Match("providers.yaml", "Lei Chen, OD")
    # No account met: no pair to tell of (no account with the name; an NPI the portal has no account for).
    assert out["Priya Raman, OD"].match is None and out["Ana Ruiz, OD"].match is None


def test_an_ambiguous_name_is_no_match():
    entries = [entry("Jane Okafor, OD", None, addr("jane"))]
    clinicians = [PortalClinician(OKAFOR, "Jane", "Okafor"), PortalClinician(PATEL, "Jane", "Okafor")]
    assert all(c.match is None for c in plan(entries, clinicians, {}))


def test_a_name_containing_status_is_read_as_a_name():
    parsed = parse_workflow_entry("Lena Statusky, OD\nNPI: 1234567893\nWorkflow status: Complete", addr("lena"))
    assert (parsed.first_name, parsed.last_name, parsed.workflow_status) == ("Lena", "Statusky", "Complete")


def test_entry_without_npi_and_two_accounts_with_that_name_fails_naming_both():
    entries = [entry("Jane Okafor, OD", None, addr("jane"))]
    clinicians = [PortalClinician(OKAFOR, "Jane", "Okafor"), PortalClinician(PATEL, "Jane", "Okafor")]
    out = plan(entries, clinicians, {})
    [failed] = [c for c in out if c.name == "Jane Okafor, OD"]
    assert failed.status is Status.FAILED
    assert OKAFOR in failed.error and PATEL in failed.error
    assert "providers.yaml" in failed.error
    # Never a guess: neither account is opened.
    assert all(c.status is not None for c in out)


def test_entry_without_npi_and_no_account_with_that_name_waits_for_cda():
    [c] = plan([entry("Priya Raman, OD", None, addr("priya"))], [], {})
    assert c.status is Status.WAITING_FOR_CDA
    assert c.npi == ""


def test_pending_entry_without_npi_and_no_account_is_not_provisioned():
    [c] = plan([entry("Priya Raman, OD", None, None)], [], {})
    assert c.status is Status.NOT_PROVISIONED
    assert "not complete" in c.error


def test_pinned_address_matches_entry_without_npi():
    providers = {CHEN: ProviderSettings(CHEN, direct_address=addr("LEI.CHEN"))}
    entries = [entry("Lei Chen, OD", None, addr("lei.chen"))]
    [c] = plan(entries, [PortalClinician(CHEN)], providers)
    assert (c.npi, c.status) == (CHEN, None)
    assert c.settings is providers[CHEN]


def test_pinned_address_that_maxmd_does_not_show_for_that_npi_is_a_conflict():
    providers = {OKAFOR: ProviderSettings(OKAFOR, direct_address=addr("jane"))}
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("j.okafor"))]
    [c] = plan(entries, [PortalClinician(OKAFOR)], providers)
    assert c.status is Status.CONFLICT
    assert addr("jane") in c.error and addr("j.okafor") in c.error


def test_pinned_address_shown_for_another_npi_is_never_used():
    providers = {OKAFOR: ProviderSettings(OKAFOR, direct_address=addr("jane"))}
    entries = [entry("Ravi Patel, MD", PATEL, addr("jane"))]
    out = by_npi(plan(entries, [PortalClinician(OKAFOR), PortalClinician(PATEL)], providers))
    assert out[PATEL].status is not None
    assert OKAFOR in out[PATEL].error and PATEL in out[PATEL].error
    assert out[OKAFOR].status is not None


def test_pinned_address_shown_for_another_npi_is_a_conflict():
    providers = {OKAFOR: ProviderSettings(OKAFOR, direct_address=addr("jane"))}
    entries = [entry("Ravi Patel, MD", PATEL, addr("jane"))]
    out = by_npi(plan(entries, [PortalClinician(OKAFOR), PortalClinician(PATEL)], providers))
    assert out[PATEL].status is Status.CONFLICT


def test_a_conflict_the_plan_finds_on_an_existing_account_is_looked_at_and_no_other():
    providers = {OKAFOR: ProviderSettings(OKAFOR, direct_address=addr("jane"))}
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("j.okafor")), entry("Ravi Patel, MD", PATEL, addr("ravi")),
               entry("Lei Chen, OD", CHEN, addr("lei.chen")), entry("Ana Ruiz, OD", RUIZ, addr("ana.ruiz"))]
    providers[CHEN] = ProviderSettings(CHEN, direct_address=addr("lei"))  # a conflict, but no account yet
    out = by_npi(plan(entries, [PortalClinician(OKAFOR), PortalClinician(PATEL)], providers))
    assert [(n, c.status, c.has_account, looks_at(c)) for n, c in out.items()] == [
        (OKAFOR, Status.CONFLICT, True, True),  # opened, pictured as found, nothing typed
        (PATEL, None, True, False),  # opened as any account is: its own decision on the page
        (CHEN, Status.CONFLICT, False, False),  # nothing to open
        (RUIZ, Status.WAITING_FOR_CDA, False, False),
    ]


def test_an_address_pinned_to_another_npi_opens_that_account_unless_it_is_excluded():
    entries = [entry("Ravi Patel, MD", PATEL, addr("jane"))]
    clinicians = [PortalClinician(OKAFOR), PortalClinician(PATEL)]
    providers = {OKAFOR: ProviderSettings(OKAFOR, direct_address=addr("jane"))}
    looked = by_npi(plan(entries, clinicians, providers))[PATEL]
    assert (looked.status, looked.has_account, looks_at(looked)) == (Status.CONFLICT, True, True)
    providers[PATEL] = ProviderSettings(PATEL, exclude=True)
    excluded = by_npi(plan(entries, clinicians, providers))[PATEL]
    assert excluded.status is Status.CONFLICT and excluded.settings is providers[PATEL]
    assert not looks_at(excluded)  # exclude means never touched, whatever conflict names it


def test_name_fallback_never_picks_an_account_already_matched_by_npi():
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane")), entry("Jane Okafor, OD", None, addr("jane.o"))]
    clinicians = [PortalClinician(OKAFOR, "Jane", "Okafor")]
    opened = [c for c in plan(entries, clinicians, {}) if c.status is None]
    assert [(c.npi, c.direct_address) for c in opened] == [(OKAFOR, addr("jane"))]


def test_invalid_npi_from_maxmd_fails_naming_the_npi():
    [c] = plan([entry("Jane Okafor, OD", "1234567898", addr("jane"))], [PortalClinician("1234567898")], {})
    assert c.status is Status.FAILED
    assert "1234567898" in c.error and "not valid" in c.error


def test_duplicate_npi_in_maxmd_fails_every_copy():
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane")), entry("J. Okafor, OD", OKAFOR, addr("j.okafor"))]
    out = plan(entries, [PortalClinician(OKAFOR)], {})
    assert [c.status for c in out] == [Status.FAILED, Status.FAILED]
    assert all("more than once" in c.error and OKAFOR in c.error for c in out)


def test_excluded_provider_is_never_opened():
    providers = {OKAFOR: ProviderSettings(OKAFOR, exclude=True), PATEL: ProviderSettings(PATEL, exclude=True)}
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane"))]
    out = by_npi(plan(entries, [PortalClinician(OKAFOR), PortalClinician(PATEL)], providers))
    assert out[OKAFOR].status is Status.EXCLUDED
    assert out[PATEL].status is Status.EXCLUDED  # an account with no MaxMD entry, excluded too


def test_pending_workflow_is_not_provisioned_and_carries_no_address():
    [c] = plan([entry("Ravi Patel, MD", PATEL, None, "Pending")], [PortalClinician(PATEL)], {})
    assert c.status is Status.NOT_PROVISIONED
    assert c.direct_address is None
    assert "Pending" in c.error


def test_complete_workflow_without_portal_account_waits_for_cda():
    [c] = plan([entry("Jane Okafor, OD", OKAFOR, addr("jane"))], [], {})
    assert c.status is Status.WAITING_FOR_CDA
    assert "CDA" in c.error


def test_portal_account_without_maxmd_entry_is_not_provisioned():
    [c] = plan([], [PortalClinician(KOWALSKI)], {})
    assert (c.npi, c.status) == (KOWALSKI, Status.NOT_PROVISIONED)
    assert "MaxMD" in c.error


def test_address_outside_the_practice_domain_fails_and_is_not_used():
    entries = [
        entry("Jane Okafor, OD", OKAFOR, addr("jane")),
        entry("Ravi Patel, MD", PATEL, addr("ravi")),
        entry("Lei Chen, OD", CHEN, addr("lei", "direct.othereye.com")),
    ]
    clinicians = [PortalClinician(n) for n in (OKAFOR, PATEL, CHEN)]
    out = by_npi(plan(entries, clinicians, {}))
    assert out[OKAFOR].status is None and out[PATEL].status is None
    assert out[CHEN].status is Status.FAILED
    assert DOMAIN in out[CHEN].error and "direct.othereye.com" in out[CHEN].error
    assert "not used" in out[CHEN].error


def test_configured_direct_domain_beats_the_majority():
    entries = [
        entry("Jane Okafor, OD", OKAFOR, addr("jane", "old.example.com")),
        entry("Ravi Patel, MD", PATEL, addr("ravi", "old.example.com")),
        entry("Lei Chen, OD", CHEN, addr("lei", "New.Example.com")),
    ]
    clinicians = [PortalClinician(n) for n in (OKAFOR, PATEL, CHEN)]
    out = by_npi(plan(entries, clinicians, {}, direct_domain="NEW.example.com "))
    assert out[CHEN].status is None
    assert out[OKAFOR].status is Status.FAILED and out[PATEL].status is Status.FAILED
    assert "new.example.com" in out[OKAFOR].error


def test_tie_between_domains_fails_with_hint_to_set_direct_domain():
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane", "a.example.com")), entry("Ravi Patel, MD", PATEL, addr("ravi", "b.example.com"))]
    out = plan(entries, [PortalClinician(OKAFOR), PortalClinician(PATEL)], {})
    assert [c.status for c in out] == [Status.FAILED, Status.FAILED]
    for c in out:
        assert "practice.direct_domain" in c.error
        assert "a.example.com" in c.error and "b.example.com" in c.error


def test_only_keeps_just_the_named_providers():
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane")), entry("Ravi Patel, MD", PATEL, addr("ravi"))]
    clinicians = [PortalClinician(OKAFOR), PortalClinician(PATEL), PortalClinician(KOWALSKI)]
    out = plan(entries, clinicians, {}, only=frozenset({PATEL}))
    assert [c.npi for c in out] == [PATEL]
    assert out[0].status is None


def test_every_provider_either_site_knows_gets_exactly_one_decision():
    entries = [entry("Jane Okafor, OD", OKAFOR, addr("jane")), entry("Ravi Patel, MD", PATEL, None)]
    clinicians = [PortalClinician(OKAFOR), PortalClinician(RUIZ)]
    out = plan(entries, clinicians, {})
    assert sorted(c.npi for c in out) == sorted([OKAFOR, PATEL, RUIZ])


# --- decide_changes(): the decision on the account page ---------------------------------------------

WANTED = addr("jane.okafor")


def state(*, poll=False, address="", emergency=False, names=AccountNames()) -> AccountState:
    return AccountState(names=names, emergency_access=emergency, poll_direct=poll, direct_address=address)


def test_fresh_account_gets_the_full_configuration():
    ch = decide_changes(WANTED, state(), None)
    assert ch == Changes(
        Status.CONFIGURED,
        set_password=True,
        turn_off_emergency=False,
        turn_on_poll=True,
        type_direct_address=WANTED,
        set_direct_password=True,
    )
    assert ch.save_needed


def test_fresh_account_with_emergency_access_on_turns_it_off():
    ch = decide_changes(WANTED, state(emergency=True), None)
    assert ch.turn_off_emergency and ch.set_password and ch.type_direct_address == WANTED


def test_configured_account_is_left_alone_and_password_not_reset():
    ch = decide_changes(WANTED, state(poll=True, address="  JANE.OKAFOR@Direct.BrightsideEye.com "), None)
    assert ch == Changes(Status.ALREADY_CONFIGURED)
    assert not ch.save_needed and not ch.set_password and not ch.set_direct_password


def test_conflicting_direct_address_is_never_overwritten():
    ch = decide_changes(WANTED, state(poll=True, address=addr("someone.else")), None)
    assert ch.status is Status.CONFLICT
    assert ch.type_direct_address is None and not ch.set_password and not ch.save_needed
    assert addr("someone.else") in ch.error and WANTED in ch.error


def test_conflicting_direct_address_is_never_overwritten_even_with_force():
    ch = decide_changes(WANTED, state(poll=False, address=addr("someone.else")), None, force=True)
    assert ch.status is Status.CONFLICT
    assert ch.type_direct_address is None and not ch.save_needed


def test_emergency_access_on_configured_account_is_turned_off_alone():
    ch = decide_changes(WANTED, state(poll=True, address=WANTED, emergency=True), None)
    assert ch == Changes(Status.CONFIGURED, turn_off_emergency=True)
    assert not ch.set_password and not ch.set_direct_password and ch.type_direct_address is None


def test_force_redoes_passwords_but_keeps_the_held_address():
    ch = decide_changes(WANTED, state(poll=True, address=WANTED), None, force=True)
    assert ch.status is Status.CONFIGURED
    assert ch.set_password and ch.set_direct_password
    assert ch.type_direct_address is None
    assert not ch.turn_on_poll


def test_held_address_with_poll_off_gets_poll_and_passwords_but_no_typed_address():
    ch = decide_changes(WANTED, state(poll=False, address=WANTED), None)
    assert ch.status is Status.CONFIGURED
    assert ch.turn_on_poll and ch.set_password and ch.set_direct_password
    assert ch.type_direct_address is None


def test_poll_on_without_address_is_not_configured_yet():
    ch = decide_changes(WANTED, state(poll=True, address=""), None)
    assert ch.status is Status.CONFIGURED
    assert ch.type_direct_address == WANTED and ch.set_password and not ch.turn_on_poll


def test_step_12_edits_only_for_values_that_differ():
    settings = ProviderSettings(OKAFOR, display_name="Dr. Jane Okafor", first_name="Jane", last_name="Okafor", email="jane@brightsideeye.com")
    current = AccountNames(display_name="Jane Okafor", first_name="Jane", last_name="OKAFOR", email="jane@brightsideeye.com")
    ch = decide_changes(WANTED, state(names=current), settings)
    assert ch.edits == {"display_name": "Dr. Jane Okafor", "last_name": "Okafor"}


def test_no_step_12_edits_without_provider_settings():
    ch = decide_changes(WANTED, state(names=AccountNames(display_name="X")), None)
    assert ch.edits == {}


def test_names_changed_only_for_name_fields():
    assert names_changed({"display_name": "Dr. Jane Okafor"})
    assert names_changed({"first_name": "Jane"})
    assert names_changed({"last_name": "Okafor", "email": "x@y.com"})
    assert not names_changed({"email": "jane@brightsideeye.com"})
    assert not names_changed({})


# --- verify(): reading the account back -------------------------------------------------------------


def test_verify_is_clean_when_the_account_shows_what_was_set():
    ch = decide_changes(WANTED, state(), ProviderSettings(OKAFOR, first_name="Jane"))
    after = state(poll=True, address=WANTED.upper(), names=AccountNames(first_name="Jane"))
    assert verify(ch, WANTED, after) == []


def test_verify_reports_each_mismatch():
    ch = decide_changes(WANTED, state(emergency=True), ProviderSettings(OKAFOR, first_name="Jane", email="jane@x.com"))
    after = state(poll=False, address=addr("other"), emergency=True, names=AccountNames(first_name="Janet", email="jane@x.com"))
    problems = verify(ch, WANTED, after)
    assert len(problems) == 4
    text = "\n".join(problems)
    assert "Emergency Access" in text
    assert "Poll Direct Mailbox" in text
    assert addr("other") in text and WANTED in text
    assert "first name" in text and "'Janet'" in text and "'Jane'" in text


def test_verify_after_emergency_only_fix_checks_just_emergency_access():
    ch = decide_changes(WANTED, state(poll=True, address=WANTED, emergency=True), None)
    assert verify(ch, WANTED, state(poll=True, address=WANTED)) == []
    assert verify(ch, WANTED, state(poll=True, address=WANTED, emergency=True)) == ["Allow Emergency Access is still checked"]


def test_a_table_row_with_bare_cells_is_parsed():
    row = "Jane Okafor, OD\t1234567893\tComplete\tjane.okafor@direct.brightsideeye.com"
    parsed = parse_workflow_entry(row, "jane.okafor@direct.brightsideeye.com")
    assert (parsed.name, parsed.npi, parsed.workflow_status) == ("Jane Okafor, OD", "1234567893", "Complete")
    assert (parsed.first_name, parsed.last_name) == ("Jane", "Okafor")


def test_a_pending_table_row_has_no_address_and_its_note_is_not_the_name():
    parsed = parse_workflow_entry("Grace Whitfield, OD\t1209473853\tPending\tProvisioning in progress", None)
    assert (parsed.name, parsed.workflow_status, parsed.complete) == ("Grace Whitfield, OD", "Pending", False)


def test_a_labelled_npi_does_not_run_into_the_next_cell():
    parsed = parse_workflow_entry("Jane Okafor, OD\tNPI: 1234567893\t2024-03-01\tComplete", None)
    assert parsed.npi == "1234567893"


def test_a_bare_ten_digit_cell_that_is_not_an_npi_is_not_taken_for_one():
    parsed = parse_workflow_entry("Jane Okafor, OD\t6085550142\t1234567893\tComplete", None)
    assert parsed.npi == "1234567893"


def test_a_workflow_status_written_as_workflow_colon_is_read() -> None:
    from robot.rules import parse_workflow_entry

    entry = parse_workflow_entry("Hannah Okafor, OD\nNPI 1733480507 · Workflow: Pending\nStarted 2026-10-02", None)
    assert (entry.npi, entry.workflow_status) == ("1733480507", "Pending")
    assert parse_workflow_entry("Jane Okafor, OD\nNPI: 1234567893\nWorkflow status: Complete", "j@d.example.com").workflow_status == "Complete"


# --- names as the sites may show them (issue 20) -----------------------------------------------------


@pytest.mark.parametrize("name", ["Jane @Okafor, OD", "Okafor@Home, OD", "Jane O@kafor", "@Jane Okafor", "Jane Okafor @ Brightside, OD"])
def test_a_name_with_an_at_sign_is_kept(name):
    for text in (f"{name}\nNPI: {OKAFOR}\nWorkflow status: Complete\n{addr('jane')}",  # a block of lines
                 f"{name}\t{OKAFOR}\tComplete\t{addr('jane')}"):  # a table row
        e = parse_workflow_entry(text, addr("jane"))
        assert (e.name, e.npi, e.workflow_status, e.direct_address) == (name, OKAFOR, "Complete", addr("jane"))
    assert split_name("Okafor@Home, OD") == ("", "Okafor@Home")


def test_a_line_holding_an_e_mail_address_is_never_the_name():
    text = f"jane.private@example.com\nContact: Jane <jane.okafor@example.org>\nJane Okafor, OD\nNPI: {OKAFOR}\nWorkflow status: Complete"
    assert parse_workflow_entry(text, addr("jane")).name == "Jane Okafor, OD"
    assert parse_workflow_entry(f"{addr('jane').upper()}\nJane Okafor, OD\nNPI: {OKAFOR}", addr("jane")).name == "Jane Okafor, OD"


def test_an_entry_without_npi_is_matched_by_a_name_with_an_at_sign():
    e = parse_workflow_entry(f"Jane @Okafor, OD\nWorkflow status: Complete\n{addr('jane')}", addr("jane"))
    [c] = [c for c in plan([e], [PortalClinician(OKAFOR, "Jane", "@Okafor"), PortalClinician(PATEL, "Jane", "Okafor")], {}) if c.name == e.name]
    assert (c.npi, c.status) == (OKAFOR, None)


LONG = 12_000


def _long(unit: str) -> str:
    """A name of ``LONG`` characters: "Jane " and ``unit`` repeated."""
    return "Jane " + (unit * LONG)[: LONG - len("Jane ")]


@pytest.mark.alone  # timed against the clock: another test beside it would take its CPU
@pytest.mark.parametrize("name", [_long("Okafor"), _long("Okafor "), _long("Okafor-"), _long("Ok@for "), _long("O@"), _long("a.")],
                         ids=["one-word", "words", "hyphens", "at-signs", "at-run", "dots"])
def test_a_12000_character_name_is_read_whole_in_well_under_a_second(name):
    for text in (f"{name}\nNPI: {OKAFOR}\nWorkflow status: Complete\n{addr('jane')}", f"{name}\t{OKAFOR}\tComplete\t{addr('jane')}"):
        started = time.perf_counter()
        e = parse_workflow_entry(text, addr("jane"))
        assert time.perf_counter() - started < 0.25
        assert (e.name, e.npi, e.workflow_status) == (name.strip(), OKAFOR, "Complete")


@pytest.mark.alone  # timed against the clock: another test beside it would take its CPU
@pytest.mark.parametrize("text", [
    f"Jane Okafor, OD\nNPI{' ' * LONG}x\nWorkflow status: Complete",  # a label with no number after its spaces
    f"Jane Okafor, OD\nNPI: {OKAFOR}\nWorkflow status{' ' * LONG}1",
    f"Jane Okafor, OD\nNPI: {OKAFOR}\nWorkflow{' ' * LONG}-",
])
def test_12000_spaces_after_a_label_are_read_in_well_under_a_second(text):
    started = time.perf_counter()
    e = parse_workflow_entry(text, None)
    assert time.perf_counter() - started < 0.25
    assert e.name == "Jane Okafor, OD"


# --- a resumed Save ------------------------------------------------------------------------------------
from robot.rules import resumed_save  # noqa: E402


def test_a_lost_save_the_account_shows_was_applied_unless_forced():
    configured = Changes(Status.ALREADY_CONFIGURED)
    assert resumed_save(configured, resumed=True, forced=False) == "applied"
    assert resumed_save(configured, resumed=True, forced=True) == "unknown"  # looks the same either way


def test_a_lost_save_the_account_does_not_show_is_saved_again():
    todo = Changes(Status.CONFIGURED, set_password=True)
    assert resumed_save(todo, resumed=True, forced=False) == ""
    assert resumed_save(Changes(Status.ALREADY_CONFIGURED), resumed=False, forced=True) == ""


# --- an acknowledged conflict (providers.yaml's acknowledged_conflict) -----------------------------------

HELD = addr("j.okafor")
TODAY = date(2026, 12, 3)


def acked(maxmd: str = WANTED, account: str = HELD, look_again: date | None = None) -> ProviderSettings:
    return ProviderSettings(OKAFOR, acknowledged_conflict=AcknowledgedConflict(maxmd, account, "support case 4411", look_again))


def test_an_acknowledged_conflict_is_left_alone_without_needing_a_person():
    ch = decide_changes(WANTED, state(poll=True, address=HELD), acked(look_again=date(2027, 1, 31)), today=TODAY)
    assert ch.status is Status.ACKNOWLEDGED_CONFLICT and not ch.save_needed and not ch.status.needs_attention
    assert ch.error == "" and "support case 4411" in ch.note and "2027-01-31" in ch.note


def test_an_acknowledgement_matches_without_case_or_surrounding_space():
    ack = acked(maxmd=" " + WANTED.upper(), account=HELD.upper())
    assert decide_changes(WANTED, state(poll=True, address=HELD), ack, today=TODAY).status is Status.ACKNOWLEDGED_CONFLICT


@pytest.mark.parametrize(("maxmd", "account"), [(addr("jane.o"), HELD), (WANTED, addr("okafor.j"))])
def test_an_acknowledgement_of_other_addresses_than_the_sites_show_is_a_conflict_again(maxmd, account):
    ch = decide_changes(WANTED, state(poll=True, address=HELD), acked(maxmd, account), today=TODAY)
    assert ch.status is Status.CONFLICT and ch.status.needs_attention
    assert "no longer matches" in ch.error and maxmd in ch.error and account in ch.error


@pytest.mark.parametrize("look_again", [TODAY, date(2026, 11, 30)])
def test_from_its_look_again_date_an_acknowledged_conflict_is_a_conflict_again(look_again):
    ch = decide_changes(WANTED, state(poll=True, address=HELD), acked(look_again=look_again), today=TODAY)
    assert ch.status is Status.CONFLICT
    assert "look at it again" in ch.error and look_again.isoformat() in ch.error and "support case 4411" in ch.error


def test_an_acknowledgement_the_sites_no_longer_need_is_noted_and_the_account_configured():
    ch = decide_changes(WANTED, state(), acked(), today=TODAY)
    assert ch.status is Status.CONFIGURED and ch.type_direct_address == WANTED
    assert "remove its acknowledged_conflict" in ch.note


def test_an_unacknowledged_conflict_says_it_can_be_acknowledged():
    ch = decide_changes(WANTED, state(poll=True, address=HELD), None, today=TODAY)
    assert ch.status is Status.CONFLICT and "acknowledged_conflict" in ch.error
    # The words to paste, as providers.yaml reads them.
    snippet = yaml.safe_load(ch.error.split("providers.yaml: ", 1)[1].replace("YYYY-MM-DD", "2027-01-31"))
    assert snippet["acknowledged_conflict"]["maxmd_address"] == WANTED
    assert snippet["acknowledged_conflict"]["account_address"] == HELD


# --- a refused Save: the advice follows the portal's own words --------------------------------------------


@pytest.mark.parametrize(("words", "advice"), [
    ("The Direct mailbox could not be verified by MaxMD. Try again later or contact support.", ["run again later", "support"]),
    ("The password does not meet the complexity requirements.", ["passwords:", "robot.yaml", "password_env"]),
    ("Display Name is required.", ["display_name", "providers.yaml"]),
    ("Email Address is not valid.", ["email", "providers.yaml"]),
    ("The Direct address is already in use by another account.", ["Direct address", "MaxMD"]),
])
def test_a_refused_saves_advice_follows_the_portals_words(words, advice):
    said = refused_save_advice(words)
    assert all(a in said for a in advice), said
    assert "fix the cause in the portal or providers.yaml" not in said


def test_a_refusal_in_words_the_robot_does_not_know_is_left_to_the_portals_words():
    said = refused_save_advice("Error 7731.")
    assert "as the portal's words say" in said and "nothing was changed" in said
# --- --only and --force: what is asked for, and what is opened for it ------------------------------------
from robot.rules import not_listed, unmatched_usernames  # noqa: E402


def test_an_npi_asked_for_that_neither_site_lists_is_named() -> None:
    entries = [entry("Jane Okafor", OKAFOR, addr("jokafor")), entry("Wei Chen", None, addr("wchen"))]
    assert not_listed({OKAFOR, CHEN, PATEL}, entries, [CHEN]) == [PATEL]
    assert not_listed(set(), entries, []) == []


def test_under_only_no_account_but_one_asked_for_is_a_candidate_for_a_match_by_name() -> None:
    entries = [entry("Jane Okafor", OKAFOR, addr("jokafor")), entry("Wei Chen", None, addr("wchen"))]
    usernames = [OKAFOR, CHEN, RUIZ]
    assert unmatched_usernames(entries, usernames) == [CHEN, RUIZ]
    assert unmatched_usernames(entries, usernames, only=frozenset({OKAFOR})) == []
    assert unmatched_usernames(entries, usernames, only=frozenset({CHEN})) == [CHEN]
