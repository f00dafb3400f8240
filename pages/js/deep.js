// The page beyond one document tree: every open shadow root, the words inside them, the way up out of them.
// Other scripts say `// uses: deep` and get this object as `deep` (pages/scripts.py).
(() => {
  // Every open shadow root inside root (root's own first, where root is a host), nested ones included.
  const shadows = (root) => {
    const out = [];
    const visit = (r) => {
      if (r.shadowRoot) { out.push(r.shadowRoot); visit(r.shadowRoot); }
      const it = document.createTreeWalker(r, NodeFilter.SHOW_ELEMENT);
      for (let e = it.nextNode(); e; e = it.nextNode()) if (e.shadowRoot) { out.push(e.shadowRoot); visit(e.shadowRoot); }
    };
    visit(root || document);
    return out;
  };
  // querySelectorAll, in root's tree and in every shadow root inside it; below an element, also what its
  // slots show from outside it (a dialog's buttons, slotted into its panel).
  const all = (css, root) => {
    root = root || document;
    const trees = [root, ...shadows(root)];
    const found = new Set();
    for (const t of trees) for (const e of t.querySelectorAll(css)) found.add(e);
    if (root !== document) {
      for (const t of trees) for (const slot of t.querySelectorAll("slot")) for (const el of slot.assignedElements({flatten: true})) {
        if (el.matches(css)) found.add(el);
        for (const e of all(css, el)) found.add(e);
      }
    }
    return [...found];
  };
  // The parent, or out of a shadow root to its host.
  const up = (e) => e.parentElement || (e.parentNode && e.parentNode.host) || null;
  const closest = (e, css) => { for (let a = e; a; a = up(a)) if (a.matches && a.matches(css)) return a; return null; };
  const contains = (a, b) => { for (let x = b; x; x = up(x)) if (x === a) return true; return false; };
  const shown = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
  // The element's words as shown, its shadow roots' included (innerText stops at a host's own children);
  // `skip`: CSS for parts whose words are left out (a modal's buttons).
  const text = (e, skip) => {
    if (!e) return "";
    const plain = (n) => {
      if (!skip) return n.innerText || "";
      const c = n.cloneNode(true);
      c.querySelectorAll(skip).forEach(b => b.remove());
      return c.textContent || "";
    };
    // Plain where no shadow root is inside and no slot shows words from outside (a web component's message box).
    const slotted = (n) => n.tagName === "SLOT" || (n.querySelector && n.querySelector("slot"));
    if (!shadows(e).length && !slotted(e)) return plain(e);
    const flat = (n) => {
      if (n.nodeType === Node.TEXT_NODE) return n.nodeValue;
      if (n.nodeType === Node.ELEMENT_NODE) {
        if (/^(SCRIPT|STYLE|TEMPLATE)$/.test(n.tagName) || (skip && n.matches(skip))) return "";
        if (n.tagName === "SLOT") {
          const assigned = n.assignedNodes({flatten: true});
          return (assigned.length ? assigned : [...n.childNodes]).map(flat).join(" ");
        }
        // A block's words on lines of their own, as innerText has them (an entry's name, its NPI, its status).
        const block = !/^inline/.test(getComputedStyle(n).display) ? "\n" : "";
        if (n.shadowRoot) return block + [...n.shadowRoot.childNodes].map(flat).join(" ") + block;
        if (!shadows(n).length && !slotted(n)) return shown(n) ? block + plain(n) + block : "";
        return block + [...n.childNodes].map(flat).join(" ") + block;
      } else if (n.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return "";
      return [...n.childNodes].map(flat).join(" ");
    };
    return flat(e).replace(/[ \t]+/g, " ").replace(/ ?\n[\n ]*/g, "\n").trim();
  };
  // An id looked up in the element's own tree (a label in a shadow root names controls in that root).
  const byId = (e, id) => { const r = e.getRootNode(); return (r.getElementById ? r.getElementById(id) : document.getElementById(id)); };
  // Elements in the order a person reads them: the composed tree's (a host's shadow content where it stands).
  const order = (els) => {
    const index = new Map();
    let n = 0;
    const visit = (r) => {
      for (let c = r.firstElementChild; c; c = c.nextElementSibling) {
        index.set(c, n++);
        if (c.shadowRoot) visit(c.shadowRoot);
        visit(c);
      }
    };
    visit(document);
    return [...els].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
  };
  // Where this document's page coordinates start in the top page's (a frame's offset, frames nested;
  // [0, 0] in the top document, and in a frame of another origin, whose parent it cannot see).
  const topOffset = () => {
    let x = 0, y = 0;
    for (let w = window; w !== w.parent; w = w.parent) {
      let e;
      try { e = w.frameElement; } catch (err) { e = null; }
      if (!e) break;
      const r = e.getBoundingClientRect();
      x += r.left + e.clientLeft - w.scrollX + w.parent.scrollX;
      y += r.top + e.clientTop - w.scrollY + w.parent.scrollY;
    }
    return [x, y];
  };
  return {shadows, all, up, closest, contains, shown, text, byId, order, topOffset};
})()
