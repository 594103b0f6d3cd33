"""A region's own follow-up workbook (one sheet per volet, merged two-level headers, units in
M€ in the headers, amounts as text, totals rows) gives the same findings as the same data in
the standard layout."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fundcheck.checks.cper_checks import run_cper_checks
from fundcheck.connectors.cper_sgar import is_sgar_workbook, read_sgar_workbook
from fundcheck.connectors.cper_template import write_workbook
from fundcheck.connectors.cper_workbook import is_cper_workbook, read_cper_workbook
from fundcheck.reference import load_reference

# id, title, owner, SIRET, cost, État, Région, FEDER, programme, AE, CP, start, end (M€)
OPS = {
    "Recherche et innovation": [
        ("R1", "Extension du laboratoire", "Université", "19440984300019",
         "2,50", 1.0, 1.0, 0.5, "BOP 0150-C001", 0.8, 0.5, "01/01/2022", "31/12/2025"),
        ("R2", "Halle technologique", "Université", "19440984300018",
         "1,00", 0.5, 0.4, 0.0, "P150", 0.2, 0.3, "01/01/2023", "31/12/2024"),
    ],
    "Cohésion des territoires": [
        ("T1", "Tiers-lieu", "Commune", "21440109300015",
         "0,40", 0.2, 0.2, 0.0, "P112", 0.1, 0.05, "01/06/2023", "01/01/2023"),
        ("T2", "Maison de santé", "Commune", "21440109300015",
         "0,60", 0.3, 0.3, 0.0, "P1112", 0.3, 0.1, "01/01/2022", "31/12/2026"),
    ],
}  # fmt: skip
GROUPS = ("Plan de financement (en M€)", 5, 8), ("Exécution État (en M€)", 9, 10)
HEADERS = ["N°", "Intitulé de l'opération", "Maître d'ouvrage", "SIRET", "Coût total (en M€)",
           "État", "Région", "FEDER", "Programme (BOP)", "AE engagées cumulées au 31/12/2025",
           "CP payés cumulés", "Date de début", "Date de fin"]  # fmt: skip


def _volet_sheets(path: Path, subtotal_off: bool) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for volet, ops in OPS.items():
        sheet = book.create_sheet(volet[:31])
        sheet.append([f"CPER 2021-2027 Pays de la Loire — suivi au 31/12/2025 — {volet}"])
        sheet.append([])
        sheet.append([h if i not in range(5, 11) else None for i, h in enumerate(HEADERS)])
        sheet.append(HEADERS)
        for group, first, last in GROUPS:
            sheet.cell(3, first + 1, group)
            sheet.merge_cells(start_row=3, start_column=first + 1, end_row=3, end_column=last + 1)
        for i in range(len(HEADERS)):
            if i not in range(5, 11):
                sheet.merge_cells(start_row=3, start_column=i + 1, end_row=4, end_column=i + 1)
        for op in ops:
            sheet.append([op[0], op[1], op[2], op[3], op[4], *op[5:8], op[8], *op[9:11], *op[11:]])
        total = sum(op[5] for op in ops) + (0.1 if subtotal_off else 0)
        sheet.append(["Total volet", None, None, None, None, round(total, 2)])
        subtotal_off = False
    book.save(path)
    return path


def _standard(path: Path) -> Path:
    m = Decimal(1_000_000)
    cid = "CPER-2021-52"
    contrats = pd.DataFrame([{"contrat_id": cid, "type_contrat": "CPER", "generation": "2021-2027",
                              "region_code": "52", "date_debut": pd.Timestamp("2021-01-01"),
                              "date_fin": pd.Timestamp("2027-12-31")}])  # fmt: skip
    volets, ops, plans, flows = [], [], [], []
    for volet, rows in OPS.items():
        volets.append({"contrat_id": cid, "volet_code": volet, "libelle": volet})
        for op in rows:
            ops.append({"operation_id": op[0], "contrat_id": cid, "volet_code": volet,
                        "libelle": op[1], "maitre_ouvrage": op[2], "mo_siret": op[3],
                        "cout_total": Decimal(op[4].replace(",", ".")) * m,
                        "date_debut_prevue": pd.to_datetime(op[11], dayfirst=True),
                        "date_fin_prevue": pd.to_datetime(op[12], dayfirst=True)})  # fmt: skip
            for kind, amount in zip(("ETAT", "REGION", "UE"), op[5:8], strict=True):
                if amount:
                    plans.append({"operation_id": op[0], "financeur_type": kind,
                                  "financeur_id": op[8] if kind == "ETAT" else None,
                                  "montant_prevu": Decimal(str(amount)) * m})  # fmt: skip
            flows.append({"contrat_id": cid, "volet_code": volet, "operation_id": op[0],
                          "financeur_type": "ETAT", "financeur_id": op[8], "exercice": 2025,
                          "ae_engagees": Decimal(str(op[9])) * m,
                          "cp_payes": Decimal(str(op[10])) * m,
                          "date_arrete": pd.Timestamp("2025-12-31"),
                          "source_systeme": "TABLEUR_SGAR"})  # fmt: skip
    tables = {"contrats": contrats, "volets": pd.DataFrame(volets),
              "operations": pd.DataFrame(ops), "financements": pd.DataFrame(plans),
              "execution": pd.DataFrame(flows)}  # fmt: skip
    return write_workbook(path, tables)


def _keys(findings: pd.DataFrame) -> list[tuple[str, str]]:
    cper = findings[findings["rule"].str.startswith("CPER")]
    return sorted(zip(cper["rule"], cper["operation_id"].fillna("-"), strict=True))


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layouts")
    sheets = _volet_sheets(folder / "CPER_52_suivi_2025.xlsx", subtotal_off=True)
    standard = _standard(folder / "standard.xlsx")
    return sheets, standard


def test_each_layout_is_recognised(both):
    sheets, standard = both
    assert is_sgar_workbook(sheets) and not is_cper_workbook(sheets)
    assert is_cper_workbook(standard)


def test_same_findings_in_both_layouts(both):
    sheets, standard = both
    reference, parameters = load_reference(), {"as_of": "2026-03-16"}
    found = run_cper_checks(read_sgar_workbook(sheets), reference, parameters)
    expected = run_cper_checks(read_cper_workbook(standard), reference, parameters)
    keys = [k for k in _keys(found) if k[0] != "CPER-002"]
    assert keys == _keys(expected)
    assert ("CPER-001", "R2") in keys  # 0,9 of 1,0 M€
    assert ("CPER-003", "R2") in keys  # CP 0,3 > AE 0,2
    assert ("CPER-026", "T1") in keys and ("CPER-027", "R2") in keys
    assert ("CPER-015", "T2") in keys and ("CPER-015.normalise", "R1") in keys


def test_volet_sheets_are_read_in_euros_with_their_totals(both):
    sheets, _ = both
    data = read_sgar_workbook(sheets)
    ops = data.table("operations").set_index("operation_id")
    assert ops.loc["R1", "cout_total"] == Decimal("2500000.00")  # "2,50" en M€
    assert set(data.table("contrats")["region_code"]) == {"52"}
    table = data.table("volets")
    volets = dict(zip(table["volet_code"], table["volet_national"], strict=True))
    assert volets == {"Recherche et innovation": "ESRI", "Cohésion des territoires": "TERRITORIAL"}
    found = run_cper_checks(data, load_reference(), {"as_of": "2026-03-16"})
    totals = found[found["rule"] == "CPER-002"]
    assert len(totals) == 1 and totals.iloc[0]["value"] == pytest.approx(1_500_000)
    assert totals.iloc[0]["expected"] == pytest.approx(1_600_000)
    assert (found["rule"] == "read.cper_layout").sum() == 1


def test_inspect_explains_a_volet_sheets_workbook(both):
    import json

    from click.testing import CliRunner

    from fundcheck.cli import cli

    sheets, standard = both
    result = CliRunner().invoke(cli, ["inspect", str(sheets), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["layout"] == "cper_volet_sheets" and payload["region"] == "52"
    first = payload["sheets"][0]
    assert first["header_rows"] == [3, 4] and first["total_rows"] == 1
    by_header = {c["header"]: c for c in first["columns"]}
    state = by_header["Plan de financement (en M€) / État"]
    assert (state["field"], state["financer"], state["unit"]) == ("financement", "ETAT", "M€")
    result = CliRunner().invoke(cli, ["inspect", str(standard)])
    assert result.exit_code == 0 and "standard CPER exchange workbook" in result.output
