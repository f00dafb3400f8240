"""The session policy every seed step runs under: one worker's browser and its portal page, step
marks and pictures, retries with back-off from a fresh login, a new browser when the old one died,
trace windows, and housekeeping between providers."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from playwright.sync_api import Browser, BrowserContext, Locator, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pages.base import Retry, Screen
from pages.landmarks import Landmarks
from robot import evidence
from robot.audit import MASK_COLOR, Audit
from robot.shots import Captured
from robot.browser import GC_EVERY, collect_garbage
from robot.errors import RobotError, RunStopped, TransientFault, first_line
from robot.model import Picture
from robot.options import RunOptions, StopRequest
from robot.settings import Settings
from robot.steps import failed_caption, shows
from robot.tracing import Tracing

if TYPE_CHECKING:
    from robot.after_login import BannerWatch

T = TypeVar("T")

# A browser that died (or whose remote server dropped it) fails every call with one of these, though
# Playwright may go on calling it connected for a moment (a remote one, especially).
BROWSER_GONE = re.compile(r"Browser (has been )?closed|Target page, context or browser has been closed|Connection closed", re.I)
# The page changed under a call (a script replaced the element, a navigation came): worth another attempt.
_PAGE_CHANGED = re.compile(r"not attached to the DOM|Execution context was destroyed|Cannot find context with specified id"
                           r"|frame (was|got) detached", re.I)

# Pictures of the account's section alone: its learned controls say where it is (an answer above it is not one of them).
_SECTION_ONLY = ("before", "filled in", "after", "step")
BANNER_WATCH = 3  # providers the portal page is watched for a cookie banner, where none came

_TIMEOUT_HINT = (
    "the control did not appear in time; if the site looks different, fix its locator in "
    "config/selectors.yaml (see docs/adapting-to-your-portal.md)"
)


class Session:
    """One worker's browser and the policy around each step; the procedure calls it, never the reverse."""

    def __init__(self, settings: Settings, options: RunOptions, audit: Audit, launcher: Callable[[], Browser],
                 name: str = "") -> None:
        self.settings = settings
        self.options = options
        self.audit = audit
        self.name = name  # the worker's, in its log lines ("" when it works alone)
        self._launch = launcher
        self.browser = launcher()
        self.tracing = Tracing(audit.run_dir, audit.log, audit.redact, name=name) if options.trace else None
        self.waits = Retry(attempts=settings.retries + 1, backoff_seconds=options.backoff_seconds,
                           timeout_s=settings.timeout_ms / 1000)  # what the page objects' actions get
        self.portal: Page | None = None  # the logged-in portal page; None sends the next step through a login
        self._portal_ctx: BrowserContext | None = None
        self.landmarks: Landmarks | None = None  # where the account page's controls stand, once learned
        self.step_name = ""
        self.attempt = 0
        self._handled = 0
        self._collect = True
        self._told: set[str] = set()
        self.sign_out: Callable[[Page], None] | None = None  # ends the portal's session on a page let go (the procedure's)
        # The portal page's cookie-banner watch, and how many providers it has seen on that page; once ended, looked at.
        self.banners: tuple[Page, BannerWatch, int] | None = None
        self._ended: tuple[Page, BannerWatch] | None = None

    # --- browser and pages ---------------------------------------------------------------------------
    def context(self) -> BrowserContext:
        width, height = self.settings.viewport
        # Reduced motion: sites that honour it (smooth scrolling, fades) hold no click back.
        ctx = self.browser.new_context(
            viewport={"width": width, "height": height}, ignore_https_errors=self.settings.ignore_tls_errors,
            reduced_motion="reduce",
        )
        ctx.set_default_timeout(self.settings.timeout_ms)
        return ctx

    def new_portal_page(self) -> Page:
        """A fresh context for the portal (the old one may have died with its browser), traced if asked."""
        if self._portal_ctx is not None:
            self._let_go()
        self._portal_ctx = self.context()
        if self.tracing:
            self.tracing.attach(self._portal_ctx)
        return self._portal_ctx.new_page()

    def close(self) -> None:
        """The end of the worker: its portal session signed out, then its browser closed."""
        if self._portal_ctx is not None:
            self._let_go()
        with contextlib.suppress(PlaywrightError):
            self.browser.close()

    def _let_go(self) -> None:
        """Sign out of the portal context's logged-in page, if it still has one, and close the context."""
        ctx, self._portal_ctx = self._portal_ctx, None
        page, self.portal = self.portal, None
        if ctx is None:
            return
        if self.sign_out is not None and self.browser.is_connected():
            pages = [p for p in ctx.pages if not p.is_closed()]
            if page is not None and not page.is_closed():
                pages = [page]
            if pages:
                if self.tracing:
                    self.tracing.pause()  # a sign-out is no provider's to keep
                self.sign_out(pages[0])
        with contextlib.suppress(PlaywrightError):
            ctx.close()

    # --- steps: marks, pictures, failures ------------------------------------------------------------
    def mark(self, who: str, name: str) -> None:
        """A seed step begins: errors name it from here on, and the log says so."""
        self.step_name = name
        self.audit.log.info("step", who=who, step=name, **({"worker": self.name} if self.name else {}))
        if self.audit.progress is not None:
            self.audit.progress.doing(self.name, f"{who} at step '{name}'")

    def shot(self, page: Page, who: str, name: str, shots: list[Picture], region: Locator | None = None, *,
             kind: str = "step", caption: str = "", full_page: bool = False) -> None:
        """A picture of ``kind``, where ``screenshots:`` keeps that kind; ``region`` scrolled to, else the window."""
        if not evidence.takes(self.settings.screenshots, kind):
            return
        # The learned controls find the account's section in one call; other regions are looked for.
        learned = self.landmarks if region is not None and kind in _SECTION_ONLY else None
        with self.timed(kind):
            taken = self._clear(page, kind, lambda: self.audit.capture(page, who, name, region=region, landmarks=learned,
                                                                       full_page=full_page))
            path = self.audit.keep_taken(who, name, taken) if taken else ""
        if taken and path:
            shots.append(Picture(kind, path, evidence.widened_caption(caption or name, taken.widened)))

    def capture(self, page: Page, who: str, name: str, region: Locator, kind: str, also: dict | None = None) -> Captured | None:
        """A picture taken now and kept later, or never (``keep``); None where ``kind`` is not kept. ``also``: a
        part of the page (page coordinates) the picture holds too, to be cut from it (``cut``)."""
        if not evidence.takes(self.settings.screenshots, kind):
            return None
        learned = self.landmarks if kind in _SECTION_ONLY else None
        with self.timed(kind):
            return self._clear(page, kind, lambda: self.audit.capture(page, who, name, region=region, landmarks=learned, also=also))

    def crop(self, page: Page, who: str, name: str, rect: dict | None, shots: list[Picture], kind: str, caption: str) -> None:
        """The part of the page at ``rect`` alone, where ``screenshots:`` keeps ``kind``."""
        if not (rect and evidence.takes(self.settings.screenshots, kind)):
            return
        with self.timed(kind):
            # The learned secrets covered by the page's own script: no selector engine on a page a Save loaded.
            try:
                covered = self.landmarks is not None and self.landmarks.cover_secrets(page, MASK_COLOR)
            except PlaywrightError:
                covered = False  # the locators cover them instead
            path = self.audit.crop(page, rect, who, name, covered=covered)
        if path:
            shots.append(Picture(kind, path, caption))

    def after_save(self, page: Page, who: str, region: Locator, answer: dict | None, shots: list[Picture], caption: str,
                   *, held_by_portal: bool = True) -> None:
        """The account after Save (as the portal holds it, or as saved where the portal answered in place); with
        it, in one picture, the portal's ``answer`` (where it is in the page, page coordinates) where both fit in
        the window, else the answer on its own."""
        after = self.capture(page, who, "18 after", region, "after", also=answer)
        answer = after.part if after is not None and after.part else answer  # a toast moves in the page as it scrolls
        held = answer is not None and self.cut(who, "18 answer", after, answer, shots, "answer", caption)
        if answer is not None and not held:  # too far from the section to be pictured with it
            self.crop(page, who, "18 answer", answer, shots, "answer", caption)
        self.keep(who, "18 after", after, shots, "after", evidence.after_caption(answer=held, held_by_portal=held_by_portal))

    def _clear(self, page: Page, kind: str, take: Callable[[], Captured | None]) -> Captured | None:
        """A picture of the account taken by ``take``; where a cookie banner lay over it (``clear_view``), taken again."""
        taken = take()
        return take() if kind in _SECTION_ONLY and self.clear_view(page) else taken

    def clear_view(self, page: Page) -> bool:
        """After a picture of the account on the watched portal page, one look: a cookie banner there, come before or
        while the picture was taken (with a load, no action since), is dismissed and the page watched again (True)."""
        held = next((h for h in (self.banners, self._ended) if h is not None and h[0] is page), None)
        if held is None:
            return False
        try:
            came = held[1].look()
        except PlaywrightError as exc:  # looked at as the page changed: the next look, or a click it blocks, tells
            self.audit.log.info("cookie banner not looked for", error=first_line(exc))
            return False
        if came:
            self.audit.log.info("cookie banner over a picture of the account: dismissed, the picture taken again", site="portal",
                                **({"watch": "again"} if held is self._ended else {}))
        return came

    @contextlib.contextmanager
    def timed(self, kind: str, count: int = 1) -> Iterator[None]:
        """How long pictures of ``kind`` take, in the log: the benchmark tells where the time goes by it."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.audit.log.info("picture", kind=kind, count=count, ms=round((time.perf_counter() - started) * 1000, 1))

    def keep(self, who: str, name: str, taken: Captured | None, shots: list[Picture], kind: str, caption: str) -> None:
        if taken and (path := self.audit.keep_taken(who, name, taken)):
            shots.append(Picture(kind, path, evidence.widened_caption(caption, taken.widened)))

    def cut(self, who: str, name: str, taken: Captured | None, rect: dict | None, shots: list[Picture], kind: str,
            caption: str) -> bool:
        """The part of ``taken`` at ``rect`` kept as a picture of ``kind`` (no capture of its own); False where
        it is not in ``taken``, for the caller to take it on its own."""
        if not (taken and rect and evidence.takes(self.settings.screenshots, kind)):
            return False
        started = time.perf_counter()
        path = self.audit.cut(who, name, taken, rect)
        if path:  # logged only when kept: a part too far to cut is taken on its own, and logged there (the bench counts them)
            self.audit.log.info("picture", kind=kind, count=1, ms=round((time.perf_counter() - started) * 1000, 1))
            shots.append(Picture(kind, path, caption))
        return bool(path)

    @contextlib.contextmanager
    def step(self, page: Page, who: str, name: str, shots: list[Picture], *, region: Locator | None = None,
             picture: str = "step") -> Iterator[None]:
        """Do one step (or one screen's steps, each marked), then picture ``region`` or the window as a
        ``picture`` ("" none). A failure is pictured whole and names the step; a stop request is honoured
        here, between steps."""
        if self.options.stopping():
            raise RunStopped(f"stopped by {self.options.stop.reason} before step '{name}'")  # type: ignore[union-attr]
        self.audit.check_writable(who)  # a run folder that took no picture or log line: no step without its record
        self.mark(who, name)
        try:
            yield
        except PlaywrightTimeout as exc:
            self.shot(page, who, f"{self.step_name} failed", shots, kind="failure", caption=failed_caption(self.step_name))
            raise TransientFault(f"{first_line(exc)} {_waiting_for(exc)}; {_TIMEOUT_HINT}") from None
        except (RobotError, PlaywrightError):
            self.shot(page, who, f"{self.step_name} failed", shots, kind="failure", caption=failed_caption(self.step_name))
            raise
        if picture:
            self.shot(page, who, name, shots, region, kind=picture, caption=shows(name))

    def completed(self, step: str, *how: str) -> None:
        """How a step completed (a new page, in place), once a run: the log tells the user how their site behaves."""
        if step not in self._told:
            self._told.add(step)
            self.audit.log.info("step completed", step=step, how=", ".join(how))

    # --- retries ---------------------------------------------------------------------------------------
    def attempts(self, who: str, action: Callable[[], T]) -> T:
        """``action`` with bounded attempts and back-off; each new attempt starts from a fresh login,
        the one address known to lead somewhere, and from a new browser if the old one died."""
        tries = self.settings.retries + 1
        for n in range(1, tries + 1):
            self.attempt = n
            try:
                return action()
            except (TransientFault, PlaywrightTimeout) as exc:
                fault: BaseException = exc
            except PlaywrightError as exc:
                if self.browser.is_connected() and not BROWSER_GONE.search(str(exc)) and not _PAGE_CHANGED.search(str(exc)):
                    raise  # a real error (a control matched twice, ...): retrying will not help
                fault = exc
            self.audit.log.warning("transient fault", who=who, attempt=n, step=self.step_name, error=first_line(fault))
            if n == tries:
                raise fault
            self._recover(who, fault)
            wait = self.options.backoff_seconds * 2 ** (n - 1)
            if self.audit.progress is not None:
                why = self.audit.redact(first_line(fault))[:80]  # redacted before it is cut: no half of a secret
                self.audit.progress.doing(self.name, f"{who} waiting {wait:g} s before attempt {n + 1} ({why})")
            (self.options.stop or StopRequest()).wait(wait)  # cut short by a stop
        raise AssertionError("unreachable")

    def _recover(self, who: str, fault: BaseException) -> None:
        self.portal = None
        if self.options.stopping():
            raise RunStopped(f"stopped by {self.options.stop.reason} during step '{self.step_name}'")  # type: ignore[union-attr]
        if not self.browser.is_connected() or BROWSER_GONE.search(str(fault)):
            self.audit.log.warning("browser lost; starting a new one", who=who)
            self.close()
            self.browser = self._launch()
            self._portal_ctx = None

    # --- traces ----------------------------------------------------------------------------------------
    def trace_window(self) -> Tracing | _NoTracing:
        """Traces cost time on every step: only second and later attempts are recorded (Playwright's
        "on-first-retry"), so the faults that need one to be understood get it."""
        return self.tracing if self.tracing is not None and self.attempt > 1 else _NoTracing()

    def keep_traces(self, npi: str, failed: bool) -> list[str]:
        if not self.tracing:
            return []
        try:
            return self.tracing.finish(keep_as=npi if failed else None)
        except Exception as exc:  # noqa: BLE001 - a trace must never cost a provider's result
            self.audit.log.warning("traces not kept", npi=npi, error=first_line(exc))
            return []

    # --- between providers -----------------------------------------------------------------------------
    def housekeeping(self) -> None:
        """Every GC_EVERY providers, the portal page's renderer collects its garbage (memory stays flat); after
        BANNER_WATCH providers with no cookie banner on the portal page, it is no longer watched for one."""
        self._handled += 1
        if self.banners is not None and self.banners[0] is self.portal:
            page, watch, seen = self.banners
            self.banners = (page, watch, seen + 1) if seen + 1 < BANNER_WATCH else None
            if self.banners is None and watch.end():
                # Consent banners come with a site's first pages; one that comes later is found at the account's next
                # picture (``clear_view``), or stops a click, and the retry's fresh page is watched again.
                self._ended = (page, watch)
                self.audit.log.info("cookie banner watch ended", site="portal", providers=BANNER_WATCH)
        if not self._collect or self._handled % GC_EVERY or self.portal is None or self.portal.is_closed():
            return
        try:
            collect_garbage(self.portal)
        except PlaywrightError as exc:
            if self.browser.is_connected() and not BROWSER_GONE.search(str(exc)):
                # Not Chromium's protocol (another browser, a server that refuses it): memory just grows.
                self.audit.log.info("garbage collection not available", error=first_line(exc))
                self._collect = False


def sign_out(screen: Screen, log: Any) -> None:
    """The administrator's session ended as the robot is done with it, so no cookie left behind (in a kept
    trace, say) still opens the site. Never a run's failure: a site without a sign-out ends it in time."""
    try:
        done = screen.sign_out(min(5.0, screen.retry.timeout_s))
    except (PlaywrightError, RobotError) as exc:
        done, why = False, first_line(exc)
    else:
        why = "" if done else f"no sign-out link or button found ({screen.site}.nav.sign_out)"
    if done:
        log.info("signed out", site=screen.site)
    else:
        log.warning("not signed out; the session ends when the site expires it", site=screen.site, error=why)


class _NoTracing:
    def pause(self) -> None: ...

    def resume(self) -> None: ...


def _waiting_for(exc: BaseException) -> str:
    """The control Playwright was waiting for, from its call log, so the message names it."""
    for line in str(exc).splitlines():
        if "waiting for" in line:
            return "(" + line.strip(" -") + ")"
    return ""
