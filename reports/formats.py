"""The names of the output formats, known without importing a renderer.

The command line needs them at start-up (``--report`` help and checks); importing the renderers
would load pandas, Jinja2 and XlsxWriter for ``fundcheck --help``. They are the names the renderers
register, in registry order: ``tests/reports/test_registry.py`` checks that both lists match.
"""

from __future__ import annotations

REPORT_FORMATS: tuple[str, ...] = ("html", "json", "junit", "liaison", "markdown", "xlsx")
"""``fundcheck validate`` and ``demo --report``: the formats of ``REPORTS``."""
DIFF_FORMATS: tuple[str, ...] = ("json", "markdown", "html")
"""``fundcheck diff --report``: the formats of ``DIFF_REPORTS``."""

REPORT_MODULES: dict[str, str] = {
    "html": "html_report",
    "json": "json_report",
    "junit": "junit_report",
    "liaison": "liaison_report",
    "markdown": "markdown_report",
    "xlsx": "xlsx_report",
}
"""The module of this package that registers each format of ``REPORT_FORMATS``: a run imports
the renderers it writes with only (XlsxWriter and Jinja2 take 0.1 s to import)."""
REPORT_FILES: dict[str, str | None] = {
    "html": "report.html",
    "json": "report.json",
    "junit": "junit.xml",
    "liaison": None,
    "markdown": "summary.md",
    "xlsx": "report.xlsx",
}
"""The fixed file each format writes (None: per-region files, named once the run is known),
checked against the output folder before a run starts."""
