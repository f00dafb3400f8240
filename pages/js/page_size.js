// The page's whole size, as a full-page screenshot takes it.
() => {
  const d = document.documentElement, b = document.body || d;
  return [Math.ceil(Math.max(d.scrollWidth, b.scrollWidth, d.clientWidth)), Math.ceil(Math.max(d.scrollHeight, b.scrollHeight, d.clientHeight))];
}
