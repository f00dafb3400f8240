"""The errors a user can meet, each carrying what the user needs to act on it.

The page objects' own (``pages.errors``) are re-exported, so the robot catches them all from here.
"""

from __future__ import annotations

from pages.errors import FoundMany, NotFound, NotThere, PageAnswered, RobotError, SessionExpired, SiteError, TransientFault
from robot.safetext import plural

__all__ = [
    "BrowserFailed", "CannotWrite", "FoundMany", "BrowserMissing", "ConfigError", "LoginBlocked", "LoginRefused", "NotFound", "NotListed", "NotThere", "PageAnswered", "RobotError",
    "RunStopped", "SessionExpired", "SiteError", "SiteUnreachable", "StepFailed", "TransientFault", "WrongAddress", "first_line",
]


class ConfigError(RobotError):
    """Bad input: a config file, the roster, the selectors or the environment. Caught before a browser starts."""


class BrowserMissing(RobotError):
    """No Chromium to launch."""


class BrowserFailed(RobotError):
    """The browser would not start (or a remote one could not be reached)."""


class SiteUnreachable(RobotError):
    """A site did not answer at all."""


class WrongAddress(RobotError):
    """A site answered 4xx where its login page should be: the configured address is wrong (exit 2)."""

    def __init__(self, site: str, variable: str, url: str, answer: PageAnswered, seen: str = "") -> None:
        sent = f", sent on to {answer.url}," if answer.url != url else ""
        super().__init__(f"{site}'s login page {variable}={url}{sent} answered HTTP {answer.status} ({answer.shows}): "
                         f"the site has no login page there; set {variable} (in .env or the environment) to the address "
                         f"a browser shows on the {site} login page{seen}")


class LoginRefused(RobotError):
    """An administrator login was refused by the site."""


class LoginBlocked(LoginRefused):
    """A login the robot cannot complete and must not try again: a second factor only a person can give, a
    locked account, a session open elsewhere, a page it does not know how to pass (exit 2, no further tries)."""


class NotListed(RobotError):
    """``--only`` or ``--force`` names an NPI neither site lists: the run stops (exit 2) before any account is opened."""

    def __init__(self, missing: list[str], only: frozenset[str], entries: int, clinicians: int) -> None:
        self.missing = missing
        flags = ", ".join(f"--{'only' if npi in only else 'force'} {npi}" for npi in missing)
        super().__init__(f"{flags}: neither MaxMD nor the portal lists {'this NPI' if len(missing) == 1 else 'these NPIs'} "
                         f"(MaxMD lists {plural(entries, 'provider')}, the portal {plural(clinicians, 'Clinician account')}); check the number "
                         "(a typo can still pass the check digit) and run again; nothing was changed")


class StepFailed(RobotError):
    """One step for one provider failed; the run goes on with the others."""

    exit_code = 1

    def __init__(self, step: str, message: str, *, provider: str = "", hint: str = "") -> None:
        self.step = step
        self.provider = provider
        self.hint = hint
        self.detail = message
        who = f"{provider}: " if provider else ""
        tail = f" — {hint}" if hint else ""
        super().__init__(f"{who}step '{step}' failed: {message}{tail}")


class CannotWrite(RobotError):
    """The run folder could not be written (a full disk, a folder made read-only): the run stops (exit 2),
    since it would otherwise go on without its audit trail or, worse, without its handoff."""

    def __init__(self, run_dir: object, error: OSError, who: str = "") -> None:
        self.error = error
        reason = error.strerror or str(error)
        at = f" at {who}" if who else ""
        super().__init__(f"cannot write the run folder {run_dir} ({reason}){at}: free some space (or make the folder "
                         "writable, or choose another --out) and run again")


class RunStopped(RobotError):
    """Ctrl-C or SIGTERM: the run stopped between two steps."""

    exit_code = 130


def first_line(exc: BaseException) -> str:
    """An exception in one line: Playwright's messages go on with a call log."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
