"""Text from the sites made safe for a terminal and a cron log: control and bidirectional characters
shown escaped (``\\x1b``, ``\\u202e``), so a name can neither move the cursor, wipe a line nor reverse
what follows it on screen; and values too long to read cut where they are laid out (``cut``)."""

from __future__ import annotations

import re

# C0 controls but the line break, DEL, C1 controls, the bidirectional marks, embeddings, overrides and
# isolates, and the Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


# A value of the sites as a person reads it (a name in the report or on the terminal): real names are
# well under 100 characters, so 300 keeps every one whole (the sandbox's 204-character one too) and a line readable.
VALUE_LIMIT = 300
# A line on the terminal or in cron's log: the robot's own longest (an error quoting a page) is under 700.
LINE_LIMIT = 1000


def cut(text: str, limit: int = VALUE_LIMIT) -> str:
    """``text`` for reading only, never for matching or typing: its first ``limit`` characters and how many
    more there were ("… (11,704 more characters)"); unchanged when it is no longer than that."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def shown(text: str) -> str:
    """``text`` with every unsafe character escaped; line breaks kept (the robot's own lines use them);
    a line longer than ``LINE_LIMIT`` cut (``cut``), so a value gone wrong cannot flood a terminal or cron's log."""
    return "\n".join(cut(line, LINE_LIMIT) for line in _UNSAFE.sub(_escape, text).split("\n"))


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 provider``, ``2 providers``: a count with its noun as a person writes it."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
