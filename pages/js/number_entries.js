// uses: deep
// Numbers each entry with `attr` (in this browser only) and gives back each one's words.
(els, attr) => els.map((e, i) => { e.setAttribute(attr, String(i)); return deep.text(e); })
