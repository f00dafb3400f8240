"""The canonical keys of SPEC section 2, each with its default locator by the vendor's visible words.

One mechanism: ``Selectors`` starts from ``DEFAULTS`` and replaces an entry with the Playwright
selector string an operator put under the same key in ``config/selectors.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from playwright.sync_api import Locator, Page

Scope = Page | Locator
Kind = Literal["label", "role", "text", "selector"]


@dataclass(frozen=True)
class Loc:
    """A way to find one control: by label, role and name, visible text, or a raw selector."""

    kind: Kind
    value: str | re.Pattern[str]
    name: str | re.Pattern[str] | None = None
    exact: bool = True
    has_text: str | re.Pattern[str] | None = None
    alternative: Loc | None = None  # also matches this (e.g. a menu item that may be a plain link)

    def locate(self, scope: Scope) -> Locator:
        if self.kind == "label":
            loc = scope.get_by_label(self.value, exact=self.exact)
        elif self.kind == "role":
            assert isinstance(self.value, str)
            loc = scope.get_by_role(self.value, name=self.name, exact=self.exact if isinstance(self.name, str) else None)  # type: ignore[arg-type]
        elif self.kind == "text":
            loc = scope.get_by_text(self.value, exact=self.exact)
        else:
            loc = scope.locator(str(self.value))
        if self.has_text is not None:
            loc = loc.filter(has_text=self.has_text)
        if self.alternative is not None:
            loc = loc.or_(self.alternative.locate(scope))
        return loc

    def describe(self) -> str:
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


def label(text: str) -> Loc:
    return Loc("label", text)


def role(role_name: str, name: str | re.Pattern[str] | None = None, **kw: object) -> Loc:
    return Loc("role", role_name, name=name, **kw)  # type: ignore[arg-type]


_SIGN_IN = re.compile(r"^\s*(sign|log)\s*-?\s*in\s*$", re.I)
_NPI_NAME = re.compile(r"^\s*[12]\d{9}\s*$")
EMAIL_TEXT = re.compile(r"^\s*[^\s@]+@[^\s@]+\.[^\s@]+\s*$")

DEFAULTS: dict[str, Loc] = {
    # MaxMD provisioning tool (seed steps 2-5)
    "maxmd.login.username": label("Username"),
    "maxmd.login.password": label("Password"),
    "maxmd.login.submit": role("button", _SIGN_IN),
    "maxmd.home.details": role("link", "Details", alternative=role("button", "Details")),
    "maxmd.details.identity_proofing": role("heading", re.compile(r"identity[\s-]*proofing", re.I)),
    "maxmd.details.workflow_status": role("link", re.compile(r"view status of provisioning workflows", re.I)),
    "maxmd.workflows.provider": role("listitem", has_text=re.compile(r"status", re.I)),
    "maxmd.workflows.direct_address": Loc("text", EMAIL_TEXT),
    # Patient and Provider Portal (seed steps 6-18)
    "portal.login.username": label("Username"),
    "portal.login.password": label("Password"),
    "portal.login.submit": role("button", _SIGN_IN),
    "portal.nav.administration": role("button", "Administration", alternative=role("link", "Administration")),
    "portal.nav.user_accounts": role("menuitem", "User Accounts", alternative=role("link", "User Accounts")),
    "portal.users.access_type": label("Access Type"),
    "portal.users.search": role("button", "Search"),
    "portal.users.username_link": role("link", _NPI_NAME),
    "portal.users.next_page": role("link", re.compile(r"^\s*(next( page)?\s*[›»>]{0,2}|[›»>]{1,2})\s*$", re.I)),
    "portal.account.section": role("heading", "User Account Information"),
    "portal.account.display_name": label("Display Name"),
    "portal.account.first_name": label("First Name"),
    "portal.account.last_name": label("Last Name"),
    "portal.account.email": label("Email Address"),
    "portal.account.password": label("Change Password"),
    "portal.account.confirm_password": label("Confirm New Password"),
    "portal.account.emergency_access": label("Allow Emergency Access"),
    "portal.account.poll_direct": label("Poll Direct Mailbox"),
    "portal.account.direct_address": label("Direct Address"),
    "portal.account.direct_password": label("Change Direct Password"),
    "portal.account.confirm_direct_password": label("Confirm Direct Password"),
    "portal.account.save": role("button", "Save"),
    # Beyond SPEC section 2: where each site says what happened (messages after login and Save).
    "maxmd.page.alert": role("alert"),
    "portal.page.alert": role("alert"),
    "portal.account.saved": role("status"),
}

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

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(DEFAULTS))
        if unknown:
            raise KeyError(", ".join(unknown))
        self._overrides = overrides
        self._table: dict[str, Loc] = {**DEFAULTS, **{k: Loc("selector", v) for k, v in overrides.items()}}

    def __call__(self, key: str, scope: Scope) -> Locator:
        return self._table[key].locate(scope)

    def source(self, key: str) -> str:
        return "override" if key in self._overrides else "default"

    def describe(self, key: str) -> str:
        return self._table[key].describe()

    def keys(self) -> list[str]:
        return list(self._table)
