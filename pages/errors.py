"""The errors a page object raises, each carrying what its user needs to act on it.

They live here so that ``pages`` needs nothing from ``robot``; ``robot.errors`` adds the robot's own.
"""

from __future__ import annotations


class RobotError(Exception):
    """Base of every error the robot explains to its user; the CLI prints one line and exits."""

    exit_code = 2


class TransientFault(RobotError):
    """A fault worth a retry: a timeout, a 5xx page, a session that ended.

    Per provider it becomes that provider's failure; while reading the sites before any provider,
    it means the run could not start (exit 2).
    """


class SiteError(TransientFault):
    """A page answered with a server error (5xx)."""

    def __init__(self, status: int, url: str) -> None:
        self.status = status
        self.url = url
        super().__init__(f"the site answered HTTP {status} for {url}")


class PageAnswered(RobotError):
    """A page answered with a client error (4xx) where a login page or a screen should be. Not a fault worth
    a retry: the same address will get the same answer, so the address is what to look at, not a locator."""

    def __init__(self, status: int, url: str, shows: str, where: str = "") -> None:
        self.status = status
        self.url = url
        self.shows = shows
        instead = f" where {where} should be" if where else ""
        super().__init__(f"{url} answered HTTP {status} ({shows}){instead}")


class SessionExpired(TransientFault):
    """A page landed on the login form: the administrator's session ended."""

    def __init__(self, site: str) -> None:
        self.site = site
        super().__init__(f"the {site} session ended (the login page came back)")


_SELECTOR_HINT = "if the site names it differently, set {key} in config/selectors.yaml (see docs/adapting-to-your-portal.md)"


class NotFound(TransientFault):
    """A control the step needs never showed: truly missing, or named otherwise than the default says,
    or an operator's override (``written_at``: its file and line) that finds nothing."""

    def __init__(self, key: str, described: str, shows: str, written_at: str = "") -> None:
        self.key = key
        self.written_at = written_at
        if written_at:
            super().__init__(f"{key}: its override {described!r} ({written_at}) finds nothing; the page shows {shows}; "
                             "fix that line, or remove it to use the default (see docs/adapting-to-your-portal.md; "
                             "--check tries every key)")
            return
        super().__init__(f"{described} ({key}) was not found; the page shows {shows}; " + _SELECTOR_HINT.format(key=key))


class FoundMany(RobotError):
    """A control the step needs is matched more than once, so the robot cannot tell which one to use. Not a fault
    worth a retry: the page will match as many next time."""

    def __init__(self, key: str, described: str, count: str, written_at: str = "") -> None:
        self.key = key
        many = f"{count} elements" if count else "more than one element"
        if written_at:
            super().__init__(f"{key}: its override {described!r} ({written_at}) finds {many} where one is needed; "
                             "make that line match just the one control (see docs/adapting-to-your-portal.md)")
            return
        super().__init__(f"{described} ({key}) matches {many} where one is needed; set {key} in config/selectors.yaml "
                         "to a selector that matches just the one control (see docs/adapting-to-your-portal.md)")


class NotThere(TransientFault):
    """An action was done but what the next step needs did not come in time."""

    def __init__(self, what: str, seconds: float, shows: str) -> None:
        self.what = what
        super().__init__(f"waited {seconds:g} s for {what}, and the page shows {shows} instead; "
                         "if the site is only slow, raise run.timeout_seconds in robot.yaml")
