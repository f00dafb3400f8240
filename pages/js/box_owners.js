// uses: deep
// For each address box, the number of the entry that holds it (-1: none) and its words.
(els, attr) => els.map(b => {
  const owner = deep.closest(b, "[" + attr + "]");
  return [owner ? Number(owner.getAttribute(attr)) : -1, deep.text(b)];
})
