"""Fixtures shared by every test: the browser pytest-playwright launches, and a fresh sandbox.

Override points, in the style of pytest-playwright: ``sandbox_options`` (a dict of ``Sandbox``
keyword arguments) can be overridden by a test module or parametrised by a test.

Under pytest-xdist (``make test``: ``-n 3 --dist loadgroup``), tests that share a module- or
session-scoped fixture of ours run on one worker, one after another (one unit of the scheduler, see
``_group_of``), so the fixture is made once, and a test marked ``alone`` runs while no other test runs
on any worker (see ``_Room``).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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


# --- running beside each other (pytest-xdist) -----------------------------------------------------------

def _group_of(item: pytest.Item) -> str | None:
    """The group of tests one worker runs together: ``alone`` for every test marked so (one worker runs
    them, one after another), else the first of our own fixtures it uses that outlives a test (scope
    module or class: one per module; session and parametrised, such as ``seeded_run``: one per parameter)."""
    if item.get_closest_marker("alone"):
        return "alone"
    info = getattr(item, "_fixtureinfo", None)
    for name in info.names_closure if info else ():
        defs = info.name2fixturedefs.get(name)
        if not defs or not defs[-1].baseid.startswith("tests"):  # pytest's and pytest-playwright's own: baseid ""
            continue
        fixture = defs[-1]
        if fixture.scope in ("module", "class", "package"):
            return item.nodeid.split("::")[0]
        if fixture.scope == "session" and fixture.params:
            callspec = getattr(item, "callspec", None)
            return f"{name}[{callspec.params[name]}]" if callspec and name in callspec.params else name
    return None


GROUPS_FILE = "xdist-groups-{worker}.json"


@pytest.hookimpl(trylast=True)  # the items as they will run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each xdist worker writes down every test's group, beside the workers' temporary folders, before it
    reports its collection: the run's scheduler (below) reads it. pytest-xdist's own ``loadgroup`` passes
    the group on by renaming the test's node id, which pytest 9.2 no longer lets it do (pytest-xdist
    issue 1386), so this does not rely on it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    groups = {item.nodeid: group for item in items if (group := _group_of(item))}
    folder = config._tmp_path_factory.getbasetemp().parent  # type: ignore[attr-defined]
    (folder / GROUPS_FILE.format(worker=worker)).write_text(json.dumps(groups))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's: unknown with -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup``: xdist's scheduler by units, each unit a group of ours or a test of its own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                # Every worker has reported its collection before the first unit is made.
                folder = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
                found = sorted(folder.glob(GROUPS_FILE.format(worker="*")))
                assert found, f"no worker wrote its tests' groups in {folder}: they would be run apart"
                self.groups = json.loads(found[0].read_text())
            group = self.groups.get(nodeid)
            return f"group:{group}" if group else nodeid

    return GroupScheduling(config, log)


class _Room:
    """One room shared by every worker of the run: a test marked ``alone`` takes it for itself (``flock``
    LOCK_EX), every other test shares it (LOCK_SH). The gate keeps an ``alone`` test that waits from being
    overtaken: the tests that come after it wait at the gate until it is done. Consecutive ``alone`` tests
    keep the room between them; a shared hold is given back after every test."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.gate: IO[bytes] = open(folder / "alone-gate.lock", "ab")  # noqa: SIM115 - held for the session
        self.room: IO[bytes] = open(folder / "alone-room.lock", "ab")  # noqa: SIM115
        self.alone: bool | None = None  # None: not held

    def enter(self, alone: bool) -> None:
        if self.alone is alone:
            return
        self.leave()
        fcntl.flock(self.gate, fcntl.LOCK_EX)
        fcntl.flock(self.room, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        self.alone = alone

    def leave(self) -> None:
        if self.alone is None:
            return
        fcntl.flock(self.room, fcntl.LOCK_UN)
        if self.alone:
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        self.alone = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Under xdist, every test's setup, call and teardown (the fixtures it starts or ends, session-scoped
    ones too) happen inside the room: alone, or beside other tests that are not ``alone``."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    config = item.config
    room = getattr(config, "_test_room", None)
    if room is None:
        # The workers' temporary folders (pytest-N/popen-gwK) share their parent: the run's own.
        room = config._test_room = _Room(config._tmp_path_factory.getbasetemp().parent)  # type: ignore[attr-defined]
    alone = item.get_closest_marker("alone") is not None
    room.enter(alone)
    try:
        yield
    finally:
        if not (alone and nextitem is not None and nextitem.get_closest_marker("alone")):
            room.leave()
