// uses: deep
// Puts back what widen.js changed for a picture: each element's style as it was.
() => {
  for (const e of deep.all("[data-robot-widened]")) {
    const was = e.getAttribute("data-robot-widened");
    if (was === "\u0000") e.removeAttribute("style"); else e.setAttribute("style", was);
    e.removeAttribute("data-robot-widened");
  }
}
