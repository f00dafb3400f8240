"""The account page's Save where a single-page app or a frameset puts things: the form in a frame and its
answer (a toast that goes in 3 seconds) in the page around it, a confirm modal in a shadow root, and a
question that is not about saving, which is answered no and named."""

from __future__ import annotations

import html as markup

import pytest
from playwright.sync_api import Page

from pages.account import UserAccountPage
from pages.locators import Selectors

pytestmark = pytest.mark.e2e

FORM = """<h2>User Account Information</h2>
<p>Username <b>1234567893</b></p>
<label for=d>Direct Address</label> <input id=d value="jane@direct.example.com">
<button id=save>Save</button>"""

# The form in an iframe; Save asks in a modal (drawn in the frame), then the top page shows a toast for 3 s.
FRAMED = """<!doctype html><body><nav>Portal</nav><div id=toasts></div>
<iframe style="width:900px;height:600px" srcdoc="{form}"></iframe>
<script>
window.toast = (words) => {{
  const t = document.createElement('div'); t.className = 'toast'; t.textContent = words;
  document.getElementById('toasts').appendChild(t); setTimeout(() => t.remove(), 3000);
}};
</script></body>"""
FRAME_SCRIPT = """<script>
document.getElementById('save').onclick = (ev) => {{
  ev.preventDefault();
  const m = document.createElement('div'); m.setAttribute('role', 'dialog');
  m.innerHTML = '{question} <button id=no>{no}</button> <button id=yes>{yes}</button>';
  document.body.appendChild(m);
  m.querySelector('#yes').onclick = () => {{ m.remove(); setTimeout(() => parent.toast('User account saved.'), 300); }};
  m.querySelector('#no').onclick = () => {{ m.remove(); window.refused = true; }};
}};
</script>"""


def _framed(page: Page, question: str, no: str = "Cancel", yes: str = "Save changes") -> None:
    inner = FORM + FRAME_SCRIPT.format(question=question, no=no, yes=yes)
    page.set_content(FRAMED.format(form=markup.escape(inner)))
    page.frames[1].locator("#save").wait_for()


def test_a_save_in_a_frame_is_confirmed_there_and_its_toast_in_the_top_page_read_before_it_goes(page: Page):
    _framed(page, "Save changes to this user account?")
    account = UserAccountPage(page, Selectors())
    assert account.here() == page.frames[1]
    answer = account.save()
    assert answer.confirmation == "User account saved." and not answer.errors


def test_a_question_about_something_else_is_answered_no_and_named(page: Page):
    _framed(page, "Also send this user a welcome e-mail now?", no="No", yes="Yes")
    answer = UserAccountPage(page, Selectors()).save()
    assert not answer.confirmation
    assert answer.errors == ('The portal asked "Also send this user a welcome e-mail now?"; the robot answered "No" '
                             "(it confirms only a question about saving).")
    assert page.frames[1].evaluate("window.refused") is True


def test_a_confirm_modal_in_a_shadow_root_with_slotted_buttons_is_confirmed(page: Page):
    """A web component's dialog: its panel (role=dialog) in its shadow root, its words and buttons slotted from outside."""
    page.set_content("""<!doctype html><body>""" + FORM + """
<x-dialog id=dlg hidden>Save changes to this user account?<button slot=footer id=no>Cancel</button><button slot=footer id=yes>Save changes</button></x-dialog>
<div id=out role=status></div>
<script>
customElements.define('x-dialog', class extends HTMLElement { constructor() { super();
  this.attachShadow({mode: 'open'}).innerHTML = '<div role=dialog aria-modal=true><slot></slot><footer><slot name=footer></slot></footer></div>'; } });
document.getElementById('save').onclick = () => { document.getElementById('dlg').hidden = false; };
document.getElementById('yes').onclick = () => { document.getElementById('dlg').hidden = true;
  document.getElementById('out').textContent = 'User account saved.'; };
</script></body>""")
    answer = UserAccountPage(page, Selectors()).save()
    assert answer.confirmation == "User account saved."


def test_an_account_in_a_frame_that_reloads_on_its_own_is_read(page: Page):
    """A frame that loads its document again every half second (a portal's keep-alive): each look finds it anew."""
    inner = FORM.replace("<button id=save>Save</button>", "<label><input type=checkbox> Allow Emergency Access</label>"
                         "<label><input type=checkbox checked> Poll Direct Mailbox</label>")
    inner += "<script>setTimeout(() => location.reload(), 500)</script>"
    page.set_content(f'<!doctype html><body><iframe style="width:900px;height:600px" srcdoc="{markup.escape(inner)}"></iframe></body>')
    account = UserAccountPage(page, Selectors())
    for _ in range(4):  # over two seconds: several of the frame's own reloads
        account.wait_for_account_information()
        assert account.read(()).direct_address == "jane@direct.example.com"
        assert account.is_account_of("1234567893")
        page.wait_for_timeout(400)  # the test's own pacing between looks, not the robot's
