"""Aggregate and partnership-agreement rules (Python, no GX).

Every module of this package is imported here, so that each check registers itself
(``@register``): adding a check is adding one module. CPER checks are run by the CPER pipeline
from ``cper_checks`` and do not register here.
"""

import importlib
import pkgutil

from fundcheck.checks.base import CHECKS, Check, register, run_checks, settings

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["CHECKS", "Check", "register", "run_checks", "settings"]
