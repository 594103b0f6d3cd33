"""CPER-021: CPER operations also in a list of operations of the EU funds (same SIRET, or same
beneficiary name when the list has no SIRET; close title; overlapping dates): co-financed
operations, and EU euros counted in a national share."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, utils

from fundcheck.checks.cper_base import finding, money, record_place, records
from fundcheck.checks.cper_rules import RULE
from fundcheck.cper_model import CperDataset, as_float
from fundcheck.model import RecordSet
from fundcheck.stored_columns import whole_frame

Rows = list[dict[str, Any]]


def fold(text: object) -> str:
    """Lower case, no accents, single spaces."""
    raw = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in raw if not unicodedata.combining(c)).lower().split())


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit()) if value is not None else ""


def _overlap(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    """Two date ranges overlap (an unknown bound overlaps anything)."""
    (s1, e1), (s2, e2) = (tuple(pd.Timestamp(v) if v is not None and not pd.isna(v) else None
                                for v in pair) for pair in (a, b))  # fmt: skip
    if s1 is not None and e2 is not None and s1 > e2:
        return False
    return not (s2 is not None and e1 is not None and s2 > e1)


def eu_overlap(
    data: CperDataset,
    operations: Mapping[str, RecordSet],
    regions: dict[str, str | None],
    min_score: float,
) -> Rows:
    """One finding per CPER operation found in a list of operations: a warning when its CPER
    financing plan has no EU financer (the EU share is then inside a national share), else a
    note that both sources co-finance it."""
    cper = data.table("operations")
    if cper.empty or not operations:
        return []
    index: dict[str, list[dict[str, Any]]] = {}
    for name, record_set in operations.items():
        for rec in records(whole_frame(record_set)):
            key = _digits(rec.get("beneficiary_siret"))
            if len(key) != 14:  # no SIRET in the list (the national format has none): the name
                key = fold(rec.get("beneficiary_name") or "")
            if key:
                index.setdefault(key, []).append({**rec, "_list": name})
    plans = data.table("financements")
    eu_lines = plans[(plans["financeur_type"] == "UE") & (as_float(plans["montant_prevu"]) > 0)]
    with_eu = set(eu_lines["operation_id"].astype(str))
    eu_planned = (
        as_float(eu_lines["montant_prevu"]).groupby(eu_lines["operation_id"].astype(str)).sum()
    )
    out: Rows = []
    for op in records(cper):
        candidates = index.get(_digits(op.get("mo_siret")), []) + index.get(
            fold(op.get("maitre_ouvrage") or ""), []
        )
        best, score = None, 0.0
        for cand in candidates:
            ratio = fuzz.token_set_ratio(
                str(op.get("libelle") or ""),
                str(cand.get("operation_name") or ""),
                processor=utils.default_process,  # case, punctuation and spaces ignored
            )
            span = (op.get("date_debut_prevue"), op.get("date_fin_prevue"))
            if (
                ratio > score
                and ratio >= min_score
                and _overlap(span, (cand.get("start_date"), cand.get("end_date")))
            ):
                best, score = cand, ratio
        if best is None:
            continue
        eu_amount = best.get("eu_amount")
        eu = float(eu_amount) if eu_amount is not None and not pd.isna(eu_amount) else 0.0
        op_id = str(op["operation_id"])
        rule = RULE["CPER-021.cofinancee" if op_id in with_eu else "CPER-021"]
        planned = float(eu_planned.get(op_id, 0.0))
        if op_id in with_eu and eu and abs(planned - eu) > 1.0:
            rule = RULE["CPER-021.montant"]
        out.append(
            finding(
                rule,
                what=f"opération {op['operation_id']}",
                value=planned if rule.id == "CPER-021.montant" else eu,
                expected=eu
                if rule.id == "CPER-021.montant"
                else f"{best['_list']} l. {best.get('_row')}",
                region=regions.get(str(op.get("contrat_id"))),
                operation_id=op["operation_id"],
                field="financeur_type",
                show=(
                    {"value": money(planned), "expected": money(eu)}
                    if rule.id == "CPER-021.montant"
                    else {"value": money(eu)}
                ),
                **record_place(op),
            )
        )
    return out
