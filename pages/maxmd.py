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
        entries = self._el("maxmd.workflows.provider")
        entries.first.wait_for(state="visible")
        out = []
        for entry in entries.all():
            box = self._sel("maxmd.workflows.direct_address", entry)
            address = box.first.inner_text() if box.count() else None
            out.append(WorkflowEntryText(entry.inner_text(), address))
        return out
