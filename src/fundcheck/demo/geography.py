"""Where demo operations take place: programme lines (programme × fund × region), the
départements and postcodes of each region, and the co-financing ceiling of each département,
taken from the reference ceilings table (CPR (EU) 2021/1060 Art 112)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from fundcheck.demo.vocabulary import FUND_LABELS, vocabulary
from fundcheck.model import Period
from fundcheck.reference import Reference, load_reference, read_rows
from fundcheck.reference.targets import ceiling_row

# --------------------------------------------------------------------------------------------
# Geography: lines (programme × fund × region), départements and postcodes


@dataclass(frozen=True)
class ProgrammeLine:
    cci: str
    fund: str  # canonical fund code
    region: str  # INSEE region
    national: bool
    weight: float


@dataclass(frozen=True)
class Geography:
    regions: tuple[str, ...]
    region_names: Mapping[str, str]
    deps_by_region: Mapping[str, tuple[str, ...]]
    dep_weights: Mapping[str, npt.NDArray[np.float64]]
    postcodes_by_dep: Mapping[str, tuple[str, ...]]
    old_region_cell: Mapping[str, str]  # département → pre-2016 region cell (Auvergne-Rhône-Alpes)
    max_rate: Mapping[tuple[str, str], float]  # (département, fund) → ceiling of the category


def _ceiling(fund: str, category: str | None, outermost: bool) -> float:
    """The co-financing ceiling of a category of region, from the reference ceilings table
    (CPR (EU) 2021/1060 Art 112(3)): the base rate of the category, so that demo rates stay
    below the ceiling the checks apply, even where a 2014-2020 category raises it."""
    if category is None:
        raise ValueError("a demo département has no category of region in the reference")
    if fund == "JTF":
        key, table_fund = ("less_developed" if outermost else category), "JTF"
    else:
        key, table_fund = ("outermost" if outermost else category), "ERDF/ESF+"
    rate = ceiling_row(Period.P2021_2027, table_fund, key).max_rate
    if rate is None:
        raise ValueError(f"no co-financing ceiling for {table_fund}, {key} in the reference")
    return rate


@cache
def geography() -> Geography:
    ref = load_reference()
    prefectures: Mapping[str, str] = vocabulary()["prefectures"]
    postcodes: dict[str, list[str]] = {}
    for postcode, dep_code in sorted(ref.postcode_departement.items()):
        postcodes.setdefault(dep_code, []).append(postcode)
    deps_by_region: dict[str, list[str]] = {}
    for dep in ref.departements.values():
        if dep.region and dep.code in prefectures and dep.code in postcodes:
            deps_by_region.setdefault(dep.region, []).append(dep.code)
    old_names = {
        r["nuts2_2016"]: f"{r['insee_old_region_code']}/{r['nuts2_name']}"
        for r in read_rows("french_regions.csv")
        if r["insee_region_code"] == "84"
    }
    old_cells: dict[str, str] = {}
    max_rate: dict[tuple[str, str], float] = {}
    for deps in deps_by_region.values():
        for code in deps:
            nuts2 = ref.nuts2[ref.departements[code].nuts2 or ""]
            if nuts2.insee_region == "84":
                old_cells[code] = old_names[nuts2.code]
            for fund in FUND_LABELS:
                max_rate[code, fund] = _ceiling(fund, nuts2.category_2021_2027, nuts2.outermost)
    regions = tuple(sorted(deps_by_region))
    return Geography(
        regions=regions,
        region_names={code: ref.regions[code].name for code in regions},
        deps_by_region={r: tuple(sorted(d)) for r, d in deps_by_region.items()},
        dep_weights={
            r: np.array([len(postcodes[d]) for d in sorted(deps)], dtype=float)
            for r, deps in deps_by_region.items()
        },
        postcodes_by_dep={d: tuple(p) for d, p in postcodes.items()},
        old_region_cell=old_cells,
        max_rate=max_rate,
    )


def programme_lines(ref: Reference, geo: Geography) -> list[ProgrammeLine]:
    vocab = vocabulary()
    shares: Mapping[str, float] = vocab["fund_shares"]
    jtf_regions = sorted(p.region for p in ref.programmes.values() if p.region and "JTF" in p.funds)
    population = {r: float(geo.dep_weights[r].sum()) for r in geo.regions}
    lines: list[ProgrammeLine] = []
    for cci, weight in vocab["programme_weights"].items():
        programme = ref.programmes[cci]
        if programme.region:
            funds = [f for f in programme.funds if f in shares]
            total = sum(shares[f] for f in funds)
            lines += [
                ProgrammeLine(cci, f, programme.region, False, weight * shares[f] / total)
                for f in funds
            ]
            continue
        fund = programme.funds[0]
        regions = jtf_regions if fund == "JTF" else list(geo.regions)
        covered = sum(population[r] for r in regions)
        lines += [
            ProgrammeLine(cci, fund, r, True, weight * population[r] / covered) for r in regions
        ]
    return lines
