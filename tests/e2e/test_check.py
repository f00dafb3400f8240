"""``--check``: a read-only preflight that resolves every key, and names the ones to fix."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from robot_helpers import ROOT, sandbox_settings, snapshot

from robot.browser import choose_browser
from robot.check import SCREENS, check
from robot.sandbox import Sandbox
from robot.settings import Settings, Site

pytestmark = pytest.mark.e2e

SPEC_KEYS = [key for _, keys in SCREENS for key in keys]


def run_check(sb: Sandbox, out: Path, settings: Settings, capsys) -> tuple[int, Path, str]:
    with ThreadPoolExecutor(max_workers=1) as pool:  # beside pytest-playwright's own sync API
        code, run_dir = pool.submit(
            check, settings, out, choose_browser(),
            maxmd=Site("MaxMD", sb.maxmd_url, sb.maxmd_username, sb.maxmd_password),
            portal=Site("portal", sb.portal_url, sb.portal_username, sb.portal_password),
        ).result()
    return code, run_dir, capsys.readouterr().out


def config_with(tmp_path: Path, selectors: str) -> Settings:
    config = tmp_path / "config"
    config.mkdir()
    (config / "robot.yaml").write_text((ROOT / "config" / "robot.yaml").read_text())
    (config / "selectors.yaml").write_text(selectors)
    return sandbox_settings(config)


def test_check_finds_every_key_on_the_sandbox_and_changes_nothing(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    before = snapshot(sandbox)
    code, run_dir, out = run_check(sandbox, tmp_path, sandbox_settings(), capsys)
    assert code == 0, out
    for key in SPEC_KEYS:
        assert any(line.split()[:2] == [key, "found"] for line in out.splitlines()), key
    assert snapshot(sandbox) == before
    assert not [r for r in sandbox.requests if r[1] == "POST" and "/admin/users/" in r[2]]
    shots = sorted(p.name for p in (run_dir / "screenshots").iterdir())
    assert len(shots) == len(SCREENS) and shots[-1].endswith("portal-user-account.png")
    assert not (run_dir / "handoff.csv").exists()
    assert sandbox.portal_password not in out and sandbox.maxmd_password not in out


def test_check_names_exactly_the_keys_whose_locator_finds_nothing(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    settings = config_with(tmp_path, 'portal.account.direct_address: "css=#txtDirect"\n')
    code, _, out = run_check(sandbox, tmp_path / "runs", settings, capsys)
    assert code == 2
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith(("maxmd.", "portal."))}
    assert "MISSING" in rows["portal.account.direct_address"] and "override" in rows["portal.account.direct_address"]
    assert [k for k, line in rows.items() if " MISSING " in line] == ["portal.account.direct_address"]
    assert "Fix in config/selectors.yaml: portal.account.direct_address" in out


LEGACY_OVERRIDES = ROOT / "config" / "selectors.legacy.yaml"


def test_check_on_the_legacy_rendering_names_exactly_the_keys_that_need_an_override(tmp_path: Path, capsys) -> None:
    import yaml

    with Sandbox(skin="legacy") as sb:
        code, _, out = run_check(sb, tmp_path, sandbox_settings(), capsys)
    assert code == 2
    missing = [line.split()[0] for line in out.splitlines() if " MISSING " in line]
    assert sorted(missing) == sorted(yaml.safe_load(LEGACY_OVERRIDES.read_text()))
    assert "not reached" not in out  # the walk went on to the last screen to name them all


def test_check_on_the_legacy_rendering_with_its_overrides_finds_every_key(tmp_path: Path, capsys) -> None:
    with Sandbox(skin="legacy") as sb:
        code, _, out = run_check(sb, tmp_path, sandbox_settings(skin="legacy"), capsys)
    assert code == 0, out
    assert "Every key was found." in out


def test_check_with_a_refused_login_says_so_and_exits_2(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    sandbox.maxmd_password = "not-the-password-1A!"
    code, _, out = run_check(sandbox, tmp_path, sandbox_settings(), capsys)
    assert code == 2 and "MaxMD login refused" in out
