"""Any publisher's headers: the Annex XII synonyms profile, slugs, value maps, identifiers."""

from __future__ import annotations

import pandas as pd
import pytest

from fundcheck.connectors import list_profiles, read_operations, read_source
from fundcheck.connectors.mapping_profiles import best_match, header_slugs, match_profile
from fundcheck.model import PERIOD
from fundcheck.reference import load_reference

SYNONYMS = next(p for p in list_profiles() if p.id == "annex_xii_synonyms")
EXACT = [p for p in list_profiles() if p.matching == "exact"]
GREEK_HEADERS = [
    "ΕΠΙΧΕΙΡΗΣΙΑΚΟ ΠΡΟΓΡΑΜΜΑ/ OPERATIONAL PROGRAMME",
    "ΟΝΟΜΑΣΙΑ ΔΙΚΑΙΟΥΧΟΥ / \nBENEFICIARY NAME ",
    "ΟΝΟΜΑΣΙΑ ΠΡΑΞΗΣ / OPERATION NAME ",
    "ΗΜ/ΝΙΑ ΕΝΑΡΞΗΣ ΤΗΣ ΠΡΑΞΗΣ / \nOPERATION START DATE ",
    "ΠΟΣΟΣΤΟ ΣΥΓΧΡΗΜΑΤΟΔΟΤΗΣΗΣ ΤΗΣ ΕΝΩΣΗΣ ΑΝΑ ΑΞΟΝΑ ΠΡΟΤΕΡΑΙΟΤΗΤΑΣ/ \n"
    "UNION Co-FINANCING RATE  AS PER PRIORITY AXIS ",
    "ΧΩΡΑ/\nCOUNTRY",
]


def test_slugs_of_bilingual_headers() -> None:
    assert header_slugs("Nom du bénéficiaire - beneficiary name") == [
        "nom_du_beneficiaire_beneficiary_name",
        "nom_du_beneficiaire",
        "beneficiary_name",
    ]
    assert header_slugs("ΧΩΡΑ/\nCOUNTRY") == ["country"]
    assert header_slugs("Date de début de l'opération") == ["date_de_debut_de_loperation"]


def test_greek_headers_by_synonyms_alone() -> None:
    match = match_profile(GREEK_HEADERS, SYNONYMS)
    assert match.mappable
    assert [match.fields.get(h) for h in GREEK_HEADERS] == [
        "programme_title",
        "beneficiary_name",
        "operation_name",
        "start_date",
        "cofinancing_rate",
        "country",
    ]
    assert match.how[GREEK_HEADERS[5]] == "synonym 'Country'"
    assert match.how[GREEK_HEADERS[1]] == "synonym 'Beneficiary name'"  # Greek letters dropped
    assert "(part 'operation_programme'" not in match.how[GREEK_HEADERS[0]]
    assert "columns recognised by the synonyms" in match.reason


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("nom_du_beneficiaire__beneficiary_name", "beneficiary_name"),  # eu1420 inventory
        ("date_de_debut_de_loperation", "start_date"),
        ("denomination_de_la_categorie_dintervention_dont_releve_loperation", "intervention_field"),
        ("nazwa_beneficjenta_beneficiary_name", "beneficiary_name"),  # end of a snake name
        ("Startdato / Operation start date", "start_date"),
        ("Porteur de projet", "beneficiary_name"),
        ("N° SIRET", "beneficiary_siret"),
        ("Union co-financing rate (%)", "cofinancing_rate"),
    ],
)
def test_one_header(header: str, field: str) -> None:
    assert match_profile([header], SYNONYMS).fields == {header: field}


def test_exact_profiles_win_and_synonyms_are_the_fallback() -> None:
    danish = next(p for p in EXACT if p.id == "annex_xii_bilingual_dk_2014_2020")
    assert best_match(list(danish.columns), list_profiles()).profile.id == danish.id
    unknown = ["Project title", "Beneficiary", "Start date", "Country"]
    assert best_match(unknown, list_profiles()).profile.id == "annex_xii_synonyms"


def test_unknown_english_layout_is_read_and_each_record_dated_by_its_dates(write_csv) -> None:
    path = write_csv(
        [
            ["List of operations", "", "", "", "", ""],
            ["Project title", "Beneficiary", "Start date", "End date", "Total cost", "Country"],
            ["Harbour", "Port of Aarhus", "01/02/2016", "31/12/2019", "1 000 000", "Denmark"],
            ["Bridge", "Vejle Kommune", "2017-05-01", "2020-06-30", "250000", "DK"],
        ],
        delimiter=",",
    )
    assert read_operations(path).provenance.period is None  # the format tells no period
    record_set = read_source(path, load_reference())
    assert record_set.provenance.profile == "annex_xii_synonyms"
    periods = record_set.frame[PERIOD]
    assert periods.tolist() == ["2014-2020", "2014-2020"]  # each record's dates (2016, 2017) do
    assert record_set.provenance.period == "2014-2020"
    frame = record_set.frame
    assert frame["_row"].tolist() == [3, 4]
    assert frame["beneficiary_name"].tolist() == ["Port of Aarhus", "Vejle Kommune"]
    assert frame["total_eligible_cost"].tolist() == [1_000_000.0, 250_000.0]
    assert frame["country"].tolist() == ["DK", "DK"]


def test_identifiers_are_compacted_and_noted(write_csv) -> None:
    path = write_csv(
        [
            ["Intitulé du projet", "Nom du bénéficiaire", "N° SIRET", "N° TVA intracommunautaire"],
            ["Gymnase", "Commune X", "552 081 317 00018", "fr 03 552081317"],
        ]
    )
    record_set = read_operations(path)
    row = record_set.frame.iloc[0]
    assert (row["beneficiary_siret"], row["beneficiary_vat"]) == ("55208131700018", "FR03552081317")
    kinds = {(n.kind, n.field) for n in record_set.normalisations}
    assert ("identifier_compacted", "beneficiary_siret") in kinds


def test_value_maps_of_a_profile(write_csv) -> None:
    danish = next(p for p in EXACT if p.id == "annex_xii_bilingual_dk_2014_2020")
    headers = list(danish.columns)
    row = [""] * len(headers)
    row[headers.index("Projektitel / Operation name")] = "Vækst"
    row[headers.index("Kontraktansvarlig partner / Beneficiary name")] = "Væksthus"
    row[headers.index("Fond / Fund")] = "S"
    record_set = read_operations(write_csv([headers, row]))
    assert record_set.frame["fund"].tolist() == ["ESF"]
    note = next(n for n in record_set.normalisations if n.field == "fund")
    assert (note.kind, note.count, note.example) == ("fund_alias", 1, "S")
    assert record_set.provenance.period == "2014-2020"
    assert pd.isna(record_set.frame["operation_postcode"].iloc[0])
