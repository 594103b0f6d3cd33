"""Outliers: atypical eligible cost (robust z on log10), zero amounts, long operations, 100 %."""

from __future__ import annotations

import math

import pytest

COST = "eu.outliers.eligible_cost"
ZERO = "eu.outliers.zero_amount"
LONG = "eu.outliers.long_duration"
FULL = "eu.cofinancing.full_rate"


def costs(values):
    return [
        {"operation_id": f"OC{i:07d}", "total_eligible_cost": v, "eu_amount": v * 0.6}
        for i, v in enumerate(values)
    ]


def spread(n=30):
    """log10 costs 4.9, 5.0, 5.1 repeated: median 5, MAD 0.1."""
    return [10 ** (5 + 0.1 * ((i % 3) - 1)) for i in range(n)]


def z_of(log_cost: float) -> float:
    return 0.6745 * (log_cost - 5) / 0.1


def test_cost_at_the_robust_limit_passes_and_just_beyond_fails(build, run):
    limit = 5 + 5 * 0.1 / 0.6745  # robust z exactly 5
    at = build(costs([*spread(), 10 ** (limit - 1e-9)]))
    assert run(COST, at).empty
    beyond = build(costs([*spread(), 10 ** (limit + 1e-6)]))
    found = run(COST, beyond)
    assert found["row"].tolist() == [32]
    hit = found.iloc[0]
    assert hit["scope"] == "record" and hit["field"] == "total_eligible_cost"
    assert hit["expected"] == pytest.approx(100_000.0)  # the median of RSO2.1
    assert "RSO2.1" in hit["message_en"] and "z = 5.0" in hit["message_en"]
    assert "MAD" in hit["message_fr"]


def test_small_costs_are_outliers_too(build, run):
    found = run(COST, build(costs([*spread(), 10**4.2])))
    assert found["row"].tolist() == [32]
    assert z_of(4.2) < -5


def test_groups_smaller_than_the_minimum_are_not_assessed(build, run):
    data = build(costs([*spread(29), 10**7]))  # 30 operations in all: assessed
    assert len(run(COST, data)) == 1
    assert run(COST, data, outlier_min_group=31).empty


def test_zero_eligible_cost_or_eu_amount(build, run):
    rows = [{"total_eligible_cost": 0.0, "eu_amount": 0.0}, {"eu_amount": 0.0}, {}]
    found = run(ZERO, build(rows))
    assert found["row"].tolist() == [2, 3]
    assert found["field"].tolist() == ["total_eligible_cost", "eu_amount"]
    assert "Total des dépenses éligibles" in found.iloc[0]["message_fr"]
    assert "'EU amount' is 0" in found.iloc[1]["message_en"]


def test_duration_of_ten_years_passes_and_one_more_day_fails(build, run):
    ten_years = {"start_date": "2021-01-01", "end_date": "2030-12-31"}  # 3,652 days
    assert (3652 / 365.25) <= 10
    assert run(LONG, build([ten_years])).empty
    found = run(LONG, build([{**ten_years, "end_date": "2031-01-02"}]))
    assert found["row"].tolist() == [2] and found.iloc[0]["expected"] == 10.0
    assert math.isclose(found.iloc[0]["value"], 10.0)
    assert "2021-01-01" in found.iloc[0]["message_fr"]


def test_rate_of_exactly_one_outside_react_eu(build, run):
    react = {"cofinancing_rate": 1.0, "fund": "REACT-EU", "programme_cci": "2014FR16M0OP006"}
    rows = [{"cofinancing_rate": 1.0}, {"cofinancing_rate": 0.9999}, react]
    found = run(FULL, build(rows))
    assert found["row"].tolist() == [2]
    assert found.iloc[0]["severity"] == "warning" and "REACT-EU" in found.iloc[0]["message_en"]
