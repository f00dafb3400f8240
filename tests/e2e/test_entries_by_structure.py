"""MaxMD's provider entries found by the page's structure alone, on markup of several kinds: repeated
elements each holding one NPI (or, beside them and like them, a name only) and at most one address."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.locators import Selectors
from pages.maxmd import WorkflowStatusPage

pytestmark = pytest.mark.e2e

CARD = """<div class="prov"><div><div class="who">{name}</div><div class="meta">NPI: {npi}</div>
<div class="meta">Workflow status: {status}</div></div><div>{box}</div></div>"""


def card(name: str, npi: str = "", status: str = "Complete", address: str = "") -> str:
    box = f'<span class="addr-box" style="background:#dfd">{address}</span>' if address else "<span>Address not yet issued</span>"
    return CARD.format(name=name, npi=npi, status=status, box=box)


def read(page: Page, html: str) -> list[tuple[str, str | None]]:
    page.set_content(f"<!doctype html><html><body>{html}</body></html>")
    found = WorkflowStatusPage(page, Selectors()).collect_providers()
    return [(e.text.replace("\t", "\n").split("\n")[0].strip(), e.direct_address) for e in found]


def test_cards_beside_a_count_line_and_a_heading_are_the_only_entries(page: Page) -> None:
    html = ('<div class="panel"><h2>Provisioning Workflows</h2><div class="muted">3 providers</div>'
            + card("Dr. Alice Moreno", "1349106546", address="alice.moreno@direct.eyes4u.test")
            + card("Dr. Maria Santos", "1665367037", status="Pending")
            + card("Dr. Samuel Ortiz")  # no NPI shown: an entry by its name, like the others
            + "</div>")
    assert read(page, html) == [
        ("Dr. Alice Moreno", "alice.moreno@direct.eyes4u.test"),
        ("Dr. Maria Santos", None),
        ("Dr. Samuel Ortiz", None),
    ]


def test_the_practices_own_npi_beside_a_list_is_no_entry(page: Page) -> None:
    html = ("<section><h2>Identity Proofing Details</h2><p>Practice NPI: 1954255505</p></section>"
            "<ul><li>Dr. Alice Moreno · NPI 1349106546 · Complete <b>alice.moreno@direct.eyes4u.test</b></li>"
            "<li>Dr. Carla Nguyen · NPI 1630945461 · Complete <b>carla.nguyen@direct.eyes4u.test</b></li></ul>")
    assert [a for _, a in read(page, html)] == ["alice.moreno@direct.eyes4u.test", "carla.nguyen@direct.eyes4u.test"]


def test_table_rows_under_a_header_row(page: Page) -> None:
    html = ("<table><tr><th>Provider</th><th>NPI</th><th>Status</th><th>Direct Address</th></tr>"
            "<tr><td>Dr. Alice Moreno</td><td>1349106546</td><td>Complete</td><td>alice.moreno@direct.eyes4u.test</td></tr>"
            "<tr><td>Dr. Samuel Ortiz</td><td></td><td>Pending</td><td></td></tr></table>")
    assert read(page, html) == [("Dr. Alice Moreno", "alice.moreno@direct.eyes4u.test"), ("Dr. Samuel Ortiz", None)]
