"""The HTML report in a real browser (Debian's chromium driven by Playwright): the page loads
without console errors, the filters and the search change the visible rows, and a screenshot of
the overview is written.

Skipped with the reason when chromium or Playwright is missing, except in CI (CI=true), where
that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundcheck.reports import REPORTS

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


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the browser test: install chromium and playwright)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, sample_result, tmp_path):
    """The report of the sample run (10 findings) opened in a new page; console errors and
    dialogs are kept in ``page.console_errors``."""
    REPORTS["html"]().render(sample_result, tmp_path, "fr")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto((tmp_path / "report.html").as_uri())
    page.wait_for_load_state("load")
    page.console_errors = errors
    yield page
    page.close()


def _rows(page, region: str):
    return page.locator(f"section#region-{region} table.findings tbody tr")


def test_the_page_loads_without_console_errors(page):
    assert page.console_errors == []
    assert page.title().startswith("fundcheck")
    assert _rows(page, "84").count() == 6
    assert _rows(page, "11").count() == 2
    # hostile values from the data stay text: no script of theirs ran (no dialog was opened)
    assert (
        "<script>alert(1)</script>"
        in page.locator("section#region-84 table.findings tbody").inner_text()
    )


def test_the_severity_and_rule_filters_change_the_visible_rows(page):
    section = page.locator("section#region-84")
    section.locator("select.f-severity").select_option("warning")
    assert _rows(page, "84").count() == 2
    assert "2 / 2" in section.locator(".status").inner_text()
    section.locator("select.f-severity").select_option("")
    section.locator("select.f-rule").select_option("eu.cci.format")
    assert _rows(page, "84").count() == 1
    assert _rows(page, "11").count() == 2  # other regions are not filtered
    assert page.console_errors == []


def test_the_search_finds_rows_by_text(page):
    search = page.locator("section#region-84 input.f-search")
    search.fill("2021FR16FFPR00X")
    assert _rows(page, "84").count() == 1
    search.fill("op-3")  # case-insensitive
    assert _rows(page, "84").count() == 1
    assert "OP-3" in _rows(page, "84").first.inner_text()
    search.fill("no such text anywhere")
    assert _rows(page, "84").count() == 0


def test_more_rows_than_a_page_are_shown_on_demand(browser, many_findings, tmp_path):
    REPORTS["html"]().render(many_findings(1200), tmp_path, "en")
    page = browser.new_page()
    page.goto((tmp_path / "report.html").as_uri())
    assert _rows(page, "84").count() == 250
    page.locator("section#region-84 button.f-more").click()
    assert _rows(page, "84").count() == 600
    page.close()


def test_a_screenshot_of_the_overview_is_written(page, tmp_path):
    shot = tmp_path / "overview.png"
    page.locator("section#overview").screenshot(path=str(shot))
    content = shot.read_bytes()
    assert content.startswith(b"\x89PNG") and len(content) > 5_000
