"""UserAccountPage's reads after a Save (in the page's own script world) against Playwright's own reads,
and the Save's answer however late the portal writes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route

from pages.locators import Selectors
from pages.portal import UserAccountPage
from robot.errors import SessionExpired

pytestmark = pytest.mark.e2e

SECTION = """
<h2>User Account Information</h2>
<label for=n>Display Name</label> <input id=n value="Dr. Ada Lovelace">
<label for=f>First Name</label> <input id=f value="Ada">
<label for=l>Last Name</label> <input id=l value="Lovelace">
<label for=e>Email Address</label> <input id=e type=email value="{email}">
<label><input type=checkbox {emergency}> Allow Emergency Access</label>
{poll}
<label for=d>Direct Address</label> <input id=d value="ada@direct.example.com">
"""
PLAIN_POLL = "<label><input type=checkbox checked> Poll Direct Mailbox</label>"
ARIA_POLL = '<span role=checkbox aria-checked="{state}" aria-label="Poll Direct Mailbox" tabindex=0></span>'


@pytest.mark.parametrize("emergency", ["", "checked"])
@pytest.mark.parametrize("poll", [PLAIN_POLL, ARIA_POLL.format(state="true"), ARIA_POLL.format(state="false")])
@pytest.mark.parametrize("email", ["ada@example.com", ""])
def test_read_back_reads_what_playwrights_own_reads_read(page: Page, emergency: str, poll: str, email: str, monkeypatch) -> None:
    page.set_content(SECTION.format(emergency=emergency, poll=poll, email=email))
    account = UserAccountPage(page, Selectors())
    expected = {names: account.read(names) for names in [(), ("first_name", "email"), None]}
    # Plain form controls and ARIA checkboxes are read by the page's own scripts, never by the fallback.
    monkeypatch.setattr(account, "read", lambda names=None: pytest.fail("read_back fell back to read"))
    for names, state in expected.items():
        assert account.read_back(names) == state
    assert account.read_back().emergency_access is bool(emergency)
    assert account.read_back().names.email == email


def test_read_back_of_a_field_found_twice_fails_as_playwright_does(page: Page) -> None:
    page.set_content(SECTION.format(emergency="", poll=PLAIN_POLL, email="") + "<label for=d2>Direct Address</label> <input id=d2>")
    with pytest.raises(PlaywrightError, match="strict mode violation"):
        UserAccountPage(page, Selectors()).read_back()


def _portal(page: Page, answer_page: str) -> UserAccountPage:
    """An account form at portal.test whose Save posts to a page that answers with ``answer_page``."""
    form = f"<form method=post action=/saved>{SECTION.format(emergency='', poll=PLAIN_POLL, email='')}<button>Save</button></form>"

    def serve(route: Route) -> None:
        body = answer_page if route.request.method == "POST" else form
        route.fulfill(status=200, content_type="text/html", body=f"<!doctype html><html><body>{body}</body></html>")

    page.route("http://portal.test/**", serve)
    page.goto("http://portal.test/admin/users/1")
    return UserAccountPage(page, Selectors())


def test_a_confirmation_written_late_by_a_script_is_waited_for(page: Page) -> None:
    late = "<div role=status></div><script>setTimeout(() => document.querySelector('[role=status]').textContent = 'Saved.', 400)</script>"
    answer = _portal(page, late).save()
    assert (answer.confirmation, answer.errors) == ("Saved.", "")


def test_an_alert_on_the_page_after_save_is_the_portals_refusal(page: Page) -> None:
    answer = _portal(page, "<div role=status>Saved.</div><div role=alert>Direct Address is already in use</div>").save()
    assert (answer.confirmation, answer.errors) == ("", "Direct Address is already in use")


def test_a_confirmation_on_the_page_after_save_is_read_at_once(page: Page) -> None:
    answer = _portal(page, "<div role=status> Changes saved </div>").save()
    assert (answer.confirmation, answer.errors) == ("Changes saved", "")


@pytest.mark.parametrize("notice", ["<div role=alert>Your session has expired. Please sign in again.</div>",
                                    "<div role=status>You have been logged out.</div>", ""])
def test_a_save_that_lands_on_the_login_page_is_an_expired_session_not_an_answer(page: Page, notice: str) -> None:
    login = (f"{notice}<form><label for=u>Username</label><input id=u><label for=p>Password</label>"
             "<input id=p type=password><button>Sign in</button></form>")
    with pytest.raises(SessionExpired):
        _portal(page, login).save()
