"""One-time codes (TOTP, RFC 6238) for a login that asks for one after the password.

The secret comes from the environment or ``.env`` only (``MAXMD_TOTP_SECRET``, ``PORTAL_TOTP_SECRET``): the
base32 text an authenticator app is given, or the ``otpauth://`` address its QR code holds (which also
carries the digits and the period). Codes come from ``pyotp``. The secret is never shown: not by ``repr``,
not in an error; the redactor is given it too.

A code is used once: careful sites refuse one already used in its time window, so the robot never types a
code it has typed before (a second login in the same window, another worker's) and waits for the next one.
"""

from __future__ import annotations

import binascii
import threading
import time
from collections.abc import Callable, Mapping

import pyotp

from robot.errors import ConfigError


MARGIN_S = 3  # a code with less of its window left is not handed out: the next one is waited for


class OneTimeCodes:
    """A site's authenticator: the current code, never the same one twice (across this process's workers)."""

    def __init__(self, secret: str, variable: str) -> None:
        self.variable = variable
        self._totp = _parse(secret, variable)
        # For the redactor alone (never printed: see __repr__): the secret as given, and as decoded.
        self.forms = tuple(dict.fromkeys((secret.strip(), self._totp.secret)))
        self._lock = threading.Lock()
        self._last_used = -1  # the time window of the last code handed out
        self.refusals = 0  # codes the site refused this run: a second one, anywhere, stops the run

    def __repr__(self) -> str:  # a secret never reaches a log line through a dataclass's repr
        return f"OneTimeCodes({self.variable})"

    @property
    def period(self) -> int:
        return int(self._totp.interval)

    def code_at(self, when: float) -> str:
        """The code for the time ``when`` (seconds since the epoch)."""
        return self._totp.at(when)

    def window(self, when: float) -> int:
        return int(when // self.period)

    def fresh(self, wait: Callable[[float], object], clock: Callable[[], float] = time.time) -> str:
        """A code of a time window no code has been typed in yet, with a few seconds of it left to be typed and
        sent in (a site that refuses a window older than the last one used would refuse it after another's):
        the current window's, or the next (``wait`` is given the seconds until it begins; a stop may cut it short)."""
        with self._lock:  # workers log in one at a time here: each gets its own window
            now = clock()
            if self.window(now) <= self._last_used or self.period - now % self.period < MARGIN_S:
                start = max(self._last_used + 1, self.window(now) + 1) * self.period
                wait(start - now + 0.05)
                now = max(clock(), start)
            self._last_used = self.window(now)
            return self.code_at(now)

    def refused(self) -> int:
        """One more code refused; how many this run."""
        with self._lock:
            self.refusals += 1
            return self.refusals

    def next_window(self, wait: Callable[[float], object], clock: Callable[[], float] = time.time) -> str:
        """After a refused code: the next window's code, however recent the refused one was."""
        with self._lock:
            self._last_used = max(self._last_used, self.window(clock()))
        return self.fresh(wait, clock)


def codes_from(env: Mapping[str, str], prefix: str) -> OneTimeCodes | None:
    """A site's one-time codes where ``<PREFIX>_TOTP_SECRET`` is set (the environment or .env; never YAML)."""
    secret = env.get(f"{prefix}_TOTP_SECRET", "").strip()
    return OneTimeCodes(secret, f"{prefix}_TOTP_SECRET") if secret else None


def _parse(secret: str, variable: str) -> pyotp.TOTP:
    """A TOTP from base32 text (spaces and case as an app shows it are fine) or an otpauth:// address."""
    text = secret.strip()
    try:
        if text.lower().startswith("otpauth://"):
            parsed = pyotp.parse_uri(text)
            if not isinstance(parsed, pyotp.TOTP):
                raise ConfigError(f"{variable} is an otpauth:// address for counter codes (HOTP); the robot needs a "
                                  "time-based one (otpauth://totp/...), as an authenticator app shows it")
            totp = parsed
        else:
            totp = pyotp.TOTP("".join(text.split()).upper())
        totp.now()  # decodes the secret: bad base32 fails here, before a browser starts
    except ConfigError:
        raise
    except (ValueError, binascii.Error, TypeError):
        # The reason only: the value itself is a secret and is never repeated.
        raise ConfigError(f"{variable} is not a one-time-code secret: give the base32 text the site showed when the "
                          "authenticator was set up (letters A-Z and digits 2-7), or its otpauth:// address") from None
    if len(totp.secret.rstrip("=")) < 16:
        raise ConfigError(f"{variable} is too short for a one-time-code secret (sites give at least 16 base32 "
                          "characters); copy the whole secret the site showed")
    return totp
