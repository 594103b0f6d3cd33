"""Codes: postcodes, départements, regions, intervention fields, specific objectives, funds,
countries and CCIs, normalised to the form the rules check.

Each normaliser takes one distinct text and returns the code with the normalisation kind it
applied (``None`` when the text was already in canonical form). A text that cannot be
understood is kept as it is, so the validity rules can report it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache

import numpy as np
import pandas as pd

from fundcheck.columns import spread_text
from fundcheck.connectors.cells import ColumnResult, as_text, summarise
from fundcheck.connectors.country_names import COUNTRY_BY_NAME
from fundcheck.reference import FUND_ALIASES, read_rows
from fundcheck.reference.lookups import (
    code_of_label,
    departement_names,
    intervention_field_labels,
    region_names,
    specific_objective_code,
    words,
)

Normaliser = Callable[[str], tuple[str, str | None]]

_DECIMAL_ZERO = re.compile(r"^(\d+)\.0+$")
_DEPARTEMENT = re.compile(r"^(\d{1,3}|2[AB])(?:\s*[-–—/:(]\s*\D.*)?$")
_REGION_CODE = re.compile(r"^(\d{1,2})(?:\.0+)?(?:\s*[-–—/:]\s*.*|\s+\D.*)?$")
_INTERVENTION = re.compile(r"^0*(\d{1,3})(?:\.0+)?(?![\d.,])")
_CODE_LIST = re.compile(r"^\d{1,3}(?:\s*,\s*\d{1,3})+$")


def _changed(value: str, text: str, kind: str) -> tuple[str, str | None]:
    return value, (kind if value != text else None)


def plain_key(text: str) -> str:
    """Upper case, no accents, single spaces: the form names are looked up under."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("’", "'").split()).upper()


def postcode(text: str) -> tuple[str, str | None]:
    """French postcode: 5 digits, a lost leading zero restored ("1000" -> "01000")."""
    value = "".join(text.split())
    decimal = _DECIMAL_ZERO.match(value)
    if decimal:
        value = decimal.group(1)
    if value.isdigit() and len(value) == 4:
        value = "0" + value
    return _changed(value, text, "postcode_padded")


_DEPARTEMENT_TAG = re.compile(r"^(?:DEPT?|DEP)\s*[/:]\s*", re.IGNORECASE)


def _one_departement(text: str) -> str | None:
    value = _DEPARTEMENT_TAG.sub("", text.strip())
    compact = "".join(value.split()).upper()
    decimal = _DECIMAL_ZERO.match(compact)
    if decimal:
        compact = decimal.group(1)
    found = _DEPARTEMENT.match(compact) or _DEPARTEMENT.match(value.upper())
    if found:
        code = found.group(1)
        if len(code) == 3 and code.startswith("0"):  # "058" -> "58" (INSEE 3-digit form)
            code = code[1:]
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        return code
    return departement_names().get(words(value))


def departement(text: str) -> tuple[str, str | None]:
    """Département code: "1" -> "01", "75.0" -> "75", "2a" -> "2A", "97 4" -> "974",
    "058/Nièvre" -> "58", a name ("Mayotte") -> "976"; several ("054/… | 057/…") -> "54|57"."""
    parts = [p for p in re.split(r"\s*[|;]\s*", text.strip()) if p]
    codes = [_one_departement(part) for part in parts]
    if not codes or any(code is None for code in codes):
        return text, None
    value = "|".join(dict.fromkeys(c for c in codes if c))
    return _changed(value, text, "code_padded")


@cache
def _region_lookup() -> tuple[frozenset[str], Mapping[str, str], Mapping[str, str]]:
    """(modern INSEE codes, old code -> modern code, name key -> modern code)."""
    modern: set[str] = set()
    old: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in read_rows("french_regions.csv"):
        code = row["insee_region_code"]
        if not code:
            continue
        modern.add(code)
        if row["insee_old_region_code"]:
            old[row["insee_old_region_code"]] = code
        for name in (row["name"], row["nuts2_name"], row["nuts2_name_eurostat_2013"]):
            if name:
                names[_name_key(name)] = code
    return frozenset(modern), old, names


def _name_key(text: str) -> str:
    return " ".join(re.sub(r"[-'_]", " ", plain_key(text)).split())


_REGION_TAG = re.compile(r"^REG\s*[/:]\s*", re.IGNORECASE)


def _one_region(text: str) -> str | None:
    modern, old, names = _region_lookup()
    value = _REGION_TAG.sub("", text.strip())
    found = _REGION_CODE.match(value)
    if found:
        code = found.group(1).zfill(2)
        return old.get(code, code) if code not in modern else code
    return names.get(_name_key(value)) or region_names().get(words(value))


def region(text: str) -> tuple[str, str | None]:
    """INSEE region code: "24/Centre-Val de Loire" -> "24", a name -> its code, a pre-2016
    code or name -> the current region ("83/Auvergne" -> "84"); several regions that are one
    current region ("26/Bourgogne | 43/Franche-Comté") -> that region ("27"); several current
    regions -> their codes joined by "|"."""
    parts = [p for p in re.split(r"\s*[|;]\s*", text.strip()) if p]
    codes = [_one_region(part) for part in parts]
    if not codes or any(code is None for code in codes):
        return text, None
    value = "|".join(dict.fromkeys(c for c in codes if c))
    return value, "region_code_extracted" if value != text else None


_POLICY_OBJECTIVE = re.compile(
    r"^(?:PO|OP|OS|OBJECTIF\s+STRATEGIQUE|POLICY\s+OBJECTIVE)?\s*0?([1-8])(?!\d)"
)


def policy_objective(text: str) -> tuple[str, str | None]:
    """Policy objective: "4. Europe plus sociale", "OP 4", "PO4" -> "PO4"."""
    found = _POLICY_OBJECTIVE.match(plain_key(text))
    if not found:
        return text, None
    return _changed(f"PO{found.group(1)}", text, "policy_objective_code_extracted")


_NOMENCLATURE_TAG = re.compile(r"^[A-Za-z]{1,6}\d{0,3}[_:]\s*(?=\d)")
_TRAILING_CODE = re.compile(r"[\s(\-–—:]0*(\d{3})\)?\s*$")


def _intervention_code(part: str) -> tuple[str | None, str | None]:
    """One intervention field: (code, how it was decoded) or (None, None)."""
    untagged = _NOMENCLATURE_TAG.sub("", part)
    found = _INTERVENTION.match(untagged)
    if found:
        return found.group(1).zfill(3), ("intervention_code_tagged" if untagged != part else None)
    trailing = _TRAILING_CODE.search(part)
    if trailing and not part[: trailing.start()].strip().isdigit():
        return trailing.group(1), "intervention_code_extracted"
    by_label = code_of_label(part, intervention_field_labels())
    return (by_label, "intervention_code_from_label") if by_label else (None, None)


def intervention_field(text: str) -> tuple[str, str | None]:
    """Intervention field code(s) decoded from the ways publishers write them.

    "044 - Rénovation" -> "044"; "044 - a | 045 - b" -> "044|045"; a nomenclature tag before the
    code ("CI01_103 - label") -> "103"; the code after its label ("Rénovation (044)") -> "044";
    a label alone -> the code whose label it is. A part that cannot be decoded is kept as it is.
    """
    parts = re.split(r"\s*[|;\n]\s*", text.strip())
    if len(parts) == 1 and _CODE_LIST.match(parts[0]):
        parts = parts[0].split(",")
    codes, kinds = [], []
    for part in parts:
        if not part.strip():
            continue
        code, kind = _intervention_code(part.strip())
        codes.append(code or part.strip())
        kinds.append(kind)
    value = "|".join(codes)
    kind = next((k for k in kinds if k), "intervention_code_extracted")
    return _changed(value, text, kind)


def specific_objective(text: str) -> tuple[str, str | None]:
    """Specific objective code, decoded from the ways publishers write it (see
    :func:`fundcheck.reference.lookups.specific_objective_code`)."""
    return specific_objective_code(text)


_MORE_FUND_ALIASES = {
    "ΕΤΠΑ": "ERDF",  # Greek: Ευρωπαϊκό Ταμείο Περιφερειακής Ανάπτυξης
    "ΕΚΤ": "ESF",  # Ευρωπαϊκό Κοινωνικό Ταμείο
    "ΤΣ": "CF",  # Ταμείο Συνοχής
    "ΠΑΝ": "YEI",  # Πρωτοβουλία για την Απασχόληση των Νέων
    "REGIONALFONDEN": "ERDF",  # Danish
    "SOCIALFONDEN": "ESF",
}
_CODE_PREFIX = re.compile(r"^\d{1,3}\s*-\s*")  # "2-ΕΚΤ": a publisher's numbering


def fund(text: str) -> tuple[str, str | None]:
    """Fund code: French and other aliases to the canonical code (FEDER -> ERDF, FSE+ -> ESF+,
    Greek "2-ΕΚΤ" -> ESF)."""
    key = re.sub(r"\s*\+", "+", plain_key(_CODE_PREFIX.sub("", text))).rstrip(".")
    alias = FUND_ALIASES.get(key) or _MORE_FUND_ALIASES.get(key)
    if alias is None:
        head = re.split(r"\s*[-(/:]\s*", key)[0]
        alias = FUND_ALIASES.get(head)
    return _changed(alias, text, "fund_alias") if alias else (text, None)


def country(text: str) -> tuple[str, str | None]:
    """Country: a name ("France") or a lower-case code -> the ISO 3166 alpha-2 code."""
    key = plain_key(text)
    if len(key) == 2 and key.isalpha():
        return _changed(key, text, "country_name")
    code = COUNTRY_BY_NAME.get(key)
    return _changed(code, text, "country_name") if code else (text, None)


def identifier(text: str) -> tuple[str, str | None]:
    """SIREN, SIRET, VAT or RNA number: spaces, dots, dashes and a trailing ".0" removed, upper
    case ("552 081 317" -> "552081317", "fr 03 552081317" -> "FR03552081317")."""
    value = text.strip()
    decimal = _DECIMAL_ZERO.match(value)
    if decimal:
        value = decimal.group(1)
    value = re.sub(r"[\s.\-\u00a0\u202f]", "", value).upper()
    return _changed(value, text, "identifier_compacted")


_CCI_SHAPE = re.compile(r"^\d{4}[A-Z]{2}\d{2}[0-9A-Z]{4}\d{3}$")


def cci(text: str) -> tuple[str, str | None]:
    """Programme CCI: upper case, no spaces (not reported: a purely typographic change). A cell
    that is no CCI even so (a programme's label) is kept as it is, for the label decoder."""
    compact = "".join(text.split()).upper()
    return (compact, None) if _CCI_SHAPE.match(compact) else (text.strip(), None)


POSTCODE_FIELDS = frozenset({"beneficiary_postcode", "operation_postcode"})
NORMALISERS: Mapping[str, Normaliser] = {
    "beneficiary_postcode": postcode,
    "operation_postcode": postcode,
    "operation_department": departement,
    "operation_region": region,
    "intervention_field": intervention_field,
    "specific_objective": specific_objective,
    "policy_objective": policy_objective,
    "fund": fund,
    "country": country,
    "programme_cci": cci,
    "beneficiary_siren": identifier,
    "beneficiary_siret": identifier,
    "beneficiary_vat": identifier,
    "beneficiary_rna": identifier,
}


def parse_codes(cleaned: pd.Series, normalise: Normaliser) -> ColumnResult:
    """Normalise a code column once per distinct value; the result has ``str`` dtype."""
    text = as_text(cleaned)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    texts = [str(value) for value in uniques]
    parsed = [normalise(value) for value in texts]
    kinds = np.array([kind for _, kind in parsed], dtype=object)
    notes, unreadable = summarise(codes, kinds, np.array(texts, dtype=object), text.index)
    row_values = spread_text([value for value, _ in parsed], codes, "str")
    return ColumnResult(pd.Series(row_values, index=text.index), notes, unreadable)


def parse_text(cleaned: pd.Series) -> ColumnResult:
    """Free text and plain codes: stripped; typed cells shown as a spreadsheet shows them."""
    return ColumnResult(as_text(cleaned), [], pd.Series([], dtype="str"))
