"""Reference code lists packaged with fundcheck, with typed loaders (loaded once per process).

The CSV files live in ``data/``; ``data/SOURCES.md`` gives the provenance of every file.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from fundcheck.model import Period

_DATA = "data"
REFERENCE_DIR_ENV = "FUNDCHECK_REFERENCE_DIR"


def data_path(name: str) -> Path:
    """Path of a reference file: the packaged one, unless ``FUNDCHECK_REFERENCE_DIR`` names a
    folder holding a snapshot of that file (written by ``fundcheck reference update``)."""
    override = os.environ.get(REFERENCE_DIR_ENV)
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return packaged_path(name)


def packaged_path(name: str) -> Path:
    """Path of the reference file packaged with fundcheck."""
    return Path(str(resources.files(__package__).joinpath(_DATA, name)))


def read_rows(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nuts2Region:
    code: str  # NUTS 2016 level 2 (the former region), e.g. "FRK2"
    name: str
    insee_region: str
    category_2014_2020: str | None
    category_2021_2027: str | None
    outermost: bool

    def category(self, period: Period) -> str | None:
        if period is Period.P2014_2020:
            return self.category_2014_2020
        return self.category_2021_2027


@dataclass(frozen=True)
class Region:
    code: str  # INSEE region code, e.g. "84"
    name: str
    nuts1: str | None
    nuts2: tuple[str, ...]
    outermost: bool


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str | None
    nuts2: str | None


@dataclass(frozen=True)
class Programme:
    cci: str
    title: str
    period: Period
    region: str | None  # INSEE region; None for national, Interreg and Saint-Martin
    funds: tuple[str, ...]  # canonical fund codes: ERDF, ESF+, JTF, EMFAF, YEI...
    programme_type: str
    eu_allocation: Mapping[str, float]
    list_title: str | None = None
    title_en: str | None = None


@dataclass(frozen=True)
class SpecificObjective:
    code: str
    funds: frozenset[str]
    policy_objective: str
    label_en: str
    label_fr: str


@dataclass(frozen=True)
class InterventionField:
    code: str
    label_en: str
    label_fr: str | None
    climate_coefficient: float | None  # fraction 0 / 0.4 / 1; None = unknown
    environment_coefficient: float | None


FUND_ALIASES: Mapping[str, str] = {
    "FEDER": "ERDF",
    "ERDF": "ERDF",
    "EFRE": "ERDF",
    "EFRU": "ERDF",
    "FSE+": "ESF+",
    "FSE PLUS": "ESF+",
    "ESF+": "ESF+",
    "ESF PLUS": "ESF+",
    "FSE": "ESF",
    "ESF": "ESF",
    "FTJ": "JTF",
    "JTF": "JTF",
    "FEAMPA": "EMFAF",
    "EMFAF": "EMFAF",
    "FEAMP": "EMFF",
    "EMFF": "EMFF",
    "IEJ": "YEI",
    "YEI": "YEI",
    "FC": "CF",
    "CF": "CF",
    "COHESION FUND": "CF",
    "FONDS DE COHESION": "CF",
    "REACT-EU": "REACT-EU",
    "INTERREG": "ERDF",
}
FUNDS_2021_2027 = frozenset({"ERDF", "ESF+", "JTF", "EMFAF", "CF"})
FUNDS_2014_2020 = frozenset({"ERDF", "ESF", "YEI", "CF", "EMFF", "REACT-EU"})


def _fraction(text: str) -> float | None:
    text = text.strip()
    return float(text) / 100 if text else None


def _funds(text: str) -> tuple[str, ...]:
    out = []
    for part in re.split(r"\+(?=[A-Z])", text.split(" (")[0]):
        part = part.strip().upper()
        if part in FUND_ALIASES:
            out.append(FUND_ALIASES[part])
    return tuple(out)


@dataclass(frozen=True)
class Reference:
    """All code lists a run needs."""

    regions: Mapping[str, Region]
    nuts2: Mapping[str, Nuts2Region]
    departements: Mapping[str, Departement]
    programmes: Mapping[str, Programme]
    specific_objectives: Mapping[str, SpecificObjective]
    intervention_fields_2021_2027: Mapping[str, InterventionField]
    intervention_fields_2014_2020: Mapping[str, InterventionField]
    postcode_departement: Mapping[str, str]  # postcode -> most frequent département

    def region_name(self, code: str | None) -> str | None:
        region = self.regions.get(code or "")
        return region.name if region else None

    def postcode_region(self, postcode: str) -> str | None:
        dep = self.departements.get(self.postcode_departement.get(postcode, ""))
        return dep.region if dep else None


def _departement_of_commune(insee_commune: str) -> str:
    return insee_commune[:3] if insee_commune.startswith("97") else insee_commune[:2]


def _load_programmes() -> dict[str, Programme]:
    programmes: dict[str, Programme] = {}
    for row in read_rows("programmes_2021_2027_fr.csv"):
        allocation = {
            fund: float(row[f"eu_amount_{fund}"])
            for fund in ("ERDF", "ESF+", "JTF", "EMFAF")
            if row.get(f"eu_amount_{fund}")
        }
        programmes[row["cci"]] = Programme(
            cci=row["cci"],
            title=row["title"],
            period=Period.P2021_2027,
            region=row["region_insee"] or None,
            funds=_funds(row["funds"]) or ("ERDF",),
            programme_type=row["programme_type"],
            eu_allocation=allocation,
            list_title=row["title_in_list_of_operations_observed"] or None,
        )
    region_by_name = {r["name"]: r["insee_region_code"] for r in read_rows("french_regions.csv")}
    for row in read_rows("programmes_2014_2020_fr.csv"):
        allocation = {
            fund: float(row[column])
            for fund, column in (
                ("ERDF", "eu_amount_FEDER"),
                ("ESF", "eu_amount_FSE"),
                ("YEI", "eu_amount_IEJ"),
            )
            if row.get(column)
        }
        funds = tuple(FUND_ALIASES[f] for f in row["funds"].split("+") if f in FUND_ALIASES)
        region = region_by_name.get(row["region"]) or None
        programmes[row["cci"]] = Programme(
            cci=row["cci"],
            title=row["title"],
            period=Period.P2014_2020,
            region=region,
            funds=funds,
            programme_type="regional" if region else "national",
            eu_allocation=allocation,
            title_en=row["title_en"] or None,
        )
    return programmes


@cache
def load_reference() -> Reference:
    """Load every packaged code list once."""
    nuts2: dict[str, Nuts2Region] = {}
    region_rows: dict[str, list[dict[str, str]]] = {}
    for row in read_rows("french_regions.csv"):
        code = row["insee_region_code"]
        if not code:
            continue  # Saint-Martin: no INSEE region, no NUTS2
        region_rows.setdefault(code, []).append(row)
        nuts2[row["nuts2_2016"]] = Nuts2Region(
            code=row["nuts2_2016"],
            name=row["nuts2_name"],
            insee_region=code,
            category_2014_2020=row["category_2014_2020"] or None,
            category_2021_2027=row["category_2021_2027"] or None,
            outermost=row["outermost"] == "yes",
        )
    regions = {
        code: Region(
            code=code,
            name=rows[0]["name"],
            nuts1=rows[0]["nuts1_2016"] or None,
            nuts2=tuple(r["nuts2_2016"] for r in rows),
            outermost=rows[0]["outermost"] == "yes",
        )
        for code, rows in region_rows.items()
    }
    departements = {
        row["code"]: Departement(
            row["code"], row["name"], row["insee_region_code"] or None, row["nuts2_2016"] or None
        )
        for row in read_rows("departements.csv")
    }
    objectives = {
        row["code"]: SpecificObjective(
            code=row["code"],
            funds=frozenset(
                f.replace("Interreg", "ERDF") for f in re.split(r"\+(?=[A-Z])", row["fund"])
            ),
            policy_objective=row["policy_objective"],
            label_en=row["label_en"],
            label_fr=row["label_fr"],
        )
        for row in read_rows("specific_objectives_2021_2027.csv")
    }
    labels_fr = {
        row["code"]: row["label_fr_as_published"]
        for row in read_rows("intervention_fields_2021_2027_labels_fr.csv")
    }
    fields_2021 = {
        row["code"]: InterventionField(
            code=row["code"],
            label_en=row["label_en"],
            label_fr=labels_fr.get(row["code"]),
            climate_coefficient=_fraction(row["climate_coefficient"]),
            environment_coefficient=_fraction(row["environment_coefficient"]),
        )
        for row in read_rows("intervention_fields_2021_2027.csv")
    }
    fields_2014 = {
        row["code"]: InterventionField(
            code=row["code"],
            label_en=row["label_en"],
            label_fr=None,
            climate_coefficient=_fraction(row["climate_coefficient"]),
            environment_coefficient=None,
        )
        for row in read_rows("intervention_fields_2014_2020.csv")
    }
    votes: dict[str, Counter[str]] = {}
    for row in read_rows("laposte_postcodes.csv"):
        votes.setdefault(row["postcode"], Counter())[
            _departement_of_commune(row["insee_commune"])
        ] += 1
    postcode_departement = {pc: c.most_common(1)[0][0] for pc, c in votes.items()}
    return Reference(
        regions=regions,
        nuts2=nuts2,
        departements=departements,
        programmes=_load_programmes(),
        specific_objectives=objectives,
        intervention_fields_2021_2027=fields_2021,
        intervention_fields_2014_2020=fields_2014,
        postcode_departement=postcode_departement,
    )
