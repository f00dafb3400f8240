"""Fixtures shared by every test: the browser pytest-playwright launches, and a fresh sandbox.

Override points, in the style of pytest-playwright: ``sandbox_options`` (a dict of ``Sandbox``
keyword arguments) can be overridden by a test module or parametrised by a test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from robot.browser import choose_browser, launch_kwargs
from robot.sandbox import Sandbox


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches the same Chromium, with the same flags, as the robot."""
    ours = launch_kwargs(choose_browser())
    return {**browser_type_launch_args, "args": ours["args"], **({"executable_path": ours["executable_path"]} if "executable_path" in ours else {})}


@pytest.fixture(autouse=True)
def _node_options_as_they_were() -> Iterator[None]:
    """The command line sets NODE_OPTIONS for the process (robot.browser.lean_driver_environment); a test
    that calls it leaves the next test the environment it found."""
    before = os.environ.get("NODE_OPTIONS")
    yield
    if before is None:
        os.environ.pop("NODE_OPTIONS", None)
    else:
        os.environ["NODE_OPTIONS"] = before


@pytest.fixture(autouse=True, scope="session")
def _state_folder_of_its_own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Practice locks and unsaved records go to a folder of the test session's, never the user's own
    (subprocesses inherit it); a test that needs one of its own sets ROBOT_STATE_DIR itself."""
    before = os.environ.get("ROBOT_STATE_DIR")
    os.environ["ROBOT_STATE_DIR"] = str(tmp_path_factory.mktemp("robot-state"))
    yield
    if before is None:
        os.environ.pop("ROBOT_STATE_DIR", None)
    else:
        os.environ["ROBOT_STATE_DIR"] = before


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {}


@pytest.fixture
def sandbox(sandbox_options: dict[str, Any]) -> Iterator[Sandbox]:
    with Sandbox(**sandbox_options) as sb:
        yield sb
