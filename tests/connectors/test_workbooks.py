"""Reading XLSX workbooks: notice sheets, header not on row 1, typed cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fundcheck.connectors import read_operations
from fundcheck.errors import SourceError
from fundcheck.model import ROW


def _typed_row(row, values):
    """A national row where some cells hold typed values (numbers, dates)."""
    cells: list[object] = list(row())
    for position, value in values.items():
        cells[position] = value
    return cells


@pytest.fixture
def workbook(tmp_path: Path, headers, row) -> Path:
    """A notice sheet first, then the list with a title, a blank row and the header on row 3."""
    book = openpyxl.Workbook()
    notice = book.active
    notice.title = "Notice"
    notice["A1"] = "Liste des opérations : mode d'emploi"
    notice["A2"] = "Les montants sont en euros"
    sheet = book.create_sheet("LISTE OPERATION AU 16 03 2026")
    sheet.append(["Liste des opérations conventionnées FEDER FSE+ FTJ"])
    sheet.append([])
    sheet.append(headers)  # row 3
    sheet.append(
        _typed_row(
            row,
            {
                0: 1001,  # operation id stored as a number
                6: 1000,  # postcode that lost its leading zero
                7: dt.datetime(2023, 3, 1),
                8: 46022,  # Excel serial number of 2025-12-31, not formatted as a date
                9: 1000.0,
                11: 1,
                19: 26112.5,
                20: 40,
                21: 10445,
            },
        )
    )
    sheet.append(
        _typed_row(
            row,
            {
                0: "CE0002",
                6: 75001,
                7: "N.C",
                8: dt.datetime(2026, 6, 30),
                9: "N.C",
                11: "75.0",
                19: "12 000,00 €",
                20: 50,
                21: 6000,
            },
        )
    )
    sheet.append([])  # row 6: blank
    sheet.append(_typed_row(row, {0: "CE0003", 20: 85, 6: "13001", 11: "13"}))  # row 7
    path = tmp_path / "20260316_liste_operations_conventionnees.xlsx"
    book.save(path)
    return path


def test_the_list_sheet_is_found_after_a_notice(workbook: Path):
    records = read_operations(workbook)
    assert records.provenance.sheet == "LISTE OPERATION AU 16 03 2026"
    assert records.provenance.format == "xlsx"
    assert records.provenance.profile == "fr_national_2021_2027"
    assert records.frame[ROW].tolist() == [4, 5, 7]


def test_typed_cells_are_normalised(workbook: Path):
    records = read_operations(workbook)
    frame = records.frame
    assert frame["operation_id"].tolist() == ["1001", "CE0002", "CE0003"]
    assert frame["beneficiary_postcode"].tolist() == ["01000", "75001", "13001"]
    assert frame["operation_postcode"].tolist()[0] == "01000"
    assert pd.isna(frame["operation_postcode"].iloc[1])
    assert frame["operation_department"].tolist() == ["01", "75", "13"]
    assert frame["start_date"].tolist()[0] == pd.Timestamp("2023-03-01")
    assert pd.isna(frame["start_date"].iloc[1])
    assert frame["end_date"].tolist()[:2] == [
        pd.Timestamp("2025-12-31"),
        pd.Timestamp("2026-06-30"),
    ]
    assert frame["total_eligible_cost"].tolist() == [26112.5, 12000.0, 100000.0]
    assert frame["cofinancing_rate"].tolist() == pytest.approx([0.4, 0.5, 0.85])
    assert frame["start_date"].dtype == "datetime64[ns]"


def test_workbook_normalisations_are_counted(workbook: Path):
    records = read_operations(workbook)
    notes = {(n.kind, n.field): (n.count, n.example) for n in records.normalisations}
    assert notes[("postcode_padded", "beneficiary_postcode")] == (1, "1000")
    assert notes[("postcode_padded", "operation_postcode")] == (1, "1000")
    assert notes[("code_padded", "operation_department")] == (2, "1")
    assert notes[("excel_serial_date", "end_date")] == (1, "46022")
    assert notes[("placeholder", "start_date")] == (1, "N.C")
    assert notes[("placeholder", "operation_postcode")] == (1, "N.C")
    assert notes[("rate_percent", "cofinancing_rate")] == (3, "40")
    assert notes[("amount_text", "total_eligible_cost")] == (1, "12 000,00 €")
    assert notes[("blank_row", None)] == (1, "row 6")
    assert records.unreadable == {}


def test_sheet_option_and_unknown_sheet(workbook: Path):
    records = read_operations(workbook, sheet="LISTE OPERATION AU 16 03 2026")
    assert len(records.frame) == 3
    with pytest.raises(SourceError, match="sheet 'Feuil1' not found") as caught:
        read_operations(workbook, sheet="Feuil1")
    assert "LISTE OPERATION AU 16 03 2026" in str(caught.value)
    with pytest.raises(SourceError, match="no header row"):
        read_operations(workbook, sheet="Notice")


def test_workbook_without_a_list_raises(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(SourceError, match="no header row"):
        read_operations(path)
