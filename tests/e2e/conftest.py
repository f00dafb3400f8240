"""End-to-end fixtures: one robot run over the seeded practice, shared by the tests that only read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from robot_helpers import SeededRun, run_robot, snapshot

from robot.sandbox import Sandbox


@pytest.fixture(scope="session")
def seeded_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededRun]:
    """The robot run once, with default settings, over a fresh seeded sandbox. Do not change its sandbox."""
    out: Path = tmp_path_factory.mktemp("seeded-run")
    with Sandbox() as sb:
        before = snapshot(sb)
        yield SeededRun(sb, before, run_robot(sb, out, capture=True))
