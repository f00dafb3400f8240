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
FIRST_SCREEN, CODE, ANSWER, UNKNOWN, LOGIN_AGAIN = "first screen", "one-time code", "answer", "unknown", "login again"
EMAILED, PUSH, CAPTCHA, LOCKED, ELSEWHERE = "emailed code", "push", "captcha", "locked", "signed in elsewhere"
STOPS = (EMAILED, PUSH, CAPTCHA, LOCKED, ELSEWHERE, LOGIN_AGAIN)

_EMAILED = re.compile(
    r"\b(we('ve| have)?|has been|have been|was|were|just)\s+(sent|e-?mailed|texted)\b.{0,80}?\b(e-?mail|inbox|phone|mobile|cell|"
    r"text|sms|number|ending in|\S+@\S+)"
    r"|\b(code|passcode)\b.{0,30}\b(sent|e-?mailed|texted)\b.{0,30}\bto\b"
    r"|\bcheck your (e-?mail|inbox|phone|text messages|messages)\b", re.I | re.S)
_PUSH = re.compile(r"\bpush (notification|request)|\bapprove (the |this |your )?(sign[\s-]?in|log[\s-]?in|request)"
                   r"|\b(sent|sending) (a |an )?(notification|request|prompt) to your (phone|device|app)"
                   r"|\bwaiting for (your )?approval|\bduo (push|mobile)|\bcheck your (phone|device) (for|to approve)", re.I)
# A challenge's own words; never "protected by reCAPTCHA", the small print of one that asks nothing.
_CAPTCHA = re.compile(r"\bi'?\s?a?m not a robot|\bverify (that )?you('re| are) (a )?human|\bare you a robot"
                      r"|\bprove (that )?you('re| are) (a )?human|\b(complete|solve) the (captcha|puzzle|challenge)\b"
                      r"|\bcaptcha (below|challenge)|\b(type|enter) the (characters|letters|text) (you see|shown|in the (image|picture))", re.I)
_LOCKED = re.compile(r"\b(account|user)\b.{0,40}?\b(is|has been|was|been)\s+(temporarily\s+|permanently\s+)?(locked|disabled|suspended|blocked)"
                     r"|\btoo many\b.{0,40}?\b(attempts|tries)\b.{0,60}?\b(try again|wait|locked|disabled|blocked|contact)"
                     r"|\b(you('ve| have)? been|you are|you're) locked out\b|\baccount (locked|disabled|suspended)\b", re.I | re.S)
_ELSEWHERE = re.compile(r"\b(already|currently) (signed|logged) (in|on)\b.{0,40}?\b(elsewhere|another|different|other)\b"
                        r"|\b(signed|logged) (in|on) (on|from|at|in) (another|a different)\b"
                        r"|\banother (active )?session (is|was|has)\b|\bactive session (elsewhere|on another)"
                        r"|\bsession is (already )?(open|active) (elsewhere|on another)", re.I | re.S)
# A sentence that speaks of what could be, not of what is ("your account will be locked after 5 tries").
_NOT_NOW = re.compile(r"\b(will|would|could|may|might|if|unless|before|to avoid|prevent)\b", re.I)


@dataclass(frozen=True)
class Seen:
    """What one look at the page found (``pages.gate.AfterLoginPage.look``)."""

    words: str = ""  # every visible word, of every frame
    buttons: tuple[str, ...] = ()  # the visible buttons' and links' names
    dialog_buttons: tuple[str, ...] = ()  # those inside a visible dialog (one that may lie over the first screen)
    code_field: bool = False  # a field asking for a one-time code is shown, and no other field
    fields: int = 0  # the fields a person could type in, shown
    password_field: bool = False  # one of them asks for a password: the login form came back
    captcha_frame: bool = False  # a CAPTCHA service's challenge is shown
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
    if seen.password_field and not seen.code_field:
        return Verdict(LOGIN_AGAIN, said=_first_sentence(words))
    if found := _CAPTCHA.search(words):
        return Verdict(CAPTCHA, said=_around(words, found))
    if seen.captcha_frame:
        return Verdict(CAPTCHA, said="a CAPTCHA service's challenge")
    if stop := refusal(words, captcha=False):
        return stop
    if found := _PUSH.search(words):
        return Verdict(PUSH, said=_around(words, found))
    if seen.fields and (found := _EMAILED.search(words)):  # a code was sent, and a field asks for it
        return Verdict(EMAILED, said=_around(words, found))
    if seen.code_field:
        return Verdict(CODE)
    answer = choose(seen.buttons, answers)
    return Verdict(ANSWER, answer) if answer else Verdict(UNKNOWN)


def refusal(words: str, *, captcha: bool = True) -> Verdict | None:
    """A login's refusal that no second try will change (a locked account, a session open elsewhere, a
    CAPTCHA it asks for), said as what is, not what could be; None for one a right password would pass."""
    kinds = ((CAPTCHA, _CAPTCHA),) if captcha else ()
    for kind, pattern in (*kinds, (LOCKED, _LOCKED), (ELSEWHERE, _ELSEWHERE)):
        for found in pattern.finditer(words):
            said = _around(words, found)
            if kind == CAPTCHA or not _NOT_NOW.search(said):
                return Verdict(kind, said=said)
    return None


_CODE_REFUSED = re.compile(r"\b(invalid|incorrect|wrong|expired|not valid|isn'?t valid|is not correct|did ?n[o']t match|does ?n[o']t match"
                           r"|already (been )?used|try again|not recognized|could not be verified)\b", re.I)


def code_refused(words: str) -> bool:
    """Whether the site's words after a one-time code say it was not taken ("That code is not valid")."""
    return bool(_CODE_REFUSED.search(words))


def _first_sentence(words: str) -> str:
    return " ".join(words.split())[:160]


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
