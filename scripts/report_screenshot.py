"""Run the robot against a fresh sandbox and photograph its report for the README (docs/img/report.png)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from robot_helpers import run_robot  # noqa: E402

from robot.browser import choose_browser, launch  # noqa: E402
from robot.sandbox import Sandbox  # noqa: E402


def main() -> int:
    out = ROOT / "docs" / "img" / "report.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, Sandbox() as sb:
        run = run_robot(sb, Path(tmp))
        with sync_playwright() as pw:
            browser = launch(pw, choose_browser())
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.goto((run.dir / "report.html").as_uri())
            for img in page.get_by_role("img").all()[:12]:
                img.scroll_into_view_if_needed()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=out)
            browser.close()
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
