// A selector engine, registered as "robot-cookie-banner" (pages/gate.py): the innermost block that reads as a
// cookie banner (its words say "cookie") and shows a control named, whole, one of the selector's names ("Accept
// all|OK"): a dialog, or a block the consent tools name so by id, class or label; never one asking for a password.
// Native CSS in one pass: Playwright asks it before every action, so it must cost next to nothing.
(() => {
  const BLOCKS = "[role=dialog], [role=alertdialog], [aria-modal=true], dialog[open], [aria-label*=cookie i], " +
    "[aria-label*=consent i], [id*=cookie i], [class*=cookie i], [id*=consent i], [class*=consent i], [id*=gdpr i], [class*=gdpr i]";
  const CONTROLS = "button, a[href], [role=button], [role=link], input[type=button], input[type=submit]";
  const norm = (s) => (s || "").toLowerCase().replace(/[\W_]+/g, " ").trim();
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const answers = (block, names) => [...block.querySelectorAll(CONTROLS)]
    .filter((c) => names.has(norm(c.getAttribute("aria-label") || c.innerText || c.value || "")) && shown(c));
  const queryAll = (root, selector) => {
    const names = new Set(selector.split("|").map(norm).filter(Boolean));
    const found = [...root.querySelectorAll(BLOCKS)].filter((e) => /\bcookies?\b/i.test(e.textContent || "")
      && !e.querySelector("input[type=password]") && answers(e, names).length);
    return found.filter((e) => !found.some((o) => o !== e && e.contains(o)));
  };
  return { query: (root, selector) => queryAll(root, selector)[0] || null, queryAll };
})()
