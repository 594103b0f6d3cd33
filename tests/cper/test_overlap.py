"""CPER-021: CPER operations found in a list of operations (SIRET, or the beneficiary name when
the list has none; a close title; overlapping dates)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from fundcheck.checks.cper_overlap import eu_overlap
from fundcheck.cper_model import CperDataset
from fundcheck.model import Provenance, RecordKind, RecordSet

TS = pd.Timestamp


def _eu() -> RecordSet:
    frame = pd.DataFrame({
        "beneficiary_name": ["Université de Rennes", "Commune de Vitré", "Commune de Vitré"],
        "beneficiary_siret": [None, "21350360400011", None],
        "operation_name": ["Extension du laboratoire de chimie", "Halle des sports",
                           "Rénovation de la médiathèque"],
        "start_date": [TS("2022-01-01"), TS("2022-01-01"), TS("2019-01-01")],
        "end_date": [TS("2024-12-31"), TS("2023-12-31"), TS("2020-12-31")],
        "eu_amount": [300000.0, 100000.0, 50000.0],
        "_row": [2, 3, 4],
    })  # fmt: skip
    return RecordSet(RecordKind.OPERATIONS, frame, Provenance(name="liste.xlsx", location="x",
                                                              format="xlsx"))  # fmt: skip


def _cper() -> CperDataset:
    data = CperDataset()
    data.tables["operations"] = pd.DataFrame({
        "operation_id": ["A", "B", "C", "D"], "contrat_id": ["CPER-2021-53"] * 4,
        "libelle": ["Laboratoire de chimie : extension", "Halle des sports",
                    "Rénovation de la médiathèque", "Extension du laboratoire de chimie"],
        "maitre_ouvrage": ["Université de Rennes", "Ville de Vitré", "Commune de Vitré",
                           "Université de Rennes"],
        "mo_siret": [None, "21350360400011", None, None],
        "date_debut_prevue": [TS("2022-06-01"), TS("2022-03-01"), TS("2022-01-01"),
                              TS("2022-01-01")],
        "date_fin_prevue": [TS("2025-06-30"), TS("2023-06-30"), TS("2023-12-31"),
                            TS("2024-12-31")],
        "_source": "cper.xlsx", "_row": [2, 3, 4, 5],
    })  # fmt: skip
    data.tables["financements"] = pd.DataFrame({
        "operation_id": ["A", "B", "D"], "financeur_type": ["UE", "UE", "REGION"],
        "financeur_id": ["CCI", "CCI", "R"], "nature_credit": "CONTRACTUALISE",
        "montant_prevu": [Decimal("300000"), Decimal("80000"), Decimal("500000")],
    })  # fmt: skip
    return data


def test_overlap_by_name_or_siret_title_and_dates():
    found = pd.DataFrame(eu_overlap(_cper(), {"liste.xlsx": _eu()}, {"CPER-2021-53": "53"}, 85))
    by_op = dict(zip(found["operation_id"], found["rule"], strict=True))
    # A: same name, title reordered, dates overlap, EU share recorded: co-financed (note)
    # B: same SIRET (names differ), EU share 80 000 in the CPER plan vs 100 000 in the list
    # C: same name and title but the list's operation ended in 2020: not the same operation
    # D: same name and title, no EU financer in the plan: the EU share is in a national share
    assert by_op == {"A": "CPER-021.cofinancee", "B": "CPER-021.montant", "D": "CPER-021"}
    assert set(found["region"]) == {"53"}
