"""report.html as a review tool, in a real browser: opened from a run folder as a file:// page
with no network, its top table and status filter, readable pictures opening full size in the
page, the before → after table, printing, and the page without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, Route, expect

from robot.model import Status
from robot.report import render

pytestmark = pytest.mark.e2e

PASSWORD_WORDS = "password set, see handoff"
FIELDS = [
    {"field": "Allow Emergency Access", "before": "checked", "after": "unchecked"},
    {"field": "Poll Direct Mailbox", "before": "unchecked", "after": "checked"},
    {"field": "Direct Address", "before": "", "after": "jane@direct.example.com"},
    {"field": "Portal password", "before": "not shown by the portal", "after": PASSWORD_WORDS},
    {"field": "First Name", "before": "Jane", "after": "Janet"},
    {"field": "Last Name", "before": "Okafor", "after": "Okafor"},
]
WIDE = (1400, 700)  # wider than a card: shown at the card's width, full size in the overlay


def _png(path: Path, size: tuple[int, int], label: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, "#e8eef5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] - 10, size[1] - 10), outline="#1f3a5f", width=4)
    draw.text((30, 30), label, fill="#000")
    image.save(path)


def _provider(run: Path, n: int, name: str, npi: str, status: Status, kinds: list[str], *, old: bool = False, **extra) -> dict:
    shots, pictures = [], []
    for i, kind in enumerate(kinds, 1):
        path = f"screenshots/{n:02d}{i}-{npi}-{kind.replace(' ', '-')}.png"
        _png(run / path, WIDE if i % 2 else (640, 360), f"{name} {kind}")
        shots.append(path)
        pictures.append({"kind": kind, "path": path, "caption": f"{name}: the {kind} picture"})
    p = {
        "npi": npi, "name": name, "direct_address": f"{npi}@direct.example.com", "status": str(status), "error": None,
        "notes": [], "resources_setup_reminder": False, "screenshots": shots, "traces": [],
    }
    if not old:
        p |= {"pictures": pictures, "changed": "", "fields": []}
    return p | extra


@dataclass
class Report:
    path: Path
    record: dict
    outside: list[str] = field(default_factory=list)

    def card(self, page: Page, name: str):
        return page.get_by_role("article", name=name, exact=True)


@pytest.fixture
def report(tmp_path: Path) -> Report:
    providers = [
        _provider(tmp_path, 1, "Jane Okafor, OD", "1234567893", Status.CONFIGURED, ["source", "before", "after"],
                  changed="Poll Direct Mailbox on; Direct Address set; passwords set", fields=FIELDS,
                  resources_setup_reminder=True),
        _provider(tmp_path, 2, "Sam Lindqvist, OD", "1457384952", Status.CONFIGURED, ["source", "after"],
                  changed="Poll Direct Mailbox on", fields=FIELDS[1:2]),
        _provider(tmp_path, 3, "Lei Chen, OD", "1987654328", Status.FAILED, ["source", "before", "failure"],
                  error="step '18 Save' failed: the portal said: Direct address in use"),
        _provider(tmp_path, 4, "Ravi Patel, MD", "1245319599", Status.ALREADY_CONFIGURED, ["source", "before"]),
        _provider(tmp_path, 5, "Ana Ruiz, OD", "1111111112", Status.WAITING_FOR_CDA, []),
        _provider(tmp_path, 6, "Mo Haddad, OD", "2222222228", Status.CONFLICT, ["source", "answer"], old=True),
    ]
    _png(tmp_path / "screenshots/001-practice-log-in.png", WIDE, "practice log in")
    _png(tmp_path / "screenshots/004-practice-workflow-list.png", WIDE, "workflow list")
    record = {
        "started": "2024-05-02T01:00:00Z", "finished": "2024-05-02T01:04:10Z", "mode": "run", "exit_code": 1,
        "error": None, "browser": "playwright",
        "sites": {"maxmd": "https://maxmd.example.com/login", "portal": "https://portal.example.com/login", "sandbox": True},
        "practice": {"name": "Brightside Eye Care", "screenshots": ["screenshots/001-practice-log-in.png"],
                     "workflow_list": "screenshots/004-practice-workflow-list.png"},
        "providers": providers,
    }
    (tmp_path / "report.html").write_text(render(record), encoding="utf-8")
    return Report(tmp_path / "report.html", record)


@pytest.fixture
def opened(report: Report, page: Page) -> Iterator[Page]:
    """The report as a file:// page, every request elsewhere aborted and kept in ``report.outside``."""

    def elsewhere(route: Route) -> None:
        report.outside.append(route.request.url)
        route.abort()

    page.context.route(re.compile(r"^(?!file:)"), elsewhere)
    page.on("request", lambda r: None if r.url.startswith("file:") else report.outside.append(r.url))
    page.goto(report.path.as_uri())
    yield page
    assert report.outside == []


def _statuses(report: Report) -> set[str]:
    return {p["status"] for p in report.record["providers"]}


def test_the_page_is_offline_and_every_picture_loads_large_enough_to_read(report: Report, opened: Page) -> None:
    page = opened
    expect(page).to_have_title(re.compile(r"^SANDBOX · "))
    images = page.get_by_role("img")
    expected = [s for p in report.record["providers"] for s in p["screenshots"]] + [
        "screenshots/001-practice-log-in.png", "screenshots/004-practice-workflow-list.png"]
    assert sorted(i.get_attribute("src") for i in images.all()) == sorted(expected)
    for img in images.all():
        img.scroll_into_view_if_needed()
        natural = img.evaluate("i => i.complete ? i.naturalWidth : 0")
        assert natural > 0, img.get_attribute("src")
        shown = img.bounding_box()["width"]
        if natural >= 900:
            assert 850 <= shown <= 902, (img.get_attribute("src"), shown)  # the card's width, up to 900 px
        else:
            assert abs(shown - natural) <= 2, (img.get_attribute("src"), shown)  # never blown up
    # Every picture's caption names its kind; an old record's names its file.
    jane = report.card(page, "Jane Okafor, OD")
    assert [c.split(" · ")[0] for c in jane.locator("figcaption").all_inner_texts()] == [
        f"{k} — Jane Okafor, OD: the {k} picture" for k in ("source", "before", "after")]
    assert report.card(page, "Mo Haddad, OD").locator("figcaption").all_inner_texts() == [
        "061-2222222228-source.png", "062-2222222228-answer.png"]


def test_the_top_table_lists_every_provider_and_its_links_reach_the_cards(report: Report, opened: Page) -> None:
    page = opened
    table = page.locator("#providers table")
    rows = table.locator("tbody tr")
    assert rows.count() == len(report.record["providers"])
    assert table.locator("thead th").all_inner_texts() == ["Provider", "NPI", "Status", "Direct address", "What changed"]
    first_status = rows.first.locator("td").nth(2).inner_text()
    assert first_status == "failed"  # those needing attention first
    for p in report.record["providers"]:
        row = rows.filter(has=page.get_by_role("link", name=p["name"], exact=True))
        cells = row.locator("td").all_inner_texts()
        assert cells[:4] == [p["name"], p["npi"], p["status"], p["direct_address"]]
        assert cells[4] == (p["changed"] or "nothing" if "changed" in p else "—")
        page.evaluate("window.scrollTo(0, 0)")
        row.get_by_role("link").click()
        card = report.card(page, p["name"])
        assert page.url.endswith("#" + card.get_attribute("id"))
        expect(card).to_be_in_viewport()
        expect(card.get_by_role("heading", level=2)).to_have_text(p["name"])


def test_a_status_filter_hides_exactly_that_status_and_brings_it_back(report: Report, opened: Page) -> None:
    page = opened
    bar = page.get_by_role("group", name="Show providers by status")
    expect(bar).to_be_visible()
    boxes = bar.get_by_role("checkbox")
    assert sorted(boxes.evaluate_all("bs => bs.map(b => b.value)")) == sorted(_statuses(report))
    assert bar.get_by_text("configured 2", exact=True).count() == 1  # each box shows its count
    rows = page.locator("#providers tbody tr")
    cards = page.locator("article[data-status]")

    def shown() -> tuple[list[str], list[str]]:
        visible = "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.status)"
        return sorted(rows.evaluate_all(visible)), sorted(cards.evaluate_all(visible))

    everyone = sorted(p["status"] for p in report.record["providers"])
    assert shown() == (everyone, everyone)
    for status in ("configured", "failed"):
        bar.locator(f'input[value="{status}"]').uncheck()
        rest = [s for s in everyone if s != status]
        assert shown() == (rest, rest), status
        assert report.card(page, "Jane Okafor, OD").is_visible() == (status != "configured")
        bar.locator(f'input[value="{status}"]').check()
        assert shown() == (everyone, everyone), status
    # Two filtered out, then "all" shows everyone again.
    bar.locator('input[value="configured"]').uncheck()
    bar.locator('input[value="conflict"]').uncheck()
    assert shown()[1] == [s for s in everyone if s not in ("configured", "conflict")]
    expect(bar).to_contain_text("showing 3 of 6")
    bar.get_by_role("button", name=re.compile(r"^all")).click()
    assert shown() == (everyone, everyone)
    expect(page.get_by_role("article", name="Practice")).to_be_visible()


def test_a_picture_opens_full_size_in_the_page_and_esc_closes_it(report: Report, opened: Page) -> None:
    page = opened
    url = page.url
    picture = report.card(page, "Jane Okafor, OD").get_by_role("img").first
    src = picture.get_attribute("src")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_count(0)
    picture.click()
    expect(dialog).to_be_visible()
    big = dialog.get_by_role("img")
    expect(big).to_have_attribute("src", src)
    page.wait_for_function("d => d.querySelector('img').complete", arg=dialog.element_handle())
    assert big.evaluate("i => i.naturalWidth") == WIDE[0]
    assert big.bounding_box()["width"] == pytest.approx(WIDE[0], abs=1)  # full size, not the card's 900 px
    expect(dialog).to_contain_text("source — Jane Okafor, OD: the source picture")
    assert page.url == url and len(page.context.pages) == 1  # in the page: no navigation, no new tab
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # The close button closes it as well.
    report.card(page, "Lei Chen, OD").get_by_role("img").last.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("img")).to_have_attribute("src", re.compile(r"failure\.png$"))
    dialog.get_by_role("button", name=re.compile("close", re.I)).click()
    expect(dialog).to_be_hidden()
    assert page.url == url


def test_before_after_rows_are_the_records_fields_with_the_changed_ones_marked(report: Report, opened: Page) -> None:
    page = opened
    for p in report.record["providers"]:
        card = report.card(page, p["name"])
        table = card.get_by_role("table")
        if not p.get("fields"):
            expect(table).to_have_count(0)
            continue
        assert table.locator("thead th").all_inner_texts() == ["Field", "Before", "After"]
        rows = table.locator("tbody tr")
        got = [r.locator("th, td").all_inner_texts() for r in rows.all()]
        assert got == [[f["field"], f["before"] or "(empty)", f["after"] or "(empty)"] for f in p["fields"]]
        marked = rows.evaluate_all("rs => rs.map(r => r.classList.contains('changed'))")
        assert marked == [f["before"] != f["after"] for f in p["fields"]]
        # Highlighted: the changed rows share a background the unchanged rows lack.
        colours = rows.evaluate_all("rs => rs.map(r => getComputedStyle(r).backgroundColor)")
        highlighted = {c for c, m in zip(colours, marked, strict=True) if m}
        assert len(highlighted) == 1 and not highlighted & {c for c, m in zip(colours, marked, strict=True) if not m}


def test_printed_every_card_shows_and_the_filters_and_overlay_do_not(report: Report, opened: Page) -> None:
    page = opened
    bar = page.get_by_role("group", name="Show providers by status")
    bar.locator('input[value="configured"]').uncheck()
    bar.locator('input[value="failed"]').uncheck()
    report.card(page, "Ravi Patel, MD").get_by_role("img").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.emulate_media(media="print")
    expect(bar).to_be_hidden()
    expect(page.locator("dialog")).to_be_hidden()
    for p in report.record["providers"]:
        expect(report.card(page, p["name"])).to_be_visible()
    expect(page.locator("#providers tbody tr")).to_have_count(len(report.record["providers"]))
    for row in page.locator("#providers tbody tr").all():
        expect(row).to_be_visible()
    width = page.locator("main").evaluate("m => m.clientWidth")
    for img in page.locator("article img").all():
        assert img.bounding_box()["width"] <= width
    avoid = "els => els.map(e => getComputedStyle(e).breakInside)"
    assert set(page.locator("article figure").evaluate_all(avoid)) == {"avoid"}
    assert set(page.locator("article table").evaluate_all(avoid)) == {"avoid"}
    page.emulate_media(media="screen")
    expect(bar).to_be_visible()
    expect(report.card(page, "Jane Okafor, OD")).to_be_hidden()  # the screen's filter is still there


def test_without_javascript_everything_is_shown(report: Report, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(report.path.as_uri())
        expect(page.get_by_role("group", name="Show providers by status")).to_have_count(0)  # hidden: it could do nothing
        for p in report.record["providers"]:
            expect(report.card(page, p["name"])).to_be_visible()
        expect(page.locator("#providers tbody tr")).to_have_count(len(report.record["providers"]))
        # A picture still opens full size: the browser's own view of the file.
        link = report.card(page, "Jane Okafor, OD").get_by_role("link").filter(has=page.get_by_role("img")).first
        assert (report.path.parent / link.get_attribute("href")).is_file()
    finally:
        context.close()
