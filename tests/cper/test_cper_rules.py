"""CPER rules on a small follow-up workbook written in the standard layout and read back."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from fundcheck.checks.cper_checks import run_cper_checks
from fundcheck.checks.cper_rules import CPER_RULES
from fundcheck.connectors.cper_template import write_workbook
from fundcheck.connectors.cper_workbook import is_cper_workbook, read_cper_workbook
from fundcheck.cper_model import Unit
from fundcheck.model import Severity
from fundcheck.reference import load_reference

D = Decimal
CID = "CPER-2021-52"


def _tables() -> dict[str, pd.DataFrame]:
    ts = pd.Timestamp
    contrats = pd.DataFrame([{
        "contrat_id": CID, "type_contrat": "CPER", "generation": "2021-2027", "region_code": "52",
        "date_debut": ts("2021-01-01"), "date_fin": ts("2027-12-31"), "statut": "SIGNE",
        "montant_etat": D("1000000"), "montant_region": D("1000000"),
    }])  # fmt: skip
    volets = pd.DataFrame([
        {"contrat_id": CID, "volet_code": "V1", "libelle": "Recherche", "volet_national": "ESRI"},
    ])  # fmt: skip
    env = pd.DataFrame([
        {"contrat_id": CID, "volet_code": "V1", "avenant_id": "INITIAL", "financeur_type": t,
         "financeur_id": i, "nature_credit": "CONTRACTUALISE", "montant": D("1000000"),
         "date_effet": ts("2022-01-01")}
        for t, i in (("ETAT", "P150"), ("REGION", "235200029"))
    ])  # fmt: skip
    ops = pd.DataFrame([
        {"operation_id": "OP1", "contrat_id": CID, "volet_code": "V1", "libelle": "Labo",
         "mo_siret": "19440984300019", "cout_total": D("2000000"),
         "date_debut_prevue": ts("2022-01-01"), "date_fin_prevue": ts("2021-06-30")},
        {"operation_id": "OP2", "contrat_id": CID, "volet_code": "V9", "libelle": "Halle",
         "mo_siret": "19440984300018", "cout_total": D("100000")},
    ])  # fmt: skip
    plans = pd.DataFrame([
        {"operation_id": "OP1", "financeur_type": "ETAT", "financeur_id": "BOP 0150-C001",
         "nature_credit": "CONTRACTUALISE", "montant_prevu": D("1000000")},
        {"operation_id": "OP1", "financeur_type": "REGION", "financeur_id": "235200029",
         "nature_credit": "CONTRACTUALISE", "montant_prevu": D("900000")},
        {"operation_id": "OP2", "financeur_type": "ETAT", "financeur_id": "P1112",
         "nature_credit": "CONTRACTUALISE", "montant_prevu": D("100000")},
    ])  # fmt: skip
    flows = [  # year, AE, CP: a legal withdrawal in 2024, CP above AE in 2025
        (2021, "300000", "0"), (2022, "300000", "100000"), (2023, "100000", "200000"),
        (2024, "-50000", "100000"), (2025, "0", "400000"),
    ]  # fmt: skip
    execution = pd.DataFrame([
        {"contrat_id": CID, "volet_code": "V1", "operation_id": "OP1", "financeur_type": "ETAT",
         "financeur_id": "P150", "exercice": y, "ae_engagees": D(ae), "cp_payes": D(cp),
         "date_arrete": ts("2025-12-31")}
        for y, ae, cp in flows
    ])  # fmt: skip
    return {"contrats": contrats, "volets": volets, "enveloppes": env, "operations": ops,
            "financements": plans, "execution": execution}  # fmt: skip


@pytest.fixture(scope="module", params=[Unit.EUR, Unit.MEUR])
def findings(request, tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("cper") / "suivi.xlsx"
    write_workbook(path, _tables(), unit=request.param)
    assert is_cper_workbook(path)
    data = read_cper_workbook(path)
    return run_cper_checks(data, load_reference(), {"as_of": "2026-03-16"})


def _hits(findings: pd.DataFrame, rule: str) -> pd.DataFrame:
    return findings[findings["rule"] == rule]


def test_record_rules_find_each_defect_once_whatever_the_unit(findings):
    assert list(_hits(findings, "CPER-001")["operation_id"]) == ["OP1"]  # 1,9 M€ of 2 M€
    assert list(_hits(findings, "CPER-026")["operation_id"]) == ["OP1"]
    assert list(_hits(findings, "CPER-027")["value"]) == ["19440984300018"]
    assert list(_hits(findings, "CPER-014")["value"]) == ["V9"]
    assert list(_hits(findings, "CPER-015")["value"]) == ["P1112"]
    assert list(_hits(findings, "CPER-015.normalise")["expected"]) == ["P150"]


def test_negative_annual_ae_is_a_note_and_cp_above_ae_an_error(findings):
    assert _hits(findings, "CPER-012").empty
    retrait = _hits(findings, "CPER-012.retrait")
    assert list(retrait["count"]) == [1] and list(retrait["region"]) == ["52"]
    cp = _hits(findings, "CPER-003")
    assert len(cp) == 1 and cp.iloc[0]["value"] == pytest.approx(800000)


def test_pace_against_the_theoretical_rate(findings):
    # State AE 650 000 of 1 000 000 = 65 % vs 5/7 = 71,4 %: within 10 points, no warning
    assert _hits(findings, "CPER-006").empty
    # Région: no execution at all, so nothing to compare


def test_every_finding_has_a_region_basis_and_both_languages(findings):
    serious = findings[findings["rule"].str.startswith("CPER")]
    assert set(serious["region"].dropna()) == {"52"}
    assert serious["legal_basis"].notna().all()
    assert (serious["message_fr"] != serious["message_en"]).all()


def test_no_unverified_rule_is_an_error():
    for rule in CPER_RULES:
        assert not (rule.status == "U" and rule.severity is Severity.ERROR)
        assert rule.legal_basis and rule.message_fr and rule.message_en
