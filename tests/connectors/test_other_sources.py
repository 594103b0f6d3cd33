"""Parquet files, the real Danish list, and the reader's findings and rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundcheck.connectors import READER_RULES, read_operations
from fundcheck.findings import render_message
from fundcheck.model import ROW


def test_parquet_file_with_typed_columns(tmp_path: Path):
    frame = pd.DataFrame(
        {
            "Numéro Opération": ["A", "B"],
            "NUMCCI": ["2021FR16FFPR004", "2021FR16FFPR004"],
            "Intitulé du projet": ["Projet", "Projet 2"],
            "Nom du bénéficiaire": ["Commune", "Région"],
            "Date de début de l'opération": pd.to_datetime(["2023-01-05", "2024-02-01"]),
            "Total des dépenses éligibles": [1000.0, 2000.0],
            "Taux de cofinancement": [40.0, 60.0],
            "Code postal de l’opération": [1000, 75001],
        }
    )
    path = tmp_path / "liste.parquet"
    frame.to_parquet(path)
    records = read_operations(path)
    assert records.provenance.format == "parquet"
    assert records.frame[ROW].tolist() == [2, 3]
    assert records.frame["start_date"].tolist() == [
        pd.Timestamp("2023-01-05"),
        pd.Timestamp("2024-02-01"),
    ]
    assert records.frame["cofinancing_rate"].tolist() == [0.4, 0.6]
    assert records.frame["operation_postcode"].tolist() == ["01000", "75001"]


def test_real_danish_list_reads_with_its_bilingual_profile(data_dir: Path, tmp_path: Path):
    source = data_dir / "connectors" / "ERDF_Denmark_2014-2020.csv"
    records = read_operations(source)
    frame = records.frame
    assert records.provenance.profile == "annex_xii_bilingual_dk_2014_2020"
    assert len(frame) == 107
    assert frame[ROW].iloc[0] == 2 and frame[ROW].iloc[-1] == 108
    first = frame.iloc[0]
    assert first["operation_name"] == "Vækst 2.0"
    assert first["start_date"] == pd.Timestamp("2014-04-24")
    assert first["eu_amount"] == 7707397.0  # "7.707.397": dots are thousands separators
    assert first["cofinancing_rate"] == 0.5  # "50%"
    assert first["country"] == "DK"
    assert first["operation_postcode"] == "9220"  # not padded: a Danish postcode
    assert frame["eu_amount"].notna().all() and frame["end_date"].notna().all()
    assert records.unreadable == {}

    # the same list re-encoded in cp1252 reads the same
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(source.read_text(encoding="utf-8").encode("cp1252"))
    again = read_operations(legacy)
    pd.testing.assert_frame_equal(again.frame, frame)


def test_reader_rules_cover_every_kind_the_reader_emits():
    ids = {rule.id for rule in READER_RULES}
    assert "read.unreadable_value" in ids
    kinds = {
        "placeholder", "rate_percent", "rate_text", "amount_text", "excel_serial_date",
        "date_text", "postcode_padded", "code_padded", "region_code_extracted",
        "intervention_code_extracted", "specific_objective_code_extracted", "fund_alias",
        "country_name", "header_variant", "repeated_header", "blank_row",
    }  # fmt: skip
    assert {f"read.normalised.{kind}" for kind in kinds} <= ids
    for rule in READER_RULES:
        assert rule.origin == "reader"
        assert rule.message_fr and rule.message_en and rule.legal_basis
    unreadable = next(r for r in READER_RULES if r.id == "read.unreadable_value")
    assert (unreadable.severity.value, unreadable.scope) == ("error", "record")
    assert unreadable.legal_basis == "CPR (EU) 2021/1060 Art 49(3)-(4)"


def test_reader_messages_render_in_both_languages():
    rules = {rule.id: rule for rule in READER_RULES}
    unreadable = rules["read.unreadable_value"]
    text = render_message(unreadable.message_fr, value="31/02/2023", column="Date de fin")
    assert "« 31/02/2023 »" in text and "{" not in text
    note = rules["read.normalised.amount_text"]
    text = render_message(note.message_en, column="Montant UE", count=3, example="1 000 €")
    assert text.startswith("Column 'Montant UE', 3 cell(s)") and "'1 000 €'" in text
    rows = rules["read.normalised.blank_row"]
    assert "{" not in render_message(rows.message_fr, column="", count=2, example="row 5")


@pytest.mark.slow
def test_a_hundred_thousand_rows(write_csv, headers, row):
    base = row()
    body = [
        [f"OP{i}"] + base[1:19] + [f"{1000 + i} 000,50", "40", "N.C", base[22]]
        for i in range(100_000)
    ]
    records = read_operations(write_csv([headers] + body))
    frame = records.frame
    assert len(frame) == 100_000
    assert frame[ROW].iloc[-1] == 100_001
    assert frame["total_eligible_cost"].iloc[-1] == 100_999_000.5
    assert frame["cofinancing_rate"].eq(0.4).all()
    notes = {(n.kind, n.field): n.count for n in records.normalisations}
    assert notes[("placeholder", "eu_amount")] == 100_000
    assert notes[("amount_text", "total_eligible_cost")] == 100_000
