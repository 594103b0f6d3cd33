"""What several checks derive from a run's operations, derived once per run and shared.

Each accessor takes the run's record sets and returns a Series (or a frame) on the index of
``frames.operations(data)`` (0..n-1, the sources in order), so that a check working on some of
the operations reads its rows with ``.loc[ops.index]``. In a run the record sets are a
``CheckData``, which keeps what is derived (``frames.shared``): the first check that asks derives
it, vectorised or once per distinct value, and every other check receives it. Any other mapping
(a test's) derives afresh at each call.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from fundcheck.checks import frames
from fundcheck.checks.categories import categories as categories_of
from fundcheck.columns import text_per_distinct
from fundcheck.model import OPERATION_FIELDS, RecordSet
from fundcheck.reference import Reference
from fundcheck.reference.lookups import words
from fundcheck.stored_columns import has_column

MIN_FILLED = 3
"""A row with fewer filled fields than this is never an identical row."""


def text(data: Mapping[str, RecordSet], column: str) -> pd.Series:
    """A canonical column of every operation as stripped text (NA where empty): programme
    codes, funds, specific objectives... read by many checks."""
    return frames.shared(
        data, ("text", column), lambda: frames.text(frames.operations(data, [column]), column)
    )


def intervention_codes(data: Mapping[str, RecordSet]) -> pd.Series:
    """Every operation's intervention field codes as a tuple (None where it has none)."""
    return frames.shared(
        data,
        "intervention_codes",
        lambda: frames.intervention_codes(frames.operations(data, ["intervention_field"])),
    )


def technical_assistance(data: Mapping[str, RecordSet]) -> pd.Series:
    """Whether each operation's intervention fields are all technical assistance."""
    return frames.shared(
        data,
        "technical_assistance",
        lambda: frames.technical_assistance(frames.operations(data, ["intervention_field"])),
    )


def policy_objectives(data: Mapping[str, RecordSet]) -> pd.Series:
    """Every operation's policy objective number ("1".."5", "8"; NA when unknown)."""
    return frames.shared(
        data,
        "policy_objectives",
        lambda: frames.policy_objectives(
            frames.operations(data, ["specific_objective", "policy_objective"])
        ),
    )


CATEGORY_COLUMNS = (
    "programme_cci", "fund", "nuts_code", "operation_department", "operation_postcode",
    "category_of_region",
)  # fmt: skip


def categories(data: Mapping[str, RecordSet], reference: Reference) -> pd.DataFrame:
    """Every operation's category of region (``category``, ``outermost``, ``previous``: see
    ``checks.categories``)."""
    return frames.shared(
        data,
        "categories",
        lambda: categories_of(frames.operations(data, CATEGORY_COLUMNS), reference),
    )


def departements(data: Mapping[str, RecordSet], reference: Reference) -> np.ndarray:
    """Every operation's département ("" when unknown): its cell, else its postcode's."""

    def derive() -> np.ndarray:
        by_postcode = text(data, "operation_postcode").map(reference.postcode_departement)
        found = text(data, "operation_department").fillna(by_postcode)
        places = found.fillna("").to_numpy(dtype=object)
        places.setflags(write=False)  # shared by the checks: none may change it
        return places

    return frames.shared(data, "departements", derive)


def name_keys(data: Mapping[str, RecordSet]) -> pd.Series:
    """Every operation's beneficiary name in the form names are compared in (``words``)."""
    return frames.shared(
        data,
        "beneficiary_name_keys",
        lambda: text_per_distinct(
            frames.operations(data, ["beneficiary_name"])["beneficiary_name"].astype("string"),
            words,
        ),
    )


def postcode_regions(data: Mapping[str, RecordSet], reference: Reference) -> pd.Series:
    """The region of every operation's beneficiary postcode (None where unknown)."""
    return frames.shared(
        data,
        "beneficiary_postcode_regions",
        lambda: frames.per_distinct(
            text(data, "beneficiary_postcode"), reference.region_of_postcode
        ),
    )


def folded(data: Mapping[str, RecordSet], column: str) -> pd.Series:
    """A text column in the form texts are matched in (``frames.plain``; NA where empty)."""
    return frames.shared(data, ("folded", column), lambda: frames.plain(text(data, column)))


def common_fields(data: Mapping[str, RecordSet]) -> list[str]:
    """The canonical fields every source of the run has."""
    fields = [spec.name for spec in OPERATION_FIELDS]
    for record_set in data.values():
        fields = [f for f in fields if has_column(record_set, f)]
    return fields


def identical_to_earlier(ops: pd.DataFrame, fields: list[str]) -> pd.Series:
    """For each row of ``ops`` identical on ``fields`` to an earlier one (and with at least
    ``MIN_FILLED`` of them filled), the index of the first such row; else -1."""
    if not fields:
        return pd.Series(-1, index=ops.index)
    hashed, filled = same_field_hashes(ops, fields)
    first = pd.Series(ops.index, index=ops.index).groupby(hashed).transform("min")
    later = (first != ops.index) & filled
    return first.where(later, -1)


def same_field_hashes(ops: pd.DataFrame, fields: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A hash of each row's values in ``fields`` (rows with the same hash are identical), and
    whether the row has ``MIN_FILLED`` of them filled (else it is never an identical row). A
    row's own values only: the same whatever rows are hashed with it."""
    values = ops[fields]
    hashed: np.ndarray = pd.util.hash_pandas_object(values, index=False).to_numpy()
    filled: np.ndarray = (values.notna().sum(axis=1) >= MIN_FILLED).to_numpy()
    return hashed, filled


def identical_rows(data: Mapping[str, RecordSet]) -> pd.Series:
    """``identical_to_earlier`` over every operation of the run, on the fields every source
    has."""
    fields = common_fields(data)
    return frames.shared(
        data,
        "identical_rows",
        lambda: identical_to_earlier(frames.operations(data, fields), fields),
    )
