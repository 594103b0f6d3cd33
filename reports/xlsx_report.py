"""The Excel workbook (``report.xlsx``): summary, all findings, rules, and a sheet per region.

Sheets: the summary (regions, top rules, sources, notes), all findings (autofilter, frozen header),
the rules with their legal bases, then one sheet per region bucket listing its first
``ReportOptions.max_rows_per_region`` findings, worst first (the all-findings sheet has all).

Text from the data is always written as text, never as a formula; text starting with
``= + - @``, a tab or a carriage return also gets Excel's quote prefix (the hidden leading
apostrophe), so it stays text even when a user edits the cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import xlsxwriter

from fundcheck.findings import display, json_column
from fundcheck.model import RunResult
from fundcheck.reports.base import Lang, ReportOptions, SingleFileReport, register
from fundcheck.reports.digest import (
    SEVERITIES,
    RegionSummary,
    catalogue,
    colon,
    in_reading_order,
    message_column,
    region_keys,
    region_summaries,
    rule_summaries,
    rule_title,
    total_summary,
)
from fundcheck.reports.sheet_names import SheetNames
from fundcheck.reports.ui_text import number, severity_label, text

MAX_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
FORMULA_TRIGGERS = frozenset("=+-@\t\r")

# (column key, UI text key, width)
_ALL_COLUMNS = (
    ("severity", "severity", 13),
    ("rule", "rule", 34),
    ("region", "region", 8),
    ("programme", "programme", 17),
    ("source", "source", 22),
    ("row", "row", 8),
    ("operation_id", "operation_id", 16),
    ("column", "column", 22),
    ("value", "value", 22),
    ("expected", "expected", 16),
    ("count", "count", 8),
    ("message", "message", 70),
    ("legal_basis", "legal_basis", 36),
)
_REGION_COLUMNS = tuple(c for c in _ALL_COLUMNS if c[0] not in {"region", "count", "legal_basis"})


@register
class XlsxReport(SingleFileReport):
    """Writes ``report.xlsx``."""

    format: ClassVar[str] = "xlsx"
    file_name: ClassVar[str] = "report.xlsx"

    def write(self, result: RunResult, path: Path, lang: Lang, options: ReportOptions) -> None:
        settings = {
            "constant_memory": True,  # rows go to disk as written: as fast, far less memory
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": str(path.parent),  # temporary files stay in the (temporary) output folder
        }
        with xlsxwriter.Workbook(str(path), settings) as workbook:
            _WorkbookWriter(workbook, result, lang, options).write()


@dataclass
class _WorkbookWriter:
    workbook: Any
    result: RunResult
    lang: Lang
    options: ReportOptions

    def __post_init__(self) -> None:
        add = self.workbook.add_format
        self.bold = add({"bold": True})
        self.title = add({"bold": True, "font_size": 14})
        self.header = add({"bold": True, "bg_color": "#DDE4EA", "bottom": 1, "text_wrap": True})
        self.quoted = add({"quote_prefix": True})
        self.names = SheetNames()

    def write(self) -> None:
        findings = in_reading_order(self.result.findings)
        buckets = region_keys(findings)
        groups = {str(key): group for key, group in findings.groupby(buckets, sort=False)}
        regions = region_summaries(self.result, self.lang)
        summary = self.workbook.add_worksheet(self.names.take(text("summary", self.lang)))
        all_name = self.names.take(text("all_findings", self.lang))
        rules_name = self.names.take(text("rules", self.lang))
        region_names = [self.names.take(region.label) for region in regions]
        notes = []
        if len(findings) > MAX_DATA_ROWS:
            notes.append(
                text(
                    "truncated_sheet",
                    self.lang,
                    sheet=all_name,
                    shown=MAX_DATA_ROWS,
                    total=len(findings),
                )
            )
        self._summary(summary, notes)
        self._findings(self.workbook.add_worksheet(all_name), findings, _ALL_COLUMNS)
        self._rules(self.workbook.add_worksheet(rules_name))
        empty = findings.iloc[0:0]
        for name, region in zip(region_names, regions, strict=True):
            group = groups.get(region.key, empty)
            self._region(self.workbook.add_worksheet(name), region, group, all_name)

    # -- sheets ----------------------------------------------------------------------------

    def _summary(self, sheet: Any, notes: list[str]) -> None:
        lang, result = self.lang, self.result
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 7, 16)
        sheet.write_string(0, 0, f"fundcheck — {text('title', lang)}", self.title)
        self._text(sheet, 1, 0, f"{text('generated', lang)} {result.generated_at}")
        self._text(sheet, 2, 0, f"{text('version', lang)} {result.fundcheck_version}")
        row = 4
        header = [text("region", lang), text("records", lang), *(text(s, lang) for s in SEVERITIES)]
        lines: list[list[Any]] = [
            [region.label, region.records, *(region.count(s) for s in SEVERITIES)]
            for region in region_summaries(result, lang)
        ]
        total = total_summary(result, lang)
        lines.append([total.name, total.records, *(total.count(s) for s in SEVERITIES)])
        row = self._block(sheet, row, text("by_region", lang), header, lines)
        rules = rule_summaries(result, result.findings, lang)[: self.options.top_rules]
        header = [text("rule", lang), text("rule_title", lang), text("severity", lang)]
        header += [text("findings", lang), text("legal_basis", lang)]
        lines = [
            [r.id, r.title, severity_label(r.severity, lang), r.findings, r.legal_basis]
            for r in rules
        ]
        row = self._block(sheet, row, text("top_rules", lang), header, lines)
        header = [text(key, lang) for key in ("source", "format", "profile", "sheet", "rows")]
        header += [text("period", lang), "SHA-256", "location"]
        lines = [
            [s.name, s.format, s.profile, s.sheet, s.rows, s.period, s.sha256, s.location]
            for s in result.sources
        ]
        row = self._block(sheet, row, text("sources", lang), header, lines)
        lines = [[s.name, s.version, s.expectations] for s in result.suites]
        row = self._block(sheet, row, text("suites", lang), ["suite", "version", "#"], lines)
        for note in notes:
            self._text(sheet, row, 0, note)
            row += 1

    def _block(
        self, sheet: Any, row: int, title: str, header: list[str], lines: list[list[Any]]
    ) -> int:
        """A titled table; returns the row after it and a blank line."""
        sheet.write_string(row, 0, title, self.bold)
        sheet.write_row(row + 1, 0, header, self.header)
        for offset, values in enumerate(lines, start=row + 2):
            for column, value in enumerate(values):
                self._cell(sheet, offset, column, value)
        return row + len(lines) + 3

    def _rules(self, sheet: Any) -> None:
        lang = self.lang
        keys = ("rule", "family", "origin", "severity", "status", "rule_title", "legal_basis")
        sheet.write_row(
            0, 0, [text(key, lang) for key in keys] + [text("findings", lang)], self.header
        )
        counts = self.result.findings["rule"].value_counts()
        for index, rule in enumerate(sorted(catalogue(self.result).values(), key=lambda r: r.id)):
            values: list[Any] = [rule.id, rule.family, rule.origin]
            values.append(severity_label(rule.severity, lang))
            values += [rule.status, rule_title(rule, rule.id, lang), rule.legal_basis]
            values.append(int(counts.get(rule.id, 0)))
            for column, value in enumerate(values):
                self._cell(sheet, index + 1, column, value)
        for column, width in enumerate((34, 16, 12, 13, 8, 50, 60, 10)):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)

    def _region(
        self, sheet: Any, region: RegionSummary, findings: pd.DataFrame, all_name: str
    ) -> None:
        """A line saying what the sheet holds, then the region's first findings, worst first."""
        lang, limit = self.lang, self.options.max_rows_per_region
        if len(findings) > limit:
            total = number(len(findings), lang)
            line = text(
                "capped_sheet", lang, shown=number(limit, lang), total=total, sheet=all_name
            )
        else:
            count = number(len(findings), lang)
            line = f"{region.label} — {text('findings', lang)}{colon(lang)}{count}"
        sheet.write_string(0, 0, line, self.bold)
        self._findings(sheet, findings.head(limit), _REGION_COLUMNS, top=1)

    def _findings(
        self,
        sheet: Any,
        findings: pd.DataFrame,
        layout: tuple[tuple[str, str, int], ...],
        top: int = 0,
    ) -> None:
        """A findings table whose header, on row ``top``, is frozen and has an autofilter."""
        findings = findings.head(MAX_DATA_ROWS - top)
        header = [text(key, self.lang) for _, key, _ in layout]
        sheet.write_row(top, 0, header, self.header)
        for column, (_, _, width) in enumerate(layout):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(top + 1, 0)
        sheet.autofilter(top, 0, top + max(len(findings), 1), len(layout) - 1)
        columns = [self._values(findings, key) for key, _, _ in layout]
        write_string, write_number, quoted = sheet.write_string, sheet.write_number, self.quoted
        for row, values in enumerate(zip(*columns, strict=True), start=top + 1):
            for column, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    if value[0] in FORMULA_TRIGGERS:
                        write_string(row, column, value, quoted)
                    else:
                        write_string(row, column, value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    write_number(row, column, value)
                else:
                    self._cell(sheet, row, column, value)

    def _values(self, findings: pd.DataFrame, key: str) -> list[Any]:
        if key == "severity":
            labels = {s: severity_label(s, self.lang) for s in SEVERITIES}
            return [labels.get(str(s), s) for s in json_column(findings["severity"])]
        if key == "message":
            return json_column(findings[message_column(self.lang)])
        if key == "column":  # the source header, or the canonical field when there is none
            located = findings["column"].where(findings["column"].notna(), findings["field"])
            return json_column(located)
        if key in {"value", "expected"}:
            return [_spreadsheet_value(v) for v in json_column(findings[key])]
        return json_column(findings[key])

    # -- cells -----------------------------------------------------------------------------

    def _cell(self, sheet: Any, row: int, column: int, value: Any) -> None:
        """Write one value: numbers as numbers, anything else as inert text."""
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, column, value)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value)
        else:
            self._text(sheet, row, column, value if isinstance(value, str) else display(value))

    def _text(self, sheet: Any, row: int, column: int, value: str) -> None:
        if value and value[0] in FORMULA_TRIGGERS:
            sheet.write_string(row, column, value, self.quoted)
        elif value:
            sheet.write_string(row, column, value)


def _spreadsheet_value(value: Any) -> Any:
    """Numbers stay numbers; lists and objects become JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return display(value)
