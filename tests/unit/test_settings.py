"""settings.load(): robot.yaml, providers.yaml, selectors.yaml and .env, each problem a ConfigError naming its source.

Every test passes ``environ`` and ``dotenv_path`` explicitly, so the real environment never leaks in.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from robot.errors import ConfigError
from robot.settings import load

SITES = {
    "MAXMD_URL": "https://maxmd.example.com/login",
    "MAXMD_USERNAME": "maxmd-admin",
    "MAXMD_PASSWORD": "Mx-secret-1!",
    "PORTAL_URL": "https://portal.example.com/login",
    "PORTAL_USERNAME": "portal-admin",
    "PORTAL_PASSWORD": "Pt-secret-2!",
}


@pytest.fixture
def cfg(tmp_path: Path):
    """Write the config files into tmp_path/config and load them with an explicit environment."""

    def run(
        robot: str = "",
        *,
        providers: str | None = None,
        selectors: str | None = None,
        environ: dict[str, str] | None = None,
        dotenv: str | None = None,
    ):
        config = tmp_path / "config"
        config.mkdir(exist_ok=True)
        (config / "robot.yaml").write_text(textwrap.dedent(robot), encoding="utf-8")
        if providers is not None:
            (config / "providers.yaml").write_text(textwrap.dedent(providers), encoding="utf-8")
        if selectors is not None:
            (config / "selectors.yaml").write_text(textwrap.dedent(selectors), encoding="utf-8")
        dotenv_path = tmp_path / ".env"
        if dotenv is not None:
            dotenv_path.write_text(textwrap.dedent(dotenv), encoding="utf-8")
        return load(config / "robot.yaml", environ=environ or {}, dotenv_path=dotenv_path)

    return run


def error_of(fn, *args, **kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message, "a ConfigError is one line"
    return message


# --- robot.yaml --------------------------------------------------------------------------------------


def test_shipped_robot_yaml_loads_as_sandbox_run():
    s = load(Path(__file__).parents[2] / "config" / "robot.yaml", environ={}, dotenv_path=None)
    assert s.sandbox and s.maxmd is None and s.portal is None
    assert s.policy.length == 16


def test_empty_robot_yaml_gives_defaults(cfg):
    s = cfg("")
    assert s.sandbox
    assert s.direct_domain is None
    assert (s.policy.length, s.policy.upper, s.policy.symbol) == (16, True, True)
    assert s.direct_same_as_portal is True
    assert (s.timeout_ms, s.retries, s.viewport) == (15_000, 2, (1280, 1150))
    assert s.providers == {} and all(s.selectors.source(k) == "default" for k in s.selectors.keys())


def test_values_from_robot_yaml_are_used(cfg):
    s = cfg(
        """
        practice: {name: Brightside Eye Care, direct_domain: Direct.BrightsideEye.com}
        passwords: {length: 20, symbols: "!#", direct_same_as_portal: false}
        run: {timeout_seconds: 30, retries: 0, viewport_width: 1024, viewport_height: 768}
        """
    )
    assert s.practice_name == "Brightside Eye Care"
    assert s.direct_domain == "direct.brightsideeye.com"
    assert (s.policy.length, s.policy.symbols) == (20, "!#")
    assert s.direct_same_as_portal is False
    assert (s.timeout_ms, s.retries, s.viewport) == (30_000, 0, (1024, 768))


def test_missing_config_file_is_named(tmp_path):
    path = tmp_path / "nowhere" / "robot.yaml"
    message = error_of(load, path, environ={}, dotenv_path=None)
    assert str(path) in message and "not found" in message and "--config" in message


def test_malformed_yaml_names_file_and_line(cfg):
    message = error_of(cfg, "practice:\n  name: Brightside\n  direct_domain: [unclosed\nrun: {}\n")
    assert "robot.yaml" in message and "malformed YAML" in message
    assert "line 4" in message


def test_robot_yaml_that_is_not_a_mapping_is_refused(cfg):
    message = error_of(cfg, "- just\n- a list\n")
    assert "robot.yaml" in message and "mapping" in message


def test_unknown_top_level_key_is_named(cfg):
    message = error_of(cfg, "practise: {name: x}\n")
    assert "robot.yaml" in message and "practise" in message and "unknown key" in message


def test_unknown_key_in_a_section_is_named(cfg):
    message = error_of(cfg, "run: {timeout: 5}\n")
    assert "robot.yaml" in message and "run.timeout" in message and "timeout_seconds" in message


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("sites: {maxmd_password: hunter2}\n", "sites.maxmd_password"),
        ("sites: {portal_password: hunter2}\n", "sites.portal_password"),
        ("password: hunter2\n", "password"),
        ("passwords: {portal_password: hunter2}\n", "passwords.portal_password"),
    ],
)
def test_password_in_yaml_is_refused_with_hint_to_use_environment(cfg, yaml_text, key):
    message = error_of(cfg, yaml_text)
    assert key in message and "robot.yaml" in message
    assert "environment" in message and ".env" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("passwords: {length: sixteen}\n", "passwords.length"),
        ("passwords: {upper: 'yes'}\n", "passwords.upper"),
        ("passwords: {direct_same_as_portal: 1}\n", "passwords.direct_same_as_portal"),
        ("run: {timeout_seconds: '15'}\n", "run.timeout_seconds"),
        ("run: {retries: 99}\n", "run.retries"),
        ("run: {viewport_width: true}\n", "run.viewport_width"),
        ("practice: {name: [a, b]}\n", "practice.name"),
        ("practice: {direct_domain: not a domain}\n", "practice.direct_domain"),
        ("run: 5\n", "run"),
    ],
)
def test_bad_types_name_the_key(cfg, yaml_text, key):
    message = error_of(cfg, yaml_text)
    assert "robot.yaml" in message and key in message


@pytest.mark.parametrize("value", ["8080", "true", "[a]"])
def test_non_text_site_url_names_the_key(cfg, value):
    message = error_of(cfg, f"sites: {{maxmd_url: {value}, portal_url: 'https://portal.example.com/'}}\n")
    assert "sites.maxmd_url" in message


def test_password_policy_problem_names_the_section(cfg):
    message = error_of(cfg, "passwords: {length: 6}\n")
    assert "robot.yaml" in message and "passwords" in message and "at least 8" in message


# --- the environment and .env ------------------------------------------------------------------------


def test_no_urls_means_sandbox(cfg):
    s = cfg("", environ={"MAXMD_USERNAME": "x", "MAXMD_PASSWORD": "y"})
    assert s.sandbox and s.maxmd is None and s.portal is None


def test_sites_come_from_the_environment(cfg):
    s = cfg("", environ=SITES)
    assert not s.sandbox
    assert (s.maxmd.url, s.maxmd.username, s.maxmd.password) == (SITES["MAXMD_URL"], "maxmd-admin", "Mx-secret-1!")
    assert (s.portal.url, s.portal.username, s.portal.password) == (SITES["PORTAL_URL"], "portal-admin", "Pt-secret-2!")
    assert set(s.secrets()) == {"Mx-secret-1!", "Pt-secret-2!"}


def test_site_password_is_not_in_repr(cfg):
    s = cfg("", environ=SITES)
    assert "Mx-secret-1!" not in repr(s.maxmd) and "Pt-secret-2!" not in repr(s)


def test_environment_beats_yaml_for_urls_and_usernames(cfg):
    robot = """
        sites:
          maxmd_url: https://yaml-maxmd.example.com/
          portal_url: https://yaml-portal.example.com/
          maxmd_username: yaml-user
    """
    s = cfg(robot, environ=SITES)
    assert s.maxmd.url == SITES["MAXMD_URL"] and s.portal.url == SITES["PORTAL_URL"]
    assert s.maxmd.username == "maxmd-admin"


def test_yaml_urls_are_used_when_the_environment_has_none(cfg):
    robot = """
        sites:
          maxmd_url: https://yaml-maxmd.example.com/
          portal_url: https://yaml-portal.example.com/
          maxmd_username: yaml-user
    """
    env = {"MAXMD_PASSWORD": "a", "PORTAL_USERNAME": "p", "PORTAL_PASSWORD": "b"}
    s = cfg(robot, environ=env)
    assert s.maxmd.url == "https://yaml-maxmd.example.com/" and s.maxmd.username == "yaml-user"
    assert s.portal.url == "https://yaml-portal.example.com/"


def test_dotenv_is_loaded_but_the_environment_beats_it(cfg):
    dotenv = """
        MAXMD_URL=https://dotenv-maxmd.example.com/
        PORTAL_URL=https://dotenv-portal.example.com/
        MAXMD_USERNAME=dotenv-maxmd
        MAXMD_PASSWORD=dotenv-secret
        PORTAL_USERNAME=dotenv-portal
        PORTAL_PASSWORD=dotenv-portal-secret
    """
    s = cfg("", environ={"MAXMD_URL": "https://env-maxmd.example.com/", "PORTAL_PASSWORD": "env-secret"}, dotenv=dotenv)
    assert s.maxmd.url == "https://env-maxmd.example.com/"
    assert s.portal.url == "https://dotenv-portal.example.com/"
    assert (s.maxmd.username, s.maxmd.password) == ("dotenv-maxmd", "dotenv-secret")
    assert s.portal.password == "env-secret"


def test_missing_dotenv_file_is_fine(cfg, tmp_path):
    s = load(_write(tmp_path, ""), environ=SITES, dotenv_path=tmp_path / "absent.env")
    assert s.maxmd.username == "maxmd-admin"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "robot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("present", "missing"), [("MAXMD_URL", "PORTAL_URL"), ("PORTAL_URL", "MAXMD_URL")])
def test_only_one_url_set_is_an_error_naming_the_other(cfg, present, missing):
    env = {k: v for k, v in SITES.items() if k != missing}
    message = error_of(cfg, "", environ=env)
    assert f"{missing} is not set" in message and present in message


@pytest.mark.parametrize("missing", ["MAXMD_USERNAME", "MAXMD_PASSWORD", "PORTAL_USERNAME", "PORTAL_PASSWORD"])
def test_missing_credential_is_named(cfg, missing):
    env = {k: v for k, v in SITES.items() if k != missing}
    message = error_of(cfg, "", environ=env)
    assert missing in message and "not set" in message
    assert "Mx-secret-1!" not in message and "Pt-secret-2!" not in message


def test_empty_credential_counts_as_missing(cfg):
    message = error_of(cfg, "", environ={**SITES, "PORTAL_PASSWORD": ""})
    assert "PORTAL_PASSWORD" in message


def test_url_that_is_not_a_web_address_is_named(cfg):
    message = error_of(cfg, "", environ={**SITES, "PORTAL_URL": "portal.example.com/login"})
    assert "PORTAL_URL" in message and "https://" in message


def test_force_sandbox_ignores_urls(cfg, tmp_path):
    cfg("")
    s = load(tmp_path / "config" / "robot.yaml", environ=SITES, dotenv_path=None, force_sandbox=True)
    assert s.sandbox


# --- providers.yaml ----------------------------------------------------------------------------------

PROVIDERS_OK = """
providers:
  - npi: "1234567893"
    direct_address: jane.okafor@direct.brightsideeye.com
    display_name: Dr. Jane Okafor
    first_name: Jane
    last_name: Okafor
    email: jane.okafor@brightsideeye.com
  - npi: 1245319599
    exclude: true
"""


def test_providers_yaml_is_read(cfg):
    s = cfg("", providers=PROVIDERS_OK)
    jane = s.providers["1234567893"]
    assert jane.direct_address == "jane.okafor@direct.brightsideeye.com"
    assert jane.edits == {"display_name": "Dr. Jane Okafor", "first_name": "Jane", "last_name": "Okafor", "email": "jane.okafor@brightsideeye.com"}
    assert s.providers["1245319599"].exclude is True  # an unquoted NPI is read as text


def test_providers_file_name_comes_from_robot_yaml(cfg, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "roster.yaml").write_text(PROVIDERS_OK, encoding="utf-8")
    s = cfg("files: {providers: roster.yaml}\n")
    assert set(s.providers) == {"1234567893", "1245319599"}


def test_malformed_providers_yaml_names_the_file_and_line(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n   bad: [\n")
    assert "providers.yaml" in message and "line" in message


def test_invalid_npi_names_the_provider_and_the_field(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567898'\n")
    assert "providers.yaml" in message and "provider 1234567898" in message and "npi" in message
    assert "check digit" in message


def test_entry_without_npi_is_named_by_position(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n  - exclude: true\n")
    assert "providers.yaml" in message and "provider #2" in message and "missing npi" in message


@pytest.mark.parametrize("field", ["direct_address", "email"])
def test_invalid_address_names_the_provider_and_the_field(cfg, field):
    message = error_of(cfg, "", providers=f"providers:\n  - npi: '1234567893'\n    {field}: jane at direct\n")
    assert "providers.yaml" in message and "1234567893" in message and field in message
    assert "jane at direct" in message


def test_duplicate_npi_in_providers_yaml_is_named(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n  - npi: '1234567893'\n    exclude: true\n")
    assert "providers.yaml" in message and "1234567893" in message and "twice" in message


def test_unknown_provider_key_is_named(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n    direct: x@y.com\n")
    assert "providers.yaml" in message and "provider 1234567893.direct" in message and "unknown key" in message


def test_provider_password_in_yaml_is_refused_with_hint(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n    portal_password: S3cret!x\n")
    assert "portal_password" in message and "password_env" in message and "environment" in message
    assert "S3cret!x" not in message


def test_bad_exclude_type_names_the_field(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n    exclude: 'yes'\n")
    assert "provider 1234567893.exclude" in message and "true or false" in message


def test_providers_not_a_list_is_refused(cfg):
    message = error_of(cfg, "", providers="providers:\n  npi: '1234567893'\n")
    assert "providers.yaml" in message and "list" in message


def test_password_env_naming_an_unset_variable_is_named(cfg):
    providers = "providers:\n  - npi: '1234567893'\n    password_env: OKAFOR_PORTAL_PASSWORD\n"
    message = error_of(cfg, "", providers=providers, environ={})
    assert "providers.yaml" in message and "1234567893" in message and "OKAFOR_PORTAL_PASSWORD" in message


def test_password_env_is_read_from_environment_and_dotenv(cfg):
    providers = (
        "providers:\n  - npi: '1234567893'\n    password_env: OKAFOR_PW\n    direct_password_env: OKAFOR_DIRECT_PW\n"
    )
    s = cfg("", providers=providers, environ={"OKAFOR_PW": "Portal-Pw-1!"}, dotenv="OKAFOR_DIRECT_PW=Direct-Pw-2!\n")
    assert s.provider_passwords["1234567893"] == ("Portal-Pw-1!", "Direct-Pw-2!")
    assert {"Portal-Pw-1!", "Direct-Pw-2!"} <= set(s.secrets())
    assert "Portal-Pw-1!" not in repr(s)


# --- selectors.yaml ----------------------------------------------------------------------------------


def test_selector_override_is_applied(cfg):
    s = cfg("", selectors='portal.account.direct_address: "css=#txtDirect"\n')
    assert s.selectors.source("portal.account.direct_address") == "override"
    assert s.selectors.describe("portal.account.direct_address") == "css=#txtDirect"
    assert s.selectors.source("portal.account.direct_address") == "override"
    assert s.selectors.describe("portal.account.direct_address") == "css=#txtDirect"


def test_unknown_selector_key_is_named(cfg):
    message = error_of(cfg, "", selectors='portal.account.direct_adress: "css=#txtDirect"\n')
    assert "selectors.yaml" in message and "portal.account.direct_adress" in message
    assert "selectors.example.yaml" in message


@pytest.mark.parametrize("value", ["5", "''", "[css=#a]", "{css: a}", "true"])
def test_non_string_selector_value_names_the_key(cfg, value):
    message = error_of(cfg, "", selectors=f"portal.account.save: {value}\n")
    assert "selectors.yaml" in message and "portal.account.save" in message and "selector string" in message


def test_selectors_yaml_that_is_not_a_mapping_is_refused(cfg):
    message = error_of(cfg, "", selectors="- css=#a\n")
    assert "selectors.yaml" in message and "mapping" in message


# --- scheduled operation: TLS, retention, .env found from elsewhere -------------------------------------


def test_tls_errors_are_fatal_unless_the_config_says_so_explicitly(cfg):
    assert cfg("").ignore_tls_errors is False
    assert cfg("run: {ignore_tls_errors: true}\n").ignore_tls_errors is True
    assert "run.ignore_tls_errors" in error_of(cfg, "run: {ignore_tls_errors: 'yes'}\n")


def test_retention_defaults_keep_changes_six_years(cfg):
    r = cfg("").retention
    assert (r.changed_days, r.unchanged_days) == (2190, 90)
    assert cfg("retention: {unchanged_days: 30}\n").retention.unchanged_days == 30
    assert "retention" in error_of(cfg, "retention: {forever: true}\n")


def test_a_weak_password_given_by_environment_is_refused_without_showing_it(cfg):
    message = error_of(
        cfg,
        "",
        providers='providers:\n  - npi: "1234567893"\n    password_env: OKAFOR_PW\n',
        environ={"OKAFOR_PW": "weakpass"},
    )
    assert "1234567893" in message and "OKAFOR_PW" in message and "weakpass" not in message


def test_dotenv_beside_the_install_folder_is_found_from_another_working_directory(tmp_path, monkeypatch):
    install = tmp_path / "install"
    (install / "config").mkdir(parents=True)
    (install / "config" / "robot.yaml").write_text("")
    (install / ".env").write_text("\n".join(f"{k}={v}" for k, v in SITES.items()) + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    s = load(install / "config" / "robot.yaml", environ={})
    assert not s.sandbox and s.portal.url == SITES["PORTAL_URL"]


@pytest.mark.parametrize("value", ["", "false", "all", "Evidence"])
def test_screenshots_must_be_one_of_the_modes(tmp_path, value) -> None:
    config = tmp_path / "robot.yaml"
    config.write_text(f'screenshots: "{value}"\n')
    with pytest.raises(ConfigError, match="screenshots"):
        load(config, environ={}, dotenv_path=None)


@pytest.mark.parametrize("value", ["evidence", "every-step", "failures"])
def test_screenshots_modes(tmp_path, value) -> None:
    config = tmp_path / "robot.yaml"
    config.write_text(f"screenshots: {value}\n")
    assert load(config, environ={}, dotenv_path=None).screenshots == value


# --- providers.yaml: acknowledged_conflict --------------------------------------------------------------

ACK = """
providers:
  - npi: "1234567893"
    acknowledged_conflict:
      maxmd_address: jane.okafor@direct.brightsideeye.com
      account_address: j.okafor@direct.brightsideeye.com
      reason: portal support case 4411
      look_again: 2027-01-31
"""


def test_an_acknowledged_conflict_is_read_with_its_two_addresses_reason_and_date(cfg):
    from datetime import date

    ack = cfg("", providers=ACK).providers["1234567893"].acknowledged_conflict
    assert (ack.maxmd_address, ack.account_address, ack.reason, ack.look_again) == (
        "jane.okafor@direct.brightsideeye.com", "j.okafor@direct.brightsideeye.com", "portal support case 4411",
        date(2027, 1, 31))
    assert cfg("", providers=ACK.replace("2027-01-31", '"2027-01-31"')).providers["1234567893"].acknowledged_conflict == ack
    assert cfg("", providers="\n".join(ACK.splitlines()[:-1])).providers["1234567893"].acknowledged_conflict.look_again is None


@pytest.mark.parametrize(("change", "words"), [
    (("      reason: portal support case 4411\n", ""), "missing reason"),
    (("      account_address: j.okafor@direct.brightsideeye.com\n", ""), "missing account_address"),
    (("j.okafor@direct", "jane.okafor@direct"), "same address"),
    (("j.okafor@direct.brightsideeye.com", "j.okafor at direct"), "account_address"),
    (("2027-01-31", "next spring"), "YYYY-MM-DD"),
    (("      look_again", "      look_agian"), "look_agian: unknown key"),
    (("    acknowledged_conflict:\n", "    exclude: true\n    acknowledged_conflict:\n"), "exclude and acknowledged_conflict"),
])
def test_a_bad_acknowledgement_names_the_provider_and_what_is_wrong(cfg, change, words):
    message = error_of(cfg, "", providers=ACK.replace(*change))
    assert "provider 1234567893" in message and words in message


# --- duplicate keys, empty variables, a providers.yaml that is a bare list ---------------------------------------


@pytest.mark.parametrize(("text", "key", "line"), [
    ("run:\n  retries: 1\npractice: {}\nrun:\n  retries: 5\n", "run", 4),  # a whole section twice
    ("run:\n  retries: 1\n  timeout_seconds: 5\n  retries: 3\n", "retries", 4),  # a key inside a section
    ("sites: {allow_http: false, allow_http: true}\n", "allow_http", 1),  # in a flow mapping
])
def test_a_key_given_twice_in_robot_yaml_is_refused_naming_the_key_and_line(cfg, text, key, line):
    message = error_of(cfg, text)
    assert "robot.yaml" in message and f"'{key}'" in message and f"line {line}" in message and "twice" in message


def test_a_key_given_twice_in_providers_yaml_or_selectors_yaml_is_refused(cfg):
    message = error_of(cfg, "", providers="providers:\n  - npi: '1234567893'\n    exclude: false\n    exclude: true\n")
    assert "providers.yaml" in message and "'exclude'" in message and "line 4" in message
    message = error_of(cfg, "", providers="providers: []\n", selectors="portal.account.save: 'css=#a'\nportal.account.save: 'css=#b'\n")
    assert "selectors.yaml" in message and "'portal.account.save'" in message and "line 2" in message


def test_yaml_merge_keys_still_work(cfg):
    text = "providers:\n  - &jane {npi: '1234567893', email: jane@example.com}\n  - <<: *jane\n    npi: '1245319599'\n"
    s = cfg("", providers=text)
    assert s.providers["1245319599"].email == "jane@example.com"


def test_an_empty_variable_in_the_environment_does_not_hide_the_dotenv_value(cfg):
    dotenv = "\n".join(f"{k}={v}" for k, v in SITES.items())
    s = cfg("", environ={"MAXMD_URL": "", "PORTAL_PASSWORD": " "}, dotenv=dotenv)
    assert s.maxmd.url == SITES["MAXMD_URL"] and s.portal.password == SITES["PORTAL_PASSWORD"]


def test_a_variable_empty_in_the_environment_and_absent_from_dotenv_is_named_as_empty(cfg):
    message = error_of(cfg, "", environ={**SITES, "PORTAL_USERNAME": ""})
    assert "PORTAL_USERNAME is set but empty" in message


def test_a_providers_yaml_that_is_a_bare_list_says_to_start_with_providers(cfg):
    message = error_of(cfg, "", providers="- npi: '1234567893'\n  exclude: true\n")
    assert "providers.yaml" in message and "providers:" in message and "start" in message
def test_each_selector_override_knows_the_line_it_was_written_on(cfg):
    settings = cfg(selectors="""\
        # my portal
        portal.account.save: "text=Save changes"

        portal.account.direct_address: css=#direct
        """)
    where = settings.selectors.written_at("portal.account.direct_address")
    assert where.endswith("selectors.yaml line 4"), where
    assert settings.selectors.written_at("portal.account.save").endswith("selectors.yaml line 2")
    assert settings.selectors.written_at("portal.account.email") == ""  # a default was written nowhere
