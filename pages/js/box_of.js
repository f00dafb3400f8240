// uses: deep
// The first outermost message box that shows (part of) `words` and fits in the window, in page
// coordinates (the top page's, whatever frame it is in); `pinned` where it keeps its place in the window
// (a toast fixed in the top document: it moves in the page with a scroll), and the top window's scroll as it was measured
// (`sx`, `sy`), so its place after a scroll can be told. `els`: the boxes, or their plain CSS.
(els, words) => {
  if (typeof els === "string") els = deep.all(els);
  const norm = t => (t || "").replace(/\s+/g, " ").trim();
  const said = norm(words);
  const shown = els.filter(e => deep.shown(e) && !e.matches("button, a, input, select, textarea"))
    .filter(e => { const t = norm(deep.text(e)); return t && (said.includes(t) || t.includes(said)); })
    .filter((e, i, all) => !all.some(o => o !== e && deep.contains(o, e)));
  for (const e of shown) {
    const r = e.getBoundingClientRect();
    const [dx, dy] = deep.topOffset();
    // Fixed in the top document: a box fixed in a frame keeps its place in the page; one sticky moves until stuck.
    let pinned = false;
    for (let a = e; a && !pinned && window === window.top; a = deep.up(a)) pinned = a.nodeType === 1 && getComputedStyle(a).position === "fixed";
    let top = window;
    try { while (top !== top.parent && top.parent.document) top = top.parent; } catch (err) { /* a frame of another origin above */ }
    if (r.height <= window.innerHeight)
      return {x: r.left + window.scrollX + dx, y: r.top + window.scrollY + dy, width: r.width, height: r.height, pinned,
              sx: top.scrollX, sy: top.scrollY};
  }
  return null;
}
