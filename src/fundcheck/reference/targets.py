"""Typed loaders for the partnership-agreement reference tables used by aggregate checks.

* ``cofinancing_ceilings.csv``: maximum Union co-financing rates per period, fund and category of
  region (CPR (EU) 2021/1060 Art 112; CPR (EU) 1303/2013 Art 120; fund regulations);
* ``thematic_concentration.csv``: thematic concentration and ring-fence thresholds;
* ``programmes_2021_2027_fr_table9b.csv``: the programme lines of the Partnership Agreement Table 9B
  (EU and national amounts per programme, fund and category of region).

A blank threshold stays ``None`` (not read in a source): checks never test against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fundcheck.model import Period, Status
from fundcheck.reference import read_rows

# Category of region labels of Table 9B → category codes of french_regions.csv.
TABLE9B_CATEGORIES = {
    "Plus développée": "more_developed",
    "En transition": "transition",
    "Moins développée": "less_developed",
    "Ultrapériphériques": "outermost",
}


def _status(notes: str) -> Status:
    """The [V]/[C]/[U] tag at the start of a notes cell (unverified when absent)."""
    tag = notes.strip()[1:2]
    return "V" if tag == "V" else "C" if tag == "C" else "U"


def _rate(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


@dataclass(frozen=True)
class CeilingRow:
    """One line of the co-financing ceilings table (``max_rate`` a fraction, None = not read)."""

    period: Period
    fund: str  # as written in the table: "ERDF/ESF+", "JTF", "Interreg (ERDF)", ...
    category: str  # "less_developed", "transition", "all", "not_applicable", ...
    max_rate: float | None
    legal_basis: str
    status: Status


@dataclass(frozen=True)
class ThematicTarget:
    """One thematic concentration or ring-fence threshold (``threshold`` a fraction or None)."""

    rule_id: str
    period: Period
    fund: str
    description: str
    threshold: float | None
    scope: str
    legal_basis: str
    verified: bool


@dataclass(frozen=True)
class Table9bLine:
    """A Table 9B line: one programme × fund × category of region of the 2021-2027 AP."""

    cci: str
    fund: str  # canonical fund code: ERDF, ESF+, JTF, EMFAF
    category: str | None  # category code (None for JTF "Article 3/4" and EMFAF lines)
    eu_contribution: float
    national_contribution: float


@cache
def ceiling_rows() -> tuple[CeilingRow, ...]:
    """Every line of ``cofinancing_ceilings.csv``."""
    return tuple(
        CeilingRow(
            period=Period(row["period"]),
            fund=row["fund"],
            category=row["category_of_region"],
            max_rate=_rate(row["max_rate"]),
            legal_basis=row["legal_basis"],
            status=_status(row["notes"]),
        )
        for row in read_rows("cofinancing_ceilings.csv")
    )


def ceiling_row(period: Period, fund: str, category: str) -> CeilingRow:
    """The ceilings line of a period, fund label and category (KeyError if absent)."""
    for row in ceiling_rows():
        if row.period is period and row.fund == fund and row.category == category:
            return row
    raise KeyError((period.value, fund, category))


@cache
def thematic_targets() -> dict[str, ThematicTarget]:
    """Every line of ``thematic_concentration.csv``, by rule id (e.g. ``TC21-ERDF-TR-PO1``)."""
    return {
        row["rule_id"]: ThematicTarget(
            rule_id=row["rule_id"],
            period=Period(row["period"]),
            fund=row["fund"],
            description=row["description"],
            threshold=_rate(row["threshold"]),
            scope=row["scope"],
            legal_basis=row["legal_basis"],
            verified=row["verified"] == "yes",
        )
        for row in read_rows("thematic_concentration.csv")
    }


@cache
def table9b_lines() -> tuple[Table9bLine, ...]:
    """Every line of the Partnership Agreement Table 9B (2021-2027)."""
    return tuple(
        Table9bLine(
            cci=row["cci"],
            fund=row["fund"],
            category=TABLE9B_CATEGORIES.get(row["category_of_region_fr"]),
            eu_contribution=float(row["eu_contribution"] or 0),
            national_contribution=float(row["national_contribution"] or 0),
        )
        for row in read_rows("programmes_2021_2027_fr_table9b.csv")
    )
