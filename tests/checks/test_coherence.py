"""Dates against the edition, beneficiary identity and ARACHNE-style concentration indicators."""

from __future__ import annotations

AFTER = "eu.dates.selection_after_edition"
COMPLETED = "eu.dates.completed_before_selection"
IDENTITY = "eu.beneficiary.identity"
INDICATORS = "eu.risk.concentration_indicators"


def test_selection_on_the_edition_day_passes_one_day_later_is_a_warning(build, run):
    # the default source is "20260316_liste_operations.xlsx": edition 2026-03-16
    data = build([{"selection_date": "2026-03-16"}, {"selection_date": "2026-03-17"}])
    found = run(AFTER, data)
    assert found["row"].tolist() == [3]
    hit = found.iloc[0]
    assert hit["severity"] == "warning" and hit["value"] == "2026-03-17"
    assert hit["expected"] == "2026-03-16" and "2026-03-17" in hit["message_fr"]


def test_no_edition_date_no_finding(build, run):
    data = build([{"selection_date": "2030-01-01"}], name="liste.xlsx")
    assert run(AFTER, data).empty


def test_end_before_the_first_agreement_is_information(build, run):
    data = build(
        [
            {"end_date": "2024-06-30", "selection_date": "2024-06-30"},  # same day: passes
            {"end_date": "2024-06-29", "selection_date": "2024-06-30"},
        ]
    )
    found = run(COMPLETED, data)
    assert found["row"].tolist() == [3]
    assert found.iloc[0]["severity"] == "info"
    assert "Art 63(6)" in found.iloc[0]["legal_basis"]


def test_one_siren_under_two_names_and_one_name_under_two_sirens(build, run):
    data = build(
        [
            {"beneficiary_name": "Commune de Brest", "beneficiary_siren": "212900195"},
            {"beneficiary_name": "Ville de Brest", "beneficiary_siren": "212900195"},
            {"beneficiary_name": "SARL Dupré", "beneficiary_siren": "552081317"},
            {"beneficiary_name": "SARL DUPRE", "beneficiary_siren": "732829320"},
            {"beneficiary_name": "Commune de Brest", "beneficiary_siren": "212900195"},
        ]
    )
    found = run(IDENTITY, data)
    assert len(found) == 2
    by_field = found.set_index("field")
    assert by_field.loc["beneficiary_siren", "row"] == 2
    assert "rows 2, 3, 6" in by_field.loc["beneficiary_siren", "message_en"]
    assert by_field.loc["beneficiary_name", "row"] == 4  # accents and case do not count
    assert (found["severity"] == "warning").all()


def test_one_name_with_postcodes_of_two_regions_is_information(build, run):
    data = build(
        [
            {"beneficiary_name": "REGION GRAND EST", "beneficiary_postcode": "67000"},
            {"beneficiary_name": "REGION GRAND EST", "beneficiary_postcode": "67070"},  # CEDEX
            {"beneficiary_name": "ADIE", "beneficiary_postcode": "75011"},
            {"beneficiary_name": "ADIE", "beneficiary_postcode": "35000"},
        ]
    )
    assert run(IDENTITY, data).empty
    found = run("eu.beneficiary.several_regions", data)
    assert found["row"].tolist() == [4]  # the CEDEX of the same region does not count
    assert found.iloc[0]["severity"] == "info" and "2 regions" in found.iloc[0]["message_en"]


def test_concentrated_support_is_reported_with_its_figures(build, run):
    spread = [{"beneficiary_name": f"Commune {i}", "eu_amount": 10_000.0} for i in range(5)]
    assert run(INDICATORS, build(spread)).empty  # Herfindahl 0.20 < 0.25
    one_takes_all = [
        {"beneficiary_name": "Région", "eu_amount": 1_000_000.0},
        *({"beneficiary_name": f"Commune {i}", "eu_amount": 10_000.0} for i in range(4)),
    ]
    found = run(INDICATORS, build(one_takes_all))
    assert len(found) == 1
    hit = found.iloc[0]
    assert hit["severity"] == "info" and hit["programme"] == "2021FR16FFPR004"
    assert hit["region"] == "76" and 0.9 < hit["value"] <= 1.0
    assert "96.2 %" in hit["message_en"] and "96,2 %" in hit["message_fr"]


def test_amounts_clustered_under_a_threshold(build, run):
    under = [{"beneficiary_name": f"PME {i}", "eu_amount": 195_000.0 + i} for i in range(4)]
    found = run(INDICATORS, build(under))
    assert len(found) == 1 and "just under EUR 200,000" in found.iloc[0]["message_en"]
    balanced = under + [
        {"beneficiary_name": f"ETI {i}", "eu_amount": 205_000.0 + i} for i in range(2)
    ]
    assert run(INDICATORS, build(balanced)).empty  # 4 just under, 2 just above: not clustered
