"""Identical rows and operation numbers reused across programmes or files."""

from __future__ import annotations

IDENTICAL = "eu.duplicates.identical_row"
REUSED = "eu.duplicates.operation_id_reused"
OTHER = {"programme_cci": "2021FR16FFPR016", "operation_department": "35",
         "operation_postcode": "35000"}  # fmt: skip


def test_distinct_rows_pass(build, run):
    data = build([{"operation_id": "A"}, {"operation_id": "B"}])
    assert run(IDENTICAL, data).empty and run(REUSED, data).empty


def test_identical_rows_are_one_finding_on_the_last_row_naming_them_all(build, run):
    found = run(IDENTICAL, build([{}, {"operation_id": "B"}, {}, {}]))
    assert found["row"].tolist() == [5]
    hit = found.iloc[0]
    assert hit["scope"] == "record" and hit["value"] == 3 and hit["operation_id"] == "OC0000001"
    assert "3 lignes identiques" in hit["message_fr"] and "lignes 2, 4, 5" in hit["message_fr"]
    assert "rows 2, 4, 5" in hit["message_en"]
    assert hit["region"] == "76" and hit["programme"] == "2021FR16FFPR004"


def test_one_differing_cell_is_not_identical(build, run):
    assert run(IDENTICAL, build([{}, {"eu_amount": 60_000.01}])).empty


def test_identical_rows_across_sources_compare_the_common_fields(build, run):
    data = build([{}]) | build([{}], name="liste_bis.csv", drop=["policy_objective"])
    found = run(IDENTICAL, data)
    assert found["source"].tolist() == ["liste_bis.csv"]
    assert "14 champs" in found.iloc[0]["message_fr"]
    assert "rows 2, liste_bis.csv row 2" in found.iloc[0]["message_en"]


def test_same_number_in_another_programme_is_reported_once(build, run):
    data = build([{"operation_id": "X1"}, {"operation_id": "X1", **OTHER},
                  {"operation_id": "X1", **OTHER}])  # fmt: skip
    found = run(REUSED, data)
    assert found["row"].tolist() == [3]  # row 4 repeats row 3 in its own programme: the suite's
    hit = found.iloc[0]
    assert hit["value"] == "X1" and hit["programme"] == "2021FR16FFPR016"
    assert "2 rows of programmes 2021FR16FFPR004, 2021FR16FFPR016: rows 2, 3" in hit["message_en"]


def test_same_number_in_the_same_programme_of_another_file(build, run):
    data = build([{"operation_id": "X1"}]) | build(
        [{"operation_id": "X1", "eu_amount": 1.0}], name="other.xlsx"
    )
    found = run(REUSED, data)
    assert found["source"].tolist() == ["other.xlsx"]
    assert "rows 2, other.xlsx row 2" in found.iloc[0]["message_en"]


def test_identical_rows_are_not_reported_again_as_reused_numbers(build, run):
    data = build([{}]) | build([{}], name="other.xlsx")
    assert len(run(IDENTICAL, data)) == 1 and run(REUSED, data).empty
