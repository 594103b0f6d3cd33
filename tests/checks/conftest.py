"""Inline canonical record sets for the aggregate checks, annotated like the pipeline does."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from fundcheck.checks import CHECKS
from fundcheck.connectors.attribution import annotate
from fundcheck.model import FIELDS, FieldType, Provenance, RecordKind, RecordSet
from fundcheck.reference import load_reference

# One operation of the Occitanie programme (transition region, ERDF ceiling 60 %).
BASE: dict[str, Any] = {
    "operation_id": "OC0000001",
    "programme_cci": "2021FR16FFPR004",
    "operation_name": "Rénovation énergétique du collège Jean Moulin",
    "beneficiary_name": "Département de l'Hérault",
    "start_date": "2022-03-01",
    "end_date": "2024-06-30",
    "operation_postcode": "34000",
    "operation_department": "34",
    "intervention_field": "044",
    "fund": "ERDF",
    "specific_objective": "RSO2.1",
    "policy_objective": "2. Europe plus verte",
    "total_eligible_cost": 100_000.0,
    "cofinancing_rate": 0.6,
    "eu_amount": 60_000.0,
}

Build = Callable[..., dict[str, RecordSet]]
Run = Callable[..., pd.DataFrame]


def frame_of(rows: Sequence[Mapping[str, Any]], *, drop: Sequence[str] = ()) -> pd.DataFrame:
    """A canonical frame, each row BASE updated with the given cells (``_row`` from 2)."""
    records = [{**BASE, **row} for row in rows]
    frame = pd.DataFrame(records).drop(columns=list(drop))
    for column in frame.columns:
        spec = FIELDS.get(column)
        if spec and spec.type is FieldType.DATE:
            frame[column] = pd.to_datetime(frame[column])
        elif spec and spec.type in (FieldType.AMOUNT, FieldType.RATE):
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype("str").where(frame[column].notna())
    frame["_row"] = range(2, len(frame) + 2)
    return annotate(frame, load_reference())


@pytest.fixture
def build() -> Build:
    """``build(rows, name=..., drop=...)`` → {name: RecordSet} (several sources: call twice)."""

    def make(
        rows: Sequence[Mapping[str, Any]],
        *,
        name: str = "20260316_liste_operations.xlsx",
        drop: Sequence[str] = (),
    ) -> dict[str, RecordSet]:
        frame = frame_of(rows, drop=drop)
        provenance = Provenance(name=name, location=f"/data/{name}", format="xlsx")
        return {name: RecordSet(RecordKind.OPERATIONS, frame, provenance)}

    return make


@pytest.fixture
def run() -> Run:
    """``run(rule_id, data, **parameters)`` → the check's findings table."""

    def execute(rule_id: str, data: Mapping[str, RecordSet], **parameters: Any) -> pd.DataFrame:
        return CHECKS[rule_id]().run(data, load_reference(), parameters)

    return execute
