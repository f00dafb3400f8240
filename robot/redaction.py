"""Every secret of a run, known in one place and scrubbed from any text the run writes."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"


class Redactor:
    """Knows every secret of the run and scrubs it from any text."""

    def __init__(self) -> None:
        self._secrets: list[str] = []
        self._lock = threading.Lock()

    def add(self, *secrets: str | None) -> None:
        with self._lock:  # workers add while others redact: swap in a new list, never change the one in use
            new = self._secrets + [s for s in dict.fromkeys(secrets) if s and s not in self._secrets]
            # Longest first, so a secret that contains another is removed whole.
            self._secrets = sorted(new, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for s in self._secrets:
            if s in text:
                text = text.replace(s, REDACTED)
        return text

    def found_in(self, data: bytes) -> bool:
        """True when ``data`` holds a secret as typed or as a form post or URL would carry it."""
        return any(form in data for s in self._secrets for form in _encodings(s))

    def scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub(v) for v in value]
        return value

    def processor(self, _logger: Any, _method: str, event_dict: dict) -> dict:
        """structlog processor: the last word on every log line."""
        return self.scrub(event_dict)


def _encodings(secret: str) -> set[bytes]:
    return {secret.encode(), quote(secret, safe="").encode(), quote_plus(secret).encode()}
