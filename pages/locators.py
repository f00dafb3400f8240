"""The canonical keys of the two sites' screens, each with its default locator by the vendor's visible words.

One mechanism: ``Selectors`` starts from ``DEFAULTS`` and replaces an entry with the Playwright
selector string an operator put under the same key in ``config/selectors.yaml``.

A default matches the words whatever decorates them (case, spaces, ▾ › » : *, a count beside them)
and whatever usual role carries them: a link, a button or a menu item; a heading, a legend, a group,
a region or a card header for a section; a field by its label, or by the words beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from playwright.sync_api import Locator, Page

Scope = Page | Locator
Kind = Literal["label", "role", "text", "selector", "entries"]

# What may surround a name without changing it: anything but a letter (spaces, ▾ › » : *, a count).
_AROUND = r"[\W\d_]*"


def words(text: str) -> re.Pattern[str]:
    """The words of ``text`` as a whole name: any case, any spacing, any decoration around them."""
    core = r"[\s_-]*".join(re.escape(w) for w in text.split())
    return re.compile(rf"^{_AROUND}{core}{_AROUND}$", re.I)


@dataclass(frozen=True)
class Loc:
    """A way to find one control: by label, role and name, visible text, a raw selector, or the
    repeated entries of a list (``entries``: found in the page by structure, see ``pages.maxmd``)."""

    kind: Kind
    value: str | re.Pattern[str]
    name: str | re.Pattern[str] | None = None
    exact: bool = True
    has_text: str | re.Pattern[str] | None = None
    alternative: Loc | None = None  # also matches this (e.g. a menu item that may be a plain link)
    summary: str = ""  # how ``describe`` says it, where the generated words would be unreadable

    def locate(self, scope: Scope) -> Locator:
        if self.kind == "label":
            loc = scope.get_by_label(self.value, exact=self.exact)
        elif self.kind == "role":
            assert isinstance(self.value, str)
            loc = scope.get_by_role(self.value, name=self.name, exact=self.exact if isinstance(self.name, str) else None)  # type: ignore[arg-type]
        elif self.kind == "text":
            loc = scope.get_by_text(self.value, exact=self.exact)
        elif self.kind == "entries":
            loc = scope.locator(f"[{ENTRY_ATTRIBUTE}]")
        else:
            loc = scope.locator(str(self.value))
        if self.has_text is not None:
            loc = loc.filter(has_text=self.has_text)
        if self.alternative is not None:
            loc = loc.or_(self.alternative.locate(scope))
        return loc

    def describe(self) -> str:
        if self.summary:
            return self.summary

        def show(v: object) -> str:
            return f"/{v.pattern}/" if isinstance(v, re.Pattern) else repr(v)

        if self.kind == "selector":
            text = str(self.value)
        elif self.kind == "role":
            text = f"role={self.value}" + (f" name={show(self.name)}" if self.name is not None else "")
        else:
            text = f"{self.kind}={show(self.value)}"
        if self.has_text is not None:
            text += f" with text {show(self.has_text)}"
        if self.alternative is not None:
            text += f" or {self.alternative.describe()}"
        return text


# How the robot marks a list's entries in the page (in this browser only, never on the site).
ENTRY_ATTRIBUTE = "data-robot-entry"

_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
_DECOR = ":*▾▼▴▲›»«‹>•·|()[]0123456789\u00a0"
# A form control a person types in, ticks or picks from.
_CONTROL = (
    "self::input[not(@type='hidden' or @type='submit' or @type='button' or @type='reset' or @type='image')]"
    " or self::select or self::textarea or @role='checkbox' or @role='switch' or @role='combobox'"
    " or @role='textbox' or @role='listbox'"
)


def _norm(expr: str) -> str:
    """XPath 1.0: ``expr``'s text folded to lower case, decorations turned to spaces, spaces collapsed."""
    return f"translate(normalize-space(translate({expr}, '{_DECOR}', '{' ' * len(_DECOR)}')), '{_UPPER}', '{_LOWER}')"


def _said(text: str) -> str:
    """XPath: elements whose whole text is ``text`` (in the sense of ``words``), looked for cheaply first
    among elements with a text node of their own holding the words; never the document's head (a frame's
    ``<title>`` may say the very words its section's header does)."""
    w = " ".join(text.lower().split())
    return (f"//*[not(self::script or self::style or self::option or self::select or self::textarea or ancestor-or-self::head)]"
            f"[text()[contains({_norm('.')}, '{w}')]][{_norm('.')}='{w}']")


def beside(text: str) -> Loc:
    """The one control next to the words ``text`` where no label is tied to it (a table cell, a span):
    the nearest element around the words that holds exactly one control."""
    xpath = (f"{_said(text)}/ancestor-or-self::*[descendant::*[{_CONTROL}]][1]"
             f"[count(descendant::*[{_CONTROL}])=1]/descendant::*[{_CONTROL}]")
    return Loc("selector", f"xpath={xpath}", summary=f"the control beside the words '{text}'")


def field(text: str) -> Loc:
    """A form control by its label's words, or by the words beside it."""
    return Loc("label", words(text), exact=False, alternative=beside(text), summary=f"the field labelled '{text}'")


def control(pattern: str | re.Pattern[str], *roles: str, plain: str = "", shown: str = "", opens: bool = True) -> Loc:
    """A control by its name in any of ``roles``, or a disclosure with those words (``opens``); ``plain``:
    also the bare words where no role carries them (a hover menu's title), outside every link and button."""
    name = words(pattern) if isinstance(pattern, str) else pattern
    alternative: Loc | None = None
    if plain:
        outside = "[not(ancestor-or-self::a or ancestor-or-self::button or ancestor-or-self::*[@role='button' or @role='link' or @role='menuitem'])]"
        alternative = Loc("selector", f"xpath={_said(plain)}{outside}[not(*[{_norm('.')}='{plain.lower()}'])]")
    if opens:  # a disclosure that is none of those roles, by its own words (not a region that holds them)
        alternative = Loc("selector", _DISCLOSURE, has_text=name, alternative=alternative)
    for r in reversed(roles):
        alternative = Loc("role", r, name=name, alternative=alternative)
    assert alternative is not None
    shown = shown or (pattern if isinstance(pattern, str) else f"/{pattern.pattern}/")
    kinds = " or ".join(roles) + (" or disclosure" if opens else "") + (" or the words" if plain else "")
    return Loc(alternative.kind, alternative.value, name=alternative.name, alternative=alternative.alternative,
               summary=f"a {kinds} named '{shown}'")


def section(text: str) -> Loc:
    """A part of a page by its title: a heading, a group or region (a fieldset's legend), or the bare
    words standing alone (a card header, a header cell)."""
    name = words(text)
    bare = Loc("selector", f"xpath={_said(text)}[not(*[{_norm('.')}='{text.lower()}'])]")
    loc = Loc("role", "heading", name=name, alternative=Loc("role", "group", name=name,
              alternative=Loc("role", "region", name=name, alternative=bare)))
    return Loc(loc.kind, loc.value, name=name, alternative=loc.alternative, summary=f"a heading, group, region or title '{text}'")


_SIGN_IN = re.compile(r"^[\W\d_]*((sign|log)[\s-]*(in|on)|submit|continue)[\W\d_]*$", re.I)
_SIGN_OUT = re.compile(r"^[\W\d_]*((sign|log)[\s-]*(out|off))[\W\d_]*$", re.I)
_NPI_NAME = re.compile(r"^\s*[12]\d{9}\s*$")
# An e-mail address in running text. It starts where a run of address characters starts (the lookbehind):
# unanchored, "[^...]+@" would be tried again from every character of a long run with no "@" (a
# 12,000-character name: quadratic, seconds per element in the browser's text engine). Same matches.
EMAIL_PATTERN = r"(?<![^\s@<>(),;:])[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[A-Za-z]{2,}"
EMAIL_TEXT = re.compile(EMAIL_PATTERN)
# "Next", "Next page ›", "Go to next page", "›" or ">" alone (an arrow's aria-label is its name); never a page
# number, "«", or "»" (often the last page). And more rows below these: "Load more", "Show more results".
NEXT_PAGE = re.compile(r"^[^\w«‹<←]*((go\s+to\s+(the\s+)?)?next(\s+page)?(\s+of\s+results)?|[›>→⟩]"
                       r"|(load|show|see|view)\s+more(\s+(results|rows|users|accounts))?|more\s+results)[^\w«‹<←]*$", re.I)
_ACTION = ("button", "link", "menuitem", "tab")
# What a person clicks besides those: a disclosure (a <summary>, a control that says whether it is
# expanded, an accordion's header), by its words.
_DISCLOSURE = "css=summary, [aria-expanded]"


def _sign_out(shown: str) -> Loc:
    """A sign-out control, or a link with those words that a closed user menu hides (its address still signs out)."""
    said = " or ".join(f"{_norm('.')}='{w}'" for w in ("sign out", "log out", "logout", "signout", "sign off", "log off", "logoff"))
    chain = Loc("selector", f"xpath=//a[@href][{said}]")
    for role in ("menuitem", "button", "link"):
        chain = Loc("role", role, name=_SIGN_OUT, alternative=chain)
    return Loc(chain.kind, chain.value, name=chain.name, alternative=chain.alternative,
               summary=f"a link or button or menuitem named '{shown}', shown or in a closed menu")
# A login form's name field: "Username", "User name", "User ID", "Email", "E-mail address", "Login".
_LOGIN_NAME = Loc(
    "label", re.compile(r"^[\W\d_]*(user[\s_-]*(name|id)|e-?mail( address)?|log[\s-]*in( name| id)?)[\W\d_]*$", re.I), exact=False,
    alternative=beside("Username"), summary="the field labelled 'Username' (or 'User name', 'Email', 'User ID')")
# A field that asks for a one-time code after the password, by its words ("Verification code", "6-digit code
# from your authenticator app", "One-time passcode"), or by the standard that says so (autocomplete=one-time-code).
# Never a ZIP, postal, promo or country code: the words before "code" say which code it is.
_CODE_WORDS = re.compile(r"\b(passcode|one[\s-]?time|authenticat\w*|otp|totp|2fa|mfa)\b"
                         r"|\b(verification|security|authentication|access|login|sign[\s-]?in|confirmation|[46-8][\s-]?digit|six[\s-]?digit)"
                         r"\s+code\b", re.I)
def _code_field() -> Loc:
    chain: Loc | None = None
    for words_beside in ("Authentication code", "One-time code", "Security code", "Verification code"):  # a table cell's words
        b = beside(words_beside)
        chain = Loc(b.kind, b.value, alternative=chain)
    chain = Loc("label", words("Code"), exact=False, alternative=Loc("selector", "css=input[autocomplete=one-time-code i]", alternative=chain))
    return Loc("label", _CODE_WORDS, exact=False, alternative=chain,
               summary="the one field labelled as a one-time code ('Verification code', 'Security code', 'One-time passcode', 'Code')")


_CODE_FIELD = _code_field()
_VERIFY = re.compile(r"^[\W\d_]*(verify|submit|continue|confirm|next|done|sign[\s-]*in|log[\s-]*in)([\s-]+(code|and continue))?[\W\d_]*$", re.I)
# Where sites write what happened, by the usual roles and the usual frameworks' names for them.
MESSAGES = (
    "[role=alert]", "[role=status]", "[role=alertdialog]", "[aria-live=assertive]", "[aria-live=polite]", "output",
    ".alert", ".toast", ".notification", ".flash", ".message", ".messages", ".error", ".errors", ".success",
    ".invalid-feedback", ".field-validation-error", ".validation-summary-errors", ".text-danger",
    # and the usual words in a site's own class names ("summary-err", "save-notice", "msg-success")
    "[class*=error]", "[class*=-err]", "[class*=err-]", "[class*=alert]", "[class*=notice]", "[class*=success]",
    "[class*=danger]", "[class*=toast]", "[class*=snackbar]", "[class*=feedback]",
)

DEFAULTS: dict[str, Loc] = {
    # MaxMD provisioning tool (seed steps 2-5)
    "maxmd.login.username": _LOGIN_NAME,
    "maxmd.login.password": field("Password"),
    "maxmd.login.submit": control(_SIGN_IN, "button", shown="Sign in' or 'Log in", opens=False),
    "maxmd.login.code": _CODE_FIELD,
    "maxmd.login.verify": control(_VERIFY, "button", shown="Verify' or 'Continue", opens=False),
    "maxmd.home.details": control("Details", *_ACTION),
    "maxmd.details.identity_proofing": Loc(
        "role", "heading", name=re.compile(r"identi(ty|fy)[\s-]*proofing", re.I),
        alternative=Loc("text", re.compile(r"identi(ty|fy)[\s-]*proofing", re.I), exact=False),
        summary="a heading or title with the words 'identity proofing'"),
    "maxmd.details.workflow_status": control(re.compile(r"view\s+status\s+of\s+provisioning\s+workflows", re.I), *_ACTION,
                                             shown="Click to view status of provisioning workflows"),
    "maxmd.workflows.provider": Loc("entries", "", summary="each provider's entry, found by the page's structure"),
    "maxmd.workflows.direct_address": Loc("text", EMAIL_TEXT, exact=False, summary="the e-mail address inside the entry"),
    # Patient and Provider Portal (seed steps 6-18)
    "portal.login.username": _LOGIN_NAME,
    "portal.login.password": field("Password"),
    "portal.login.submit": control(_SIGN_IN, "button", shown="Sign in' or 'Log in", opens=False),
    "portal.login.code": _CODE_FIELD,
    "portal.login.verify": control(_VERIFY, "button", shown="Verify' or 'Continue", opens=False),
    "portal.nav.administration": control("Administration", "button", "link", "menuitem", "tab", plain="Administration"),
    "portal.nav.user_accounts": control("User Accounts", "menuitem", "link", "button", "tab"),
    "portal.users.access_type": field("Access Type"),
    "portal.users.search": control("Search", "button", "link", opens=False),
    "portal.users.username_link": Loc("role", "link", name=_NPI_NAME, summary="a link whose words are an NPI"),
    "portal.users.next_page": control(NEXT_PAGE, "link", "button", shown="Next' or '›' or 'Load more", opens=False),
    "portal.account.section": section("User Account Information"),
    "portal.account.display_name": field("Display Name"),
    "portal.account.first_name": field("First Name"),
    "portal.account.last_name": field("Last Name"),
    "portal.account.email": field("Email Address"),
    "portal.account.password": field("Change Password"),
    "portal.account.confirm_password": field("Confirm New Password"),
    "portal.account.emergency_access": field("Allow Emergency Access"),
    "portal.account.poll_direct": field("Poll Direct Mailbox"),
    "portal.account.direct_address": field("Direct Address"),
    "portal.account.direct_password": field("Change Direct Password"),
    "portal.account.confirm_direct_password": field("Confirm Direct Password"),
    "portal.account.save": control(re.compile(r"^[\W\d_]*save([\s_-]+(changes|account|user( account)?))?[\W\d_]*$", re.I), "button",
                                   shown="Save' or 'Save changes", opens=False),
    # Beyond the screens' tables: how a run ends its sessions, on any page after the login ...
    "maxmd.nav.sign_out": _sign_out("Sign out' or 'Log out"),
    "portal.nav.sign_out": _sign_out("Log out' or 'Sign out"),
    # ... and where each site writes what happened (after a login, after Save).
    # Judged by their words, never by their role.
    "maxmd.page.alert": Loc("selector", "css=" + ", ".join(MESSAGES),
                            summary="a message: an alert, a status, a live region, a toast, an inline error"),
}
DEFAULTS["portal.page.alert"] = DEFAULTS["maxmd.page.alert"]
DEFAULTS["portal.account.saved"] = DEFAULTS["maxmd.page.alert"]

# Every control that holds a secret: masked in every screenshot, whatever its input type.
SECRET_KEYS: tuple[str, ...] = (
    "maxmd.login.password",
    "portal.login.password",
    "portal.account.password",
    "portal.account.confirm_password",
    "portal.account.direct_password",
    "portal.account.confirm_direct_password",
)


class Selectors:
    """The locator table of one run: defaults with the operator's overrides applied."""

    def __init__(self, overrides: Mapping[str, str] | None = None, sources: Mapping[str, str] | None = None) -> None:
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(DEFAULTS))
        if unknown:
            raise KeyError(", ".join(unknown))
        self._overrides = overrides
        self._sources = dict(sources or {})  # where each override was written ("config/selectors.yaml line 3")
        self._table: dict[str, Loc] = {**DEFAULTS, **{k: Loc("selector", v) for k, v in overrides.items()}}

    def __call__(self, key: str, scope: Scope) -> Locator:
        return self._table[key].locate(scope)

    def source(self, key: str) -> str:
        return "override" if key in self._overrides else "default"

    def written_at(self, key: str) -> str:
        """Where the operator wrote ``key``'s override (its file and line); "" for a default."""
        if key not in self._overrides:
            return ""
        return self._sources.get(key, "an override")

    def describe(self, key: str) -> str:
        return self._table[key].describe()

    def css(self, key: str) -> str | None:
        """The key's CSS selector where it is plain CSS (a page's own script can use it), else None."""
        value = self._table[key].value
        loc = self._table[key]
        return value[4:] if loc.kind == "selector" and loc.alternative is None and str(value).startswith("css=") else None  # type: ignore[index]

    def structural(self, key: str) -> bool:
        """Whether the key is found by the page's structure (the page must be marked first)."""
        return self._table[key].kind == "entries"

    def keys(self) -> list[str]:
        return list(self._table)
