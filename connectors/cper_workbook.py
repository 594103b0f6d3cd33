"""Read a CPER follow-up workbook in the standard layout (``cper_template``) into the canonical
CPER tables: headers matched without accents or case, amounts converted to euros from the unit
of the README sheet (kept in ``_unite``), amounts written as text read, dates read."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from fundcheck.connectors.cper_template import README_SHEET, UNIT_CELL
from fundcheck.cper_model import (
    ROW,
    SHEET,
    SOURCE,
    TABLES,
    UNIT,
    CperDataset,
    TableSpec,
    Unit,
    empty_table,
    to_euros,
)
from fundcheck.errors import SourceError
from fundcheck.model import FieldType, Provenance

TABLE_SHEETS = {spec.sheet for spec in TABLES}


def fold(text: object) -> str:
    """Lower case, no accents, single spaces: the form headers are compared in."""
    raw = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in raw if not unicodedata.combining(c)).lower().split())


def sheet_names(path: Path) -> list[str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        return []
    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception:  # noqa: BLE001 - not a workbook we can open: not a CPER workbook
        return []


def is_cper_workbook(path: Path) -> bool:
    """A workbook in the standard CPER layout (its table sheets are there)."""
    names = {fold(n) for n in sheet_names(path)}
    return {fold("Operations"), fold("Execution")} <= names or {
        fold("Contrats"),
        fold("Enveloppes"),
    } <= names


def _unit(workbook: CalamineWorkbook, names: list[str]) -> Unit:
    if README_SHEET not in names:
        return Unit.EUR
    for row in workbook.get_sheet_by_name(README_SHEET).to_python():
        if row and fold(row[0]) == fold(UNIT_CELL) and len(row) > 1:
            for unit in Unit:
                if str(row[1]).strip() == unit.value:
                    return unit
    return Unit.EUR


def _cell(value: Any, kind: FieldType, unit: Unit) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind is FieldType.AMOUNT:
        return to_euros(value, unit)
    if kind is FieldType.RATE:
        number = to_euros(value)
        return None if number is None else float(number) / (100 if number > 1 else 1)
    if kind is FieldType.DATE:
        if isinstance(value, dt.datetime | dt.date):
            return pd.Timestamp(value)
        parsed = pd.to_datetime(str(value), dayfirst=True, errors="coerce")
        return None if pd.isna(parsed) else parsed
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_table(rows: list[list[Any]], spec: TableSpec, unit: Unit, source: str) -> pd.DataFrame:
    if not rows:
        return empty_table(spec.name)
    wanted = {fold(f.label_fr): f for f in spec.fields} | {fold(f.name): f for f in spec.fields}
    header = [wanted.get(fold(h)) for h in rows[0]]
    if not any(header):
        raise SourceError(
            f"sheet {spec.sheet}: no known header in row 1 (expected e.g. "
            f"'{spec.fields[0].label_fr}')",
            location=source,
        )
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        record: dict[str, Any] = {f: None for f in spec.columns}
        for field, value in zip(header, row, strict=False):
            if field is not None:
                record[field.name] = _cell(value, field.type, unit)
        record.update({SOURCE: source, SHEET: spec.sheet, ROW: number, UNIT: unit.value})
        records.append(record)
    if not records:
        return empty_table(spec.name)
    return pd.DataFrame.from_records(records, columns=[*spec.columns, SOURCE, SHEET, ROW, UNIT])


def read_cper_workbook(path: Path) -> CperDataset:
    """The canonical CPER tables of a standard-layout workbook."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise SourceError(f"cannot open the CPER workbook: {exc}", location=str(path)) from exc
    names = list(workbook.sheet_names)
    folded = {fold(n): n for n in names}
    unit = _unit(workbook, names)
    data = CperDataset()
    for spec in TABLES:
        name = folded.get(fold(spec.sheet))
        rows = workbook.get_sheet_by_name(name).to_python() if name else []
        data.tables[spec.name] = _read_table(rows, spec, unit, path.name)
    if unit is not Unit.EUR:
        data.notes.append(
            {
                "source": path.name,
                "message_fr": f"montants en {unit.value} convertis en euros",
                "message_en": f"amounts in {unit.value} converted to euros",
            }
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    data.provenance.append(
        Provenance(
            name=path.name,
            location=str(path),
            format="xlsx",
            sha256=digest,
            rows=data.records(),
            profile="cper_standard",
            record_kind="cper",
        )
    )
    return data
