"""The standard CPER follow-up workbook (exchange format): one sheet per table of the canonical
model, French headers, drop-down lists for the coded columns, and a README sheet.

The same layout is what ``cper_workbook`` reads back, so a workbook filled by hand from this
template validates as is; ``write_workbook`` also writes a filled one (the demo).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from fundcheck.cper_model import TABLES, Unit

README_SHEET = "LISEZMOI"
UNIT_CELL = "Unité des montants"
README_LINES = (
    "Tableau de suivi CPER — format d'échange fundcheck",
    "",
    "Une feuille par table : Contrats, Avenants, Volets, Enveloppes, Operations, Financements,",
    "Execution. Ne pas renommer les feuilles ni les en-têtes (ligne 1).",
    "Montants : nombres (pas de texte), dans l'unité indiquée en B{unit_row} de cette feuille.",
    "Exécution : flux annuels (AE engagées et CP payés dans l'exercice), pas des cumuls ;",
    "une AE négative est un retrait d'engagement. Une ligne par financeur, exercice et arrêté.",
    "Financeur de l'État : le programme LOLF (P112, P150, P203...) ; collectivités : SIREN ;",
    "fonds européens : type UE et CCI du programme.",
    "Nature des crédits : CONTRACTUALISE (base des taux), VALORISE, RELANCE.",
    "Vérifier : fundcheck validate <ce fichier>.",
)


def _validation_list(values: tuple[str, ...]) -> dict[str, Any]:
    return {"validate": "list", "source": list(values)}


def write_workbook(
    path: Path,
    tables: Mapping[str, pd.DataFrame] | None = None,
    *,
    region: str | None = None,
    unit: Unit = Unit.EUR,
    declared_unit: Unit | None = None,
) -> Path:
    """Write the follow-up workbook (empty template when ``tables`` is None), amounts in
    ``unit``; ``declared_unit`` is the unit the README sheet announces (default: ``unit``)."""
    import xlsxwriter  # only to write: reading a CPER workbook needs the layout, not the writer

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    readme = workbook.add_worksheet(README_SHEET)
    unit_row = len(README_LINES) + 2
    for i, line in enumerate(README_LINES):
        readme.write(i, 0, line.format(unit_row=unit_row))
    readme.write(unit_row - 1, 0, UNIT_CELL, bold)
    readme.write(unit_row - 1, 1, (declared_unit or unit).value)
    readme.data_validation(unit_row - 1, 1, unit_row - 1, 1, _validation_list(tuple(Unit)))
    if region:
        readme.write(unit_row, 0, "Région (code INSEE)", bold)
        readme.write(unit_row, 1, region)
    readme.set_column(0, 0, 90)
    for spec in TABLES:
        sheet = workbook.add_worksheet(spec.sheet)
        frame = None if tables is None else tables.get(spec.name)
        rows = 0 if frame is None else len(frame)
        for col, field in enumerate(spec.fields):
            sheet.write(0, col, field.label_fr, bold)
            sheet.set_column(col, col, max(14, min(40, len(field.label_fr) + 2)))
            choices = spec.choices.get(field.name)
            if choices:
                sheet.data_validation(1, col, max(rows, 500) + 1, col, _validation_list(choices))
            if frame is None or field.name not in frame.columns:
                continue
            for r, value in enumerate(frame[field.name].tolist(), start=1):
                _write(sheet, r, col, value, date_format, unit)
        if region and spec.name == "contrats" and frame is None:
            sheet.write(1, spec.columns.index("region_code"), region)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return path


def _write(sheet: Any, row: int, col: int, value: Any, date_format: Any, unit: Unit) -> None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return
    if isinstance(value, Decimal):
        sheet.write_number(row, col, float(value / unit.factor))
    elif isinstance(value, pd.Timestamp | dt.date):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))
