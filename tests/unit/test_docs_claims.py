"""Claims the README and docs/ make, checked against what they describe: the sandbox's seed, the pictures
of a failure, `make bench`, the benchmark's numbers, and every suggested watched run being a dry run."""

from __future__ import annotations

import re
from pathlib import Path

from robot.crew import in_browser, outcome_of
from robot.model import AccountNames, AccountState, Candidate, MaxmdEntry, Status
from robot.rules import PortalClinician, decide_changes, plan
from robot.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "config").glob("*.yaml*")),
        *sorted((ROOT / "config").glob(".env*"))]
BENCHMARKS = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("benchmarks*.md"))


def _seeded_statuses() -> set[str]:
    """What a plain run of the seeded sandbox ends in, by the robot's own rules over the seed's state."""
    state = Sandbox().state
    entries = [MaxmdEntry(f"{e.first_name} {e.last_name}, {e.credential}", e.first_name, e.last_name, e.npi, e.status,
                          e.direct_address) for e in state.maxmd_entries]
    clinicians = [PortalClinician(a.username, a.first_name, a.last_name) for a in state.accounts_of_type("Clinician")]
    out = set()
    for c in plan(entries, clinicians, {}):
        if c.status is not None:
            out.add(str(c.status))
            continue
        a = state.account(c.npi)
        found = AccountState(names=AccountNames(), emergency_access=a.emergency_access, poll_direct=a.poll_direct, direct_address=a.direct_address or "")
        out.add(str(decide_changes(c.direct_address or "", found, None).status))
    return out


def test_the_readme_names_exactly_the_statuses_the_seeded_sandbox_ends_in():
    section = README.split("## The sandbox", 1)[1]
    sentence = re.search(r"seeded\s+with\s+a\s+practice\s+whose\s+providers\s+end,\s+in\s+a\s+plain\s+run,\s+in\s+each\s+of\s+(.*?)\(", section, re.S)
    assert sentence, "the README says which statuses the seeded practice gives"
    claimed = set(re.findall(r"`([a-z][a-z-]*)`", sentence.group(1)))
    assert claimed == _seeded_statuses()
    rest = section[sentence.end():].split(")", 1)[0]
    assert claimed | set(re.findall(r"`([a-z][a-z-]*)`", rest)) == {str(s) for s in Status}, "and what the others need"


def test_a_failure_the_plan_decides_has_no_picture_of_a_page_and_the_readme_says_so():
    failed = Candidate("1234567893", "Jane Okafor", "x@y.example", Status.FAILED, "MaxMD lists NPI 1234567893 more than once",
                       source_picture="screenshots/001-1234567893-5-source.png")
    assert not in_browser(failed, "evidence")
    assert [p.kind for p in outcome_of(failed, Status.FAILED).pictures] == ["source"]  # its MaxMD entry, no failure shot
    intro = README.split("## Quick start", 1)[0]
    assert "every failure a screenshot of where it stopped;" not in intro
    assert "MaxMD entry" in intro and "read-back" in intro


def test_make_bench_runs_the_command_docs_benchmarks_md_was_made_with_and_the_readme_says_the_same():
    recipe = re.search(r"^bench:.*\n\t\$\(PY\) (-m robot\.bench [^\n]*)", (ROOT / "Makefile").read_text(), re.M)
    made = re.search(r"^python (-m robot\.bench [^\n]*)", (ROOT / "docs" / "benchmarks.md").read_text(), re.M)
    stated = re.search(r"`make bench` \(`python (-m robot\.bench [^`]*)`", README)
    assert recipe and made and stated
    assert recipe.group(1) == made.group(1) == stated.group(1)


def test_every_throughput_the_readme_states_is_in_a_benchmark_file():
    for figure in re.findall(r"(\d+(?:\.\d+)?) a minute|instead of (\d+(?:\.\d+)?)", README):
        number = next(f for f in figure if f)
        assert re.search(rf"\b{re.escape(number)}(\.\d+)?/min", BENCHMARKS), f"{number} a minute: not in docs/benchmarks*.md"


def test_every_suggested_watched_run_is_a_dry_run():
    for path in DOCS:
        for span in re.findall(r"`([^`\n]*--headed[^`\n]*)`", path.read_text(encoding="utf-8")):
            if "--slow-mo" in span:
                assert "--dry-run" in span, f"{path.name}: `{span}` would save for real"
