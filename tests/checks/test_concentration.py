"""Thematic concentration and ring-fences on the selected operations."""

from __future__ import annotations

import pandas as pd
import pytest

ERDF = "eu21.concentration.erdf_policy_objectives"
INCLUSION = "eu21.concentration.esf_social_inclusion"
DEPRIVATION = "eu21.concentration.esf_material_deprivation"
BRETAGNE = {
    "programme_cci": "2021FR16FFPR016",
    "operation_department": "35",
    "operation_postcode": "35000",
}
EU = 1_200_000.0  # 30 operations × 1.2 M€ = 10.8 % of Bretagne's ERDF (333 M€): assessable
ANYWHERE = {"concentration_min_operations": 1, "concentration_min_coverage": 0.0}


def bretagne(po1: int, po2: int, po5: int = 0, eu: float = EU, **cells):
    rows = []
    for objective, count in (("RSO1.1", po1), ("RSO2.1", po2), ("RSO5.1", po5)):
        rows += [
            {**BRETAGNE, "operation_id": f"BR{len(rows) + i:07d}", "specific_objective": objective,
             "eu_amount": eu, "total_eligible_cost": eu / 0.6, **cells}
            for i in range(count)
        ]  # fmt: skip
    return rows


def test_po1_share_exactly_at_40_percent_passes(build, run):
    assert run(ERDF, build(bretagne(po1=12, po2=18))).empty


def test_po1_share_one_euro_below_40_percent_is_programme_information(build, run):
    """Art 4 sets the target at national or category level: a programme's shortfall is
    information, and the message says why."""
    rows = bretagne(po1=12, po2=18)
    rows[0]["eu_amount"] -= 1.0
    found = run(ERDF, build(rows))
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["scope"] == "programme" and hit["severity"] == "info"
    assert "for information" in hit["message_en"] and "pour information" in hit["message_fr"]
    assert hit["programme"] == "2021FR16FFPR016" and hit["region"] == "53"
    assert 0.4 - 1e-6 < hit["value"] < 0.4
    assert hit["expected"] == 0.4 and hit["count"] == 30
    assert hit["legal_basis"] == "ERDF Reg (EU) 2021/1058 Art 4"
    assert "OS1" in hit["message_fr"] and "régions en transition :" in hit["message_fr"]
    assert "PO1" in hit["message_en"] and "10.8 %" in hit["message_en"]


def test_po2_shortfall_is_its_own_finding(build, run):
    found = run(ERDF, build(bretagne(po1=15, po2=8, po5=7)))  # PO2 26.7 % < 30 %
    assert found["expected"].tolist() == [0.3]


def test_more_developed_regions_need_85_percent_on_po1_and_po2(build, run):
    idf = {"programme_cci": "2021FR05FFPR001", "operation_department": "75",
           "operation_postcode": "75001"}  # fmt: skip
    rows = bretagne(po1=10, po2=15, po5=5, eu=100_000.0, **idf)  # PO1+PO2 = 83 %
    found = run(ERDF, build(rows), **ANYWHERE)
    assert found["expected"].tolist() == [0.85]
    assert "more developed regions" in found.iloc[0]["message_en"]


def test_not_assessed_on_too_few_operations_or_a_small_selection(build, run):
    assert run(ERDF, build(bretagne(po1=0, po2=29))).empty  # 29 operations
    assert run(ERDF, build(bretagne(po1=0, po2=30, eu=1_000_000.0))).empty  # 9 % of the allocation
    assert len(run(ERDF, build(bretagne(po1=0, po2=30, eu=1_000_000.0)), **ANYWHERE)) == 1


def test_national_share_needs_the_programmes_of_the_nation(build, run):
    """Two regional programmes with PO1 at 30 %: each is a programme finding; the national
    aggregate is assessed only when the programmes present hold enough of the allocation."""
    occitanie = {"programme_cci": "2021FR16FFPR004", "operation_department": "34",
                 "operation_postcode": "34000"}  # fmt: skip
    rows = bretagne(po1=3, po2=7) + bretagne(po1=3, po2=7, **occitanie)
    found = run(ERDF, build(rows), **ANYWHERE)
    assert sorted(found["programme"].dropna()) == ["2021FR16FFPR004", "2021FR16FFPR016"]
    assert (found["scope"] == "programme").all()
    national = run(ERDF, build(rows), **ANYWHERE, concentration_national_coverage=0.1)
    assert national["scope"].tolist().count("dataset") == 1
    assert national.loc[national["scope"] == "dataset", "programme"].isna().all()


def esf(inclusion: int, deprivation: int, other: int):
    rows = []
    for objective, count in (("ESO4.8", inclusion), ("ESO4.13", deprivation), ("ESO4.1", other)):
        rows += [
            {"operation_id": f"SF{len(rows) + i:07d}", "programme_cci": "2021FR05SFPR001",
             "fund": "ESF+", "specific_objective": objective, "eu_amount": 1_000.0,
             "total_eligible_cost": 2_000.0}
            for i in range(count)
        ]  # fmt: skip
    return rows


NATIONAL = {**ANYWHERE, "concentration_national_coverage": 0.5}


def test_esf_social_inclusion_boundary_at_25_percent(build, run):
    assert run(INCLUSION, build(esf(25, 3, 72)), **NATIONAL).empty
    found = run(INCLUSION, build(esf(24, 3, 73)), **NATIONAL)
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["scope"] == "dataset" and pd.isna(hit["programme"]) and pd.isna(hit["region"])
    assert hit["value"] == pytest.approx(0.24) and hit["expected"] == 0.25
    assert "ESF+ Reg (EU) 2021/1057 Art 7" in hit["legal_basis"]


def test_esf_material_deprivation_boundary_at_3_percent(build, run):
    assert run(DEPRIVATION, build(esf(25, 3, 72)), **NATIONAL).empty
    assert run(DEPRIVATION, build(esf(25, 2, 73)), **NATIONAL)["expected"].tolist() == [0.03]


def test_national_ring_fences_are_not_assessed_on_part_of_the_programmes(build, run):
    """The national ESF+ programme alone holds 60 % of the French ESF+: below 95 %."""
    assert run(DEPRIVATION, build(esf(25, 0, 75)), **ANYWHERE).empty
