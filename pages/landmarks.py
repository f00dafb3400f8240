"""Where the account page's controls stand, learned once by their words and then looked up by plain paths.

Every account page of a portal comes from one template. On the first one, each control is found
through the locator table (words, roles, labels), and its path in the page (an id, a name, or the
elements' order) and signature (its kind and the words that label it) are kept. On the next pages the
reads, the picture's band and its masks are one script of the page's own, so no selector engine and no
copy of Playwright's script is needed there. A path that finds nothing, or a signature not the one
learned, makes the whole look return nothing, and the caller finds the controls by their words again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Frame, Page

from pages.locators import SECRET_KEYS, Selectors
from pages.scripts import fetched, script

Scope = Page | Frame  # the page's top document, or the frame the account page is in

SECTION_KEY = "portal.account.section"
USERNAME = "username"  # the Username's label: in the pictures' band only
USERNAME_WORDS = re.compile(r"^\W*user\s*name\W*$", re.I)
FIELD_KEYS = ("display_name", "first_name", "last_name", "email", "emergency_access", "poll_direct", "direct_address")


@dataclass(frozen=True)
class Landmarks:
    """The learned path and signature of each control of the account page, by key."""

    spots: dict[str, tuple[str, str]]
    secrets: tuple[tuple[str, str], ...]  # every secret field the account page showed, by path and signature
    cover: bool = True  # False where an operator's override says where a secret is: masked by the locators alone
    secret_spots: tuple[tuple[str, tuple[str, str]], ...] = ()  # each secret key's field, where it is there once

    @classmethod
    def learn(cls, page: Scope, selectors: Selectors) -> Landmarks | None:
        """Learn from the account page shown now; None where a control is not there exactly once, has no
        words of its own to be told by, or is in a shadow root (no plain path reaches it)."""
        direct = selectors("portal.account.direct_address", page)
        locators = {SECTION_KEY: selectors(SECTION_KEY, page).filter(has_not=direct).first}
        locators.update({f"portal.account.{k}": selectors(f"portal.account.{k}", page) for k in FIELD_KEYS})
        spots: dict[str, tuple[str, str]] = {}
        for key, loc in locators.items():
            found = loc.evaluate_all(script("learn"))
            if len(found) != 1 or not found[0][2]:
                return None
            spots[key] = (found[0][0], found[0][1])
        # The Username's words, for the pictures' band (not a control the robot uses: where it is not found once, the band does without it).
        username = page.get_by_text(USERNAME_WORDS).evaluate_all(script("learn"))
        if len(username) == 1 and username[0][2]:
            spots[USERNAME] = (username[0][0], username[0][1])
        # A secret in a shadow root has no plain path: band_and_cover then finds nothing and leaves the masks to the locators.
        found = {key: selectors(key, page).evaluate_all(script("learn")) for key in SECRET_KEYS}
        secrets = [(path, sig) for learned in found.values() for path, sig, _ in learned]
        keyed = tuple((key, (f[0][0], f[0][1])) for key, f in found.items() if len(f) == 1 and f[0][2])
        cover = all(selectors.source(key) == "default" for key in SECRET_KEYS)
        return cls(spots, tuple(dict.fromkeys(secrets)), cover, keyed)

    def read(self, page: Scope, keys: tuple[str, ...]) -> tuple[dict[str, tuple[str | None, bool | None]], dict[str, str]] | None:
        """Each key's (value, checked) from the page, in one call, and the plain CSS (an id or a name) of every
        control of the page, the secrets' included, that stands at its learned path: it can be acted on by
        it. None when any is not where it was."""
        found = page.evaluate(script("read_spots"), [{k: self.spots[k] for k in keys}, dict(self.secret_spots)])
        if found is None:
            return None
        paths = {**self.spots, **dict(self.secret_spots)}
        return {k: (v[0], v[1]) for k, v in found["values"].items()}, {k: paths[k][0] for k in found["at"]}

    def read_fetched(self, page: Scope, href: str, npi: str, keys: tuple[str, ...],
                     timeout_ms: float) -> dict[str, tuple[str | None, bool | None]] | None:
        """Each key's (value, checked) on ``href``'s page as the server sends it now: fetched with the session's
        cookies and read there, never shown (``read_back.js``). None where that is not ``npi``'s account page as
        learned: a page its own scripts build, a login form, an error. A fetch longer than ``timeout_ms`` raises."""
        found = page.evaluate(fetched("read_back"), [href, timeout_ms, [self.spots[SECTION_KEY], npi, {k: self.spots[k] for k in keys}]])
        return None if found is None else {k: (v[0], v[1]) for k, v in found["values"].items()}

    def is_account_of(self, page: Scope, npi: str) -> bool | None:
        """Whether the page is ``npi``'s account (by the Username's value, ``shows_username.js``); None: the
        section's title is not there as learned (ask the locators)."""
        titled, shows = page.evaluate(script("account_of"), [self.spots[SECTION_KEY], npi])
        return bool(shows) if titled else None

    def band_and_cover(self, page: Scope, color: str, margin: int) -> dict | None:
        """Widen the boxes narrower than their values, cover the secrets, scroll to the band and measure it, in
        one call (``band_and_cover.js``): from the section's title to the lowest of the Username and every
        field the seed names. ``widened`` says how many boxes were widened (``unwiden.js`` puts them back)."""
        if not self.cover:
            return None
        ends = [self.spots[SECTION_KEY], self.spots["portal.account.direct_address"]]
        more = [spot for key, spot in self.spots.items() if key not in (SECTION_KEY, "portal.account.direct_address")]
        return page.evaluate(script("band_and_cover"), [ends, more, list(self.secrets), color, margin, True])

    def cover_secrets(self, page: Scope, color: str) -> bool:
        """Cover the secrets as ``band_and_cover`` does, without scrolling or widening; False where they are not as learned."""
        return self.cover and page.evaluate(script("band_and_cover"), [[], [], list(self.secrets), color, 0, False]) is not None
