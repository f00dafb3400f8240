"""The README and docs/*.md against the code: what they cite must exist.

The rules, kept simple on purpose:

1. **Options.** The option table under "Command line" in README.md (and in docs/reference.md) has one
   row per option, its first cell starting with the option in backticks (``| `--slow-mo MS` | ...``).
   Those options are exactly the ones the command line's argparse parser has, ``-h/--help`` aside.
2. **Code spans** (single backticks, outside fenced blocks) in README.md and docs/*.md:
   - *A repo path*: a span starting with one of the repo's top-level folders (``robot/``, ``pages/``,
     ``config/``, ``tests/``, ``docs/``, ``deploy/``, ``scripts/``, ``fixtures/``, ``.ci/``) and
     holding no placeholder (``<``, ``*``, ``{``, ``...`` or a space) must exist as a file or folder.
     A config file an operator makes from a shipped example (``config/X.yaml`` beside
     ``config/X.example.yaml``) counts as present.
   - *A code name*: a span that is a dotted name, optionally followed by an argument list
     (``rules.plan``, ``Screen.act(key, effect, what)``, ``robot.run.execute()``), is resolved when it
     is ours: when it starts with ``robot.`` or ``pages.`` (imported with importlib, the rest by
     getattr), or when its first part is a module in robot/ or pages/ (a ``.py`` file's name) or a class
     defined there (the rest by getattr on any module or class of that name; a dataclass field counts).
     Not code, and skipped: file names (the last part is a file extension: ``robot.yaml``,
     ``report.html``), selector keys (``portal.account.save``: the keys of ``pages.locators.DEFAULTS``
     and their prefixes) and robot.yaml settings (``run.retries``: a section and key of
     ``config/robot.yaml``). Anything else (Playwright's ``page.screenshot``, ``confirm()``) is
     not ours and is not checked.
3. **Links.** A relative Markdown link ``[text](path#anchor)`` points to a file or folder that
   exists, and its anchor, if any, to a heading of that file (GitHub's slug: lower case, punctuation
   dropped, spaces turned to hyphens).
4. **Tables.** docs/reference.md names every selector key, and the README's and the reference's
   status tables name exactly the statuses of ``robot.model.Status``.
"""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
REFERENCE = ROOT / "docs" / "reference.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]

REPO_DIRS = ("robot/", "pages/", "config/", "tests/", "docs/", "deploy/", "scripts/", "fixtures/", ".ci/")
FILE_EXTENSIONS = {
    "yaml", "yml", "json", "html", "log", "csv", "png", "zip", "md", "py", "j2", "txt", "toml", "lock",
    "service", "timer", "example", "env", "tmp",
}
CODE_NAME = re.compile(r"(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?P<call>\(.*\))?")
FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _text(doc: Path) -> str:
    """The document without its fenced blocks (examples of output and commands, not citations)."""
    return FENCE.sub("", doc.read_text(encoding="utf-8"))


def _spans() -> list[tuple[str, str]]:
    out = {(doc.relative_to(ROOT).as_posix(), m.group(1).strip()) for doc in DOCS for m in SPAN.finditer(_text(doc))}
    return sorted(out)


# --- 1. the option table -------------------------------------------------------------------------


def _parser_options() -> set[str]:
    from robot import cli

    make = getattr(cli, "build_parser", None) or cli.parser
    return {s for action in make()._actions for s in action.option_strings if s not in ("-h", "--help")}


def _table_options(doc: Path, heading: str) -> set[str]:
    """Options in the first table after the heading ``heading``."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"#+\s+{re.escape(heading)}\s*", line))
    options: set[str] = set()
    in_table = False
    for line in lines[start + 1:]:
        if line.startswith("|"):
            in_table = True
            if m := re.match(r"\|\s*`(--?[\w-]+)", line):
                options.add(m.group(1))
        elif in_table or line.startswith("#"):
            break
    return options


@pytest.mark.parametrize("doc", [README, REFERENCE], ids=lambda p: p.name)
def test_option_table_lists_exactly_the_parsers_options(doc: Path) -> None:
    documented, parsed = _table_options(doc, "Command line"), _parser_options()
    assert documented, f"{doc.name}: no option table under 'Command line'"
    assert not parsed - documented, f"{doc.name}: options the parser has but the table lacks: {sorted(parsed - documented)}"
    assert not documented - parsed, f"{doc.name}: options the table lists but the parser lacks: {sorted(documented - parsed)}"


# --- 2. code spans -------------------------------------------------------------------------------


def _is_repo_path(span: str) -> bool:
    return span.startswith(REPO_DIRS) and not any(c in span for c in ("<", "*", "{", " ", "...", "…"))


def _path_exists(span: str) -> bool:
    path = ROOT / span.split("#")[0]
    if path.exists():
        return True
    # A file the operator makes from a shipped example: config/selectors.yaml from config/selectors.example.yaml.
    return path.parent.name == "config" and path.with_name(f"{path.stem}.example{path.suffix}").is_file()


@pytest.mark.parametrize("doc,span", [s for s in _spans() if _is_repo_path(s[1])])
def test_cited_path_exists(doc: str, span: str) -> None:
    assert _path_exists(span), f"{doc} cites `{span}`, which is not in the repo"


@cache
def _our_modules() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Module names by their last part, and the modules defining each top-level class, in robot/ and pages/."""
    modules: dict[str, list[str]] = {}
    classes: dict[str, list[str]] = {}
    for top in ("robot", "pages"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] in ("__init__", "__main__"):
                parts = parts[:-1]
            dotted = ".".join(parts)
            modules.setdefault(parts[-1], []).append(dotted)
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef):
                    classes.setdefault(node.name, []).append(dotted)
    return modules, classes


@cache
def _not_code() -> frozenset[str]:
    """Dotted words that are settings or selector keys, not code."""
    from pages.locators import DEFAULTS

    names = set(DEFAULTS)
    for key in DEFAULTS:
        parts = key.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts)))
    shipped = yaml.safe_load((ROOT / "config" / "robot.yaml").read_text(encoding="utf-8")) or {}
    sections = {name: set(keys or {}) for name, keys in shipped.items()}
    import robot.settings

    for name, keys in (getattr(robot.settings, "_ROBOT_KEYS", None) or {}).items():
        sections.setdefault(name, set()).update(keys)
    names.update(f"{section}.{key}" for section, keys in sections.items() for key in keys)
    return frozenset(names)


def _has(obj: object, attr: str) -> bool:
    return hasattr(obj, attr) or attr in getattr(obj, "__dataclass_fields__", {})


def _walk(obj: object, rest: list[str]) -> bool:
    for attr in rest:
        if not _has(obj, attr):
            return False
        obj = getattr(obj, attr, None)
    return True


def _import_prefix(parts: list[str]) -> tuple[object, list[str]] | None:
    """The longest importable module among ``parts``' prefixes, and the parts after it."""
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            return importlib.import_module(name), parts[i:]
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but imports something missing: a real failure
                raise
    return None


def _ours(name: str) -> bool:
    first = name.split(".")[0]
    modules, classes = _our_modules()
    return first in ("robot", "pages") or first in modules or first in classes


def _code_names() -> list[tuple[str, str]]:
    out = []
    for doc, span in _spans():
        m = CODE_NAME.fullmatch(span)
        if not m or not ("." in span or m.group("call")):
            continue
        name = m.group("name")
        if name.split(".")[-1] in FILE_EXTENSIONS or name in _not_code() or not _ours(name):
            continue
        out.append((doc, name))
    return sorted(set(out))


def resolves(name: str) -> bool:
    """Whether a cited code name exists, by the rules of the module docstring."""
    parts = name.split(".")
    if parts[0] in ("robot", "pages"):
        found = _import_prefix(parts)
        return found is not None and _walk(*found)
    modules, classes = _our_modules()
    for module in modules.get(parts[0], []):
        if _walk(importlib.import_module(module), parts[1:]):
            return True
    return any(_walk(getattr(importlib.import_module(module), parts[0]), parts[1:]) for module in classes.get(parts[0], []))


@pytest.mark.parametrize("doc,name", _code_names())
def test_cited_code_name_exists(doc: str, name: str) -> None:
    assert resolves(name), f"{doc} cites `{name}`, which the code does not have"


def test_the_rules_catch_a_made_up_name() -> None:
    assert resolves("robot.rules.plan") and resolves("rules.plan") and resolves("Screen.act")
    assert not resolves("robot.rules.plan_everything")
    assert not resolves("rules.plan_everything")
    assert not resolves("Screen.act_twice")
    assert not _is_repo_path("runs/<UTC timestamp>/") and not _path_exists("robot/nowhere.py")


# --- 3. links ------------------------------------------------------------------------------------


def _links() -> list[tuple[str, str]]:
    out = set()
    for doc in DOCS:
        for m in LINK.finditer(_text(doc)):
            target = m.group(1)
            if not re.match(r"^(https?:|mailto:)", target):
                out.add((doc.relative_to(ROOT).as_posix(), target))
    return sorted(out)


def _slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(doc: Path) -> set[str]:
    return {_slug(m.group(1)) for m in re.finditer(r"^#+\s+(.*?)\s*$", _text(doc), re.M)}


@pytest.mark.parametrize("doc,target", _links())
def test_relative_link_points_to_a_file(doc: str, target: str) -> None:
    path, _, anchor = target.partition("#")
    linked = (ROOT / doc).parent / path if path else ROOT / doc
    assert linked.exists(), f"{doc} links to {target}, which does not exist"
    if anchor:
        assert anchor in _anchors(linked), f"{doc} links to {target}: {linked.name} has no such heading"


# --- 4. tables -----------------------------------------------------------------------------------


def test_reference_names_every_selector_key() -> None:
    from pages.locators import DEFAULTS

    text = REFERENCE.read_text(encoding="utf-8")
    assert [k for k in DEFAULTS if f"`{k}`" not in text] == []


def _status_rows(doc: Path) -> set[str]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"#+\s+Statuses\s*", line))
    rows = set()
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        if m := re.match(r"\|\s*`([a-z-]+)`\s*\|", line):
            rows.add(m.group(1))
    return rows


@pytest.mark.parametrize("doc", [README, REFERENCE], ids=lambda p: p.name)
def test_status_table_names_exactly_the_statuses(doc: Path) -> None:
    from robot.model import Status

    assert _status_rows(doc) == {str(s) for s in Status}
