"""The reader's rules: a cell that could not be read, and each kind of normalisation applied.

Normalisations are reported as information (one finding per kind and column, with a count and
an example) so a controller sees what was interpreted before the checks ran.
"""

from __future__ import annotations

from fundcheck.model import Rule, Severity

UNREADABLE_RULE = "read.unreadable_value"
PERIOD_UNDECIDED_RULE = "read.period_undecided"
PERIOD_NOT_COVERED_RULE = "read.period_not_covered"
OLDER_EDITION_RULE = "read.older_edition"
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
    "intervention_code_tagged": (
        "code du champ d'intervention lu après une étiquette de nomenclature (« CI01_103 »)",
        "intervention field code read after a nomenclature tag ('CI01_103')",
    ),
    "intervention_code_from_label": (
        "champ d'intervention donné par son seul libellé, remplacé par son code (annexe I)",
        "intervention field given by its label only, replaced by its code (Annex I)",
    ),
    "specific_objective_from_label": (
        "objectif spécifique donné par son seul libellé, remplacé par son code",
        "specific objective given by its label only, replaced by its code",
    ),
    "specific_objective_bare_number": (
        "objectif spécifique donné par son seul numéro (« 2.7 »), complété selon le fonds "
        "(FEDER → RSO, FSE+ → ESO, FTJ → JSO, FEAMPA → MSO)",
        "specific objective given by its number only ('2.7'), completed from the fund "
        "(ERDF → RSO, ESF+ → ESO, JTF → JSO, EMFAF → MSO)",
    ),
    "specific_objective_from_sibling": (
        "colonne du code vide : code de l'objectif spécifique pris dans la colonne « code et "
        "libellé »",
        "code column empty: specific objective code taken from the 'code and label' column",
    ),
    "policy_objective_code_extracted": (
        "objectif stratégique ramené à son code (« 4. Europe plus sociale » → PO4)",
        "policy objective reduced to its code ('4. Europe plus sociale' → PO4)",
    ),
    "programme_from_label": (
        "programme identifié par son libellé (code CCI absent ou remplacé par le libellé)",
        "programme identified by its label (CCI missing or replaced by the label)",
    ),
    "country_from_location": (
        "pays vide déduit de la localisation française de l'opération (région, département "
        "ou code postal)",
        "empty country taken from the operation's French location (region, département or "
        "postcode)",
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
    Rule(
        id=PERIOD_UNDECIDED_RULE,
        severity=Severity.WARNING,
        origin="reader",
        scope="dataset",
        family="reading",
        title_fr="Période de programmation indéterminée",
        title_en="Programming period not determined",
        message_fr=(
            "{count} opération(s) (première : {example}) : ni le code CCI, ni le libellé du "
            "programme, ni le fonds, ni le format, ni les dates ne disent la période de "
            "programmation ; les règles propres à une période n'ont pas été appliquées. "
            "Donnez-la avec --period 2014-2020 ou --period 2021-2027."
        ),
        message_en=(
            "{count} operation(s) (first: {example}): neither the CCI, the programme label, "
            "the fund, the format nor the dates tell the programming period; the "
            "period-specific rules were not applied. Give it with --period 2014-2020 or "
            "--period 2021-2027."
        ),
        legal_basis=(
            "CPR (EU) 2021/1060 Art 49(3); CPR (EU) No 1303/2013 Annex XII §1 "
            "(two periods, two rule sets)"
        ),
    ),
    Rule(
        id=PERIOD_NOT_COVERED_RULE,
        severity=Severity.WARNING,
        origin="reader",
        scope="dataset",
        family="reading",
        title_fr="Opérations d'une période non couverte (2007-2013)",
        title_en="Operations of a period not covered (2007-2013)",
        message_fr=(
            "{count} opération(s) (première : {example}) relèvent de la période 2007-2013 "
            "(code CCI, libellé ou dates) : fundcheck ne porte les règles que de 2014-2020 et "
            "2021-2027, elles n'ont pas été contrôlées."
        ),
        message_en=(
            "{count} operation(s) (first: {example}) belong to the 2007-2013 period (CCI, "
            "label or dates): fundcheck carries the rules of 2014-2020 and 2021-2027 only, "
            "they were not checked."
        ),
        legal_basis="Reg. (EC) No 1083/2006 (2007-2013 period, not covered by fundcheck)",
    ),
    Rule(
        id=OLDER_EDITION_RULE,
        severity=Severity.INFO,
        origin="reader",
        scope="dataset",
        family="reading",
        title_fr="Édition antérieure d'une liste, non contrôlée",
        title_en="Older edition of a list, not validated",
        message_fr=(
            "{older} est une édition antérieure de {newer} (même format, mêmes opérations) : "
            "chaque édition annule et remplace la précédente, seule la plus récente est "
            "contrôlée. Pour comparer : fundcheck diff {older} {newer}."
        ),
        message_en=(
            "{older} is an older edition of {newer} (same format, same operations): each "
            "edition replaces the previous one, only the newest is validated. To compare them: "
            "fundcheck diff {older} {newer}."
        ),
        legal_basis=(
            "CPR (EU) 2021/1060 Art 49(3) (the list is updated, each edition replacing the last)"
        ),
    ),
    *(_normalised_rule(kind, fr, en) for kind, (fr, en) in NORMALISATION_KINDS.items()),
]
