"""CPER rules on contracts and their financial tables: envelopes = signed amounts (or valorised
credits mixed in), State/Region key, one execution year per year, changes without avenant,
regional sums within the national envelope."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd

from fundcheck.checks.cper_base import finding, money, records
from fundcheck.checks.cper_execution import current_envelopes
from fundcheck.checks.cper_rules import RULE
from fundcheck.checks.findings import eur, pct
from fundcheck.cper_model import INITIAL, ROW, SOURCE, CperDataset, as_float

Rows = list[dict[str, Any]]
STATE = ("ETAT", "OPERATEUR_ETAT")


def _initial(data: CperDataset) -> pd.DataFrame:
    env = data.table("enveloppes").copy()
    env["amount"] = as_float(env["montant"]).fillna(0.0)
    return env[env["avenant_id"].astype("string").fillna(INITIAL) == INITIAL]


def signed_amounts(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-001 per contract and financer: Σ initial contracted envelopes = signed amount;
    CPER-008 when the gap is exactly the valorised credits (they were added to the base)."""
    env = _initial(data)
    out: Rows = []
    for rec in records(data.table("contrats")):
        cid = str(rec["contrat_id"])
        part = env[env["contrat_id"] == cid]
        for financer, column in (("ETAT", "montant_etat"), ("REGION", "montant_region")):
            signed = rec.get(column)
            if signed is None or pd.isna(signed):
                continue
            mine = part[part["financeur_type"].isin(STATE if financer == "ETAT" else ("REGION",))]
            contracted = float(mine.loc[mine["nature_credit"] == "CONTRACTUALISE", "amount"].sum())
            valorised = float(mine.loc[mine["nature_credit"] == "VALORISE", "amount"].sum())
            gap = contracted - float(signed)
            if abs(gap) <= 1.0 or contracted == 0:
                continue
            what = f"contrat {cid}, {financer}"
            common = {"region": regions.get(cid), "source": rec.get(SOURCE), "row": rec.get(ROW)}
            if valorised > 0 and abs(gap - valorised) <= 1.0:
                out.append(
                    finding(
                        RULE["CPER-008"],
                        what=what,
                        value=contracted,
                        expected=valorised,
                        field="nature_credit",
                        show={"value": money(contracted), "expected": money(valorised)},
                        **common,
                    )
                )
            else:
                out.append(
                    finding(
                        RULE["CPER-001"],
                        what=what,
                        value=contracted,
                        expected=float(signed),
                        scope="region",
                        field=column,
                        show={"value": money(contracted), "expected": money(signed),
                              "delta": money(gap)},
                        **common,
                    )
                )  # fmt: skip
    return out


def state_key(data: CperDataset, regions: dict[str, str | None], tolerance: float) -> Rows:
    """CPER-013: State share of the contracted credits against the declared key (± tolerance),
    or, with no declared key, outside [40 %, 60 %] (information)."""
    env = current_envelopes(data)
    if env.empty:
        return []
    env = env[env["nature_credit"] == "CONTRACTUALISE"]
    out: Rows = []
    for rec in records(data.table("contrats")):
        cid = str(rec["contrat_id"])
        part = env[env["contrat_id"] == cid]
        state = float(part.loc[part["financeur_type"].isin(STATE), "amount"].sum())
        region = float(part.loc[part["financeur_type"] == "REGION", "amount"].sum())
        if state + region <= 0:
            continue
        share = state / (state + region)
        key = rec.get("cle_etat")
        common = {"what": f"contrat {cid}", "value": round(share, 4), "region": regions.get(cid)}
        if key is not None and not pd.isna(key):
            if abs(share - float(key)) > tolerance:
                out.append(
                    finding(
                        RULE["CPER-013"],
                        expected=float(key),
                        show={"value": pct(share), "expected": pct(float(key))},
                        **common,
                    )
                )
        elif not 0.40 <= share <= 0.60:
            out.append(finding(RULE["CPER-013.sans_cle"], show={"value": pct(share)}, **common))
    return out


def yearly_snapshots(data: CperDataset, regions: dict[str, str | None], as_of: dt.date) -> Rows:
    """CPER-018: every budget year from the contract's start to the last snapshot (or the
    as-of year) has execution flows."""
    execution = data.table("execution")
    execution = execution[execution["source_systeme"] != "TABLEUR_SGAR"]  # cumulative snapshots
    if execution.empty:
        return []
    years = pd.to_numeric(execution["exercice"], errors="coerce")
    present: dict[str, set[int]] = {}
    for cid, year in zip(execution["contrat_id"].astype(str), years, strict=True):
        if not pd.isna(year):
            present.setdefault(cid, set()).add(int(year))
    out: Rows = []
    for rec in records(data.table("contrats")):
        cid = str(rec["contrat_id"])
        start = rec.get("date_debut")
        if cid not in present or start is None or pd.isna(start):
            continue
        seen = present[cid]
        end = rec.get("date_fin")
        last = min(max(seen), as_of.year, pd.Timestamp(end).year if end is not None else 9999)
        for year in range(pd.Timestamp(start).year, last + 1):
            if year not in seen:
                out.append(
                    finding(RULE["CPER-018"], what=f"contrat {cid}", value=year,
                            region=regions.get(cid), field="exercice")
                )  # fmt: skip
    return out


def changes_without_avenant(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-019: an envelope version whose avenant is not in the avenants table (or blank) and
    whose amount differs from the previous version."""
    env = data.table("enveloppes").copy()
    if env.empty:
        return []
    known = set(data.table("avenants")["avenant_id"].astype(str)) | {INITIAL}
    env["amount"] = as_float(env["montant"]).fillna(0.0)
    env["date"] = pd.to_datetime(env["date_effet"], errors="coerce")
    env["version"] = env["avenant_id"].astype("string").fillna("")
    keys = ["contrat_id", "volet_code", "financeur_type", "financeur_id", "nature_credit"]
    env = env.sort_values([*keys, "date"], kind="stable", na_position="first")
    env["previous"] = env.groupby(keys, sort=False, dropna=False)["amount"].shift(1)
    suspect = env[~env["version"].isin(known) & env["previous"].notna()]
    suspect = suspect[(suspect["amount"] - suspect["previous"]).abs() > 1.0]
    return [
        finding(
            RULE["CPER-019"],
            what=f"contrat {rec['contrat_id']}, volet {rec['volet_code']}, {rec['financeur_type']}",
            value=rec["amount"],
            expected=rec["previous"],
            region=regions.get(str(rec["contrat_id"])),
            source=rec.get(SOURCE),
            row=rec.get(ROW),
            field="montant",
            show={"value": money(rec["amount"]), "expected": money(rec["previous"])},
        )
        for rec in records(suspect)
    ]


def national_envelope(data: CperDataset, mobility_state_eur: float) -> Rows:
    """CPER-023: Σ regional State mobility envelopes 2021-2027 within the national 9,0 Md€
    (+ 5 %)."""
    env = current_envelopes(data)
    if env.empty:
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
    pairs = list(zip(env["contrat_id"].astype(str), env["volet_code"].astype(str), strict=True))
    mask = [p in mobility for p in pairs]
    part = env[mask]
    part = part[part["financeur_type"].isin(STATE) & (part["nature_credit"] == "CONTRACTUALISE")]
    total = float(part["amount"].sum())
    if total <= mobility_state_eur * 1.05:
        return []
    return [
        finding(
            RULE["CPER-023"],
            what="volets mobilité 2021-2027, État",
            value=total,
            expected=mobility_state_eur,
            show={"value": eur(total), "expected": eur(mobility_state_eur)},
        )
    ]


def transfers_between_volets(data: CperDataset, regions: dict[str, str | None]) -> Rows:
    """CPER-020 [U]: a financer's contracted credits moved from volet to volet (some volets up,
    others down against the signed contract) with no TRANSFERT_ENTRE_VOLETS avenant. No legal
    limit on such transfers was found: a warning, never an error."""
    env = data.table("enveloppes").copy()
    if env.empty:
        return []
    env = env[env["nature_credit"] == "CONTRACTUALISE"]
    env["amount"] = as_float(env["montant"]).fillna(0.0)
    initial = env[env["avenant_id"].astype("string").fillna(INITIAL) == INITIAL]
    current = current_envelopes(data)
    current = current[current["nature_credit"] == "CONTRACTUALISE"]
    avenants = data.table("avenants")
    allowed = set(
        avenants.loc[avenants["type_avenant"] == "TRANSFERT_ENTRE_VOLETS", "contrat_id"].astype(str)
    )
    keys = ["contrat_id", "financeur_type", "volet_code"]
    before = initial.groupby(keys)["amount"].sum()
    after = current.groupby(keys)["amount"].sum()
    delta = after.sub(before, fill_value=0.0)
    out: Rows = []
    for raw_key, part in delta.groupby(level=[0, 1]):
        cid, financer = (str(k) for k in cast(tuple[str, str], raw_key))
        moved = float(part[part > 1.0].sum())
        if cid in allowed or moved <= 1.0 or not (part < -1.0).any():
            continue
        out.append(
            finding(
                RULE["CPER-020"],
                what=f"contrat {cid}, {financer}",
                value=moved,
                region=regions.get(cid),
                show={"value": money(moved)},
            )
        )
    return out
