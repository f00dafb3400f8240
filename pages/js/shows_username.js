// uses: deep
// Whether this page is the account of `npi`: the value beside its "Username" words (plain text, a
// read-only input, a bold cell), or, where no such words are, the NPI shown as a title.
(npi) => {
  const norm = s => (s || "").replace(/[^A-Za-z]+/g, " ").trim().toLowerCase();
  const holds = root => {
    for (const i of deep.all("input, textarea", root)) if ((i.value || "").trim() === npi) return true;
    return new RegExp("(^|\\D)" + npi + "(\\D|$)").test(deep.text(root));
  };
  const labels = deep.all("label, th, td, dt, span, div, strong, b, p, legend")
    .filter(e => (e.textContent || "").length < 40 && /^user ?name$/.test(norm(e.textContent)));
  for (const l of labels) {
    if (l.control && (l.control.value || "").trim() === npi) return true;
    let around = l;
    for (let up = 0; up < 3 && around; up++, around = deep.up(around)) if (holds(around)) return true;
  }
  if (labels.length) return false;
  return deep.all("h1, h2, h3, h4, [role=heading], legend, title").some(holds);
}
