"""Reference code lists packaged with fundcheck, with typed loaders (loaded once per process).

The CSV files live in ``data/``; ``data/SOURCES.md`` gives the provenance of every file.
"""

from __future__ import annotations

import csv
import os
import re
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


def split_funds(text: str) -> tuple[str, ...]:
    """Canonical fund codes of a reference cell joining funds with ``+`` ("CF+ERDF",
    "FEDER+FSE+IEJ", "ERDF+ESF++JTF"): a fund code may itself end with ``+`` (ESF+), so the cell
    is split only before a capital letter; a parenthesis is a comment ("ERDF (Interreg)");
    Interreg is ERDF; a word that is no fund ("multi-fund") is left out."""
    out: list[str] = []
    for part in re.split(r"\+(?=[A-Z])", text.split(" (")[0]):
        fund = FUND_ALIASES.get(part.strip().upper())
        if fund and fund not in out:
            out.append(fund)
    return tuple(out)


_FUND_PERIOD = {
    "ESF+": Period.P2021_2027.value,
    "JTF": Period.P2021_2027.value,
    "EMFAF": Period.P2021_2027.value,
    "YEI": Period.P2014_2020.value,
    "EMFF": Period.P2014_2020.value,
    "REACT-EU": Period.P2014_2020.value,
}
_LABEL_YEARS = re.compile(r"(20[0-2]\d)\s*[-–/à]\s*(20[0-3]\d)")


def period_of_year(year: int) -> str | None:
    """The programming period a year opens (2007-2013, 2014-2020, 2021-2027), else None."""
    if 2007 <= year <= 2013:
        return Period.P2007_2013.value
    if 2014 <= year <= 2020:
        return Period.P2014_2020.value
    if 2021 <= year <= 2027:
        return Period.P2021_2027.value
    return None


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

    # Regions: which region is this postcode, département, programme, label or location

    def departement_of_postcode(self, postcode: str) -> str | None:
        """The département a 5-digit postcode's prefix designates (distribution or CEDEX code).

        Overseas départements use three digits (971-976); Corsica's "20" prefix designates both
        Corsican départements, reported as "2A" (same region). None for an unknown prefix.
        """
        if not re.fullmatch(r"\d{5}", postcode):
            return None
        prefix = postcode[:3] if postcode.startswith("97") else postcode[:2]
        if prefix == "20":
            prefix = "2A"
        return prefix if prefix in self.departements else None

    def region_of_postcode(self, postcode: str) -> str | None:
        """Region of a postcode: La Poste's département for a distribution code, else its
        prefix's."""
        departement = self.postcode_departement.get(postcode) or self.departement_of_postcode(
            postcode
        )
        found = self.departements.get(departement or "")
        return found.region if found else None

    def region_of_departement(self, code: str) -> str | None:
        """Region of a département code, or of several joined by "|" when they lie in one."""
        regions = {getattr(self.departements.get(part), "region", None) for part in code.split("|")}
        return regions.pop() if len(regions) == 1 else None

    def region_of_region_code(self, code: str) -> str | None:
        """A known region code (several regions joined by "|" name no single region)."""
        return code if code in self.regions else None

    def region_of_programme(self, cci: str) -> str | None:
        """The region of a regional programme; None for a national or unknown one."""
        programme = self.programmes.get(cci)
        return programme.region if programme else None

    def is_national_programme(self, cci: str) -> bool:
        """A programme known to be national or multi-regional (no region of its own)."""
        programme = self.programmes.get(cci)
        return programme is not None and programme.region is None

    def programmes_for_label(self, label: str, period: str | None = None) -> tuple[str, ...]:
        """CCIs of the programmes a label names (long or abbreviated titles); several when the
        label is ambiguous (see ``lookups.programmes_for_label``)."""
        from fundcheck.reference.lookups import programmes_for_label  # indexes built once

        return programmes_for_label(label, period)

    def region_of_label(self, label: str, period: str | None = None) -> str | None:
        """The region of the programme(s) a label names, when they all lie in one region."""
        regions = {self.programmes[cci].region for cci in self.programmes_for_label(label, period)}
        return regions.pop() if len(regions) == 1 else None

    def region_of_location(self, text: str) -> str | None:
        """The region a location text names ("REG/53/Bretagne | COMM/56036/Caudan")."""
        from fundcheck.reference.lookups import region_of_location_text

        return region_of_location_text(text)

    # Funds

    def funds_of_programme(self, cci: str) -> tuple[str, ...]:
        """The funds a programme carries (Partnership Agreements: 2021-2027 Table 9B, 2014-2020
        §1.6); empty for an unknown programme."""
        programme = self.programmes.get(cci)
        return programme.funds if programme else ()

    # Periods: which programming period is this CCI, label, fund or year

    @staticmethod
    def period_of_year(year: int) -> str | None:
        """The programming period a year opens."""
        return period_of_year(year)

    @staticmethod
    def period_of_cci(cci: str) -> str | None:
        """The period of a programme CCI: its first four digits are the first year of the
        period it was adopted for (2014FR16RFOP006 -> 2014-2020)."""
        year = cci[:4]
        return period_of_year(int(year)) if year.isdigit() else None

    def period_of_label(self, label: str) -> str | None:
        """The period a programme label names: its years ("PO FEDER 2014-2020"), else the
        period of every programme the label may name when they agree."""
        years = _LABEL_YEARS.search(label)
        if years:
            return period_of_year(int(years.group(1)))
        found = {self.period_of_cci(cci) for cci in self.programmes_for_label(label)}
        return found.pop() if len(found) == 1 else None

    @staticmethod
    def period_of_fund(fund: str) -> str | None:
        """The period of a fund that exists in one period only (ESF+, JTF, EMFAF: 2021-2027;
        YEI, EMFF, REACT-EU: 2014-2020)."""
        return _FUND_PERIOD.get(fund)


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
            funds=split_funds(row["funds"]) or ("ERDF",),
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
        funds = split_funds(row["funds"])
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
def load_regions() -> tuple[Mapping[str, Region], Mapping[str, Nuts2Region]]:
    """The regions (by INSEE code) and the NUTS 2 regions (by code) of ``french_regions.csv``."""
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
    return regions, nuts2


@cache
def load_programmes() -> Mapping[str, Programme]:
    """The French programmes of both periods, by CCI."""
    return _load_programmes()


@cache
def load_specific_objectives() -> Mapping[str, SpecificObjective]:
    """The 2021-2027 specific objectives, by code."""
    return {
        row["code"]: SpecificObjective(
            code=row["code"],
            funds=frozenset(split_funds(row["fund"])),
            policy_objective=row["policy_objective"],
            label_en=row["label_en"],
            label_fr=row["label_fr"],
        )
        for row in read_rows("specific_objectives_2021_2027.csv")
    }


@cache
def load_intervention_fields_2021_2027() -> Mapping[str, InterventionField]:
    """The 2021-2027 intervention fields (CPR Annex I, Table 1), by code."""
    labels_fr = {
        row["code"]: row["label_fr_as_published"]
        for row in read_rows("intervention_fields_2021_2027_labels_fr.csv")
    }
    return {
        row["code"]: InterventionField(
            code=row["code"],
            label_en=row["label_en"],
            label_fr=labels_fr.get(row["code"]),
            climate_coefficient=_fraction(row["climate_coefficient"]),
            environment_coefficient=_fraction(row["environment_coefficient"]),
        )
        for row in read_rows("intervention_fields_2021_2027.csv")
    }


@cache
def load_intervention_fields_2014_2020() -> Mapping[str, InterventionField]:
    """The 2014-2020 categories of intervention, by code."""
    return {
        row["code"]: InterventionField(
            code=row["code"],
            label_en=row["label_en"],
            label_fr=None,
            climate_coefficient=_fraction(row["climate_coefficient"]),
            environment_coefficient=None,
        )
        for row in read_rows("intervention_fields_2014_2020.csv")
    }


@cache
def load_postcode_departement() -> Mapping[str, str]:
    """Each La Poste postcode and its most frequent département, the first met among equals
    (the largest file: 36,000 lines read before every run, row by row, not as mappings)."""
    votes: dict[str, dict[str, int]] = {}
    with data_path("laposte_postcodes.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        postcode_at, commune_at = header.index("postcode"), header.index("insee_commune")
        for row in rows:
            counts = votes.setdefault(row[postcode_at], {})
            departement = _departement_of_commune(row[commune_at])
            counts[departement] = counts.get(departement, 0) + 1
    return {postcode: max(counts, key=counts.__getitem__) for postcode, counts in votes.items()}


@cache
def load_reference() -> Reference:
    """Load every packaged code list once (each list is also loaded on its own by the
    ``load_*`` functions above, for callers that need one list only)."""
    regions, nuts2 = load_regions()
    departements = {
        row["code"]: Departement(
            row["code"], row["name"], row["insee_region_code"] or None, row["nuts2_2016"] or None
        )
        for row in read_rows("departements.csv")
    }
    return Reference(
        regions=regions,
        nuts2=nuts2,
        departements=departements,
        programmes=load_programmes(),
        specific_objectives=load_specific_objectives(),
        intervention_fields_2021_2027=load_intervention_fields_2021_2027(),
        intervention_fields_2014_2020=load_intervention_fields_2014_2020(),
        postcode_departement=load_postcode_departement(),
    )
