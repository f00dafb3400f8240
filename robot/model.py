"""Plain records the robot's rules work on: what MaxMD shows, what the portal holds, what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pages.records import AccountNames, AccountState  # what the account page reads; the rules decide on it

__all__ = [
    "MATCHED_BY", "PICTURE_KINDS", "SCREENSHOT_MODES", "AccountNames", "AcknowledgedConflict", "AccountState", "Candidate", "Changes",
    "Match", "MaxmdEntry", "Outcome", "Picture", "PortalAnswer", "ProviderSettings", "Status",
]


class Status(StrEnum):
    """A provider's outcome; the values are the ones run.json and the report use."""

    CONFIGURED = "configured"
    ALREADY_CONFIGURED = "already-configured"
    WAITING_FOR_CDA = "waiting-for-cda"
    NOT_PROVISIONED = "not-provisioned"
    CONFLICT = "conflict"
    ACKNOWLEDGED_CONFLICT = "acknowledged-conflict"  # a conflict providers.yaml acknowledges, as it was acknowledged
    EXCLUDED = "excluded"
    FAILED = "failed"
    DRY_RUN = "dry-run"

    @property
    def needs_attention(self) -> bool:
        """Statuses that make the run exit 1: an eligible provider that did not end configured."""
        return self in (Status.FAILED, Status.CONFLICT)


@dataclass(frozen=True)
class MaxmdEntry:
    """One provider as the MaxMD workflow page shows it (seed steps 4-5)."""

    name: str
    first_name: str
    last_name: str
    npi: str | None
    workflow_status: str
    direct_address: str | None
    source_picture: str = ""  # its entry, cut from the workflow page: where the address came from

    @property
    def complete(self) -> bool:
        return self.direct_address is not None


@dataclass(frozen=True)
class AcknowledgedConflict:
    """providers.yaml's ``acknowledged_conflict``: a person knows the account holds another Direct address
    than MaxMD shows, and why; it holds only while both sites still show these two addresses."""

    maxmd_address: str
    account_address: str
    reason: str
    look_again: date | None = None  # from this day on it is a conflict again


@dataclass(frozen=True)
class ProviderSettings:
    """One provider's entry in providers.yaml."""

    npi: str
    direct_address: str | None = None
    exclude: bool = False
    display_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    password_env: str | None = None
    direct_password_env: str | None = None
    acknowledged_conflict: AcknowledgedConflict | None = None

    @property
    def edits(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("display_name", self.display_name),
                ("first_name", self.first_name),
                ("last_name", self.last_name),
                ("email", self.email),
            )
            if v is not None
        }


# How a MaxMD entry was paired with a portal account: its NPI is the account's Username; it showed no NPI and
# its name is the account's First and Last Name; it showed no NPI and providers.yaml pins its Direct address.
MATCHED_BY = ("npi", "name", "providers.yaml")


@dataclass(frozen=True)
class Match:
    """How the plan paired a MaxMD entry with a portal account (``MATCHED_BY``), and the names it compared."""

    by: str
    maxmd_name: str = ""  # the entry's name as MaxMD shows it
    portal_first_name: str = ""  # the account's First Name, read only where it was matched by name
    portal_last_name: str = ""

    def as_json(self) -> dict | None:
        """run.json's ``matched_names``: the two names compared, only where they were (a match by name)."""
        if self.by != "name":
            return None
        return {"maxmd": self.maxmd_name, "portal_first_name": self.portal_first_name, "portal_last_name": self.portal_last_name}


@dataclass(frozen=True)
class PortalAnswer:
    """The portal's answer to Save as the reviewer needs it: its words, whether a browser dialog (``alert()``)
    carried them (no picture can show one), and what they meant to the robot."""

    words: str
    dialog: bool = False
    meaning: str = "saved"  # "saved", "refused", or "neither" (words that say neither: the outcome is unknown)

    def as_json(self) -> dict:
        return {"words": self.words, "dialog": self.dialog, "meaning": self.meaning}


@dataclass(frozen=True)
class Candidate:
    """A provider the plan decided about before any account page was opened."""

    npi: str
    name: str
    direct_address: str | None
    status: Status | None = None  # None: open the account and decide there
    error: str = ""
    settings: ProviderSettings | None = None
    source_picture: str = ""  # its MaxMD entry's picture, if MaxMD lists it
    has_account: bool = False  # the portal's Clinician search lists an account with its NPI
    match: Match | None = None  # how its MaxMD entry met its account; None where there is no pair

    @property
    def who(self) -> str:
        """How messages name the provider."""
        return f"{self.name} (NPI {self.npi})"


@dataclass(frozen=True)
class Changes:
    """What the robot will do to one account: the decision after reading its page."""

    status: Status  # CONFIGURED when there is something to save, otherwise the final status
    set_password: bool = False
    turn_off_emergency: bool = False
    turn_on_poll: bool = False
    type_direct_address: str | None = None
    set_direct_password: bool = False
    edits: dict[str, str] = field(default_factory=dict)
    error: str = ""
    note: str = ""  # for the provider's notes (an acknowledged conflict, an acknowledgement no longer needed)

    @property
    def save_needed(self) -> bool:
        return self.status is Status.CONFIGURED


@dataclass(frozen=True)
class Picture:
    """One picture of the audit trail: its kind (``PICTURE_KINDS``), its path in the run folder, what it shows."""

    kind: str
    path: str
    caption: str

    def as_json(self) -> dict:
        return {"kind": self.kind, "path": self.path, "caption": self.caption}


# The kinds of picture, and what ``screenshots:`` in robot.yaml keeps of them.
PICTURE_KINDS = ("source", "workflow list", "before", "filled in", "answer", "after", "failure", "step")
SCREENSHOT_MODES = ("evidence", "every-step", "failures")


@dataclass
class Outcome:
    """A provider's result as run.json and the report show it."""

    npi: str
    name: str
    direct_address: str | None
    status: Status
    error: str = ""
    notes: list[str] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)
    names_changed: bool = False
    fields: list[dict] = field(default_factory=list)  # before -> after of what was read or set (evidence.field_rows)
    changed: str = ""  # what changed, in a few words ("" nothing)
    match: Match | None = None  # how the plan paired its MaxMD entry with its account (Candidate.match)
    answer: PortalAnswer | None = None  # the portal's answer to Save, where one was read

    @property
    def screenshots(self) -> list[str]:
        return [p.path for p in self.pictures]

    def as_json(self) -> dict:
        return {
            "npi": self.npi,
            "name": self.name,
            "direct_address": self.direct_address,
            "status": str(self.status),
            "error": self.error or None,
            "notes": list(self.notes),
            "resources_setup_reminder": self.names_changed,
            "screenshots": self.screenshots,
            "pictures": [p.as_json() for p in self.pictures],
            "changed": self.changed,
            "fields": list(self.fields),
            "traces": list(self.traces),
            "matched_by": self.match.by if self.match else None,
            "matched_names": self.match.as_json() if self.match else None,
            "answer": self.answer.as_json() if self.answer else None,
        }
