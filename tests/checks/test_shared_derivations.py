"""What the checks derive from the record sets is computed once per run and shared."""

from __future__ import annotations

import pandas as pd

from fundcheck.checks.frames import CheckData, intervention_codes, per_distinct, shared


def test_a_derivation_is_computed_once_per_run_and_each_check_gets_its_own_frame() -> None:
    data = CheckData({})
    calls: list[int] = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"a": [1, 2]})

    first = shared(data, "key", compute)
    first["added_by_a_check"] = 0
    second = shared(data, "key", compute)
    assert calls == [1]
    assert list(second.columns) == ["a"]  # what one check adds, another does not see


def test_without_a_run_a_mapping_computes_each_time() -> None:
    calls: list[int] = []
    shared({}, "key", lambda: calls.append(1))
    shared({}, "key", lambda: calls.append(1))
    assert calls == [1, 1]


def test_per_distinct_derives_each_value_once_and_keeps_missing_cells() -> None:
    seen: list[str] = []

    def derive(value: str) -> str:
        seen.append(value)
        return value.upper()

    values = pd.Series(["a", None, "b", "a", "a"], dtype="string", index=[5, 6, 7, 8, 9])
    out = per_distinct(values, derive)
    assert sorted(seen) == ["a", "b"]
    assert out.tolist() == ["A", None, "B", "A", "A"]
    assert list(out.index) == [5, 6, 7, 8, 9]


def test_intervention_codes_split_each_cell() -> None:
    frame = pd.DataFrame({"intervention_field": ["044|045", None, " 179 ", "044|045"]})
    assert intervention_codes(frame).tolist() == [("044", "045"), None, ("179",), ("044", "045")]
