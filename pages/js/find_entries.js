// uses: deep
// The entries of a list, by structure alone: the elements that each hold one NPI (or, beside them, a name
// only) and at most one e-mail address (`mail`: its pattern), climbed up from each NPI as far as that stays
// true; each is marked with `attr`. Shadow roots are looked into and climbed out of.
([attr, mail]) => {
  const NPI = /(?<!\d)[12]\d{9}(?!\d)/g, MAIL = new RegExp(mail, "g");
  deep.all("[" + attr + "]").forEach(e => e.removeAttribute(attr));
  const counts = new Map();
  const count = e => {
    if (!counts.has(e)) {
      const text = deep.text(e);
      counts.set(e, [new Set(text.match(NPI) || []).size, new Set((text.match(MAIL) || []).map(m => m.toLowerCase())).size]);
    }
    return counts.get(e);
  };
  const STOP = new Set(["BODY", "HTML", "MAIN", "FORM", "TABLE", "TBODY", "THEAD", "UL", "OL"]);
  const natural = e => ["LI", "TR", "ARTICLE", "DETAILS"].includes(e.tagName) || ["listitem", "row", "article"].includes(e.getAttribute("role"));
  const parentOf = e => e.parentElement || e.parentNode;  // a shadow root is a parent of its own children
  const holders = new Set();
  const single = count(document.body)[0] <= 1;
  for (const root of [document.body, ...deep.shadows(document.body)]) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.nodeValue || !/(?<!\d)[12]\d{9}(?!\d)/.test(n.nodeValue)) continue;
      let el = n.parentElement;
      if (!el || !deep.shown(el) || deep.closest(el, "script, style, select, option, head")) continue;
      // A slotted text's entry is around the slot it is shown in, not around the host's light children.
      let cur = el, inner = natural(el) ? el : null;
      for (;;) {
        const up = deep.up(cur);
        if (!up || STOP.has(up.tagName)) break;
        const [npis, mails] = count(up);
        if (npis > 1 || mails > 1) break;
        cur = up;
        if (!inner && natural(cur)) inner = cur;
      }
      // A page with one provider: nothing bounds the climb but the page, so a list item or row is the entry.
      holders.add(single && inner ? inner : cur);
    }
  }
  // Entries are repeated: where some parent holds two or more, a holder alone under its parent (the
  // practice's own NPI on a page the list was loaded into) is no entry.
  const byParent = new Map();
  for (const e of holders) byParent.set(parentOf(e), (byParent.get(parentOf(e)) || 0) + 1);
  const repeated = [...byParent.values()].some(n => n > 1);
  const kept = [...holders].filter(e => !repeated || byParent.get(parentOf(e)) > 1);
  // Beside the entries found by an NPI, their siblings of the same kind (a list item, a row, or an element
  // of the same tag and classes) that show a name only.
  const entries = new Set(kept);
  for (const e of kept) {
    for (const s of (parentOf(e) ? parentOf(e).children : [])) {
      if (entries.has(s) || s.tagName !== e.tagName || !deep.shown(s)) continue;
      if (!natural(s) && s.className !== e.className) continue;  // a "14 providers" line beside the cards is none of them
      if (s.closest("thead") || (s.tagName === "TR" && !s.querySelector("td"))) continue;
      const [npis, mails] = count(s);
      if (npis === 0 && mails <= 1 && /[A-Za-z\u00C0-\uFFFF]{2,}/.test(deep.text(s))) entries.add(s);
    }
  }
  const ordered = deep.order([...entries].filter(e => ![...entries].some(o => o !== e && deep.contains(o, e))));
  ordered.forEach((e, i) => e.setAttribute(attr, String(i)));
  return ordered.length;
}
