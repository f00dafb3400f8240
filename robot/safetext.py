"""Text from the sites made safe for a terminal and a cron log: control and bidirectional characters
shown escaped (``\\x1b``, ``\\u202e``), so a name can neither move the cursor, wipe a line nor reverse
what follows it on screen."""

from __future__ import annotations

import re

# C0 controls but the line break, DEL, C1 controls, the bidirectional marks, embeddings, overrides and
# isolates, and the Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def shown(text: str) -> str:
    """``text`` with every unsafe character escaped; line breaks kept (the robot's own lines use them)."""
    return _UNSAFE.sub(_escape, text)
