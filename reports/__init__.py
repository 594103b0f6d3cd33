"""fundcheck.reports: renderers of a RunResult, registered by format name in ``REPORTS``.

Each file renderer lives in its own module, imported here so that it registers itself:
``json`` (report.json), ``html`` (report.html), ``xlsx`` (report.xlsx), ``junit`` (junit.xml),
``markdown`` (summary.md) and ``liaison`` (one English PDF per region, for the Commission liaison).
``print_summary`` writes the terminal summary.
"""

from fundcheck.reports import (
    html_report,
    json_report,
    junit_report,
    liaison_report,
    markdown_report,
    xlsx_report,
)
from fundcheck.reports.base import DEFAULT_OPTIONS, REPORTS, Lang, Report, ReportOptions, register
from fundcheck.reports.console_report import print_summary

__all__ = [
    "DEFAULT_OPTIONS",
    "REPORTS",
    "Lang",
    "Report",
    "ReportOptions",
    "html_report",
    "json_report",
    "junit_report",
    "liaison_report",
    "markdown_report",
    "print_summary",
    "register",
    "xlsx_report",
]
