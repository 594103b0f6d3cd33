"""fundcheck.reports: renderers of a RunResult, registered by format name in ``REPORTS``.

Each file renderer registers itself (``@register``) when its module is imported, and the first use
of a name below (``REPORTS``, ``DIFF_REPORTS``, ``print_summary``...) imports every module of this
package: adding a format is adding one module, and its name in ``formats``. Importing the package
itself imports nothing: the command line reads the format names from ``formats`` at start-up, so
``fundcheck --help`` or ``fundcheck rules`` never load pandas, Jinja2 or XlsxWriter for the
renderers. Formats: ``json`` (report.json), ``html`` (report.html), ``xlsx`` (report.xlsx),
``junit`` (junit.xml), ``markdown`` (summary.md) and ``liaison`` (one English PDF per region, for
the Commission liaison); the edition diff has its own formats (``DIFF_REPORTS``).
``print_summary`` writes the terminal summary.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "DEFAULT_OPTIONS": "base",
    "REPORTS": "base",
    "Lang": "base",
    "Report": "base",
    "ReportOptions": "base",
    "demo_formats": "base",
    "register": "base",
    "print_summary": "console_report",
    "DIFF_REPORTS": "diff_report",
}


def load_renderers() -> None:
    """Import every module of the package, so that every renderer is registered, in the order of
    the modules' names whichever renderer was imported first."""
    modules = [f"{__name__}.{module.name}" for module in pkgutil.iter_modules(__path__)]
    for module in modules:
        importlib.import_module(module)
    from fundcheck.reports.base import REPORTS

    def rank(item: tuple[str, type[Report]]) -> int:
        home = item[1].__module__
        return modules.index(home) if home in modules else len(modules)

    registered = sorted(REPORTS.items(), key=rank)
    REPORTS.clear()
    REPORTS.update(registered)


def __getattr__(name: str) -> Any:
    """The registry and its helpers, on first use (every renderer registered by then)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    load_renderers()
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_OPTIONS",
    "DIFF_REPORTS",
    "REPORTS",
    "Lang",
    "Report",
    "ReportOptions",
    "demo_formats",
    "load_renderers",
    "print_summary",
    "register",
]
