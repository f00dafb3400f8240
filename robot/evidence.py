"""What the audit trail shows, as pure functions: which pictures a run keeps, what they are named,
and the before -> after of every field the robot read or set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from robot.model import AccountState, Candidate, Changes, PortalAnswer
from robot.safetext import cut

if TYPE_CHECKING:
    from pages.account import SaveAnswer


def fill_picture_name(changes: Changes) -> str:
    """The filled-in section's picture is named for the seed steps it shows (12-17)."""
    done = [12] if changes.edits else []
    done += [13] if changes.set_password else []
    done += [14]  # Allow Emergency Access: left off, or turned off
    done += [15] if changes.turn_on_poll else []
    done += [16] if changes.type_direct_address else []
    done += [17] if changes.set_direct_password else []
    numbers = f"{done[0]}-{done[-1]}" if len(done) > 1 else str(done[0])
    return f"{numbers} " + ("filled in" if len(done) > 1 else "Allow Emergency Access turned off")


def found_note(state: AccountState) -> str:
    """What the section held before the robot changed it, for the report."""
    return (
        "found: Allow Emergency Access " + ("checked" if state.emergency_access else "unchecked")
        + ", Poll Direct Mailbox " + ("checked" if state.poll_direct else "unchecked")
        + ", Direct Address " + (state.direct_address.strip() or "empty")
    )


def widened_caption(caption: str, widened: int) -> str:
    """A picture's caption, saying so where boxes were widened for it (their values wider than the boxes)."""
    if not widened:
        return caption
    boxes = "a box" if widened == 1 else f"{widened} boxes"
    return f"{caption} ({boxes} widened for this picture to show the whole value)"


def takes(mode: str, kind: str) -> bool:
    """Whether ``screenshots: mode`` keeps a picture of ``kind``: failures always; the evidence under
    ``evidence`` and ``every-step``; a picture of each seed step only under ``every-step``."""
    if kind == "failure":
        return True
    if kind == "step":
        return mode == "every-step"
    return mode != "failures"


def keeps_filled_in(*, dry_run: bool, save_clicked: bool, failed: bool) -> bool:
    """The filled-in section is evidence where it is the last word: a dry run, or a Save refused or lost."""
    return dry_run or (save_clicked and failed)


_SET = "password set, see handoff"
# A password field is blank whenever a page shows it, set or not: its before is what the portal showed, never "empty".
NOT_SHOWN = "not shown by the portal"


def field_rows(before: AccountState, changes: Changes, after: AccountState | None) -> list[dict]:
    """Before -> after of every field the robot read or set; ``after`` None when nothing was saved."""
    def box(on: bool) -> str:
        return "checked" if on else "unchecked"

    rows = [
        ("Allow Emergency Access", box(before.emergency_access), after and box(after.emergency_access)),
        ("Poll Direct Mailbox", box(before.poll_direct), after and box(after.poll_direct)),
        ("Direct Address", before.direct_address.strip(), after and after.direct_address.strip()),
    ]
    labels = {"display_name": "Display Name", "first_name": "First Name", "last_name": "Last Name", "email": "Email Address"}
    for key in changes.edits:
        rows.append((labels[key], getattr(before.names, key), after and getattr(after.names, key)))
    if changes.set_password:
        rows.append(("Portal password", NOT_SHOWN, after and _SET))
    if changes.set_direct_password:
        rows.append(("Direct password", NOT_SHOWN, after and _SET))
    return [{"field": f, "before": b, "after": a} for f, b, a in rows]


def changed_words(rows: list[dict]) -> str:
    """What a Save changed, in a few words for the report's table ("" when nothing)."""
    words = []
    for row in rows:
        if row["after"] is None or row["after"] == row["before"]:
            continue
        if row["after"] == _SET:
            words.append(f"{row['field']} set")
        elif row["after"] in ("checked", "unchecked"):
            words.append(f"{row['field']} " + ("on" if row["after"] == "checked" else "off"))
        else:
            words.append(f"{row['field']} set" if not row["before"] else f"{row['field']} changed")
    return "; ".join(words)


FILLED_IN_CAPTION = "User Account Information filled in, just before Save (passwords masked)"
FAILED_SAVE = "User Account Information as the page showed it after the Save failed (passwords masked)"
READ_BACK_CAPTION = "User Account Information read back from the portal after Save, as the portal holds it: not as saved"


def after_caption(*, answer: bool, held_by_portal: bool) -> str:
    """The after picture's caption: with the answer or not; of the account as the portal holds it (a page the
    Save loaded), or as it was saved, where the portal answered in place (its read-back is the table's)."""
    if held_by_portal:
        return (("the portal's answer to Save, and User Account Information after it" if answer else
                 "User Account Information after Save") + ", as the portal holds it")
    return (("the portal's answer to Save, and User Account Information as saved" if answer else
             "User Account Information as saved") + " (then read back from the portal: the table above)")


def answer_of(answer: SaveAnswer) -> PortalAnswer | None:
    """The portal's answer to Save as the outcome keeps it: its words, where they came, what they meant."""
    for words, meaning in ((answer.errors, "refused"), (answer.unknown, "neither"), (answer.confirmation, "saved")):
        if words:
            return PortalAnswer(words, answer.dialog, meaning)
    return None


def answer_caption(c: Candidate) -> str:
    """Whose account the answer picture is of: an answer cut from the page names no one itself."""
    return f"the portal's answer to Save on {cut(c.name)}'s account ({c.npi})"
