"""`python -m robot` with bad input: exit 2, one line on stderr, and no browser ever started."""

from __future__ import annotations

from pathlib import Path

import pytest

import robot.cli
from robot.cli import main
from robot_helpers import no_browser_allowed

SECRET = "Mx-secret-1!"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (no .env, no config), a clean environment, and a tripwire on the browser."""
    monkeypatch.chdir(tmp_path)
    no_browser_allowed(monkeypatch)
    return tmp_path


def write(path: str, text: str) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI, expect exit 2 and exactly one line on stderr; return that line."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def test_missing_default_config_file(capsys):
    line = refused([], capsys)
    assert "config/robot.yaml" in line and "not found" in line and "--config" in line


@pytest.mark.parametrize("given", ["elsewhere/robot.yaml", "nope.yaml"])
def test_missing_config_file_given_with_config_says_that_file_does_not_exist(capsys, given):
    line = refused(["--config", given], capsys)
    assert f"--config {given}" in line and "does not exist" in line
    assert "pass --config PATH" not in line  # it was passed


def test_a_config_given_with_config_that_is_a_folder_is_named(capsys):
    Path("conf").mkdir()
    line = refused(["--config", "conf"], capsys)
    assert "--config conf" in line and "folder" in line


def test_malformed_robot_yaml(capsys):
    write("config/robot.yaml", "practice:\n  name: [Brightside\nrun: {}\n")
    line = refused([], capsys)
    assert "robot.yaml" in line and "malformed YAML" in line and "line 3" in line


def test_unknown_selector_key(capsys):
    write("config/robot.yaml", "")
    write("config/selectors.yaml", 'portal.account.direct_adress: "css=#txtDirect"\n')
    line = refused([], capsys)
    assert "selectors.yaml" in line and "portal.account.direct_adress" in line


def test_invalid_npi_in_providers_yaml(capsys):
    write("config/robot.yaml", "")
    write("config/providers.yaml", "providers:\n  - npi: '1234567898'\n    exclude: true\n")
    line = refused([], capsys)
    assert "providers.yaml" in line and "1234567898" in line and "not a valid NPI" in line


@pytest.mark.parametrize("flag", ["--only", "--force"])
def test_invalid_npi_on_the_command_line(capsys, flag):
    write("config/robot.yaml", "")
    line = refused([flag, "1234567893", flag, "1234567898"], capsys)
    assert flag in line and "1234567898" in line and "not a valid NPI" in line


def test_negative_slow_mo(capsys):
    write("config/robot.yaml", "")
    line = refused(["--slow-mo", "-5"], capsys)
    assert "--slow-mo" in line


@pytest.mark.parametrize("workers", ["0", "-1", "17"])
def test_workers_out_of_range(capsys, workers):
    write("config/robot.yaml", "")
    line = refused(["--workers", workers], capsys)
    assert f"--workers {workers}" in line and "1 to 16" in line


@pytest.mark.parametrize("given", [["--dry-run"], ["--only", "1234567893"], ["--force", "1234567893"], ["--workers", "4"],
                                   ["--headed"], ["--slow-mo", "500"]])
def test_an_option_check_would_ignore_is_refused_before_a_browser_starts(capsys, given):
    write("config/robot.yaml", "")
    line = refused(["--check", *given], capsys)
    assert "--check" in line and given[0] in line and "read only" in line, line


def test_a_force_outside_only_is_refused_before_a_browser_starts(capsys):
    write("config/robot.yaml", "")
    line = refused(["--sandbox", "--only", "1793562046", "--force", "1658039270"], capsys)
    assert "--force 1658039270" in line and "not among --only" in line and "--only 1658039270" in line, line


@pytest.mark.parametrize("missing", ["MAXMD_USERNAME", "MAXMD_PASSWORD", "PORTAL_USERNAME", "PORTAL_PASSWORD"])
def test_missing_credential_when_urls_are_set(capsys, monkeypatch, missing):
    write("config/robot.yaml", "")
    values = {
        "MAXMD_URL": "https://maxmd.example.com/login",
        "PORTAL_URL": "https://portal.example.com/login",
        "MAXMD_USERNAME": "maxmd-admin",
        "MAXMD_PASSWORD": SECRET,
        "PORTAL_USERNAME": "portal-admin",
        "PORTAL_PASSWORD": "Pt-secret-2!",
    }
    for var, value in values.items():
        if var != missing:
            monkeypatch.setenv(var, value)
    line = refused([], capsys)
    assert missing in line and "not set" in line
    assert SECRET not in line and "Pt-secret-2!" not in line


def test_credential_missing_from_dotenv_is_named(capsys):
    write("config/robot.yaml", "")
    write(".env", "MAXMD_URL=https://maxmd.example.com/login\nPORTAL_URL=https://portal.example.com/login\n"
          f"MAXMD_USERNAME=maxmd-admin\nMAXMD_PASSWORD={SECRET}\nPORTAL_USERNAME=portal-admin\n")
    line = refused([], capsys)
    assert "PORTAL_PASSWORD" in line and SECRET not in line


def test_only_one_url_set(capsys, monkeypatch):
    write("config/robot.yaml", "")
    monkeypatch.setenv("PORTAL_URL", "https://portal.example.com/login")
    line = refused([], capsys)
    assert "MAXMD_URL" in line and "PORTAL_URL" in line


def test_non_text_url_in_robot_yaml(capsys):
    write("config/robot.yaml", "sites: {maxmd_url: 8080, portal_url: 'https://portal.example.com/login'}\n")
    line = refused([], capsys)
    assert "sites.maxmd_url" in line


def test_unknown_option_exits_2_before_anything_runs(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--bogus"])
    assert info.value.code == 2
    assert "--bogus" in capsys.readouterr().err


class Reached(Exception):
    """The run got as far as choosing a browser."""


def _reached(*args, **kwargs):
    raise Reached


def test_valid_input_does_reach_the_browser_choice(monkeypatch):
    """The tripwire above is live: good input gets as far as choosing a browser."""
    write("config/robot.yaml", "")
    monkeypatch.setattr(robot.cli, "choose_browser", _reached)
    with pytest.raises(Reached):
        main(["--sandbox", "--only", "1234567893", "--slow-mo", "0"])


# --- no site configured: the sandbox only when asked for, or for a person at a terminal ----------------


def test_no_site_and_no_terminal_exits_2_naming_the_variables_and_where_env_was_looked_for(capsys, monkeypatch, isolated):
    write("config/robot.yaml", "")
    monkeypatch.setattr(robot.cli, "_at_terminal", lambda: False)  # cron, systemd
    line = refused([], capsys)
    assert "MAXMD_URL" in line and "PORTAL_URL" in line and "--sandbox" in line
    assert "no .env found" in line and str(isolated / ".env") in line


def test_no_site_and_no_terminal_names_the_env_file_that_was_read(capsys, monkeypatch, isolated):
    write("config/robot.yaml", "")
    write(".env", "# the addresses were forgotten\nMAXMD_USERNAME=admin\n")
    monkeypatch.setattr(robot.cli, "_at_terminal", lambda: False)
    line = refused([], capsys)
    assert "MAXMD_URL" in line and ".env was read" in line


@pytest.mark.parametrize(("argv", "terminal"), [(["--sandbox"], False), ([], True), (["--check"], True)])
def test_the_sandbox_runs_when_asked_for_or_for_a_person_at_a_terminal(monkeypatch, argv, terminal):
    write("config/robot.yaml", "")
    monkeypatch.setattr(robot.cli, "_at_terminal", lambda: terminal)
    monkeypatch.setattr(robot.cli, "choose_browser", _reached)
    with pytest.raises(Reached):
        main(argv)


def test_the_sandbox_is_not_started_for_a_check_without_a_terminal(capsys, monkeypatch):
    write("config/robot.yaml", "")
    monkeypatch.setattr(robot.cli, "_at_terminal", lambda: False)
    assert "MAXMD_URL" in refused(["--check"], capsys)


# --- files robot.yaml names ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["providers", "selectors"])
def test_a_file_named_in_robot_yaml_that_does_not_exist_is_an_error(capsys, key):
    write("config/robot.yaml", f"files:\n  {key}: {key}-typo.yaml\n")
    line = refused(["--sandbox"], capsys)
    assert f"files.{key}" in line and f"{key}-typo.yaml" in line and "does not exist" in line


def test_the_default_files_left_as_shipped_may_be_missing(monkeypatch):
    write("config/robot.yaml", "files:\n  providers: providers.yaml\n  selectors: selectors.yaml\n")
    monkeypatch.setattr(robot.cli, "choose_browser", _reached)
    with pytest.raises(Reached):
        main(["--sandbox"])
