"""robot/crew.py: which providers a worker handles, and a conflict only looked at stays a conflict."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from robot.crew import Worker, in_browser
from robot.errors import StepFailed
from robot.model import Candidate, ProviderSettings, Status
from robot.options import Shared

NPI = "1234567893"
CONFLICT = "providers.yaml pins jane@direct.example.com, but MaxMD shows j.okafor@direct.example.com; correct one of them"


@pytest.mark.parametrize(("candidate", "mode", "handled"), [
    (Candidate(NPI, "Jane Okafor, OD", "a@d.example.com"), "failures", True),  # the plan left it open
    (Candidate(NPI, "Jane Okafor, OD", "a@d.example.com", Status.CONFLICT, CONFLICT, has_account=True), "evidence", True),
    (Candidate(NPI, "Jane Okafor, OD", "a@d.example.com", Status.CONFLICT, CONFLICT, has_account=True), "every-step", True),
    # Its before picture is the only reason to open it: not kept, not opened.
    (Candidate(NPI, "Jane Okafor, OD", "a@d.example.com", Status.CONFLICT, CONFLICT, has_account=True), "failures", False),
    (Candidate(NPI, "Jane Okafor, OD", "a@d.example.com", Status.CONFLICT, CONFLICT), "evidence", False),  # no account
    (Candidate(NPI, "Jane Okafor, OD", "a@d.example.com", Status.CONFLICT, CONFLICT,
               ProviderSettings(NPI, exclude=True), has_account=True), "evidence", False),  # excluded: never touched
    (Candidate(NPI, "Jane Okafor, OD", None, Status.WAITING_FOR_CDA, "no portal account yet"), "evidence", False),
])
def test_a_worker_handles_what_the_plan_left_open_and_the_conflicts_it_pictures(candidate: Candidate, mode: str, handled: bool) -> None:
    assert in_browser(candidate, mode) is handled


class _Session:
    name, attempt, step_name = "", 1, "10 open account"

    def __init__(self) -> None:
        self.traces_failed: list[bool] = []

    def attempts(self, who: str, work) -> None:
        work()

    def keep_traces(self, npi: str, failed: bool) -> list[str]:
        self.traces_failed.append(failed)
        return [f"traces/{npi}-1.zip"] if failed else []

    def housekeeping(self) -> None:
        pass


class _Procedure:
    def __init__(self) -> None:
        self.save_clicked: set[str] = set()
        self.shared = Shared()
        handoff = SimpleNamespace(pending=lambda npi: False)  # nothing typed: no handoff row
        self.audit = SimpleNamespace(handoff=handoff, progress=None, log=SimpleNamespace(info=lambda *a, **k: None),
                                     say=lambda line: None)

    def configure(self, c: Candidate, outcome) -> None:
        raise StepFailed("10 open account", "the Clinician search lists no Username with this NPI", provider=c.who)

    def forget(self, npi: str) -> None:
        pass


def test_a_conflict_whose_account_could_not_be_opened_stays_a_conflict_with_its_trace() -> None:
    session, procedure = _Session(), _Procedure()
    c = Candidate(NPI, "Jane Okafor, OD", "j.okafor@direct.example.com", Status.CONFLICT, CONFLICT, has_account=True)
    outcome = Worker(session, procedure).handle(c)  # type: ignore[arg-type]
    assert (outcome.status, outcome.error) == (Status.CONFLICT, CONFLICT)
    assert outcome.notes == [f"its account could not be pictured as found: {c.who}: step '10 open account' failed: "
                             "the Clinician search lists no Username with this NPI"]
    assert session.traces_failed == [True] and outcome.traces == [f"traces/{NPI}-1.zip"]  # kept, as for a failure
    assert procedure.shared.outcomes == [outcome]


def test_a_provider_the_plan_left_open_still_fails_as_it_did() -> None:
    session, procedure = _Session(), _Procedure()
    c = Candidate(NPI, "Jane Okafor, OD", "j.okafor@direct.example.com")
    outcome = Worker(session, procedure).handle(c)  # type: ignore[arg-type]
    assert outcome.status is Status.FAILED and "the Clinician search lists no Username" in outcome.error
    assert outcome.notes == []
