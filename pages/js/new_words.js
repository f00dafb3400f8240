// uses: deep, words_shown
// The elements showing words that were not there before Save, inside the form the robot typed in (the
// same document only; a page without a form has no such answer): the answer of a portal that writes it
// where no usual message box is, and never a clock or a chat widget elsewhere on the page.
() => {
  const scope = window.__robotScope;
  if (window.__robotStamp !== true || !window.__robotWords || !scope || !scope.isConnected) return [];
  const before = window.__robotWords, now = words_shown(scope), holders = [];
  for (const r of [scope, ...deep.shadows(scope)]) {
    const walk = document.createTreeWalker(r, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const t = (n.nodeValue || "").trim(), e = n.parentElement;
      if (t && now.has(t) && !before.has(t) && /\w/.test(t) && !holders.includes(e)) holders.push(e);
    }
  }
  return holders.filter(e => !holders.some(o => o !== e && deep.contains(o, e))).map(e => deep.text(e).trim()).filter(Boolean);
}
