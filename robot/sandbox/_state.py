"""The sandbox's server-side state: the practice, MaxMD's provisioned providers, the portal's accounts.

Everything both fake sites show comes from one ``SandboxState``; tests assert against it. Access from
request threads goes through ``state.lock``; ``account()`` hands tests a copy so a snapshot cannot
change under an assertion.
"""

from __future__ import annotations

import copy
import random
import threading
import unicodedata
from dataclasses import dataclass, field

# The real portal's access types, in the order its drop-down lists them (after "All").
ACCESS_TYPES: tuple[str, ...] = ("Patient", "Clinician", "Staff", "Administrator")

# Roles an account can hold; the account page renders one checkbox per role.
ROLES: tuple[str, ...] = (
    "Clinical Messaging",
    "View Clinical Summaries",
    "Patient Education",
    "Scheduling",
    "Billing",
    "Reports",
    "User Administration",
)

DEFAULT_DOMAIN = "direct.brightsideeye.com"


def npi_check_digit(first9: str) -> int:
    """Luhn check digit of an NPI: computed over the prefix "80840" + the first nine digits."""
    total = 0
    # Walking from the right, the payload's rightmost digit is the first one doubled.
    for i, ch in enumerate(reversed("80840" + first9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """10 digits, first digit 1 or 2, correct check digit (1234567893 is valid, 1234567898 is not)."""
    return (
        len(npi) == 10
        and npi.isdigit()
        and npi[0] in "12"
        and npi_check_digit(npi[:9]) == int(npi[9])
    )


@dataclass
class Practice:
    """The practice MaxMD has identity-proofed; shown on the MaxMD home and Details pages."""

    name: str = "Brightside Eye Care"
    direct_domain: str = DEFAULT_DOMAIN
    legal_name: str = "Brightside Eye Care, PLLC"
    organization_npi: str = "1396481529"
    account_id: str = "MX-204817"
    street: str = "418 Lakeview Avenue, Suite 200"
    city: str = "Madison"
    region: str = "WI"
    postal_code: str = "53703"
    phone: str = "(608) 555-0142"
    contact_name: str = "Dana Whitaker"
    contact_title: str = "Practice Administrator"
    contact_email: str = "dana.whitaker@brightsideeye.com"
    proofing_status: str = "Verified"
    verified_date: str = "March 14, 2025"
    proofing_method: str = "Remote identity proofing (NIST 800-63-3 IAL2)"


@dataclass
class MaxmdEntry:
    """One provider in MaxMD's provisioning workflows list."""

    first_name: str
    last_name: str
    credential: str
    npi: str | None
    status: str  # "Complete" or "Pending"
    direct_address: str | None  # shown (in the green box) only when status is "Complete"
    # Odd-data switch only: the workflows page surrounds the name, the NPI line and the green box's
    # address with extra spaces, newlines and tabs in its HTML (the rendered text reads the same).
    padded: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}, {self.credential}"


@dataclass
class PortalAccount:
    """One Patient and Provider Portal user account; passwords in plain text (it is a sandbox)."""

    username: str
    access_type: str  # one of ACCESS_TYPES
    display_name: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    password: str | None = None
    emergency_access: bool = False
    poll_direct: bool = False
    direct_address: str | None = None
    direct_password: str | None = None
    inactive: bool = False
    roles: list[str] = field(default_factory=list)
    saves: int = 0  # applied Saves through the account page


@dataclass
class AuditEvent:
    """One line of the portal's Audit Log page (who saved which account)."""

    when: str
    user: str
    action: str


@dataclass
class SandboxState:
    """The live state of both sites. Mutate only while holding ``lock``."""

    practice: Practice = field(default_factory=Practice)
    maxmd_entries: list[MaxmdEntry] = field(default_factory=list)
    accounts: dict[str, PortalAccount] = field(default_factory=dict)
    audit_log: list[AuditEvent] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def account(self, username: str) -> PortalAccount:
        """A snapshot copy of one account; KeyError if there is none."""
        with self.lock:
            return copy.deepcopy(self.accounts[username])

    def accounts_of_type(self, access_type: str) -> list[PortalAccount]:
        """Snapshot copies of every account of one access type, sorted by username."""
        with self.lock:
            found = [a for a in self.accounts.values() if a.access_type == access_type]
            return copy.deepcopy(sorted(found, key=lambda a: a.username))

    def entries(self) -> list[MaxmdEntry]:
        """A snapshot copy of MaxMD's entries, in page order."""
        with self.lock:
            return copy.deepcopy(self.maxmd_entries)


# --- seeding -------------------------------------------------------------------------------------

# The default practice's providers by name; see seeded_state().
# NPIs are literal so a reader can find them; tests check every one is valid and distinct.
SEEDED_NPIS: dict[str, str] = {
    "Jane Okafor": "1234567893",
    "Marcus Lindqvist": "1482057365",
    "Priya Raman": "1658039270",
    "Tomás Herrera": "1793562046",
    "Grace Whitfield": "1209473853",
    "Daniel Cho": "1385602192",
    "Aisha Bello": "1540926783",
    "Samuel Ortiz": "1926374509",
    "Helen Park": "2013847597",
}

# Already-configured accounts need passwords somebody once typed; these satisfy the portal's policy.
PRIYA_PASSWORD = "Raman-Portal-2025!"
AISHA_PASSWORD = "Bello#Direct2024"


def _address(first: str, last: str, domain: str) -> str:
    # MaxMD derives the local part from the name, accents dropped (Tomás -> tomas).
    return f"{_local_part(first, last)}@{domain}"


def _clinician(npi: str, first: str, last: str, **changes: object) -> PortalAccount:
    # A portal account created automatically from a provider's first CDA: named by NPI, nothing set.
    account = PortalAccount(username=npi, access_type="Clinician", display_name=npi, first_name=first, last_name=last)
    for key, value in changes.items():
        setattr(account, key, value)
    return account


def _non_clinicians(admin_username: str, admin_password: str) -> list[PortalAccount]:
    """Patients, staff and the administrator: the accounts the Clinician filter must hide."""
    return [
        PortalAccount("mrivera82", "Patient", "Maria Rivera", "Maria", "Rivera", "mrivera82@example.com", "Patient-Pass-1"),
        PortalAccount("tnguyen1975", "Patient", "Thomas Nguyen", "Thomas", "Nguyen", "t.nguyen1975@example.net", "Nguyen!2023a"),
        PortalAccount(
            "kfoster.eyes", "Patient", "Kayla Foster", "Kayla", "Foster", "kayla.foster@example.org", "Foster$2022x",
            inactive=True,
        ),
        PortalAccount(
            "lwatts.front", "Staff", "Linda Watts", "Linda", "Watts", "linda.watts@brightsideeye.com", "FrontDesk#24",
            roles=["Scheduling", "Billing"],
        ),
        PortalAccount(
            "bkowalski", "Staff", "Brian Kowalski", "Brian", "Kowalski", "brian.kowalski@brightsideeye.com", "Optical-2024!",
            roles=["Scheduling", "Patient Education"],
        ),
        PortalAccount(
            admin_username, "Administrator", "Dana Whitaker", "Dana", "Whitaker", "dana.whitaker@brightsideeye.com",
            admin_password, roles=["User Administration", "Reports"],
        ),
    ]


def seeded_state(admin_username: str, admin_password: str) -> SandboxState:
    """Brightside Eye Care: a plain run ends its providers configured, already configured, waiting for a CDA,
    not provisioned and in conflict (the README's sandbox section; excluded and failed need a roster or a fault)."""
    practice = Practice()
    domain = practice.direct_domain
    n = SEEDED_NPIS
    addr = {name: _address(*name.split(" "), domain) for name in n}

    entries = [
        MaxmdEntry("Jane", "Okafor", "OD", n["Jane Okafor"], "Complete", addr["Jane Okafor"]),
        MaxmdEntry("Marcus", "Lindqvist", "OD", n["Marcus Lindqvist"], "Complete", addr["Marcus Lindqvist"]),
        MaxmdEntry("Priya", "Raman", "MD", n["Priya Raman"], "Complete", addr["Priya Raman"]),
        MaxmdEntry("Tomás", "Herrera", "OD", n["Tomás Herrera"], "Complete", addr["Tomás Herrera"]),
        MaxmdEntry("Grace", "Whitfield", "OD", n["Grace Whitfield"], "Pending", None),
        MaxmdEntry("Daniel", "Cho", "OD", n["Daniel Cho"], "Complete", addr["Daniel Cho"]),
        MaxmdEntry("Aisha", "Bello", "OD", n["Aisha Bello"], "Complete", addr["Aisha Bello"]),
        MaxmdEntry("Samuel", "Ortiz", "OD", None, "Complete", addr["Samuel Ortiz"]),
        # Helen Park has a portal account but no MaxMD entry at all.
    ]
    clinicians = [
        _clinician(n["Jane Okafor"], "Jane", "Okafor"),
        _clinician(n["Marcus Lindqvist"], "Marcus", "Lindqvist"),
        _clinician(
            n["Priya Raman"], "Priya", "Raman",
            email="priya.raman@brightsideeye.com", password=PRIYA_PASSWORD, poll_direct=True,
            direct_address=addr["Priya Raman"], direct_password=PRIYA_PASSWORD,
            roles=["Clinical Messaging", "View Clinical Summaries"], saves=1,
        ),
        _clinician(n["Tomás Herrera"], "Tomás", "Herrera", emergency_access=True),
        _clinician(n["Grace Whitfield"], "Grace", "Whitfield"),
        # Daniel Cho: no portal account yet (he has not sent a CDA).
        _clinician(
            n["Aisha Bello"], "Aisha", "Bello",
            password=AISHA_PASSWORD, poll_direct=True, direct_address=f"a.bello@{domain}",
            direct_password=AISHA_PASSWORD, saves=1,
        ),
        _clinician(n["Samuel Ortiz"], "Samuel", "Ortiz"),
        _clinician(n["Helen Park"], "Helen", "Park"),
    ]
    state = SandboxState(practice=practice, maxmd_entries=entries)
    for account in [*clinicians, *_non_clinicians(admin_username, admin_password)]:
        state.accounts[account.username] = account
    return state


_FIRST_NAMES = (
    "Amelia", "Benjamin", "Chloe", "David", "Elena", "Farid", "Gabriela", "Hiroshi", "Isabel", "Jamal",
    "Katarina", "Liam", "Mei", "Nikolai", "Olivia", "Pablo", "Quinn", "Rosa", "Sanjay", "Teresa",
    "Umar", "Valentina", "William", "Ximena", "Yusuf", "Zoe", "Adrian", "Bianca", "Caleb", "Dalia",
    "Ethan", "Fiona", "George", "Hana", "Ivan", "Julia", "Kenji", "Leila", "Mateo", "Nadia",
)
_LAST_NAMES = (
    "Anderson", "Brennan", "Castillo", "Delgado", "Eriksen", "Fitzgerald", "Gupta", "Haddad", "Ibrahim", "Jensen",
    "Kowalczyk", "Larsen", "Mbeki", "Novak", "O'Neill", "Petrov", "Quintero", "Rossi", "Sato", "Thompson",
    "Ueda", "Vargas", "Wallace", "Xu", "Yilmaz", "Zimmerman", "Abbott", "Becker", "Chandra", "Dubois",
    "Esposito", "Fischer", "Grant", "Hughes", "Iyer", "Jovanovic", "Kim", "Lopez", "Moreau", "Nakamura",
)


def _local_part(first: str, last: str) -> str:
    def clean(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        return "".join(ch for ch in text if ch.isalnum())

    return f"{clean(first)}.{clean(last)}"


def generated_state(count: int, seed: int, admin_username: str, admin_password: str) -> SandboxState:
    """``count`` ready providers (MaxMD Complete + a fresh portal account), deterministic from ``seed``."""
    if count < 0:
        raise ValueError("providers must be zero or more")
    rng = random.Random(seed)
    practice = Practice()
    names = [(f, l) for f in _FIRST_NAMES for l in _LAST_NAMES]
    rng.shuffle(names)
    npis: set[str] = set()
    state = SandboxState(practice=practice)
    for i in range(count):
        first, last = names[i % len(names)]
        cycle = i // len(names)
        local = _local_part(first, last)
        if cycle:
            # Past 1,600 providers the name pairs repeat: a middle initial keeps names and addresses distinct.
            initial = chr(ord("A") + (cycle - 1) % 26)
            first = f"{first} {initial}."
            local = f"{local}{cycle + 1}"
        while True:
            first9 = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
            npi = first9 + str(npi_check_digit(first9))
            if npi not in npis and npi != practice.organization_npi:
                npis.add(npi)
                break
        address = f"{local}@{practice.direct_domain}"
        credential = "MD" if rng.random() < 0.15 else "OD"
        state.maxmd_entries.append(MaxmdEntry(first, last, credential, npi, "Complete", address))
        state.accounts[npi] = _clinician(npi, first, last)
    for account in _non_clinicians(admin_username, admin_password):
        state.accounts[account.username] = account
    return state


# --- legacy skin's larger practice ----------------------------------------------------------------

# Generated ready providers added to the seeded practice so the legacy skin's paged grid has two pages:
# their NPIs start "10" or "11", so sorted by username they fill page 1 (with Grace Whitfield) and push
# Jane Okafor and the other seeded clinicians onto page 2.
LEGACY_EXTRA_PROVIDERS = 24

# The modern skin's grid pages by 10 (DataTables' default): 9 generated ready providers (the legacy
# skin's first 9) make two pages of clinicians, with Jane Okafor first on page 2.
MODERN_EXTRA_PROVIDERS = 9

# The spa skin's results come 10 to a page (SPA_PAGE_SIZE), fetched page by page: 19 generated ready providers
# (the legacy skin's first 19) make three pages of clinicians, Grace Whitfield last on page 2, Jane Okafor first on page 3.
SPA_EXTRA_PROVIDERS = 19


def _in_use(state: SandboxState) -> tuple[set[str], set[str]]:
    """The NPIs and the Direct addresses (lower case) the state already uses. Call under its lock."""
    taken = {state.practice.organization_npi, *state.accounts}
    taken.update(e.npi for e in state.maxmd_entries if e.npi)
    addresses = {(e.direct_address or "").lower() for e in state.maxmd_entries}
    addresses.update((a.direct_address or "").lower() for a in state.accounts.values())
    return taken, addresses


def add_legacy_providers(state: SandboxState, count: int = LEGACY_EXTRA_PROVIDERS, seed: int = 2026) -> list[str]:
    """Append ``count`` generated ready providers (MaxMD Complete, a fresh portal account); return their NPIs.

    Deterministic; NPIs valid (Luhn), distinct, and below every seeded one; addresses in the practice's domain.
    """
    rng = random.Random(seed)
    names = [(f, l) for f in _FIRST_NAMES for l in _LAST_NAMES]
    rng.shuffle(names)
    with state.lock:
        taken, addresses = _in_use(state)
        npis: list[str] = []
        for first, last in names:
            if len(npis) == count:
                break
            address = f"{_local_part(first, last)}@{state.practice.direct_domain}"
            if address.lower() in addresses:
                continue
            while True:
                first9 = rng.choice(("10", "11")) + "".join(str(rng.randrange(10)) for _ in range(7))
                npi = first9 + str(npi_check_digit(first9))
                if npi not in taken:
                    break
            taken.add(npi)
            addresses.add(address.lower())
            credential = "MD" if rng.random() < 0.15 else "OD"
            state.maxmd_entries.append(MaxmdEntry(first, last, credential, npi, "Complete", address))
            state.accounts[npi] = _clinician(npi, first, last)
            npis.append(npi)
        return npis


# --- odd data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OddProvider:
    """One extra, ready provider whose data is odd (``Sandbox(odd_data=True)``); see ``ODD_PROVIDERS``."""

    oddity: str  # what is odd about it, for test ids and messages
    first_name: str
    last_name: str
    credential: str
    npi: str  # the NPI it gets unless that one is taken (then the next free valid NPI)
    local_part: str  # of its Direct address, in the practice's domain
    upper_case: bool = False  # MaxMD shows the whole Direct address in upper case
    padded: bool = False  # see MaxmdEntry.padded

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# 200 characters with the space between first and last name (189 of them the last name).
LONG_LAST_NAME = (
    "Wolfeschlegelsteinhausenbergerdorff-Alcántara de Bourbon-Vasconcelos y Montenegro-Fitzwilliam "
    "van der Westhuizen-Oyelaran Castellano da Silveira-Hohenzollern Sigmaringen-Papadopoulos-Kimura"
)

# Hostile and odd data the sites may hand the robot; each must be treated as data, never as markup.
# NPIs are literal (valid, distinct, unused by the seeded practice) so a reader can find them.
ODD_PROVIDERS: tuple[OddProvider, ...] = (
    OddProvider("quotes", 'Mary "Mae"', "O'Connor-Smith", "OD", "1602473856", "mary.oconnor-smith"),
    OddProvider("markup", "Eve", "<script>alert(1)</script>", "OD", "1713584963", "eve.script"),
    OddProvider("accents", "Zoë", "Ångström-Núñez", "MD", "1824695070", "zoe.angstrom-nunez"),
    OddProvider("long", "Maximilian", LONG_LAST_NAME, "OD", "1935706188", "maximilian.wolfeschlegelsteinhausenbergerdorff"),
    OddProvider("upper-case", "Ursula", "Upper", "OD", "2046817294", "direct.upper", upper_case=True),
    OddProvider("whitespace", "Wesley", "Spacer", "OD", "1157928304", "wesley.spacer", padded=True),
)


def add_odd_providers(state: SandboxState) -> list[str]:
    """Append ``ODD_PROVIDERS`` to a state as ready providers (MaxMD Complete, a fresh portal account).

    Nothing already there is replaced: an NPI (or address) already in use moves on to the next free
    one. Returns the providers' NPIs in ``ODD_PROVIDERS`` order.
    """
    with state.lock:
        taken, addresses = _in_use(state)
        npis: list[str] = []
        for odd in ODD_PROVIDERS:
            first9 = int(odd.npi[:9])
            npi = odd.npi
            while npi in taken:
                first9 = first9 + 1 if first9 < 299_999_999 else 100_000_000
                npi = f"{first9:09d}" + str(npi_check_digit(f"{first9:09d}"))
            taken.add(npi)
            local, n = odd.local_part, 1
            while f"{local}@{state.practice.direct_domain}".lower() in addresses:
                n += 1
                local = f"{odd.local_part}{n}"
            address = f"{local}@{state.practice.direct_domain}"
            addresses.add(address.lower())
            if odd.upper_case:
                address = address.upper()
            state.maxmd_entries.append(
                MaxmdEntry(odd.first_name, odd.last_name, odd.credential, npi, "Complete", address, padded=odd.padded))
            state.accounts[npi] = _clinician(npi, odd.first_name, odd.last_name)
            npis.append(npi)
        return npis


def add_ready_provider(state: SandboxState, first_name: str, last_name: str, credential: str = "OD",
                       local_part: str = "ready.provider") -> str:
    """Append one ready provider (MaxMD Complete, a fresh portal account named ``first_name``
    ``last_name`` on both sites, whatever their length or characters); return its NPI.

    For a test's own odd name (a 12,000-character one, one with an "@"): the NPI is the first free
    valid one from 1700000000, the Direct address ``local_part`` (numbered where taken) in the practice's domain.
    """
    with state.lock:
        taken, addresses = _in_use(state)
        first9 = 170_000_000
        while (npi := f"{first9}{npi_check_digit(str(first9))}") in taken:
            first9 += 1
        local, n = local_part, 1
        while f"{local}@{state.practice.direct_domain}".lower() in addresses:
            n += 1
            local = f"{local_part}{n}"
        address = f"{local}@{state.practice.direct_domain}"
        state.maxmd_entries.append(MaxmdEntry(first_name, last_name, credential, npi, "Complete", address))
        state.accounts[npi] = _clinician(npi, first_name, last_name)
        return npi


# --- a long Direct address ------------------------------------------------------------------------

# ``Sandbox(long_address=True)``: one more ready provider whose Direct address is exactly LONG_ADDRESS_LENGTH
# characters in the practice's domain (35 + "@" + "direct.brightsideeye.com"), MaxMD's first.last form with a
# double-barrelled last name: longer than a portal's box is wide, as real addresses are.
LONG_ADDRESS_LENGTH = 60
LONG_ADDRESS_PROVIDER = ("Christopher", "Konstantinopoulou-Reyes", "OD")
LONG_ADDRESS_LOCAL_PART = "christopher.konstantinopoulou-reyes"


def add_long_address_provider(state: SandboxState) -> str:
    """Append the ready provider of ``LONG_ADDRESS_PROVIDER`` (``add_ready_provider``); return its NPI.

    Its address is ``LONG_ADDRESS_LOCAL_PART`` in the practice's domain: LONG_ADDRESS_LENGTH characters in
    the default one (a ValueError in a domain where it would not be, so no test reads a shorter one unawares).
    """
    address = f"{LONG_ADDRESS_LOCAL_PART}@{state.practice.direct_domain}"
    if len(address) != LONG_ADDRESS_LENGTH:
        raise ValueError(f"{address} is {len(address)} characters, not {LONG_ADDRESS_LENGTH}")
    first, last, credential = LONG_ADDRESS_PROVIDER
    return add_ready_provider(state, first, last, credential, local_part=LONG_ADDRESS_LOCAL_PART)
