// uses: deep
// The first of `modals` shown: its words without its buttons' (they ask nothing), and its buttons' names,
// each button numbered with `attr` so that the one chosen can be clicked; the modal is marked seen as it is.
(modals, attr) => {
  const BUTTONS = "button, [role=button], input";
  deep.all("[" + attr + "]").forEach(b => b.removeAttribute(attr));
  const m = modals.find(deep.shown);
  if (!m) return null;
  m.setAttribute("data-robot-seen", deep.text(m).trim());
  const buttons = deep.all("button, [role=button], input[type=button], input[type=submit]", m).filter(deep.shown);
  buttons.forEach((b, i) => b.setAttribute(attr, String(i)));
  return [deep.text(m, BUTTONS).replace(/\s+/g, " ").trim(),
          buttons.map(b => (b.getAttribute("aria-label") || deep.text(b) || b.value || "").replace(/\s+/g, " ").trim())];
}
