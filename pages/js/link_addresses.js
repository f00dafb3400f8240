// uses: deep
// The address of the link around each element, where there is one.
(els) => els.map(e => { const a = deep.closest(e, "a"); return a && a.href; }).filter(Boolean)
