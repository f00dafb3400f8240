"""The MaxMD provisioning tool's screens (seed steps 2-5). Read only: the robot changes nothing here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator

from pages.base import LoginScreen, Screen
from pages.locators import EMAIL_PATTERN, ENTRY_ATTRIBUTE, EMAIL_TEXT
from pages.scripts import script


class MaxmdLoginPage(LoginScreen):
    site = "maxmd"


class MaxmdHomePage(Screen):
    site = "maxmd"

    def open_details(self) -> str:
        """Seed step 3; done when what step 4 needs shows, its link to the workflows at the bottom of the
        details (a "Loading identity proofing information…" line has the words, not the details)."""
        return self.act("maxmd.home.details", self.key("maxmd.details.workflow_status"),
                        "the practice's identity-proofing information and its link to the provisioning workflows",
                        awaits=("maxmd.details.workflow_status",))


# Text holding an NPI (10 digits, first 1 or 2) or an e-mail address: what a provider's entry shows.
NPI_OR_ADDRESS = re.compile(r"(?<!\d)[12]\d{9}(?!\d)|" + EMAIL_PATTERN)


class IdentityProofingPage(Screen):
    """The practice's identity-proofing information, reached by Details (seed step 3)."""

    site = "maxmd"

    def identity_proofing(self) -> Locator:
        info = self._el("maxmd.details.identity_proofing")
        with self.finding("maxmd.details.identity_proofing"):
            info.first.wait_for(state="visible")
        return info.first

    def view_workflow_status(self) -> str:
        """Seed step 4; done when provider entries show that were not there before: the list may be
        a new page or loaded into this one (the practice's own NPI on this page is no entry)."""
        entries = self.key("maxmd.workflows.provider") if not self._sel.structural("maxmd.workflows.provider") \
            else (lambda scope: scope.get_by_text(NPI_OR_ADDRESS))
        return self.act("maxmd.details.workflow_status", self.mark_old(entries), "the provisioned providers' entries")


@dataclass(frozen=True)
class WorkflowEntryText:
    """One provider entry as shown: its whole visible text, and the green box's address if any."""

    text: str
    direct_address: str | None


class WorkflowStatusPage(Screen):
    """"Status of provisioning workflows": every provisioned provider (seed steps 4-5)."""

    site = "maxmd"

    def entries(self) -> Locator:
        """Every provider's entry; by default found by the page's structure and marked in the page."""
        if self._sel.structural("maxmd.workflows.provider"):
            for frame in self.frames():  # wherever the list is: each frame marks its own (most have none)
                frame.evaluate(script("find_entries"), [ENTRY_ATTRIBUTE, EMAIL_PATTERN])
        return self._el("maxmd.workflows.provider")

    def collect_providers(self) -> list[WorkflowEntryText]:
        """Every entry with its green box's address, in a few calls however many providers there are.

        Each entry is numbered in the page (a ``data-robot-entry`` attribute, in this browser only),
        so each box is given to the entry that holds it, by the page's structure, never by its words.
        """
        entries = self.entries()
        entries.first.wait_for(state="visible")
        texts = entries.evaluate_all(script("number_entries"), ENTRY_ATTRIBUTE)
        boxes = self._sel("maxmd.workflows.direct_address", entries).evaluate_all(script("box_owners"), ENTRY_ATTRIBUTE)
        addresses = first_box_of_each(len(texts), [(int(i), _address(text)) for i, text in boxes])
        return [WorkflowEntryText(t, a) for t, a in zip(texts, addresses, strict=True)]


def _address(text: str) -> str:
    """The address in a box that may say more ("Direct: jane@...")."""
    found = EMAIL_TEXT.search(text)
    return found.group(0) if found else text


def first_box_of_each(count: int, boxes: list[tuple[int, str]]) -> list[str | None]:
    """For each of ``count`` entries, the text of the first box inside it (None: it has none).

    ``boxes`` are (index of the entry that holds the box, its text), in page order; -1 or an index
    out of range is a box outside every entry, not anyone's.
    """
    out: list[str | None] = [None] * count
    for owner, text in boxes:
        if 0 <= owner < count and out[owner] is None:
            out[owner] = text
    return out
