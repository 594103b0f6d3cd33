"""Programming progress: selection against the allocation, n+3 late in the period."""

from __future__ import annotations

import pytest

from fundcheck.checks.progress import due_share

OVER = "eu.progress.overprogramming"
RISK = "eu.progress.decommitment_risk"
CORSE = {"programme_cci": "2021FR16FFPR015", "operation_department": "2A",
         "operation_postcode": "20000"}  # fmt: skip
CORSE_ERDF = 105_147_777.0  # Partnership Agreement Table 9B


def selected(eu: float, **cells):
    return [{**CORSE, "eu_amount": eu, "total_eligible_cost": eu / 0.6, **cells}]


def test_selection_equal_to_the_allocation_passes(build, run):
    assert run(OVER, build(selected(CORSE_ERDF))).empty


def test_selection_above_the_allocation_is_a_programme_finding(build, run):
    found = run(OVER, build(selected(CORSE_ERDF + 1)))
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["scope"] == "programme" and hit["programme"] == "2021FR16FFPR015"
    assert hit["region"] == "94" and hit["source"] == "20260316_liste_operations.xlsx"
    assert hit["value"] > 1.0 and hit["expected"] == 1.0 and hit["count"] == 1
    assert "FEDER" in hit["message_fr"] and "ERDF" in hit["message_en"]


def test_overprogramming_threshold_is_a_parameter(build, run):
    assert run(OVER, build(selected(CORSE_ERDF * 1.05)), overprogramming_threshold=1.1).empty


def test_due_share_follows_n_plus_3_with_equal_tranches():
    assert due_share("2021-2027", 2023) is None
    assert due_share("2021-2027", 2024) == (1 / 7, 2021)
    assert due_share("2021-2027", 2027) == (4 / 7, 2024)
    assert due_share("2021-2027", 2029) == (1.0, 2027)  # 2026 (n+3) and 2027 (n+2) together
    assert due_share("2014-2020", 2023) == (1.0, 2020)


def test_low_selection_late_in_the_period_is_a_risk(build, run):
    at = CORSE_ERDF * 4 / 7
    assert run(RISK, build(selected(at)), as_of="2027-06-30").empty
    found = run(RISK, build(selected(at - 10)), as_of="2027-06-30")
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["expected"] == pytest.approx(4 / 7) and hit["value"] < 4 / 7
    assert "31/12/2027" in hit["message_fr"] and "2024" in hit["message_en"]
    assert hit["legal_basis"] == "CPR (EU) 2021/1060 Art 105"


def test_no_risk_reported_before_the_last_commitment_year(build, run):
    data = build(selected(1_000.0))
    assert run(RISK, data, as_of="2026-12-31").empty
    assert len(run(RISK, data, as_of="2026-12-31", progress_late_year_2021_2027=2026)) == 1


def test_2014_2020_programme_is_measured_against_its_own_allocation(build, run):
    cells = {"programme_cci": "2014FR16M2OP004", "fund": "ERDF"}  # Corse 2014-2020
    found = run(RISK, build(selected(1_000.0, **cells)), as_of="2024-01-15")
    assert found["expected"].tolist() == [1.0]
    assert found.iloc[0]["legal_basis"] == "CPR (EU) 1303/2013 Art 136"


def test_unknown_programme_or_fund_is_ignored(build, run):
    data = build(selected(1e12, programme_cci="2021FR16FFPR099") + selected(1e12, fund="JTF"))
    assert run(OVER, data).empty
