"""Names the sites may hand the robot, in a real headless Chromium against the sandbox: a 12,000-character
name (one word, nowhere to break a line) is configured like any other, matched and typed whole and
cut only where it is laid out (the report, the terminal, the pictures); a name with an "@" is a name."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PIL import Image
from robot_helpers import Finished, check_against_portal, run_robot, snapshot

from robot.safetext import LINE_LIMIT, VALUE_LIMIT
from robot.sandbox import Sandbox, add_ready_provider
from robot.stitch import MAX_WIDTH_PX

# alone: the run is timed against the clock (long_run.seconds), and its fixture is made inside the first test.
pytestmark = [pytest.mark.e2e, pytest.mark.alone]

LONG = 12_000
LONG_LAST = ("Okafor" * LONG)[: LONG - len("Jane ")]  # "Jane " + this: 12,000 characters, no space, no hyphen
AT_NAMES = ("@Okafor", "Okafor@Home")


@dataclass
class LongRun:
    sandbox: Sandbox
    before: dict
    run: Finished
    long_npi: str
    at_npis: dict[str, str]  # NPI -> the name MaxMD shows
    seconds: float


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LongRun]:
    with Sandbox() as sb:
        long_npi = add_ready_provider(sb.state, "Jane", LONG_LAST, local_part="jane.long")
        at_npis = {add_ready_provider(sb.state, "Jane", last, local_part=f"jane.at{i}"): f"Jane {last}, OD"
                   for i, last in enumerate(AT_NAMES)}
        before = snapshot(sb)
        started = time.monotonic()
        run = run_robot(sb, tmp_path_factory.mktemp("long-values"), capture=True)
        yield LongRun(sb, before, run, long_npi, at_npis, time.monotonic() - started)


def test_a_12000_character_name_is_configured_in_the_time_of_any_other(long_run: LongRun) -> None:
    sb, run, npi = long_run.sandbox, long_run.run, long_run.long_npi
    account = sb.state.account(npi)
    assert run.status(npi) == "configured", run.provider(npi)
    assert account.poll_direct and not account.emergency_access and account.saves == 1
    assert account.direct_address == next(e.direct_address for e in sb.state.entries() if e.npi == npi)
    assert account.password == account.direct_password == run.handoff()[npi]["portal_password"]
    assert account.last_name == LONG_LAST, "the portal's names are left as they were"
    check_against_portal(sb, run, long_run.before)
    # Data keeps the whole value: run.json and the handoff.
    assert run.provider(npi)["name"] == f"Jane {LONG_LAST}, OD"
    assert run.handoff()[npi]["name"] == f"Jane {LONG_LAST}, OD"
    # Before the fix every wait for MaxMD's entries ran out (3 attempts of 15 s, exit 2); a run takes ~15 s here.
    assert long_run.seconds < 60, long_run.seconds


def test_the_long_name_is_cut_where_it_is_laid_out(long_run: LongRun) -> None:
    run = long_run.run
    report = (run.dir / "report.html").read_text(encoding="utf-8")
    name = f"Jane {LONG_LAST}, OD"
    assert name[:VALUE_LIMIT] in report and name[: VALUE_LIMIT + 1] not in report
    assert "more characters)" in report
    assert LONG_LAST[:200] in run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) <= LINE_LIMIT + len("… (99,999 more characters)")
    pictures = sorted((run.dir / "screenshots").glob("*.png"))
    assert any(p.name.endswith("workflow-list.png") for p in pictures)
    for path in pictures:
        with Image.open(path) as picture:
            assert picture.width <= MAX_WIDTH_PX, (path.name, picture.size)


def test_a_name_with_an_at_sign_is_kept(long_run: LongRun) -> None:
    for npi, name in long_run.at_npis.items():
        assert long_run.run.provider(npi)["name"] == name
        assert long_run.run.status(npi) == "configured"
        assert long_run.sandbox.state.account(npi).poll_direct
