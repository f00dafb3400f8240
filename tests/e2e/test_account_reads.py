"""UserAccountPage's reads after a Save (in the page's own script world) against Playwright's own reads,
and the Save's answer however late the portal writes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route

from pages.errors import FoundMany
from pages.locators import Selectors
from pages.account import UserAccountPage
from robot.errors import NotThere, SessionExpired

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


def test_read_back_of_a_field_found_twice_fails_naming_its_key(page: Page) -> None:
    page.set_content(SECTION.format(emergency="", poll=PLAIN_POLL, email="") + "<label for=d2>Direct Address</label> <input id=d2>")
    with pytest.raises(FoundMany, match=r"\(portal\.account\.direct_address\) matches 2 elements where one is needed"):
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


def test_words_that_say_both_saved_and_refused_are_no_answer_to_guess_from(page: Page) -> None:
    answer = _portal(page, "<div role=status>Saved.</div><div role=alert>Direct Address is already in use</div>").save()
    assert (answer.confirmation, answer.errors) == ("", "")
    assert "Saved." in answer.unknown and "already in use" in answer.unknown


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


# --- the Save's answer in place, whatever carries it -------------------------------------------------------

def _in_place(page: Page, answer_js: str, *, extra: str = "", inside: str = "") -> UserAccountPage:
    """An account form whose Save never loads a page: a script answers after a moment, as an XHR would.
    ``extra`` goes after the form, ``inside`` at its end."""
    form = (f"<form id=f>{SECTION.format(emergency='', poll=PLAIN_POLL, email='')}{inside}<button id=s>Save</button></form>{extra}"
            f"<div id=out></div><script>document.getElementById('f').addEventListener('submit', ev => {{"
            f" ev.preventDefault(); setTimeout(() => {{ {answer_js} }}, 150); }});</script>")
    page.set_content(f"<!doctype html><html><body>{form}</body></html>")
    return UserAccountPage(page, Selectors())


def _write(html: str) -> str:
    return f"document.getElementById('out').innerHTML = {html!r};"


@pytest.mark.parametrize(("shown", "confirmation", "errors"), [
    ('<div class="alert alert-success" role="alert">User account saved.</div>', "User account saved.", ""),
    ('<div role="status">The Direct password is invalid.</div>', "", "The Direct password is invalid."),
    ('<div class="toast show" aria-live="polite"><div class="toast-body">Changes have been saved</div></div>', "Changes have been saved", ""),
    ('<span class="invalid-feedback" style="display:block">Direct Address is required.</span>', "", "Direct Address is required."),
    # A box of the portal's own, known only by a word in its class, or by nothing at all: new words in place.
    ('<div class="summary-err">The account could not be saved at this time</div>', "", "The account could not be saved at this time"),
])
def test_an_answer_in_place_is_judged_by_its_words_not_its_role(page: Page, shown: str, confirmation: str, errors: str) -> None:
    answer = _in_place(page, _write(shown)).save()
    assert (answer.confirmation, answer.errors, answer.unknown) == (confirmation, errors, "")
    assert answer.new_page is False


def test_words_that_say_neither_are_unknown_never_a_guess(page: Page) -> None:
    account = _in_place(page, _write('<div role="status">Request received.</div>'))
    account._retry = type(account._retry)(timeout_s=2)
    answer = account.save()
    assert (answer.confirmation, answer.errors, answer.unknown) == ("", "", "Request received.")


def test_a_message_that_was_there_before_save_is_no_answer(page: Page) -> None:
    old = '<div role="alert">Welcome back! Last sign-in failed.</div>'
    answer = _in_place(page, _write('<div role="alert">User account saved.</div>'), extra=old).save()
    assert answer.confirmation == "User account saved."


MODAL = """<div id=m role=dialog aria-modal=true style="display:none"><p>Save changes to this user account?</p>
<button id=no>Cancel</button> <button id=yes>Save changes</button></div>
<script>
document.getElementById('f').addEventListener('submit', ev => { ev.preventDefault(); ev.stopImmediatePropagation();
  document.getElementById('m').style.display = 'block'; }, true);
document.getElementById('yes').addEventListener('click', () => { document.getElementById('m').style.display = 'none';
  setTimeout(() => document.getElementById('out').innerHTML = '<div role=alert>User account saved.</div>', 100); });
</script>"""


def test_an_html_modal_that_asks_to_confirm_the_save_is_confirmed(page: Page) -> None:
    answer = _in_place(page, "", extra=MODAL).save()
    assert answer.confirmation == "User account saved."


def test_a_modal_that_is_not_about_saving_is_not_confirmed_but_read(page: Page) -> None:
    other = MODAL.replace("Save changes to this user account?", "Your password could not be verified.")
    answer = _in_place(page, "", extra=other).save()
    assert answer.errors.startswith("Your password could not be verified.")
    assert page.locator("#out").inner_text() == ""  # nothing was confirmed


def test_a_javascript_confirm_about_saving_is_accepted_and_its_alert_is_the_answer(page: Page) -> None:
    answer = _in_place(page, "if (confirm('Save changes?')) alert('User account saved.');").save()
    assert (answer.confirmation, answer.dialog) == ("User account saved.", True)


def _into_form(html: str) -> str:
    return f"document.getElementById('f').insertAdjacentHTML('beforeend', {html!r});"


def test_words_new_in_the_form_are_the_answer_where_no_message_box_is(page: Page) -> None:
    account = _in_place(page, _into_form('<p class="x9"><span>Changes were saved successfully</span></p>'))
    page.get_by_label("Direct Address").fill("ada@direct.example.com")  # the robot typed in this form
    assert account.save().confirmation == "Changes were saved successfully"


def test_words_that_were_in_the_form_before_save_are_no_answer(page: Page) -> None:
    old = '<p class="x9">Last saved by you: never. Fix any error before you save.</p>'
    account = _in_place(page, _into_form('<p class="x9">User account saved.</p>'), inside=old)
    page.get_by_label("Direct Address").fill("ada@direct.example.com")
    answer = account.save()
    assert (answer.confirmation, answer.errors) == ("User account saved.", "")


def test_new_words_outside_the_form_in_no_message_box_are_no_answer(page: Page) -> None:
    """A clock or a chat widget elsewhere on the page never answers a Save: no answer is unknown, not a guess."""
    account = _in_place(page, _write('<p class="x9">Data updated 10:31:06</p>'))
    page.get_by_label("Direct Address").fill("ada@direct.example.com")
    account._retry = type(account._retry)(timeout_s=2)
    with pytest.raises(NotThere):
        account.save()
