"""The interface of aggregate and cross-record rules, and their registry.

A check reads whole record sets (all operations of a run) and returns findings as a table; it never
imports GX. Each check carries its catalogue entry (``rule``) with id, severity and legal basis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import pandas as pd

from fundcheck.model import RecordSet, Rule
from fundcheck.reference import Reference


class Check(Protocol):
    """A rule over many records (a programme, a region, the whole dataset)."""

    rule: ClassVar[Rule]

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """Return a findings table (``fundcheck.model.findings_frame``); never raise on bad data."""
        ...


CHECKS: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a check to the registry under its rule id."""
    CHECKS[cls.rule.id] = cls
    return cls
