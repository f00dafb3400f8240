"""Where credentials may go (robot.origins) and what robot.yaml may say about it (settings): the site's own
origin, the sign-on hosts it trusts, and no plain http:// off this machine unless it says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.errors import ConfigError
from robot.origins import WrongOrigin, is_loopback, origin, plain_http, require, trusted
from robot.settings import load

ENV = {
    "MAXMD_URL": "https://secure.maxmd.example/login", "MAXMD_USERNAME": "admin", "MAXMD_PASSWORD": "Mx-secret-1!",
    "PORTAL_URL": "https://portal.example.org/login", "PORTAL_USERNAME": "admin", "PORTAL_PASSWORD": "Pt-secret-1!",
}


@pytest.mark.parametrize(("url", "want"), [
    ("https://Portal.Example.org/login?x=1", "https://portal.example.org"),
    ("https://portal.example.org:443/a", "https://portal.example.org"),
    ("https://portal.example.org:8443/a", "https://portal.example.org:8443"),
    ("http://127.0.0.1:5000/login", "http://127.0.0.1:5000"),
    ("http://[::1]:8080/", "http://[::1]:8080"),
    ("https://Zahnärzte.example/login", "https://xn--zahnrzte-3za.example"),  # as the browser's location names it
    ("about:blank", "null"),
    ("data:text/html,hi", "null"),
    ("javascript:alert(1)", "null"),
])
def test_an_origin_is_scheme_host_and_port(url: str, want: str) -> None:
    assert origin(url) == want


def test_an_internationalised_host_is_the_same_origin_as_its_ascii_form() -> None:
    assert trusted("https://xn--zahnrzte-3za.example/users/42", ("https://zahnärzte.example",))
    assert not trusted("https://xn--zahnrzte-3ya.example/users/42", ("https://zahnärzte.example",))


def test_another_port_another_scheme_or_another_host_is_another_origin() -> None:
    allowed = ("https://portal.example.org",)
    assert trusted("https://portal.example.org/users/42", allowed)
    for elsewhere in ("https://portal.example.org:8443/login", "http://portal.example.org/login",
                      "https://portal.example.org.evil.example/login", "https://evil.example/login", "about:blank"):
        assert not trusted(elsewhere, allowed), elsewhere


def test_a_refusal_names_both_origins_the_variable_and_the_allow_list() -> None:
    with pytest.raises(WrongOrigin) as caught:
        require("https://evil.example/login?next=/", ("https://portal.example.org",), site="portal",
                variable="PORTAL_URL", what="its login page")
    text = str(caught.value)
    assert "https://evil.example" in text and "https://portal.example.org" in text
    assert "PORTAL_URL" in text and "sites.trusted_origins" in text and "nothing was typed" in text
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("url", ["http://localhost:8000/", "http://127.0.0.1/", "http://127.8.9.1:1/", "http://[::1]/",
                                 "http://app.localhost/"])
def test_this_machine_is_loopback(url: str) -> None:
    assert is_loopback(url) and not plain_http(url)


@pytest.mark.parametrize("url", ["http://10.0.0.5/", "http://portal.example.org/", "http://localhost.example.org/"])
def test_plain_http_elsewhere_is_plain_http(url: str) -> None:
    assert plain_http(url) and not is_loopback(url)


def _config(tmp_path: Path, sites: str = "") -> Path:
    path = tmp_path / "robot.yaml"
    path.write_text(f"practice:\n  name: Test Eye Care\n{sites}", encoding="utf-8")
    return path


def test_plain_http_to_another_machine_is_refused_before_a_browser_starts(tmp_path: Path) -> None:
    env = {**ENV, "PORTAL_URL": "http://portal.example.org/login"}
    with pytest.raises(ConfigError) as caught:
        load(_config(tmp_path), environ=env, dotenv_path=None)
    assert "PORTAL_URL" in str(caught.value) and "https://" in str(caught.value) and "allow_http" in str(caught.value)


def test_plain_http_allowed_by_robot_yaml_is_said_once(tmp_path: Path) -> None:
    env = {**ENV, "MAXMD_URL": "http://maxmd.lan/login"}
    settings = load(_config(tmp_path, "sites:\n  allow_http: true\n"), environ=env, dotenv_path=None)
    assert len(settings.warnings) == 1 and "MAXMD_URL" in settings.warnings[0]
    assert "Mx-secret-1!" not in settings.warnings[0]


def test_plain_http_on_this_machine_needs_no_permission(tmp_path: Path) -> None:
    env = {**ENV, "MAXMD_URL": "http://127.0.0.1:5001/login", "PORTAL_URL": "http://localhost:5002/login"}
    settings = load(_config(tmp_path), environ=env, dotenv_path=None)
    assert settings.warnings == ()


def test_trusted_sign_on_origins_go_to_each_sites_login_only(tmp_path: Path) -> None:
    settings = load(_config(tmp_path, "sites:\n  trusted_origins: [\"https://SSO.example.com/saml\"]\n"),
                    environ=ENV, dotenv_path=None)
    assert settings.portal is not None and settings.maxmd is not None
    assert settings.portal.login_origins == ("https://portal.example.org", "https://sso.example.com")
    assert settings.portal.own_origin == ("https://portal.example.org",)  # a provider's passwords: the portal alone
    assert settings.maxmd.variable == "MAXMD_URL" and settings.portal.variable == "PORTAL_URL"


@pytest.mark.parametrize(("value", "words"), [
    ("\"https://sso.example.com\"", "a list"),
    ("[\"not a url\"]", "not a web address"),
    ("[\"http://sso.example.com\"]", "plain http"),
])
def test_a_bad_trusted_origin_is_named(tmp_path: Path, value: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(_config(tmp_path, f"sites:\n  trusted_origins: {value}\n"), environ=ENV, dotenv_path=None)
    assert "sites.trusted_origins" in str(caught.value) and words in str(caught.value)
