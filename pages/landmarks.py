"""Where the account page's controls stand, learned once by their words and then looked up by plain paths.

Every account page of a portal comes from one template. On the first one, each control is found
through the locator table (words, roles, labels), and its path in the page (an id, a name, or the
elements' order) and signature (its kind and the words that label it) are kept. On the next pages the
reads, the picture's band and its masks are one script of the page's own, so no selector engine and no
copy of Playwright's script is needed there. A path that finds nothing, or a signature not the one
learned, makes the whole look return nothing, and the caller finds the controls by their words again.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from pages.locators import SECRET_KEYS, Selectors

# The script's helpers: a control's path, its signature, and finding it again by both.
_HELPERS = r"""
const CONTROLS = "input:not([type=hidden]), select, textarea, [role=checkbox], [role=switch], [role=combobox], [role=textbox], [role=listbox]";
const norm = s => (s || "").replace(/[\s\u00a0]+/g, " ").trim().toLowerCase().slice(0, 80);
const unique = sel => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
const signature = el => {
  let words = "";
  if (el.labels && el.labels.length) words = [...el.labels].map(l => l.innerText).join(" ");
  else if (el.getAttribute("aria-label")) words = el.getAttribute("aria-label");
  else if (el.getAttribute("aria-labelledby"))
    words = el.getAttribute("aria-labelledby").split(/\s+/).map(id => (document.getElementById(id) || {}).innerText || "").join(" ");
  else if (el.matches(CONTROLS)) {
    for (let a = el.parentElement; a && a.querySelectorAll(CONTROLS).length <= 1; a = a.parentElement) words = a.innerText;
  } else words = el.innerText;
  return el.tagName.toLowerCase() + "/" + (el.getAttribute("type") || el.getAttribute("role") || "") + ":" + norm(words);
};
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
"""

# Each element's path and signature, and whether the signature names it alone on this page (words,
# and no other element of its tag with the same ones): only such a control can be found again safely.
_LEARN = f"""(els) => {{ {_HELPERS} return els.map(e => {{
  const sig = signature(e), alone = [...document.getElementsByTagName(e.tagName)].filter(o => signature(o) === sig).length === 1;
  return [pathOf(e), sig, alone && !sig.endsWith(":")];
}}); }}"""

# What Playwright's input_value and is_checked read of one element: null where they would refuse.
VALUE_OF = """e => e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement ? e.value : null"""
CHECKED_OF = """e => {
  if (e instanceof HTMLInputElement && (e.type === "checkbox" || e.type === "radio")) return e.checked;
  const role = e.getAttribute("role"), state = e.getAttribute("aria-checked");
  return ["checkbox", "radio", "switch"].includes(role) && (state === "true" || state === "false") ? state === "true" : null;
}"""

# Each wanted control's value and checked state; null when any of them is not where it was learned.
_READ = f"""(spots) => {{ {_HELPERS}
  const out = {{}};
  for (const [key, spot] of Object.entries(spots)) {{
    const e = find(spot);
    if (!e) return null;
    out[key] = [({VALUE_OF})(e), ({CHECKED_OF})(e)];
  }}
  return out;
}}"""

# Scrolls the band's first element to the top (less a margin) and measures the band in page coordinates
# ("clip"); a band taller than the window is "full", taken from the whole page so none of it is cut off.
# A bar pinned to the window's top above the band's first element (a fixed or sticky navigation bar, up
# to a third of the window tall) would cover it there, and is drawn at the top of a clip too: the band
# starts that much higher.
BAND_JS = """(els, margin) => {
  const shown = els.filter(e => e.getClientRects().length);
  if (!shown.length) return null;
  shown[0].scrollIntoView({block: "start"});
  const first = shown[0].getBoundingClientRect();
  let bar = 0;
  for (const f of [0.25, 0.5, 0.75]) {  // above the first element only: a toast at the side covers nothing of it
    for (let e of document.elementsFromPoint(first.left + f * first.width, 1)) {
      for (; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
        if (!/^(fixed|sticky)$/.test(getComputedStyle(e).position)) continue;
        const r = e.getBoundingClientRect();
        if (r.top <= 1 && r.bottom < window.innerHeight / 3 && !e.contains(shown[0])) bar = Math.max(bar, r.bottom);
        break;
      }
    }
  }
  window.scrollBy(0, -margin - bar);
  let top = Infinity, bottom = -Infinity;
  for (const e of shown) {
    const r = e.getBoundingClientRect();
    top = Math.min(top, r.top);
    bottom = Math.max(bottom, r.bottom);
  }
  const y = Math.max(0, top - margin - bar), end = bottom + margin, width = document.documentElement.clientWidth;
  if (end - y < 40) return null;
  return {
    full: end > window.innerHeight,
    clip: {x: 0, y: y + window.scrollY, width: width, height: end - y},
  };
}"""

# Covers every secret field with a box of the mask colour, as Playwright's mask does (the boxes of
# the last picture go first; they let clicks through and go with the page).
COVER_JS = """(els, color) => {
  for (const old of document.querySelectorAll("[data-robot-mask]")) old.remove();
  for (const e of els) {
    for (const r of e.getClientRects()) {
      const box = document.createElement("div");
      box.setAttribute("data-robot-mask", "");
      // Where the field is in the page, not the window: a capture beyond the window keeps it covered.
      box.style.cssText = "position:absolute;margin:0;padding:0;border:0;pointer-events:none;z-index:2147483647;"
        + `left:${r.left + window.scrollX}px;top:${r.top + window.scrollY}px;width:${r.width}px;height:${r.height}px;background:${color}`;
      document.documentElement.appendChild(box);
    }
  }
}"""

# Covers every secret and scrolls to the band, measured (``BAND_JS``): the secrets are the ones learned
# (at their path or by their signature), every password box, and every control whose words say
# "password", whatever its type (a box that comes only once Poll Direct Mailbox is ticked). Null, with
# nothing covered, when the band's ends or a learned secret are not there as learned.
_BAND_AND_COVER = f"""([band, secrets, color, margin]) => {{ {_HELPERS}
  const ends = band.map(find);
  if (ends.includes(null)) return null;
  const covered = new Set(document.querySelectorAll("input[type=password]"));
  for (const [path, sig] of secrets) {{
    const same = [...document.querySelectorAll(path), ...document.getElementsByTagName(sig.split("/")[0])].filter(e => signature(e) === sig);
    if (!same.length) return null;
    same.forEach(e => covered.add(e));
  }}
  for (const e of document.querySelectorAll(CONTROLS)) if (/password/.test(signature(e).split(":").slice(1).join(":"))) covered.add(e);
  ({COVER_JS})([...covered], color);
  return band.length ? ({BAND_JS})(ends, margin) : {{}};
}}"""

# Whether the section's title is there, and whether the page shows ``npi`` as its Username (``{shows}``).
_ACCOUNT_OF = """([title, npi]) => {{ %s return [find(title) !== null, ({shows})(npi)]; }}""" % _HELPERS.replace("{", "{{").replace("}", "}}")

SECTION_KEY = "portal.account.section"
FIELD_KEYS = ("display_name", "first_name", "last_name", "email", "emergency_access", "poll_direct", "direct_address")


@dataclass(frozen=True)
class Landmarks:
    """The learned path and signature of each control of the account page, by key."""

    spots: dict[str, tuple[str, str]]
    secrets: tuple[tuple[str, str], ...]  # every secret field the account page showed, by path and signature
    cover: bool = True  # False where an operator's override says where a secret is: masked by the locators alone

    @classmethod
    def learn(cls, page: Page, selectors: Selectors) -> Landmarks | None:
        """Learn from the account page shown now; None where a control is not there exactly once, or
        has no words of its own to be told by."""
        direct = selectors("portal.account.direct_address", page)
        locators = {SECTION_KEY: selectors(SECTION_KEY, page).filter(has_not=direct).first}
        locators.update({f"portal.account.{k}": selectors(f"portal.account.{k}", page) for k in FIELD_KEYS})
        spots: dict[str, tuple[str, str]] = {}
        for key, loc in locators.items():
            found = loc.evaluate_all(_LEARN)
            if len(found) != 1 or not found[0][2]:
                return None
            spots[key] = (found[0][0], found[0][1])
        secrets = [(path, sig) for key in SECRET_KEYS for path, sig, _ in selectors(key, page).evaluate_all(_LEARN)]
        cover = all(selectors.source(key) == "default" for key in SECRET_KEYS)
        return cls(spots, tuple(dict.fromkeys(secrets)), cover)

    def read(self, page: Page, keys: tuple[str, ...]) -> dict[str, tuple[str | None, bool | None]] | None:
        """Each key's (value, checked) from the page, in one call; None when any is not where it was."""
        found = page.evaluate(_READ, {k: self.spots[k] for k in keys})
        return None if found is None else {k: (v[0], v[1]) for k, v in found.items()}

    def is_account_of(self, page: Page, npi: str, shows_username: str) -> bool | None:
        """Whether the page is ``npi``'s account (``shows_username``: the script that tells by the
        Username's value); None: the section's title is not there as learned (ask the locators)."""
        titled, shows = page.evaluate(_ACCOUNT_OF.format(shows=shows_username), [self.spots[SECTION_KEY], npi])
        return bool(shows) if titled else None

    def band_and_cover(self, page: Page, color: str, margin: int) -> dict | None:
        """Scroll to the band, cover the secrets and measure the band, in one call (see ``_BAND_AND_COVER``)."""
        if not self.cover:
            return None
        band = [self.spots[SECTION_KEY], self.spots["portal.account.direct_address"]]
        return page.evaluate(_BAND_AND_COVER, [band, list(self.secrets), color, margin])

    def cover_secrets(self, page: Page, color: str) -> bool:
        """Cover the secrets as ``band_and_cover`` does, without scrolling; False where they are not as learned."""
        return self.cover and page.evaluate(_BAND_AND_COVER, [[], list(self.secrets), color, 0]) is not None
