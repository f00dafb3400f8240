// uses: deep, new_words
// The words of the messages (the outermost of each, shown), whether a modal is among them, and whether
// the document is another than the one Save was clicked on: three questions, one call. `els` may be the
// messages' plain CSS (looked for here, those not seen before Save), or the elements.
(els, modal) => {
  if (typeof els === "string") els = deep.all(els).filter(e => !e.hasAttribute("data-robot-seen") && /\w/.test(deep.text(e) || e.textContent));
  const shown = els.filter(e => deep.shown(e) && !e.matches("button, a, input, select, textarea"))
    .filter((e, i, all) => !all.some(o => o !== e && deep.contains(o, e)));
  const texts = shown.map(e => deep.text(e).trim()).filter(Boolean), moved = window.__robotStamp !== true;
  // Where no message box has new words, the words new in place.
  return [texts.length || moved ? texts : new_words(), shown.some(e => e.matches(modal) || deep.all(modal, e).length > 0), moved];
}
