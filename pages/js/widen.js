// uses: deep
// Shows every entry box's value whole for a picture: a text box whose value is wider than it (a text area
// taller) is made as wide (tall) as its value, in place; an ancestor that clips it (a component's frame, out
// of its shadow root too) is widened with it. Never past the window's right edge: there its letters are made
// smaller instead, to fit. Each element changed keeps its style as it was (unwiden.js puts it back).
// Returns how many boxes were widened.
() => {
  const TEXT = /^(text|email|url|search|tel|number|)$/;
  const KEPT = "data-robot-widened";
  const keep = (e) => { if (!e.hasAttribute(KEPT)) e.setAttribute(KEPT, e.hasAttribute("style") ? e.getAttribute("style") : "\u0000"); };
  const set = (e, props) => { keep(e); for (const [p, v] of Object.entries(props)) e.style.setProperty(p, v, "important"); };
  const right = document.documentElement.clientWidth - 8;
  let widened = 0;
  for (const e of deep.all("input, textarea")) {
    if (e.tagName === "INPUT" && !TEXT.test((e.getAttribute("type") || "").toLowerCase())) continue;
    if (!e.value || !e.getClientRects().length) continue;
    const wide = e.scrollWidth - e.clientWidth, tall = e.tagName === "TEXTAREA" ? e.scrollHeight - e.clientHeight : 0;
    if (wide <= 1 && tall <= 1) continue;
    widened++;
    const box = e.getBoundingClientRect();
    if (tall > 1) set(e, {height: `${box.height + tall + 2}px`, "max-height": "none"});
    if (wide <= 1) continue;
    let width = box.width + wide + 4;
    if (box.left + width > right) {  // no room to the right: smaller letters in the room there is
      const size = parseFloat(getComputedStyle(e).fontSize) || 16;
      width = Math.max(right - box.left, box.width);
      set(e, {"font-size": `${Math.max(7, Math.floor(size * (width - (box.width - e.clientWidth) - 4) / (e.scrollWidth + 2)))}px`});
    }
    set(e, {width: `${width}px`, "min-width": `${width}px`, "max-width": "none", flex: "none"});
    const edge = e.getBoundingClientRect().right;
    for (let a = deep.up(e); a && a !== document.body && a !== document.documentElement; a = deep.up(a)) {
      const r = a.getBoundingClientRect();
      if (r.right >= edge) continue;
      const s = getComputedStyle(a);
      // Widened where it clips its content, or where it is the component whose shadow root holds the box.
      if (s.overflowX !== "visible" || s.overflow !== "visible" || (a.shadowRoot && deep.contains(a, e)))
        set(a, {width: `${r.width + edge - r.right + 2}px`, "min-width": `${r.width + edge - r.right + 2}px`, "max-width": "none", overflow: "visible", flex: "none"});
    }
  }
  return widened;
}
