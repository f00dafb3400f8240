"""The errors a user can meet, each carrying what the user needs to act on it.

The page objects' own (``pages.errors``) are re-exported, so the robot catches them all from here.
"""

from __future__ import annotations

from pages.errors import NotFound, NotThere, RobotError, SessionExpired, SiteError, TransientFault

__all__ = [
    "BrowserFailed", "CannotWrite", "BrowserMissing", "ConfigError", "LoginRefused", "NotFound", "NotListed", "NotThere", "RobotError",
    "RunStopped", "SessionExpired", "SiteError", "SiteUnreachable", "StepFailed", "TransientFault", "first_line",
]


class ConfigError(RobotError):
    """Bad input: a config file, the roster, the selectors or the environment. Caught before a browser starts."""


class BrowserMissing(RobotError):
    """No Chromium to launch."""


class BrowserFailed(RobotError):
    """The browser would not start (or a remote one could not be reached)."""


class SiteUnreachable(RobotError):
    """A site did not answer at all."""


class LoginRefused(RobotError):
    """An administrator login was refused by the site."""


class NotListed(RobotError):
    """``--only`` or ``--force`` names an NPI neither site lists: the run stops (exit 2) before any account is opened."""


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
