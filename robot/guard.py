"""Nothing secret is typed unless the page that asks for it is where the practice said (robot.origins):
the one check before every password field, a login's and a provider's alike."""

from __future__ import annotations

from typing import Any

from pages.base import Screen
from robot import origins
from robot.errors import NotFound
from robot.settings import Site


def typed_only_at(screen: Screen, key: str, site: Site, what: str, log: Any, *, login: bool = False) -> None:
    """Raise WrongOrigin unless ``key``'s field is on an origin ``site`` allows: for a login the site or a
    sign-on host it trusts, for a provider's passwords the site alone."""
    allowed = site.login_origins if login else site.own_origin  # the site's own origin first
    try:
        found = screen.origin_of(key)
    except NotFound:  # no such field: where the browser was sent elsewhere, that is the answer
        origins.require(screen.page.url, allowed, site=site.name, variable=site.variable, what=what)
        raise
    if login:  # the log says where each site's login was found
        log.info("login page", site=site.name, origin=origins.origin(found), allowed=list(allowed))
    origins.require(found, allowed, site=site.name, variable=site.variable, what=what)
