"""What a page between a login and a site's first screen is, and what the robot may answer it: pure rules.

After the password a site may ask for a one-time code, show a notice (a password that expires soon, new
terms), ask whether to remember this device, or lay a cookie banner over the page. The robot passes what it
can pass safely, by the page's words: a code from the site's authenticator secret, and the short list of
answers below (``run.after_login`` in robot.yaml may narrow or extend it). It never takes a button that
leads away from the job, and it stops plainly at what only a person can give: a code sent by e-mail or text
message, a push to a phone, a CAPTCHA, a locked account, a session open elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from robot.errors import ConfigError

# Declining answers first: on a page that offers both, "Remind me later" is taken, never "Change password now".
DEFAULT_ANSWERS: tuple[str, ...] = (
    "Remind me later", "Not now", "Skip", "Skip for now", "No", "No thanks", "Maybe later",
    "Continue", "I understand", "OK", "Got it",
    "Accept all", "Accept", "Accept all cookies", "Accept cookies", "Allow all",
)
# Buttons that lead away from the job: never clicked, and refused as an answer in robot.yaml.
_AWAY = re.compile(r"\b(change|reset|update|set|edit|create)\b.{0,20}\b(password|passcode|profile|account|pin|security)\b"
                   r"|\b(delete|remove|deactivate|close)\b.{0,20}\baccount\b|\b(sign|log)\s*(out|off)\b", re.I)

# Kinds of page (``judge``'s verdicts).
FIRST_SCREEN, CODE, ANSWER, UNKNOWN = "first screen", "one-time code", "answer", "unknown"
EMAILED, PUSH, CAPTCHA, LOCKED, ELSEWHERE = "emailed code", "push", "captcha", "locked", "signed in elsewhere"
STOPS = (EMAILED, PUSH, CAPTCHA, LOCKED, ELSEWHERE)

_AUTHENTICATOR = re.compile(r"\bauthenticat(or|ion)\s+app|\bauthenticator\b|\btotp\b|google authenticator|microsoft authenticator", re.I)
_EMAILED = re.compile(
    r"\b(we('ve| have)?|has been|have been|was|were|just)\s+(sent|e-?mailed|texted)\b.{0,80}?\b(e-?mail|inbox|phone|mobile|cell|"
    r"text|sms|number|ending in|\S+@\S+)"
    r"|\b(code|passcode)\b.{0,30}\b(sent|e-?mailed|texted)\b.{0,30}\bto\b"
    r"|\bcheck your (e-?mail|inbox|phone|text messages|messages)\b", re.I | re.S)
_PUSH = re.compile(r"\bpush (notification|request)|\bapprove (the |this |your )?(sign[\s-]?in|log[\s-]?in|request)"
                   r"|\b(sent|sending) (a |an )?(notification|request|prompt) to your (phone|device|app)"
                   r"|\bwaiting for (your )?approval|\bduo (push|mobile)|\bcheck your (phone|device) (for|to approve)", re.I)
_CAPTCHA = re.compile(r"captcha|\bi'?\s?a?m not a robot|\bverify (that )?you('re| are) (a )?human|\bare you a robot"
                      r"|\bprove (that )?you('re| are) (a )?human", re.I)
_LOCKED = re.compile(r"\b(account|user)\b.{0,40}?\b(is|has been|was|been)\s+(temporarily\s+|permanently\s+)?(locked|disabled|suspended|blocked)"
                     r"|\btoo many (failed |unsuccessful |invalid |incorrect )?(login |sign[\s-]?in |log[\s-]?in )?(attempts|tries)"
                     r"|\blocked out\b|\baccount (locked|disabled|suspended)\b", re.I | re.S)
_ELSEWHERE = re.compile(r"\balready (signed|logged) (in|on)\b|\b(signed|logged) (in|on) (on|from|at|in) another\b"
                        r"|\banother (active )?session\b|\bactive session (elsewhere|on another)|\bconcurrent (session|login)s?\b"
                        r"|\bsession is (already )?(open|active) (elsewhere|on another)", re.I)


@dataclass(frozen=True)
class Seen:
    """What one look at the page found (``pages.gate.AfterLoginPage.look``)."""

    words: str = ""  # every visible word, of every frame
    buttons: tuple[str, ...] = ()  # the visible buttons' and links' names
    dialog_buttons: tuple[str, ...] = ()  # those inside a visible dialog (one that may lie over the first screen)
    code_field: bool = False  # a field asking for a code is shown
    captcha_frame: bool = False  # a frame from a CAPTCHA service is there
    first_screen: bool = False  # the control the first step after the login needs is shown


@dataclass(frozen=True)
class Verdict:
    kind: str
    answer: str = ""  # ANSWER: the button's name as the page shows it
    said: str = ""  # the words that decided it, for a message


def norm(text: str) -> str:
    """A name as compared: letters and digits, lower case, single spaces ("No, thanks!" -> "no thanks")."""
    return " ".join(re.sub(r"[^\w]+|_", " ", text.lower()).split())


def leads_away(name: str) -> bool:
    return bool(_AWAY.search(name))


def choose(buttons: Iterable[str], answers: Iterable[str]) -> str:
    """The first of ``answers`` (in their order) that a button shows, as the page names it; "" for none."""
    shown = {norm(b): b for b in buttons if not leads_away(b)}
    return next((shown[norm(a)] for a in answers if norm(a) in shown), "")


def judge(seen: Seen, answers: Iterable[str]) -> Verdict:
    """What the page is, and so what the robot does: in this order, because the first that fits decides."""
    answers = tuple(answers)
    if seen.first_screen:  # the job can start, unless a dialog lies over it that a safe answer closes
        answer = choose(seen.dialog_buttons, answers)
        return Verdict(ANSWER, answer) if answer else Verdict(FIRST_SCREEN)
    words = seen.words
    for kind, pattern in ((CAPTCHA, _CAPTCHA), (LOCKED, _LOCKED), (ELSEWHERE, _ELSEWHERE)):
        if found := pattern.search(words):
            return Verdict(kind, said=_around(words, found))
    if seen.captcha_frame:
        return Verdict(CAPTCHA, said="a CAPTCHA service's frame")
    if seen.code_field and _AUTHENTICATOR.search(words):
        return Verdict(CODE)
    for kind, pattern in ((PUSH, _PUSH), (EMAILED, _EMAILED)):  # "we sent a push notification to your phone" is a push
        if found := pattern.search(words):
            return Verdict(kind, said=_around(words, found))
    if seen.code_field:
        return Verdict(CODE)
    answer = choose(seen.buttons, answers)
    return Verdict(ANSWER, answer) if answer else Verdict(UNKNOWN)


def refusal(words: str) -> Verdict | None:
    """A login's refusal that no second try will change (a locked account, a session open elsewhere, a
    CAPTCHA it asks for); None for one a right password would pass."""
    for kind, pattern in ((CAPTCHA, _CAPTCHA), (LOCKED, _LOCKED), (ELSEWHERE, _ELSEWHERE)):
        if found := pattern.search(words):
            return Verdict(kind, said=_around(words, found))
    return None


def _around(words: str, found: re.Match[str]) -> str:
    """The sentence the words were found in, for a message (a page's words, never a secret)."""
    start = max(words.rfind(".", 0, found.start()), words.rfind("\n", 0, found.start())) + 1
    ends = [i for i in (words.find(".", found.end()), words.find("\n", found.end())) if i >= 0]
    end = min(ends) + 1 if ends else len(words)
    return " ".join(words[start:end].split())[:200]


def answers_from_config(value: Any, where: str) -> tuple[str, ...]:
    """``run.after_login``: a list (exactly these answers, in this order), or ``{add: [...], remove: [...]}``
    (the default list with those added at its end and those taken out); absent, the default list."""
    if value is None:
        return DEFAULT_ANSWERS
    if isinstance(value, list):
        chosen = _names(value, where)
    elif isinstance(value, dict):
        unknown = sorted(set(value) - {"add", "remove"})
        if unknown:
            raise ConfigError(f"{where}.{unknown[0]}: unknown key; allowed: add, remove (or give the whole list)")
        removed = {norm(n) for n in _names(value.get("remove") or [], f"{where}.remove")}
        missing = sorted(n for n in removed if n not in {norm(a) for a in DEFAULT_ANSWERS})
        if missing:
            raise ConfigError(f"{where}.remove: {missing[0]!r} is not one of the default answers ({', '.join(DEFAULT_ANSWERS)})")
        chosen = [a for a in DEFAULT_ANSWERS if norm(a) not in removed] + _names(value.get("add") or [], f"{where}.add")
    else:
        raise ConfigError(f"{where}: expected a list of button names, or add:/remove: lists, found {value!r}")
    return tuple(dict.fromkeys(chosen))


def _names(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and norm(v) for v in value):
        raise ConfigError(f"{where}: expected a list of button names as the page shows them (\"Remind me later\"), found {value!r}")
    for name in value:
        if leads_away(name):
            raise ConfigError(f"{where}: {name!r} leads away from the job (a password or profile change, a sign-out); "
                              "the robot never takes such a button")
    return [v.strip() for v in value]
