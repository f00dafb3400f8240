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
        """Every entry with its green box's address, in three calls however many providers there are."""
        entries = self._el("maxmd.workflows.provider")
        entries.first.wait_for(state="visible")
        texts = entries.all_inner_texts()
        boxes = self._sel("maxmd.workflows.direct_address", entries).all_inner_texts()
        return [WorkflowEntryText(t, a) for t, a in zip(texts, assign_boxes(texts, boxes), strict=True)]


def assign_boxes(entries: list[str], boxes: list[str]) -> list[str | None]:
    """Give each entry the first green box it shows.

    Both lists are in page order and every box is inside an entry, so an entry's text holds its
    boxes' texts: walk both in order, each box going to the first entry from the current one whose
    text still holds it (a box taken is struck from its entry's text). An entry may have no box (a
    workflow still in progress).
    """
    left = [" ".join(t.split()) for t in entries]
    out: list[str | None] = [None] * len(entries)
    i = 0
    for box in boxes:
        words = " ".join(box.split())
        if not words:
            continue
        j = next((j for j in range(i, len(left)) if words in left[j]), None)
        if j is None:
            continue  # not inside any entry from here on: not one of theirs
        left[j] = left[j].replace(words, "", 1)
        if out[j] is None:
            out[j] = box
        i = j
    return out
