"""The sandbox's seeded practice and generated practices: every provider state the robot must meet."""

from __future__ import annotations

import pytest

from robot.sandbox import SEEDED_NPIS, MaxmdEntry, PortalAccount, Sandbox, npi_is_valid

DOMAIN = "direct.brightsideeye.com"


@pytest.fixture(scope="module")
def sb() -> Sandbox:
    # Not started: the state is built in the constructor.
    return Sandbox()


def entry(sb: Sandbox, first: str, last: str) -> MaxmdEntry:
    (found,) = [e for e in sb.state.maxmd_entries if (e.first_name, e.last_name) == (first, last)]
    return found


def fresh(account: PortalAccount) -> bool:
    return (
        account.password is None
        and not account.poll_direct
        and account.direct_address is None
        and account.direct_password is None
        and not account.emergency_access
        and not account.inactive
        and account.saves == 0
    )


def test_npi_check_digit() -> None:
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567898")
    assert not npi_is_valid("3234567893")  # first digit must be 1 or 2
    assert not npi_is_valid("123456789")


def test_seeded_npis_are_valid_and_distinct(sb: Sandbox) -> None:
    npis = list(SEEDED_NPIS.values())
    assert all(npi_is_valid(n) for n in npis)
    assert len(set(npis)) == len(npis) == 9
    assert npi_is_valid(sb.state.practice.organization_npi)
    assert sb.state.practice.organization_npi not in npis
    assert SEEDED_NPIS["Jane Okafor"] == "1234567893"


def test_practice(sb: Sandbox) -> None:
    assert sb.state.practice.name == "Brightside Eye Care"
    assert sb.state.practice.direct_domain == DOMAIN
    assert sb.state.practice.proofing_status == "Verified"


@pytest.mark.parametrize("name", ["Jane Okafor", "Marcus Lindqvist"])
def test_ready_providers(sb: Sandbox, name: str) -> None:
    first, last = name.split()
    e = entry(sb, first, last)
    assert (e.status, e.npi, e.credential) == ("Complete", SEEDED_NPIS[name], "OD")
    assert e.direct_address == f"{first.lower()}.{last.lower()}@{DOMAIN}"
    account = sb.state.account(SEEDED_NPIS[name])
    assert fresh(account)
    assert account.access_type == "Clinician"
    assert account.display_name == account.username == SEEDED_NPIS[name]
    assert (account.first_name, account.last_name) == (first, last)


def test_already_configured(sb: Sandbox) -> None:
    e = entry(sb, "Priya", "Raman")
    assert e.credential == "MD"
    account = sb.state.account(SEEDED_NPIS["Priya Raman"])
    assert account.poll_direct and account.direct_address == e.direct_address
    assert account.password and account.direct_password
    assert account.roles  # the clinician with roles


def test_emergency_access_already_on(sb: Sandbox) -> None:
    e = entry(sb, "Tomás", "Herrera")
    assert e.status == "Complete" and e.direct_address == f"tomas.herrera@{DOMAIN}"
    account = sb.state.account(SEEDED_NPIS["Tomás Herrera"])
    assert account.emergency_access and not account.poll_direct and account.password is None


def test_workflow_pending(sb: Sandbox) -> None:
    e = entry(sb, "Grace", "Whitfield")
    assert (e.status, e.direct_address) == ("Pending", None)
    assert fresh(sb.state.account(SEEDED_NPIS["Grace Whitfield"]))


def test_no_portal_account_yet(sb: Sandbox) -> None:
    e = entry(sb, "Daniel", "Cho")
    assert e.status == "Complete" and e.direct_address
    assert SEEDED_NPIS["Daniel Cho"] not in sb.state.accounts
    with pytest.raises(KeyError):
        sb.state.account(SEEDED_NPIS["Daniel Cho"])


def test_conflicting_direct_address(sb: Sandbox) -> None:
    e = entry(sb, "Aisha", "Bello")
    account = sb.state.account(SEEDED_NPIS["Aisha Bello"])
    assert account.poll_direct and account.direct_address
    assert account.direct_address.lower() != (e.direct_address or "").lower()
    assert account.direct_address.endswith("@" + DOMAIN)


def test_entry_without_npi_matched_by_name(sb: Sandbox) -> None:
    e = entry(sb, "Samuel", "Ortiz")
    assert e.npi is None and e.status == "Complete" and e.direct_address
    matches = [a for a in sb.state.accounts.values() if (a.first_name, a.last_name) == ("Samuel", "Ortiz")]
    assert len(matches) == 1 and fresh(matches[0]) and matches[0].username == SEEDED_NPIS["Samuel Ortiz"]


def test_portal_account_without_maxmd_entry(sb: Sandbox) -> None:
    assert not [e for e in sb.state.maxmd_entries if e.last_name == "Park"]
    account = sb.state.account(SEEDED_NPIS["Helen Park"])
    assert account.access_type == "Clinician" and fresh(account)


def test_non_clinician_accounts(sb: Sandbox) -> None:
    by_type: dict[str, list[PortalAccount]] = {}
    for a in sb.state.accounts.values():
        by_type.setdefault(a.access_type, []).append(a)
    assert len(by_type["Patient"]) == 3
    assert len(by_type["Staff"]) == 2
    assert [a.username for a in by_type["Administrator"]] == [sb.portal_username]
    assert len(by_type["Clinician"]) == 8
    assert sum(a.inactive for a in by_type["Patient"]) == 1
    assert all(a.roles for a in by_type["Staff"])
    assert "mrivera82" in sb.state.accounts
    admin = sb.state.account(sb.portal_username)
    assert admin.password == sb.portal_password


def test_account_returns_a_copy(sb: Sandbox) -> None:
    copy = sb.state.account("1234567893")
    copy.password = "changed"
    copy.roles.append("Billing")
    assert sb.state.account("1234567893").password is None
    assert sb.state.account("1234567893").roles == []


def test_random_credentials_differ_per_sandbox() -> None:
    a, b = Sandbox(), Sandbox()
    assert a.portal_password != b.portal_password and a.maxmd_password != b.maxmd_password
    assert a.portal_username != b.portal_username


def test_given_credentials_are_used() -> None:
    sb = Sandbox(maxmd_credentials=("m@x.com", "Mm-123456!"), portal_credentials=("padmin", "Pp-123456!"))
    assert (sb.maxmd_username, sb.maxmd_password, sb.portal_username, sb.portal_password) == (
        "m@x.com", "Mm-123456!", "padmin", "Pp-123456!")
    assert sb.state.account("padmin").access_type == "Administrator"


@pytest.mark.parametrize("count", [0, 1, 25])
def test_generated_providers_are_ready(count: int) -> None:
    sb = Sandbox(providers=count, seed=7)
    entries = sb.state.maxmd_entries
    assert len(entries) == count
    npis = [e.npi for e in entries]
    assert len(set(npis)) == count and all(n and npi_is_valid(n) for n in npis)
    assert len({e.direct_address for e in entries}) == count
    assert len({(e.first_name, e.last_name) for e in entries}) == count
    for e in entries:
        assert e.status == "Complete" and e.direct_address and e.direct_address.endswith("@" + DOMAIN)
        account = sb.state.account(e.npi or "")
        assert account.access_type == "Clinician" and fresh(account)
        assert (account.first_name, account.last_name) == (e.first_name, e.last_name)
    clinicians = [a for a in sb.state.accounts.values() if a.access_type == "Clinician"]
    assert len(clinicians) == count
    others = sorted(a.access_type for a in sb.state.accounts.values() if a.access_type != "Clinician")
    assert others == ["Administrator", "Patient", "Patient", "Patient", "Staff", "Staff"]


def test_generated_providers_are_deterministic_from_seed() -> None:
    a = Sandbox(providers=10, seed=3).state.maxmd_entries
    b = Sandbox(providers=10, seed=3).state.maxmd_entries
    c = Sandbox(providers=10, seed=4).state.maxmd_entries
    assert a == b
    assert a != c


def test_many_generated_providers_stay_distinct() -> None:
    entries = Sandbox(providers=2000).state.maxmd_entries
    assert len({e.npi for e in entries}) == 2000
    assert len({e.direct_address for e in entries}) == 2000
    assert len({(e.first_name, e.last_name) for e in entries}) == 2000
