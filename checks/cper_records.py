"""CPER rules on single records: financing plan = total cost, dates, SIRET, volet, programme code,
region code, programmed ≥ committed, unit of the amounts."""

from __future__ import annotations

from typing import Any

import pandas as pd
from stdnum.fr import siret

from fundcheck.checks.cper_base import finding, money, record_place, records
from fundcheck.checks.cper_rules import RULE
from fundcheck.cper_model import SHEET, SOURCE, UNIT, VOLETS_NATIONAUX, CperDataset, as_float
from fundcheck.cper_reference import (
    CANONICAL_PROGRAMME,
    normalise_programme,
    old_regions,
    programmes,
)

Rows = list[dict[str, Any]]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return records(frame)


def _what(op: dict[str, Any]) -> str:
    return f"opération {op.get('operation_id')}"


def financing_adds_up(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-001 per operation: Σ planned financing = total cost (≤ 1 €, or 0,01 M€ in M€ files)."""
    ops = data.table("operations")
    plans = data.table("financements")
    if ops.empty or plans.empty:
        return []
    sums = as_float(plans["montant_prevu"]).groupby(plans["operation_id"]).sum()
    out: Rows = []
    for op in _records(ops):
        cost = op.get("cout_total")
        if cost is None or op["operation_id"] not in sums.index:
            continue
        total = float(sums[op["operation_id"]])
        tolerance = 10_000.0 if op.get(UNIT) in ("M€", "Md€") else 1.0
        if abs(total - float(cost)) > tolerance:
            out.append(
                finding(
                    RULE["CPER-001"],
                    what=_what(op),
                    value=total,
                    expected=cost,
                    region=regions.get(str(op.get("contrat_id"))),
                    operation_id=op["operation_id"],
                    field="cout_total",
                    show={
                        "value": money(total),
                        "expected": money(cost),
                        "delta": money(total - float(cost)),
                    },
                    **record_place(op),
                )
            )
    return out


def dates_in_order(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-026: planned end on or after planned start."""
    out: Rows = []
    for op in _records(data.table("operations")):
        start, end = op.get("date_debut_prevue"), op.get("date_fin_prevue")
        if start is None or end is None or pd.isna(start) or pd.isna(end) or end >= start:
            continue
        out.append(
            finding(
                RULE["CPER-026"],
                what=_what(op),
                value=str(end)[:10],
                expected=str(start)[:10],
                region=regions.get(str(op.get("contrat_id"))),
                operation_id=op["operation_id"],
                field="date_fin_prevue",
                **record_place(op),
            )
        )
    return out


def siret_valid(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-027: the project owner's SIRET carries a valid Luhn key (La Poste exception)."""
    out: Rows = []
    for op in _records(data.table("operations")):
        value = op.get("mo_siret")
        if value is None or pd.isna(value) or str(value).strip() == "":
            continue
        if not siret.is_valid(str(value)):
            out.append(
                finding(
                    RULE["CPER-027"],
                    what=_what(op),
                    value=str(value),
                    region=regions.get(str(op.get("contrat_id"))),
                    operation_id=op["operation_id"],
                    field="mo_siret",
                    **record_place(op),
                )
            )
    return out


def volet_known(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-014: the operation's volet is one of its contract's volets."""
    volets = data.table("volets")
    known: dict[str, set[str]] = {}
    for cid, code in zip(volets["contrat_id"], volets["volet_code"], strict=True):
        known.setdefault(str(cid), set()).add(str(code))
    out: Rows = []
    for op in _records(data.table("operations")):
        listed = known.get(str(op.get("contrat_id")))
        if not listed or str(op.get("volet_code")) in listed:
            continue
        out.append(
            finding(
                RULE["CPER-014"],
                what=_what(op),
                value=op.get("volet_code"),
                region=regions.get(str(op.get("contrat_id"))),
                operation_id=op["operation_id"],
                field="volet_code",
                **record_place(op),
            )
        )
    return out


def programme_codes(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-015: State financer ids are LOLF programmes; unambiguous variants are read (info),
    unreadable ones are errors. Each (operation, code) is reported once."""
    out: Rows = []
    seen: set[tuple[str, str]] = set()
    contracts = _op_contracts(data)
    national = _op_volets(data)
    catalogue = programmes()
    for table in ("financements", "execution"):
        frame = data.table(table)
        state = frame[frame["financeur_type"] == "ETAT"]
        for rec in _records(state):
            raw = rec.get("financeur_id")
            if raw is None or pd.isna(raw):
                continue
            key = (str(rec.get("operation_id")), str(raw))
            if key in seen:
                continue
            seen.add(key)
            code = normalise_programme(raw)
            cid = rec.get("contrat_id") or contracts.get(str(rec.get("operation_id")))
            common = {
                "what": f"opération {rec.get('operation_id')}",
                "value": str(raw),
                "region": regions.get(str(cid)),
                "operation_id": rec.get("operation_id"),
                "field": "financeur_id",
                **record_place(rec),
            }
            if code is None:
                out.append(finding(RULE["CPER-015"], **common))
                continue
            if not CANONICAL_PROGRAMME.match(str(raw).strip()):
                out.append(finding(RULE["CPER-015.normalise"], expected=code, **common))
            known = catalogue.get(code)
            volet = national.get(str(rec.get("operation_id")))
            if known and known.volets and volet and volet not in known.volets:
                out.append(
                    finding(RULE["CPER-015.volet"], **{**common, "value": code}, expected=volet)
                )
    return out


def _op_volets(data: CperDataset) -> dict[str, str]:
    """operation_id -> national volet of its volet."""
    volets = data.table("volets")
    national = {
        (str(c), str(v)): str(n)
        for c, v, n in zip(
            volets["contrat_id"], volets["volet_code"], volets["volet_national"], strict=True
        )
    }
    ops = data.table("operations")
    out = {}
    for op, cid, volet in zip(
        ops["operation_id"], ops["contrat_id"], ops["volet_code"], strict=True
    ):
        kind = national.get((str(cid), str(volet)))
        if kind and kind in VOLETS_NATIONAUX:
            out[str(op)] = kind
    return out


def _op_contracts(data: CperDataset) -> dict[str, str]:
    ops = data.table("operations")
    return {str(o): str(c) for o, c in zip(ops["operation_id"], ops["contrat_id"], strict=True)}


def region_codes(data: CperDataset, known: set[str]) -> Rows:
    """CPER-016: the contract's region is an INSEE 2016 code; a pre-2016 code on a 2021-2027
    contract is read as its current region (warning)."""
    out: Rows = []
    old = old_regions()
    for rec in _records(data.table("contrats")):
        code = rec.get("region_code")
        if code is None or pd.isna(code) or str(code) in known:
            continue
        code = str(code)
        what = f"contrat {rec.get('contrat_id')}"
        if code in old:
            if rec.get("generation") == "2021-2027":
                out.append(
                    finding(
                        RULE["CPER-016.ancien"],
                        what=what,
                        value=code,
                        expected=old[code],
                        region=old[code],
                        field="region_code",
                        **record_place(rec),
                    )
                )
        elif code not in known:
            out.append(
                finding(
                    RULE["CPER-016"],
                    what=what,
                    value=code,
                    field="region_code",
                    **record_place(rec),
                )
            )
    return out


def programmed_covers_committed(
    data: CperDataset, regions: dict[str, str | None], ae_by_op: pd.Series
) -> Rows:
    """CPER-029: an operation's programmed amount is not below its cumulative commitments."""
    out: Rows = []
    for op in _records(data.table("operations")):
        programmed = op.get("montant_programme")
        if programmed is None or pd.isna(programmed) or op["operation_id"] not in ae_by_op.index:
            continue
        committed = float(ae_by_op[op["operation_id"]])
        if float(programmed) + 1.0 < committed:
            out.append(
                finding(
                    RULE["CPER-029"],
                    what=_what(op),
                    value=programmed,
                    expected=committed,
                    region=regions.get(str(op.get("contrat_id"))),
                    operation_id=op["operation_id"],
                    field="montant_programme",
                    show={"value": money(programmed), "expected": money(committed)},
                    **record_place(op),
                )
            )
    return out


def units_plausible(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-017: a source headed in € whose median operation cost is below 1 000 € was most
    likely filled in M€ (a ×1 000 000 jump)."""
    ops = data.table("operations")
    out: Rows = []
    if ops.empty:
        return out
    for source, part in ops.groupby(SOURCE, sort=True):
        units = part[UNIT].dropna().unique()
        costs = as_float(part["cout_total"]).dropna()
        if list(units) != ["€"] or costs.empty or costs.median() >= 1_000:
            continue
        contract_regions = {regions.get(str(c)) for c in part["contrat_id"].dropna().unique()}
        out.append(
            finding(
                RULE["CPER-017"],
                what=str(source),
                value=float(costs.median()),
                expected="€",
                region=next(iter(contract_regions)) if len(contract_regions) == 1 else None,
                source=str(source),
                field="cout_total",
                count=len(part),
            )
        )
    return out


TOLERANCE = {"€": 1.0, "k€": 1_000.0, "M€": 10_000.0, "Md€": 10_000_000.0}


def printed_totals(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-002: totals and subtotals rows of a follow-up workbook equal the rows they close
    (within one unit of the last printed digit: 1 €, or 0,01 M€ in M€ tables)."""
    totals = data.tables.get("totaux")
    if totals is None or totals.empty:
        return []
    ops = data.table("operations")
    contract_of = dict(zip(ops[SOURCE], ops["contrat_id"], strict=True))
    out: Rows = []
    for rec in records(totals):
        region = regions.get(str(contract_of.get(rec.get(SOURCE))))
        printed, computed = float(rec["printed"]), float(rec["computed"])
        if abs(printed - computed) <= TOLERANCE.get(str(rec.get(UNIT)), 1.0):
            continue
        what = f"{rec[SHEET]}, {rec['label']} ({rec['field']} {rec['financer'] or ''})".strip()
        out.append(
            finding(
                RULE["CPER-002"],
                what=what,
                value=computed,
                expected=printed,
                region=region,
                scope="record",
                field=rec["field"],
                show={"value": money(computed), "expected": money(printed),
                      "delta": money(computed - printed)},
                **record_place(rec),
            )
        )  # fmt: skip
    return out
