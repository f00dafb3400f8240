// uses: deep
// A message box marked seen whose words have changed since is new again.
() => deep.all("[data-robot-seen]").forEach(e => {
  if (deep.text(e).trim() !== e.getAttribute("data-robot-seen")) e.removeAttribute("data-robot-seen");
})
