"""Write the CPER demo (``cper_demo``) as the files a national bureau would receive: the standard
exchange workbook, a region's workbook filled in M€ under a € unit, and a region's own
one-sheet-per-volet table in k€ with totals rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from fundcheck.connectors.cper_template import write_workbook
from fundcheck.cper_model import Unit
from fundcheck.demo.cper import DemoCper, generate_cper_demo
from fundcheck.demo.dataset import DemoDataset
from fundcheck.reference import load_reference

SGAR_FILE = "CPER_32_Hauts-de-France_suivi_2025.xlsx"
M_EUR_FILE = "CPER_53_Bretagne_suivi_2025.xlsx"
K = Decimal(1000)
HEADERS = ["N°", "Intitulé de l'opération", "Maître d'ouvrage", "SIRET", "Coût total (en k€)",
           "État", "Région", "FEDER", "Autres financeurs", "Programme (BOP)",
           "AE engagées cumulées au 31/12/2025", "CP payés cumulés",
           "Date de début", "Date de fin"]  # fmt: skip
GROUPS = (("Plan de financement (en k€)", 5, 8), ("Exécution État (en k€)", 10, 11))
AMOUNT_COLUMNS = (4, 5, 6, 7, 8, 10, 11)


def eu_frame(dataset: DemoDataset) -> pd.DataFrame:
    """The demo list with its programme's region, without the rows that carry a defect."""
    reference = load_reference()
    frame = dataset.frame.copy()
    frame["_region"] = frame["NUMCCI"].map(
        lambda cci: getattr(reference.programmes.get(str(cci)), "region", None)
    )
    defect_rows = {d.row - 2 for d in dataset.defects if d.row is not None}
    return frame[~frame.index.isin(defect_rows)]


def _french(value: Decimal) -> str:
    return f"{value:,.3f}".replace(",", " ").replace(".", ",")


def _sgar(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    ops, plans, flows = tables["operations"], tables["financements"], tables["execution"]
    plan: dict[tuple[str, str], dict[Any, Any]] = {
        (str(p["operation_id"]), str(p["financeur_type"])): p
        for p in plans.to_dict(orient="records")
    }
    state_flows = flows[flows["financeur_type"] == "ETAT"]
    ae_of: dict[Any, Any] = state_flows.groupby("operation_id")["ae_engagees"].sum().to_dict()
    cp_of: dict[Any, Any] = state_flows.groupby("operation_id")["cp_payes"].sum().to_dict()
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for n, (volet, part) in enumerate(ops.groupby("volet_code", sort=False)):
        sheet = book.create_sheet(str(volet)[:31])
        sheet.append([f"CPER 2021-2027 Hauts-de-France — suivi au 31/12/2025 — {volet}"])
        sheet.append([])
        sheet.append([h if i not in range(5, 12) or i == 9 else None
                      for i, h in enumerate(HEADERS)])  # fmt: skip
        sheet.append(HEADERS)
        for group, first, last in GROUPS:
            sheet.cell(3, first + 1, group)
            sheet.merge_cells(start_row=3, start_column=first + 1, end_row=3, end_column=last + 1)
        for i in range(len(HEADERS)):
            if i not in range(5, 12) or i == 9:
                sheet.merge_cells(start_row=3, start_column=i + 1, end_row=4, end_column=i + 1)
        sums = [Decimal(0)] * len(HEADERS)
        last_state = Decimal(0)
        for op in part.to_dict(orient="records"):
            op_id = str(op["operation_id"])

            def amount(financer: str, op_id: str = op_id) -> Decimal:
                found = plan.get((op_id, financer))
                return Decimal(0) if found is None else Decimal(found["montant_prevu"])

            state = plan.get((op_id, "ETAT"))
            values: list[Any] = [op_id, op["libelle"], op["maitre_ouvrage"], op["mo_siret"],
                                 Decimal(op["cout_total"]), amount("ETAT"), amount("REGION"),
                                 amount("UE"), amount("AUTRE_PUBLIC"),
                                 None if state is None else state["financeur_id"],
                                 Decimal(ae_of.get(op_id, 0)), Decimal(cp_of.get(op_id, 0)),
                                 pd.Timestamp(op["date_debut_prevue"]).to_pydatetime(),
                                 pd.Timestamp(op["date_fin_prevue"]).to_pydatetime()]  # fmt: skip
            for i in AMOUNT_COLUMNS:
                sums[i] += values[i]
                values[i] = _french(values[i] / K) if i == 4 else float(values[i] / K)
            last_state = amount("ETAT")
            sheet.append(values)
        total: list[Any] = ["Total volet"] + [None] * (len(HEADERS) - 1)
        for i in AMOUNT_COLUMNS:
            printed = sums[i] - (last_state if n == 0 and i == 5 else 0)  # one cell left out
            total[i] = float(printed / K)
        sheet.append(total)
    book.save(path)
    return path


def write_cper_demo(folder: Path, dataset: DemoDataset) -> tuple[list[Path], DemoCper]:
    """Write the CPER demo files into ``folder``; return their paths and the demo."""
    demo = generate_cper_demo(eu_frame(dataset))
    paths = []
    for name, tables in sorted(demo.files.items()):
        path = folder / name
        if name == SGAR_FILE:
            paths.append(_sgar(path, tables))
        elif name == M_EUR_FILE:
            paths.append(write_workbook(path, tables, unit=Unit.MEUR, declared_unit=Unit.EUR))
        else:
            paths.append(write_workbook(path, tables))
    return paths, demo
