"""The JSON report (``report.json``): the machine-readable contract other tools rely on.

Its JSON Schema is published in ``docs/report.schema.json``. Bump ``SCHEMA_VERSION`` on any change:
the minor number when fields are added, the major number when a field changes or disappears.
Findings are written one per line, in reading order, a slice at a time: neither a sorted copy of
the findings nor a Python object per finding is built, so memory stays flat whatever their number.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring  # what JSONEncoder(ensure_ascii=False) uses
from pathlib import Path
from typing import Any, ClassVar, TextIO

import numpy as np
import pandas as pd

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
    time: only that slice of the findings is ever copied and converted. Each line is its
    columns' JSON members joined in ``FINDING_COLUMNS`` order, as ``json.dumps`` of the finding
    would write it (compact separators, no ASCII escaping)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    order = reading_order(result.findings)
    for start in range(0, len(order), _CHUNK):
        chunk = result.findings.take(order[start : start + _CHUNK])
        members = [_members(name, chunk[name], encode) for name in FINDING_COLUMNS]
        yield ",\n".join("{" + ",".join(line) + "}" for line in zip(*members, strict=True))


def _members(name: str, column: pd.Series, encode: Callable[[Any], str]) -> list[str]:
    """``"name":value`` for each cell of a findings column, as ``encode`` writes it. A text
    column that repeats few values (rule, severity, source, region, legal basis...) has each
    distinct text encoded once, one of mostly distinct texts (messages) each cell; an integer is
    its digits."""
    key = encode(name) + ":"
    if pd.api.types.is_integer_dtype(column.dtype):
        return [key + ("null" if value is None else str(value)) for value in json_column(column)]
    cells = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
    if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty"):
        return [key + _encoded(value, encode) for value in json_column(column)]  # mixed values
    sample = column.iloc[:200]
    if sample.nunique() > len(sample) // 2:  # mostly distinct (messages, ids): cell by cell
        texts = column.astype("str").to_numpy(dtype=object)  # a missing cell: NaN
        return [key + (encode_basestring(t) if isinstance(t, str) else "null") for t in texts]
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    encoded = [key + encode_basestring(str(text)) for text in distinct] + [key + "null"]
    members: list[str] = np.array(encoded, dtype=object)[codes].tolist()  # -1 (missing): null
    return members


def _encoded(value: Any, encode: Callable[[Any], str]) -> str:
    """A JSON value (``json_column``'s) as ``encode`` writes it: the common types directly,
    as the encoder writes them (its C string escaping, ``repr`` of numbers)."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is str:
        return encode_basestring(value)
    if kind is float:
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    return encode(value)  # booleans, lists, mappings


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
