"""The seed's steps, in its order: one table the run, ``--check``, the log and the pictures all name them by.

Step 1 (a provider sends a CDA) is the provider's, not the robot's; step 19 ("repeat 9-18 for each
provider") is the crew taking the providers in turn (``robot.crew``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedStep:
    number: int
    name: str  # how the log, an error and a picture name it
    method: str  # the ``robot.procedure.Procedure`` method that does it
    picture: str  # the picture taken when it is done; "" when a later step's picture shows it
    screen: str  # where it happens; ``--check`` resolves the keys screen by screen
    keys: tuple[str, ...] = ()  # the controls it uses (selector keys)


_LOGIN = ("login.username", "login.password", "login.submit")
_ACCOUNT = "portal user account"

SEED_STEPS: tuple[SeedStep, ...] = (
    SeedStep(2, "log in to MaxMD", "log_in_to_maxmd", "log in to MaxMD", "MaxMD login", tuple(f"maxmd.{k}" for k in _LOGIN)),
    SeedStep(3, "3 Details", "open_details", "3 Details", "MaxMD home", ("maxmd.home.details",)),
    SeedStep(4, "4 status of provisioning workflows", "view_workflow_status", "4 status of provisioning workflows",
             "MaxMD identity proofing", ("maxmd.details.identity_proofing", "maxmd.details.workflow_status")),
    SeedStep(5, "5 direct email addresses", "copy_direct_addresses", "", "MaxMD provisioning workflows",
             ("maxmd.workflows.provider", "maxmd.workflows.direct_address")),
    SeedStep(6, "log in to portal", "log_in_to_portal", "log in to portal", "portal login",
             tuple(f"portal.{k}" for k in _LOGIN)),
    SeedStep(7, "7 Administration - User Accounts", "open_user_accounts", "7 Administration - User Accounts", "portal menu",
             ("portal.nav.administration", "portal.nav.user_accounts")),
    SeedStep(8, "8 Clinician", "choose_clinicians", "", "portal user accounts", ("portal.users.access_type",)),
    SeedStep(9, "9 Search", "search", "8-9 Clinician search", "portal user accounts", ("portal.users.search",)),
    SeedStep(10, "10 open account", "open_account", "", "portal search results", ("portal.users.username_link",)),
    SeedStep(11, "11 User Account Information", "find_account_information", "10-11 User Account Information", _ACCOUNT,
             ("portal.account.section",)),
    SeedStep(12, "12 names and e-mail", "edit_names", "", _ACCOUNT,
             ("portal.account.display_name", "portal.account.first_name", "portal.account.last_name", "portal.account.email")),
    SeedStep(13, "13 Change Password", "change_password", "", _ACCOUNT,
             ("portal.account.password", "portal.account.confirm_password")),
    SeedStep(14, "14 Allow Emergency Access", "leave_emergency_access_off", "", _ACCOUNT, ("portal.account.emergency_access",)),
    SeedStep(15, "15 Poll Direct Mailbox", "select_poll_direct_mailbox", "", _ACCOUNT, ("portal.account.poll_direct",)),
    SeedStep(16, "16 Direct Address", "type_direct_address", "", _ACCOUNT, ("portal.account.direct_address",)),
    SeedStep(17, "17 Direct Password", "type_direct_password", "", _ACCOUNT,
             ("portal.account.direct_password", "portal.account.confirm_direct_password")),
    SeedStep(18, "18 Save", "save", "18 Save", _ACCOUNT, ("portal.account.save",)),
)
STEP: dict[int, SeedStep] = {s.number: s for s in SEED_STEPS}

_SECTION = "User Account Information after step"
# What the picture each step leaves (``screenshots: every-step``) shows, as its caption in the report says it.
SHOWS: dict[str, str] = {
    STEP[2].picture: "MaxMD: the page its login led to",
    STEP[3].picture: "MaxMD: the practice's identity-proofing details, opened by Details",
    STEP[4].picture: "MaxMD: the provisioning workflows, opened from the details",
    STEP[6].picture: "the portal: the page its login led to",
    STEP[7].picture: "the portal: User Accounts, opened from the Administration menu",
    STEP[9].picture: "the portal: the Clinician search's results",
    STEP[12].name: f"{_SECTION} 12: the names and e-mail typed",
    STEP[13].name: f"{_SECTION} 13: the new password typed (masked)",
    f"{STEP[14].name} left off": f"{_SECTION} 14: Allow Emergency Access left unchecked",
    f"{STEP[14].name} turned off": f"{_SECTION} 14: Allow Emergency Access unchecked",
    STEP[15].name: f"{_SECTION} 15: Poll Direct Mailbox checked",
    STEP[16].name: f"{_SECTION} 16: the Direct Address typed",
    STEP[17].name: f"{_SECTION} 17: the Direct password typed (masked)",
}


def shows(picture: str) -> str:
    """The caption of a step's picture: what it shows; its name where no words are known for it."""
    return SHOWS.get(picture, picture)


def failed_caption(step: str) -> str:
    """The caption of the whole window pictured where a step failed."""
    return f"the whole window as step '{step}' failed"


VERIFY = "verify"  # not the seed's: the account read back after Save
NAMES = "11 names for a match by name"  # not the seed's: an account's names read, for a MaxMD entry without NPI
REOPENED = "verify: account opened again"


def screens() -> list[tuple[str, tuple[str, ...]]]:
    """Every screen the seed walks, in order, with the keys of the controls used on it."""
    out: dict[str, tuple[str, ...]] = {}
    for s in SEED_STEPS:
        out[s.screen] = out.get(s.screen, ()) + s.keys
    return list(out.items())
