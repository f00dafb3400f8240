// uses: deep
// What the page shows, in a few words for a message: its title, its first heading, its first messages.
(messages) => {
  const clip = s => (s || "").replace(/\s+/g, " ").trim().slice(0, 120);
  const seen = el => el && deep.shown(el);
  const heading = deep.all("h1, h2, h3, [role=heading], legend").find(seen);
  const said = deep.all(messages.join(",")).filter(seen).map(e => clip(deep.text(e))).filter(Boolean);
  const parts = [`title "${clip(document.title)}"`];
  if (heading) parts.push(`heading "${clip(deep.text(heading))}"`);
  if (said.length) parts.push(`message "${said.slice(0, 2).join(" / ")}"`);
  return parts.join(", ");
}
