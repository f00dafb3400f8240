"""The MaxMD provisioning tool's screens (seed steps 2-5). Read only: the robot changes nothing here."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator

from pages.base import LoginScreen, Screen


class MaxmdLoginPage(LoginScreen):
    site = "maxmd"


class MaxmdHomePage(Screen):
    site = "maxmd"

    def open_details(self) -> None:
        self._follow(self._el("maxmd.home.details"))


class IdentityProofingPage(Screen):
    """The practice's identity-proofing information, reached by Details (seed step 3)."""

    site = "maxmd"

    def identity_proofing(self) -> Locator:
        info = self._el("maxmd.details.identity_proofing")
        info.first.wait_for(state="visible")
        return info.first

    def view_workflow_status(self) -> None:
        self._follow(self._el("maxmd.details.workflow_status"))


@dataclass(frozen=True)
class WorkflowEntryText:
    """One provider entry as shown: its whole visible text, and the green box's address if any."""

    text: str
    direct_address: str | None


class WorkflowStatusPage(Screen):
    """"Status of provisioning workflows": every provisioned provider (seed steps 4-5)."""

    site = "maxmd"

    def collect_providers(self) -> list[WorkflowEntryText]:
        """Every entry with its green box's address, in three calls however many providers there are.

        Each entry is numbered in the page (a ``data-robot-entry`` attribute, in this browser only),
        so each box is given to the entry that holds it, by the page's structure, never by its words.
        """
        entries = self._el("maxmd.workflows.provider")
        entries.first.wait_for(state="visible")
        texts = entries.evaluate_all(_NUMBER_ENTRIES)
        boxes = self._sel("maxmd.workflows.direct_address", entries).evaluate_all(_BOX_OWNERS)
        addresses = first_box_of_each(len(texts), [(int(i), text) for i, text in boxes])
        return [WorkflowEntryText(t, a) for t, a in zip(texts, addresses, strict=True)]


_NUMBER_ENTRIES = """els => els.map((e, i) => { e.setAttribute("data-robot-entry", String(i)); return e.innerText; })"""
_BOX_OWNERS = """els => els.map(b => {
  const owner = b.closest("[data-robot-entry]");
  return [owner ? Number(owner.getAttribute("data-robot-entry")) : -1, b.innerText];
})"""


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
