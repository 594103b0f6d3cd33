import datetime as dt

import numpy as np
import pandas as pd

from fundcheck.findings import findings_frame, json_column, json_value
from fundcheck.reports.digest import in_reading_order, region_keys, rule_summaries


def test_cells_become_plain_json_values():
    assert json_value(np.int64(3)) == 3 and type(json_value(np.int64(3))) is int
    assert json_value(pd.Timestamp("2024-02-01 13:00")) == "2024-02-01"
    assert json_value(dt.date(2021, 1, 1)) == "2021-01-01"
    assert json_value(float("nan")) is None and json_value(float("inf")) is None
    assert json_value(pd.NA) is None and json_value(pd.NaT) is None
    assert json_value({"a": [np.float64(0.5), None]}) == {"a": [0.5, None]}
    assert json_column(pd.Series([1, None], dtype="Int64")) == [1, None]
    assert json_column(pd.Series(["a", None])) == ["a", None]


def test_findings_without_region_go_to_the_national_bucket():
    frame = findings_frame([{"region": "84"}, {"region": None}, {"region": ""}])
    assert region_keys(frame).tolist() == ["84", "national", "national"]


def test_reading_order_is_worst_first_then_region_rule_and_row():
    frame = findings_frame(
        [
            {"severity": "info", "rule": "a", "region": "11", "row": 1},
            {"severity": "error", "rule": "b", "region": None, "row": 5},
            {"severity": "error", "rule": "b", "region": "84", "row": 9},
            {"severity": "error", "rule": "b", "region": "84", "row": 3},
            {"severity": "warning", "rule": "a", "region": "11", "row": 2},
        ]
    )
    ordered = in_reading_order(frame)
    assert ordered["row"].tolist() == [3, 9, 5, 2, 1]


def test_rule_summaries_put_the_worst_then_the_most_frequent_first(sample_result):
    summaries = rule_summaries(sample_result, sample_result.findings, "en")
    assert [(s.id, s.severity, s.findings) for s in summaries] == [
        ("eu21.art49.mandatory_field", "error", 5),
        ("eu.cci.format", "error", 2),
        ("fr.postcode.exists", "warning", 2),
        ("read.normalised.placeholder", "info", 1),
    ]
    assert summaries[0].title == "Mandatory field empty"
