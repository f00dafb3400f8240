// uses: deep
// Scrolls the band's first element to the top (less a margin) and measures the band in page coordinates
// ("clip", the top page's, whatever frame it is in); a band taller than the window is "full", taken from
// the whole page so none of it is cut off. "bar": the height of a bar pinned to the window's top (below).
// A bar pinned to the window's top above the band's first element (a fixed or sticky navigation bar, up
// to a third of the window tall) would cover it there: the band is scrolled that much lower, and, where it
// is taller than the window (drawn anew with the bar at its top), starts that much higher.
(els, margin) => {
  const shown = els.filter(e => e.getClientRects().length);
  if (!shown.length) return null;
  shown[0].scrollIntoView({block: "start"});
  const first = shown[0].getBoundingClientRect();
  let bar = 0;
  for (const f of [0.25, 0.5, 0.75]) {  // above the first element only: a toast at the side covers nothing of it
    for (let e of document.elementsFromPoint(first.left + f * first.width, 1)) {
      for (; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
        if (!/^(fixed|sticky)$/.test(getComputedStyle(e).position)) continue;
        const r = e.getBoundingClientRect();
        if (r.top <= 1 && r.bottom < window.innerHeight / 3 && !e.contains(shown[0])) bar = Math.max(bar, r.bottom);
        break;
      }
    }
  }
  window.scrollBy(0, -margin - bar);
  let top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
  for (const e of shown) {
    const r = e.getBoundingClientRect();
    top = Math.min(top, r.top);
    bottom = Math.max(bottom, r.bottom);
    left = Math.min(left, r.left);
    right = Math.max(right, r.right);
  }
  // As wide as what it shows (labels, boxes, a box widened for its value), with a margin: no empty side of the
  // page. Within the window the bar is left out (the clip starts below it); a band taller than the window is
  // drawn anew with the bar at its top, so there it is whole: the whole width.
  const width = document.documentElement.clientWidth, end = bottom + margin, full = end > window.innerHeight;
  const wide = full && bar > 0, x = wide ? 0 : Math.max(0, left - 2 * margin);
  const y = Math.max(0, top - margin - (full ? bar : 0));
  if (end - y < 40) return null;
  const [dx, dy] = deep.topOffset();
  return {
    full,
    bar,
    clip: {x: x + window.scrollX + dx, y: y + window.scrollY + dy, width: (wide ? width : Math.min(width, right + 2 * margin)) - x, height: end - y},
  };
}
