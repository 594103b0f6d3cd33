"""Read a CPER follow-up workbook as regions keep them: one sheet per volet, a title naming the
region and the snapshot date, one- or two-level headers (merged group cells such as "Plan de
financement (en M€)" over "État | Région | FEDER | Autres"), units in the headers, amounts
possibly written as text, totals and subtotals rows.

Each sheet becomes a volet; each data row an operation with its financing plan and the State's
cumulative AE/CP at the snapshot date (one execution row of the snapshot year); totals rows are
set aside in the ``totaux`` table, with the sum of the rows they close, for CPER-002.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from fundcheck.connectors.cper_headers import (
    TOTAL_ROW,
    HeaderMeaning,
    fold,
    meaning,
    national_volet,
    unit_of,
)
from fundcheck.cper_model import (
    ROW,
    SHEET,
    SOURCE,
    TABLE,
    UNIT,
    CperDataset,
    Unit,
    to_euros,
)
from fundcheck.errors import SourceError
from fundcheck.model import Provenance
from fundcheck.reference import load_reference

GENERATION = re.compile(r"(19|20)(\d\d)\s*[-–/]\s*(19|20)(\d\d)")
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
CODE_IN_NAME = re.compile(r"(?:^|[_\s(])(\d{2})(?:[_\s)]|$)")
AMOUNTS = ("cout_total", "montant_programme", "financement", "ae_cumul", "cp_cumul")
SKIP_SHEETS = ("synthese", "lisezmoi", "readme", "sommaire", "notice")
TOTAUX_COLUMNS = ("volet_code", "field", "financer", "printed", "computed", "label")


@dataclass
class SheetLayout:
    """How one sheet was understood (also what ``fundcheck inspect`` shows)."""

    sheet: str
    header_rows: tuple[int, ...]
    columns: dict[int, tuple[str, HeaderMeaning | None, Unit | None]] = field(default_factory=dict)
    data_rows: int = 0
    total_rows: int = 0
    text_amounts: int = 0


def _filled(sheet: Any) -> list[list[Any]]:
    """The sheet's values with merged ranges filled with their top-left value."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(grid[r]):
                    grid[r][c] = value
    return grid


def _header_row(grid: list[list[Any]]) -> int | None:
    best, best_count = None, 2
    for index, row in enumerate(grid[:15]):
        count = sum(1 for v in row if isinstance(v, str) and meaning("", v) is not None)
        if count > best_count:
            best, best_count = index, count
    return best


def _layout(name: str, grid: list[list[Any]], default_unit: Unit) -> SheetLayout | None:
    top = _header_row(grid)
    if top is None:
        return None
    width = max(len(r) for r in grid)

    def padded(index: int) -> list[Any]:
        return grid[index] + [None] * (width - len(grid[index]))

    def header_like(row: list[Any], other: list[Any]) -> bool:
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        numbers = [v for v in row if isinstance(v, int | float)]
        differs = any(a != b for a, b in zip(row, other, strict=False))
        return len(texts) >= 2 and not numbers and differs

    if top > 0 and header_like(padded(top - 1), padded(top)):
        top -= 1
    upper = padded(top)
    lower = padded(top + 1) if top + 1 < len(grid) else []
    two_level = bool(lower) and header_like(lower, upper)
    layout = SheetLayout(name, (top + 1, top + 2) if two_level else (top + 1,))
    for col in range(width):
        group = str(upper[col] or "") if two_level else ""
        own = str(lower[col] or "") if two_level and lower[col] != upper[col] else ""
        header = own or str(upper[col] or "")
        if not header.strip():
            continue
        group = group if own else ""
        found = meaning(group, header)
        unit = unit_of(header) or unit_of(group) or (default_unit if found else None)
        layout.columns[col] = (f"{group} / {header}" if group else header, found, unit)
    return layout


@dataclass
class _Context:
    source: str
    contract: str
    region: str | None
    generation: str
    snapshot: dt.date
    data: CperDataset
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, record: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(record)


def _title(grid: list[list[Any]]) -> str:
    return " ".join(str(v) for row in grid[:4] for v in row if isinstance(v, str))


def _region(text: str, path: Path) -> str | None:
    reference = load_reference()
    folded = fold(text)
    for code, region in reference.regions.items():
        if fold(region.name) in folded:
            return code
    match = CODE_IN_NAME.search(path.stem) or re.search(r"\((\d{2})\)", text)
    return match.group(1) if match else None


def _snapshot(text: str) -> dt.date | None:
    dates = [dt.date(int(y), int(m), int(d)) for d, m, y in DATE.findall(text)]
    return max(dates) if dates else None


def is_sgar_workbook(path: Path) -> bool:
    """A workbook whose title says CPER and whose sheets hold operation tables."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    import openpyxl  # 0.1 s: only for a workbook

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a workbook we can open
        return False
    try:
        for sheet in book.worksheets[:3]:
            rows = [list(r) for r in sheet.iter_rows(max_row=4, values_only=True)]
            if "cper" in fold(_title(rows)) or "contrat de plan" in fold(_title(rows)):
                return True
        return False
    finally:
        book.close()


def read_sgar_workbook(path: Path, layouts: list[SheetLayout] | None = None) -> CperDataset:
    """The canonical CPER tables of a region's follow-up workbook (one sheet per volet)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many error types
        raise SourceError(f"cannot open the CPER workbook: {exc}", location=str(path)) from exc
    sheets = [s for s in book.worksheets if not any(w in fold(s.title) for w in SKIP_SHEETS)]
    title = " ".join(_title(_filled(s)) for s in sheets[:1])
    generation = GENERATION.search(title)
    start = int(generation.group(1) + generation.group(2)) if generation else 2021
    end = int(generation.group(3) + generation.group(4)) if generation else 2027
    region = _region(title, path)
    snapshot = _snapshot(title) or dt.date(end, 12, 31)
    data = CperDataset()
    context = _Context(
        source=path.name,
        contract=f"CPER-{start}-{region or 'XX'}",
        region=region,
        generation=f"{start}-{end}",
        snapshot=snapshot,
        data=data,
    )
    context.add(
        "contrats",
        {"contrat_id": context.contract, "type_contrat": "CPER", "generation": context.generation,
         "region_code": region, "date_debut": pd.Timestamp(start, 1, 1),
         "date_fin": pd.Timestamp(end, 12, 31), SOURCE: path.name, SHEET: sheets[0].title if sheets
         else None, ROW: 1, UNIT: None},
    )  # fmt: skip
    default_unit = unit_of(title) or Unit.EUR
    layouts = [] if layouts is None else layouts
    for sheet in sheets:
        grid = _filled(sheet)
        layout = _layout(sheet.title, grid, default_unit)
        if layout is None:
            continue
        layouts.append(layout)
        _read_sheet(context, sheet.title, grid, layout)
    for name in ("contrats", "volets", "operations", "financements", "execution"):
        columns = [*TABLE[name].columns, SOURCE, SHEET, ROW, UNIT]
        data.tables[name] = pd.DataFrame.from_records(context.rows.get(name, []), columns=columns)
    data.tables["totaux"] = pd.DataFrame.from_records(
        context.rows.get("totaux", []), columns=[*TOTAUX_COLUMNS, SOURCE, SHEET, ROW, UNIT]
    )
    units = sorted(
        {
            u.value
            for lay in layouts
            for _, m, u in lay.columns.values()
            if u and m and m.field in AMOUNTS
        }
    )
    if units and units != ["€"]:
        data.notes.append(
            {"source": path.name, "region": region, "count": None,
             "message_fr": f"montants lus en {', '.join(units)} (unités des en-têtes), convertis "
             "en euros; AE/CP cumulés à l'arrêté lus comme un flux de l'exercice",
             "message_en": f"amounts read in {', '.join(units)} (header units), converted to "
             "euros; cumulative AE/CP at the snapshot read as one flow of its year"},
        )  # fmt: skip
    data.provenance.append(
        Provenance(
            name=path.name,
            location=str(path),
            format="xlsx",
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            rows=data.records(),
            profile="cper_volet_sheets",
            record_kind="cper",
        )
    )
    return data


def _is_blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _read_sheet(context: _Context, name: str, grid: list[list[Any]], layout: SheetLayout) -> None:
    volet = name.strip()
    context.add(
        "volets",
        {"contrat_id": context.contract, "volet_code": volet, "libelle": volet,
         "volet_national": national_volet(volet), SOURCE: context.source, SHEET: name,
         ROW: None, UNIT: None},
    )  # fmt: skip
    amounts = {
        col: (m, unit)
        for col, (_, m, unit) in layout.columns.items()
        if m
        and m.field in ("cout_total", "montant_programme", "financement", "ae_cumul", "cp_cumul")
    }
    since_subtotal: dict[int, Decimal] = {col: Decimal(0) for col in amounts}
    whole: dict[int, Decimal] = {col: Decimal(0) for col in amounts}
    for index in range(layout.header_rows[-1], len(grid)):
        row = grid[index]
        if _is_blank(row):
            continue
        line = index + 1
        label = next((str(v) for v in row[:4] if isinstance(v, str) and v.strip()), "")
        if TOTAL_ROW.match(label):
            layout.total_rows += 1
            sub = bool(re.match(r"\s*sous", label, re.I))
            for col, (m, unit) in amounts.items():
                printed = to_euros(row[col], unit or Unit.EUR) if col < len(row) else None
                if printed is None:
                    continue
                computed = since_subtotal[col] if sub else whole[col]
                context.add(
                    "totaux",
                    {"volet_code": volet, "field": m.field, "financer": m.financer,
                     "printed": printed, "computed": computed, "label": label.strip(),
                     SOURCE: context.source, SHEET: name, ROW: line,
                     UNIT: (unit or Unit.EUR).value},
                )  # fmt: skip
            if sub:
                since_subtotal = {col: Decimal(0) for col in amounts}
            continue
        layout.data_rows += 1
        _read_operation(context, volet, name, line, row, layout, since_subtotal, whole)


def _read_operation(
    context: _Context,
    volet: str,
    sheet: str,
    line: int,
    row: list[Any],
    layout: SheetLayout,
    since_subtotal: dict[int, Decimal],
    whole: dict[int, Decimal],
) -> None:
    op: dict[str, Any] = {f: None for f in TABLE["operations"].columns}
    plans: list[tuple[str, Decimal]] = []
    ae = cp = None
    programme = None
    unit_seen = None
    for col, (_, found, unit) in layout.columns.items():
        value = row[col] if col < len(row) else None
        if found is None or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if found.field in (
            "cout_total",
            "montant_programme",
            "financement",
            "ae_cumul",
            "cp_cumul",
        ):
            if isinstance(value, str):
                layout.text_amounts += 1
            amount = to_euros(value, unit or Unit.EUR)
            unit_seen = (unit or Unit.EUR).value
            if amount is None:
                continue
            since_subtotal[col] = since_subtotal.get(col, Decimal(0)) + amount
            whole[col] = whole.get(col, Decimal(0)) + amount
            if found.field == "financement":
                plans.append((found.financer or "AUTRE_PUBLIC", amount))
            elif found.field == "ae_cumul":
                ae = amount
            elif found.field == "cp_cumul":
                cp = amount
            else:
                op[found.field] = amount
        elif found.field == "programme":
            programme = str(value).strip()
        elif found.field in ("date_debut_prevue", "date_fin_prevue"):
            stamp = pd.to_datetime(value, dayfirst=True, errors="coerce")
            op[found.field] = None if pd.isna(stamp) else stamp
        else:
            text = str(int(value)) if isinstance(value, float) and value.is_integer() else value
            op[found.field] = str(text).strip()
    op_id = op["operation_id"] or f"{volet}-{line}"
    op.update({"operation_id": op_id, "contrat_id": context.contract, "volet_code": volet})
    meta = {SOURCE: context.source, SHEET: sheet, ROW: line, UNIT: unit_seen}
    context.add("operations", {**op, **meta})
    for financer, amount in plans:
        financer_id = programme if financer == "ETAT" else None
        context.add(
            "financements",
            {"operation_id": op_id, "financeur_type": financer, "financeur_id": financer_id,
             "nature_credit": "CONTRACTUALISE", "montant_prevu": amount, **meta},
        )  # fmt: skip
    if ae is not None or cp is not None:
        context.add(
            "execution",
            {"contrat_id": context.contract, "volet_code": volet, "operation_id": op_id,
             "financeur_type": "ETAT", "financeur_id": programme,
             "exercice": context.snapshot.year, "ae_engagees": ae or Decimal(0),
             "cp_payes": cp or Decimal(0), "date_arrete": pd.Timestamp(context.snapshot),
             "source_systeme": "TABLEUR_SGAR", **meta},
        )  # fmt: skip
