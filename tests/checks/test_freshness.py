"""Publication freshness: updated at least every 4 months (2021-2027), 6 months (2014-2020)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from fundcheck.checks.freshness import add_months

FRESH = "eu.publication.freshness"
UNKNOWN = "eu.publication.edition_date_unknown"


def test_edition_exactly_four_months_old_passes(build, run):
    assert run(FRESH, build([{}]), as_of="2026-07-16").empty


def test_one_day_late_is_one_dataset_finding(build, run):
    found = run(FRESH, build([{}]), as_of="2026-07-17")
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["scope"] == "dataset" and hit["severity"] == "warning"
    assert hit["source"] == "20260316_liste_operations.xlsx" and pd.isna(hit["row"])
    assert hit["value"] == "2026-03-16" and hit["expected"] == "2026-07-16"
    assert hit["count"] == 1 and "1 jours de retard" in hit["message_fr"]
    assert "Édition du 2026-03-16" in hit["message_fr"] and "due on 2026-07-16" in hit["message_en"]
    assert hit["legal_basis"] == "CPR (EU) 2021/1060 Art 49(3)"


def test_one_finding_per_source(build, run):
    data = build([{}]) | build([{}], name="20251001_liste_FEDER_Bretagne.csv")
    found = run(FRESH, data, as_of="2026-07-17")
    assert sorted(found["source"]) == ["20251001_liste_FEDER_Bretagne.csv",
                                       "20260316_liste_operations.xlsx"]  # fmt: skip


def test_2014_2020_list_has_six_months(build, run):
    old = {"programme_cci": "2014FR16M2OP004", "operation_department": "2A",
           "operation_postcode": "20000"}  # fmt: skip
    data = build([old], name="20230830_liste_operations_2014_2020.xlsx")
    assert run(FRESH, data, as_of="2024-02-29").empty
    found = run(FRESH, data, as_of="2024-03-01")
    assert found["expected"].tolist() == ["2024-02-29"]  # 30 August + 6 months
    assert found.iloc[0]["legal_basis"] == "CPR (EU) 1303/2013 Art 115(2)"


def test_last_update_cell_gives_the_edition_when_the_name_has_no_date(build, run):
    data = build([{"last_update_date": "2025-01-10"}, {"last_update_date": "2025-02-01"}],
                 name="liste.xlsx")  # fmt: skip
    assert run(FRESH, data, as_of="2025-06-01").empty
    assert run(FRESH, data, as_of="2025-06-02")["value"].tolist() == ["2025-02-01"]
    assert run(UNKNOWN, data).empty


def test_no_edition_date_is_an_information_finding(build, run):
    data = build([{}], name="liste_operations_99999999.xlsx")  # not a date
    assert run(FRESH, data, as_of="2030-01-01").empty
    found = run(UNKNOWN, data)
    assert found["severity"].tolist() == ["info"]
    assert found.iloc[0]["source"] == "liste_operations_99999999.xlsx"


def test_interval_parameter_and_month_ends():
    assert add_months(dt.date(2025, 10, 31), 4) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 3, 16), 4) == dt.date(2026, 7, 16)


def test_update_interval_is_a_parameter(build, run):
    data = build([{}])
    assert run(FRESH, data, as_of="2026-08-01", update_interval_months_2021_2027=6).empty
