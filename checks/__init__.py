"""Aggregate and partnership-agreement rules (Python, no GX).

Every check module is imported here explicitly, so that the registry is complete and a reader finds
every check in one place.
"""

from fundcheck.checks import (
    beneficiaries,
    ceilings,
    climate,
    concentration,
    duplicates,
    edition_dates,
    freshness,
    outliers,
    progress,
    rates,
    ring_fences,
    splitting,
)
from fundcheck.checks.base import CHECKS, Check, register, settings

MODULES = (
    ceilings, rates, concentration, ring_fences, climate, progress, freshness, duplicates,
    splitting, outliers, edition_dates, beneficiaries,
)  # fmt: skip

__all__ = ["CHECKS", "MODULES", "Check", "register", "settings"]
