// uses: landmark, value_of, checked_of
// Each wanted control's value and checked state, by its learned spot; null when any is not where it was learned.
(spots) => {
  const out = {};
  for (const [key, spot] of Object.entries(spots)) {
    const e = landmark.find(spot);
    if (!e) return null;
    out[key] = [value_of(e), checked_of(e)];
  }
  return out;
}
