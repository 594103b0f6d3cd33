"""Identical findings on many rows read as one line ("20 identical operations (rows 215-234)")
wherever a person reads them; the machine-readable reports keep one line per finding."""

from __future__ import annotations

import json
import re

import pandas as pd

from fundcheck.findings import findings_frame
from fundcheck.reports import ReportOptions
from fundcheck.reports import liaison_report as liaison
from fundcheck.reports.digest import grouped, row_ranges
from fundcheck.reports.html_report import HtmlReport
from fundcheck.reports.json_report import JsonReport
from tests.reports.conftest import CCI, MANDATORY, finding, make_result

DATA_BLOCK = re.compile(
    r'<script type="application/json" class="findings-data">(.*?)</script>', re.S
)


def _twenty_identical_and_one_other():
    same = [
        finding(MANDATORY, row=row, operation_id=f"OP-{row}", region="84", field="fund",
                column="Fonds", programme="2021FR16FFPR018")
        for row in [*range(215, 235), 240]
    ]  # fmt: skip
    other = finding(CCI, row=12, region="84", field="programme_cci", value="2021FR16XX")
    return make_result(findings_frame([*same, other]))


def test_row_ranges_are_compact():
    assert row_ranges([234, 215, *range(216, 234), 240]) == "215-234, 240"
    assert row_ranges([7]) == "7" and row_ranges([]) == ""


def test_identical_findings_become_one_line_with_their_count_and_rows():
    result = _twenty_identical_and_one_other()
    lines = grouped(result.findings, "en")
    assert len(lines) == 2 and lines["group_size"].tolist() == [21, 1]
    first = lines.iloc[0]
    assert first["row"] == "215-234, 240" and pd.isna(first["operation_id"])
    assert first["message_en"].endswith("21 identical operations (rows 215-234, 240)")
    french = grouped(result.findings, "fr").iloc[0]["message_fr"]
    assert french.endswith("21 opérations identiques (lignes 215-234, 240)")
    assert lines.iloc[1]["row"] == 12  # a single finding is left as it is


def test_html_and_liaison_list_one_line_per_group_json_one_per_finding(tmp_path):
    result = _twenty_identical_and_one_other()
    page = HtmlReport().render(result, tmp_path, "en", ReportOptions())[0].read_text("utf-8")
    (block,) = [json.loads(b) for b in DATA_BLOCK.findall(page)]
    assert len(block["rows"]) == 2
    assert any("21 identical operations (rows 215-234, 240)" in str(row) for row in block["rows"])
    (document,) = [d for d in liaison.liaison_documents(result) if d.region.key == "84"]
    assert sorted(line["row"] for line in document.findings) == ["12", "215-234, 240"]
    assert document.findings_listed == document.findings_total == 22
    report = JsonReport().render(result, tmp_path, "en")[0]
    assert len(json.loads(report.read_text("utf-8"))["findings"]) == 22
