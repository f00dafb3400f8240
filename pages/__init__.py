"""Page objects: one small class per screen of the two sites, built on the locator table in ``locators``."""

from pages.locators import DEFAULTS, SECRET_KEYS, Loc, Selectors

__all__ = ["DEFAULTS", "SECRET_KEYS", "Loc", "Selectors"]
