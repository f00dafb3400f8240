// uses: deep
// Every short piece of visible text a person could take for a control's name (--check's nearest words).
() => deep.all("a, button, label, legend, th, td, h1, h2, h3, h4, h5, h6, [role], span, b, strong, div, p, li, option, summary")
  .filter(e => deep.shown(e) && e.children.length < 3)
  .map(e => deep.text(e).replace(/\s+/g, " ").trim()).filter(t => t && t.length < 60)
