"""Issue 24, messages by cause and ``--only`` means only, in a real headless Chromium against the sandbox:
each case is judged by what the sandbox's server saw (its request log, its accounts), not by the page alone."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page
from robot_helpers import run_robot, sandbox_settings, snapshot

from pages.base import Retry
from pages.errors import PageAnswered
from pages.locators import Selectors
from pages.portal import PortalLoginPage, PortalNavigation
from robot import rules
from robot.browser import choose_browser
from robot.check import check
from robot.sandbox import SEEDED_NPIS, Sandbox
from robot.settings import Settings, Site

LINDQVIST, ORTIZ, PARK = SEEDED_NPIS["Marcus Lindqvist"], SEEDED_NPIS["Samuel Ortiz"], SEEDED_NPIS["Helen Park"]
UNKNOWN = "1245319599"  # passes the check digit; neither site has it


def accounts_opened(sb: Sandbox) -> set[str]:
    """The usernames whose account page the portal served or was sent (GET or POST), by its request log."""
    prefix = "/admin/users/"
    return {r[2][len(prefix):].split("?")[0] for r in sb.requests if r[0] == "portal" and r[2].startswith(prefix)}


def test_only_opens_no_account_but_the_one_asked_for(tmp_path: Path) -> None:
    # MaxMD shows Samuel Ortiz without an NPI: a full run opens the unmatched accounts to read their names.
    with Sandbox() as sb:
        run = run_robot(sb, tmp_path, capture=True, only=frozenset({LINDQVIST}))
        assert run.result.exit_code == 0, run.record["error"]
        assert accounts_opened(sb) == {LINDQVIST}
        assert [p["npi"] for p in run.record["providers"]] == [LINDQVIST]


def test_a_provider_matched_by_name_is_handled_under_only_when_its_npi_is_asked_for(tmp_path: Path) -> None:
    with Sandbox() as sb:
        run = run_robot(sb, tmp_path, capture=True, only=frozenset({ORTIZ}))
        assert run.result.exit_code == 0, run.record["error"]
        assert run.status(ORTIZ) == "configured"
        assert sb.state.account(ORTIZ).poll_direct
        assert accounts_opened(sb) == {ORTIZ}, "Helen Park's account (unmatched too) was opened"


@pytest.mark.parametrize("flag", ["only", "force"])
def test_an_npi_neither_site_lists_stops_the_run_with_exit_2_naming_it(tmp_path: Path, flag: str) -> None:
    with Sandbox() as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path, capture=True, **{flag: frozenset({UNKNOWN})})
        assert run.result.exit_code == 2
        error = run.record["error"]
        assert f"--{flag} {UNKNOWN}" in error and "neither MaxMD nor the portal lists" in error, error
        assert accounts_opened(sb) == set(), "no account is opened for an NPI nobody lists"
        assert snapshot(sb) == before
        assert run.record["providers"] == []


@pytest.mark.alone  # timed against the clock: another test beside it would take its CPU
@pytest.mark.parametrize("site", ["maxmd", "portal"])
def test_a_login_page_that_answers_404_is_named_with_its_address_and_not_retried(tmp_path: Path, site: str) -> None:
    with Sandbox() as sb:
        real = sb.maxmd_url if site == "maxmd" else sb.portal_url
        wrong = real.replace("/login", "/logn")
        started = time.monotonic()
        run = run_robot(sb, tmp_path, capture=True, **{f"{site}_url": wrong})
        took = time.monotonic() - started
        assert run.result.exit_code == 2
        error = run.record["error"]
        variable = "MAXMD_URL" if site == "maxmd" else "PORTAL_URL"
        assert wrong in error and "HTTP 404" in error and "Page Not Found" in error and variable in error, error
        assert "selectors.yaml" not in error and "locator" not in error, error
        asked = [r for r in sb.requests if r[0] == site and r[2].startswith("/logn")]
        assert asked == [(site, "GET", "/logn", 404)], "a 4xx will not change: asked for once"
        assert took < 15, f"{took:.1f} s"
        assert any("failed" in p["caption"] or p["kind"] == "failure" for p in run.record["practice"]["pictures"])
        index = (tmp_path / "index.html").read_text()
        assert "HTTP 404" in index and "selectors.yaml" not in index


@pytest.mark.alone  # timed against the clock: another test beside it would take its CPU
def test_a_screen_that_answers_404_after_a_click_is_named_at_once_not_waited_for(page: Page, sandbox: Sandbox) -> None:
    login = PortalLoginPage(page, Selectors(), Retry(timeout_s=10))
    login.open(sandbox.portal_url)
    assert login.log_in(sandbox.portal_username, sandbox.portal_password)
    # The menu's User Accounts now leads to a page this portal does not have.
    page.evaluate("() => document.querySelectorAll('a[href=\"/admin/users\"]').forEach(a => a.href = '/admin/no-such-page')")
    started = time.monotonic()
    with pytest.raises(PageAnswered) as caught:
        PortalNavigation(page, Selectors(), Retry(timeout_s=10)).open_user_accounts()
    assert time.monotonic() - started < 5, "named at once, not after the step's 10 s"
    message = str(caught.value)
    assert caught.value.status == 404 and "/admin/no-such-page" in message and "Page Not Found" in message, message
    assert "User Accounts search" in message and "selectors.yaml" not in message
    assert [r for r in sandbox.requests if r[2] == "/admin/no-such-page"] == [("portal", "GET", "/admin/no-such-page", 404)]


def with_override(tmp_path: Path, key: str = "portal.account.direct_address", selector: str = "css=#direct") -> Settings:
    """A wrong override (the issue's, by default) on line 2 of selectors.yaml; short waits, one retry."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "robot.yaml").write_text("run: {timeout_seconds: 2, retries: 1}\n")
    (config / "selectors.yaml").write_text(f"# my site's own words\n{key}: {selector}\n")
    return sandbox_settings(config)


def named_where_written(message: str, tmp_path: Path, key: str = "portal.account.direct_address",
                        selector: str = "css=#direct") -> None:
    assert key in message and selector in message, message
    assert f"{tmp_path / 'config' / 'selectors.yaml'} line 2" in message and "fix that line" in message, message
    assert "Timeout" not in message and "Locator." not in message and "unexpected error" not in message, message


def test_an_override_that_finds_nothing_fails_the_provider_naming_its_key_selector_and_line(tmp_path: Path) -> None:
    with Sandbox() as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path / "runs", settings=with_override(tmp_path), capture=True, only=frozenset({LINDQVIST}))
        assert run.result.exit_code == 1, run.record["error"]
        lindqvist = run.provider(LINDQVIST)
        assert lindqvist["status"] == "failed"
        named_where_written(lindqvist["error"], tmp_path)
        assert LINDQVIST in lindqvist["error"] and "step '11 User Account Information'" in lindqvist["error"]
        assert [p for p in lindqvist["pictures"] if p["kind"] == "failure"], lindqvist["pictures"]
        assert snapshot(sb) == before
        assert accounts_opened(sb) == {LINDQVIST}


def test_an_override_that_finds_nothing_while_matching_by_name_stops_the_run_naming_it(tmp_path: Path) -> None:
    # Samuel Ortiz shows no NPI in MaxMD: a full run reads the unmatched accounts' names first.
    with Sandbox() as sb:
        before = snapshot(sb)
        run = run_robot(sb, tmp_path / "runs", settings=with_override(tmp_path), capture=True)
        assert run.result.exit_code == 2
        error = run.record["error"]
        named_where_written(error, tmp_path)
        assert "11 names for a match by name" in error and (ORTIZ in error or PARK in error), error
        assert [p for p in run.record["practice"]["pictures"] if p["kind"] == "failure"]
        assert snapshot(sb) == before


def test_check_names_a_login_page_that_answers_404_by_its_address(sandbox: Sandbox, tmp_path: Path, capsys) -> None:
    wrong = sandbox.portal_url.replace("/login", "/logn")
    with ThreadPoolExecutor(max_workers=1) as pool:  # beside pytest-playwright's own sync API
        code, _ = pool.submit(
            check, sandbox_settings(), tmp_path, choose_browser(),
            maxmd=Site("MaxMD", sandbox.maxmd_url, sandbox.maxmd_username, sandbox.maxmd_password),
            portal=Site("portal", wrong, sandbox.portal_username, sandbox.portal_password),
        ).result()
    out = capsys.readouterr().out
    assert code == 2
    error = next(line for line in out.splitlines() if line.startswith("error: "))
    assert wrong in error and "HTTP 404" in error and "PORTAL_URL" in error, error


def test_an_account_page_that_answers_404_fails_that_provider_at_once_and_the_others_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    okafor = SEEDED_NPIS["Jane Okafor"]
    with Sandbox() as sb:
        plan = rules.plan

        def gone_after_the_search(*args, **kwargs):  # the account is deleted between the search and its opening
            del sb.state.accounts[LINDQVIST]
            return plan(*args, **kwargs)

        monkeypatch.setattr(rules, "plan", gone_after_the_search)
        run = run_robot(sb, tmp_path, capture=True, only=frozenset({LINDQVIST, okafor}))
        assert run.result.exit_code == 1, run.record["error"]
        error = run.provider(LINDQVIST)["error"]
        assert run.provider(LINDQVIST)["status"] == "failed"
        assert f"/admin/users/{LINDQVIST}" in error and "HTTP 404" in error and "Page Not Found" in error, error
        assert "attempts" not in error and "selectors.yaml" not in error, error
        assert [r for r in sb.requests if r[2] == f"/admin/users/{LINDQVIST}"] == [("portal", "GET", f"/admin/users/{LINDQVIST}", 404)]
        assert run.status(okafor) == "configured"


@pytest.mark.parametrize(("key", "selector", "step"), [
    ("portal.account.section", "css=#account-info", "10 open account"),  # awaited after a click, not acted on
    ("portal.users.search", "text=Find", "9 Search"),  # before any provider: the run stops
    ("maxmd.details.workflow_status", "css=#workflow-status-link", "3 Details"),
])
def test_any_override_that_finds_nothing_is_named_with_its_line_and_step(tmp_path: Path, key: str, selector: str,
                                                                         step: str) -> None:
    with Sandbox() as sb:
        run = run_robot(sb, tmp_path / "runs", settings=with_override(tmp_path, key, selector), capture=True,
                        only=frozenset({LINDQVIST}))
        if key.startswith("portal.account."):
            assert run.result.exit_code == 1, run.record["error"]
            message, pictures = run.provider(LINDQVIST)["error"], run.provider(LINDQVIST)["pictures"]
        else:
            assert run.result.exit_code == 2
            message, pictures = run.record["error"], run.record["practice"]["pictures"]
        named_where_written(message, tmp_path, key, selector)
        assert f"step '{step}'" in message, message
        assert [p for p in pictures if p["kind"] == "failure"], pictures


def test_an_override_that_finds_several_controls_fails_the_provider_naming_its_line_not_the_browser(tmp_path: Path) -> None:
    with Sandbox() as sb:
        before = snapshot(sb)
        settings = with_override(tmp_path, "portal.account.direct_address", "css=input[type=text]")
        run = run_robot(sb, tmp_path / "runs", settings=settings, capture=True, only=frozenset({LINDQVIST}))
        assert run.result.exit_code == 1, run.record["error"]
        error = run.provider(LINDQVIST)["error"]
        assert "portal.account.direct_address" in error and "css=input[type=text]" in error, error
        assert f"{tmp_path / 'config' / 'selectors.yaml'} line 2" in error and "where one is needed" in error, error
        assert "strict mode" not in error and "the browser failed" not in error, error
        assert [p for p in run.provider(LINDQVIST)["pictures"] if p["kind"] == "failure"]
        assert snapshot(sb) == before
