// uses: deep
// The words of each element shown, the outermost of nested ones only (their words hold the inner ones').
(els) => els.filter(deep.shown)
  .filter((e, i, all) => !all.some(o => o !== e && deep.contains(o, e)))
  .map(e => deep.text(e))
