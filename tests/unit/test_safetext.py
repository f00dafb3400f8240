"""The sites' words on a terminal and in cron's log: control and bidirectional characters shown escaped."""

from __future__ import annotations

import io
import json

from pages.locators import Selectors
from robot.audit import Audit, Redactor
from robot.safetext import shown


def test_escape_sequences_and_direction_overrides_are_shown_escaped() -> None:
    name = "Jane\x1b[2K\x1b]0;pwned\x07 Okafor \u202eDO\u202c \u2066x\u2069\r\x00\x85"
    out = shown(name)
    assert out == "Jane\\x1b[2K\\x1b]0;pwned\\x07 Okafor \\u202eDO\\u202c \\u2066x\\u2069\\x0d\\x00\\x85"
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u202e\u202c\u2066\u2069" for c in out)


def test_ordinary_words_and_line_breaks_are_left_alone() -> None:
    text = "configured  1234567893  Tomás Herrera, OD — O'Brien «ok»\n      the next line"
    assert shown(text) == text


def test_the_terminal_and_the_log_never_get_a_raw_control_character(tmp_path) -> None:
    terminal = io.StringIO()
    audit = Audit(tmp_path / "run", Selectors(), Redactor(), out=terminal)
    audit.say("[1/1 0:01] configured  1234567893  Evil\x1b[2K\u202eDO")
    audit.log.info("provider", name="Evil\x1b[2K\u202eDO")
    audit.close()
    assert "\x1b" not in terminal.getvalue() and "\u202e" not in terminal.getvalue()
    assert "Evil\\x1b[2K\\u202eDO" in terminal.getvalue()
    log = (tmp_path / "run" / "robot.log").read_text(encoding="utf-8")
    assert "\x1b" not in log and "\u202e" not in log
    assert json.loads(log.splitlines()[-1])["name"] == "Evil\x1b[2K\u202eDO", "the log keeps the value, escaped as JSON"


def test_a_value_too_long_to_read_is_cut_and_says_how_much_more_there_was() -> None:
    from robot.safetext import VALUE_LIMIT, cut

    name = "Jane " + "Okafor" * 2000
    assert cut(name) == name[:VALUE_LIMIT] + f"… ({len(name) - VALUE_LIMIT:,} more characters)"
    assert cut(name[:VALUE_LIMIT]) == name[:VALUE_LIMIT]
    assert cut("Jane Okafor, OD") == "Jane Okafor, OD" and cut("") == ""
    assert cut(name, 10) == "Jane Okafo… (11,995 more characters)"


def test_a_terminal_line_is_never_longer_than_the_limit_and_the_next_line_is_kept() -> None:
    from robot.safetext import LINE_LIMIT

    name = "Jane " + "Okafor" * 2000
    out = shown(f"[1/1 0:01] configured  1234567893  {name}\n      the next line")
    first, second = out.split("\n")
    assert len(first) <= LINE_LIMIT + len("… (99,999 more characters)") and first.endswith("more characters)")
    assert first.startswith("[1/1 0:01] configured  1234567893  Jane Okafor")
    assert second == "      the next line"
