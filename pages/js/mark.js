// Marks each element with the attribute (in this browser only), so that a locator can tell it later.
(els, attr) => els.forEach(e => e.setAttribute(attr, ""))
