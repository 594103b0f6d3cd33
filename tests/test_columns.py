"""Per-distinct results spread back to the rows through Arrow: the same cells pandas would give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundcheck import columns
from fundcheck.columns import (
    as_categories,
    flag_per_distinct,
    in_one_chunk,
    spread_text,
    text_per_distinct,
)


@pytest.mark.parametrize("dtype", ["str", "string"])
def test_spread_text_equals_pandas_take_with_missing_codes_and_values(dtype: str) -> None:
    distinct = pd.Series(["RSO1.1", None, "ESO4.7 - Promouvoir"], dtype=dtype)
    codes = np.array([0, 2, -1, 1, 0, 2])
    spread = pd.Series(spread_text(distinct, codes, dtype))
    expected = pd.Series(distinct.array.take(codes, allow_fill=True))
    pd.testing.assert_series_equal(spread, expected)
    assert spread.isna().tolist() == [False, False, True, True, False, False]


def test_text_per_distinct_answers_each_distinct_cell_once_and_keeps_the_index() -> None:
    asked: list[str] = []

    def answer(cell: str) -> str | None:
        asked.append(cell)
        return None if cell == "?" else cell.lower()

    values = pd.Series(["A", None, "B", "A", "?"], index=[4, 5, 6, 7, 8], dtype="string")
    out = text_per_distinct(values, answer)
    assert sorted(asked) == ["?", "A", "B"]
    assert out.tolist() == ["a", pd.NA, "b", "a", pd.NA]
    assert list(out.index) == [4, 5, 6, 7, 8] and out.dtype == "string"


def test_flag_per_distinct_is_false_where_the_cell_is_missing() -> None:
    values = pd.Series(["x", None, "yy", "x"], dtype="string")
    assert flag_per_distinct(values, lambda cell: len(cell) == 1).tolist() == [
        True,
        False,
        False,
        True,
    ]


def test_labels_are_held_once_each_with_the_same_cells() -> None:
    labels = ["RSO2.1 Favoriser les mesures en faveur de l'efficacité énergétique", None]
    frame = pd.DataFrame({"label": pd.array(labels * 50_000, dtype="str"), "code": "RSO2.1"})
    before = frame["label"].memory_usage(deep=True)
    as_categories(frame, ["label", "absent"])
    label = frame["label"]
    assert isinstance(label.dtype, pd.CategoricalDtype)
    assert list(label.cat.categories) == [labels[0]]
    assert label.isna().sum() == 50_000 and label.eq(labels[0]).sum() == 50_000
    assert label.memory_usage(deep=True) < before / 20
    assert frame["code"].dtype == "str"  # columns not named are left alone


def _chunks(column: pd.Series) -> int:
    return int(column.array.__arrow_array__().num_chunks)


def test_columns_in_many_chunks_are_held_in_one_with_the_same_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    piece = pd.DataFrame(
        {
            "name": pd.array(["Commune", None, "Région « Sud »"], dtype="str"),
            "code": pd.array(["044", "045", None], dtype="string"),
            "amount": [1.5, None, 3.0],
            "label": pd.Categorical(["a", "b", "a"]),
        }
    )
    frame = pd.concat([piece] * 4, ignore_index=True)
    assert _chunks(frame["name"]) == _chunks(frame["code"]) == 4
    before = frame.copy()
    in_one_chunk(frame)
    assert _chunks(frame["name"]) == _chunks(frame["code"]) == 1
    pd.testing.assert_frame_equal(frame, before)  # same cells, dtypes and index
    again = pd.concat([piece] * 4, ignore_index=True)
    monkeypatch.setattr(columns, "ONE_CHUNK_MAX_BYTES", 10)  # past Arrow's 32-bit text offsets
    assert _chunks(columns.one_chunk(again["name"])) == 4
