"""Header vocabulary of CPER follow-up tables as regions keep them (CPER.md §3.8): which
canonical field a (possibly two-level, merged) header feeds, the unit it announces, and the
national volet a region's own volet label maps to."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fundcheck.cper_model import Unit


def fold(text: object) -> str:
    """Lower case, no accents, single spaces: the form headers are compared in."""
    raw = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in raw if not unicodedata.combining(c)).lower().split())


@dataclass(frozen=True)
class HeaderMeaning:
    """What a column holds: a field of an operation, a financer's planned amount, or the
    cumulative AE/CP of the State."""

    field: str  # operation field, "financement", "ae_cumul", "cp_cumul", "programme"
    financer: str | None = None
    synonym: str = ""


UNIT_PATTERNS = (
    (re.compile(r"\bmd ?(?:€|eur)"), Unit.GEUR),
    (re.compile(r"\bm ?(?:€|eur)|millions? d'euros"), Unit.MEUR),
    (re.compile(r"\bk ?(?:€|eur)|milliers d'euros"), Unit.KEUR),
    (re.compile(r"€|\beur(?:os?)?\b"), Unit.EUR),
)
FINANCERS = (
    ("feder", "UE"), ("fse", "UE"), ("fonds europ", "UE"), ("union europ", "UE"), (" ue", "UE"),
    ("etat", "ETAT"), ("region", "REGION"), ("departement", "DEPARTEMENT"),
    ("autres", "AUTRE_PUBLIC"), ("collectivit", "AUTRE_PUBLIC"), ("epci", "BLOC_COMMUNAL"),
)  # fmt: skip
FINANCING_GROUP = ("plan de financement", "financement", "montant contractualise", "contractualis")
OPERATION_FIELDS = (
    ("siret", "mo_siret"),
    ("maitre d'ouvrage", "maitre_ouvrage"), ("maitre d ouvrage", "maitre_ouvrage"),
    ("porteur", "maitre_ouvrage"), ("beneficiaire", "maitre_ouvrage"),
    ("cout total", "cout_total"), ("montant total", "cout_total"), ("cout", "cout_total"),
    ("montant programme", "montant_programme"), ("programmation", "montant_programme"),
    ("date de debut", "date_debut_prevue"), ("debut", "date_debut_prevue"),
    ("date de fin", "date_fin_prevue"), ("fin ", "date_fin_prevue"),
    ("departement", "departement_code"),
    ("intitule", "libelle"), ("libelle", "libelle"), ("projet", "libelle"),
    ("n° operation", "operation_id"), ("numero", "operation_id"), ("identifiant", "operation_id"),
    ("n°", "operation_id"), ("ref", "operation_id"),
    ("statut", "statut"),
)  # fmt: skip
AE = ("ae ", "ae engagees", "engage", "ae consommees", "consommation ae", "autorisations d'eng")
CP = ("cp ", "cp payes", "mandate", "paye", "realise", "credits de paiement")
PROGRAMME = ("programme (bop)", "bop", "programme lolf", "programme budgetaire")
VOLET_KEYWORDS = (
    ("mobilit", "MOBILITE"), ("transport", "MOBILITE"),
    ("recherche", "ESRI"), ("enseignement", "ESRI"), ("esri", "ESRI"), ("esr", "ESRI"),
    ("ecolog", "TEE"), ("energ", "TEE"), ("tee", "TEE"), ("environnement", "TEE"),
    ("numerique", "NUMERIQUE"), ("innovation", "INNOVATION_FILIERES"),
    ("filiere", "INNOVATION_FILIERES"), ("territ", "TERRITORIAL"), ("cohesion", "TERRITORIAL"),
    ("amenagement", "TERRITORIAL"), ("emploi", "EMPLOI_FORMATION"),
    ("formation", "EMPLOI_FORMATION"), ("culture", "CULTURE"), ("patrimoine", "CULTURE"),
    ("sante", "SANTE"), ("econom", "ECONOMIE"), ("productif", "ECONOMIE"),
)  # fmt: skip


def unit_of(text: str) -> Unit | None:
    """The unit a header announces ("Coût total (en M€)" → M€), if any."""
    folded = fold(text)
    for pattern, unit in UNIT_PATTERNS:
        if pattern.search(folded):
            return unit
    return None


def meaning(group: str, header: str) -> HeaderMeaning | None:
    """What a column holds, from its group header (merged cell above, may be empty) and its
    own header."""
    own, both = f" {fold(header)} ", f" {fold(group)} {fold(header)} "
    if any(word in own for word in PROGRAMME):
        return HeaderMeaning("programme", synonym="programme (BOP)")
    if any(word in both for word in AE) and "cp" not in own.split():
        return HeaderMeaning("ae_cumul", "ETAT", synonym="AE engagées")
    if any(word in both for word in CP):
        return HeaderMeaning("cp_cumul", "ETAT", synonym="CP payés")
    in_group = any(word in both for word in FINANCING_GROUP)
    if in_group or fold(group):
        for word, financer in FINANCERS:
            if word in own:
                return HeaderMeaning("financement", financer, synonym=word.strip())
    for word, field in OPERATION_FIELDS:
        if word in own:
            return HeaderMeaning(field, synonym=word.strip())
    return None


def national_volet(label: str) -> str:
    """The national volet a region's volet label maps to (AUTRE when none matches)."""
    folded = f" {fold(label)} "
    for word, volet in VOLET_KEYWORDS:
        if word in folded:
            return volet
    return "AUTRE"


TOTAL_ROW = re.compile(r"^\s*(sous[- ]?)?total\b", re.I)
