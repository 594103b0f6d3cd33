"""Lookups over the packaged code lists: names to codes, labels to programmes, postcodes to places.

One place answers "which region is this name", "which département is this postcode", "which
programme does this label name", "which objective or intervention field does this label describe":
decoders and attribution ask here rather than keeping their own tables. Every index is built once
per process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Literal

from fundcheck.reference import load_reference, read_rows

PostcodeClass = Literal["distribution", "insee_commune", "special", "unknown_departement"]


_NOT_WORD = re.compile(r"[^0-9a-z+]+")


def words(text: str) -> str:
    """Lower case, no accents, letters and digits only, single spaces: the form labels and names
    are compared in ("Île-de-France" -> "ile de france")."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():  # drop the accents, combining characters once decomposed
        decomposed = "".join(char for char in decomposed if not unicodedata.combining(char))
    stripped = decomposed.lower()
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


# --------------------------------------------------------------------------------------------
# Regions and départements by name


@cache
def region_names() -> Mapping[str, str]:
    """Name (current region, former region, NUTS 2 name) -> current INSEE region code."""
    names: dict[str, str] = {}
    for row in read_rows("french_regions.csv"):
        code = row["insee_region_code"]
        if not code:
            continue
        for column in ("name", "nuts2_name", "nuts2_name_eurostat_2013"):
            if row[column]:
                names[words(row[column])] = code
    names["reunion"] = "04"
    return names


@cache
def old_region_codes() -> Mapping[str, str]:
    """Pre-2016 INSEE region code -> current region code."""
    return {
        row["insee_old_region_code"]: row["insee_region_code"]
        for row in read_rows("french_regions.csv")
        if row["insee_old_region_code"] and row["insee_region_code"]
    }


@cache
def departement_names() -> Mapping[str, str]:
    """Département name -> code ("Nièvre" -> "58", "Mayotte" -> "976")."""
    return {words(row["name"]): row["code"] for row in read_rows("departements.csv")}


# --------------------------------------------------------------------------------------------
# Postcodes


@cache
def insee_communes() -> frozenset[str]:
    return frozenset(row["insee_commune"] for row in read_rows("laposte_postcodes.csv"))


def postcode_class(postcode: str) -> PostcodeClass:
    """What a well-formed French postcode is (La Poste's base of distribution postcodes):

    - ``distribution``: a postcode of the La Poste base;
    - ``insee_commune``: not a distribution postcode but an INSEE commune code (a commune code
      written as a postcode, or a CEDEX code that happens to equal one);
    - ``special``: not in the base, but its prefix is a real département: a CEDEX or special
      code (public bodies, large users), a valid address;
    - ``unknown_departement``: its prefix is no département.
    """
    reference = load_reference()
    if postcode in reference.postcode_departement:
        return "distribution"
    if reference.departement_of_postcode(postcode) is None:
        return "unknown_departement"
    if postcode in insee_communes():
        return "insee_commune"
    return "special"


_LOCATION_TOKEN = re.compile(r"\b(REG|DEPT?|COMM?|CANT|EPCI|PAYS)\s*/\s*([0-9A-Za-z]+)")


def region_of_location_text(text: str) -> str | None:
    """The one region a location text names ("REG/53/Bretagne | COMM/56036/Caudan" -> "53"):
    region codes (former ones mapped), département codes and INSEE commune codes (a lost leading
    zero restored: "COMM/3254" -> 03254). None when it names no region or several."""
    reference = load_reference()
    regions: set[str | None] = set()
    for kind, code in _LOCATION_TOKEN.findall(text.upper()):
        if kind == "PAYS" or kind == "EPCI":
            continue
        if kind == "REG":
            value = code.zfill(2)
            regions.add(value if value in reference.regions else old_region_codes().get(value))
        elif kind.startswith("DEP"):
            value = code[1:] if len(code) == 3 and code.startswith("0") else code.zfill(2)
            regions.add(getattr(reference.departements.get(value), "region", None))
        else:
            commune = code.zfill(5) if code.isdigit() else code
            departement = commune[:3] if commune.startswith("97") else commune[:2]
            departement = {"2A": "2A", "2B": "2B"}.get(departement, departement)
            regions.add(getattr(reference.departements.get(departement), "region", None))
    regions.discard(None)
    return regions.pop() if len(regions) == 1 else None


# --------------------------------------------------------------------------------------------
# Programmes by label

_GENERIC_WORDS = (
    "programme programmes program operationnel operationnels operational po poi pon pn pr op "
    "feder fse fse+ fsep ftj iej feampa feamp erdf esf esf+ jtf yei emff emfaf react eu "
    "2014 2020 2021 2027 2014 2020 et de du des la le les l d en a au aux pour sur "
    "conseil regional regionale region interregional interregionale plurifonds "
    "multifonds fonds europeens europeen union europeenne ue"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def _distinctive(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text.replace("+", " ")).split() if w not in _GENERIC)


@cache
def _programme_tokens() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(cci, period, distinctive words) for each title a programme is known under."""
    out: list[tuple[str, str, frozenset[str]]] = []
    for programme in load_reference().programmes.values():
        titles = {programme.title, programme.list_title or ""}
        titles |= {programme.title_en or ""}
        for title in titles:
            tokens = _distinctive(title)
            if tokens:
                out.append((programme.cci, programme.period.value, tokens))
    return tuple(out)


def programmes_for_label(label: str, period: str | None = None) -> tuple[str, ...]:
    """CCIs of the programmes a label names; several when it is ambiguous.

    A label matches a programme title when the distinctive words of one contain those of the
    other (long and abbreviated forms: "PO FEDER-FSE Bourgogne 2014-2020" and "Bourgogne" both
    name 2014FR16M0OP014). A title whose words are exactly the label's wins; otherwise every
    matching programme is returned ("PO Guadeloupe": the State's and the Region's). Generic
    words (programme, FEDER, 2014...) are ignored, except that the funds a label names keep the
    programmes that carry them ("PO FEDER Alsace" is not the ESF Alsace programme).
    """
    tokens = _distinctive(label)
    if not tokens:
        return ()
    scored: dict[str, float] = {}
    for cci, programme_period, title in _programme_tokens():
        if period and programme_period != period:
            continue
        if tokens <= title or title <= tokens:
            score = len(tokens & title) / len(tokens | title)
            scored[cci] = max(scored.get(cci, 0.0), score)
    if not scored:
        return ()
    funds = _label_funds(label)
    programmes = load_reference().programmes
    carrying = {cci: s for cci, s in scored.items() if funds <= set(programmes[cci].funds)}
    scored = carrying or scored
    exact = [cci for cci, score in scored.items() if score == 1.0]
    return tuple(sorted(exact or scored))


_FUND_WORDS = {
    "feder": "ERDF",
    "erdf": "ERDF",
    "fse": "ESF",
    "esf": "ESF",
    "fse+": "ESF+",
    "esf+": "ESF+",
    "iej": "YEI",
    "yei": "YEI",
    "ftj": "JTF",
    "jtf": "JTF",
}


def _label_funds(label: str) -> set[str]:
    """Funds a label names ("PO FEDER-FSE Alsace" -> ERDF, ESF), to choose among programmes."""
    return {_FUND_WORDS[w] for w in words(label).split() if w in _FUND_WORDS}


@cache
def _interregional_areas() -> Mapping[str, frozenset[str]]:
    areas: dict[str, set[str]] = {}
    for row in read_rows("interregional_areas.csv"):
        areas.setdefault(row["cci"], set()).update(row["covered_regions"].split("+"))
    return {cci: frozenset(regions) for cci, regions in areas.items()}


def programme_territory(cci: str) -> frozenset[str]:
    """Regions a programme's operations may lie in: its region, plus the regions of the
    interregional massif or river-basin axis it carries (empty: national or unknown)."""
    programme = load_reference().programmes.get(cci)
    if programme is None or programme.region is None:
        return frozenset()
    return frozenset({programme.region}) | _interregional_areas().get(cci, frozenset())


# --------------------------------------------------------------------------------------------
# Labels of specific objectives and intervention fields


def _label_index(pairs: list[tuple[str, str]]) -> Mapping[str, str]:
    """Label words -> code; a label shared by two codes is left out (ambiguous)."""
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for label, code in pairs:
        key = words(label)
        if not key:
            continue
        if key in index and index[key] != code:
            clashes.add(key)
        index[key] = code
    return {key: code for key, code in index.items() if key not in clashes}


@cache
def specific_objective_labels() -> Mapping[str, str]:
    objectives = load_reference().specific_objectives.values()
    return _label_index(
        [(o.label_fr, o.code) for o in objectives] + [(o.label_en, o.code) for o in objectives]
    )


@cache
def intervention_field_labels() -> Mapping[str, str]:
    """Labels of both periods' intervention fields; a label the two periods give to different
    codes is left out, so a label is decoded only when its code does not depend on the period."""
    reference = load_reference()
    fields = reference.intervention_fields_2021_2027.values()
    older = reference.intervention_fields_2014_2020.values()
    return _label_index(
        [(f.label_fr or "", f.code) for f in fields]
        + [(f.label_en, f.code) for f in fields]
        + [(f.label_en, f.code) for f in older]
    )


def code_of_label(label: str, index: Mapping[str, str]) -> str | None:
    """The code whose label the text is: the whole label, or (for a text of 30 characters or
    more cut by its publisher, "..." or "…") the start of exactly one label."""
    key = words(label)
    if not key:
        return None
    if key in index:
        return index[key]
    if len(key) < 30:
        return None
    starts = {code for text, code in index.items() if text.startswith(key)}
    return starts.pop() if len(starts) == 1 else None


# --------------------------------------------------------------------------------------------
# Specific objective codes in text

OBJECTIVE_CODE = re.compile(r"^[REJIM]SO\d\.\d{1,2}$")
_OBJECTIVE_ANYWHERE = re.compile(
    r"(?<![A-Z])([REJIM])\s*SO\s*(\d{1,2})\s*[.,]\s*(\d{1,2})(?!\d)", re.IGNORECASE
)
_BARE_OBJECTIVE = re.compile(
    r"^(?:O\.?S\.?|S\.?O\.?)?\s*(\d)\s*[.,]\s*(\d{1,2})\s*$", re.IGNORECASE
)


def specific_objective_code(text: str) -> tuple[str, str | None]:
    """Specific objective code, decoded from the ways publishers write it.

    "RSO1.1 - label", "RSO 1.1", "RSO2.01" (zero padding) and a programme's own prefix or suffix
    ("PR01.1-RUP-RSO1.3R") give the regulation code when the cell names exactly one; a bare
    number ("2.7", "OS 2.7") is kept as "2.7" for the fund to complete; a label alone is looked
    up among the specific objectives' labels.
    """
    stripped = text.strip()
    found = {
        f"{p.upper()}SO{int(major)}.{int(minor)}"
        for p, major, minor in _OBJECTIVE_ANYWHERE.findall(stripped)
    }
    if len(found) == 1:
        code = found.pop()
        return code, ("specific_objective_code_extracted" if code != text else None)
    if found:
        return text, None  # several codes in one cell: left for the rules to report
    bare = _BARE_OBJECTIVE.match(stripped)
    if bare:
        return f"{int(bare.group(1))}.{int(bare.group(2))}", None  # completed from the fund
    by_label = code_of_label(stripped, specific_objective_labels())
    if by_label:
        return by_label, "specific_objective_from_label"
    return text, None
