"""Reading CSV lists of operations: encodings, delimiters, row numbers, normalisation notes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundcheck.connectors import read_operations, read_source
from fundcheck.errors import SourceError, UnmappableSourceError
from fundcheck.model import PERIOD, REGION, REGION_BASIS, ROW, RecordKind
from fundcheck.reference import load_reference


def _notes(records) -> dict[tuple[str, str | None], tuple[int, str | None]]:
    return {(n.kind, n.field): (n.count, n.example) for n in records.normalisations}


def test_cp1252_semicolon_file_with_decimal_commas(write_csv, headers, row):
    rows = [
        headers,
        row({"Total des dépenses éligibles": "26 112,50 €", "Montant UE": "10\u00a0445,00"}),
        row(
            {
                "Numéro Opération": "CE0002",
                "Total des dépenses éligibles": "1.234.567,89",
                "Taux de cofinancement": "0,6",
                "Montant UE": "740 740,73",
            }
        ),
    ]
    path = write_csv(rows, encoding="cp1252")
    records = read_operations(path)

    frame = records.frame
    assert frame["total_eligible_cost"].tolist() == [26112.5, 1234567.89]
    assert frame["eu_amount"].tolist() == [10445.0, 740740.73]
    assert frame["cofinancing_rate"].tolist() == [0.4, 0.6]
    assert frame["beneficiary_name"].tolist() == ["Commune de Bourges"] * 2
    assert frame["operation_name"].iloc[0] == "Rénovation de l'école"
    notes = _notes(records)
    assert notes[("amount_text", "total_eligible_cost")] == (2, "26 112,50 €")
    assert notes[("amount_text", "eu_amount")] == (2, "10\u00a0445,00")
    assert notes[("rate_text", "cofinancing_rate")] == (1, "0,6")
    assert records.provenance.format == "csv"
    assert records.provenance.profile == "fr_national_2021_2027"
    assert records.provenance.rows == 2


def test_canonical_types_and_columns(write_csv, headers, row):
    records = read_operations(write_csv([headers, row()]))
    frame = records.frame
    assert records.kind is RecordKind.OPERATIONS
    assert frame["start_date"].dtype == "datetime64[ns]"
    assert frame["total_eligible_cost"].dtype == "float64"
    assert frame["cofinancing_rate"].dtype == "float64"
    assert isinstance(frame["operation_id"].dtype, pd.StringDtype)
    assert isinstance(frame["beneficiary_postcode"].dtype, pd.StringDtype)
    assert frame[ROW].dtype == "int64"
    assert "_region" not in frame and "_period" not in frame
    assert records.column_labels["operation_postcode"] == "Code postal de l’opération"
    assert frame.iloc[0]["start_date"] == pd.Timestamp("2023-03-01")
    assert frame.iloc[0]["fund"] == "ERDF"
    assert frame.iloc[0]["operation_region"] == "24"
    assert frame.iloc[0]["country"] == "FR"
    assert frame.iloc[0]["intervention_field"] == "045"


def test_utf8_bom_comma_file_with_multiline_cells(write_csv, headers, row):
    rows = [
        headers,
        row({"Objectifs et réalisations escomptés et effectifs": "Ligne 1\nLigne 2"}),
        row({"Numéro Opération": "CE0002"}),
    ]
    path = write_csv(rows, encoding="utf-8-sig", delimiter=",")
    records = read_operations(path)
    assert records.frame["operation_summary"].iloc[0] == "Ligne 1\nLigne 2"
    assert records.frame["operation_id"].tolist() == ["CE0001", "CE0002"]
    assert records.frame[ROW].tolist() == [2, 3]
    assert records.column_labels["operation_id"] == "Numéro Opération"  # BOM not in the header


@pytest.mark.parametrize("delimiter", ["\t", "|", ","])
def test_other_delimiters(write_csv, headers, row, delimiter):
    records = read_operations(write_csv([headers, row()], delimiter=delimiter))
    assert records.frame["total_eligible_cost"].tolist() == [100000.0]


def test_row_numbers_survive_titles_blank_and_repeated_header_rows(write_csv, headers, row):
    rows = [
        ["Liste des opérations au 16/03/2026"],
        [],
        headers,  # row 3
        row({"Numéro Opération": "A"}),  # row 4
        [""] * 23,  # row 5: blank
        headers,  # row 6: repeated header
        row({"Numéro Opération": "B"}),  # row 7
        [],  # row 8: blank
        row({"Numéro Opération": "C"}),  # row 9
    ]
    records = read_operations(write_csv(rows))
    assert records.frame["operation_id"].tolist() == ["A", "B", "C"]
    assert records.frame[ROW].tolist() == [4, 7, 9]
    notes = _notes(records)
    assert notes[("blank_row", None)] == (2, "row 5")
    assert notes[("repeated_header", None)] == (1, "row 6")


def test_placeholders_become_missing_and_are_counted(write_csv, headers, row):
    rows = [
        headers,
        row({"Zone": "N.C", "Montant UE": "NR", "Date de fin de l'opération": "n/a"}),
        row({"Zone": "---", "Montant UE": "-", "Numéro Opération": "B"}),
        row({"Zone": "VOID", "Numéro Opération": "C"}),
    ]
    records = read_operations(write_csv(rows))
    frame = records.frame
    assert frame["location_text"].isna().all()
    assert frame["eu_amount"].isna().tolist() == [True, True, False]
    assert frame["end_date"].isna().tolist() == [True, False, False]
    assert records.unreadable == {}
    notes = _notes(records)
    assert notes[("placeholder", "location_text")] == (3, "N.C")
    assert notes[("placeholder", "eu_amount")] == (2, "NR")


def test_unreadable_cells_are_missing_and_kept_raw(write_csv, headers, row):
    rows = [
        headers,
        row({"Date de fin de l'opération": "31/02/2023", "Montant UE": "environ 40000"}),
        row({"Numéro Opération": "B", "Taux de cofinancement": "quarante"}),
    ]
    records = read_operations(write_csv(rows))
    frame = records.frame
    assert pd.isna(frame["end_date"].iloc[0])
    assert pd.isna(frame["eu_amount"].iloc[0])
    assert records.unreadable["end_date"].to_dict() == {0: "31/02/2023"}
    assert records.unreadable["eu_amount"].to_dict() == {0: "environ 40000"}
    assert records.unreadable["cofinancing_rate"].to_dict() == {1: "quarante"}
    assert set(records.unreadable) == {"end_date", "eu_amount", "cofinancing_rate"}


def test_percent_rate_column_is_divided(write_csv, headers, row):
    rows = [headers] + [
        row({"Numéro Opération": str(i), "Taux de cofinancement": rate})
        for i, rate in enumerate(["40", "60", "50,5", "85 %", "1"])
    ]
    records = read_operations(write_csv(rows))
    assert records.frame["cofinancing_rate"].tolist() == pytest.approx(
        [0.4, 0.6, 0.505, 0.85, 0.01]
    )
    notes = _notes(records)
    assert notes[("rate_percent", "cofinancing_rate")] == (4, "40")
    assert notes[("rate_text", "cofinancing_rate")] == (1, "85 %")


def test_fraction_rate_column_keeps_a_stray_value_above_one(write_csv, headers, row):
    rows = [headers] + [
        row({"Numéro Opération": str(i), "Taux de cofinancement": rate})
        for i, rate in enumerate(["0.4", "0.6", "1.5"])
    ]
    records = read_operations(write_csv(rows))
    assert records.frame["cofinancing_rate"].tolist() == [0.4, 0.6, 1.5]
    assert not any(n.kind == "rate_percent" for n in records.normalisations)


def test_header_variant_is_reported(write_csv, headers, row):
    variant = headers[:]
    variant[9] = "Code postal de l'opération"  # U+0027 instead of U+2019
    variant[1] = "NumCCI"
    records = read_operations(write_csv([variant, row()]))
    assert records.column_labels["operation_postcode"] == "Code postal de l'opération"
    variants = {n.field: n for n in records.normalisations if n.kind == "header_variant"}
    assert set(variants) == {"operation_postcode", "programme_cci"}
    assert variants["programme_cci"].column == "NumCCI"


def test_specific_objective_is_derived_from_the_label_column(write_csv, headers, row):
    keep = [i for i, h in enumerate(headers) if h != "Objectif spécifique"]
    source = [row(), row({"Numéro Opération": "B", "Objectif spécifique (Code et libellé)": "?"})]
    rows = [[headers[i] for i in keep]] + [[r[i] for i in keep] for r in source]
    records = read_operations(write_csv(rows))
    assert records.frame["specific_objective"].tolist()[0] == "RSO2.1"
    assert pd.isna(records.frame["specific_objective"].iloc[1])
    note = next(n for n in records.normalisations if n.field == "specific_objective")
    assert (note.kind, note.count) == ("specific_objective_code_extracted", 1)
    assert note.column == "Objectif spécifique (Code et libellé)"


def test_unmappable_file_names_missing_fields_and_file(write_csv, headers, row):
    kept = [i for i, h in enumerate(headers) if h not in ("Numéro Opération", "NUMCCI")]
    rows = [[headers[i] for i in kept], [row()[i] for i in kept]]
    path = write_csv(rows)
    with pytest.raises(UnmappableSourceError) as caught:
        read_operations(path)
    message = str(caught.value)
    assert "operation_id" in message and "programme_cci" in message
    assert str(path) in message


def test_user_mapping_reads_an_unknown_layout(write_csv, tmp_path: Path):
    path = write_csv([["Dossier", "Titre", "Porteur", "Coût"], ["D1", "Titre", "Mairie", "1 000"]])
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns:\n  Dossier: operation_id\n  Titre: operation_name\n"
        "  Porteur: beneficiary_name\n  Coût: total_eligible_cost\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="no header row"):
        read_operations(path)
    records = read_operations(path, mapping=mapping)
    assert records.provenance.profile == "user:map.yaml"
    assert records.frame["total_eligible_cost"].tolist() == [1000.0]
    assert records.frame["operation_id"].tolist() == ["D1"]


def test_read_source_gives_records_with_region_period_and_provenance(write_csv, headers, row):
    records = read_source(write_csv([headers, row()]), load_reference())
    assert records.provenance.name == "liste.csv"
    assert Path(records.provenance.location).is_absolute()
    assert len(records.provenance.sha256 or "") == 64
    assert records.provenance.rows == 1
    assert records.provenance.period == "2021-2027"  # the national format's CCI
    assert records.frame[PERIOD].tolist() == ["2021-2027"]
    assert records.frame[REGION].notna().all() and records.frame[REGION_BASIS].notna().all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (bytes(range(256)) * 40, "binary content"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\xff" * 500, "binary content"),
        (b"PK\x03\x04garbage that is not a zip", "cannot be opened"),
        (b"just one line of text without a header\n", "no header row"),
        (b"PAR1 not really parquet", "Parquet"),
    ],
)
def test_bad_input_raises_source_error(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message) as caught:
        read_operations(path)
    assert caught.value.location == str(path)


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(SourceError, match="file not found"):
        read_operations(tmp_path / "absent.csv")
    with pytest.raises(SourceError, match="not a regular file"):
        read_operations(tmp_path)


def test_repeated_labels_are_read_as_categories_with_their_text(write_csv, headers, row):
    label = "Objectif spécifique (Code et libellé)"
    rows = [headers, row(), row({"Numéro Opération": "B"}), row({"Numéro Opération": "C"})]
    records = read_source(write_csv(rows), load_reference())
    column = records.frame["specific_objective_label"]
    assert isinstance(column.dtype, pd.CategoricalDtype)
    assert len(column.cat.categories) == 1
    assert column.tolist() == [row()[headers.index(label)]] * 3
    assert isinstance(records.frame["operation_name"].dtype, pd.StringDtype)  # not a label
