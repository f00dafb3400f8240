"""Provider passwords, generated with ``secrets`` to a configurable policy."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

# Symbols that survive a CSV file, a spreadsheet, an e-mail and being read aloud: no quotes,
# commas, backslashes, spaces or characters that look alike.
DEFAULT_SYMBOLS = "!#$%&*+-=?@^_"
_LOOKALIKES = set("O0Il1|")
# What a spreadsheet reads as the start of a formula (OWASP, CSV injection), and the quote that escapes one:
# no generated password starts with one, so its handoff cell is never changed.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class PasswordPolicy:
    length: int = 16
    upper: bool = True
    lower: bool = True
    digit: bool = True
    symbol: bool = True
    symbols: str = DEFAULT_SYMBOLS

    def classes(self) -> list[str]:
        out = []
        if self.upper:
            out.append("".join(c for c in string.ascii_uppercase if c not in _LOOKALIKES))
        if self.lower:
            out.append("".join(c for c in string.ascii_lowercase if c not in _LOOKALIKES))
        if self.digit:
            out.append("".join(c for c in string.digits if c not in _LOOKALIKES))
        if self.symbol:
            out.append(self.symbols)
        return out

    def problem(self) -> str | None:
        """Why this policy cannot produce passwords the portal takes, or None."""
        if self.length < 8:
            return "length must be at least 8 (the portal demands 8 or more characters)"
        if self.length > 128:
            return "length must be at most 128"
        if self.symbol and not self.symbols:
            return "symbols must not be empty when symbol is true"
        if self.symbol and any(c.isspace() or c in "\",'\\" for c in self.symbols):
            return "symbols must not contain spaces, quotes, commas or backslashes"
        if not (self.upper and self.lower and self.digit and self.symbol):
            return "upper, lower, digit and symbol must all stay true (the portal demands all four kinds)"
        return None


def generate(policy: PasswordPolicy) -> str:
    """A password of ``policy.length`` characters holding at least one of every required class, never
    starting with a spreadsheet's formula character (``FORMULA_START``)."""
    classes = policy.classes()
    alphabet = "".join(classes)
    while True:  # drawn again whole, not edited, so the passwords kept are as random as before
        chars = [secrets.choice(c) for c in classes]
        chars += [secrets.choice(alphabet) for _ in range(policy.length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        if not chars[0].startswith(FORMULA_START):
            return "".join(chars)


def for_provider(given: tuple[str | None, str | None], policy: PasswordPolicy, *, same: bool) -> tuple[str, str]:
    """A provider's portal and Direct passwords: those given (providers.yaml's ``password_env``), else
    generated; the Direct one the portal's where ``same`` (the seed's advice)."""
    portal = given[0] or generate(policy)
    direct = given[1] or (portal if same else generate(policy))
    return portal, direct


def meets(password: str, policy: PasswordPolicy) -> bool:
    """True when ``password`` satisfies the policy's length and classes (for passwords given by the user)."""
    if len(password) < 8:  # the portal's own minimum; the policy's length is for generated ones
        return False
    checks = [
        (policy.upper, any(c.isupper() for c in password)),
        (policy.lower, any(c.islower() for c in password)),
        (policy.digit, any(c.isdigit() for c in password)),
        (policy.symbol, any(not c.isalnum() for c in password)),
    ]
    return all(ok for required, ok in checks if required)
