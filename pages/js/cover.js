// Covers every secret field with a box of the mask colour, as Playwright's mask does (the boxes of the
// last picture go first; they let clicks through and go with the page). The boxes are in the top of this
// document, at the fields' places in the page (not the window): a capture beyond the window keeps them covered.
(els, color) => {
  for (const old of document.querySelectorAll("[data-robot-mask]")) old.remove();
  for (const e of els) {
    for (const r of e.getClientRects()) {
      const box = document.createElement("div");
      box.setAttribute("data-robot-mask", "");
      box.style.cssText = "position:absolute;margin:0;padding:0;border:0;pointer-events:none;z-index:2147483647;"
        + `left:${r.left + window.scrollX}px;top:${r.top + window.scrollY}px;width:${r.width}px;height:${r.height}px;background:${color}`;
      document.documentElement.appendChild(box);
    }
  }
}
