"""The evidence pictures read as a reviewer reads them: by eye, here by OCR (Tesseract, tests/ocr_helpers.py).

A reviewer found Direct addresses cut off in the pictures: where the portal's Direct Address box is narrower
than its value the *before* and *after* pictures showed ``mokafor@direct.harborview-``. So on every rendering,
with the account page's boxes narrow (``Sandbox(narrow_inputs=True)``: ``size="20"``, narrower than every
address) and a provider whose address is 60 characters long (``Sandbox(long_address=True)``), the robot runs
once, and each configured provider's *source* and *after* pictures, and the *before* picture of an account
found already configured, must show the provider's whole Direct address, and the *after* picture the Direct
password's two fields below it. The first test proves the reading:
a whole address in a wide box is read whole, the same address in a narrow box is not.

Each run is limited (``--only``) to the seeded practice and the 60-character provider: the generated providers
the legacy, modern and spa renderings add to page their grids have pictures like Jane Okafor's, and reading
them would only add minutes. A missing ``tesseract`` fails every test here, saying how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ocr_helpers import (
    LABEL_READINGS,
    PSM_SPARSE,
    read_text,
    reads_whole,
    require_tesseract,
    squeezed,
    where_it_should_be,
)
from playwright.sync_api import Page
from robot_helpers import Finished, run_robot, sandbox_settings

from robot.sandbox import LONG_ADDRESS_LENGTH, NARROW_INPUT_SIZE, SEEDED_NPIS, SKINS, Sandbox

pytestmark = pytest.mark.e2e


@dataclass
class NarrowRun:
    skin: str
    sandbox: Sandbox
    run: Finished
    long_npi: str

    def pictures(self, kind: str, statuses: tuple[str, ...]) -> list[tuple[dict, Path]]:
        """(provider, picture) for every picture of ``kind`` of the providers in ``statuses``."""
        return [(p, self.run.dir / x["path"]) for p in self.run.record["providers"] if p["status"] in statuses
                for x in p["pictures"] if x["kind"] == kind]


@pytest.fixture(scope="module", params=SKINS)
def narrow_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NarrowRun]:
    """The robot run once per rendering, the account page's boxes narrow, the 60-character provider added.
    Do not change its sandbox."""
    require_tesseract()  # before a run whose pictures could not be read
    skin = request.param
    with Sandbox(skin=skin, narrow_inputs=True, long_address=True) as sb:
        assert sb.long_address_npi
        only = frozenset({*SEEDED_NPIS.values(), sb.long_address_npi})
        run = run_robot(sb, tmp_path_factory.mktemp(f"ocr-{skin}"), settings=sandbox_settings(skin=skin), capture=True,
                        only=only)
        yield NarrowRun(skin, sb, run, sb.long_address_npi)


def _unreadable(shots: list[tuple[dict, Path]], kind: str) -> list[str]:
    """One paragraph per picture whose OCR does not hold its provider's whole Direct address."""
    failures = []
    for provider, picture in shots:
        address = provider["direct_address"]
        whole, texts = reads_whole(picture, address)
        if not whole:
            failures.append(f"{provider['npi']} ({provider['status']}) {kind} picture {picture.name}:\n"
                            f"  expected {address!r} ({len(address)} characters), OCR read:\n"
                            f"{where_it_should_be(texts, address)}")
    return failures


def test_the_ocr_reads_a_whole_address_in_a_wide_box_and_not_in_a_narrow_one(page: Page, tmp_path: Path) -> None:
    """The oracle itself: the 60-character address is read whole from a box wide enough for it, and is not
    from the same box NARROW_INPUT_SIZE characters wide (what it does read there is the address's beginning)."""
    require_tesseract()
    with Sandbox(long_address=True) as sb:
        address = next(e.direct_address for e in sb.state.maxmd_entries if e.npi == sb.long_address_npi)
    assert address and len(address) == LONG_ADDRESS_LENGTH
    for wide in (True, False):
        size = 'style="width: 40em"' if wide else f'size="{NARROW_INPUT_SIZE}"'
        page.set_content(f'<body style="font: 16px sans-serif; margin: 24px"><label>Direct Address<br>'
                         f'<input type="text" {size} value="{address}"></label></body>')
        page.screenshot(path=tmp_path / "box.png", clip={"x": 0, "y": 0, "width": 760, "height": 90})
        whole, texts = reads_whole(tmp_path / "box.png", address)
        assert whole is wide, (f"wide={wide}: expected {address!r}, OCR read:\n{where_it_should_be(texts, address)}")
        if not wide:
            assert any(squeezed(address[:12]) in squeezed(t) for t in texts), texts  # read: the beginning only


def test_the_run_configures_every_provider_behind_narrow_boxes(narrow_run: NarrowRun) -> None:
    run, sb = narrow_run.run, narrow_run.sandbox
    long_address = next(e.direct_address for e in sb.state.maxmd_entries if e.npi == narrow_run.long_npi)
    assert run.status(narrow_run.long_npi) == "configured", run.provider(narrow_run.long_npi)
    assert sb.state.account(narrow_run.long_npi).direct_address == long_address
    assert len(long_address) == LONG_ADDRESS_LENGTH
    statuses = {p["npi"]: p["status"] for p in run.record["providers"]}
    assert statuses[SEEDED_NPIS["Priya Raman"]] == "already-configured"
    assert sum(s == "configured" for s in statuses.values()) == 5, statuses


def test_the_source_pictures_show_every_whole_address(narrow_run: NarrowRun) -> None:
    """MaxMD's entry of every provider configured or found configured (the green box on the right)."""
    shots = narrow_run.pictures("source", ("configured", "already-configured"))
    assert len(shots) == 6, [p["npi"] for p, _ in shots]
    failures = _unreadable(shots, "source")
    assert not failures, f"{narrow_run.skin}: {len(failures)} of {len(shots)} source pictures cut:\n" + "\n".join(failures)


def test_the_after_pictures_show_every_whole_address(narrow_run: NarrowRun) -> None:
    """The account as the portal saved it: its Direct Address box, narrower than its value, shows all of it."""
    shots = narrow_run.pictures("after", ("configured",))
    assert len(shots) == 5, [p["npi"] for p, _ in shots]
    failures = _unreadable(shots, "after")
    assert not failures, f"{narrow_run.skin}: {len(failures)} of {len(shots)} after pictures cut:\n" + "\n".join(failures)


def test_the_after_pictures_show_the_direct_password_fields(narrow_run: NarrowRun) -> None:
    """Below the Direct Address, its password's two fields (masked, so read by their labels): the picture's
    band holds all that the robot typed in seed steps 16 and 17."""
    shots = narrow_run.pictures("after", ("configured",))
    labels = ("Change Direct Password", "Confirm Direct Password")
    failures = []
    for provider, picture in shots:
        missing = [label for label in labels if not reads_whole(picture, label, LABEL_READINGS)[0]]
        if missing:
            text = read_text(picture, LABEL_READINGS[0])
            failures.append(f"{provider['npi']} after picture {picture.name}: no {' nor '.join(map(repr, missing))}; "
                            f"OCR read (--psm {PSM_SPARSE}, its end): "
                            + " | ".join(line.strip() for line in text.splitlines() if line.strip())[-300:])
    assert not failures, f"{narrow_run.skin}: {len(failures)} of {len(shots)} after pictures without the Direct password:\n" + "\n".join(failures)


def test_the_before_picture_of_an_account_found_configured_shows_its_whole_address(narrow_run: NarrowRun) -> None:
    """Priya Raman's account already holds her address: its *before* picture is the evidence that it does."""
    shots = narrow_run.pictures("before", ("already-configured",))
    assert [p["npi"] for p, _ in shots] == [SEEDED_NPIS["Priya Raman"]]
    failures = _unreadable(shots, "before")
    assert not failures, f"{narrow_run.skin}: the before picture is cut:\n" + "\n".join(failures)


def test_an_answer_given_in_place_is_read_in_the_after_picture_with_the_section(narrow_run: NarrowRun) -> None:
    """Where the portal answers Save in place (modern, spa), the after picture is the section as saved with the
    portal's answer beside it, in one picture: the answer's words and the whole address are both read in it."""
    in_place = [p for p in narrow_run.run.record["providers"] if p["status"] == "configured"
                and any(x["kind"] == "after" and "as saved" in x["caption"] for x in p["pictures"])]
    if narrow_run.skin in ("default", "legacy"):  # a Save that loads the account's page again: pictured from there
        assert not in_place
        return
    assert in_place, f"{narrow_run.skin}: no after picture of the section as saved"
    failures = []
    for provider in in_place:
        after = next(narrow_run.run.dir / x["path"] for x in provider["pictures"] if x["kind"] == "after")
        words = provider["answer"]["words"]
        for wanted in (words, provider["direct_address"]):
            if not reads_whole(after, wanted)[0]:
                failures.append(f"{provider['npi']} after picture {after.name}: {wanted!r} not read")
    assert not failures, f"{narrow_run.skin}:\n" + "\n".join(failures)
