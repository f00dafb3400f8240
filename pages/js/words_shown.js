// uses: deep
// Every piece of text shown under root (text nodes, trimmed, shadow roots' too): before Save, so that
// words new after it can be told, wherever the portal writes them (a box of its own, a line beside a field).
(root) => {
  const out = new Set();
  for (const r of [root || document.body, ...deep.shadows(root || document.body)]) {
    const walk = document.createTreeWalker(r, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const t = (n.nodeValue || "").trim(), e = n.parentElement;
      if (t && e && !deep.closest(e, "script, style, option, select, textarea, [data-robot-mask]") && deep.shown(e)) out.add(t);
    }
  }
  return out;
}
