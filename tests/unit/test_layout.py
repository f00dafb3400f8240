"""The code's shape: small modules and functions, dependencies one way, the procedure in the seed's order."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from pages.locators import DEFAULTS
from robot.procedure import Procedure
from robot.steps import SEED_STEPS, screens

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 70
# The sandbox (two web sites) and the benchmark are tools beside the robot, not the robot.
MODULES = sorted(p for p in [*ROOT.glob("robot/**/*.py"), *ROOT.glob("pages/*.py")]
                 if not {"sandbox", "bench"} & set(p.relative_to(ROOT).parts))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_long(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_long(path: Path) -> None:
    long = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long


@pytest.mark.parametrize("path", sorted(ROOT.glob("pages/*.py")), ids=_name)
def test_pages_need_nothing_from_robot(path: Path) -> None:
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert not {m for m in imported if m == "robot" or m.startswith("robot.")}


def test_every_seed_step_has_its_method_and_they_read_in_the_seeds_order() -> None:
    lines = [inspect.getsourcelines(getattr(Procedure, s.method))[1] for s in SEED_STEPS]
    assert lines == sorted(lines), [s.method for s in SEED_STEPS]
    assert [s.number for s in SEED_STEPS] == list(range(2, 19))


def test_every_key_a_step_uses_is_a_known_selector_key_and_named_once() -> None:
    keys = [k for s in SEED_STEPS for k in s.keys]
    assert len(keys) == len(set(keys))
    assert set(keys) <= set(DEFAULTS)


def test_screens_keep_the_seeds_order_and_every_step_is_on_one() -> None:
    names = [name for name, _ in screens()]
    assert names[0] == "MaxMD login" and names[-1] == "portal user account"
    assert sum(len(keys) for _, keys in screens()) == sum(len(s.keys) for s in SEED_STEPS)
