"""The canonical CPER record kind: contracts, avenants, volets, envelopes, operations, their
financing plans and yearly AE/CP execution flows (CPER.md §3).

A CPER dataset is a set of tables (one DataFrame each) whose columns are the canonical fields below,
plus ``_source``, ``_sheet``, ``_row`` (where each record was read) and ``_unite`` (the unit the
source printed its amounts in: €, k€, M€ or Md€). Amounts are ``Decimal`` euros rounded to the cent;
execution rows are *flows* per budget year (``ae_engagees`` may be negative: a retrait
d'engagement), cumulatives are derived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

import pandas as pd

from fundcheck.model import FieldSpec, FieldType, Provenance


class Unit(StrEnum):
    """Unit a source prints its amounts in, with its factor to euros."""

    EUR = "€"
    KEUR = "k€"
    MEUR = "M€"
    GEUR = "Md€"

    @property
    def factor(self) -> Decimal:
        return {"€": Decimal(1), "k€": Decimal(1_000), "M€": Decimal(10**6), "Md€": Decimal(10**9)}[
            self.value
        ]


TYPES_CONTRAT = ("CPER", "CPIER", "CCT", "ARR", "CONTRAT_AVENIR")
GENERATIONS = (
    "1984-1988",
    "1989-1993",
    "1994-1999",
    "2000-2006",
    "2007-2013",
    "2015-2020",
    "2021-2027",
)
STATUTS_CONTRAT = ("MANDAT", "PROTOCOLE", "SIGNE", "CLOS")
TYPES_AVENANT = (
    "PROTOCOLE_ACCORD",
    "AVENANT",
    "AVENANT_MOBILITE",
    "REVOYURE",
    "PROROGATION",
    "ACCORD_RELANCE",
    "TRANSFERT_ENTRE_VOLETS",
)
VOLETS_NATIONAUX = (
    "MOBILITE",
    "ESRI",
    "TEE",
    "NUMERIQUE",
    "INNOVATION_FILIERES",
    "TERRITORIAL",
    "EMPLOI_FORMATION",
    "CULTURE",
    "SANTE",
    "ECONOMIE",
    "AUTRE",
)
FINANCEURS = (
    "ETAT",
    "OPERATEUR_ETAT",
    "REGION",
    "DEPARTEMENT",
    "BLOC_COMMUNAL",
    "UE",
    "AUTRE_PUBLIC",
    "PRIVE",
)
NATURES_CREDIT = ("CONTRACTUALISE", "VALORISE", "RELANCE")
STATUTS_OPERATION = ("INSCRITE", "PROGRAMMEE", "ENGAGEE", "EN_TRAVAUX", "SOLDEE", "ABANDONNEE")
COFINANCEMENTS_UE = ("AUCUN", "FEDER", "FSE+", "FEADER", "FTJ", "FEAMPA", "INTERREG")
SOURCES_SYSTEME = (
    "CHORUS",
    "SYNERGIE_CPER",
    "SI_REGION",
    "TABLEUR_SGAR",
    "RAP",
    "RAPPORT_PARLEMENTAIRE",
)
INITIAL = "INITIAL"  # avenant_id of the signed contract's envelopes
PROGRAMME_LEVEL = "_PROGRAMME_"  # operation_id of programme-level execution rows

T, C, D, A, N = FieldType.TEXT, FieldType.CODE, FieldType.DATE, FieldType.AMOUNT, FieldType.RATE


def _f(name: str, kind: FieldType, fr: str, en: str) -> FieldSpec:
    return FieldSpec(name, kind, fr, en)


@dataclass(frozen=True)
class TableSpec:
    """One table of the CPER model: its canonical fields, key and French sheet name."""

    name: str
    sheet: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    doc_fr: str
    doc_en: str
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "contrats",
        "Contrats",
        (
            _f("contrat_id", C, "Identifiant du contrat", "Contract id"),
            _f("type_contrat", C, "Type de contrat", "Contract type"),
            _f("generation", C, "Génération", "Generation"),
            _f("region_code", C, "Code région (INSEE)", "Region code (INSEE)"),
            _f("region_code_ancien", C, "Code région avant 2016", "Pre-2016 region code"),
            _f("date_signature", D, "Date de signature", "Signature date"),
            _f("date_debut", D, "Date de début", "Start date"),
            _f("date_fin", D, "Date de fin", "End date"),
            _f("date_fin_engagements", D, "Date de fin des engagements", "Last commitment date"),
            _f("statut", C, "Statut", "Status"),
            _f("cle_etat", N, "Clé État déclarée (part État / État + Région)", "Declared key"),
            _f("montant_etat", A, "Montant État contractualisé signé", "State contracted amount"),
            _f(
                "montant_region",
                A,
                "Montant Région contractualisé signé",
                "Region contracted amount",
            ),
        ),
        ("contrat_id",),
        "Un contrat par ligne (CPER, CPIER, CCT, accord de relance).",
        "One contract per row (CPER, CPIER, CCT, recovery agreement).",
        {"type_contrat": TYPES_CONTRAT, "generation": GENERATIONS, "statut": STATUTS_CONTRAT},
    ),
    TableSpec(
        "avenants",
        "Avenants",
        (
            _f("avenant_id", C, "Identifiant de l'avenant", "Amendment id"),
            _f("contrat_id", C, "Identifiant du contrat", "Contract id"),
            _f("numero", C, "Numéro", "Number"),
            _f("type_avenant", C, "Type d'avenant", "Amendment type"),
            _f("date_signature", D, "Date de signature", "Signature date"),
            _f("objet", T, "Objet", "Purpose"),
            _f("volet_code", C, "Code volet", "Volet code"),
        ),
        ("avenant_id",),
        "Protocoles, avenants, revoyures, prorogations, transferts entre volets.",
        "Protocols, amendments, mid-term reviews, extensions, transfers between volets.",
        {"type_avenant": TYPES_AVENANT},
    ),
    TableSpec(
        "volets",
        "Volets",
        (
            _f("contrat_id", C, "Identifiant du contrat", "Contract id"),
            _f("volet_code", C, "Code volet", "Volet code"),
            _f("libelle", T, "Libellé du volet", "Volet label"),
            _f("volet_national", C, "Volet national", "National volet"),
        ),
        ("contrat_id", "volet_code"),
        "Les volets du contrat, dans les mots de la région, rattachés à la taxonomie nationale.",
        "The contract's volets, in the region's words, mapped to the national taxonomy.",
        {"volet_national": VOLETS_NATIONAUX},
    ),
    TableSpec(
        "enveloppes",
        "Enveloppes",
        (
            _f("contrat_id", C, "Identifiant du contrat", "Contract id"),
            _f("volet_code", C, "Code volet", "Volet code"),
            _f("avenant_id", C, "Avenant (INITIAL = contrat signé)", "Amendment (INITIAL)"),
            _f("financeur_type", C, "Type de financeur", "Financer type"),
            _f("financeur_id", C, "Financeur (programme, SIREN, CCI)", "Financer id"),
            _f("nature_credit", C, "Nature des crédits", "Nature of credits"),
            _f("montant", A, "Montant", "Amount"),
            _f("date_effet", D, "Date d'effet", "Effective date"),
        ),
        (
            "contrat_id",
            "volet_code",
            "avenant_id",
            "financeur_type",
            "financeur_id",
            "nature_credit",
        ),
        "La maquette financière, par version (contrat initial puis avenants).",
        "The financial table, per version (signed contract, then amendments).",
        {"financeur_type": FINANCEURS, "nature_credit": NATURES_CREDIT},
    ),
    TableSpec(
        "operations",
        "Operations",
        (
            _f("operation_id", C, "Identifiant de l'opération", "Operation id"),
            _f("contrat_id", C, "Identifiant du contrat", "Contract id"),
            _f("volet_code", C, "Code volet", "Volet code"),
            _f("libelle", T, "Intitulé de l'opération", "Operation title"),
            _f("maitre_ouvrage", T, "Maître d'ouvrage", "Project owner"),
            _f("mo_siret", C, "SIRET du maître d'ouvrage", "Project owner SIRET"),
            _f("departement_code", C, "Département", "Département"),
            _f("cout_total", A, "Coût total", "Total cost"),
            _f("date_debut_prevue", D, "Date de début prévue", "Planned start"),
            _f("date_fin_prevue", D, "Date de fin prévue", "Planned end"),
            _f("statut", C, "Statut", "Status"),
            _f("cofinancement_ue", C, "Cofinancement UE", "EU co-financing"),
            _f("ue_cci", C, "CCI du programme UE", "EU programme CCI"),
            _f("montant_programme", A, "Montant programmé", "Programmed amount"),
        ),
        ("operation_id",),
        "Les opérations inscrites, avec leur coût total.",
        "The operations entered in the contract, with their total cost.",
        {"statut": STATUTS_OPERATION, "cofinancement_ue": COFINANCEMENTS_UE},
    ),
    TableSpec(
        "financements",
        "Financements",
        (
            _f("operation_id", C, "Identifiant de l'opération", "Operation id"),
            _f("financeur_type", C, "Type de financeur", "Financer type"),
            _f("financeur_id", C, "Financeur (programme, SIREN, CCI)", "Financer id"),
            _f("nature_credit", C, "Nature des crédits", "Nature of credits"),
            _f("montant_prevu", A, "Montant prévu", "Planned amount"),
        ),
        ("operation_id", "financeur_type", "financeur_id", "nature_credit"),
        "Le plan de financement de chaque opération, un financeur par ligne.",
        "Each operation's financing plan, one financer per row.",
        {"financeur_type": FINANCEURS, "nature_credit": NATURES_CREDIT},
    ),
    TableSpec(
        "execution",
        "Execution",
        (
            _f("contrat_id", C, "Identifiant du contrat", "Contract id"),
            _f("volet_code", C, "Code volet", "Volet code"),
            _f("operation_id", C, "Opération (_PROGRAMME_ si globale)", "Operation id"),
            _f("financeur_type", C, "Type de financeur", "Financer type"),
            _f("financeur_id", C, "Financeur (programme BOP pour l'État)", "Financer id"),
            _f("exercice", C, "Exercice", "Budget year"),
            _f("ae_engagees", A, "AE engagées dans l'exercice", "Commitments of the year"),
            _f("cp_payes", A, "CP payés dans l'exercice", "Payments of the year"),
            _f("date_arrete", D, "Date d'arrêté", "Snapshot date"),
            _f("source_systeme", C, "Système source", "Source system"),
        ),
        (
            "contrat_id",
            "volet_code",
            "operation_id",
            "financeur_type",
            "financeur_id",
            "exercice",
            "date_arrete",
        ),
        "Les flux annuels d'AE et de CP par financeur (AE négatives = retraits d'engagement).",
        "Yearly commitment (AE) and payment (CP) flows per financer (negative AE = withdrawals).",
        {"financeur_type": FINANCEURS, "source_systeme": SOURCES_SYSTEME},
    ),
)
TABLE: Mapping[str, TableSpec] = {spec.name: spec for spec in TABLES}

SOURCE, SHEET, ROW, UNIT = "_source", "_sheet", "_row", "_unite"
META = (SOURCE, SHEET, ROW, UNIT)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the canonical columns and the reading metadata."""
    return pd.DataFrame(
        {column: pd.Series(dtype=object) for column in (*TABLE[name].columns, *META)}
    )


@dataclass
class CperDataset:
    """The canonical CPER tables read from one or more sources, with their provenance."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    provenance: list[Provenance] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)
    """How sources were understood (unit conversions, totals rows skipped...), as reader infos."""

    def table(self, name: str) -> pd.DataFrame:
        frame = self.tables.get(name)
        return empty_table(name) if frame is None else frame

    def records(self) -> int:
        return sum(len(frame) for frame in self.tables.values())

    def extend(self, other: CperDataset) -> None:
        for name, frame in other.tables.items():
            parts = [f for f in (self.tables.get(name), frame) if f is not None and not f.empty]
            self.tables[name] = pd.concat(parts, ignore_index=True) if parts else frame
        self.provenance.extend(other.provenance)
        self.notes.extend(other.notes)


CENT = Decimal("0.01")


def to_euros(value: object, unit: Unit = Unit.EUR) -> Decimal | None:
    """An amount in euros rounded to the cent, from a number or a French/English text amount
    ("1 234,56", "1,234.56", "12,5 M€"); None when empty or unreadable."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        for suffix, suffix_unit in (("Md€", Unit.GEUR), ("M€", Unit.MEUR), ("k€", Unit.KEUR)):
            if text.endswith(suffix):
                text, unit = text[: -len(suffix)], suffix_unit
        text = text.rstrip("€").strip()
        if not text or text in ("-", "–"):
            return None
        if "," in text and "." in text:
            text = (
                text.replace(".", "").replace(",", ".")
                if text.rfind(",") > text.rfind(".")
                else text.replace(",", "")
            )
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    return (number * unit.factor).quantize(CENT, rounding=ROUND_HALF_UP)


def as_float(values: pd.Series) -> pd.Series:
    """A column of Decimal amounts as floats (NaN where empty), for aggregate arithmetic."""
    return pd.to_numeric(values.map(lambda v: None if v is None else float(v)), errors="coerce")


def year_fraction(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """The theoretical execution rate: share of the contract's duration elapsed at ``as_of``
    (whole years elapsed / duration in years, capped to [0, 1]), as the published "taux
    théorique" (5/6 = 83,33 %, 4/7 = 57,1 %)."""
    duration = end.year - start.year + 1
    elapsed = as_of.year - start.year + (1 if (as_of.month, as_of.day) == (12, 31) else 0)
    return max(0.0, min(1.0, elapsed / duration)) if duration > 0 else 1.0
