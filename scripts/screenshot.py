"""Write docs/screenshot-overview.png, the README's picture of the HTML report, from the demo run.

Usage: .venv/bin/python scripts/screenshot.py [OUTPUT.png]

Needs Debian's chromium (apt-get install chromium) and Playwright for Python (pip install
playwright); the browser is the system one, nothing is downloaded.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("FUNDCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(output: Path) -> None:
    from fundcheck.config import build_config
    from fundcheck.demo import generate_demo, write_demo
    from fundcheck.pipeline import run
    from fundcheck.reports import REPORTS

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_demo(work / "demo_liste_operations_2021_2027.xlsx", generate_demo())
        result = run(build_config({}, sources=[source]))
        [report] = REPORTS["html"]().render(result, work, "en")
        screenshot(report, output)
    print(f"screenshot: {output}")


def screenshot(page_file: Path, output: Path) -> None:
    """The top of a page (1280 x 900) as a PNG."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_file.as_uri())
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot-overview.png")
