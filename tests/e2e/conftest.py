"""End-to-end fixtures: one robot run over the seeded practice, shared by the tests that only read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from robot_helpers import SeededRun, run_robot, sandbox_settings, snapshot

from robot.sandbox import SKINS, Sandbox


@pytest.fixture(scope="session", params=list(SKINS))
def seeded_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededRun]:
    """The robot run once per rendering of the sites (every one with the default locators)
    over a fresh seeded sandbox. Do not change its sandbox."""
    skin = request.param
    out: Path = tmp_path_factory.mktemp(f"seeded-run-{skin}")
    with Sandbox(skin=skin) as sb:
        before = snapshot(sb)
        yield SeededRun(sb, before, run_robot(sb, out, settings=sandbox_settings(skin=skin), capture=True))
