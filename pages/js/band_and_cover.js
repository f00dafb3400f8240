// uses: deep, landmark, cover, band, widen
// For a picture of the account's section, in one call: widens every box narrower than its value (widen.js,
// when `whole`), covers every secret and scrolls to the band, measured (band.js). The band runs from the
// first of `ends` to the lowest of `ends` and of the `more` that are there (every field the seed names, the
// Username; a box that comes only once Poll Direct Mailbox is ticked may not be). The secrets are the ones
// learned (at their path or by their signature), every password box (shadow roots' too), and every control
// whose words say "password", whatever its type.
// Null, with nothing covered or widened, when the band's ends or a learned secret are not there as learned;
// `clip` null where the band is not shown.
([ends, more, secrets, color, margin, whole]) => {
  const at = ends.map(landmark.find);
  if (at.includes(null)) return null;
  const covered = new Set(deep.all("input[type=password]"));
  const learned = [];
  for (const [path, sig] of secrets) {
    const same = [...document.querySelectorAll(path), ...document.getElementsByTagName(sig.split("/")[0])].filter(e => landmark.signature(e) === sig);
    if (!same.length) return null;
    same.forEach(e => { covered.add(e); learned.push(e); });
  }
  const widened = whole ? widen() : 0;
  for (const e of deep.all(landmark.CONTROLS)) if (/password/.test(landmark.signature(e).split(":").slice(1).join(":"))) covered.add(e);
  cover([...covered], color);
  if (!ends.length) return {widened};
  const others = [...more.map(landmark.find).filter(e => e), ...learned];
  return {widened, ...(band([...at, ...others], margin) || {clip: null})};
}
