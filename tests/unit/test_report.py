"""report.html: one card per provider, the Resources Setup reminder, escaping, relative screenshot links."""

from __future__ import annotations

from html.parser import HTMLParser

from robot.model import Outcome, Status
from robot.report import render

HOSTILE = "<script>alert(1)</script>"


class Page(HTMLParser):
    """Collects what the tests look at: articles, reminder items, links, images and every <script>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.articles: list[dict[str, str]] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.scripts = 0
        self.reminder_items: list[str] = []
        self._in_reminders = False
        self._in_li = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.articles.append(a)
        elif tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        elif tag == "img":
            self.srcs.append(a["src"])
        elif tag == "script":
            self.scripts += 1
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

    def handle_data(self, data):
        if self._in_li and self._in_reminders:
            self.reminder_items[-1] += data


def provider(name: str, npi: str, status: Status = Status.CONFIGURED, *, reminder: bool = False, shots: int = 0, error: str = "") -> dict:
    o = Outcome(
        npi=npi,
        name=name,
        direct_address=f"{npi}@direct.brightsideeye.com",
        status=status,
        error=error,
        screenshots=[f"screenshots/{i:03d}-{npi}-step-{i}.png" for i in range(1, shots + 1)],
        names_changed=reminder,
    )
    return o.as_json()


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
    assert page.scripts == 0
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
    assert "<link" not in html and page.scripts == 0
    assert not [u for u in page.hrefs + page.srcs if "://" in u or u.startswith("/")]
