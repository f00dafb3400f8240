"""The robot's rules as pure functions: validation, matching, planning, and every decision about an account."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from email_validator import EmailNotValidError, validate_email

from robot.conflicts import conflict, normalize_address
from robot.model import AccountNames, AccountState, Candidate, Changes, Match, MaxmdEntry, ProviderSettings, Status

# --- validation -----------------------------------------------------------------------------------

_NPI_RE = re.compile(r"^[12]\d{9}$")


def npi_problem(npi: str) -> str | None:
    """Why ``npi`` is not a valid NPI, or None when it is (10 digits, starts 1 or 2, Luhn over 80840+NPI)."""
    if not _NPI_RE.fullmatch(npi):
        return "an NPI has 10 digits and starts with 1 or 2"
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    if total % 10 != 0:
        return "its check digit is wrong"
    return None


def is_valid_npi(npi: str) -> bool:
    return npi_problem(npi) is None


def is_valid_email(address: str) -> bool:
    """Syntax only (no DNS: the robot's machine need not reach the Direct domain), ASCII only, as a
    portal's Direct Address field takes it; email-validator refuses special-use domains (.test, .local)."""
    if not address.isascii():
        return False
    try:
        validate_email(address.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


def domain_of(address: str) -> str:
    return normalize_address(address).rpartition("@")[2]


# --- reading what MaxMD shows ----------------------------------------------------------------------

# "\s*[:#]?\s*" would split a long run of spaces between its two stars in every way (quadratic in the
# run's length); "\s*(?:[:#]\s*)?" reads the same text in one pass. Likewise for the status.
_NPI_IN_TEXT = re.compile(r"\bNPI\b\s*(?:[:#]\s*)?(\d[\d -]{8,14}\d)", re.I)
_STATUS_IN_TEXT = re.compile(r"\b(?:(?:workflow\s+)?status\b\s*(?:[:\-]\s*)?|workflow\s*[:\-]\s*)([A-Za-z][A-Za-z ]*)", re.I)
# An e-mail address in a line (the Direct address or another): a name may hold an "@" ("Okafor@Home, OD",
# "Jane @Okafor") and is still a name. It starts where a run of address characters starts, so a long
# line is read once (unanchored, "[^...]+@" is tried from every character of a run with no "@").
_EMAIL_IN_TEXT = re.compile(r"(?<![^\s@<>(),;:])[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[A-Za-z]{2,}")
_TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."}


def _person_words(name: str) -> list[str]:
    """The words of a person's name in a display name such as "Dr. Jane Okafor, OD"."""
    return [w for w in name.split(",")[0].split() if w.lower() not in _TITLES]


def split_name(name: str) -> tuple[str, str]:
    """First and last name of a display name such as "Dr. Jane Okafor, OD"."""
    words = _person_words(name)
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return words[0], words[-1]


_BARE_NPI = re.compile(r"^\d{10}$")
_BARE_STATUS = re.compile(r"^(complete|completed|pending|in progress|failed|cancelled|canceled)$", re.I)


def parse_workflow_entry(text: str, direct_address: str | None) -> MaxmdEntry:
    """Turn the visible text of one workflow entry into a record; ``direct_address`` is the green box's text.

    The entry may be a block of lines ("NPI: 1234567893", "Workflow status: Complete") or a table
    row whose cells arrive tab-separated with bare values ("1234567893", "Complete").
    """
    lines = [" ".join(part.split()) for part in re.split(r"[\n\t]", text)]
    lines = [line for line in lines if line]
    address = " ".join(direct_address.split()) if direct_address else None
    npi_match = _NPI_IN_TEXT.search(text)
    bare_npi = next((line for line in lines if _BARE_NPI.match(line) and npi_problem(line) is None), None)
    npi = re.sub(r"\D", "", npi_match.group(1)) if npi_match else bare_npi
    status_match = _STATUS_IN_TEXT.search(text)
    bare_status = next((line for line in lines if _BARE_STATUS.match(line)), "")
    status = status_match.group(1).strip() if status_match else bare_status
    name = next(
        (
            line
            for line in lines
            if not _NPI_IN_TEXT.search(line)
            and not _STATUS_IN_TEXT.search(line)
            and line not in (bare_npi, bare_status)
            and (address is None or normalize_address(line) != normalize_address(address))
            and not _EMAIL_IN_TEXT.search(line)
            and "in progress" not in line.lower()
        ),
        "",
    )
    first, last = split_name(name)
    return MaxmdEntry(
        name=name,
        first_name=first,
        last_name=last,
        npi=npi,
        workflow_status=status,
        direct_address=address or None,
    )


def _fold(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def name_key(first: str, last: str) -> tuple[str, str]:
    """Names compare without accents, case or extra space."""
    return _fold(first), _fold(last)


def name_keys(first: str, last: str) -> list[tuple[str, str]]:
    """The keys a person's name is matched by, strictest first: the whole name ("Mary van Dyke"),
    then its first and last words (so "Jane A. Okafor" still meets "Jane" "Okafor")."""
    words = _fold(f"{first} {last}").split()
    if not words:
        return []
    return list(dict.fromkeys([(" ".join(words), ""), (words[0], words[-1])]))


# --- the plan: one decision per provider before any account is opened --------------------------------


def practice_domain(entries: Iterable[MaxmdEntry], configured: str | None) -> tuple[str | None, str]:
    """The practice's Direct domain, the configured one else the one most complete entries share: (domain, reason-if-none)."""
    if configured:
        return configured.strip().lower(), ""
    counts = Counter(domain_of(e.direct_address) for e in entries if e.direct_address and "@" in e.direct_address)
    if not counts:
        return None, ""
    (top, n), *rest = counts.most_common()
    if rest and rest[0][1] == n:
        return None, (
            "MaxMD shows Direct addresses in several domains equally often "
            f"({', '.join(sorted(counts))}); set practice.direct_domain in robot.yaml"
        )
    return top, ""


@dataclass(frozen=True)
class PortalClinician:
    """A Clinician account the portal's search listed; names are filled only where they were needed."""

    username: str
    first_name: str = ""
    last_name: str = ""


def unmatched_usernames(entries: Iterable[MaxmdEntry], usernames: Iterable[str], only: frozenset[str] = frozenset()) -> list[str]:
    """Accounts no MaxMD entry names by NPI: the candidates for matching by name; under ``--only`` just those
    asked for, so no other account is opened to read its names."""
    npis = {e.npi for e in entries if e.npi}
    return [u for u in usernames if u not in npis and (not only or u in only)]


def not_listed(asked: Iterable[str], entries: Iterable[MaxmdEntry], usernames: Iterable[str]) -> list[str]:
    """The NPIs asked for (``--only``, ``--force``) that neither site lists: a typo passing the check digit."""
    known = {e.npi for e in entries if e.npi} | set(usernames)
    return sorted(set(asked) - known)


def plan(
    entries: list[MaxmdEntry],
    clinicians: list[PortalClinician],
    providers: Mapping[str, ProviderSettings],
    *,
    direct_domain: str | None = None,
    only: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Decide, for every provider either site knows, what happens before its account is opened."""
    domain, domain_reason = practice_domain(entries, direct_domain)
    accounts = {c.username: c for c in clinicians}
    claimed = {e.npi for e in entries if e.npi}
    by_name: dict[tuple[str, str], list[str]] = {}
    for c in clinicians:
        if c.username not in claimed:  # an account MaxMD names by NPI is never matched by name too
            for key in name_keys(c.first_name, c.last_name):
                by_name.setdefault(key, []).append(c.username)
    pinned = {normalize_address(s.direct_address): s.npi for s in providers.values() if s.direct_address}
    npi_counts = Counter(e.npi for e in entries if e.npi)

    out: list[Candidate] = []
    seen: set[str] = set()
    for entry in entries:
        match = _match(entry, by_name, pinned, npi_counts)
        c = _plan_entry(entry, match, accounts, providers, domain, domain_reason)
        by = match[3]
        if c.npi:
            seen.add(c.npi)
        account = accounts.get(c.npi)  # how the pair was made, for the reviewer: by name, with both sites' names
        names = (account.first_name, account.last_name) if account and by == "name" else ("", "")
        out.append(replace(c, source_picture=entry.source_picture, has_account=account is not None,
                           match=Match(by, entry.name, *names) if account and by else None))

    for username in accounts:
        if username in seen:
            continue
        settings = providers.get(username)
        status = Status.EXCLUDED if settings and settings.exclude else Status.NOT_PROVISIONED
        error = "" if status is Status.EXCLUDED else "MaxMD lists no provisioning workflow for this NPI"
        out.append(Candidate(username, _account_name(accounts[username]), None, status, error, settings))

    if only:
        out = [c for c in out if c.npi in only]
    return out


def _plan_entry(entry: MaxmdEntry, match: tuple[str | None, Status | None, str, str], accounts: Mapping[str, PortalClinician],
                providers: Mapping[str, ProviderSettings], domain: str | None, domain_reason: str) -> Candidate:
    name = entry.name or f"{entry.first_name} {entry.last_name}".strip()
    npi, status, error, _ = match
    if status is not None:
        return Candidate(npi or "", name, entry.direct_address, status, error, providers.get(npi) if npi else None)
    if npi is None:
        # Nothing in the portal carries this name yet: the provider has not sent a CDA.
        return Candidate(
            "", name, entry.direct_address, Status.WAITING_FOR_CDA if entry.complete else Status.NOT_PROVISIONED,
            "MaxMD shows no NPI and no portal account has this name"
            + ("" if entry.complete else "; the MaxMD workflow is not complete yet"),
        )
    return _decide_entry(entry, npi, name, accounts, providers.get(npi), domain, domain_reason)


def _account_name(c: PortalClinician) -> str:
    return f"{c.first_name} {c.last_name}".strip() or c.username


def _match(
    entry: MaxmdEntry,
    by_name: Mapping[tuple[str, str], list[str]],
    pinned: Mapping[str, str],
    npi_counts: Counter,
) -> tuple[str | None, Status | None, str, str]:
    """The NPI this MaxMD entry belongs to (None: no account has it yet), or a final status and why; how (MATCHED_BY)."""
    if entry.direct_address and normalize_address(entry.direct_address) in pinned:
        pin_npi = pinned[normalize_address(entry.direct_address)]
        if entry.npi and entry.npi != pin_npi:
            return entry.npi, Status.CONFLICT, (
                f"providers.yaml pins {entry.direct_address} to NPI {pin_npi}, but MaxMD shows it for NPI {entry.npi}; "
                "correct providers.yaml or MaxMD"
            ), "npi"
        return pin_npi, None, "", "npi" if entry.npi else "providers.yaml"
    if entry.npi:
        problem = npi_problem(entry.npi)
        if problem:
            return entry.npi, Status.FAILED, f"MaxMD shows NPI {entry.npi}, which is not valid ({problem}); correct it in MaxMD", "npi"
        if npi_counts[entry.npi] > 1:
            return entry.npi, Status.FAILED, f"MaxMD lists NPI {entry.npi} more than once; resolve the duplicate in MaxMD", "npi"
        return entry.npi, None, "", "npi"
    same_name: list[str] = []
    whole = " ".join(_person_words(entry.name)) or f"{entry.first_name} {entry.last_name}"
    for key in name_keys(whole, ""):
        same_name = by_name.get(key, [])
        if same_name:
            break
    if len(same_name) > 1:
        return None, Status.FAILED, (
            f"MaxMD shows no NPI, and {len(same_name)} portal accounts are named {entry.first_name} {entry.last_name} "
            f"({', '.join(sorted(same_name))}); pin the right one in providers.yaml with this direct_address"
        ), ""
    if len(same_name) == 1:
        return same_name[0], None, "", "name"
    return None, None, "", ""


def _decide_entry(
    entry: MaxmdEntry,
    npi: str,
    name: str,
    accounts: Mapping[str, PortalClinician],
    settings: ProviderSettings | None,
    domain: str | None,
    domain_reason: str,
) -> Candidate:
    address = entry.direct_address
    if settings and settings.exclude:
        return Candidate(npi, name, address, Status.EXCLUDED, "", settings)
    if not entry.complete:
        return Candidate(
            npi, name, None, Status.NOT_PROVISIONED,
            f"the MaxMD provisioning workflow is not complete (status: {entry.workflow_status or 'unknown'})",
            settings,
        )
    assert address is not None
    if settings and settings.direct_address and normalize_address(settings.direct_address) != normalize_address(address):
        return Candidate(
            npi, name, address, Status.CONFLICT,
            f"providers.yaml pins {settings.direct_address}, but MaxMD shows {address}; correct one of them",
            settings,
        )
    if not is_valid_email(address):
        return Candidate(npi, name, address, Status.FAILED, f"MaxMD shows a Direct address that is not a valid e-mail address: {address!r}", settings)
    if domain is None and domain_reason:
        return Candidate(npi, name, address, Status.FAILED, domain_reason, settings)
    if domain and domain_of(address) != domain:
        return Candidate(
            npi, name, address, Status.FAILED,
            f"Direct address {address} is not in the practice's Direct domain {domain}; it was not used — check it in MaxMD (or practice.direct_domain in robot.yaml, if every address fails so)",
            settings,
        )
    if npi not in accounts:
        return Candidate(npi, name, address, Status.WAITING_FOR_CDA, "no portal account yet: the provider must send one CDA (seed step 1)", settings)
    return Candidate(npi, name, address, None, "", settings)


def looks_at(c: Candidate) -> bool:
    """A conflict the plan found (providers.yaml against MaxMD) on an account the portal has: its account
    is opened all the same and pictured as found, nothing typed, for the person who must resolve it.
    Never an excluded provider's: ``exclude`` means never touched."""
    return c.status is Status.CONFLICT and c.has_account and not (c.settings and c.settings.exclude)


# --- the decision on the account page ----------------------------------------------------------------


def decide_changes(
    wanted_address: str,
    state: AccountState,
    settings: ProviderSettings | None,
    *,
    force: bool = False,
    today: date | None = None,
) -> Changes:
    """What to change on one account, given what its page shows (seed steps 12-17); ``today`` (default: the
    machine's date) is what an acknowledged conflict's look-again date is compared with."""
    held = state.direct_address.strip()
    ack = settings.acknowledged_conflict if settings else None
    if held and normalize_address(held) != normalize_address(wanted_address):
        return conflict(held, wanted_address, ack, today or date.today())  # robot.conflicts
    edits = _edits(state.names, settings)
    changes = _changes(state, held, wanted_address, edits, force)
    if ack is not None:  # acknowledged, but the account and MaxMD agree now: the acknowledgement can go
        return replace(changes, note=(
            f"providers.yaml acknowledges a conflict ({ack.account_address} in the account, {ack.maxmd_address} in MaxMD) "
            "that the sites no longer show: remove its acknowledged_conflict"))
    return changes


def _changes(state: AccountState, held: str, wanted_address: str, edits: dict[str, str], force: bool) -> Changes:
    """An account with no conflict: left alone, Emergency Access alone turned off, or set up."""
    if state.poll_direct and held and not force:
        if not state.emergency_access:
            return Changes(Status.ALREADY_CONFIGURED)
        # Configured, but step 14 says Emergency Access must be off: fix that alone, keep the passwords.
        return Changes(Status.CONFIGURED, turn_off_emergency=True, edits=edits)
    return Changes(
        Status.CONFIGURED,
        set_password=True,
        turn_off_emergency=state.emergency_access,
        turn_on_poll=not state.poll_direct,
        type_direct_address=None if held else wanted_address,
        set_direct_password=True,
        edits=edits,
    )


def _edits(current: AccountNames, settings: ProviderSettings | None) -> dict[str, str]:
    if settings is None:
        return {}
    return {k: v for k, v in settings.edits.items() if getattr(current, k) != v}


NAME_FIELDS = ("display_name", "first_name", "last_name")


def names_changed(edits: Mapping[str, str]) -> bool:
    """Step 12's reminder: a changed provider name must be edited in OfficeMate's Resources Setup too."""
    return any(k in edits for k in NAME_FIELDS)


def verify(changes: Changes, wanted_address: str, after: AccountState) -> list[str]:
    """Differences between what was saved and what the account page shows afterwards."""
    problems = []
    if after.emergency_access:
        problems.append("Allow Emergency Access is still checked")
    if changes.turn_on_poll or changes.set_password:
        if not after.poll_direct:
            problems.append("Poll Direct Mailbox is not checked")
        if normalize_address(after.direct_address) != normalize_address(wanted_address):
            problems.append(f"Direct Address reads {after.direct_address!r}, expected {wanted_address}")
    for key, value in changes.edits.items():
        if getattr(after.names, key) != value:
            problems.append(f"{key.replace('_', ' ')} reads {getattr(after.names, key)!r}, expected {value!r}")
    return problems


# --- a Save whose answer was lost ----------------------------------------------------------------

def resumed_save(changes: Changes, *, resumed: bool, forced: bool) -> str:
    """What an earlier attempt's Save, clicked but its answer lost, means now that the account is read again.

    "" when there was none, or the account does not show it (Save again); "applied" when the account
    shows it took; "unknown" for a forced Save, whose account looks the same either way.
    """
    if not resumed or changes.status is not Status.ALREADY_CONFIGURED:
        return ""
    return "unknown" if forced else "applied"


# --- a refused Save: what to do, after the portal's own words ------------------------------------

_REFUSAL_ADVICE = (  # (words in the portal's refusal, what to do about it), every one that applies
    (("try again", "later", "temporarily", "unavailable"), "run again later, as the portal says"),
    (("support", "administrator"), "if it goes on, contact the portal's support, as it says"),
    (("password",), "the portal refused a password: make passwords: in robot.yaml (or the provider's password_env "
                    "in providers.yaml) meet its rules"),
    (("display name", "first name", "last name", "email", "e-mail"),
     "correct that value (display_name, first_name, last_name, email) in providers.yaml, or remove it"),
    (("direct address", "direct mailbox address"), "check the provider's Direct address in MaxMD"),
)


def refused_save_advice(words: str) -> str:
    """What a person should do about a Save the portal refused in ``words``: the advice its words call for."""
    said = words.casefold()
    advice = [a for keys, a in _REFUSAL_ADVICE if any(k in said for k in keys)]
    text = "; ".join(advice) if advice else "do as the portal's words say"
    return f"nothing was changed; {text}" + ("" if "run again" in text else ", then run again")
