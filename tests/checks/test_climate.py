"""ERDF climate contribution: Σ EU × Annex I coefficient ≥ 30 %, unknown coefficients never
guessed."""

from __future__ import annotations

import pytest

CLIMATE = "eu21.climate.erdf_contribution"
UNKNOWN = "eu21.climate.unknown_coefficients"
BRETAGNE = {
    "programme_cci": "2021FR16FFPR016",
    "operation_department": "35",
    "operation_postcode": "35000",
}
EU = 1_200_000.0  # 30 operations: 10.8 % of the programme's ERDF, assessable


def fields(**counts: int):
    """Operations with the given intervention fields: 046 = 100 %, 044 = 40 %, 004 = 0 %,
    042 = unknown coefficient."""
    rows = []
    for code, count in counts.items():
        rows += [
            {**BRETAGNE, "operation_id": f"BR{len(rows) + i:07d}",
             "intervention_field": code.removeprefix("f").replace("_", "|"),
             "eu_amount": EU, "total_eligible_cost": EU / 0.6}
            for i in range(count)
        ]  # fmt: skip
    return rows


def test_exactly_30_percent_passes(build, run):
    assert run(CLIMATE, build(fields(f046=9, f004=21))).empty


def test_one_euro_below_30_percent_is_a_programme_finding(build, run):
    rows = fields(f046=9, f004=21)
    rows[0]["eu_amount"] -= 1.0
    found = run(CLIMATE, build(rows))
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["scope"] == "programme" and hit["programme"] == "2021FR16FFPR016"
    assert hit["region"] == "53" and hit["expected"] == 0.3 and hit["count"] == 30
    assert 0.3 - 1e-6 < hit["value"] < 0.3
    assert "0,0 %" in hit["message_fr"]  # no amount without a known coefficient
    assert hit["legal_basis"].startswith("ERDF Reg (EU) 2021/1058")


def test_moderate_coefficient_counts_40_percent(build, run):
    assert run(CLIMATE, build(fields(f046=6, f044=8, f004=16))).empty  # 6 + 3.2 = 9.2 / 30
    assert len(run(CLIMATE, build(fields(f046=6, f044=7, f004=17)))) == 1  # 8.8 / 30


def test_unknown_coefficient_counts_as_100_percent_in_the_upper_bound(build, run):
    data = build(fields(f046=8, f042=1, f004=21))  # between 26.7 % and 30 %: not a shortfall
    assert run(CLIMATE, data).empty
    info = run(UNKNOWN, data)
    assert len(info) == 1
    hit = info.iloc[0]
    assert hit["severity"] == "info" and hit["scope"] == "dataset" and hit["count"] == 1
    assert hit["value"] == pytest.approx(1 / 30)
    assert "042" in hit["message_en"] and "96.7 %" in hit["message_en"]


def test_several_fields_count_their_lowest_and_highest_coefficient(build, run):
    assert run(CLIMATE, build(fields(f044_046=9, f004=21))).empty  # upper bound 30 %
    assert len(run(CLIMATE, build(fields(f044_046=8, f004=22)))) == 1


def test_known_coefficients_only_give_no_information_finding(build, run):
    assert run(UNKNOWN, build(fields(f046=1, f004=1))).empty


def test_small_selection_is_not_assessed(build, run):
    rows = fields(f004=30)
    for row in rows:
        row["eu_amount"] = 1_000.0
    assert run(CLIMATE, build(rows)).empty
