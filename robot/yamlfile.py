"""The settings files as YAML: read with every key once per mapping, and their values checked by type.

Every problem is a ConfigError of one line naming the file, the key and, where YAML knows it, the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from robot.errors import ConfigError


class GivenTwice(yaml.constructor.ConstructorError):
    """A key given twice in one mapping (``UniqueKeyLoader``)."""


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (PyYAML keeps the last in silence:
    a second ``run:`` section would drop the first without a word). Merge keys (``<<``) still override."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                if key in first:
                    raise GivenTwice(
                        None, None, f"key {key!r} given twice (first at line {first[key]}); keep one", key_node.start_mark)
                first[key] = key_node.start_mark.line + 1
            except TypeError:  # a key that cannot be hashed: the base constructor says so
                continue
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path, what: str) -> Any:
    """The file's YAML; ``what`` says what to do where the file is missing."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; {what}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    try:
        return yaml.load(content, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        if isinstance(exc, GivenTwice):
            raise ConfigError(f"{path}{where}: {problem}") from None
        raise ConfigError(f"{path}: malformed YAML{where}: {problem}; fix the file (most often a line indented "
                          "unlike its neighbours, or text holding ': ' or starting with a quote that needs quotes around it)") from None


def mapping(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping of keys to values, found {type(value).__name__}")
    return value


def check_keys(section: Mapping, allowed: set[str], where: str) -> None:
    for key in section:
        if ("password" in str(key).lower() or "secret" in str(key).lower() or "totp" in str(key).lower()) and key not in allowed:
            raise ConfigError(
                f"{where}.{key}: passwords and secrets are never read from YAML; put them in the environment or .env "
                "(MAXMD_PASSWORD, PORTAL_PASSWORD, MAXMD_TOTP_SECRET, PORTAL_TOTP_SECRET; a provider's own password via password_env)"
            )
        if key not in allowed:
            raise ConfigError(f"{where}.{key}: unknown key; allowed: {', '.join(sorted(allowed))}")


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, found {value!r}")
    return value


def whole_number(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}: expected a whole number from {low} to {high}, found {value!r}")
    return value


def text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ConfigError(f"{where}: expected text, found {value!r}")
    return str(value).strip()


def key_lines(path: Path) -> dict[str, int]:
    """The line each top-level key of a YAML file is written on (1-based): selectors.yaml's, so that an override
    that finds nothing is named where the operator wrote it. The file has been read and checked already."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def day(value: Any, where: str) -> date | None:
    """A day written YYYY-MM-DD (YAML reads it as a date; quoted, as text)."""
    if value is None or isinstance(value, date) and not hasattr(value, "hour"):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: expected a day as YYYY-MM-DD (2027-03-31), found {value!r}") from None
