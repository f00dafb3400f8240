"""Search results however a portal pages them: a "Load more" button, or rows fetched as the list is
scrolled to its end; rows that fail to come (a 5xx) are an error, never the end of the list."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route

from pages.errors import SiteError
from pages.locators import Selectors
from pages.portal import UserSearchPage

pytestmark = pytest.mark.e2e

ORIGIN = "http://portal.test"
NPIS = [f"1{n:09d}" for n in range(100000001, 100000031)]  # 30 Username links, 10 a fetch

PAGE = """<!doctype html><body><h1>User Accounts</h1>
<div id=box style="height:200px; overflow-y:auto"><table><tbody id=rows></tbody></table>
<p id=status></p></div>{more}
<script>
let offset = 0, loading = false;
async function load() {{
  if (loading) return; loading = true;
  const answer = await fetch('/rows?offset=' + offset);
  loading = false;
  if (!answer.ok) {{ document.getElementById('status').textContent = 'Could not load more accounts.'; return; }}
  const rows = await answer.json();
  for (const npi of rows) {{
    const tr = document.createElement('tr');
    tr.innerHTML = '<td><a href="/admin/users/' + npi + '">' + npi + '</a></td><td>Clinician</td>';
    document.getElementById('rows').appendChild(tr);
  }}
  offset += rows.length;
  if (!rows.length) document.getElementById('status').textContent = 'All accounts are shown.';
}}
{trigger}
load();
</script></body>"""
SCROLLED = """document.getElementById('box').addEventListener('scroll', e => {
  const b = e.target; if (b.scrollTop + b.clientHeight >= b.scrollHeight - 5) load(); });"""
BUTTON = "document.getElementById('more').onclick = () => load();"


def _serve(page: Page, html: str, *, fail_at: int | None = None) -> None:
    def rows(route: Route) -> None:
        offset = int(re.search(r"offset=(\d+)", route.request.url).group(1))
        if fail_at is not None and offset >= fail_at:
            route.fulfill(status=503, body="Service Temporarily Unavailable")
            return
        route.fulfill(status=200, content_type="application/json", body=json.dumps(NPIS[offset:offset + 10]))

    page.route(f"{ORIGIN}/rows*", rows)
    page.route(f"{ORIGIN}/users", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(f"{ORIGIN}/users")
    page.get_by_role("link", name=NPIS[0]).wait_for()


def test_rows_that_come_as_the_list_is_scrolled_are_all_read(page: Page):
    _serve(page, PAGE.format(more="", trigger=SCROLLED))
    links = UserSearchPage(page, Selectors()).account_links()
    assert [name for name, _ in links] == NPIS
    assert links[-1][1] == f"{ORIGIN}/admin/users/{NPIS[-1]}"


def test_rows_behind_load_more_are_all_read_and_a_far_account_opened(page: Page):
    _serve(page, PAGE.format(more="<button id=more>Load more</button>", trigger=BUTTON))
    search = UserSearchPage(page, Selectors())
    assert [name for name, _ in search.account_links()] == NPIS


def test_rows_that_fail_to_come_as_the_list_is_scrolled_are_an_error_not_the_end(page: Page):
    _serve(page, PAGE.format(more="", trigger=SCROLLED), fail_at=20)
    with pytest.raises(SiteError, match="503"):
        UserSearchPage(page, Selectors()).account_links()
