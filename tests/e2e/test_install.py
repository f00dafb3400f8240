"""A plain ``pip install`` (not editable) gives a robot whose ``python -m robot --sandbox``, started from a
folder that is not the repository, runs the whole job against the embedded sandbox and writes its report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from robot_helpers import ROOT

pytestmark = pytest.mark.e2e

# What a working tree holds besides the project: virtualenvs, run folders, build output, local secrets.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "runs", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", "test-results", ".env")


def _clean_env() -> dict[str, str]:
    """This environment without anything that could put the checkout on ``sys.path`` or name a real site."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith(("MAXMD_", "PORTAL_"))}


def _run(argv: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)


def test_a_plain_install_runs_the_sandbox_from_any_folder(tmp_path: Path) -> None:
    # Built from a copy of the working tree: a build writes build/ and *.egg-info into the tree it builds.
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # This venv's pip installs into the fresh one (--python), so it needs no pip of its own; no `playwright install`.
    installed = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(src)],
                     cwd=tmp_path, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    where = _run([str(python), "-c", "import robot; print(robot.__file__)"], cwd=tmp_path, timeout=60)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout  # the installed copy, not the checkout

    out = tmp_path / "runs"
    done = _run([str(python), "-m", "robot", "--sandbox", "--out", str(out)], cwd=tmp_path, timeout=600)
    # As `make demo`: the sandbox practice holds one provider in conflict on purpose, so a finished run exits 1
    # (as a traceback does, hence the output is checked too).
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("--sandbox: running against the embedded sandbox") and "Report:" in done.stdout, \
        done.stdout + done.stderr
    (run_dir,) = [p for p in out.iterdir() if p.is_dir()]
    assert "<title>SANDBOX" in (run_dir / "report.html").read_text(encoding="utf-8")
    record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    statuses = [p["status"] for p in record["providers"]]
    assert statuses.count("conflict") == 1 and "configured" in statuses, statuses

    # Every module, template and sandbox file of the checkout was installed (the modern skin's vendored
    # libraries too, which a default-skin run never asks for), and no top-level ``fixtures`` package.
    listed = _run([str(python), "-c", "import importlib.metadata as m; print('\\n'.join(str(f) for f in m.files('provider-portal-robot')))"],
                  cwd=tmp_path, timeout=60)
    assert listed.returncode == 0, listed.stderr
    files = set(listed.stdout.split("\n"))
    expected = {p.relative_to(src).as_posix() for top in ("robot", "pages") for p in (src / top).rglob("*")
                if p.is_file() and p.suffix in (".py", ".j2") and "__pycache__" not in p.parts}
    expected |= {"robot/sandbox/fixtures/" + p.relative_to(src / "fixtures").as_posix()
                 for top in ("html", "vendor") for p in (src / "fixtures" / top).rglob("*") if p.is_file()}
    expected.add("robot/sandbox/config/robot.yaml")
    assert not expected - files, sorted(expected - files)
    assert not [f for f in files if f.startswith(("fixtures/", "config/"))]


class _Reached(Exception):
    """The run got as far as choosing a browser."""


def _reached(*args: object, **kwargs: object) -> None:
    raise _Reached


def test_a_sandbox_run_from_a_folder_without_config_reads_the_shipped_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from robot import cli
    from robot.sandbox.files import DEFAULT_CONFIG

    monkeypatch.chdir(tmp_path)
    for var in ("MAXMD_URL", "PORTAL_URL"):
        monkeypatch.delenv(var, raising=False)
    read: list[Path] = []
    real_load = cli.load

    def load(path: Path, **kwargs: object) -> object:
        read.append(path)
        return real_load(path, **kwargs)

    monkeypatch.setattr(cli, "load", load)
    monkeypatch.setattr(cli, "choose_browser", _reached)
    with pytest.raises(_Reached):
        cli.main(["--sandbox"])
    assert read == [DEFAULT_CONFIG] and DEFAULT_CONFIG.is_file()


def test_a_missing_config_named_with_sandbox_is_still_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from robot import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "choose_browser", _reached)
    assert cli.main(["--sandbox", "--config", "config/robot.yaml"]) == 2
    assert "--config config/robot.yaml: that file does not exist" in capsys.readouterr().err
