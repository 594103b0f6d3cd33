"""Shared helpers of the CPER checks: the region of a record, finding rows, formatting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from fundcheck.checks.findings import Text, eur, render
from fundcheck.cper_model import ROW, SHEET, SOURCE, CperDataset
from fundcheck.cper_reference import old_regions
from fundcheck.model import Rule
from fundcheck.reference import load_reference

CONTRACT_ID = re.compile(r"^[A-Z_]+-(\d{4})-(\w+)$")


def contract_regions(data: CperDataset) -> dict[str, str | None]:
    """contrat_id -> INSEE 2016 region code (from the contracts table, a pre-2016 code read as
    the region it merged into; else from the id)."""
    out: dict[str, str | None] = {}
    contracts = data.table("contrats")
    current, old = set(load_reference().regions), old_regions()
    for cid, code in zip(contracts["contrat_id"], contracts["region_code"], strict=True):
        text = None if code is None or pd.isna(code) else str(code)
        out[str(cid)] = text if text in current else old.get(text or "")  # unknown: national
    for frame in data.tables.values():
        if "contrat_id" not in frame.columns:
            continue
        for cid in frame["contrat_id"].dropna().unique():
            if str(cid) not in out:
                match = CONTRACT_ID.match(str(cid))
                out[str(cid)] = match.group(2) if match and match.group(2).isdigit() else None
    return out


def money(value: float | Decimal | None) -> Text:
    return eur(float(value or 0))


def number(value: Any) -> Any:
    """A JSON-friendly value (Decimal -> float)."""
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def where(row: Mapping[str, Any] | Any) -> str:
    """Where a record was read, for a message: 'sheet, row n'."""
    get = row.get if isinstance(row, Mapping) else lambda k: getattr(row, k, None)
    sheet, line = get(SHEET), get(ROW)
    return f"{sheet or ''} l. {line}".strip() if line is not None else str(sheet or "")


def finding(
    rule: Rule,
    *,
    what: Any,
    value: Any = None,
    expected: Any = None,
    region: Any = None,
    scope: Any = None,
    source: Any = None,
    row: Any = None,
    operation_id: Any = None,
    field: Any = None,
    column: Any = None,
    count: Any = None,
    show: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One finding row (for ``findings_frame``) of a CPER rule; ``show`` holds the texts of the
    message (``value`` and ``expected`` as displayed, other placeholders)."""
    message = {"what": what, "value": value, "expected": expected, "count": count, **(show or {})}
    fr, en = render(rule, message)
    return {
        "rule": rule.id,
        "severity": rule.severity.value,
        "scope": scope or rule.scope,
        "source": source,
        "row": None if row is None or pd.isna(row) else int(row),
        "operation_id": operation_id,
        "programme": None,
        "region": region,
        "field": field,
        "column": column,
        "value": number(value),
        "expected": number(expected),
        "count": count,
        "message_fr": fr,
        "message_en": en,
        "legal_basis": rule.legal_basis,
    }


def record_place(record: Mapping[str, Any]) -> dict[str, Any]:
    """source / row of a canonical record, for ``finding``."""
    row = record.get(ROW)
    return {"source": record.get(SOURCE), "row": None if row is None or pd.isna(row) else row}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a table as dicts keyed by column name."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
