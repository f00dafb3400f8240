// uses: deep
// Scrolls the element into view, and to the end of every box that scrolls around it; whether anything
// moved (a list that loads more rows as it is scrolled has somewhere to go).
(e) => {
  const boxes = [];
  for (let a = deep.up(e); a; a = deep.up(a)) if (a.scrollHeight > a.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(a).overflowY)) boxes.push(a);
  const before = [window.scrollY, ...boxes.map(b => b.scrollTop)];
  e.scrollIntoView({block: "end"});
  for (const b of boxes) b.scrollTop = b.scrollHeight;
  const after = [window.scrollY, ...boxes.map(b => b.scrollTop)];
  return before.some((v, i) => Math.abs(v - after[i]) > 1);
}
