"""CPER rules on the yearly AE/CP flows: CP ≤ AE, negative cumulatives, closed generations,
payments after the end, mobility period, overruns, pace against the theoretical rate."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd

from fundcheck.checks.cper_base import finding, money, records
from fundcheck.checks.cper_rules import RULE
from fundcheck.checks.findings import pct
from fundcheck.cper_model import INITIAL, ROW, SOURCE, CperDataset, as_float, year_fraction

Rows = list[dict[str, Any]]
KEY = ["contrat_id", "volet_code", "operation_id", "financeur_type", "financeur_id"]
MOBILITY_2015_END = 2022  # 2015-2020 mobility volet prolonged to 31/12/2022 (Sénat l21-163-36-2)


def flows(data: CperDataset) -> pd.DataFrame:
    """The latest snapshot's flows per key and year, with floats and cumulatives."""
    frame = data.table("execution").copy()
    if frame.empty:
        return frame
    frame["ae"] = as_float(frame["ae_engagees"]).fillna(0.0)
    frame["cp"] = as_float(frame["cp_payes"]).fillna(0.0)
    frame["year"] = pd.to_numeric(frame["exercice"], errors="coerce")
    frame = frame.dropna(subset=["year"])
    frame["year"] = frame["year"].astype(int)
    arrete = pd.to_datetime(frame["date_arrete"], errors="coerce")
    latest = arrete.groupby(frame["contrat_id"]).transform("max")
    frame = frame[(arrete == latest) | latest.isna()].copy()
    for column in KEY:
        frame[column] = frame[column].astype("string").fillna("")
    frame = frame.sort_values([*KEY, "year"], kind="stable")
    grouped = frame.groupby(KEY, sort=False)
    frame["ae_cumul"] = grouped["ae"].cumsum()
    frame["cp_cumul"] = grouped["cp"].cumsum()
    frame["rap_prev"] = (frame["ae_cumul"] - frame["cp_cumul"]).groupby(
        [frame[k] for k in KEY]
    ).shift(1).fillna(0.0) + 0.0
    return frame


def _what(rec: dict[str, Any]) -> str:
    op = rec["operation_id"]
    who = f"{rec['financeur_type']} {rec['financeur_id']}".strip()
    if op and op != "_PROGRAMME_":
        return f"opération {op}, {who}"
    return f"contrat {rec['contrat_id']}, volet {rec['volet_code']}, {who}"


def _place(rec: dict[str, Any]) -> dict[str, Any]:
    row = rec.get(ROW)
    return {
        "source": rec.get(SOURCE),
        "row": None if row is None or pd.isna(row) else row,
        "operation_id": rec["operation_id"] or None,
    }


def _first_per_key(frame: pd.DataFrame, mask: pd.Series) -> list[dict[str, Any]]:
    hits = frame[mask].drop_duplicates(subset=KEY, keep="first")
    return records(hits)


def cumulative_rules(frame: pd.DataFrame, regions: dict[str, str | None]) -> Rows:
    """CPER-003 (cumulative CP > AE) and CPER-012 (negative cumulative AE), first year per key;
    CPER-012.retrait: negative annual AE, legal, one note per region."""
    if frame.empty:
        return []
    out: Rows = []
    for rec in _first_per_key(frame, frame["cp_cumul"] > frame["ae_cumul"] + 1.0):
        out.append(
            finding(
                RULE["CPER-003"],
                what=_what(rec),
                value=rec["cp_cumul"],
                expected=rec["ae_cumul"],
                region=regions.get(rec["contrat_id"]),
                field="cp_payes",
                show={"value": money(rec["cp_cumul"]), "expected": money(rec["ae_cumul"]),
                      "year": rec["year"]},
                **_place(rec),
            )
        )  # fmt: skip
    for rec in _first_per_key(frame, frame["ae_cumul"] < -1.0):
        out.append(
            finding(
                RULE["CPER-012"],
                what=_what(rec),
                value=rec["ae_cumul"],
                region=regions.get(rec["contrat_id"]),
                field="ae_engagees",
                show={"value": money(rec["ae_cumul"]), "year": rec["year"]},
                **_place(rec),
            )
        )
    negative = frame[frame["ae"] < 0]
    region = negative["contrat_id"].map(lambda c: regions.get(c) or "")
    for code, part in negative.groupby(region, sort=True):
        out.append(
            finding(
                RULE["CPER-012.retrait"],
                what=str(code),
                value=float(part["ae"].sum()),
                region=str(code) or None,
                count=len(part),
                field="ae_engagees",
                show={"value": money(float(part["ae"].sum()))},
            )
        )
    return out


def _end_years(data: CperDataset) -> dict[tuple[str, str], int]:
    """(contrat_id, volet_code) -> last year commitments may be made in."""
    contracts = data.table("contrats")
    ends: dict[str, tuple[int, str]] = {}
    for rec in records(contracts):
        end = rec.get("date_fin_engagements")
        end = rec.get("date_fin") if end is None or pd.isna(end) else end
        if end is not None and not pd.isna(end):
            ends[str(rec["contrat_id"])] = (pd.Timestamp(end).year, str(rec.get("generation")))
    volets = data.table("volets")
    national = {
        (str(c), str(v)): str(n)
        for c, v, n in zip(
            volets["contrat_id"], volets["volet_code"], volets["volet_national"], strict=True
        )
    }
    out: dict[tuple[str, str], int] = {}
    for (cid, volet), kind in national.items():
        if cid in ends:
            year, generation = ends[cid]
            out[(cid, volet)] = (
                MOBILITY_2015_END if generation == "2015-2020" and kind == "MOBILITE" else year
            )
    for cid, (year, _) in ends.items():
        out.setdefault((cid, ""), year)
    return out


def closed_generation_rules(
    frame: pd.DataFrame, data: CperDataset, regions: dict[str, str | None]
) -> Rows:
    """CPER-009 (new AE after the end of commitments), CPER-010 (CP after the end above the
    restes à payer), CPER-004 (restes à payer still open after the end, one note per contract)."""
    if frame.empty:
        return []
    ends = _end_years(data)
    end = [
        ends.get((c, v), ends.get((c, ""), 9999))
        for c, v in zip(frame["contrat_id"], frame["volet_code"], strict=True)
    ]
    frame = frame.assign(end=end)
    after = frame["year"] > frame["end"]
    out: Rows = []
    for rec in records(frame[after & (frame["ae"] > 1.0)]):
        out.append(
            finding(
                RULE["CPER-009"],
                what=_what(rec),
                value=rec["ae"],
                expected=f"{rec['end']}-12-31",
                region=regions.get(rec["contrat_id"]),
                field="ae_engagees",
                show={"value": money(rec["ae"]), "year": rec["year"]},
                **_place(rec),
            )
        )
    over = (frame["cp"] > 1.0) & (frame["cp"] > frame["rap_prev"].clip(lower=0.0) + 1.0)
    for rec in records(frame[after & over]):
        out.append(
            finding(
                RULE["CPER-010"],
                what=_what(rec),
                value=rec["cp"],
                expected=rec["rap_prev"],
                region=regions.get(rec["contrat_id"]),
                field="cp_payes",
                show={"value": money(rec["cp"]), "expected": money(rec["rap_prev"]),
                      "year": rec["year"]},
                **_place(rec),
            )
        )  # fmt: skip
    last = frame.groupby(KEY, sort=False).tail(1)
    last = last[last["year"] > last["end"]]
    rap = (last["ae_cumul"] - last["cp_cumul"]).groupby(last["contrat_id"]).sum()
    ends_by_contract = last.groupby("contrat_id")["end"].max()
    for cid, amount in rap.items():
        if amount > 1.0:
            out.append(
                finding(
                    RULE["CPER-004"],
                    what=f"contrat {cid}",
                    value=float(amount),
                    expected=f"{ends_by_contract.get(cid)}-12-31",
                    region=regions.get(str(cid)),
                    show={"value": money(float(amount))},
                )
            )
    return out


def mobility_period(frame: pd.DataFrame, data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-011: on a 2021-2027 contract, mobility AE belong to 2023-2027."""
    if frame.empty:
        return []
    contracts = data.table("contrats")
    modern = set(contracts.loc[contracts["generation"] == "2021-2027", "contrat_id"].astype(str))
    volets = data.table("volets")
    mobility = {
        (str(c), str(v))
        for c, v, n in zip(
            volets["contrat_id"], volets["volet_code"], volets["volet_national"], strict=True
        )
        if n == "MOBILITE" and str(c) in modern
    }
    pairs = pd.Series(list(zip(frame["contrat_id"], frame["volet_code"], strict=True)))
    mask = pairs.isin(mobility).to_numpy() & (frame["ae"] != 0).to_numpy()
    mask &= ~frame["year"].between(2023, 2027).to_numpy()
    return [
        finding(
            RULE["CPER-011"],
            what=_what(rec),
            value=rec["year"],
            region=regions.get(rec["contrat_id"]),
            field="exercice",
            show={"year": rec["year"]},
            **_place(rec),
        )
        for rec in records(frame[mask])
    ]


def planned_overruns(
    frame: pd.DataFrame, data: CperDataset, regions: dict[str, str | None]
) -> Rows:
    """CPER-005 per operation: cumulative AE of a financer above its planned amount."""
    plans = data.table("financements")
    if frame.empty or plans.empty:
        return []
    planned = (
        as_float(plans["montant_prevu"])
        .groupby([plans["operation_id"].astype(str), plans["financeur_type"].astype(str)])
        .sum()
    )
    ops = frame[frame["operation_id"] != "_PROGRAMME_"]
    ae = ops.groupby(["operation_id", "financeur_type"])["ae"].sum()
    firsts = (
        ops.groupby(["operation_id", "financeur_type"])
        .head(1)
        .set_index(["operation_id", "financeur_type"])
    )
    out: Rows = []
    for raw_key, amount in ae.items():
        key = cast(tuple[str, str], raw_key)
        plan = planned.get(key)
        if plan is None or amount <= plan + 1.0 or plan <= 0:
            continue
        rec = {str(k): v for k, v in firsts.loc[[key]].iloc[0].items()}
        rec.update({"operation_id": key[0], "financeur_type": key[1]})
        out.append(
            finding(
                RULE["CPER-005"],
                what=_what(rec),
                value=float(amount),
                expected=float(plan),
                region=regions.get(str(rec["contrat_id"])),
                scope="record",
                field="ae_engagees",
                show={"value": money(amount), "expected": money(plan), "rate": pct(amount / plan)},
                **_place(rec),
            )
        )
    return out


def current_envelopes(data: CperDataset) -> pd.DataFrame:
    """The contracted envelopes of each contract's latest version (by effective date)."""
    env = data.table("enveloppes").copy()
    if env.empty:
        return env
    env["amount"] = as_float(env["montant"]).fillna(0.0)
    env["date"] = pd.to_datetime(env["date_effet"], errors="coerce")
    env = env.sort_values(["contrat_id", "date"], kind="stable", na_position="first")
    keys = ["contrat_id", "volet_code", "financeur_type", "financeur_id", "nature_credit"]
    return env.groupby(keys, sort=False, dropna=False).tail(1)


def contract_pace(
    frame: pd.DataFrame,
    data: CperDataset,
    regions: dict[str, str | None],
    as_of: dt.date,
    threshold: float,
) -> Rows:
    """CPER-005 per contract and financer (overrun, info when an avenant exists), CPER-006
    (commitment rate behind the theoretical rate by more than ``threshold``), CPER-007 (CP/AE
    below 0,3 after 3 years), on contracted credits only (CPER-008)."""
    env = current_envelopes(data)
    if frame.empty or env.empty:
        return []
    env = env[env["nature_credit"] == "CONTRACTUALISE"]
    base = env.groupby(["contrat_id", "financeur_type"])["amount"].sum()
    done = frame.groupby(["contrat_id", "financeur_type"])[["ae", "cp"]].sum()
    contracts = data.table("contrats").set_index("contrat_id")
    avenants = data.table("avenants")
    with_avenant = dict(
        zip(avenants["contrat_id"].astype(str), avenants["avenant_id"].astype(str), strict=True)
    )
    out: Rows = []
    for raw_key, amounts in done.iterrows():
        cid, financer = cast(tuple[str, str], raw_key)
        contracted = float(base.get((cid, financer), 0.0))
        if contracted <= 0 or cid not in contracts.index:
            continue
        contract = contracts.loc[cid]
        region = regions.get(str(cid))
        rate = float(amounts["ae"]) / contracted
        what = f"contrat {cid}, {financer}"
        if rate > 1.0:
            avenant = with_avenant.get(str(cid))
            rule = RULE["CPER-005.avenant" if avenant else "CPER-005"]
            out.append(
                finding(
                    rule,
                    what=what,
                    value=float(amounts["ae"]),
                    expected=contracted,
                    region=region,
                    scope="region",
                    show={"value": money(amounts["ae"]), "expected": money(contracted),
                          "rate": pct(rate), "avenant": avenant or ""},
                )
            )  # fmt: skip
        start, end = contract.get("date_debut"), contract.get("date_fin")
        if start is None or end is None or pd.isna(start) or pd.isna(end):
            continue
        theoretical = year_fraction(pd.Timestamp(start).date(), pd.Timestamp(end).date(), as_of)
        gap = theoretical - rate
        if gap > threshold:
            out.append(
                finding(
                    RULE["CPER-006"],
                    what=what,
                    value=round(rate, 4),
                    expected=round(theoretical, 4),
                    region=region,
                    show={"value": pct(rate), "expected": pct(theoretical),
                          "gap": f"{gap * 100:.1f}"},
                )
            )  # fmt: skip
        years = as_of.year - pd.Timestamp(start).year
        if years >= 3 and amounts["ae"] > 0 and amounts["cp"] / amounts["ae"] < 0.3:
            ratio = float(amounts["cp"] / amounts["ae"])
            out.append(
                finding(
                    RULE["CPER-007"],
                    what=what,
                    value=round(ratio, 3),
                    region=region,
                    show={"years": years},
                )
            )
    return out


__all__ = ["INITIAL", "contract_pace", "cumulative_rules", "flows"]


def pace_by_region(
    frame: pd.DataFrame, data: CperDataset, regions: dict[str, str | None], as_of: dt.date
) -> dict[str, list[dict[str, Any]]]:
    """Per region: for each contract and financer with execution flows, AE and CP as shares of
    the contracted credits (current version) and the theoretical rate (the HTML chart)."""
    env = current_envelopes(data)
    if frame.empty or env.empty:
        return {}
    env = env[env["nature_credit"] == "CONTRACTUALISE"]
    base = env.groupby(["contrat_id", "financeur_type"])["amount"].sum()
    done = frame.groupby(["contrat_id", "financeur_type"])[["ae", "cp"]].sum()
    contracts = data.table("contrats").drop_duplicates("contrat_id").set_index("contrat_id")
    out: dict[str, list[dict[str, Any]]] = {}
    for raw_key, amounts in done.iterrows():
        cid, financer = cast(tuple[str, str], raw_key)
        contracted = float(base.get((cid, financer), 0.0))
        if contracted <= 0 or cid not in contracts.index:
            continue
        start: Any = contracts.at[cid, "date_debut"]
        end: Any = contracts.at[cid, "date_fin"]
        if start is None or end is None or pd.isna(start) or pd.isna(end):
            continue
        theoretical = year_fraction(pd.Timestamp(start).date(), pd.Timestamp(end).date(), as_of)
        out.setdefault(regions.get(cid) or "national", []).append(
            {"contract": cid, "financer": financer, "ae": float(amounts["ae"]) / contracted,
             "cp": float(amounts["cp"]) / contracted, "theoretical": theoretical}
        )  # fmt: skip
    return out
