"""``python -m robot --check``: a read-only preflight of both sites before the first real run.

Logs in to both sites, walks every screen down to one provider's account page and resolves every
canonical key of SPEC section 2 there, with its default locator or the operator's override. No Save,
no account field touched (the only input is the Access Type filter, to reach the results). Every
screen is photographed with the controls that were found outlined. Prints a table; exit 0 when every
key was found, 2 naming the keys to fix in config/selectors.yaml.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Playwright, sync_playwright

from pages.base import Retry, Screen
from robot.audit import Audit, Redactor
from robot.browser import BrowserChoice, launch
from robot.errors import LoginRefused, RobotError, SiteUnreachable
from robot.run import new_run_dir
from robot.settings import Settings, Site

# The screens in the order the seed walks them, each with the keys that live on it.
SCREENS: list[tuple[str, tuple[str, ...]]] = [
    ("MaxMD login", ("maxmd.login.username", "maxmd.login.password", "maxmd.login.submit")),
    ("MaxMD home", ("maxmd.home.details",)),
    ("MaxMD identity proofing", ("maxmd.details.identity_proofing", "maxmd.details.workflow_status")),
    ("MaxMD provisioning workflows", ("maxmd.workflows.provider", "maxmd.workflows.direct_address")),
    ("portal login", ("portal.login.username", "portal.login.password", "portal.login.submit")),
    ("portal menu", ("portal.nav.administration", "portal.nav.user_accounts")),
    ("portal user accounts", ("portal.users.access_type", "portal.users.search")),
    ("portal search results", ("portal.users.username_link",)),
    ("portal user account", (
        "portal.account.section", "portal.account.display_name", "portal.account.first_name",
        "portal.account.last_name", "portal.account.email", "portal.account.password",
        "portal.account.confirm_password", "portal.account.emergency_access", "portal.account.poll_direct",
        "portal.account.direct_address", "portal.account.direct_password", "portal.account.confirm_direct_password",
        "portal.account.save",
    )),
]
# Keys that only show after something the check must not do (a refused login, a Save).
NOT_CHECKED = ("maxmd.page.alert", "portal.page.alert", "portal.account.saved")
OUTLINE = "3px solid #d0f"


@dataclass
class KeyCheck:
    key: str
    screen: str
    state: str = "not reached"  # "found", "MISSING", "not reached", "not checked"
    matches: int = 0


class _Walk:
    def __init__(self, settings: Settings, audit: Audit, page: Page, site: Site, results: dict[str, KeyCheck]) -> None:
        self.settings, self.audit, self.page, self.site, self.results = settings, audit, page, site, results
        self.retry = Retry(settings.retries + 1, 1.0, timeout_s=settings.timeout_ms / 1000)
        self.wait_ms = min(settings.timeout_ms, 5000)

    def resolve(
        self, screen: str, keys: tuple[str, ...], scope: Callable[[str], Page | Locator] | None = None, *, shoot: bool = True
    ) -> None:
        """Find each key on the current screen, outline what was found, photograph it; True if all were found."""
        for key in keys:
            loc = self.settings.selectors(key, scope(key) if scope else self.page)
            with contextlib.suppress(PlaywrightError):
                loc.first.wait_for(state="attached", timeout=self.wait_ms)
            n = loc.count()
            self.results[key].state, self.results[key].matches = ("found" if n else "MISSING"), n
            if n:
                with contextlib.suppress(PlaywrightError):
                    loc.evaluate_all(f"(els) => els.forEach(e => e.style.outline = '{OUTLINE}')")
        if shoot:
            self.audit.shot(self.page, "check", screen, full_page=True)


# Where a key finds nothing, the walk goes on by plain HTML so the later screens get checked too.
# These fallbacks serve the check alone; a run uses the keys and nothing else.
_FALLBACK: dict[str, Callable[[Page], Locator]] = {
    "login.username": lambda p: p.locator("input:not([type=password]):not([type=hidden]):not([type=submit])").first,
    "login.password": lambda p: p.locator("input[type=password]").first,
    "login.submit": lambda p: p.locator("button, input[type=submit]").first,
    "maxmd.home.details": lambda p: p.get_by_text("Details", exact=True).first,
    "maxmd.details.workflow_status": lambda p: p.get_by_text(re.compile("provisioning workflows", re.I)).first,
    "portal.nav.administration": lambda p: p.get_by_text("Administration", exact=True).first,
    "portal.nav.user_accounts": lambda p: p.get_by_role("link", name="User Accounts").first,
    "portal.users.access_type": lambda p: p.locator("select").first,
    "portal.users.search": lambda p: p.get_by_role("button", name=re.compile("search", re.I)).first,
    "portal.users.username_link": lambda p: p.get_by_role("link", name=re.compile(r"^\s*[12]\d{9}\s*$")).first,
}


def _control(walk: _Walk, key: str) -> Locator:
    """The key's control if it was found, else the plain-HTML fallback."""
    if walk.results[key].state == "found":
        return walk.settings.selectors(key, walk.page).first
    fallback = _FALLBACK.get(key) or _FALLBACK[key.split(".", 1)[1]]
    return fallback(walk.page)


def _login(walk: _Walk, name: str, keys: tuple[str, ...]) -> None:
    site, prefix = walk.site, keys[0].split(".")[0]
    screen = Screen(walk.page, walk.settings.selectors, walk.retry)
    screen.site = prefix  # for its alert key
    try:
        screen.goto(site.url)
    except PlaywrightError as exc:
        raise SiteUnreachable(f"{site.name} did not answer at {site.url} ({str(exc).splitlines()[0]})") from None
    walk.resolve(name, keys)
    _control(walk, f"{prefix}.login.username").fill(site.username)
    _control(walk, f"{prefix}.login.password").fill(site.password)
    screen.follow(_control(walk, f"{prefix}.login.submit"))
    if walk.page.locator("input[type=password]").count():  # still a login form: refused
        raise LoginRefused(f"{site.name} login refused for {site.username} at {site.url}: \"{screen.alert_text()}\"")


def _walk_maxmd(walk: _Walk) -> None:
    page, screen = walk.page, Screen(walk.page, walk.settings.selectors, walk.retry)
    login, home, details, workflows = SCREENS[:4]
    _login(walk, *login)
    walk.resolve(*home)
    screen.follow(_control(walk, "maxmd.home.details"))
    walk.resolve(*details)
    screen.follow(_control(walk, "maxmd.details.workflow_status"))
    providers = walk.settings.selectors("maxmd.workflows.provider", page)
    walk.resolve(*workflows, scope=lambda key: providers if key.endswith("direct_address") and providers.count() else page)


def _walk_portal(walk: _Walk) -> None:
    page, screen = walk.page, Screen(walk.page, walk.settings.selectors, walk.retry)
    login, menu, users, results, account = SCREENS[4:]
    _login(walk, *login)
    walk.resolve(menu[0], menu[1][:1], shoot=False)  # the menu's own screenshot comes once it is open
    with contextlib.suppress(PlaywrightError):
        _control(walk, "portal.nav.administration").click(timeout=walk.wait_ms)  # opens the menu, hover or click
    walk.resolve(*menu)
    screen.follow(_control(walk, "portal.nav.user_accounts"))
    walk.resolve(*users)
    _control(walk, "portal.users.access_type").select_option(label="Clinician")
    screen.follow(_control(walk, "portal.users.search"))
    walk.resolve(*results)
    # Only a results list longer than one page has a "Next" link: absent is fine.
    following = walk.settings.selectors("portal.users.next_page", page)
    walk.results["portal.users.next_page"].state = "found" if following.count() else "absent (ok)"
    if not following.count():
        walk.audit.say("Only one page of search results seen: if your portal pages its results, check that the "
                       "robot recognises its 'Next' link (portal.users.next_page).")
    screen.follow(_control(walk, "portal.users.username_link"))
    section = walk.settings.selectors("portal.account.section", page)
    with contextlib.suppress(PlaywrightError):
        section.first.scroll_into_view_if_needed(timeout=walk.wait_ms)
    walk.resolve(*account)


def check(
    settings: Settings,
    out: Path,
    choice: BrowserChoice,
    *,
    maxmd: Site,
    portal: Site,
    playwright_factory: Callable[[], contextlib.AbstractContextManager[Playwright]] = sync_playwright,
) -> tuple[int, Path]:
    """Run the preflight; returns (exit code, the folder with its screenshots)."""
    redactor = Redactor()
    redactor.add(*settings.secrets(), maxmd.password, portal.password)
    run_dir = new_run_dir(out, suffix="-check")
    audit = Audit(run_dir, settings.selectors, redactor, handoff=False)
    results = {key: KeyCheck(key, screen) for screen, keys in SCREENS for key in keys}
    results["portal.users.next_page"] = KeyCheck("portal.users.next_page", "portal search results", "not reached")
    results.update({key: KeyCheck(key, "-", "not checked") for key in NOT_CHECKED})
    error = ""
    try:
        with playwright_factory() as pw:
            browser = launch(pw, choice)
            try:
                for site_walk, site in ((_walk_maxmd, maxmd), (_walk_portal, portal)):
                    ctx = browser.new_context(
                        viewport={"width": settings.viewport[0], "height": settings.viewport[1]},
                        ignore_https_errors=settings.ignore_tls_errors,
                    )
                    ctx.set_default_timeout(settings.timeout_ms)
                    walk = _Walk(settings, audit, ctx.new_page(), site, results)
                    try:
                        site_walk(walk)
                    except PlaywrightError as exc:
                        audit.shot(walk.page, "check", "stopped here", full_page=True)
                        error = f"the walk stopped at step '{_last_screen(results)}': {str(exc).splitlines()[0]}"
                    finally:
                        ctx.close()
            finally:
                browser.close()
    except RobotError as exc:
        error = str(exc)
    audit.close()
    _table(audit, results)
    missing = [r.key for r in results.values() if r.state in ("MISSING", "not reached") and r.key != "portal.users.next_page"]
    if error:
        audit.say(f"error: {error}")
    audit.say(f"Screenshots (found controls outlined): {(run_dir / 'screenshots').resolve()}")
    if missing:
        found_missing = [r.key for r in results.values() if r.state == "MISSING"]
        audit.say(f"Fix in config/selectors.yaml: {', '.join(found_missing) or '(none found missing)'}"
                  + (f"; not reached because of them: {len(missing) - len(found_missing)} keys" if len(missing) > len(found_missing) else ""))
        return 2, run_dir
    if error:
        return 2, run_dir
    audit.say("Every key was found.")
    return 0, run_dir


def _last_screen(results: dict[str, KeyCheck]) -> str:
    reached = [r.screen for r in results.values() if r.state in ("found", "MISSING")]
    return reached[-1] if reached else "start"


def _table(audit: Audit, results: dict[str, KeyCheck]) -> None:
    sel = audit.selectors
    audit.say(f"{'key':<42} {'result':<12} {'source':<9} locator")
    for r in results.values():
        audit.say(f"{r.key:<42} {r.state:<12} {sel.source(r.key):<9} {sel.describe(r.key)}")
