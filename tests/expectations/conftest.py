"""Canonical frames built inline, and the packaged 2021-2027 suite loaded once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fundcheck.columns import as_categories
from fundcheck.expectations import SuiteFile, load_suite
from fundcheck.model import FIELDS, LABEL_FIELDS, FieldType

SUITE_NAME = "eu_2021_2027.list_of_operations"

# One operation that passes every rule of the suite.
VALID_OPERATION: dict[str, Any] = {
    "operation_id": "OP-1",
    "programme_cci": "2021FR16FFPR004",
    "priority": "1",
    "operation_name": "Rénovation énergétique du collège",
    "operation_summary": "Isolation et changement des menuiseries",
    "beneficiary_name": "Département de l'Hérault",
    "beneficiary_postcode": "34000",
    "start_date": "2022-03-01",
    "end_date": "2024-06-30",
    "operation_postcode": "34000",
    "operation_department": "34",
    "operation_region": "76",
    "location_text": "Montpellier",
    "country": "FR",
    "intervention_field": "044",
    "fund": "ERDF",
    "specific_objective": "RSO2.1",
    "total_eligible_cost": 100_000.0,
    "cofinancing_rate": 0.6,
    "eu_amount": 60_000.0,
    "_region": "76",
}

LABELS = {
    "operation_id": "Numéro Opération",
    "programme_cci": "NUMCCI",
    "beneficiary_name": "Nom du bénéficiaire",
    "start_date": "Date de début",
    "end_date": "Date de fin",
    "cofinancing_rate": "Taux de cofinancement UE",
    "eu_amount": "Montant UE",
    "operation_postcode": "Code postal de l'opération",
}


def operations(rows: Sequence[Mapping[str, Any]], *, drop: Sequence[str] = ()) -> pd.DataFrame:
    """A canonical frame: each row is VALID_OPERATION updated with the given cells.

    Columns get the connectors' dtypes (``str``, datetime64[ns], float64, categories for the
    repeated labels); ``_row`` starts at 2 (the header is row 1).
    """
    records = [{**VALID_OPERATION, **row} for row in rows]
    frame = pd.DataFrame(records)
    for name in frame.columns:
        spec = FIELDS.get(name)
        kind = spec.type if spec else FieldType.CODE
        if kind is FieldType.DATE:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
        elif kind in (FieldType.AMOUNT, FieldType.RATE):
            frame[name] = frame[name].astype("float64")
        else:
            frame[name] = pd.array(frame[name].to_numpy(dtype=object), dtype="str")
    frame["_row"] = np.arange(2, len(frame) + 2)
    frame["_period"] = "2021-2027"
    as_categories(frame, LABEL_FIELDS)
    return frame.drop(columns=list(drop))


@pytest.fixture(scope="session")
def suite() -> SuiteFile:
    return load_suite(SUITE_NAME)


@pytest.fixture(scope="session")
def make_operations() -> Callable[..., pd.DataFrame]:
    """The ``operations`` frame builder (tests import no helper module: fixtures only)."""
    return operations


@pytest.fixture(scope="session")
def labels() -> dict[str, str]:
    """Source headers of some canonical fields, as a connector reports them."""
    return dict(LABELS)
