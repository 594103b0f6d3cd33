import openpyxl
import pytest

from fundcheck.reports import ReportOptions
from fundcheck.reports.sheet_names import SheetNames
from fundcheck.reports.xlsx_report import XlsxReport


@pytest.fixture
def workbook(sample_result, tmp_path):
    (path,) = XlsxReport().render(sample_result, tmp_path, "en")
    assert path == tmp_path / "report.xlsx"
    return openpyxl.load_workbook(path)


def test_sheets_summary_findings_rules_then_regions(workbook):
    assert workbook.sheetnames == [
        "Summary",
        "All findings",
        "Rules",
        "11 Île-de-France",
        "84 Auvergne-Rhône-Alpes",
        "93 Provence-Alpes-Côte d'Azur",
        "National - multi-regional",
    ]


def test_french_sheet_names(sample_result, tmp_path):
    (path,) = XlsxReport().render(sample_result, tmp_path, "fr")
    names = openpyxl.load_workbook(path).sheetnames
    assert names[:3] == ["Synthèse", "Toutes les anomalies", "Règles"]
    assert names[-1] == "National - multirégional"


def test_a_formula_in_the_data_is_read_back_as_plain_text(workbook, hostile):
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    hyperlinks = [cell for cell in cells if cell.value == hostile.formula]
    assert len(hyperlinks) == 2  # all findings + region 84
    for cell in hyperlinks:
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
    for text in ("+33 OP", "-1234", "@SUM(A1)"):
        assert all(cell.quotePrefix for cell in cells if cell.value == text)


def test_all_findings_sheet_has_a_frozen_header_and_an_autofilter(workbook):
    sheet = workbook["All findings"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M11"
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Severity", "Rule", "Region"]
    assert sheet.max_row == 11
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == {"error", "warning", "info"}
    assert rows[0][5] == 3  # spreadsheet row numbers stay numbers


def test_region_sheets_say_what_they_hold_then_list_their_findings(workbook):
    sheet = workbook["84 Auvergne-Rhône-Alpes"]
    assert sheet["A1"].value == "84 Auvergne-Rhône-Alpes — Findings: 6"
    assert [cell.value for cell in sheet[2]][:2] == ["Severity", "Rule"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:J8"
    assert sheet.max_row == 2 + 6
    assert workbook["11 Île-de-France"].max_row == 2 + 2
    assert workbook["National - multi-regional"].max_row == 2 + 2
    assert workbook["93 Provence-Alpes-Côte d'Azur"]["A3"].value is None


def test_region_sheets_are_capped_but_all_findings_keeps_every_row(many_findings, tmp_path):
    (path,) = XlsxReport().render(
        many_findings(60), tmp_path, "en", ReportOptions(max_rows_per_region=10)
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["84 Auvergne-Rhône-Alpes"]
    assert sheet["A1"].value == (
        "Only the first 10 of 30 findings are listed here, worst first; "
        "the full list is in sheet “All findings”."
    )
    assert sheet.max_row == 2 + 10
    assert workbook["All findings"].max_row == 1 + 60


def test_rules_sheet_lists_legal_bases_and_counts(workbook):
    rows = list(workbook["Rules"].iter_rows(min_row=2, values_only=True))
    by_id = {row[0]: row for row in rows}
    assert by_id["eu.dates.start_before_end"][6] == "CPR (EU) 2021/1060 Art 49(3)(f)-(g)"
    assert by_id["eu.dates.start_before_end"][7] == 0
    assert by_id["eu21.art49.mandatory_field"][7] == 5


def test_summary_has_the_region_table_and_totals(workbook):
    rows = list(workbook["Summary"].iter_rows(values_only=True))
    assert ("84 Auvergne-Rhône-Alpes", 120, 4, 2, 0) in [row[:5] for row in rows]
    assert ("Total", 215, 7, 2, 1) in [row[:5] for row in rows]


def test_sheet_names_are_short_valid_and_unique():
    names = SheetNames()
    long = "27 Bourgogne-Franche-Comté et une très longue suite"
    first, second = names.take(long), names.take(long)
    assert first == long[:31].rstrip()
    assert second.endswith(" (2)") and len(second) <= 31
    assert names.take("A/B:C?") == "A-B-C-"
    assert names.take("history") == "history (2)"  # Excel reserves "History"
    assert names.take("SUMMARY") == "SUMMARY"
    assert names.take("Summary") == "Summary (2)"
    assert names.take("") == "Sheet"
