"""The CPER demo: deterministic follow-up tables of the 2021-2027 CPER of 13 regions (plus a
2015-2020 tail) calibrated on published figures (CPER.md §5), with known injected defects.

Contract totals per region are CPER.md §5.2 (État / Région / autres, M€, hors mobilités); volets
follow the default split of §5.4; yearly State AE follow the cumulative curve of §5.6 (10, 22,
36, 50, 63 % of the contracted amount at the end of 2021…2025; Région + 8 points; ESRI, TEE and
emploi × 1,15, culture × 1,10), CP = 0,30 × restes à payer + 0,10 × AE of the year. Values are
synthetic [S] where the published figures stop. Written as:

* ``demo_cper_2021_2027.xlsx``: the standard exchange workbook (11 regions + the 2015-2020 tail);
* ``CPER_53_Bretagne_suivi_2025.xlsx``: Bretagne in the standard layout, filled in M€ under a €
  unit (CPER-017);
* ``CPER_32_Hauts-de-France_suivi_2025.xlsx``: Hauts-de-France as a region keeps it (one sheet per
  volet, two-level headers in k€, amounts as text, totals rows; one subtotal off by one cell).

Some CPER operations are also operations of the demo list of operations (same beneficiary,
title and dates), recorded with their FEDER share (a note) or, for a few, without it (CPER-021).
``DemoCper.defects`` lists every injected defect and where its finding must appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.reference import load_reference

SEED = 20251231
AS_OF = dt.date(2026, 3, 16)
SNAPSHOT = pd.Timestamp("2025-12-31")
M = Decimal(1_000_000)
CENT = Decimal("0.01")

# code, name, État, Région, autres (M€, CPER.md §5.2), declared State key, signature
REGIONS = (
    ("11", "Île-de-France", 2400, 3300, 0, 0.42, "2022-07-06"),
    ("24", "Centre-Val de Loire", 417, 476, 0, None, "2022-03-31"),
    ("27", "Bourgogne-Franche-Comté", 745, 745, 0, None, "2022-04-28"),
    ("28", "Normandie", 400, 400, 100, None, "2022-07-12"),
    ("32", "Hauts-de-France", 994.26, 995.21, 770, None, "2023-01-09"),
    ("44", "Grand Est", 1741, 1741, 0, None, "2022-06-27"),
    ("52", "Pays de la Loire", 523.4, 523.4, 0, None, "2022-01-26"),
    ("53", "Bretagne", 465.6, 504.4, 0, 0.48, "2022-03-15"),
    ("75", "Nouvelle-Aquitaine", 951, 951, 0, None, "2023-07-10"),
    ("76", "Occitanie", 2140, 2220, 0, None, "2022-12-01"),
    ("84", "Auvergne-Rhône-Alpes", 2200, 2200, 0, None, "2022-11-10"),
    ("93", "Provence-Alpes-Côte d'Azur", 840, 840, 0, None, "2022-05-24"),
    ("94", "Corse", 150, 150, 0, None, "2022-09-30"),
)
# volet: share (§5.4), national volet, label in the regions' words, State programme, AE factor
VOLETS = (
    ("V1", 0.20, "ESRI", "Enseignement supérieur, recherche et innovation", "P150", 1.15),
    ("V2", 0.25, "TEE", "Transition écologique et énergétique", "P113", 1.15),
    ("V3", 0.32, "TERRITORIAL", "Cohésion des territoires", "P112", 1.00),
    ("V4", 0.08, "EMPLOI_FORMATION", "Emploi et formation", "P103", 1.15),
    ("V5", 0.06, "CULTURE", "Culture et patrimoine", "P175", 1.10),
    ("V6", 0.04, "NUMERIQUE", "Numérique", "P112", 1.00),
    ("V7", 0.03, "SANTE", "Santé", "P112", 1.00),
    ("V8", 0.02, "AUTRE", "Autres actions", "P112", 1.00),
)
AE_CURVE = (0.10, 0.22, 0.36, 0.50, 0.63)  # cumulative State AE at the end of 2021..2025
YEARS = (2021, 2022, 2023, 2024, 2025)
OWNERS = ("Université", "CROUS", "Communauté d'agglomération", "Département", "Syndicat mixte",
          "Commune", "Établissement public foncier", "Conservatoire")  # fmt: skip
WORKS = ("Réhabilitation du site", "Construction du pôle", "Extension de l'équipement",
         "Aménagement du quartier", "Rénovation énergétique du bâtiment",
         "Création de la plateforme")  # fmt: skip
TAIL = ("52", "84", "93")  # regions with a 2015-2020 tail
BEHIND = ("24", "27")  # CPER-006: State 20-25 points behind
STANDARD_FILE = "demo_cper_2021_2027.xlsx"
SGAR_NAME = "CPER_32_Hauts-de-France_suivi_2025.xlsx"


@dataclass(frozen=True)
class CperDefect:
    """One injected defect and where its finding must appear (None = any)."""

    rule: str
    region: str | None
    description: str
    operation_id: str | None = None
    source: str | None = None
    row: int | None = None
    value: Any = None
    also: tuple[str, ...] = ()


@dataclass
class DemoCper:
    """The demo's CPER tables per output file, and its injected defects."""

    files: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    defects: list[CperDefect] = field(default_factory=list)
    eu_matches: int = 0


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits + "0")):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return str((10 - total % 10) % 10)


def _siret(rng: np.random.Generator) -> str:
    siren = "2" + "".join(str(d) for d in rng.integers(0, 10, 7))
    siren += _luhn_digit(siren)
    nic = "".join(str(d) for d in rng.integers(0, 10, 4))
    return siren + nic + _luhn_digit(siren + nic)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT)


class _Builder:
    def __init__(self, eu: pd.DataFrame) -> None:
        self.rng = np.random.default_rng(SEED)
        self.eu = eu
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.file_of: dict[str, str] = {}  # contrat_id -> file
        self.defects: list[CperDefect] = []
        self.eu_used: set[int] = set()
        self.eu_matches = 0
        reference = load_reference()
        self.cci = {
            p.region: cci
            for cci, p in sorted(reference.programmes.items())
            if p.region and "ERDF" in p.funds and p.period.value == "2021-2027"
        }

    def add(self, table: str, record: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(record)

    # ---------------------------------------------------------------- contracts and envelopes
    def contract(self, spec: tuple[Any, ...]) -> None:
        code, name, etat, region, autres, key, signed = spec
        if code == "94":  # CPER-013: State share 0,70, no declared key
            etat = 350
            self.defects.append(CperDefect("CPER-013.sans_cle", code, "État 70 %, no key"))
        cid = f"CPER-2021-{code}"
        written_code = "42" if code == "44" else code  # CPER-016: a pre-2016 code
        if code == "44":
            self.defects.append(CperDefect("CPER-016.ancien", code, "region code 42", value="42"))
        self.file_of[cid] = self._file(code)
        self.add("contrats", {
            "contrat_id": cid, "type_contrat": "CPER", "generation": "2021-2027",
            "region_code": written_code, "date_signature": pd.Timestamp(signed),
            "date_debut": pd.Timestamp("2021-01-01"), "date_fin": pd.Timestamp("2027-12-31"),
            "statut": "SIGNE", "cle_etat": key, "montant_etat": _money(etat) * M,
            "montant_region": _money(region) * M,
        })  # fmt: skip
        effect = pd.Timestamp(signed)
        valorise = round(etat * float(self.rng.uniform(0.5, 1.3)), 2)
        for volet, share, national, label, programme, _ in VOLETS:
            vcode = label[:31] if code == "32" else volet
            self.add("volets", {"contrat_id": cid, "volet_code": vcode, "libelle": label,
                                "volet_national": national})  # fmt: skip
            amounts = [("ETAT", programme, etat), ("REGION", f"REGION-{code}", region)]
            if autres:
                amounts.append(("AUTRE_PUBLIC", "COLLECTIVITES", autres))
            for financer, fid, total in amounts:
                amount = _money(total * share) * M
                if code == "28" and volet == "V3" and financer == "ETAT":  # CPER-008
                    amount += _money(valorise) * M
                self._envelope(cid, vcode, "INITIAL", financer, fid, "CONTRACTUALISE", amount,
                               effect)  # fmt: skip
                if code == "75" and financer == "REGION":  # CPER-005 with an avenant: info
                    self._envelope(cid, vcode, "AV-1", financer, fid, "CONTRACTUALISE",
                                   (amount * Decimal("0.70")).quantize(CENT),
                                   pd.Timestamp("2024-06-30"))  # fmt: skip
                if code == "84" and volet == "V1" and financer == "REGION":  # CPER-019
                    self._envelope(cid, vcode, "AV-7", financer, fid, "CONTRACTUALISE",
                                   (amount * Decimal("1.03")).quantize(CENT),
                                   pd.Timestamp("2025-01-15"))  # fmt: skip
        self._envelope(cid, "V3" if code != "32" else VOLETS[2][3], "INITIAL", "ETAT", "P112",
                       "VALORISE", _money(valorise) * M, effect)  # fmt: skip
        if code == "28":
            self.defects.append(CperDefect("CPER-008", code, "valorisés in the contracted base",
                                           also=("CPER-006",)))  # fmt: skip
        if code == "75":
            self.add("avenants", {"avenant_id": "AV-1", "contrat_id": cid, "numero": "1",
                                  "type_avenant": "AVENANT", "date_signature":
                                  pd.Timestamp("2024-06-30"),
                                  "objet": "Redéploiement de crédits régionaux"})  # fmt: skip
            self.defects.append(CperDefect("CPER-005.avenant", code, "Région AE > amended"))
        if code == "84":
            self.defects.append(CperDefect("CPER-019", code, "amount changed, no avenant"))

    def _envelope(self, cid: str, volet: str, avenant: str, financer: str, fid: str,
                  nature: str, amount: Decimal, effect: pd.Timestamp) -> None:  # fmt: skip
        self.add("enveloppes", {"contrat_id": cid, "volet_code": volet, "avenant_id": avenant,
                                "financeur_type": financer, "financeur_id": fid,
                                "nature_credit": nature, "montant": amount,
                                "date_effet": effect})  # fmt: skip

    @staticmethod
    def _file(code: str) -> str:
        if code == "53":
            return "CPER_53_Bretagne_suivi_2025.xlsx"
        if code == "32":
            return "CPER_32_Hauts-de-France_suivi_2025.xlsx"
        return STANDARD_FILE

    # ---------------------------------------------------------------- operations
    def operations(self, spec: tuple[Any, ...]) -> None:
        code, name, etat, region, autres, _, _ = spec
        etat = 350 if code == "94" else etat
        cid = f"CPER-2021-{code}"
        count = int(np.clip(round((etat + region + autres) / 25), 24, 150))
        shares = np.array([v[1] for v in VOLETS])
        volet_of = self.rng.choice(len(VOLETS), size=count, p=shares / shares.sum())
        weights = self.rng.lognormal(0.0, 1.3, size=count)
        factor = float(self.rng.uniform(0.99, 1.04)) * (0.75 if code in BEHIND else 1.0)
        eu_rows = self._eu_rows(code)
        if code in BEHIND:
            self.defects.append(CperDefect("CPER-006", code, "State 20-25 points behind"))
        for v_index, (volet, share, national, label, programme, v_factor) in enumerate(VOLETS):
            members = np.flatnonzero(volet_of == v_index)
            if members.size == 0:
                continue
            total = (etat + region + autres) * share * 1e6
            costs = weights[members] / weights[members].sum() * total
            other_share = autres / (etat + region + autres)
            jitter = self.rng.uniform(-0.15, 0.15, size=members.size)
            jitter -= float((jitter * costs).sum() / costs.sum())  # the contract key holds
            shares_of = etat / (etat + region + autres) + jitter
            for local, cost, state_share in zip(members, costs, shares_of, strict=True):
                op_id = f"{code}-{volet}-{local + 1:03d}"
                vcode = label[:31] if code == "32" else volet
                ae_factor = min(v_factor * factor, 1.5)
                self._operation(cid, code, op_id, vcode, programme, float(cost), state_share,
                                other_share, ae_factor, national, eu_rows)  # fmt: skip

    def _eu_rows(self, code: str) -> list[int]:
        eu = self.eu
        rows = eu.index[(eu["_region"] == code) & (eu["Fonds"] == "FEDER")].tolist()
        return [r for r in rows if r not in self.eu_used]

    def _operation(self, cid: str, code: str, op_id: str, volet: str, programme: str,
                   cost: float, state_share: float, other_share: float, ae_factor: float,
                   national: str, eu_rows: list[int]) -> None:  # fmt: skip
        rng = self.rng
        start = pd.Timestamp(int(rng.integers(2021, 2025)), int(rng.integers(1, 13)), 1)
        end = start + pd.DateOffset(years=int(rng.integers(1, 5)))
        owner = f"{OWNERS[int(rng.integers(len(OWNERS)))]} {op_id}"
        title = f"{WORKS[int(rng.integers(len(WORKS)))]} {op_id}"
        eu_share, eu_amount, counted_twice = 0.0, None, False
        draw = rng.random()
        if national in ("ESRI", "TEE") and draw < 0.12 and eu_rows and code not in ("53",):
            row = eu_rows.pop(int(rng.integers(len(eu_rows))))
            self.eu_used.add(row)
            eu_row: dict[Any, Any] = self.eu.loc[row].to_dict()
            owner, title = str(eu_row["Nom du bénéficiaire"]), str(eu_row["Intitulé du projet"])
            start = pd.Timestamp(eu_row["Date de début de l'opération"])
            end = pd.Timestamp(eu_row["Date de fin de l'opération"])
            eu_amount = float(eu_row["Montant UE"])
            cost = max(cost, eu_amount / 0.3)
            self.eu_matches += 1
            counted_twice = draw < 0.03  # CPER-021: the FEDER share counted in the Région's
        elif national in ("ESRI", "TEE") and draw < 0.12:
            eu_share = float(rng.uniform(0.2, 0.4))
        cost_d = _money(cost)
        state = _money(cost * min(0.9, max(0.1, state_share)))
        others = _money(cost * other_share)
        ue = _money(eu_amount) if eu_amount is not None else _money(cost * eu_share)
        regional = cost_d - state - others - (Decimal(0) if counted_twice else ue)
        siret = _siret(rng)
        record = {"operation_id": op_id, "contrat_id": cid, "volet_code": volet,
                  "libelle": title, "maitre_ouvrage": owner, "mo_siret": siret,
                  "cout_total": cost_d, "date_debut_prevue": start, "date_fin_prevue": end,
                  "statut": "ENGAGEE", "cofinancement_ue": "FEDER" if ue and not counted_twice
                  else "AUCUN", "ue_cci": self.cci.get(code) if ue else None}  # fmt: skip
        self.add("operations", record)
        plans = [("ETAT", programme, state), ("REGION", f"REGION-{code}", regional)]
        if others:
            plans.append(("AUTRE_PUBLIC", "COLLECTIVITES", others))
        if ue and not counted_twice:
            plans.append(("UE", self.cci.get(code, "FEDER"), ue))
        for financer, fid, amount in plans:
            self.add("financements", {"operation_id": op_id, "financeur_type": financer,
                                      "financeur_id": fid, "nature_credit": "CONTRACTUALISE",
                                      "montant_prevu": amount})  # fmt: skip
        if counted_twice:
            self.defects.append(CperDefect("CPER-021", code, "FEDER counted as Région",
                                           operation_id=op_id))  # fmt: skip
        self._flows(cid, code, op_id, volet, programme, float(state), float(regional), ae_factor)

    def _flows(self, cid: str, code: str, op_id: str, volet: str, programme: str,
               state: float, regional: float, factor: float) -> None:  # fmt: skip
        series = (
            ("ETAT", programme, state, [min(0.97, c * factor) for c in AE_CURVE]),
            ("REGION", f"REGION-{code}", regional, [min(0.97, c + 0.08) for c in AE_CURVE]),
        )
        for financer, fid, plan, curve in series:
            ae_cum = rap = 0.0
            for k, year in enumerate(YEARS):
                ae = plan * curve[k] - ae_cum
                if financer == "ETAT" and k >= 2 and self.rng.random() < 0.01 and rap > 0:
                    ae = -0.5 * rap  # a legal withdrawal (retrait d'engagement)
                cp = 0.30 * rap + 0.10 * max(ae, 0.0)
                ae_cum += ae
                rap += ae - cp
                self.add("execution", {"contrat_id": cid, "volet_code": volet,
                                       "operation_id": op_id, "financeur_type": financer,
                                       "financeur_id": fid, "exercice": year,
                                       "ae_engagees": _money(ae), "cp_payes": _money(cp),
                                       "date_arrete": SNAPSHOT,
                                       "source_systeme": "SYNERGIE_CPER"})  # fmt: skip

    # ---------------------------------------------------------------- 2015-2020 tail
    def tail(self, code: str) -> None:
        cid = f"CPER-2015-{code}"
        self.file_of[cid] = STANDARD_FILE
        self.add("contrats", {
            "contrat_id": cid, "type_contrat": "CPER", "generation": "2015-2020",
            "region_code": code, "date_signature": pd.Timestamp("2015-06-30"),
            "date_debut": pd.Timestamp("2015-01-01"), "date_fin": pd.Timestamp("2020-12-31"),
            "date_fin_engagements": pd.Timestamp("2020-12-31"), "statut": "CLOS",
        })  # fmt: skip
        for volet, national, label, programme, amount in (
            ("M", "MOBILITE", "Mobilité multimodale", "P203", 300.0),
            ("E", "ESRI", "Enseignement supérieur, recherche et innovation", "P150", 150.0),
            ("T", "TERRITORIAL", "Volet territorial", "P112", 60.0),
        ):
            self.add("volets", {"contrat_id": cid, "volet_code": volet, "libelle": label,
                                "volet_national": national})  # fmt: skip
            for financer, fid in (("ETAT", programme), ("REGION", f"REGION-{code}")):
                self._envelope(cid, volet, "INITIAL", financer, fid, "CONTRACTUALISE",
                               _money(amount) * M, pd.Timestamp("2015-06-30"))  # fmt: skip
            last = 2022 if national == "MOBILITE" else 2020
            ae_years = list(range(2015, last + 1))
            rap = 0.0
            for year in range(2015, 2025):
                ae = 0.95 * amount * 1e6 / len(ae_years) if year in ae_years else 0.0
                cp = 0.30 * rap + 0.10 * ae
                rap += ae - cp
                self.add("execution", {"contrat_id": cid, "volet_code": volet,
                                       "operation_id": "_PROGRAMME_", "financeur_type": "ETAT",
                                       "financeur_id": programme, "exercice": year,
                                       "ae_engagees": _money(ae), "cp_payes": _money(cp),
                                       "date_arrete": SNAPSHOT,
                                       "source_systeme": "CHORUS"})  # fmt: skip


def _pick(rng: np.random.Generator, pool: list[int], n: int) -> list[int]:
    chosen = sorted(int(i) for i in rng.choice(len(pool), size=min(n, len(pool)), replace=False))
    picked = [pool[i] for i in chosen]
    for index in sorted(chosen, reverse=True):
        pool.pop(index)
    return picked


def _inject(builder: _Builder) -> None:
    """Alter rows of the clean tables (each operation carries at most one defect)."""
    rng = np.random.default_rng(SEED + 1)
    ops = builder.tables["operations"]
    plans = builder.tables["financements"]
    flows = builder.tables["execution"]
    twice = {d.operation_id for d in builder.defects if d.operation_id}
    negative = {f["operation_id"] for f in flows if f["ae_engagees"] < 0}
    pool = [i for i, op in enumerate(ops)
            if op["contrat_id"][-2:] not in ("53", "32") and op["operation_id"] not in twice
            and op["operation_id"] not in negative]  # fmt: skip
    total = len(ops)
    defects = builder.defects

    def region(op: dict[str, Any]) -> str:
        return "44" if op["contrat_id"].endswith("-44") else str(op["contrat_id"][-2:])

    for i in _pick(rng, pool, round(total * 0.015)):  # CPER-001
        ops[i]["cout_total"] += Decimal(50_000)
        defects.append(CperDefect("CPER-001", region(ops[i]), "cost ≠ financers",
                                  operation_id=ops[i]["operation_id"]))  # fmt: skip
    by_op: dict[str, list[dict[str, Any]]] = {}
    for flow in flows:
        by_op.setdefault(flow["operation_id"], []).append(flow)
    for i in _pick(rng, pool, round(total * 0.005)):  # CPER-003
        mine = [f for f in by_op[ops[i]["operation_id"]] if f["financeur_type"] == "ETAT"]
        rap = sum(f["ae_engagees"] - f["cp_payes"] for f in mine)
        mine[-1]["cp_payes"] += rap + Decimal(10_000)
        defects.append(CperDefect("CPER-003", region(ops[i]), "CP > AE",
                                  operation_id=ops[i]["operation_id"]))  # fmt: skip
    plan_of = {(p["operation_id"], p["financeur_type"]): p for p in plans}
    for i in _pick(rng, pool, round(total * 0.01)):  # CPER-005 per operation
        op_id = ops[i]["operation_id"]
        mine = [f for f in by_op[op_id] if f["financeur_type"] == "REGION"]
        mine[-2]["ae_engagees"] += plan_of[(op_id, "REGION")]["montant_prevu"] * Decimal("0.5")
        defects.append(CperDefect("CPER-005", region(ops[i]), "AE > planned, no avenant",
                                  operation_id=op_id))  # fmt: skip
    for n, i in enumerate(_pick(rng, pool, round(total * 0.02))):  # CPER-014
        ops[i]["volet_code"] = ("V 1", "Volet ESRI", "V9", "Cohésion")[n % 4]
        defects.append(CperDefect("CPER-014", region(ops[i]), "unknown volet",
                                  operation_id=ops[i]["operation_id"]))  # fmt: skip
    variants = (("{}", "CPER-015.normalise"), ("BOP 0{}-C001", "CPER-015.normalise"),
                ("P1{}", "CPER-015"))  # fmt: skip
    for n, i in enumerate(_pick(rng, pool, round(total * 0.03))):  # CPER-015
        plan = plan_of[(ops[i]["operation_id"], "ETAT")]
        form, rule = variants[n % 3]
        plan["financeur_id"] = form.format(plan["financeur_id"][1:])
        defects.append(CperDefect(rule, region(ops[i]), "programme written differently",
                                  operation_id=ops[i]["operation_id"]))  # fmt: skip
    for i in _pick(rng, pool, round(total * 0.01)):  # CPER-027
        siret = ops[i]["mo_siret"]
        ops[i]["mo_siret"] = siret[:-1] + str((int(siret[-1]) + 1) % 10)
        defects.append(CperDefect("CPER-027", region(ops[i]), "invalid SIRET",
                                  operation_id=ops[i]["operation_id"]))  # fmt: skip
    for i in _pick(rng, pool, round(total * 0.005)):  # CPER-026
        op = ops[i]
        op["date_debut_prevue"], op["date_fin_prevue"] = (
            op["date_fin_prevue"],
            op["date_debut_prevue"],
        )
        defects.append(CperDefect("CPER-026", region(op), "end before start",
                                  operation_id=op["operation_id"]))  # fmt: skip
    # CPER-009: AE in 2023 on the closed 2015-2020 generation (non-mobility), 5 rows
    closed = [f for f in flows if f["contrat_id"].startswith("CPER-2015") and f["exercice"] == 2023
              and f["volet_code"] != "M"]  # fmt: skip
    for flow in closed[:5]:
        flow["ae_engagees"] = Decimal(250_000)
        flow["_defect"] = "CPER-009"  # its row is known once the file is laid out
    # CPER-018: Occitanie has no 2023 snapshot (its 2023 flows are booked with 2024)
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for flow in flows:
        if flow["contrat_id"] == "CPER-2021-76" and flow["exercice"] in (2023, 2024):
            key = (flow["operation_id"], flow["financeur_type"])
            if key in merged:
                merged[key]["ae_engagees"] += flow["ae_engagees"]
                merged[key]["cp_payes"] += flow["cp_payes"]
                flow["_drop"] = True
            else:
                flow["exercice"] = 2024
                merged[key] = flow
    builder.tables["execution"] = [f for f in flows if not f.pop("_drop", False)]
    defects.append(CperDefect("CPER-018", "76", "no 2023 snapshot", value=2023))


def generate_cper_demo(eu: pd.DataFrame) -> DemoCper:
    """The demo CPER tables; ``eu`` is the demo list of operations (national headers) with an
    added ``_region`` column (INSEE code of its programme)."""
    builder = _Builder(eu)
    for spec in REGIONS:
        builder.contract(spec)
    for spec in REGIONS:
        builder.operations(spec)
    for code in TAIL:
        builder.tail(code)
    _inject(builder)
    demo = DemoCper(defects=builder.defects, eu_matches=builder.eu_matches)
    op_contract = {op["operation_id"]: op["contrat_id"] for op in builder.tables["operations"]}
    for name, rows in builder.tables.items():
        frame = pd.DataFrame(rows)
        contract = (
            frame["contrat_id"] if "contrat_id" in frame else frame["operation_id"].map(op_contract)
        )
        files = contract.map(builder.file_of)
        if name in ("contrats", "volets", "enveloppes", "avenants"):
            files = files.where(files != SGAR_NAME, STANDARD_FILE)
        for file in files.unique():
            part = frame[files == file].reset_index(drop=True)
            if "_defect" in part.columns:
                for index in part.index[part["_defect"].notna()]:
                    rule, cid = part.at[index, "_defect"], part.at[index, "contrat_id"]
                    demo.defects.append(
                        CperDefect(str(rule), str(cid)[-2:], "AE after the end",
                                   source=str(file), row=int(index) + 2)
                    )  # fmt: skip
                part = part.drop(columns="_defect")
            demo.files.setdefault(str(file), {})[name] = part
    demo.defects.append(CperDefect("CPER-017", "53", "M€ under a € unit",
                                   source="CPER_53_Bretagne_suivi_2025.xlsx"))  # fmt: skip
    demo.defects.append(CperDefect("CPER-002", "32", "subtotal off by one cell",
                                   source="CPER_32_Hauts-de-France_suivi_2025.xlsx"))  # fmt: skip
    return demo
