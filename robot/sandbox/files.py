"""Where the files the sandbox ships with are: its pages, scripts and vendored libraries (the repository's
``fixtures/``) and the project's default settings (``config/robot.yaml``) for a ``--sandbox`` run with none.

pyproject.toml installs both as package data inside ``robot/sandbox/`` (``robot.sandbox.fixtures``,
``robot.sandbox.config``), so a plain ``pip install`` carries them; a checkout or an editable install
reads the repository's own top-level folders, which is where they live.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# A real folder either way: Flask serves templates and static files from a path.
_PACKAGE = Path(str(resources.files("robot.sandbox")))


def shipped(folder: str) -> Path:
    """``folder`` as installed beside this package, else the repository's top-level one."""
    installed = _PACKAGE / folder
    return installed if installed.is_dir() else _PACKAGE.parents[1] / folder


FIXTURES_ROOT = shipped("fixtures")
DEFAULT_CONFIG = shipped("config") / "robot.yaml"
