"""What the checks compute for many groups at once equals what they compute group by group."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fundcheck.checks import CHECKS, beneficiaries
from fundcheck.checks.base import settings as check_settings
from fundcheck.checks.findings import LISTED_ROWS, group_rows, groups_rows
from fundcheck.checks.frames import _PO_DIGIT, _PO_FROM_SO, policy_objectives, text
from fundcheck.checks.gathered import summed
from fundcheck.reference import load_reference

REFERENCE = load_reference()


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(1, LISTED_ROWS + 5), min_size=1, max_size=8),
    data=st.data(),
)
def test_the_rows_of_many_groups_are_named_as_group_by_group(
    sizes: list[int], data: st.DataObject
) -> None:
    total = sum(sizes)
    sources = np.array(
        data.draw(st.lists(st.sampled_from(["a.csv", "b.xlsx"]), min_size=total, max_size=total)),
        dtype=object,
    )
    rows = np.array(
        data.draw(st.lists(st.integers(2, 10**6), min_size=total, max_size=total)), np.int64
    )
    ends = np.cumsum(sizes)
    starts = ends - np.array(sizes)
    expected = [
        group_rows(list(sources[b:e]), rows[b:e].tolist())
        for b, e in zip(starts, ends, strict=True)
    ]
    assert groups_rows(sources, rows, starts, ends) == expected
    # the sources as categories (one code a row, as the split operations hold them)
    assert groups_rows(pd.Categorical(sources), rows, starts, ends) == expected


def _indicator_rows(amounts: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """The lines the indicators judge (``gathered.summed``) of these operations."""
    rows = pd.DataFrame(
        {
            "programme_cci": pd.array([a[0] for a in amounts], dtype="str"),
            "specific_objective": pd.array([a[1] for a in amounts], dtype="str"),
            "_name": pd.array([a[2] for a in amounts], dtype="str"),
            "beneficiary_name": pd.array([a[2].upper() for a in amounts], dtype="str"),
            "eu_amount": [a[3] for a in amounts],
            "_region": pd.array(["76"] * len(amounts), dtype="str"),
            "_positive": [a[3] > 0 for a in amounts],
        }
    )
    return summed(rows, ("eu_amount",))


@settings(max_examples=150, deadline=None)
@given(
    amounts=st.lists(
        st.tuples(
            st.sampled_from(["2021FR16FFPR004", "2021FR16FFPR007"]),
            st.sampled_from(["RSO1.1", "RSO2.1", "RSO2.4"]),
            st.sampled_from(["commune a", "commune b", "region", "universite"]),
            st.one_of(st.floats(0, 2e6, allow_nan=False), st.sampled_from([10_000.0, 0.0, -5.0])),
        ),
        max_size=40,
    ),
    hhi=st.sampled_from([0.25, 0.5, 1 / 3, 0.0]),
    minimum=st.integers(1, 6),
)
def test_concentrated_support_found_at_once_is_what_each_group_gives(
    amounts: list[tuple[str, str, str, float]], hhi: float, minimum: int
) -> None:
    """The groups measured at once and looked at one by one only where they may reach the
    thresholds give the findings of looking at every group one by one."""
    check = CHECKS["eu.risk.concentration_indicators"]()
    params: dict[str, Any] = check_settings(
        check,
        {"arachne_concentration_hhi": hhi, "arachne_concentration_min_operations": minimum},
    )
    ops = _indicator_rows(amounts)
    at_once = check._concentrated(ops, params, REFERENCE)  # type: ignore[attr-defined]
    every_group = beneficiaries._may_be_concentrated
    try:
        beneficiaries._may_be_concentrated = lambda rows, keys, p: np.ones(len(rows), bool)  # type: ignore[assignment]
        one_by_one = check._concentrated(ops, params, REFERENCE)  # type: ignore[attr-defined]
    finally:
        beneficiaries._may_be_concentrated = every_group  # type: ignore[assignment]
    assert at_once == one_by_one


CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "RSO2.1", " RSO1.4 ", "JSO8.1", "ESO4.3", "ESO4", "rso2.1", "TA"]),
    st.sampled_from(["PO 2", "OS3 - Europe plus connectée", "2. Europe plus verte", "po5", "x"]),
    st.text(max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.tuples(CELLS, CELLS), max_size=30), as_categories=st.booleans())
def test_policy_objectives_derived_per_distinct_cell_are_those_of_every_row(
    cells: list[tuple[str | None, str | None]], as_categories: bool
) -> None:
    frame = pd.DataFrame(
        {
            "specific_objective": pd.array([c[0] for c in cells], dtype="str"),
            "policy_objective": pd.array([c[1] for c in cells], dtype="str"),
        }
    )
    if as_categories:
        frame = frame.astype("category")
    so = text(frame, "specific_objective")
    from_so = so.str.extract(_PO_FROM_SO, expand=False).mask(so.str.startswith("ESO"), "4")
    from_cell = text(frame, "policy_objective").str.extract(_PO_DIGIT, expand=False)
    row_by_row = from_so.fillna(from_cell).astype("string")
    pd.testing.assert_series_equal(policy_objectives(frame), row_by_row)
