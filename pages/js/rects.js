// uses: deep
// Where each element is in the top page (not the window, not its frame); null for one not shown.
(els) => {
  const [dx, dy] = deep.topOffset();
  return els.map(e => {
    const r = e.getBoundingClientRect();
    return r.width && r.height ? {x: r.left + window.scrollX + dx, y: r.top + window.scrollY + dy, width: r.width, height: r.height} : null;
  });
}
