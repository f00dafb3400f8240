"""The MaxMD provisioning tool's screens (seed steps 2-5). Read only: the robot changes nothing here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator

from pages.base import LoginScreen, Screen
from pages.locators import EMAIL_PATTERN, ENTRY_ATTRIBUTE, EMAIL_TEXT


class MaxmdLoginPage(LoginScreen):
    site = "maxmd"


class MaxmdHomePage(Screen):
    site = "maxmd"

    def open_details(self) -> str:
        """Seed step 3; done when what step 4 needs shows, its link to the workflows at the bottom of the
        details (a "Loading identity proofing information…" line has the words, not the details)."""
        return self.act("maxmd.home.details", self._el("maxmd.details.workflow_status"),
                        "the practice's identity-proofing information and its link to the provisioning workflows",
                        awaits=("maxmd.details.workflow_status",))


# Text holding an NPI (10 digits, first 1 or 2) or an e-mail address: what a provider's entry shows.
NPI_OR_ADDRESS = re.compile(r"(?<!\d)[12]\d{9}(?!\d)|" + EMAIL_PATTERN)


class IdentityProofingPage(Screen):
    """The practice's identity-proofing information, reached by Details (seed step 3)."""

    site = "maxmd"

    def identity_proofing(self) -> Locator:
        info = self._el("maxmd.details.identity_proofing")
        with self.finding("maxmd.details.identity_proofing"):
            info.first.wait_for(state="visible")
        return info.first

    def view_workflow_status(self) -> str:
        """Seed step 4; done when provider entries show that were not there before: the list may be
        a new page or loaded into this one (the practice's own NPI on this page is no entry)."""
        entries = self._el("maxmd.workflows.provider") if not self._sel.structural("maxmd.workflows.provider") \
            else self.page.get_by_text(NPI_OR_ADDRESS)
        return self.act("maxmd.details.workflow_status", self.mark_old(entries), "the provisioned providers' entries")


@dataclass(frozen=True)
class WorkflowEntryText:
    """One provider entry as shown: its whole visible text, and the green box's address if any."""

    text: str
    direct_address: str | None


class WorkflowStatusPage(Screen):
    """"Status of provisioning workflows": every provisioned provider (seed steps 4-5)."""

    site = "maxmd"

    def entries(self) -> Locator:
        """Every provider's entry; by default found by the page's structure and marked in the page."""
        if self._sel.structural("maxmd.workflows.provider"):
            self.page.evaluate(FIND_ENTRIES, ENTRY_ATTRIBUTE)
        return self._el("maxmd.workflows.provider")

    def collect_providers(self) -> list[WorkflowEntryText]:
        """Every entry with its green box's address, in a few calls however many providers there are.

        Each entry is numbered in the page (a ``data-robot-entry`` attribute, in this browser only),
        so each box is given to the entry that holds it, by the page's structure, never by its words.
        """
        entries = self.entries()
        entries.first.wait_for(state="visible")
        texts = entries.evaluate_all(_NUMBER_ENTRIES, ENTRY_ATTRIBUTE)
        boxes = self._sel("maxmd.workflows.direct_address", entries).evaluate_all(_BOX_OWNERS, ENTRY_ATTRIBUTE)
        addresses = first_box_of_each(len(texts), [(int(i), _address(text)) for i, text in boxes])
        return [WorkflowEntryText(t, a) for t, a in zip(texts, addresses, strict=True)]


def _address(text: str) -> str:
    """The address in a box that may say more ("Direct: jane@...")."""
    found = EMAIL_TEXT.search(text)
    return found.group(0) if found else text


_NUMBER_ENTRIES = """(els, attr) => els.map((e, i) => { e.setAttribute(attr, String(i)); return e.innerText; })"""
_BOX_OWNERS = """(els, attr) => els.map(b => {
  const owner = b.closest("[" + attr + "]");
  return [owner ? Number(owner.getAttribute(attr)) : -1, b.innerText];
})"""

# The entries of a list, by structure alone: the elements that each hold one NPI (or, beside them, a
# name only) and at most one e-mail address, climbed up from each NPI as far as that stays true.
FIND_ENTRIES = r"""(attr) => {
  const NPI = /(?<!\d)[12]\d{9}(?!\d)/g, MAIL = /__MAIL__/g;
  document.querySelectorAll("[" + attr + "]").forEach(e => e.removeAttribute(attr));
  const shown = e => e.offsetParent !== null || e.getClientRects().length > 0;
  const counts = new Map();
  const count = e => {
    if (!counts.has(e)) {
      const text = e.innerText || "";
      counts.set(e, [new Set(text.match(NPI) || []).size, new Set((text.match(MAIL) || []).map(m => m.toLowerCase())).size]);
    }
    return counts.get(e);
  };
  const STOP = new Set(["BODY", "HTML", "MAIN", "FORM", "TABLE", "TBODY", "THEAD", "UL", "OL"]);
  const natural = e => ["LI", "TR", "ARTICLE", "DETAILS"].includes(e.tagName) || ["listitem", "row", "article"].includes(e.getAttribute("role"));
  const holders = new Set();
  const single = count(document.body)[0] <= 1;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.nodeValue || !/(?<!\d)[12]\d{9}(?!\d)/.test(n.nodeValue)) continue;
    const el = n.parentElement;
    if (!el || !shown(el) || el.closest("script, style, select, option, head")) continue;
    let cur = el, inner = natural(el) ? el : null;
    for (;;) {
      const up = cur.parentElement;
      if (!up || STOP.has(up.tagName)) break;
      const [npis, mails] = count(up);
      if (npis > 1 || mails > 1) break;
      cur = up;
      if (!inner && natural(cur)) inner = cur;
    }
    // A page with one provider: nothing bounds the climb but the page, so a list item or row is the entry.
    holders.add(single && inner ? inner : cur);
  }
  // Entries are repeated: where some parent holds two or more, a holder alone under its parent (the
  // practice's own NPI on a page the list was loaded into) is no entry.
  const byParent = new Map();
  for (const e of holders) byParent.set(e.parentElement, (byParent.get(e.parentElement) || 0) + 1);
  const repeated = [...byParent.values()].some(n => n > 1);
  const kept = [...holders].filter(e => !repeated || byParent.get(e.parentElement) > 1);
  // Beside the entries found by an NPI, their siblings of the same kind (a list item, a row, or an element
  // of the same tag and classes) that show a name only.
  const entries = new Set(kept);
  for (const e of kept) {
    for (const s of (e.parentElement ? e.parentElement.children : [])) {
      if (entries.has(s) || s.tagName !== e.tagName || !shown(s)) continue;
      if (!natural(s) && s.className !== e.className) continue;  // a "14 providers" line beside the cards is none of them
      if (s.closest("thead") || (s.tagName === "TR" && !s.querySelector("td"))) continue;
      const [npis, mails] = count(s);
      if (npis === 0 && mails <= 1 && /[A-Za-z\u00C0-\uFFFF]{2,}/.test(s.innerText || "")) entries.add(s);
    }
  }
  const ordered = [...entries].filter(e => ![...entries].some(o => o !== e && o.contains(e)));
  ordered.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
  ordered.forEach((e, i) => e.setAttribute(attr, String(i)));
  return ordered.length;
}""".replace("__MAIL__", EMAIL_PATTERN)


def first_box_of_each(count: int, boxes: list[tuple[int, str]]) -> list[str | None]:
    """For each of ``count`` entries, the text of the first box inside it (None: it has none).

    ``boxes`` are (index of the entry that holds the box, its text), in page order; -1 or an index
    out of range is a box outside every entry, not anyone's.
    """
    out: list[str | None] = [None] * count
    for owner, text in boxes:
        if 0 <= owner < count and out[owner] is None:
            out[owner] = text
    return out
