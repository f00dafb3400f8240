// uses: deep, landmark, cover, band
// Covers every secret and scrolls to the band, measured (band.js): the secrets are the ones learned (at
// their path or by their signature), every password box (shadow roots' too), and every control whose
// words say "password", whatever its type (a box that comes only once Poll Direct Mailbox is ticked).
// Null, with nothing covered, when the band's ends or a learned secret are not there as learned.
([ends, secrets, color, margin]) => {
  const at = ends.map(landmark.find);
  if (at.includes(null)) return null;
  const covered = new Set(deep.all("input[type=password]"));
  for (const [path, sig] of secrets) {
    const same = [...document.querySelectorAll(path), ...document.getElementsByTagName(sig.split("/")[0])].filter(e => landmark.signature(e) === sig);
    if (!same.length) return null;
    same.forEach(e => covered.add(e));
  }
  for (const e of deep.all(landmark.CONTROLS)) if (/password/.test(landmark.signature(e).split(":").slice(1).join(":"))) covered.add(e);
  cover([...covered], color);
  return ends.length ? band(at, margin) : {};
}
