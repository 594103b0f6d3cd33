"""fundcheck.reports: renderers of a RunResult, registered by format name in ``REPORTS``.

Every module of this package is imported here, so that each file renderer registers itself
(``@register``): adding a format is adding one module. Formats: ``json`` (report.json), ``html``
(report.html), ``xlsx`` (report.xlsx), ``junit`` (junit.xml), ``markdown`` (summary.md) and
``liaison`` (one English PDF per region, for the Commission liaison); the edition diff has its own
formats (``DIFF_REPORTS``). ``print_summary`` writes the terminal summary.
"""

import importlib
import pkgutil

from fundcheck.reports.base import (
    DEFAULT_OPTIONS,
    REPORTS,
    Lang,
    Report,
    ReportOptions,
    demo_formats,
    register,
)
from fundcheck.reports.console_report import print_summary
from fundcheck.reports.diff_report import DIFF_REPORTS

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "DEFAULT_OPTIONS",
    "DIFF_REPORTS",
    "REPORTS",
    "Lang",
    "Report",
    "ReportOptions",
    "demo_formats",
    "print_summary",
    "register",
]
