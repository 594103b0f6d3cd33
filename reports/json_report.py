"""The JSON report (``report.json``): the machine-readable contract other tools rely on.

Its JSON Schema is published in ``docs/report.schema.json``. Bump ``SCHEMA_VERSION`` on any change:
the minor number when fields are added, the major number when a field changes or disappears.
Findings are written one per line, in reading order, a slice at a time: neither a sorted copy of
the findings nor a Python object per finding is built, so memory stays flat whatever their number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, TextIO

from fundcheck.findings import FINDING_COLUMNS, json_column
from fundcheck.model import RunResult
from fundcheck.reports.base import Lang, ReportOptions, SingleFileReport, register
from fundcheck.reports.digest import reading_order, region_summaries

SCHEMA_VERSION = "1.2"  # 1.2: sources carry their record_kind (operations, cper...)
_CHUNK = 5_000  # findings converted and written at a time, to bound memory on very large runs


@register
class JsonReport(SingleFileReport):
    """Writes ``report.json``."""

    format: ClassVar[str] = "json"
    file_name: ClassVar[str] = "report.json"

    def write(self, result: RunResult, path: Path, lang: Lang, options: ReportOptions) -> None:
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            write_json(result, handle, lang)


def write_json(result: RunResult, handle: TextIO, lang: Lang) -> None:
    """Stream the report to ``handle`` (a file, or stdout when no output folder is given)."""
    head = json.dumps(report_head(result, lang), ensure_ascii=False)
    handle.write(head[:-1] + ', "findings": [')
    for chunk, lines in enumerate(finding_lines(result)):
        handle.write(",\n" if chunk else "\n")
        handle.write(lines)
    handle.write("\n]}\n")


def finding_lines(result: RunResult) -> Iterator[str]:
    """The findings as JSON lines in reading order, ``_CHUNK`` findings (joined by ",\\n") at a
    time: only that slice of the findings is ever copied and converted."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    order = reading_order(result.findings)
    for start in range(0, len(order), _CHUNK):
        chunk = result.findings.take(order[start : start + _CHUNK])
        columns = [json_column(chunk[name]) for name in FINDING_COLUMNS]
        lines = (
            dict(zip(FINDING_COLUMNS, values, strict=True)) for values in zip(*columns, strict=True)
        )
        yield ",\n".join(map(encode, lines))


def report_head(result: RunResult, lang: Lang) -> dict[str, Any]:
    """Everything but the findings: version, sources, suites, rules and the summary."""
    return {
        "schema_version": SCHEMA_VERSION,
        "fundcheck_version": result.fundcheck_version,
        "generated_at": result.generated_at,
        "lang": lang,
        "sources": [source.model_dump(mode="json") for source in result.sources],
        "suites": [suite.model_dump(mode="json") for suite in result.suites],
        "rules": [
            rule.model_dump(
                mode="json",
                include={
                    "id",
                    "severity",
                    "origin",
                    "scope",
                    "family",
                    "title_fr",
                    "title_en",
                    "legal_basis",
                    "status",
                },
            )
            for rule in result.rules
        ],
        "summary": {
            "records": result.records,
            "findings": result.counts(),
            "by_region": {
                region.key: {
                    "name": region.name,
                    "records": region.records,
                    "error": region.error,
                    "warning": region.warning,
                    "info": region.info,
                }
                for region in region_summaries(result, lang)
            },
        },
    }
