"""Where credentials may go: each site's own origin (scheme, host, port), and the single sign-on hosts
the practice trusts. Pure functions; the procedure asks before anything secret is typed."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from robot.errors import RobotError

_DEFAULT_PORTS = {"http": 80, "https": 443}


class WrongOrigin(RobotError):
    """A page that asks for a secret is not on an origin the practice configured: nothing is typed."""


def origin(url: str) -> str:
    """``scheme://host[:port]`` in lower case, the default port left out; "null" for an address without one
    (``about:blank``, ``data:``, a sandboxed frame), which is never trusted."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return "null"
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return "null"
    try:  # as a browser names it: an internationalised host in its ASCII form (xn--...)
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return "null"
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (``localhost``, 127.0.0.0/8, ``[::1]``): nothing it carries crosses a network."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http(url: str) -> bool:
    """An ``http://`` address off this machine: a password sent there can be read on the way."""
    return urlsplit(url.strip()).scheme.lower() == "http" and not is_loopback(url)


def trusted(found: str, allowed: tuple[str, ...]) -> bool:
    """Whether the page at ``found`` is on one of the ``allowed`` origins."""
    here = origin(found)
    return here != "null" and here in {origin(a) for a in allowed}


def require(found: str, allowed: tuple[str, ...], *, site: str, variable: str, what: str) -> None:
    """Raise WrongOrigin (exit 2) unless ``found`` is on one of ``allowed`` (the first is the site's own)."""
    if trusted(found, allowed):
        return
    extra = "sites.trusted_origins in robot.yaml"
    raise WrongOrigin(
        f"{site}: {what} is on {origin(found)}, not on {origin(allowed[0])} ({variable}): the site sent the "
        f"browser to another host, and nothing was typed there; check {variable}, or, if {origin(found)} is the "
        f"practice's own single sign-on, add it to {extra}")
