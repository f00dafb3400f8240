"""MaxMD's steps 3-4 on a page that updates in place, with a loading line that carries the words."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.locators import Selectors
from pages.maxmd import IdentityProofingPage, MaxmdHomePage

pytestmark = pytest.mark.e2e

HOME = """<!doctype html><html><body>
<button role=tab id=t>Details</button><div id=p></div>
<script>
document.getElementById('t').addEventListener('click', () => {
  const p = document.getElementById('p');
  p.innerHTML = '<div>Loading identity proofing information…</div>';
  setTimeout(() => {
    p.innerHTML = '<h2>Identity Proofing Details</h2><p>Practice NPI 1954255505</p>'
      + '<button id=w>Click to view status of provisioning workflows</button>';
  }, 300);
});
</script></body></html>"""


def test_details_are_done_when_the_link_step_4_needs_shows_not_at_a_loading_line(page: Page) -> None:
    page.set_content(HOME)
    assert MaxmdHomePage(page, Selectors()).open_details() == "in place"
    details = IdentityProofingPage(page, Selectors())
    details.identity_proofing().scroll_into_view_if_needed()  # the details themselves, not the loading line
    assert details.identity_proofing().inner_text() == "Identity Proofing Details"
