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
