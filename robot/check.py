"""``python -m robot --check``: a read-only preflight of both sites before the first real run.

Logs in to both sites and walks every screen down to one provider's account page with the run's own
page objects, resolving every selector key on its screen, default or override. No Save, no account
field touched (the only input is the Access Type filter, to reach the results). Where a key finds
nothing, the walk goes on by plain HTML so the later screens get checked too. Every screen is
photographed with the controls found outlined. Exit 0 when every key was found, else 2 naming them.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Playwright, sync_playwright

from pages.base import Find, LoginScreen, Retry, Scope, Screen, either
from pages.locators import DEFAULTS
from pages.maxmd import NPI_OR_ADDRESS, IdentityProofingPage, MaxmdHomePage, MaxmdLoginPage, WorkflowStatusPage
from pages.portal import PortalLoginPage, PortalNavigation, UserSearchPage
from pages.scripts import script
from robot import origins
from robot.audit import Audit, Redactor
from robot.browser import BrowserChoice, launch
from robot.after_login import AfterLogin, blocked_login, watch_cookie_banners
from robot.errors import LoginRefused, PageAnswered, RobotError, SiteUnreachable, WrongAddress
from robot.run import new_run_dir
from robot.safetext import plural
from robot.settings import Settings, Site
from robot.steps import screens

# The screens in the order the seed walks them, each with the keys that live on it.
SCREENS: list[tuple[str, tuple[str, ...]]] = screens()
# Keys that only show after something the check must not do (a refused login, a Save).
NOT_CHECKED = ("maxmd.page.alert", "portal.page.alert", "portal.account.saved")
# Signed out of as each walk ends; a site without one is told, not failed (nor is a results list of one page).
SIGN_OUT_KEYS = ("maxmd.nav.sign_out", "portal.nav.sign_out")
# Asked for only where a login needs a one-time code.
CODE_KEYS = ("maxmd.login.code", "maxmd.login.verify", "portal.login.code", "portal.login.verify")
OPTIONAL = ("portal.users.next_page", *SIGN_OUT_KEYS, *CODE_KEYS)
OUTLINE = "3px solid #d0f"


@dataclass
class KeyCheck:
    key: str
    screen: str
    state: str = "not reached"  # "found", "MISSING", "not reached", "not checked"
    matches: int = 0
    instead: str = ""  # the nearest words the page showed, where the key found nothing
    completed: str = ""  # how the step this key's control takes completed (a new page, in place)


class _Walk:
    def __init__(self, settings: Settings, audit: Audit, page: Page, site: Site, results: dict[str, KeyCheck]) -> None:
        self.settings, self.audit, self.page, self.site, self.results = settings, audit, page, site, results
        self.retry = Retry(settings.retries + 1, 1.0, timeout_s=settings.timeout_ms / 1000)
        self.wait_ms = min(settings.timeout_ms, 5000)
        self.quick = Retry(settings.retries + 1, 1.0, timeout_s=self.wait_ms / 1000)  # a missing key costs no more
        self.screen = Screen(page, settings.selectors, self.quick)  # finds a key in whatever frame shows it

    def locate(self, key: str) -> Locator:
        """``key``'s control, in the frame that shows it (the top document where none does)."""
        return self.screen.find(self.screen.key(key))

    def resolve(
        self, screen: str, keys: tuple[str, ...], scope: Callable[[str], Page | Locator | None] | None = None, *, shoot: bool = True
    ) -> None:
        """Find each key on the current screen (in any frame), outline what was found, photograph it."""
        # The screen's first key is given time to come; once one has, the screen is there.
        first = scope(keys[0]) if scope else None
        if first is None:
            self.screen.shown(self.screen.key(keys[0]), self.wait_ms)
        locs = {key: (inside if scope and (inside := scope(key)) is not None else self.locate(key)) for key in keys}
        for key, loc in locs.items():
            with contextlib.suppress(PlaywrightError):
                loc.first.wait_for(state="attached", timeout=self.wait_ms if key == keys[0] else 500)
            n = loc.count()
            self.results[key].state, self.results[key].matches = ("found" if n else "MISSING"), n
            if n:
                with contextlib.suppress(PlaywrightError):
                    loc.evaluate_all(f"(els) => els.forEach(e => e.style.outline = '{OUTLINE}')")
        _nearest(self, keys)
        if shoot:
            self.audit.shot(self.page, "check", screen, full_page=True)


# Where a key finds nothing, the walk goes on by plain HTML so the later screens get checked too.
# These fallbacks serve the check alone; a run uses the keys and nothing else.
_FALLBACK: dict[str, Callable[[Scope], Locator]] = {
    "login.username": lambda p: p.locator("input:not([type=password]):not([type=hidden]):not([type=submit])").first,
    "login.password": lambda p: p.locator("input[type=password]").first,
    "login.submit": lambda p: p.locator("button, input[type=submit]").first,
    "maxmd.home.details": lambda p: p.get_by_text(re.compile(r"details", re.I)).first,
    "maxmd.details.workflow_status": lambda p: p.get_by_text(re.compile("provisioning workflows", re.I)).first,
    "portal.nav.administration": lambda p: p.get_by_text(re.compile(r"admin", re.I)).first,
    "portal.nav.user_accounts": lambda p: p.get_by_text(re.compile(r"user\s*accounts?", re.I)).first,
    "portal.users.access_type": lambda p: p.locator("select, [role=combobox]").first,
    "portal.users.search": lambda p: p.get_by_role("button", name=re.compile("search|find|go", re.I)).first,
    "portal.users.username_link": lambda p: p.get_by_role("link", name=re.compile(r"^\s*[12]\d{9}\s*$")).first,
}
# The words each key's default looks for, to name the nearest words a page shows instead.
_QUOTED = re.compile(r"'([^']+)'")
def _control(walk: _Walk, key: str) -> Locator:
    """The key's control if it was found, else the plain-HTML fallback."""
    if walk.results[key].state == "found":
        return walk.locate(key).first
    fallback = _FALLBACK.get(key) or _FALLBACK[key.split(".", 1)[1]]
    return walk.screen.find(fallback)


def _nearest(walk: _Walk, keys: tuple[str, ...]) -> None:
    """For each key missing on this screen, the words on it most like the key's own."""
    missing = [k for k in keys if walk.results[k].state == "MISSING"]
    if not missing:
        return
    shown: set[str] = set()
    for frame in walk.screen.frames():  # the words of every frame: a screen may be in one
        with contextlib.suppress(PlaywrightError):
            shown.update(frame.evaluate(script("short_texts")))
    texts = sorted(shown)
    lowered = {t.lower(): t for t in texts}
    for key in missing:
        wanted = _QUOTED.search(DEFAULTS[key].describe())
        if not wanted:
            continue
        close = difflib.get_close_matches(wanted.group(1).lower(), list(lowered), n=1, cutoff=0.5)
        if close:
            walk.results[key].instead = lowered[close[0]]


def _go(walk: _Walk, screen: Screen, key: str, effect: Find, what: str, run: Callable[[], str] | None = None) -> None:
    """Take the step as the run does (``run``, the page object's action) where its key was found, else by
    the key's control or its fallback, waiting for ``effect``; and say how it completed."""
    results = walk.results
    try:
        if run is not None and results[key].state == "found":
            how = run()
        else:
            how = screen.act(key, effect, what, control=_control(walk, key))
    except (RobotError, PlaywrightError) as exc:
        how = f"not confirmed ({str(exc).splitlines()[0][:80]})"
    results[key].completed = how


def _login(walk: _Walk, login: LoginScreen, name: str, keys: tuple[str, ...]) -> None:
    site, prefix = walk.site, keys[0].split(".")[0]
    try:
        login.open(site.url)
    except PageAnswered as exc:
        raise WrongAddress(site.name, site.variable, site.url, exc) from None
    except PlaywrightError as exc:
        raise SiteUnreachable(f"{site.name} did not answer at {site.url} ({str(exc).splitlines()[0]})") from None
    walk.resolve(name, keys)
    # Nothing is typed unless the page asking for the password is where the practice said (robot.origins).
    field = _control(walk, f"{prefix}.login.password").first
    found = str(field.evaluate("e => e.ownerDocument.location.href")) if field.count() else walk.page.url
    origins.require(found, site.login_origins, site=site.name, variable=site.variable, what="its login page")
    if all(walk.results[k].state == "found" for k in keys):
        try:
            login.log_in(site.username, site.password)
            walk.results[f"{prefix}.login.submit"].completed = login.completion
        except (RobotError, PlaywrightError) as exc:  # a refused login is told below, by the form
            walk.results[f"{prefix}.login.submit"].completed = f"not confirmed ({str(exc).splitlines()[0][:80]})"
    else:
        _control(walk, f"{prefix}.login.username").fill(site.username)
        _control(walk, f"{prefix}.login.password").fill(site.password)
        def gone(scope: Scope) -> Locator:
            return scope.locator(":root").filter(has_not=scope.locator("input[type=password]"))
        _go(walk, login, f"{prefix}.login.submit", either(gone, login.mark_old(lambda scope: scope.locator("input[type=password]"))),
            "the page after the login")
    if walk.screen.find(lambda scope: scope.locator("input[type=password]")).count():  # still a login form: refused
        words = login.alert_text()
        raise blocked_login(site, words) or LoginRefused(f"{site.name} login refused for {site.username} at {site.url}: \"{words}\"")
    _after_login(walk, prefix)


def _after_login(walk: _Walk, prefix: str) -> None:
    """The pages between the login and the first screen, passed as a run passes them; what they asked for, told."""
    site = walk.site
    passed = AfterLogin(site, prefix, walk.settings.selectors, walk.retry, walk.settings.after_login, walk.audit.log,
                        _shooter(walk.audit), _wait, walk.audit.first_time, walk_on=True).through(walk.page)
    for key in (f"{prefix}.login.code", f"{prefix}.login.verify"):
        walk.results[key].state = "found" if passed.asked_for_code else "not asked (ok)"
    configured = f"{site.code_variable} is {'set' if site.codes else 'not set'}"
    if passed.asked_for_code:
        walk.results[f"{prefix}.login.code"].completed = "code accepted" + (" after one refusal" if passed.refused else "")
        told = f"a one-time code was asked for; {configured} and its code was accepted"
    else:
        told = f"no one-time code was asked for ({configured})"
    pages = f"; pages passed after it: {', '.join(repr(a) for a in passed.answers)}" if passed.answers else ""
    walk.audit.say(f"{site.name} login: {told}{pages}.")


def _shooter(audit: Audit) -> Callable[[Page, str, str, str], None]:
    """The check's pictures of the pages a login passes: the whole page, named for the page (no caption to keep)."""
    def shoot(page: Page, name: str, _caption: str, _kind: str) -> None:
        audit.shot(page, "check", name, full_page=True)
    return shoot


def _wait(seconds: float) -> None:
    threading.Event().wait(seconds)  # for the next one-time code's time window, not for a page


def _changed(screen: Screen) -> Find:
    """Anything new on the page (in any frame): the generous effect a step of the check waits for when its key is missing."""
    new = screen.mark_old(lambda scope: scope.locator("body *"))
    return lambda scope: (loc.first if (loc := new(scope)) is not None else None)


def _walk_maxmd(walk: _Walk) -> None:
    page, sel, screen = walk.page, walk.settings.selectors, Screen(walk.page, walk.settings.selectors, walk.quick)
    screen.site = "maxmd"
    login, home, details, workflows = SCREENS[:4]
    _login(walk, MaxmdLoginPage(page, sel, walk.retry), *login)  # a login gets the full timeout
    walk.resolve(*home)
    _go(walk, screen, "maxmd.home.details", either(screen.key("maxmd.details.identity_proofing"), _changed(screen)),
        "the identity-proofing information", MaxmdHomePage(page, sel, walk.quick).open_details)
    walk.resolve(*details)
    _go(walk, screen, "maxmd.details.workflow_status", screen.mark_old(lambda scope: scope.get_by_text(NPI_OR_ADDRESS)),
        "the provisioned providers' entries", IdentityProofingPage(page, sel, walk.quick).view_workflow_status)
    providers = WorkflowStatusPage(page, sel, walk.retry).entries()
    walk.resolve(*workflows, scope=lambda key: providers if key.endswith("direct_address") and providers.count() else None)


def _walk_portal(walk: _Walk) -> None:
    page, sel, screen = walk.page, walk.settings.selectors, Screen(walk.page, walk.settings.selectors, walk.quick)
    screen.site = "portal"
    login, menu, users, results, account = SCREENS[4:]
    _login(walk, PortalLoginPage(page, sel, walk.retry), *login)
    nav = PortalNavigation(page, sel, walk.quick)
    walk.resolve(menu[0], menu[1][:1], shoot=False)  # the menu's own screenshot comes once it is open
    _go(walk, screen, "portal.nav.administration", either(screen.key("portal.nav.user_accounts"), _changed(screen)),
        "the Administration menu", nav.open_administration_menu)
    walk.resolve(*menu)
    _user_accounts(walk, screen, nav)
    walk.resolve(*users)
    search = UserSearchPage(page, sel, walk.quick)
    if walk.results["portal.users.access_type"].state == "found":
        search.choose_clinicians()
    else:
        with contextlib.suppress(PlaywrightError):
            _control(walk, "portal.users.access_type").select_option(label="Clinician", timeout=walk.wait_ms)
    links = screen.mark_old(lambda scope: scope.get_by_role("link", name=re.compile(r"^\s*[12]\d{9}\s*$")))
    _go(walk, screen, "portal.users.search", either(screen.key("portal.users.username_link"), links), "the search results",
        search.search)
    walk.resolve(*results)
    # Only a results list longer than one page has a "Next" link: absent is fine.
    following = walk.locate("portal.users.next_page")
    walk.results["portal.users.next_page"].state = "found" if following.count() else "absent (ok)"
    if not following.count():
        walk.audit.say("Only one page of search results seen: if your portal pages its results, check that the "
                       "robot recognises its 'Next' link (portal.users.next_page).")
    _go(walk, screen, "portal.users.username_link", either(screen.key("portal.account.section"), _changed(screen)),
        "the account page")
    with contextlib.suppress(PlaywrightError):
        walk.locate("portal.account.section").first.scroll_into_view_if_needed(timeout=walk.wait_ms)
    walk.resolve(*account)


def _user_accounts(walk: _Walk, screen: Screen, nav: PortalNavigation) -> None:
    """Seed step 7's second half: User Accounts from the open menu, or the address a hidden link holds."""
    search_screen = either(screen.key("portal.users.access_type"), screen.key("portal.users.search"), _changed(screen))
    if walk.results["portal.nav.user_accounts"].state == "found" or _control(walk, "portal.nav.user_accounts").is_visible():
        _go(walk, screen, "portal.nav.user_accounts", search_screen, "the User Accounts search", nav.choose_user_accounts)
        return
    href = walk.screen.find(lambda scope: scope.get_by_text(re.compile(r"user\s*accounts?", re.I))).evaluate_all(script("link_addresses"))
    if href:
        screen.goto(href[0])
        walk.results["portal.nav.user_accounts"].completed = "by the address of a hidden link"


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
    redactor.add(*settings.secrets(), *maxmd.secrets(), *portal.secrets())
    run_dir = new_run_dir(out, suffix="-check")
    audit = Audit(run_dir, settings.selectors, redactor, handoff=False)
    results = {key: KeyCheck(key, screen) for screen, keys in SCREENS for key in keys}
    results["portal.users.next_page"] = KeyCheck("portal.users.next_page", "portal search results", "not reached")
    results.update({key: KeyCheck(key, "-", "not checked") for key in NOT_CHECKED})
    results.update({key: KeyCheck(key, "the last screen", "not reached") for key in SIGN_OUT_KEYS})
    results.update({key: KeyCheck(key, f"after the {key.split('.')[0]} login", "not reached") for key in CODE_KEYS})
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
                    watch_cookie_banners(walk.page, site.name, settings.after_login, audit.log, _shooter(audit), audit.first_time)
                    try:
                        site_walk(walk)
                        _sign_out(walk, "maxmd" if site is maxmd else "portal")
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
    missing = [r.key for r in results.values() if r.state in ("MISSING", "not reached") and r.key not in OPTIONAL]
    if error:
        audit.say(f"error: {error}")
    audit.say(f"Screenshots (found controls outlined): {(run_dir / 'screenshots').resolve()}")
    if missing:
        found_missing = [r.key for r in results.values() if r.state == "MISSING"]
        if not found_missing and error:  # nothing was found missing: the error above stopped the walk, not a selector
            audit.say(f"Fix the error above first: {plural(len(missing), 'key')} not reached because of it")
            return 2, run_dir
        audit.say(f"Fix in config/selectors.yaml: {', '.join(found_missing) or '(none found missing)'}"
                  + (f"; not reached because of them: {plural(len(missing) - len(found_missing), 'key')}" if len(missing) > len(found_missing) else ""))
        return 2, run_dir
    if error:
        return 2, run_dir
    audit.say("Every key was found.")
    return 0, run_dir


def _sign_out(walk: _Walk, site: str) -> None:
    """The check ends its session as a run does; a site with no sign-out the robot can find is told, not failed."""
    key = f"{site}.nav.sign_out"
    screen = Screen(walk.page, walk.settings.selectors, walk.quick)
    screen.site = site
    try:
        done = screen.sign_out(walk.wait_ms / 1000)
    except (RobotError, PlaywrightError) as exc:
        done, why = False, str(exc).splitlines()[0][:80]
    else:
        why = "no sign-out link or button found"
    walk.results[key].state = "found" if done else "absent (ok)"
    walk.results[key].completed = "signed out" if done else f"not signed out ({why}): the session ends when the site expires it"


def _last_screen(results: dict[str, KeyCheck]) -> str:
    reached = [r.screen for r in results.values() if r.state in ("found", "MISSING")]
    return reached[-1] if reached else "start"


def _table(audit: Audit, results: dict[str, KeyCheck]) -> None:
    sel = audit.selectors
    audit.say(f"{'key':<42} {'result':<12} {'source':<9} locator")
    for r in results.values():
        audit.say(f"{r.key:<42} {r.state:<12} {sel.source(r.key):<9} {sel.describe(r.key)}")
    for r in results.values():
        if r.instead:
            audit.say(f"  {r.key}: nothing found; the nearest words on that screen: \"{r.instead}\"")
    steps = [r for r in results.values() if r.completed]
    if steps:
        audit.say("How each step completed on your sites:")
        for r in steps:
            audit.say(f"  {r.key:<42} {r.completed}")
