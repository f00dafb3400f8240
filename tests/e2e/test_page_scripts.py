"""Each page script (pages/js/*.js) in a real Chromium, in three places a screen may be: the top document,
an iframe, and inside an open shadow root (a web component's). The same markup is put in each; what
each script answers must not depend on where it is."""

from __future__ import annotations

import html as markup
import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from pages import scripts
from pages.base import Screen
from pages.locators import EMAIL_PATTERN, ENTRY_ATTRIBUTE, Selectors
from pages.scripts import script

pytestmark = pytest.mark.e2e

PLACES = ("top", "frame", "shadow")
_NOT_PLACED = {"deep", "landmark", "cookie_banner"}  # libraries (and a selector engine): tested through what uses them

ACCOUNT = """<h2>User Account Information</h2>
<section><div><div><span>Username</span> <b>1234567893</b></div></div></section>
<label for=n>Display Name</label> <input id=n name=display value="Jane Okafor">
<label for=p>Change Password</label> <input id=p type=password value="pw-secret">
<label><input id=ea type=checkbox checked> Allow Emergency Access</label>
<label for=d>Direct Address</label> <input id=d name=direct value="jane@direct.example.com">
<select id=at><option value=1>Patient</option><option value=7>Clinicians</option></select>
<div role=status class=msg>Ready.</div>
<form id=f><input id=typed value="x"><p class=note>Before</p></form>
<div role=dialog id=dlg hidden>Save changes to this user account? <button>Cancel</button> <button>Save</button></div>
<div id=scroller style="height:60px; overflow-y:auto"><p>a</p><p>b</p><p>c</p><p>d</p><p id=last>e</p></div>
"""
# A workflow list and a page of search results.
LISTS = """<h2>Status of provisioning workflows</h2>
<ul><li>Jane Okafor 1234567893 <span class=box>jane@direct.example.com</span></li>
<li>Ravi Shah 1245319599 <span class=box>ravi@direct.example.com</span></li>
<li>Ann Lee (no NPI yet)</li></ul>
<p>Results: <a href="/u/1">Open</a> <a href="javascript:void 0">Other</a>
<button class=pager>Next page</button> <button class=pager disabled>Previous</button></p>
"""


def _place(page: Page, where: str, html: str = ACCOUNT) -> Page | Frame:
    """``html`` in the top document, in an iframe, or in a web component's open shadow root; where scripts run."""
    if where == "top":
        page.set_content(f"<!doctype html><title>Account</title><body>{html}</body>")
        return page
    if where == "frame":
        page.set_content(f"<!doctype html><title>Shell</title><body><h1>Portal</h1>"
                         f'<iframe style="width:900px;height:1400px" srcdoc="{markup.escape(html)}"></iframe></body>')
        page.locator("iframe").content_frame.locator("body").wait_for()
        return page.frames[1]
    global _HOSTS
    _HOSTS += 1  # a page's custom elements outlive set_content: each markup gets an element of its own
    tag = f"x-account-{_HOSTS}"
    page.set_content(f"<!doctype html><title>Account</title><body><{tag}></{tag}><script>"
                     f"customElements.define('{tag}', class extends HTMLElement {{ constructor() {{ super();"
                     f" this.attachShadow({{mode: 'open'}}).innerHTML = {json.dumps(html)}; }} }});</script></body>")
    return page


_HOSTS = 0


@pytest.fixture(params=PLACES)
def placed(request: pytest.FixtureRequest, page: Page) -> tuple[Page | Frame, str]:
    return _place(page, request.param), request.param


def test_every_script_file_loads_as_one_function_or_library(page: Page):
    for name in scripts.names():
        kind = page.evaluate(f"typeof ({script(name)})")
        assert kind == ("object" if name in _NOT_PLACED else "function"), name


def test_every_script_is_used_by_the_robot_and_tested_here():
    import pathlib

    code = "".join(p.read_text() for folder in ("pages", "robot") for p in pathlib.Path(folder).glob("*.py"))
    js = "".join(p.read_text() for p in scripts.FOLDER.glob("*.js"))
    tests = pathlib.Path(__file__).read_text()
    for name in scripts.names():
        assert f'script("{name}")' in code or f'fetched("{name}")' in code or f"uses: {name}" in js or f", {name}" in js, name
        assert name in _NOT_PLACED or f'script("{name}")' in tests, name


def test_shows_username(placed):
    scope, _ = placed
    assert scope.evaluate(script("shows_username"), "1234567893") is True
    assert scope.evaluate(script("shows_username"), "1245319599") is False
    assert scope.evaluate(script("shows_username"), "123456789") is False  # a part of it is not it


def test_visible_texts_and_shows(placed):
    scope, where = placed
    assert scope.get_by_role("status").evaluate_all(script("visible_texts")) == ["Ready."]
    said = scope.evaluate(script("shows"), ["[role=status]"])
    assert 'heading "User Account Information"' in said and 'message "Ready."' in said


GATE = """<h1>Two-step verification</h1><p>Enter the 6-digit code from your authenticator app.</p>
<label for=c>Verification code</label><input id=c autocomplete=one-time-code><button>Verify</button>
<a href="#">Use a text message instead</a><input type=hidden name=next value=/>
<div role=dialog><button>Not now</button></div><iframe title="reCAPTCHA" src="about:blank?size=invisible"></iframe>"""


def test_after_login_sees_the_words_buttons_and_fields_wherever_the_page_is(page: Page):
    for where in PLACES:
        seen = _place(page, where, GATE).evaluate(script("after_login"))
        assert "Enter the 6-digit code from your authenticator app." in seen["words"], where
        assert seen["buttons"] == ["Verify", "Use a text message instead", "Not now"], where
        assert seen["dialog_buttons"] == ["Not now"] and seen["fields"] == 1, where
        assert seen["password_field"] is False and seen["captcha_frame"] is False, where  # an invisible widget asks nothing


def test_the_cookie_banner_engine_finds_the_banner_itself_and_no_page_that_mentions_cookies(playwright, browser):
    from pages.gate import cookie_banner, register_cookie_engine

    register_cookie_engine(playwright)  # as robot.browser.launch does, before the context
    page = browser.new_context().new_page()
    page.set_content("<div id=app><form><input><button>Continue</button></form><footer><a href=#>Cookie policy</a></footer>"
                     "<div class=consent-wrap><div id=cookie-bar>We use cookies. <a href=#>Manage</a> <button>Reject</button>"
                     "<button>Accept all</button></div></div></div>")
    banner, answer = cookie_banner(page, ["Continue", "OK", "Accept all", "Remind me later"])
    assert banner.get_attribute("id") == "cookie-bar"  # the innermost block, never the page's wrapper
    assert answer().inner_text() == "Accept all"  # never the form's Continue, nor Reject
    page.set_content("<div id=app><form><input><button>Continue</button></form><footer>Cookie policy</footer></div>"
                     "<div role=dialog>Sign in <input type=password><button>OK</button> cookies</div>")
    assert banner.count() == 0


def test_question_and_modals_ask(placed):
    scope, _ = placed
    scope.get_by_role("status").evaluate("e => e.getRootNode().getElementById('dlg').hidden = false")
    text, buttons = scope.evaluate(script("modals_ask"), ["[role=dialog]", "data-robot-confirm"])
    assert text == "Save changes to this user account?" and buttons == ["Cancel", "Save"]
    scope.locator("[data-robot-confirm='1']").click()  # the button numbered 1 is Save
    assert scope.locator("[role=dialog]").get_attribute("data-robot-seen").startswith("Save changes")
    modal = scope.locator("[role=dialog]")
    assert modal.evaluate_all(script("question"), "data-robot-confirm")[1] == ["Cancel", "Save"]


def test_messages_marked_before_save_and_new_words_after(placed):
    scope, _ = placed
    scope.locator("#typed").focus()
    scope.evaluate(script("mark_messages"), "[role=status], [role=dialog]")
    assert scope.evaluate(script("answer_by_css"), ["[role=status]", "[role=dialog]"]) == [[], False, False]
    scope.locator("[role=status]").evaluate("e => { e.textContent = 'User account saved.'; }")
    scope.evaluate(script("unmark_changed"))
    texts, asks, moved = scope.evaluate(script("answer_by_css"), ["[role=status]", "[role=dialog]"])
    assert (texts, asks, moved) == (["User account saved."], False, False)
    # Words new in the form the robot typed in, where no message box has any.
    scope.locator("[role=status]").evaluate_all(script("mark_seen"))
    scope.locator(".note").evaluate("e => { e.textContent = 'Changes applied'; }")
    assert scope.evaluate(script("answer_by_css"), ["[role=status]", "[role=dialog]"])[0] == ["Changes applied"]
    assert scope.evaluate(script("new_words")) == ["Changes applied"]
    words_shown = script("words_shown")
    assert "Changes applied" in scope.locator("#f").evaluate(f"f => [...({words_shown})(f)]")
    assert scope.locator(".msg").evaluate_all(script("answer_texts"), "[role=dialog]")[0] == ["User account saved."]


def test_box_of_is_in_top_page_coordinates(placed, page: Page):
    scope, where = placed
    box = scope.evaluate(script("box_by_css"), ["[role=status]", "Ready."])
    same = scope.locator("[role=status]").evaluate_all(script("box_of"), "Ready.")
    real = scope.locator("[role=status]").bounding_box()  # Playwright's: the top page's viewport
    assert box == same and abs(box["x"] - real["x"]) < 1 and abs(box["y"] - real["y"] - page.evaluate("scrollY")) < 1
    rects = scope.locator("[role=status]").evaluate_all(script("rects"))
    assert abs(rects[0]["y"] - box["y"]) < 1


def test_landmarks_scripts(placed):
    scope, where = placed
    learned = scope.get_by_label("Direct Address").evaluate_all(script("learn"))
    path, sig, alone = learned[0]
    assert sig == "input/:direct address"
    assert alone is (where != "shadow")  # a control in a shadow root has no plain path to be found again by
    if where != "shadow":
        secret = scope.get_by_label("Change Password").evaluate_all(script("learn"))[0][:2]
        # Read by its spot; the secret only found (never read); both stand at their ids, to be acted on by them.
        assert scope.evaluate(script("read_spots"), [{"d": [path, sig]}, {"p": secret}]) == \
            {"values": {"d": ["jane@direct.example.com", None]}, "at": ["d", "p"]}
        assert scope.evaluate(script("read_spots"), [{"d": [path, "input/:another label"]}, {}]) is None
        title = scope.get_by_role("heading").evaluate_all(script("learn"))[0][:2]
        assert scope.evaluate(script("account_of"), [title, "1234567893"]) == [True, True]
        name = scope.get_by_label("Display Name").evaluate_all(script("learn"))[0][:2]
        band = scope.evaluate(script("band_and_cover"), [[title, [path, sig]], [name, ["#gone", "input/:gone"]], [], "#123456", 12, True])
        assert band["clip"]["height"] > 40 and band["widened"] == 0
    assert scope.get_by_label("Direct Address").evaluate_all(script("values")) == ["jane@direct.example.com"]
    assert scope.get_by_label("Allow Emergency Access").evaluate_all(script("checks")) == [True]
    assert scope.get_by_label("Direct Address").evaluate(script("value_of")) == "jane@direct.example.com"
    assert scope.get_by_label("Allow Emergency Access").evaluate(script("checked_of")) is True


def test_every_password_box_is_covered_wherever_it_is(placed):
    scope, _ = placed
    assert scope.evaluate(script("band_and_cover"), [[], [], [], "#123456", 0, False]) == {"widened": 0}
    box = scope.locator("[data-robot-mask]").bounding_box()
    field = scope.get_by_label("Change Password").bounding_box()
    assert box is not None and field is not None and abs(box["x"] - field["x"]) < 1 and abs(box["y"] - field["y"]) < 1
    scope.get_by_label("Direct Address").evaluate_all(script("cover"), "#123456")  # the last picture's boxes go
    assert scope.locator("[data-robot-mask]").count() == 1


def test_a_box_narrower_than_its_value_is_widened_for_a_picture_and_put_back(placed, page: Page):
    scope, where = placed
    box = scope.get_by_label("Direct Address")
    long = "maximilian.wolfeschlegelsteinhausenbergerdorff@direct.brightsideeye.com"
    box.evaluate("(e, v) => { e.value = v; e.setAttribute('size', '20'); e.style.color = 'rgb(1, 2, 3)'; }", long)
    was = box.evaluate("e => [e.getAttribute('style'), e.clientWidth]")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth + 1"), "the box cuts its value off"
    assert scope.evaluate(script("widen")) == 1  # that box alone: the others show their values whole
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the whole value shows"
    assert box.evaluate("e => e.getBoundingClientRect().right") <= scope.evaluate("document.documentElement.clientWidth")
    scope.evaluate(script("unwiden"))
    assert box.evaluate("e => [e.getAttribute('style'), e.clientWidth]") == was
    assert scope.locator("[data-robot-widened]").count() == 0
    # No room to the right of it: smaller letters, never past the window's edge.
    box.evaluate("e => { e.style.marginLeft = (document.documentElement.clientWidth - 260) + 'px'; }")
    assert scope.evaluate(script("widen")) == 1
    assert box.evaluate("e => e.getBoundingClientRect().right") <= scope.evaluate("document.documentElement.clientWidth")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the whole value shows, in smaller letters"
    scope.evaluate(script("unwiden"))


def test_band_is_measured_in_top_page_coordinates(placed, page: Page):
    scope, where = placed
    band = scope.locator("h2, #d").evaluate_all(script("band"), 12)
    top = scope.locator("h2").bounding_box()["y"] + page.evaluate("scrollY")
    assert band is not None and abs(band["clip"]["y"] - (top - 12)) < 2


def test_entries_found_numbered_and_their_boxes_owned(placed, page: Page):
    scope = _place(page, placed[1], LISTS)
    assert scope.evaluate(script("find_entries"), [ENTRY_ATTRIBUTE, EMAIL_PATTERN]) == 3
    entries = scope.locator(f"[{ENTRY_ATTRIBUTE}]")
    texts = entries.evaluate_all(script("number_entries"), ENTRY_ATTRIBUTE)
    assert [re.sub(r"\s+", " ", t).strip() for t in texts] == [
        "Jane Okafor 1234567893 jane@direct.example.com", "Ravi Shah 1245319599 ravi@direct.example.com", "Ann Lee (no NPI yet)"]
    boxes = entries.locator(".box").evaluate_all(script("box_owners"), ENTRY_ATTRIBUTE)
    assert boxes == [[0, "jane@direct.example.com"], [1, "ravi@direct.example.com"]]


def test_links_and_pagers(placed, page: Page):
    scope = _place(page, placed[1], LISTS)
    links = scope.get_by_role("link").evaluate_all(script("links"))
    assert links[0][0] == "Open" and links[0][1].endswith("/u/1") and links[1] == ["Other", ""]
    assert scope.locator(".pager").evaluate_all(script("usable")) == [True, False]
    assert scope.get_by_text("Open", exact=True).first.evaluate_all(script("link_addresses"))[0].endswith("/u/1")


def test_options_scrolling_and_short_texts(placed):
    scope, where = placed
    assert scope.locator("#at").evaluate(script("option_value"), "clinician") == "7"
    assert scope.locator("#last").evaluate(script("scroll_to")) is True
    assert scope.locator("#last").evaluate(script("scroll_to")) is False  # at the end already: nothing moved
    assert "Allow Emergency Access" in scope.evaluate(script("short_texts"))


def test_marks_stamps_and_page_size(placed):
    scope, _ = placed
    scope.locator("label").evaluate_all(script("mark"), "data-robot-old")
    assert scope.locator("label[data-robot-old]").count() == 4
    scope.evaluate(script("stamp"))
    assert scope.evaluate(script("stamped")) is True
    width, height = scope.evaluate(script("page_size"))
    assert width > 0 and height > 0


def test_a_screen_finds_its_controls_in_whatever_frame_they_are(page: Page):
    """The Administration menu in the top document, the account in a nested frame: each key is found where it is."""
    inner = markup.escape(f"<!doctype html><body>{ACCOUNT}</body>")
    outer = markup.escape(f'<!doctype html><body><p>frame</p><iframe style="width:900px;height:1300px" srcdoc="{inner}"></iframe></body>')
    page.set_content(f'<!doctype html><body><nav><a href="#">Administration</a></nav>'
                     f'<iframe style="width:950px;height:1400px" srcdoc="{outer}"></iframe></body>')
    page.frames[1].locator("iframe").content_frame.locator("#d").wait_for()
    screen = Screen(page, Selectors())
    assert screen.find(screen.key("portal.nav.administration")).count() == 1
    field = screen.find(screen.key("portal.account.direct_address"))
    assert field.input_value() == "jane@direct.example.com"
    assert screen.frame_of("portal.account.direct_address") == page.frames[2]
    assert screen.shown(screen.key("portal.account.section"), 2000) is not None
    assert "User Account Information" in screen.shows()


def test_a_section_in_a_frame_whose_title_says_its_words_is_found_by_its_header(page: Page):
    """A frame's ``<title>`` saying "User Account Information", its section's header a plain ``div`` with the same
    words (an unseen rendering): the title is never a match, and a match never shown does not hide one shown."""
    section = "<div class=hdr>User Account Information</div>" + ACCOUNT.replace("<h2>User Account Information</h2>", "")
    inner = markup.escape(f"<!doctype html><title>User Account Information</title><body>{section}</body>")
    page.set_content(f'<!doctype html><title>Edit User</title><body><h1>Edit User: 1234567893</h1>'
                     f'<iframe style="width:950px;height:1400px" srcdoc="{inner}"></iframe></body>')
    page.frames[1].locator("#d").wait_for()
    screen = Screen(page, Selectors())
    found = screen.shown(screen.key("portal.account.section"), 2000)
    assert found is not None and found.count() == 1 and found.first.evaluate("e => e.className") == "hdr"
    page.frames[1].evaluate("() => document.body.insertAdjacentHTML('afterbegin', '<div hidden>User Account Information</div>')")
    assert screen.shown(screen.key("portal.account.section"), 2000) is not None  # the first match is never shown
    # The same in a page of one frame: its title and a hidden first match pass by.
    page.set_content(f"<!doctype html><title>User Account Information</title><body><div hidden>User Account Information</div>{section}</body>")
    assert screen.shown(screen.key("portal.account.section"), 2000) is not None


def test_words_a_web_component_shows_through_its_slots_are_its_own(page: Page):
    """A toast whose box (role=alert) is in the component's shadow root and whose words are slotted from outside."""
    page.set_content("<!doctype html><body><x-toast>User account <b>saved</b>.</x-toast><script>"
                     "customElements.define('x-toast', class extends HTMLElement { constructor() { super();"
                     " this.attachShadow({mode: 'open'}).innerHTML = '<div role=alert><span>✓</span> <slot></slot></div>'; } });"
                     "</script></body>")
    texts = page.locator("[role=alert]").evaluate_all(script("visible_texts"))
    assert re.sub(r"\s+", " ", texts[0]).strip() == "✓ User account saved ."
    found, modal, moved = page.evaluate(script("answer_by_css"), ["[role=alert]", "[role=dialog]"])
    assert "User account saved" in re.sub(r"\s+", " ", found[0])


def test_read_back_reads_the_page_as_the_server_sends_it(page: Page):
    """``scripts.fetched("read_back")``: the account's page fetched with the session's cookies and read by its learned
    spots, its scripts never run; null for a login form, another account's page, an error, or what is not HTML."""
    live = ACCOUNT + "<script>document.getElementById('d').value = 'set.by.script@direct.example.com'</script>"
    pages = {"/u/1": (200, "text/html", live), "/u/2": (200, "text/html", ACCOUNT.replace("1234567893", "1245319599")),
             "/u/json": (200, "application/json", '{"username": "1234567893"}'), "/u/gone": (200, "text/html", "<form>Log in</form>"), "/u/error": (500, "text/html", ACCOUNT)}
    cookies: list[str] = []

    def serve(route) -> None:
        path = route.request.url.removeprefix("http://portal.test")
        cookies.append(route.request.headers.get("cookie", ""))
        if path == "/u/slow":
            return  # never answered
        status, kind, body = pages[path]
        route.fulfill(status=status, content_type=kind, body=f"<!doctype html><body>{body}</body>" if kind == "text/html" else body)

    page.context.add_cookies([{"name": "session", "value": "s1", "url": "http://portal.test"}])
    page.route("http://portal.test/**", serve)
    page.goto("http://portal.test/u/1")
    title = page.get_by_role("heading").evaluate_all(script("learn"))[0][:2]
    direct = page.get_by_label("Direct Address").evaluate_all(script("learn"))[0][:2]
    ticked = page.get_by_label("Allow Emergency Access").evaluate_all(script("learn"))[0][:2]
    spots = {"d": direct, "ea": ticked}
    # As the window shows it, after the page's script; as the server sends it, before.
    assert page.evaluate(script("read_back"), [title, "1234567893", spots])["values"]["d"] == ["set.by.script@direct.example.com", None]
    read = page.evaluate(scripts.fetched("read_back"), ["/u/1", 5000, [title, "1234567893", spots]])
    assert read["values"] == {"d": ["jane@direct.example.com", None], "ea": ["on", True]}
    assert cookies[-1] == "session=s1"  # the session's own cookies: the page the administrator would see
    assert page.evaluate(scripts.fetched("read_back"), ["/u/2", 5000, [title, "1234567893", spots]]) is None  # another account
    assert page.evaluate(scripts.fetched("read_back"), ["/u/gone", 5000, [title, "1234567893", spots]]) is None  # a login form
    assert page.evaluate(scripts.fetched("read_back"), ["/u/error", 5000, [title, "1234567893", spots]]) is None  # an error's page
    with pytest.raises(PlaywrightError):  # given up after its time, not waited for without end
        page.evaluate(scripts.fetched("read_back"), ["/u/slow", 300, [title, "1234567893", spots]])
    fetch_page = script("fetch_page")
    assert page.evaluate(f"async (href) => (await ({fetch_page})(href, 5000)) === null", "/u/json") is True
    assert page.locator("#d").input_value() == "set.by.script@direct.example.com"  # the window's page untouched
