// uses: deep
// Each link's words and the address it opens; "" for a link that only runs a script (javascript:, or
// "#" back to this very page).
(els) => els.map(e => {
  const href = e.href || "", here = location.href.split("#")[0];
  const opens = href && !href.startsWith("javascript:") && href.split("#")[0] !== here;
  return [(deep.text(e) || e.textContent || "").trim(), opens ? href : ""];
})
