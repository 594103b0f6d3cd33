"""Category of region of each operation, and the co-financing ceiling that applies to it.

Category of region (CPR 2021/1060 Art 108(2); CPR 1303/2013 Art 90) comes from the operation's
NUTS 2 region for its period, found in this order: the NUTS code cell, the département cell, the
operation postcode (La Poste → département → NUTS 2), the INSEE region when all its NUTS 2 regions
share the category, the "category of region" cell, and for 2021-2027 the programme's Table 9B
lines when the programme has one category for the fund. Otherwise the category is unknown and the
operation is left out of category-based rules (never guessed).

Ceilings (RULES.md §4; reference ``cofinancing_ceilings.csv``): ERDF/ESF+ 85/70/60/50/40 %,
outermost regions 85 %, JTF 85/70/50 %, ESF+ material deprivation (ESO4.13) 90 %, Interreg 80 %
(Interreg D 85 %); 2014-2020 ERDF/ESF 85/60/50 %, EMFF 75 %. REACT-EU, the YEI specific allocation,
EMFAF and 2014-2020 Interreg have no ceiling here and are not tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from fundcheck.checks.frames import text
from fundcheck.model import PERIOD, REGION, Period, Status
from fundcheck.reference import Reference
from fundcheck.reference.targets import ceiling_row, table9b_lines

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "more_developed": ("région plus développée", "more developed region"),
    "transition": ("région en transition", "transition region"),
    "less_developed": ("région moins développée", "less developed region"),
}
_CELL_CATEGORIES = (
    ("ULTRAP", "less_developed"),
    ("OUTERMOST", "less_developed"),
    ("PLUS", "more_developed"),
    ("MORE", "more_developed"),
    ("MOINS", "less_developed"),
    ("LESS", "less_developed"),
    ("TRANSITION", "transition"),
)


@dataclass(frozen=True)
class Ceiling:
    """A maximum Union co-financing rate and where it comes from."""

    rate: float
    legal_basis: str
    status: Status
    case_fr: str
    case_en: str


CATEGORY_INPUTS = (
    PERIOD, REGION, "nuts_code", "operation_department", "operation_postcode",
    "category_of_region", "programme_cci", "fund",
)  # fmt: skip
"""The cells an operation's category of region is derived from."""


def categories(frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """Per operation: ``category`` (code or NA), ``outermost`` (bool) and ``previous`` (the
    2014-2020 category of its NUTS 2 for a 2021-2027 operation, else NA). Derived once per
    distinct combination of ``CATEGORY_INPUTS`` (a list repeats them a lot) and spread back."""
    inputs = [column for column in CATEGORY_INPUTS if column in frame.columns]
    if len(frame) < 2 or not inputs:
        return _categories(frame, reference)
    group = frame.groupby(inputs, sort=False, dropna=False).ngroup().to_numpy()
    firsts = np.unique(group, return_index=True)[1]  # the first row of group 0, 1, 2...
    distinct = _categories(frame.iloc[firsts].reset_index(drop=True), reference)
    return distinct.iloc[group].set_axis(frame.index)


def _categories(frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    period = frame[PERIOD].astype("string").fillna("")
    later = (period == Period.P2021_2027.value).to_numpy(dtype=bool)
    nuts2 = _nuts2(frame, reference)
    cat21 = _objects(nuts2.map({c: n.category_2021_2027 for c, n in reference.nuts2.items()}))
    cat14 = _objects(nuts2.map({c: n.category_2014_2020 for c, n in reference.nuts2.items()}))
    category = cat21.where(later, cat14)
    outermost = _objects(nuts2.map({c: n.outermost for c, n in reference.nuts2.items()}))
    previous = cat14.where(later, None)

    by_region = _region_categories(reference)
    region_key = frame[REGION].astype("string").fillna("") + "|" + period
    category = _fill(category, region_key.map({k: v[0] for k, v in by_region.items()}))
    outermost = _fill(outermost, region_key.map({k: v[1] for k, v in by_region.items()}))

    cell = text(frame, "category_of_region").str.upper()
    category = _fill(category, cell.map(_cell_category, na_action="ignore"))
    flagged = cell.str.contains("ULTRAP|OUTERMOST", regex=True)
    outermost = _fill(outermost, flagged.astype(object).where(cell.notna(), None))

    programme = (text(frame, "programme_cci") + "|" + text(frame, "fund")).where(later)
    lines = _programme_categories()
    category = _fill(category, programme.map({k: v[0] for k, v in lines.items()}))
    outermost = _fill(outermost, programme.map({k: v[1] for k, v in lines.items()}))
    category, outermost = _within_programme_lines(programme, category, outermost)
    return pd.DataFrame(
        {
            "category": category.astype("string"),
            "outermost": outermost.map(lambda v: bool(v) if v is not None else False).astype(bool),
            "previous": previous.astype("string"),
        },
        index=frame.index,
    )


def _within_programme_lines(
    programme: pd.Series, category: pd.Series, outermost: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """A category must be one of the programme's Table 9B lines for the fund: an operation located
    outside the programme's territory takes the programme's line when it has one category (an
    outermost programme stays outermost), else its category is unknown (never guessed)."""
    sets = _programme_line_sets()
    keys = programme.astype(object)
    known = keys.map(lambda k: k in sets if isinstance(k, str) else False).astype(bool)
    if not known.any():
        return category, outermost
    allowed = keys[known].map(lambda k: sets[k][0])
    outside = pd.Series(
        [c not in a for c, a in zip(category[known], allowed, strict=True)], index=allowed.index
    )
    rows = outside[outside].index
    single = keys[rows].map(lambda k: next(iter(sets[k][0])) if len(sets[k][0]) == 1 else None)
    category = category.copy()
    outermost = outermost.copy()
    category[rows] = single
    outermost[known] = keys[known].map(lambda k: sets[k][1])
    return category, outermost


@cache
def _programme_line_sets() -> dict[str, tuple[frozenset[str], bool]]:
    """2021-2027 programme × fund → (the categories of its Table 9B lines, outermost)."""
    found: dict[str, set[str]] = {}
    for line in table9b_lines():
        if line.category:
            found.setdefault(f"{line.cci}|{line.fund}", set()).add(line.category)
    return {
        key: (frozenset(cats - {"outermost"}), "outermost" in cats)
        for key, cats in found.items()
        if cats - {"outermost"}
    }


def _objects(values: pd.Series) -> pd.Series:
    """A Series of Python objects with None for every missing value."""
    out = values.astype(object)
    return out.where(values.notna().to_numpy(dtype=bool), None)


def _fill(values: pd.Series, fallback: pd.Series) -> pd.Series:
    """``values`` where known, else ``fallback`` (both as objects)."""
    missing = values.isna().to_numpy(dtype=bool)
    return values.where(~missing, _objects(fallback))


def _nuts2(frame: pd.DataFrame, reference: Reference) -> pd.Series:
    known = set(reference.nuts2)
    from_cell = text(frame, "nuts_code").str.upper().str[:4]
    nuts2 = from_cell.where(from_cell.isin(known))
    dep_nuts = {code: d.nuts2 for code, d in reference.departements.items() if d.nuts2}
    nuts2 = nuts2.fillna(text(frame, "operation_department").map(dep_nuts))
    deps = text(frame, "operation_postcode").map(reference.postcode_departement)
    nuts2 = nuts2.fillna(deps.map(dep_nuts))
    single = {code: r.nuts2[0] for code, r in reference.regions.items() if len(r.nuts2) == 1}
    return nuts2.fillna(frame[REGION].astype("string").map(single)).astype("string")


def _cell_category(cell: str) -> str | None:
    """Category code of a "category of region" cell ("Plus développée", "Transition", ...)."""
    return next((code for token, code in _CELL_CATEGORIES if token in cell), None)


def _region_categories(reference: Reference) -> dict[str, tuple[str | None, bool | None]]:
    """ "region|period" → (category, outermost) shared by all its NUTS 2 regions (else None)."""
    out: dict[str, tuple[str | None, bool | None]] = {}
    for code, region in reference.regions.items():
        for period in Period:
            parts = [reference.nuts2[n] for n in region.nuts2 if n in reference.nuts2]
            cats = {n.category(period) for n in parts}
            outer = {n.outermost for n in parts}
            out[f"{code}|{period.value}"] = (
                cats.pop() if len(cats) == 1 else None,
                outer.pop() if len(outer) == 1 else None,
            )
    return out


@cache
def _programme_categories() -> dict[str, tuple[str | None, bool]]:
    """2021-2027 programme × fund → (its single category, outermost) from Table 9B."""
    found: dict[str, set[str]] = {}
    for line in table9b_lines():
        if line.category:
            found.setdefault(f"{line.cci}|{line.fund}", set()).add(line.category)
    out: dict[str, tuple[str | None, bool]] = {}
    for key, cats in found.items():
        plain = cats - {"outermost"}
        if len(plain) == 1:
            out[key] = (plain.pop(), "outermost" in cats)
    return out


def ceiling(
    period: str,
    fund: str,
    category: str | None,
    outermost: bool,
    previous: str | None,
    cci: str,
    objective: str | None,
) -> Ceiling | None:
    """The maximum co-financing rate of an operation's priority line, or None where the
    reference has none (such operations are not tested)."""
    if period == Period.P2021_2027.value:
        return _ceiling_2021(fund, category, outermost, previous, cci, objective)
    if period == Period.P2014_2020.value:
        return _ceiling_2014(fund, category, outermost, cci)
    return None


def _ceiling_2021(
    fund: str,
    category: str | None,
    outermost: bool,
    previous: str | None,
    cci: str,
    objective: str | None,
) -> Ceiling | None:
    period = Period.P2021_2027
    if cci[4:6] == "TC":
        if cci[10:12] == "OR":
            return _from(period, "Interreg D (outermost cooperation)", "all", "Interreg D")
        return _from(period, "Interreg (ERDF)", "all", "Interreg")
    if fund == "CF":
        return _from(period, "CF", "all", "FC / CF")
    if fund == "ESF+" and objective == "ESO4.13":
        return _from(period, "ESF+ (ESO4.13 material deprivation)", "all", "FSE+ ESO4.13")
    if category is None:
        return None
    if fund == "JTF":
        key = "less_developed" if outermost else category
        return _from(period, "JTF", key, _case("FTJ", "JTF", category, outermost))
    if fund not in ("ERDF", "ESF+"):
        return None
    key = category
    if outermost:
        key = "outermost"
    elif category == "transition" and previous == "less_developed":
        key = "transition_less_developed_in_2014_2020"
    elif category == "more_developed" and previous == "transition":
        key = "more_developed_transition_in_2014_2020_or_gdp_below_100"
    return _from(period, "ERDF/ESF+", key, _case(fund, fund, category, outermost))


def _ceiling_2014(fund: str, category: str | None, outermost: bool, cci: str) -> Ceiling | None:
    period = Period.P2014_2020
    if cci[4:6] == "TC" or fund in ("REACT-EU", "YEI"):
        return None
    if fund == "CF":
        return _from(period, "ERDF/ESF/CF", "cohesion_fund", "FC / CF")
    if fund in ("EMFF", "FEAD"):
        return _from(period, fund, "all", fund)
    if fund not in ("ERDF", "ESF") or category is None:
        return None
    key = "less_developed" if outermost else category
    return _from(period, "ERDF/ESF", key, _case(fund, fund, category, outermost))


def _case(fund_fr: str, fund_en: str, category: str, outermost: bool) -> tuple[str, str]:
    fr, en = CATEGORY_LABELS.get(category, (category, category))
    if outermost:
        fr, en = f"{fr}, ultrapériphérique", f"{en}, outermost"
    names = {"ERDF": "FEDER", "ESF+": "FSE+", "ESF": "FSE", "JTF": "FTJ"}
    return f"{names.get(fund_fr, fund_fr)}, {fr}", f"{fund_en}, {en}"


def _from(period: Period, fund: str, category: str, case: str | tuple[str, str]) -> Ceiling | None:
    try:
        row = ceiling_row(period, fund, category)
    except KeyError:
        return None
    if row.max_rate is None:
        return None
    fr, en = (case, case) if isinstance(case, str) else case
    return Ceiling(row.max_rate, row.legal_basis, row.status, fr, en)
