"""CPER rules on contracts, envelopes and yearly flows, on small hand-made tables."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from fundcheck.checks.cper_checks import run_cper_checks
from fundcheck.cper_model import TABLE, CperDataset
from fundcheck.reference import load_reference

D, TS = Decimal, pd.Timestamp
MODERN, OLD = "CPER-2021-52", "CPER-2015-53"


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in TABLE[name].columns:
        if column not in frame:
            frame[column] = None
    return frame.assign(_source="t.xlsx", _sheet=TABLE[name].sheet, _row=range(2, len(rows) + 2),
                        _unite="€")  # fmt: skip


def _env(
    cid, volet, financer, amount, avenant="INITIAL", date="2022-01-01", nature="CONTRACTUALISE"
):
    return {"contrat_id": cid, "volet_code": volet, "avenant_id": avenant,
            "financeur_type": financer, "financeur_id": "P112" if financer == "ETAT" else "R",
            "nature_credit": nature, "montant": D(amount), "date_effet": TS(date)}  # fmt: skip


def _flow(cid, volet, year, ae, cp, financer="ETAT", op="_PROGRAMME_"):
    return {"contrat_id": cid, "volet_code": volet, "operation_id": op, "financeur_type": financer,
            "financeur_id": "P112" if financer == "ETAT" else "R", "exercice": year,
            "ae_engagees": D(ae), "cp_payes": D(cp), "date_arrete": TS("2025-12-31")}  # fmt: skip


@pytest.fixture(scope="module")
def findings() -> pd.DataFrame:
    data = CperDataset()
    data.tables["contrats"] = _table("contrats", [
        {"contrat_id": MODERN, "generation": "2021-2027", "region_code": "52", "cle_etat": 0.5,
         "date_debut": TS("2021-01-01"), "date_fin": TS("2027-12-31")},
        {"contrat_id": OLD, "generation": "2015-2020", "region_code": "99",
         "date_debut": TS("2015-01-01"), "date_fin": TS("2020-12-31")},
    ])  # fmt: skip
    data.tables["volets"] = _table("volets", [
        {"contrat_id": MODERN, "volet_code": "MOB", "volet_national": "MOBILITE"},
        {"contrat_id": MODERN, "volet_code": "TER", "volet_national": "TERRITORIAL"},
        {"contrat_id": OLD, "volet_code": "TER", "volet_national": "TERRITORIAL"},
    ])  # fmt: skip
    data.tables["enveloppes"] = _table("enveloppes", [
        _env(MODERN, "MOB", "ETAT", "10000000000"), _env(MODERN, "TER", "ETAT", "1000000"),
        _env(MODERN, "MOB", "REGION", "2000000"), _env(MODERN, "TER", "REGION", "1000000"),
        # a transfer from TER to MOB (Région) recorded under an avenant that does not exist
        _env(MODERN, "MOB", "REGION", "2500000", avenant="AV-X", date="2024-01-01"),
        _env(MODERN, "TER", "REGION", "500000", avenant="AV-X", date="2024-01-01"),
        _env(OLD, "TER", "ETAT", "1000000", date="2015-06-01"),
    ])  # fmt: skip
    data.tables["execution"] = _table("execution", [
        _flow(MODERN, "MOB", 2022, "100", "0"),  # mobility AE before 2023
        _flow(MODERN, "TER", 2021, "1000000", "0"), _flow(MODERN, "TER", 2022, "300000", "100"),
        _flow(MODERN, "TER", 2023, "0", "0"), _flow(MODERN, "TER", 2024, "0", "0"),
        _flow(MODERN, "TER", 2025, "0", "0"),
        _flow(OLD, "TER", 2015, "900000", "100000"), _flow(OLD, "TER", 2021, "0", "900000"),
        _flow(OLD, "TER", 2022, "5000", "0"),  # AE after the end; CP 2021 above restes à payer
    ])  # fmt: skip
    return run_cper_checks(data, load_reference(), {"as_of": "2026-03-16"})


def _rules(findings: pd.DataFrame) -> dict[str, list]:
    out: dict[str, list] = {}
    for rule, region in zip(findings["rule"], findings["region"], strict=True):
        out.setdefault(rule, []).append(None if pd.isna(region) else region)
    return out


def test_closed_generation_and_mobility_period(findings):
    rules = _rules(findings)
    assert len(rules["CPER-009"]) == 1  # 5 000 € AE in 2022 on the closed 2015-2020 contract
    assert len(rules["CPER-010"]) == 1  # 900 000 € CP in 2021 for 800 000 € outstanding (and
    # nothing for 2022, when nothing is paid)
    assert rules["CPER-011"] == ["52"]
    assert "CPER-004" not in rules  # restes à payer negative after the excess payment: no note


def test_overrun_key_snapshots_and_envelopes(findings):
    rules = _rules(findings)
    assert rules["CPER-006"] == ["52"]  # 1,3 M€ committed of 10 Md€ after 5 of 7 years
    assert rules["CPER-003"] == [None]  # 1 M€ paid for 0,9 M€ committed (unknown region: national)
    assert rules["CPER-019"] == ["52", "52"]  # two versions under an unknown avenant
    assert rules["CPER-020"] == ["52"]  # Région credits moved from TER to MOB
    assert "CPER-023" in rules  # 10 Md€ of State mobility for one region > 9 Md€ + 5 %
    assert rules["CPER-016"] == [None]  # region code 99
    years = findings.loc[findings["rule"] == "CPER-018", "value"].tolist()
    assert sorted(years) == [2016, 2017, 2018, 2019, 2020]
