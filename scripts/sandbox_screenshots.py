"""Screenshots of every sandbox screen for the README: ``python scripts/sandbox_screenshots.py``.

Starts a Sandbox, walks both sites in a headless Chromium the way the vendor's steps do (finding
controls by their visible words, like the robot) and writes viewport PNGs to ``docs/img/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from robot.browser import choose_browser, launch_kwargs  # noqa: E402
from robot.sandbox import DEMO_MAXMD_CREDENTIALS, DEMO_PORTAL_CREDENTIALS, Sandbox  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}


def shoot(page: Page, out: Path, name: str) -> Path:
    path = out / f"sandbox-{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    return path


def walk_maxmd(page: Page, sb: Sandbox, out: Path) -> None:
    page.goto(sb.maxmd_url)
    page.get_by_label("Username").fill(sb.maxmd_username)
    shoot(page, out, "maxmd-login")
    page.get_by_label("Password").fill(sb.maxmd_password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Details")).to_be_visible()
    shoot(page, out, "maxmd-home")
    page.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="Identity Proofing Information")).to_be_visible()
    shoot(page, out, "maxmd-details")
    page.get_by_role("link", name="Click to view status of provisioning workflows").click()
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
    shoot(page, out, "maxmd-workflows")


def walk_portal(page: Page, sb: Sandbox, out: Path) -> None:
    page.goto(sb.portal_url)
    page.get_by_label("Username").fill(sb.portal_username)
    shoot(page, out, "portal-login")
    page.get_by_label("Password").fill(sb.portal_password)
    page.get_by_role("button", name="Log In").click()
    page.get_by_role("button", name="Administration").click()
    expect(page.get_by_role("menuitem", name="User Accounts")).to_be_visible()
    shoot(page, out, "portal-menu")
    page.get_by_role("menuitem", name="User Accounts").click()
    page.get_by_label("Access Type").select_option("Clinician")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="Search results")).to_be_visible()
    shoot(page, out, "portal-users")
    page.get_by_role("link", name="1234567893", exact=True).click()
    section = page.get_by_role("region", name="User Account Information")
    section.get_by_role("heading", name="User Account Information").scroll_into_view_if_needed()
    # Put the section's top at the top of the viewport, the way a person scrolls to it (step 11).
    section.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 12)")
    shoot(page, out, "portal-account")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where to write the PNGs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    # The demo credentials, so the pictures match what `python -m robot.sandbox` shows.
    with Sandbox(maxmd_credentials=DEMO_MAXMD_CREDENTIALS, portal_credentials=DEMO_PORTAL_CREDENTIALS) as sb, \
            sync_playwright() as p:
        browser = p.chromium.launch(**launch_kwargs(choose_browser()))
        try:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            walk_maxmd(page, sb, args.out)
            walk_portal(page, sb, args.out)
            context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
