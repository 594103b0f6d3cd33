"""The differences between two editions of a list of operations, as the diff reports read them
(``fundcheck.diff`` computes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from fundcheck.model import NATIONAL_BUCKET, Provenance

KEY: tuple[str, str] = ("programme_cci", "operation_id")
AMOUNT_FIELDS: tuple[str, ...] = ("total_eligible_cost", "eu_amount", "cofinancing_rate")
DATE_FIELDS: tuple[str, ...] = ("selection_date", "start_date", "end_date")
COMPARED_FIELDS: tuple[str, ...] = AMOUNT_FIELDS + DATE_FIELDS
"""Fields whose change is reported (the date of last update changes with every edition)."""
DESCRIBED_FIELDS: tuple[str, ...] = ("operation_name", "beneficiary_name", "eu_amount")
"""Fields shown beside a vanished or new operation."""
FINDING_KEY: tuple[str, ...] = ("rule", "programme", "operation_id", "field")
AMOUNT_TOLERANCE = 0.005  # euros (and rate units): smaller differences are rounding
OPERATION_COLUMNS: tuple[str, ...] = ("region", *KEY, "row", *DESCRIBED_FIELDS)
CHANGE_COLUMNS: tuple[str, ...] = ("region", *KEY, "old_row", "row", "field", "old", "new")

FindingStatus = Literal["new", "resolved", "persisting"]
FINDING_STATUSES: tuple[FindingStatus, ...] = ("new", "resolved", "persisting")
OPERATION_CHANGES: tuple[str, ...] = ("removed", "added", "changed")
COUNT_KEYS: tuple[str, ...] = OPERATION_CHANGES + FINDING_STATUSES


@dataclass(frozen=True)
class EditionInfo:
    """What the diff report says about each edition."""

    sources: list[Provenance]
    generated_at: str
    records: int
    unkeyed: int  # operations without programme or id: not compared
    repeated: int  # repeats of a key already seen in the edition: not compared


@dataclass
class DiffResult:
    """The differences between two editions.

    ``removed`` and ``added`` have ``OPERATION_COLUMNS``; ``changed`` has one line per changed
    field with ``CHANGE_COLUMNS``; ``findings`` has ``FINDING_COLUMNS`` plus ``status`` (new,
    resolved, persisting) and, for persisting findings, ``old_row``. Resolved findings are the
    old edition's; new and persisting ones the new edition's.
    """

    old: EditionInfo
    new: EditionInfo
    removed: pd.DataFrame
    added: pd.DataFrame
    changed: pd.DataFrame
    findings: pd.DataFrame
    region_names: dict[str, str] = field(default_factory=dict)

    def changed_keys(self) -> set[tuple[str, str]]:
        """(programme, operation id) of every operation whose compared fields changed."""
        return set(zip(self.changed["programme_cci"], self.changed["operation_id"], strict=True))

    def counts(self) -> dict[str, int]:
        """Totals: removed, added and changed operations; new, resolved, persisting findings."""
        statuses = self.findings["status"].value_counts()
        return {
            "removed": len(self.removed),
            "added": len(self.added),
            "changed": len(self.changed_keys()),
            **{status: int(statuses.get(status, 0)) for status in FINDING_STATUSES},
        }

    def by_region(self) -> dict[str, dict[str, int]]:
        """The same counts per region bucket, regions by code, ``national`` last."""
        out: dict[str, dict[str, int]] = {}

        def add(buckets: pd.Series, name: str) -> None:
            for bucket, count in buckets.value_counts().items():
                row = out.setdefault(str(bucket), dict.fromkeys(COUNT_KEYS, 0))
                row[name] += int(count)

        add(self.removed["region"], "removed")
        add(self.added["region"], "added")
        add(self.changed.drop_duplicates(list(KEY))["region"], "changed")
        for status in FINDING_STATUSES:
            add(self.findings.loc[self.findings["status"] == status, "region"], status)
        return {key: out[key] for key in sorted(out, key=lambda k: (k == NATIONAL_BUCKET, k))}
