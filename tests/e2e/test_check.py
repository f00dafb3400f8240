"""``--check``: a read-only preflight that resolves every key, and names the ones to fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from robot_helpers import ROOT, run_check, sandbox_settings, snapshot

from robot.check import SCREENS
from robot.sandbox import Sandbox
from robot.settings import Settings

pytestmark = pytest.mark.e2e

CANONICAL_KEYS = [key for _, keys in SCREENS for key in keys]


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
    for key in CANONICAL_KEYS:
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


def test_check_on_the_legacy_rendering_finds_every_key_by_default(tmp_path: Path, capsys) -> None:
    with Sandbox(skin="legacy") as sb:
        code, _, out = run_check(sb, tmp_path, sandbox_settings(), capsys)
    assert code == 0, out
    assert "Every key was found." in out
    assert "portal.nav.administration" in out.split("How each step completed")[1]


# --- renderings stripped of their words, one kind at a time ------------------------------------------------

def strip(app, pattern: str, replacement: str = "") -> None:
    """Rewrite every HTML page ``app`` serves: the same site, without some of its words."""
    inner = app.wsgi_app

    def rewritten(environ, start_response):
        captured: dict = {}

        def keep(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(inner(environ, keep))
        headers = captured["headers"]
        if any(k.lower() == "content-type" and "html" in v for k, v in headers):
            body = re.sub(pattern, replacement, body.decode(), flags=re.S | re.I).encode()
            headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(captured["status"], headers)
        return [body]

    app.wsgi_app = rewritten


PORTAL_FIELDS = {"portal.login.username", "portal.login.password", "portal.users.access_type"} | {
    f"portal.account.{k}" for k in ("display_name", "first_name", "last_name", "email", "password", "confirm_password",
                                    "emergency_access", "poll_direct", "direct_address", "direct_password",
                                    "confirm_direct_password")}


@pytest.mark.parametrize(("skin", "stripped", "missing"), [
    ("default", "labels", PORTAL_FIELDS),
    ("default", "menus", {"portal.nav.administration", "portal.nav.user_accounts"}),
    ("default", "headings", {"portal.account.section", "maxmd.details.identity_proofing"}),
    ("legacy", "labels", PORTAL_FIELDS),
    ("legacy", "headings", {"portal.account.section", "maxmd.details.identity_proofing"}),
])
def test_check_names_every_missing_key_in_one_pass(skin: str, stripped: str, missing: set[str], tmp_path: Path, capsys) -> None:
    with Sandbox(skin=skin) as sb:
        if stripped == "labels":  # every field's words on the portal: a <label>, or the cell beside the input
            strip(sb.portal_app, r"<label\b[^>]*>[^<]*</label>")
            strip(sb.portal_app, r'(<td class="lbl"[^>]*>)[^<]*(</td>)', r"\1\2")
        elif stripped == "menus":
            strip(sb.portal_app, r">\s*Administration\s*<", "><")
        else:
            strip(sb.portal_app, r">\s*User Account Information\s*<", "><")
            strip(sb.maxmd_app, r"identit[yf][\s-]*proofing", "")
        code, _, out = run_check(sb, tmp_path, sandbox_settings(), capsys)
    assert code == 2, out
    said_missing = {line.split()[0] for line in out.splitlines() if " MISSING " in line}
    assert said_missing == missing, out
    assert "not reached" not in out  # the walk went on to the account page to name them all
    assert f"Fix in config/selectors.yaml: " in out and all(k in out.split("Fix in config/selectors.yaml: ")[1] for k in missing)


def test_check_with_a_refused_login_says_so_and_exits_2(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    sandbox.maxmd_password = "not-the-password-1A!"
    code, _, out = run_check(sandbox, tmp_path, sandbox_settings(), capsys)
    assert code == 2 and "MaxMD login refused" in out
