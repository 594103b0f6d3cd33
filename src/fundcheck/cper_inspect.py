"""``fundcheck inspect`` on a CPER workbook: its layout, and per sheet the header rows, what each
column feeds and in which unit, the rows read and the totals rows set aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fundcheck.connectors.cper_sgar import SheetLayout, read_sgar_workbook
from fundcheck.connectors.cper_workbook import is_cper_workbook, read_cper_workbook
from fundcheck.display import markup_safe, printable


def inspect_cper(path: Path) -> dict[str, Any]:
    """How a CPER workbook is read (JSON-ready)."""
    if is_cper_workbook(path):
        data = read_cper_workbook(path)
        return {
            "path": str(path),
            "layout": "cper_standard",
            "description": "standard CPER exchange workbook (fundcheck template cper)",
            "tables": {name: len(frame) for name, frame in data.tables.items()},
            "sheets": [],
            "notes": [note["message_en"] for note in data.notes],
        }
    layouts: list[SheetLayout] = []
    data = read_sgar_workbook(path, layouts)
    sheets = [
        {
            "sheet": layout.sheet,
            "header_rows": list(layout.header_rows),
            "data_rows": layout.data_rows,
            "total_rows": layout.total_rows,
            "amounts_as_text": layout.text_amounts,
            "columns": [
                {
                    "position": col + 1,
                    "header": header,
                    "field": found.field if found else None,
                    "financer": found.financer if found else None,
                    "synonym": found.synonym if found else None,
                    "unit": unit.value if unit and found else None,
                }
                for col, (header, found, unit) in sorted(layout.columns.items())
            ],
        }
        for layout in layouts
    ]
    contracts = data.table("contrats")
    return {
        "path": str(path),
        "layout": "cper_volet_sheets",
        "description": "region follow-up workbook, one sheet per volet",
        "region": None if contracts.empty else contracts.iloc[0]["region_code"],
        "tables": {name: len(frame) for name, frame in data.tables.items()},
        "sheets": sheets,
        "notes": [note["message_en"] for note in data.notes],
    }


def print_cper_inspection(inspection: dict[str, Any], console: Console) -> None:
    console.print(
        f"[bold]{markup_safe(inspection['path'])}[/]: {markup_safe(inspection['description'])}",
        highlight=False,
        soft_wrap=True,
    )
    if inspection.get("region"):
        console.print(f"region: {markup_safe(inspection['region'])}", highlight=False)
    counts = ", ".join(f"{name} {n:,}" for name, n in inspection["tables"].items())
    console.print(f"records read: {markup_safe(counts)}", highlight=False, soft_wrap=True)
    for sheet in inspection["sheets"]:
        table = Table(
            title=f"sheet {markup_safe(repr(sheet['sheet']))}: header rows {sheet['header_rows']}, "
            f"{sheet['data_rows']} rows, {sheet['total_rows']} totals rows set aside, "
            f"{sheet['amounts_as_text']} amounts written as text"
        )
        for name in ("#", "source header", "canonical field", "financer", "unit", "synonym"):
            table.add_column(name)
        for column in sheet["columns"]:
            table.add_row(
                str(column["position"]),
                Text(printable(column["header"])),
                Text(column["field"]) if column["field"] else Text("—", style="dim"),
                Text(printable(column["financer"] or "")),
                Text(printable(column["unit"] or "")),
                Text(printable(column["synonym"] or "")),
            )
        console.print(table)
    for note in inspection["notes"]:
        console.print(f"note: {markup_safe(note)}", highlight=False)
