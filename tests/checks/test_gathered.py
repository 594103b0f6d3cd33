"""The rows a check gathers shard by shard come back as one table with the values and dtypes
of the rows gathered at once, each distinct text held once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundcheck.checks.categories import Ceiling
from fundcheck.checks.gathered import ROWS, compact, stack, summed

CEILING = Ceiling(0.6, "CPR (EU) 2021/1060 Art 112", "V", "régions en transition", "transition")


def _gathered() -> pd.DataFrame:
    """A table with a column of each kind the checks gather: texts (object and string, with
    missing values), tuples of codes, ceilings, categories, flags, amounts."""
    count = 9
    return pd.DataFrame(
        {
            "_cci": pd.array(
                ["2021FR16FFPR001", "2021FR16FFPR002", None] * 3, dtype=pd.StringDtype("python")
            ),
            "_po": pd.array(["1", "2", None] * 3, dtype=pd.StringDtype("pyarrow")),
            "_fund": pd.Series(["ERDF", None, "ESF+"] * 3, dtype="str"),
            "_category": pd.Series(["transition", None, "more_developed"] * 3, dtype=object),
            "_codes": [("044",), ("044", "045"), None] * 3,
            "_ceiling": [CEILING, None, CEILING] * 3,
            "_region": pd.Categorical(["84", "11", "84"] * 3, categories=["11", "84", "93"]),
            "_outermost": [False, True, False] * 3,
            "_counted": pd.array([True, None, False] * 3, dtype="boolean"),
            "_eu": np.arange(count, dtype=float) * 1.5,
        },
        index=range(100, 100 + count),
    )


@pytest.mark.parametrize("cuts", [[9], [2, 3, 4], [1] * 9])
def test_pieces_stack_into_the_table_gathered_at_once(cuts):
    """Cut into pieces, held compactly, stacked: the very table (dtypes, missing values,
    order), indexed 0..n-1."""
    table = _gathered()
    bounds = np.cumsum([0, *cuts])
    pieces = [compact(table.iloc[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    stacked = stack(pieces)
    pd.testing.assert_frame_equal(stacked, table.reset_index(drop=True))


def test_a_piece_holds_each_distinct_text_once():
    """A piece keeps its texts as codes; the stacked table points every row to one string."""
    table = _gathered()
    piece = compact(table)
    assert set(piece.codes) == {"_cci", "_po", "_fund", "_category", "_codes", "_ceiling"}
    assert list(piece.frame.columns) == ["_region", "_outermost", "_counted", "_eu"]
    assert len(piece.uniques["_cci"]) == 3  # two programmes and the missing value
    stacked = stack([compact(table.iloc[:3]), compact(table.iloc[3:])])
    assert stacked["_category"].iloc[0] is stacked["_category"].iloc[6]
    assert stacked["_cci"].array[1] is stacked["_cci"].array[7]


def test_unhashable_values_stay_as_they_were():
    """A column of lists cannot be coded: it is stacked as it is."""
    table = pd.DataFrame({"fields": [["044"], ["045", "046"]], "_eu": [1.0, 2.0]})
    piece = compact(table)
    assert "fields" in piece.frame.columns
    pd.testing.assert_frame_equal(
        stack([piece, compact(table)]), pd.concat([table, table], ignore_index=True)
    )


def test_a_shard_that_gathered_nothing_does_not_set_the_dtypes():
    """A shard without any row of the check gathers an empty table whose amounts are objects:
    the stacked table is that of the shards with rows, amounts as numbers."""
    table = _gathered()
    empty = pd.DataFrame({name: pd.Series([], dtype=object) for name in table.columns})
    pieces = [compact(empty), compact(table.iloc[:4]), compact(empty), compact(table.iloc[4:])]
    pd.testing.assert_frame_equal(stack(pieces), table.reset_index(drop=True))
    alone = stack([compact(empty), compact(empty)])
    assert alone.empty
    assert list(alone.columns) == list(table.columns)


def test_a_column_coded_in_some_pieces_only_comes_back_as_values():
    """Amounts held as objects in one shard (every one missing) and as numbers in another:
    stacked as values, never looked up as codes the other shard lacks."""
    first = pd.DataFrame({"_cci": ["A", "B"], "_eu": pd.Series([None, None], dtype=object)})
    second = pd.DataFrame({"_cci": ["B", "C"], "_eu": [1.5, 2.0]})
    stacked = stack([compact(first), compact(second)])
    assert stacked["_cci"].tolist() == ["A", "B", "B", "C"]
    assert stacked["_eu"].tolist()[2:] == [1.5, 2.0]
    assert stacked["_eu"].isna().tolist() == [True, True, False, False]


def test_nothing_to_stack_is_a_programming_error():
    with pytest.raises(ValueError, match="no gathered table"):
        stack([])


def test_rows_alike_but_for_their_amounts_are_summed_into_one_line():
    """A line per programme, region and flag (a missing one too), in the order of its first
    row, with the sum of the amounts and the rows it stands for; lines summed again (a shard's
    lines, stacked) give the lines of every row summed at once."""
    rows = pd.DataFrame(
        {
            "_cci": pd.array(["B", "A", "B", None, "A", None], dtype="string"),
            "_region": pd.Categorical(["84", "11", "84", "84", "11", "84"]),
            "_counted": [True, False, True, False, False, False],
            "_eu": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    lines = summed(rows, ("_eu",))
    assert lines["_cci"].tolist()[:2] == ["B", "A"] and pd.isna(lines["_cci"].iloc[2])
    assert lines["_eu"].tolist() == [4.0, 7.0, 10.0]
    assert lines[ROWS].tolist() == [2, 2, 2]
    assert lines["_region"].dtype == rows["_region"].dtype
    assert list(lines.columns) == [*rows.columns, ROWS]
    again = summed(
        stack([compact(summed(rows.iloc[:3], ("_eu",))), compact(summed(rows.iloc[3:], ("_eu",)))]),
        ("_eu",),
    )
    pd.testing.assert_frame_equal(again, lines)
    total = summed(rows[["_eu"]], ("_eu",))
    assert total["_eu"].tolist() == [21.0] and total[ROWS].tolist() == [6]
