"""report.html: the top table, one card per provider, the Resources Setup reminder, escaping, relative
screenshot links, and the records written before the before → after fields and picture kinds."""

from __future__ import annotations

from html.parser import HTMLParser

from robot_helpers import laid_out_addresses, mid_word_breaks

from robot.model import Outcome, Picture, Status
from robot.report import render

HOSTILE = "<script>alert(1)</script>"


class Page(HTMLParser):
    """Collects what the tests look at: articles, reminder items, links, images and every <script>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.articles: list[dict[str, str]] = []
        self.hrefs: list[str] = []
        self.fragments: list[str] = []  # links within the page: the top table's and "back to the table"
        self.srcs: list[str] = []
        self.scripts = 0
        self.external_scripts = 0
        self.script_text = ""
        self.tables: list[dict] = []  # {"attrs", "rows": [{"attrs", "cells": [text]}]}
        self.figcaptions: list[str] = []
        self._in_script = self._in_cell = self._in_figcaption = False
        self.reminder_items: list[str] = []
        self._in_reminders = False
        self._in_li = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.articles.append(a)
        elif tag == "a" and "href" in a:
            (self.fragments if a["href"].startswith("#") else self.hrefs).append(a["href"])
        elif tag == "img":
            self.srcs.append(a["src"])
        elif tag == "script":
            self.scripts += 1
            self.external_scripts += "src" in a
            self._in_script = True
        elif tag == "table":
            self.tables.append({"attrs": a, "rows": []})
        elif tag == "tr":
            self.tables[-1]["rows"].append({"attrs": a, "cells": []})
        elif tag in ("td", "th"):
            self.tables[-1]["rows"][-1]["cells"].append("")
            self._in_cell = True
        elif tag == "figcaption":
            self.figcaptions.append("")
            self._in_figcaption = True
        elif tag == "section" and a.get("aria-label") == "Reminders":
            self._in_reminders = True
        elif tag == "li" and self._in_reminders:
            self._in_li = True
            self.reminder_items.append("")

    def handle_endtag(self, tag):
        if tag == "section":
            self._in_reminders = False
        elif tag == "li":
            self._in_li = False
        elif tag == "script":
            self._in_script = False
        elif tag in ("td", "th"):
            self._in_cell = False
            cells = self.tables[-1]["rows"][-1]["cells"]
            cells[-1] = " ".join(cells[-1].split())
        elif tag == "figcaption":
            self._in_figcaption = False
            self.figcaptions[-1] = " ".join(self.figcaptions[-1].split())

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data
        if self._in_cell:
            self.tables[-1]["rows"][-1]["cells"][-1] += data
        if self._in_figcaption:
            self.figcaptions[-1] += data
        if self._in_li and self._in_reminders:
            self.reminder_items[-1] += data


def provider(name: str, npi: str, status: Status = Status.CONFIGURED, *, reminder: bool = False, shots: int = 0, error: str = "") -> dict:
    o = Outcome(
        npi=npi,
        name=name,
        direct_address=f"{npi}@direct.brightsideeye.com",
        status=status,
        error=error,
        pictures=[Picture("step", f"screenshots/{i:03d}-{npi}-step-{i}.png", f"step {i}") for i in range(1, shots + 1)],
        names_changed=reminder,
    )
    old = o.as_json()  # as a run.json written before pictures had kinds, rows and "changed"
    for key in ("pictures", "changed", "fields"):
        old.pop(key)
    return old


def record(providers: list[dict], practice_shots: list[str] | None = None) -> dict:
    return {
        "started": "2024-05-02T01:00:00Z",
        "finished": "2024-05-02T01:04:10Z",
        "mode": "run",
        "exit_code": 0,
        "error": None,
        "browser": "playwright",
        "sites": {"maxmd": "https://maxmd.example.com/login", "portal": "https://portal.example.com/login", "sandbox": False},
        "practice": {"name": "Brightside Eye Care", "screenshots": practice_shots or []},
        "providers": providers,
    }


PROVIDERS = [
    provider("Jane Okafor, OD", "1234567893", Status.CONFIGURED, reminder=True, shots=3),
    provider("Ravi Patel, MD", "1245319599", Status.ALREADY_CONFIGURED, shots=2),
    provider("Lei Chen, OD", "1987654328", Status.FAILED, error="step '18 Save' failed: the portal said: Direct address in use"),
    provider("Ana Ruiz, OD", "1111111112", Status.WAITING_FOR_CDA),
    provider("Tom Kowalski, OD", "2222222228", Status.EXCLUDED, reminder=True),
]


def test_one_card_per_provider():
    page = Page(render(record(PROVIDERS)))
    labels = [a.get("aria-label") for a in page.articles]
    assert len(labels) == len(PROVIDERS)
    assert sorted(labels) == sorted(p["name"] for p in PROVIDERS)


def test_practice_screenshots_get_their_own_card_beside_the_provider_cards():
    page = Page(render(record(PROVIDERS, ["screenshots/001-practice-log-in-to-maxmd.png"])))
    labels = [a.get("aria-label") for a in page.articles]
    assert labels.count("Practice") == 1
    assert len(labels) == len(PROVIDERS) + 1


def test_failed_and_conflicting_providers_come_first():
    page = Page(render(record(PROVIDERS)))
    assert page.articles[0]["aria-label"] == "Lei Chen, OD"
    assert "s-failed" in page.articles[0]["class"]


def test_each_card_shows_its_status_and_error():
    html = render(record(PROVIDERS))
    for p in PROVIDERS:
        assert f'class="card s-{p["status"]}" aria-label="{p["name"]}"' in html
    assert "Direct address in use" in html


def test_reminder_lists_exactly_the_providers_whose_names_changed():
    page = Page(render(record(PROVIDERS)))
    items = sorted(" ".join(i.split()) for i in page.reminder_items)
    assert items == ["Jane Okafor, OD (NPI 1234567893)", "Tom Kowalski, OD (NPI 2222222228)"]


def test_no_reminder_section_when_no_names_changed():
    html = render(record([provider("Ravi Patel, MD", "1245319599")]))
    assert "Resources Setup" not in html
    assert Page(html).reminder_items == []


def test_hostile_names_and_errors_are_escaped():
    hostile = [
        provider(HOSTILE, "1234567893", Status.FAILED, reminder=True, error=f"portal said {HOSTILE}"),
        provider('O\'Brien "Bob" & <b>Sons</b>', "1245319599", Status.CONFIGURED, reminder=True),
        provider("José Núñez, OD", "1987654328", Status.CONFIGURED),
    ]
    html = render(record(hostile))
    page = Page(html)
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Sons</b>" not in html
    assert page.scripts == Page(render(record([]))).scripts == 1  # the report's own, nothing injected
    # The attribute survived intact: the parser reads back exactly the names.
    assert sorted(a["aria-label"] for a in page.articles) == sorted(p["name"] for p in hostile)
    assert "José Núñez, OD" in html
    assert any(HOSTILE in item for item in page.reminder_items)


def test_screenshot_links_are_relative_to_the_run_folder():
    page = Page(render(record(PROVIDERS, ["screenshots/001-practice-log-in.png"])))
    expected = ["screenshots/001-practice-log-in.png"] + [s for p in PROVIDERS for s in p["screenshots"]]
    assert sorted(page.hrefs) == sorted(expected)
    assert sorted(page.srcs) == sorted(expected)
    assert all(h.startswith("screenshots/") for h in page.hrefs + page.srcs)


def test_screenshots_of_a_card_are_in_step_order():
    html = render(record([provider("Jane Okafor, OD", "1234567893", shots=12)]))
    hrefs = Page(html).hrefs
    assert hrefs == [f"screenshots/{i:03d}-1234567893-step-{i}.png" for i in range(1, 13)]


def test_run_error_is_shown():
    rec = record([])
    rec["error"] = "MaxMD login refused for maxmd-admin"
    assert "MaxMD login refused for maxmd-admin" in render(rec)


def test_report_loads_nothing_from_elsewhere():
    html = render(record(PROVIDERS, ["screenshots/001-practice-log-in.png"]))
    page = Page(html)
    assert "<link" not in html and page.external_scripts == 0
    assert not [u for u in page.hrefs + page.srcs if "://" in u or u.startswith("/")]
    # The one inline script reads the page only: it fetches nothing.
    assert not [w for w in ("://", "fetch(", "XMLHttpRequest", "import", "src=") if w in page.script_text]


# --- the top table, and the fields and pictures a run describes --------------------------------

FIELDS = [
    {"field": "Allow Emergency Access", "before": "checked", "after": "unchecked"},
    {"field": "Poll Direct Mailbox", "before": "unchecked", "after": "checked"},
    {"field": "Direct Address", "before": "", "after": "jane@direct.example.com"},
    {"field": "Portal password", "before": "", "after": "password set, see handoff"},
    {"field": "First Name", "before": "Jane", "after": "Jane"},
    {"field": "Last Name", "before": "Okafor", "after": None},
]


def described(name: str, npi: str, status: Status = Status.CONFIGURED, **extra) -> dict:
    p = provider(name, npi, status)
    p["screenshots"] = [f"screenshots/00{i}-{npi}-{k}.png" for i, k in enumerate(["source", "before", "after"], 1)]
    p["pictures"] = [
        {"kind": "source", "path": p["screenshots"][0], "caption": "MaxMD entry with its Direct address"},
        {"kind": "before", "path": p["screenshots"][1], "caption": "User Account Information as found"},
        {"kind": "after", "path": p["screenshots"][2], "caption": "after Save, with the portal's answer"},
    ]
    p["changed"] = "Poll Direct Mailbox on; Direct Address set; passwords set"
    p["fields"] = FIELDS
    return {**p, **extra}


def table(page: Page, cls: str) -> dict:
    return next(t for t in page.tables if cls in t["attrs"].get("class", "").split())


def test_top_table_has_a_row_per_provider_linking_to_its_card():
    page = Page(render(record(PROVIDERS)))
    rows = table(page, "providers")["rows"][1:]
    assert sorted(r["cells"][0] for r in rows) == sorted(p["name"] for p in PROVIDERS)
    by_name = {p["name"]: p for p in PROVIDERS}
    for r in rows:
        name, npi, status, direct, _ = r["cells"]
        assert (npi, status, direct) == (by_name[name]["npi"], by_name[name]["status"], by_name[name]["direct_address"])
        assert r["attrs"]["data-status"] == status
    ids = {a["id"] for a in page.articles}
    links = [f for f in page.fragments if f != "#providers"]
    assert len(links) == len(PROVIDERS) and {f[1:] for f in links} == ids
    # Each link reaches the card of the same provider.
    assert {a["id"]: a["aria-label"] for a in page.articles} == {f[1:]: r["cells"][0] for f, r in zip(links, rows, strict=True)}


def test_filter_bar_is_one_box_per_status_present_and_hidden_until_the_script_runs():
    html = render(record(PROVIDERS))
    assert '<div class="filters" role="group" aria-label="Show providers by status" hidden>' in html
    for status, n in [("failed", 1), ("configured", 1), ("already-configured", 1), ("waiting-for-cda", 1), ("excluded", 1)]:
        assert f'<input type="checkbox" value="{status}" checked>{status} <b>{n}</b>' in html
    assert 'value="conflict"' not in html


def test_an_old_record_without_the_new_fields_still_renders_everything():
    old = provider("Jane Okafor, OD", "1234567893", Status.CONFIGURED, reminder=True, shots=2)
    assert not {"pictures", "fields", "changed"} & old.keys()
    rec = record([old], ["screenshots/001-practice-log-in.png"])
    del rec["practice"]["name"]
    page = Page(render(rec))
    # Captions are the files' names; no before → after table; "what changed" is unknown, not "nothing".
    assert page.figcaptions == ["001-1234567893-step-1.png", "002-1234567893-step-2.png", "001-practice-log-in.png"]
    assert [t["attrs"]["class"] for t in page.tables] == ["providers"]
    assert table(page, "providers")["rows"][1]["cells"][4] == "—"
    assert page.srcs == old["screenshots"] + ["screenshots/001-practice-log-in.png"]


def test_an_old_record_without_a_practice_or_providers_renders():
    rec = record([])
    del rec["practice"]
    page = Page(render(rec))
    assert page.articles == [] and page.tables == []


def test_nothing_changed_reads_nothing():
    page = Page(render(record([described("Ravi Patel, MD", "1245319599", Status.ALREADY_CONFIGURED, changed="")])))
    assert table(page, "providers")["rows"][1]["cells"][4] == "nothing"


def test_top_table_says_what_changed():
    page = Page(render(record([described("Jane Okafor, OD", "1234567893")])))
    assert table(page, "providers")["rows"][1]["cells"][4] == "Poll Direct Mailbox on; Direct Address set; passwords set"


def test_before_after_table_lists_every_field_and_marks_the_changed_ones():
    page = Page(render(record([described("Jane Okafor, OD", "1234567893")])))
    rows = table(page, "changes")["rows"]
    assert rows[0]["cells"] == ["Field", "Before", "After"]
    assert [r["cells"] for r in rows[1:]] == [
        ["Allow Emergency Access", "checked", "unchecked"],
        ["Poll Direct Mailbox", "unchecked", "checked"],
        ["Direct Address", "(empty)", "jane@direct.example.com"],
        ["Portal password", "not shown by the portal", "password set, see handoff"],  # never "(empty)": it is always blank
        ["First Name", "Jane", "Jane"],
        ["Last Name", "Okafor", "nothing saved"],
    ]
    assert ["changed" in r["attrs"].get("class", "") for r in rows[1:]] == [True, True, True, True, False, False]


def test_a_password_field_never_shows_anything_but_the_handoff_words():
    leaky = described("Jane Okafor, OD", "1234567893", fields=[
        {"field": "Portal password", "before": "Old-Secret-1", "after": "New-Secret-2!"},
        {"field": "Change Direct Password", "before": "", "after": "password set, see handoff"},
    ])
    html = render(record([leaky]))
    assert "Secret" not in html
    rows = [r["cells"] for r in table(Page(html), "changes")["rows"][1:]]
    assert rows == [["Portal password", "(not shown)", "(not shown)"], ["Change Direct Password", "not shown by the portal", "password set, see handoff"]]


def test_pictures_are_captioned_with_their_kind_in_order_and_open_from_the_run_folder():
    p = described("Jane Okafor, OD", "1234567893")
    page = Page(render(record([p])))
    assert page.figcaptions == [
        "source — MaxMD entry with its Direct address · 001-1234567893-source.png",
        "before — User Account Information as found · 002-1234567893-before.png",
        "after — after Save, with the portal's answer · 003-1234567893-after.png",
    ]
    assert page.srcs == page.hrefs == p["screenshots"]


def test_the_workflow_list_is_pictured_once_in_the_practice_card():
    rec = record([], ["screenshots/001-practice-log-in.png"])
    rec["practice"]["workflow_list"] = "screenshots/004-practice-workflow-list.png"
    page = Page(render(rec))
    assert page.srcs == ["screenshots/001-practice-log-in.png", "screenshots/004-practice-workflow-list.png"]
    rec["practice"]["screenshots"].append("screenshots/004-practice-workflow-list.png")
    page = Page(render(rec))
    assert page.srcs == ["screenshots/001-practice-log-in.png", "screenshots/004-practice-workflow-list.png"]
    assert page.figcaptions[1].startswith("workflow list")


def test_each_card_repeats_its_step_12_reminder():
    html = render(record([provider("Jane Okafor, OD", "1234567893", reminder=True), provider("Ravi Patel, MD", "1245319599")]))
    assert html.count('class="step12"') == 1


def test_hostile_fields_captions_and_changes_are_escaped():
    p = described(HOSTILE, "1234567893", changed=HOSTILE, fields=[{"field": HOSTILE, "before": HOSTILE, "after": HOSTILE + "!"}])
    p["pictures"][0] |= {"kind": HOSTILE, "caption": HOSTILE}
    html = render(record([p]))
    page = Page(html)
    assert HOSTILE not in html and page.scripts == 1
    assert table(page, "changes")["rows"][1]["cells"] == [HOSTILE, HOSTILE, HOSTILE + "!"]
    assert table(page, "providers")["rows"][1]["cells"][4] == HOSTILE
    assert page.figcaptions[0].startswith(f"{HOSTILE} — {HOSTILE}")


def test_a_12000_character_name_is_cut_where_the_page_lays_it_out():
    from robot.safetext import VALUE_LIMIT

    name = "Jane " + ("Okafor" * 2000)[:11_995]
    shown = name[:VALUE_LIMIT] + f"… ({len(name) - VALUE_LIMIT:,} more characters)"
    long = provider(name, "1234567893", Status.CONFIGURED, reminder=True)
    long["direct_address"] = "x" * 12_000 + "@direct.brightsideeye.com"
    long["fields"] = [{"field": "last name", "before": name, "after": name}]
    html = render(record([long, provider("Lei Chen, OD", "1987654328")]))
    page = Page(html)
    assert name[: VALUE_LIMIT + 1] not in html and "x" * (VALUE_LIMIT + 1) not in html
    assert [a["aria-label"] for a in page.articles] == [shown, "Lei Chen, OD"]
    assert page.reminder_items == [f"{shown} (NPI 1234567893)"]
    [overview, changes] = [t for t in page.tables if t["rows"]]
    assert overview["rows"][1]["cells"][0] == shown
    assert changes["attrs"]["aria-label"] == f"Before and after: {shown}" and changes["rows"][1]["cells"][1:] == [shown, shown]
    assert len(html) < len(render(record([provider("Lei Chen, OD", "1987654328")]))) + 8 * 400 + 2_000


def test_an_error_or_a_note_quoting_a_long_value_is_cut_at_a_line():
    from robot.safetext import LINE_LIMIT

    name = "Jane " + ("Okafor" * 2000)[:11_995]
    error = f"MaxMD shows no NPI, and 2 portal accounts are named {name}; pin one"
    failed = provider("Jane Okafor, OD", "1234567893", Status.FAILED, error=error)
    failed["notes"] = [f"the portal said: {name}"]
    rec = record([failed])
    rec["error"] = f"waited for {name}"
    html = render(rec)
    for text in (error, f"the portal said: {name}", f"waited for {name}"):
        assert text[:LINE_LIMIT] + f"… ({len(text) - LINE_LIMIT:,} more characters)" in html
    assert name[:LINE_LIMIT] not in html


# --- issue 23: the report reads like the evidence it is ---------------------------------------------

def test_an_address_wraps_only_after_an_at_sign_or_a_dot_on_screen_and_in_print():
    address = "jane.okafor@direct.bright-side-eye.com"
    p = described("Jane Okafor, OD", "1234567893", direct_address=address,
                  fields=[{"field": "Direct Address", "before": "", "after": address},
                          {"field": "Email Address", "before": "jane@bright-side-eye.com", "after": "jane.o@bright-side-eye.com"}])
    html = render(record([p]))
    laid_out = laid_out_addresses(html)
    shown = ["".join(text for _, text in pieces) for pieces in laid_out]
    # The table, the card, the before -> after rows, and both sites' addresses in the head.
    assert shown.count(address) == 3 and "jane.o@bright-side-eye.com" in shown
    assert "https://maxmd.example.com/login" in shown and "https://portal.example.com/login" in shown
    assert [k for k, _ in laid_out[shown.index(address)]] == ["seg", "wbr", "seg", "wbr", "seg", "wbr", "seg", "wbr", "seg"]
    assert mid_word_breaks(html) == []
    # Nothing in the page lets a cell break a word anywhere, printed or not, but a piece no real address has.
    assert "overflow-wrap: anywhere" not in html.replace(".addr .seg.long { white-space: normal; overflow-wrap: anywhere; }", "")


def test_an_address_is_escaped_before_its_breaks_are_put_in():
    html = render(record([described("Jane Okafor, OD", "1234567893", direct_address=f"{HOSTILE}@x.example.com")]))
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;@" in html
    assert mid_word_breaks(html) == []


def test_a_very_long_address_is_cut_and_only_a_piece_no_address_has_may_wrap_anywhere():
    long = "j" * 2000 + "@direct.example.com"
    html = render(record([described("Jane Okafor, OD", "1234567893", direct_address=long)]))
    [row] = table(Page(html), "providers")["rows"][1:]
    assert row["cells"][3] == "j" * 300 + "… (1,719 more characters)"
    pieces = laid_out_addresses(html)[2]  # after the two sites' addresses in the head
    assert pieces == [("seg", "j" * 300 + "… (1,719 more characters)")]
    assert '<span class="seg long">' in html and mid_word_breaks(html) == []


def test_a_password_row_before_a_save_reads_not_shown_by_the_portal_even_in_an_old_record():
    old_rows = [{"field": "Portal password", "before": "", "after": "password set, see handoff"},
                {"field": "Direct password", "before": "", "after": None}]
    page = Page(render(record([described("Jane Okafor, OD", "1234567893", fields=old_rows)])))
    assert [r["cells"] for r in table(page, "changes")["rows"][1:]] == [
        ["Portal password", "not shown by the portal", "password set, see handoff"],
        ["Direct password", "not shown by the portal", "nothing saved"]]


def test_a_match_by_name_shows_both_names_in_the_card_and_the_table():
    by_name = described("Samuel Ortiz, OD", "1926374509", matched_by="name",
                        matched_names={"maxmd": "Samuel Ortiz, OD", "portal_first_name": "Samuel", "portal_last_name": "Ortiz"})
    by_npi = described("Jane Okafor, OD", "1234567893", matched_by="npi", matched_names=None)
    html = render(record([by_name, by_npi]))
    assert ("Matched by name: MaxMD's entry shows no NPI; its name «Samuel Ortiz, OD» matched the portal account's "
            "First Name «Samuel», Last Name «Ortiz» (Username 1926374509).") in html.replace("&#39;", "'")
    assert "Matched by NPI: MaxMD&#39;s entry shows NPI 1234567893, the portal account&#39;s Username." in html
    rows = {r["cells"][0]: r["cells"][1] for r in table(Page(html), "providers")["rows"][1:]}
    assert rows == {"Samuel Ortiz, OD": "1926374509by name", "Jane Okafor, OD": "1234567893by NPI"}


def test_an_answer_in_a_browser_dialog_is_shown_with_its_words_marked_as_a_dialog():
    dialog = described("Jane Okafor, OD", "1234567893", answer={"words": "User account saved.", "dialog": True, "meaning": "saved"})
    on_page = described("Ravi Patel, MD", "1245319599", Status.FAILED,
                        answer={"words": f"Direct address in use {HOSTILE}", "dialog": False, "meaning": "refused"})
    html = render(record([dialog, on_page]))
    assert "Answer (a browser dialog): «User account saved.»" in html
    assert "Answer (on the page): «Direct address in use &lt;script&gt;alert(1)&lt;/script&gt;» (a refusal)" in html


def test_the_head_says_how_the_run_was_asked_for_where_and_by_which_robot():
    rec = record(PROVIDERS)
    rec |= {"options": {"only": ["1234567893"], "force": ["1234567893"], "workers": 2, "dry_run": True, "headed": True,
                        "slow_mo": 500.0, "screenshots": "every-step"},
            "administrators": {"maxmd": "admin@brightsideeye.com", "portal": "officeadmin"},
            "host": "frontdesk-01", "robot_version": "0.1.0"}
    html = render(rec)
    assert ("Options: --dry-run --only 1234567893 --force 1234567893 --workers 2 --headed --slow-mo 500 · "
            "screenshots: every-step · robot 0.1.0 on frontdesk-01 · browser: playwright") in html
    assert ", administrator <span class=\"addr\">" in html and "administrator officeadmin" not in html  # laid out as addresses
    shown = ["".join(text for _, text in pieces) for pieces in laid_out_addresses(html)]
    assert {"admin@brightsideeye.com", "officeadmin"} <= set(shown)
    rec["options"] = {"only": [], "force": [], "workers": 1, "dry_run": False}
    assert "Options: none ·" in render(rec)


def test_the_practice_card_says_what_its_pictures_show_and_no_more():
    rec = record([])
    rec["practice"] |= {"screenshots": ["screenshots/004-practice-workflow-list.png"],
                        "workflow_list": "screenshots/004-practice-workflow-list.png",
                        "pictures": [{"kind": "workflow list", "path": "screenshots/004-practice-workflow-list.png",
                                      "caption": "MaxMD's provisioning workflows, the whole list"}]}
    html = render(rec)
    assert "MaxMD&#39;s whole provisioning workflow list." in html
    assert "Logins" not in html and "Clinician search" not in html and "Both sites" not in html
    assert Page(html).figcaptions == [
        "workflow list — MaxMD's provisioning workflows, the whole list · 004-practice-workflow-list.png"]


def test_the_report_head_says_the_runs_exit_status_and_who_needs_a_person():
    from robot.report import outcome_words
    providers = [{"npi": "1234567893", "name": "Jane Okafor, OD", "status": "configured"},
                 {"npi": "1540926783", "name": "Aisha Bello, OD", "status": "conflict"}]
    assert outcome_words({"exit_code": 1, "providers": providers}) == "exit 1: a provider needs a person: Aisha Bello, OD (conflict)"
    assert outcome_words({"exit_code": 0, "providers": providers[:1]}).startswith("exit 0: every provider")
    assert outcome_words({"exit_code": 2, "providers": []}).startswith("exit 2: the run could not start")
    assert outcome_words({"exit_code": None, "providers": []}) == ""  # a run still going, or killed
