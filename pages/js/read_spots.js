// uses: landmark, value_of, checked_of
// Each wanted control's value and checked state, by its learned spot, and whether it stands at its path
// itself: an id or a name that does not move when the page shifts (the control can then be acted on by it).
// `located`: controls only found, never read (the secrets). Null when any is not where it was learned.
([spots, located]) => {
  const out = {};
  const at = [];
  for (const [key, spot] of Object.entries({...spots, ...(located || {})})) {
    const e = landmark.find(spot);
    if (!e) return null;
    if (key in spots) out[key] = [value_of(e), checked_of(e)];
    if (/^(#[^ >]+|[a-z]+\[name=[^\]]+\])$/.test(spot[0]) && document.querySelector(spot[0]) === e) at.push(key);
  }
  return {values: out, at};
}
