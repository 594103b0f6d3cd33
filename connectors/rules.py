"""The reader's rules: a cell that could not be read, and each kind of normalisation applied.

Normalisations are reported as information (one finding per kind and column, with a count and
an example) so a controller sees what was interpreted before the checks ran.
"""

from __future__ import annotations

from fundcheck.model import Rule, Severity

UNREADABLE_RULE = "read.unreadable_value"
NORMALISED_PREFIX = "read.normalised."
_BASIS_UNREADABLE = "CPR (EU) 2021/1060 Art 49(3)-(4)"
_BASIS_NORMALISED = "CPR (EU) 2021/1060 Art 49(4) (open, machine-readable format)"

NORMALISATION_KINDS: dict[str, tuple[str, str]] = {
    "placeholder": (
        "valeurs de remplissage (N.C, NR, n/a, VOID, ---, -) traitées comme vides",
        "filler values (N.C, NR, n/a, VOID, ---, -) treated as empty",
    ),
    "rate_percent": (
        "taux donnés en pourcentage, divisés par 100",
        "rates given in percent, divided by 100",
    ),
    "rate_text": (
        "taux écrits en texte (« 40 % », virgule décimale) lus comme fractions",
        "rates written as text ('40 %', decimal comma) read as fractions",
    ),
    "amount_text": (
        "montants écrits en texte (espaces, « € », virgule décimale) lus comme nombres",
        "amounts written as text (spaces, '€', decimal comma) read as numbers",
    ),
    "excel_serial_date": (
        "dates au format numéro de série Excel converties",
        "dates given as Excel serial numbers converted",
    ),
    "date_text": (
        "dates écrites en texte (JJ/MM/AAAA, JJ.MM.AAAA, année seule) lues comme dates",
        "dates written as text (DD/MM/YYYY, DD.MM.YYYY, year only) read as dates",
    ),
    "postcode_padded": (
        "codes postaux complétés à 5 chiffres (zéro initial perdu)",
        "postcodes padded to 5 digits (lost leading zero)",
    ),
    "code_padded": (
        "codes de département remis en forme (« 1 » → « 01 », « 75.0 » → « 75 »)",
        "département codes reformatted ('1' → '01', '75.0' → '75')",
    ),
    "region_code_extracted": (
        "code région INSEE extrait du libellé (anciens codes ramenés aux régions actuelles)",
        "INSEE region code taken from the label (old codes mapped to current regions)",
    ),
    "intervention_code_extracted": (
        "code du champ d'intervention extrait du libellé",
        "intervention field code taken from the label",
    ),
    "specific_objective_code_extracted": (
        "code de l'objectif spécifique extrait du libellé",
        "specific objective code taken from the label",
    ),
    "fund_alias": (
        "noms de fonds ramenés au code européen (FEDER → ERDF, FSE+ → ESF+, FTJ → JTF)",
        "fund names mapped to the EU code (FEDER → ERDF, FSE+ → ESF+, FTJ → JTF)",
    ),
    "value_alias": (
        "codes propres à l'éditeur remplacés par les codes canoniques (profil de lecture)",
        "publisher's own codes replaced by the canonical codes (mapping profile)",
    ),
    "identifier_compacted": (
        "identifiants (SIREN, SIRET, TVA, RNA) débarrassés des espaces, points et « .0 »",
        "identifiers (SIREN, SIRET, VAT, RNA) stripped of spaces, dots and '.0'",
    ),
    "country_name": (
        "noms de pays remplacés par le code ISO à 2 lettres",
        "country names replaced by the 2-letter ISO code",
    ),
    "header_variant": (
        "en-tête reconnu malgré une variante de casse, d'espaces ou d'apostrophe",
        "header recognised despite a case, spacing or apostrophe variant",
    ),
    "repeated_header": (
        "lignes d'en-tête répétées dans les données, ignorées",
        "header rows repeated inside the data, dropped",
    ),
    "blank_row": ("lignes vides ignorées", "blank rows dropped"),
    "cell_truncated": (
        "cellules trop longues coupées à la longueur maximale lue (limits.max_cell_chars)",
        "cells too long cut to the maximum length read (limits.max_cell_chars)",
    ),
    "control_character": (
        "caractères de contrôle (octet NUL…) retirés des cellules",
        "control characters (NUL byte...) removed from cells",
    ),
    "mixed_encoding": (
        "lignes d'un autre encodage (cp1252 dans un fichier UTF-8, ou l'inverse) décodées ligne "
        "à ligne",
        "lines in another encoding (cp1252 in a UTF-8 file, or the reverse) decoded line by line",
    ),
}
_ROW_KINDS = {"repeated_header", "blank_row", "mixed_encoding"}


def _normalised_rule(kind: str, fr: str, en: str) -> Rule:
    if kind == "header_variant":
        message_fr = f"Colonne « {{column}} » : {fr}."
        message_en = f"Column '{{column}}': {en}."
    elif kind in _ROW_KINDS:
        message_fr = f"{{count}} ligne(s) : {fr} (première : {{example}})."
        message_en = f"{{count}} row(s): {en} (first: {{example}})."
    else:
        message_fr = (
            f"Colonne « {{column}} », {{count}} cellule(s) : {fr} (exemple : « {{example}} »)."
        )
        message_en = f"Column '{{column}}', {{count}} cell(s): {en} (example: '{{example}}')."
    return Rule(
        id=NORMALISED_PREFIX + kind,
        severity=Severity.INFO,
        origin="reader",
        scope="dataset",
        family="reading",
        title_fr=fr[0].upper() + fr[1:],
        title_en=en[0].upper() + en[1:],
        message_fr=message_fr,
        message_en=message_en,
        legal_basis=_BASIS_NORMALISED,
    )


READER_RULES: list[Rule] = [
    Rule(
        id=UNREADABLE_RULE,
        severity=Severity.ERROR,
        origin="reader",
        scope="record",
        family="reading",
        title_fr="Valeur illisible",
        title_en="Unreadable value",
        message_fr=(
            "La valeur « {value} » de la colonne « {column} » ne peut pas être lue comme une "
            "valeur du type de ce champ (date, montant ou taux) ; la cellule est traitée "
            "comme vide."
        ),
        message_en=(
            "The value '{value}' in column '{column}' cannot be read as this field's type "
            "(date, amount or rate); the cell is treated as empty."
        ),
        legal_basis=_BASIS_UNREADABLE,
    ),
    *(_normalised_rule(kind, fr, en) for kind, (fr, en) in NORMALISATION_KINDS.items()),
]
