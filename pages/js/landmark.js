// uses: deep
// The landmarks' helpers (pages/landmarks.py): a control's path, its signature, and finding it again by both.
(() => {
  const CONTROLS = "input:not([type=hidden]), select, textarea, [role=checkbox], [role=switch], [role=combobox], [role=textbox], [role=listbox]";
  const norm = s => (s || "").replace(/[\s\u00a0]+/g, " ").trim().toLowerCase().slice(0, 80);
  const unique = sel => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  // Its kind and the words that label it.
  const signature = el => {
    let words = "";
    if (el.labels && el.labels.length) words = [...el.labels].map(l => deep.text(l)).join(" ");
    else if (el.getAttribute("aria-label")) words = el.getAttribute("aria-label");
    else if (el.getAttribute("aria-labelledby"))
      words = el.getAttribute("aria-labelledby").split(/\s+/).map(id => deep.text(deep.byId(el, id))).join(" ");
    else if (el.matches(CONTROLS)) {
      for (let a = deep.up(el); a && deep.all(CONTROLS, a).length <= 1; a = deep.up(a)) words = deep.text(a);
    } else words = deep.text(el);
    return el.tagName.toLowerCase() + "/" + (el.getAttribute("type") || el.getAttribute("role") || "") + ":" + norm(words);
  };
  // An id, a name, or the elements' order from the nearest id up: in the top document's tree only.
  const pathOf = el => {
    if (el.id && unique("#" + CSS.escape(el.id))) return "#" + CSS.escape(el.id);
    const name = el.getAttribute("name");
    if (name && unique(el.tagName.toLowerCase() + "[name=" + JSON.stringify(name) + "]"))
      return el.tagName.toLowerCase() + "[name=" + JSON.stringify(name) + "]";
    const parts = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (e !== el && e.id && unique("#" + CSS.escape(e.id))) { parts.unshift("#" + CSS.escape(e.id)); return parts.join(" > "); }
      let i = 1;
      for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) i++;
      parts.unshift(e.tagName.toLowerCase() + ":nth-of-type(" + i + ")");
    }
    return "html > " + parts.join(" > ");
  };
  // Where it was learned, else (the page has shifted: a message above it) the one element of its kind with its signature.
  const find = ([path, sig]) => {
    const at = document.querySelectorAll(path);
    if (at.length === 1 && signature(at[0]) === sig) return at[0];
    const same = [...document.getElementsByTagName(sig.split("/")[0])].filter(e => signature(e) === sig);
    return same.length === 1 ? same[0] : null;
  };
  return {CONTROLS, signature, pathOf, find};
})()
