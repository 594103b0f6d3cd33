"""The embedded demo dataset: a French national list of operations 2021-2027 with known defects.

``generate_demo()`` builds, deterministically from a seed, a list of operations FEDER / FSE+ / FTJ
in the exact format of the national publication (europe-en-france.gouv.fr, edition 2026-03-16):
the 23 published headers in order, values written as the publication writes them
("84/Auvergne-Rhône-Alpes", "044 - Rénovation …", "RSO2.1 - <libellé>", Pays "FRA" or
"France", rates as fractions).
Programmes are the real French 2021-2027 programmes (the 18 regional programmes, the national ESF+
programme and the national JTF programme), postcodes are real La Poste postcodes of the operation's
département, specific objectives and Annex I intervention fields are consistent with the fund, the
co-financing rate respects the ceiling of the category of region, the EU amount is eligible cost ×
rate rounded to the cent, and dates lie in 2021-2029. Beneficiaries are invented organisations
with real place names. A few cells are written the way real files write them and must only be
*normalised* (info findings): postcodes and départements stored as numbers without their leading
zero, pre-2016 region codes ("83/Auvergne"), two intervention fields in one cell, "Volet national"
operations with no location but a zone.

Clean rows break no rule. Exactly one row per defect below is altered (each in its own region);
``DemoDataset.defects`` records, for each, the rule id, the spreadsheet row (header = row 1), the
INSEE region the finding must be attributed to, the canonical field and the injected value.

======================================  =======  ==============================================
Rule                                    Region   Injected defect
======================================  =======  ==============================================
eu21.art49.mandatory_field              84       "Nom du bénéficiaire" left empty
eu21.art49.mandatory_field              94       "Objectifs et réalisations …" left empty
eu21.art49.location_indicator           93       postcode, zone, département and région all
                                                 empty: the region comes from the programme
eu.cci.format                           32       NUMCCI "2021FR16FFPR0X8" (region from the cell)
eu21.cci.known_programme                76       NUMCCI "2021FR16FFPR099" (well formed, unknown)
eu21.fund.valid                         28       Fonds "FEDR"
eu21.specific_objective.valid_for_fund  27       "ESO4.1" (an ESF+ objective) on a FEDER row
eu21.intervention_field.valid           24       "999 - Assistance technique forfaitaire"
fr.postcode.format                      11       beneficiary postcode "75O01" (letter O)
fr.postcode.exists                      53       operation postcode absent from La Poste (warning)
eu.country.valid                        44       Pays "Allemange"
eu.dates.start_before_end               52       start and end dates swapped
eu21.dates.eligibility_window           04       start date in 2019 (warning)
eu.rate.range                           01       rate 1.5; the EU amount still follows the true
                                                 rate, so eu.amount.consistent_with_rate (warning)
                                                 fires on the same row too
eu.amount.eu_not_above_eligible         02       EU amount = 100.4 % of eligible cost, rate 1.0
                                                 (within the rate tolerance; the 100 % rate is
                                                 eu.cofinancing.full_rate, a warning)
eu.amount.consistent_with_rate          03       EU amount 10 % below eligible × rate (warning)
eu21.art49.unique_operation_id          75       an earlier operation number of the same
                                                 programme repeated (only this 2nd row is a finding)
read.unreadable_value                   06       start date "31/02/2023"
======================================  =======  ==============================================

Programme-level breaches for the aggregate checks (a co-financing ceiling exceeded, an ERDF
concentration shortfall, a split operation, a double-funded operation) are injected after these,
in other rows (``fundcheck.demo_breaches``); the clean rows are tuned so that no beneficiary runs
two operations of the same title at overlapping dates.

``write_demo()`` writes the dataset as the publication does: an .xlsx workbook with one sheet
"LISTE OPERATION AU 16 03 2026". ``generate_operations()`` and ``inject_random_defects()`` are the
same row builder for large benchmark files (vectorised: a million rows in seconds).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from fundcheck.reference import Reference, load_reference, read_rows

FORMAT_ID = "fr_national_2021_2027"
DEFAULT_SEED = 2027
DEFAULT_OPERATIONS = 2000
FUND_LABELS: Mapping[str, str] = {"ERDF": "FEDER", "ESF+": "FSE+", "JTF": "FTJ"}
ELIGIBILITY_START = np.datetime64("2021-01-01")
ELIGIBILITY_END = np.datetime64("2029-12-31")
NATIONAL_REGION_CELL = "Volet national"
NATIONAL_ZONE = "France entière"

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]
Cell = str | float | int | pd.Timestamp | None


# --------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class InjectedDefect:
    """One defect injected in the demo list, and where its finding must appear.

    ``row`` is the spreadsheet row (header = row 1), None for a programme-level breach (its
    finding names ``programme``); ``region`` the INSEE region the finding is attributed to;
    ``field`` the canonical field of the altered cell (None when the rule is about several cells);
    ``value`` the cell as injected; ``also`` other rules that necessarily fire on the same row
    (warnings only); ``severity`` the severity of its finding (``info`` for a programme's result
    of a Member-State-level target).
    """

    rule: str
    row: int | None
    region: str | None
    field: str | None
    description: str
    value: Cell = None
    also: tuple[str, ...] = ()
    programme: str | None = None
    severity: str = "warning"


@dataclass(frozen=True)
class DemoDataset:
    """The demo list: ``frame`` has the 23 national headers, values as published."""

    frame: pd.DataFrame
    defects: tuple[InjectedDefect, ...]


# --------------------------------------------------------------------------------------------
# Static vocabulary


@cache
def national_headers() -> tuple[str, ...]:
    """The 23 headers of the national 2021-2027 publication, in order, exactly as published."""
    rows = [r for r in read_rows("list_of_operations_headers.csv") if r["format_id"] == FORMAT_ID]
    rows.sort(key=lambda r: int(r["position"]))
    return tuple(r["header_text_exact"] for r in rows)


@cache
def header_of(field: str) -> str:
    """The national header of a canonical field."""
    for row in read_rows("list_of_operations_headers.csv"):
        if row["format_id"] == FORMAT_ID and row["canonical_field"] == field:
            return row["header_text_exact"]
    raise KeyError(field)


@cache
def _vocabulary() -> dict[str, Any]:
    path = resources.files("fundcheck").joinpath("demo_data", "vocabulary.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def sheet_name() -> str:
    """Sheet name of the national publication the demo imitates."""
    return str(_vocabulary()["sheet_name"])


PUBLICATION_DATE = np.datetime64("2026-03-16")


# --------------------------------------------------------------------------------------------
# Geography: lines (programme × fund × region), départements and postcodes


@dataclass(frozen=True)
class _Line:
    cci: str
    fund: str  # canonical fund code
    region: str  # INSEE region
    national: bool
    weight: float


@dataclass(frozen=True)
class _Geography:
    regions: tuple[str, ...]
    region_names: Mapping[str, str]
    deps_by_region: Mapping[str, tuple[str, ...]]
    dep_weights: Mapping[str, npt.NDArray[np.float64]]
    postcodes_by_dep: Mapping[str, tuple[str, ...]]
    old_region_cell: Mapping[str, str]  # département → pre-2016 region cell (Auvergne-Rhône-Alpes)
    max_rate: Mapping[tuple[str, str], float]  # (département, fund) → ceiling of the category


def _ceiling(fund: str, category: str | None, outermost: bool) -> float:
    if outermost or category == "less_developed":
        return 0.85
    if fund == "JTF":
        return 0.5 if category == "more_developed" else 0.7
    return 0.4 if category == "more_developed" else 0.6


@cache
def _geography() -> _Geography:
    ref = load_reference()
    prefectures: Mapping[str, str] = _vocabulary()["prefectures"]
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
    return _Geography(
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


def _lines(ref: Reference, geo: _Geography) -> list[_Line]:
    vocab = _vocabulary()
    shares: Mapping[str, float] = vocab["fund_shares"]
    jtf_regions = sorted(p.region for p in ref.programmes.values() if p.region and "JTF" in p.funds)
    population = {r: float(geo.dep_weights[r].sum()) for r in geo.regions}
    lines: list[_Line] = []
    for cci, weight in vocab["programme_weights"].items():
        programme = ref.programmes[cci]
        if programme.region:
            funds = [f for f in programme.funds if f in shares]
            total = sum(shares[f] for f in funds)
            lines += [
                _Line(cci, f, programme.region, False, weight * shares[f] / total) for f in funds
            ]
            continue
        fund = programme.funds[0]
        regions = jtf_regions if fund == "JTF" else list(geo.regions)
        covered = sum(population[r] for r in regions)
        lines += [_Line(cci, fund, r, True, weight * population[r] / covered) for r in regions]
    return lines


# --------------------------------------------------------------------------------------------
# Text rendering from templates, once per distinct combination


_FIELDS_CACHE: dict[str, frozenset[str]] = {}


def _placeholders(template: str) -> frozenset[str]:
    if template not in _FIELDS_CACHE:
        _FIELDS_CACHE[template] = frozenset(
            name for _, name, _, _ in string.Formatter().parse(template) if name
        )
    return _FIELDS_CACHE[template]


def _render(
    templates: Sequence[str],
    choice: IntArray,
    values: Mapping[str, tuple[Sequence[str], IntArray]],
) -> ObjArray:
    """Fill ``templates[choice[i]]`` with ``pool[idx[i]]`` per placeholder, for every row i.

    Each distinct combination is formatted once, so a million rows cost a few thousand calls.
    """
    uses = {name: np.array([name in _placeholders(t) for t in templates]) for name in values}
    key = choice.astype(np.int64)
    for name, (pool, idx) in values.items():
        key = key * (len(pool) + 1) + np.where(uses[name][choice], idx + 1, 0)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    rendered = np.empty(len(first), dtype=object)
    for k, row in enumerate(first):
        template = templates[choice[row]]
        fields = {n: pool[idx[row]] for n, (pool, idx) in values.items() if uses[n][choice[row]]}
        rendered[k] = template.format(**fields)
    out: ObjArray = rendered[inverse.ravel()]
    return out


def _pick(rng: np.random.Generator, groups: IntArray, options: Sequence[Sequence[Any]]) -> IntArray:
    """For each row, an index into ``options[groups[row]]`` drawn uniformly."""
    sizes = np.array([len(o) for o in options])
    return np.asarray(np.floor(rng.random(len(groups)) * sizes[groups]), dtype=np.int64)


# --------------------------------------------------------------------------------------------
# The row builder (vectorised)


@dataclass
class _Build:
    """A generated list plus what the generator knows about each row (never in the file)."""

    frame: pd.DataFrame
    region: ObjArray  # INSEE region of each row (None for the national bucket)
    fund: ObjArray  # canonical fund
    national: npt.NDArray[np.bool_]  # row of a national programme
    dep: ObjArray


def _build(operations: int, seed: int) -> _Build:
    """Draw ``operations`` clean rows: programme line, place, objective, dates, money, texts."""
    ref = load_reference()
    geo = _geography()
    vocab = _vocabulary()
    rng = np.random.default_rng(seed)
    n = operations

    lines = _lines(ref, geo)
    weights = np.array([line.weight for line in lines])
    line = rng.choice(len(lines), size=n, p=weights / weights.sum())
    cci = np.array([x.cci for x in lines], dtype=object)[line]
    fund = np.array([x.fund for x in lines], dtype=object)[line]
    region = np.array([x.region for x in lines], dtype=object)[line]
    national = np.array([x.national for x in lines])[line]

    dep, postcode, ben_postcode = _places(rng, geo, region)
    objective_codes, objective = _objectives(rng, fund, national)
    specs = [vocab["objectives"][code] for code in objective_codes]
    objective_code = np.array(objective_codes, dtype=object)[objective]
    intervention = _intervention_cells(rng, ref, specs, objective, fund)
    so_label = _objective_labels(ref, objective_codes)
    policy = np.array(
        [vocab["policy_objectives"][code.split(".")[0]] for code in objective_codes], dtype=object
    )
    start, end, agreement = _dates(rng, n)
    eligible, rate, eu_amount = _money(rng, geo, dep, fund)

    # Names and texts.
    beneficiary, ben_postcode = _beneficiaries(rng, geo, specs, objective, dep, ben_postcode)
    year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    title_pool, title_choice = _flatten_choice(rng, [s["titles"] for s in specs], objective)
    summary_pool, summary_choice = _flatten_choice(rng, [s["summaries"] for s in specs], objective)
    shared = _shared_values(rng, n, dep, year)
    title = _render(title_pool, title_choice, shared)
    summary = _render(summary_pool, summary_choice, shared)

    cells = _location_cells(rng, geo, region, dep, postcode, national & (fund == "ESF+"))
    ben_postcode = _replace(cells.lost_zero, _as_number(ben_postcode), ben_postcode)

    programme_title = np.array(
        [ref.programmes[c].list_title or ref.programmes[c].title for c in cci], dtype=object
    )
    frame = pd.DataFrame(
        {
            header_of("operation_id"): _operation_ids(rng, cci, region, national, year),
            header_of("programme_cci"): cci,
            header_of("programme_title"): programme_title,
            header_of("operation_name"): title,
            header_of("operation_summary"): summary,
            header_of("beneficiary_name"): beneficiary,
            header_of("beneficiary_postcode"): ben_postcode,
            header_of("start_date"): pd.to_datetime(start),
            header_of("end_date"): pd.to_datetime(end),
            header_of("operation_postcode"): cells.postcode,
            header_of("location_text"): cells.zone,
            header_of("operation_department"): cells.departement,
            header_of("operation_region"): cells.region,
            header_of("country"): np.where(rng.random(n) < 0.83, "FRA", "France").astype(object),
            header_of("intervention_field"): intervention,
            header_of("fund"): np.array([FUND_LABELS[f] for f in fund], dtype=object),
            header_of("specific_objective"): objective_code,
            header_of("specific_objective_label"): so_label[objective],
            header_of("policy_objective"): policy[objective],
            header_of("total_eligible_cost"): eligible,
            header_of("cofinancing_rate"): rate,
            header_of("eu_amount"): eu_amount,
            header_of("selection_date"): pd.to_datetime(agreement),
        },
        columns=list(national_headers()),
    )
    order = np.lexsort((frame[header_of("operation_id")].to_numpy(), programme_title))
    frame = frame.iloc[order].reset_index(drop=True)
    return _Build(
        frame=frame,
        region=_replace(cells.nationwide, np.full(n, None, dtype=object), region)[order],
        fund=fund[order],
        national=national[order],
        dep=dep[order],
    )


def _places(
    rng: np.random.Generator, geo: _Geography, region: ObjArray
) -> tuple[ObjArray, ObjArray, ObjArray]:
    """Département (weighted by its number of postcodes), operation and beneficiary postcodes."""
    n = len(region)
    dep = np.empty(n, dtype=object)
    for code in geo.regions:
        rows = np.flatnonzero(region == code)
        w = geo.dep_weights[code]
        dep[rows] = np.array(geo.deps_by_region[code], dtype=object)[
            rng.choice(len(w), size=len(rows), p=w / w.sum())
        ]
    postcode = np.empty(n, dtype=object)
    ben_postcode = np.empty(n, dtype=object)
    same_place = rng.random(n) < 0.65
    for code in np.unique(dep):
        rows = np.flatnonzero(dep == code)
        pool = np.array(geo.postcodes_by_dep[code], dtype=object)
        postcode[rows] = pool[rng.integers(len(pool), size=len(rows))]
        ben_postcode[rows] = pool[rng.integers(len(pool), size=len(rows))]
    return dep, postcode, _replace(same_place, postcode, ben_postcode)


def _objectives(
    rng: np.random.Generator, fund: ObjArray, national: npt.NDArray[np.bool_]
) -> tuple[list[str], IntArray]:
    """Specific objective of each row, drawn by fund and kind of programme (regional, national)."""
    group_names = ["ERDF", "ESF+ regional", "ESF+ national", "JTF"]
    group = np.select(
        [fund == "ERDF", (fund == "ESF+") & ~national, fund == "ESF+"], [0, 1, 2], default=3
    )
    codes: list[str] = []
    objective = np.empty(len(fund), dtype=np.int64)
    for g, name in enumerate(group_names):
        table: Mapping[str, float] = _vocabulary()["objective_weights"][name]
        offset = len(codes)
        codes += list(table)
        p = np.array(list(table.values()), dtype=float)
        rows = np.flatnonzero(group == g)
        objective[rows] = offset + rng.choice(len(p), size=len(rows), p=p / p.sum())
    return codes, objective


def _dates(
    rng: np.random.Generator, n: int
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """Start in 2021 to mid-2026, 6 to 60 months long; first agreement around the start (NaT for
    a quarter of the rows, as in the publication), never after the publication date."""
    start = ELIGIBILITY_START + (rng.beta(2.0, 2.6, n) * 2006).astype("timedelta64[D]")
    months = rng.integers(6, 61, n)
    end = np.minimum(start + (months * 30.44).astype("timedelta64[D]"), ELIGIBILITY_END)
    agreement = start + rng.integers(-200, 400, n).astype("timedelta64[D]")
    agreement = np.clip(agreement, np.datetime64("2022-03-01"), PUBLICATION_DATE)
    agreement = np.where(rng.random(n) < 0.75, agreement, np.datetime64("NaT"))
    return start, end, agreement


def _money(
    rng: np.random.Generator, geo: _Geography, dep: ObjArray, fund: ObjArray
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Eligible cost (log-normal by fund), co-financing rate (the ceiling of the category of
    region, or a lower usual rate) and EU amount = eligible cost × rate rounded to the cent."""
    n = len(dep)
    median = np.select([fund == "ERDF", fund == "ESF+"], [220_000.0, 110_000.0], 450_000.0)
    eligible = np.clip(median * rng.lognormal(0.0, 1.1, n), 3_000.0, 30_000_000.0)
    eligible = np.where(rng.random(n) < 0.4, np.round(eligible, -2), np.round(eligible, 2))
    ceiling = np.array([geo.max_rate[d, f] for d, f in zip(dep, fund, strict=True)])
    lower = np.array([0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8])
    below = lower[np.minimum(rng.integers(0, 13, n), np.searchsorted(lower, ceiling) - 1)]
    rate = np.where(rng.random(n) < 0.55, ceiling, below)
    return eligible, rate, np.round(eligible * rate, 2)


def _blank(mask: npt.NDArray[np.bool_], values: ObjArray) -> ObjArray:
    """``values`` with None (an empty cell) where ``mask`` is true."""
    out: ObjArray = np.array(values, dtype=object, copy=True)
    out[mask] = None
    return out


def _replace(mask: npt.NDArray[np.bool_], new: ObjArray, values: ObjArray) -> ObjArray:
    """``values`` with ``new`` where ``mask`` is true."""
    out: ObjArray = np.array(values, dtype=object, copy=True)
    out[mask] = np.asarray(new, dtype=object)[mask]
    return out


def _is_blank(values: ObjArray) -> npt.NDArray[np.bool_]:
    return np.array([v is None for v in values], dtype=bool)


@dataclass(frozen=True)
class _LocationCells:
    postcode: ObjArray
    zone: ObjArray
    departement: ObjArray
    region: ObjArray
    lost_zero: npt.NDArray[np.bool_]  # codes stored as numbers (leading zero lost)
    nationwide: npt.NDArray[np.bool_]  # "Volet national": no region


def _location_cells(
    rng: np.random.Generator,
    geo: _Geography,
    region: ObjArray,
    dep: ObjArray,
    postcode: ObjArray,
    may_be_nationwide: npt.NDArray[np.bool_],
) -> _LocationCells:
    """Location cells as the publication fills them: often partly empty, never all empty.

    The region cell is "84/Auvergne-Rhône-Alpes" or the bare name; some Auvergne-Rhône-Alpes
    rows keep their pre-2016 region code ("83/Auvergne"); codes of
    départements 01-09 are sometimes stored as numbers; a few national ESF+ operations are
    nationwide ("Volet national", zone "France entière", no postcode nor département).
    """
    n = len(region)
    names = geo.region_names
    modern = np.array([f"{r}/{names[r]}" for r in region], dtype=object)
    plain = np.array([names[r] for r in region], dtype=object)
    old = np.array([geo.old_region_cell.get(d) for d in dep], dtype=object)
    region_cell = _replace(rng.random(n) < 0.3, plain, modern)
    region_cell = _replace(~_is_blank(old) & (rng.random(n) < 0.3), old, region_cell)
    region_cell = _blank(rng.random(n) < 0.22, region_cell)
    dep_cell = _blank(rng.random(n) < 0.5, dep)
    dep_names = {d.code: d.name for d in load_reference().departements.values()}
    zone = _blank(rng.random(n) >= 0.15, np.array([dep_names[d] for d in dep], dtype=object))
    op_postcode = _blank(rng.random(n) >= 0.96, postcode)
    lost = (rng.random(n) < 0.25) & np.array([str(d).startswith("0") for d in dep])
    op_postcode = _replace(lost, _as_number(op_postcode), op_postcode)
    dep_cell = _replace(lost, _as_number(dep_cell), dep_cell)
    nowhere = _is_blank(op_postcode) & _is_blank(dep_cell)
    region_cell = _replace(nowhere, modern, region_cell)

    nationwide = may_be_nationwide & (rng.random(n) < 0.02)
    return _LocationCells(
        postcode=_blank(nationwide, op_postcode),
        zone=_replace(nationwide, np.full(n, NATIONAL_ZONE, dtype=object), zone),
        departement=_blank(nationwide, dep_cell),
        region=_replace(nationwide, np.full(n, NATIONAL_REGION_CELL, dtype=object), region_cell),
        lost_zero=lost,
        nationwide=nationwide,
    )


def _as_number(codes: ObjArray) -> ObjArray:
    """Codes as a spreadsheet stores them when typed as numbers: "01000" → 1000."""
    out: ObjArray = np.empty(len(codes), dtype=object)
    out[:] = [int(c) if isinstance(c, str) and c.isdigit() else c for c in codes]
    return out


def _flatten_choice(
    rng: np.random.Generator, options: Sequence[Sequence[str]], group: IntArray
) -> tuple[list[str], IntArray]:
    offsets = np.cumsum([0] + [len(o) for o in options])[:-1]
    flat = [item for group_options in options for item in group_options]
    return flat, offsets[group] + _pick(rng, group, options)


def _shared_values(
    rng: np.random.Generator, n: int, dep: ObjArray, year: IntArray
) -> dict[str, tuple[Sequence[str], IntArray]]:
    vocab = _vocabulary()
    prefectures: Mapping[str, str] = vocab["prefectures"]
    deps = sorted(prefectures)
    dep_index = {d: i for i, d in enumerate(deps)}
    years = [str(y) for y in range(2021, 2030)]
    return {
        "city": ([prefectures[d] for d in deps], np.array([dep_index[d] for d in dep])),
        "acronym": (vocab["acronyms"], rng.integers(len(vocab["acronyms"]), size=n)),
        "place": (vocab["places"], rng.integers(len(vocab["places"]), size=n)),
        "sector": (vocab["sectors"], rng.integers(len(vocab["sectors"]), size=n)),
        "year": (years, np.clip(year - 2021, 0, len(years) - 1)),
    }


def _intervention_cells(
    rng: np.random.Generator,
    ref: Reference,
    specs: Sequence[Mapping[str, Any]],
    objective: IntArray,
    fund: ObjArray,
) -> ObjArray:
    """ "044 - <libellé>" cells; a few FEDER rows carry two codes joined by " | "."""
    fields = ref.intervention_fields_2021_2027

    def cell(code: str) -> str:
        label = fields[code].label_fr or fields[code].label_en
        return f"{code} - {label}"

    options = [[cell(code) for code in spec["codes"]] for spec in specs]
    pool, choice = _flatten_choice(rng, options, objective)
    single = np.array(pool, dtype=object)
    sizes = np.array([len(o) for o in options])
    offsets = np.cumsum([0, *sizes])[:-1]
    position = choice - offsets[objective]
    following = offsets[objective] + (position + 1) % sizes[objective]
    pair = (fund == "ERDF") & (sizes[objective] > 1) & (rng.random(len(objective)) < 0.05)
    joined = np.char.add(np.char.add(single[choice].astype(str), " | "), single[following])
    out: ObjArray = np.where(pair, joined.astype(object), single[choice])
    return out


def _objective_labels(ref: Reference, codes: Sequence[str]) -> ObjArray:
    extra: Mapping[str, str] = _vocabulary()["extra_objective_labels"]
    labels = []
    for code in codes:
        label = ref.specific_objectives[code].label_fr or extra[code]
        labels.append(f"{code} - {' '.join(label.split())}")
    return np.array(labels, dtype=object)


def _beneficiaries(
    rng: np.random.Generator,
    geo: _Geography,
    specs: Sequence[Mapping[str, Any]],
    objective: IntArray,
    dep: ObjArray,
    ben_postcode: ObjArray,
) -> tuple[ObjArray, ObjArray]:
    """Beneficiary names by kind of organisation; a university's postcode is its campus's."""
    vocab = _vocabulary()
    n = len(dep)
    kinds_of: list[list[str]] = [spec["beneficiaries"] for spec in specs]
    kind_names = sorted({k for kinds in kinds_of for k in kinds})
    kind_index = {k: i for i, k in enumerate(kind_names)}
    kind_choice = _pick(rng, objective, kinds_of)
    kind_table = [[kind_index[k] for k in kinds] for kinds in kinds_of]
    flat_kinds = np.array([k for kinds in kind_table for k in kinds])
    offsets = np.cumsum([0] + [len(k) for k in kind_table])[:-1]
    kind = flat_kinds[offsets[objective] + kind_choice]

    templates_of = [vocab["beneficiary_kinds"][k] for k in kind_names]
    pool, choice = _flatten_choice(rng, templates_of, kind)

    dep_region = {d: r for r, deps in geo.deps_by_region.items() for d in deps}
    region = np.array([dep_region[d] for d in dep], dtype=object)
    regions = list(geo.regions)
    region_idx = np.array([regions.index(r) for r in region])
    universities: list[tuple[str, str]] = [(u[0], u[1]) for u in vocab["universities"]]
    by_region = [[i for i, u in enumerate(universities) if dep_region[u[1]] == r] for r in regions]
    flat_univ = np.array([i for options in by_region for i in options])
    univ_sizes = np.array([len(options) for options in by_region])
    univ_offsets = np.cumsum([0, *univ_sizes])[:-1]
    univ_pick = flat_univ[
        univ_offsets[region_idx] + rng.integers(0, 1 << 30, n) % univ_sizes[region_idx]
    ]
    values = _shared_values(rng, n, dep, np.zeros(n, dtype=np.int64))
    values |= {
        "dep": (sorted(vocab["prefectures"]), values["city"][1]),
        "region_short": ([vocab["region_short"][r] for r in regions], region_idx),
        "region_authority": ([vocab["region_authority"][r] for r in regions], region_idx),
        "university": ([u[0] for u in universities], univ_pick),
    }
    names = _render(pool, choice, values)

    is_univ = kind == kind_index["university"]
    campus_dep = np.array([universities[i][1] for i in univ_pick], dtype=object)
    rows = np.flatnonzero(is_univ & (campus_dep != dep))
    postcodes = ben_postcode.copy()
    for i, row in enumerate(rows):
        pool_dep = geo.postcodes_by_dep[campus_dep[row]]
        postcodes[row] = pool_dep[(row * 7919 + i) % len(pool_dep)]
    return names, postcodes


def _operation_ids(
    rng: np.random.Generator,
    cci: ObjArray,
    region: ObjArray,
    national: npt.NDArray[np.bool_],
    year: IntArray,
) -> ObjArray:
    """Operation numbers as each information system writes them, unique within a programme.

    Regional programmes (Synergie): a region prefix and seven digits ("AR0012345"); national
    programmes: the year of start and six digits.
    """
    prefixes: Mapping[str, str] = _vocabulary()["operation_prefix"]
    serial = pd.Series(cci).groupby(cci).cumcount().to_numpy()
    start = {c: int(rng.integers(1_000, 40_000)) for c in sorted(set(cci))}
    number = serial * 3 + np.array([start[c] for c in cci]) + rng.integers(0, 3, len(cci))
    regional = np.char.add(
        np.array([prefixes[r] for r in region]).astype(str),
        np.char.zfill(number.astype(str), 7),
    )
    nationals = np.char.add(year.astype(str), np.char.zfill(number.astype(str), 6))
    out: ObjArray = np.where(national, nationals, regional).astype(object)
    return out


# --------------------------------------------------------------------------------------------
# Defects


@dataclass(frozen=True)
class _Defect:
    rule: str
    field: str | None
    region: str  # region of the demo row
    description: str
    inject: Callable[[_Build, IntArray], None]
    eligible: Callable[[_Build], npt.NDArray[np.bool_]] = lambda b: np.ones(len(b.frame), bool)
    also: tuple[str, ...] = ()


def _holds(dtype: Any, value: Any) -> bool:
    """Whether a column of ``dtype`` can take ``value`` without becoming an object column."""
    if value is None or dtype == np.dtype(object):
        return True
    if pd.api.types.is_float_dtype(dtype):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return isinstance(value, pd.Timestamp)
    return isinstance(value, str)


def _set_each(build: _Build, field: str, rows: IntArray, values: Sequence[Any]) -> None:
    """Write ``values[i]`` at row ``rows[i]`` of a field's column (an object column if needed)."""
    frame = build.frame
    column = header_of(field)
    if all(_holds(frame[column].dtype, v) for v in values):
        frame.loc[rows, column] = pd.Series(list(values), index=rows, dtype=frame[column].dtype)
        return
    if frame[column].dtype != np.dtype(object):
        frame[column] = frame[column].astype(object)
    frame.loc[rows, column] = pd.Series(list(values), index=rows, dtype=object)


def _set(build: _Build, field: str, rows: IntArray, value: Any) -> None:
    _set_each(build, field, rows, [value] * len(rows))


def _is_erdf(build: _Build) -> npt.NDArray[np.bool_]:
    return np.asarray(build.fund == "ERDF")


def _clear_location(build: _Build, rows: IntArray) -> None:
    for field in (
        "operation_postcode",
        "location_text",
        "operation_department",
        "operation_region",
    ):
        _set(build, field, rows, None)


def _wrong_objective(build: _Build, rows: IntArray) -> None:
    label = _objective_labels(load_reference(), ["ESO4.1"])[0]
    _set(build, "specific_objective", rows, "ESO4.1")
    _set(build, "specific_objective_label", rows, label)
    _set(build, "policy_objective", rows, _vocabulary()["policy_objectives"]["ESO4"])


def _unknown_postcode(build: _Build, rows: IntArray) -> None:
    """Five digits whose prefix 96 is no département (a CEDEX code of a real département is a
    valid address, reported as info only)."""
    _set_each(build, "operation_postcode", rows, [f"96{int(r) % 1000:03d}" for r in rows])


def _swap_dates(build: _Build, rows: IntArray) -> None:
    start = build.frame.loc[rows, header_of("start_date")].to_list()
    end = build.frame.loc[rows, header_of("end_date")].to_list()
    _set_each(build, "start_date", rows, end)
    _set_each(build, "end_date", rows, start)


def _early_start(build: _Build, rows: IntArray) -> None:
    days = (np.asarray(rows) * 37) % 300
    _set_each(
        build, "start_date", rows, list(pd.Timestamp("2019-02-01") + pd.to_timedelta(days, "D"))
    )


def _rate_out_of_range(build: _Build, rows: IntArray) -> None:
    _set(build, "cofinancing_rate", rows, 1.5)


def _eu_above_eligible(build: _Build, rows: IntArray) -> None:
    eligible = build.frame.loc[rows, header_of("total_eligible_cost")].to_numpy(dtype=float)
    _set(build, "cofinancing_rate", rows, 1.0)
    _set_each(build, "eu_amount", rows, list(np.round(eligible * 1.004, 2)))


def _small_cost(build: _Build) -> npt.NDArray[np.bool_]:
    """Rows whose eligible cost is below the median of their programme and fund: a defect there
    leaves the programme's sums (co-financing ceiling) within their limits."""
    frame = build.frame
    cost = frame[header_of("total_eligible_cost")].astype(float)
    keys = [frame[header_of("programme_cci")], pd.Series(build.fund, index=frame.index)]
    return np.asarray(cost <= cost.groupby(keys).transform("median"))


def _eu_inconsistent(build: _Build, rows: IntArray) -> None:
    eu = build.frame.loc[rows, header_of("eu_amount")].to_numpy(dtype=float)
    _set_each(build, "eu_amount", rows, list(np.round(eu * 0.9, 2)))


def _has_predecessor(build: _Build) -> npt.NDArray[np.bool_]:
    cci = build.frame[header_of("programme_cci")]
    return np.asarray(cci.groupby(cci).cumcount().to_numpy() > 0)


def _first_of_programme(build: _Build, rows: IntArray) -> IntArray:
    cci = build.frame[header_of("programme_cci")]
    first = pd.Series(np.arange(len(cci)), index=cci.index).groupby(cci).transform("min")
    return np.asarray(first.to_numpy()[rows], dtype=np.int64)


def _duplicate_id(build: _Build, rows: IntArray) -> None:
    ids = build.frame[header_of("operation_id")]
    _set_each(build, "operation_id", rows, list(ids.iloc[_first_of_programme(build, rows)]))


DEFECTS: tuple[_Defect, ...] = (
    _Defect(
        "eu21.art49.mandatory_field", "beneficiary_name", "84",
        "Nom du bénéficiaire left empty",
        lambda b, r: _set(b, "beneficiary_name", r, None),
    ),
    _Defect(
        "eu21.art49.mandatory_field", "operation_summary", "94",
        "Objectifs et réalisations escomptés et effectifs left empty",
        lambda b, r: _set(b, "operation_summary", r, None),
    ),
    _Defect(
        "eu21.art49.location_indicator", None, "93",
        "Code postal, Zone, Département and Région de l'opération all empty "
        "(the region comes from the programme)",
        _clear_location,
    ),
    _Defect(
        "eu.cci.format", "programme_cci", "32",
        "NUMCCI 2021FR16FFPR0X8 (malformed; the region comes from the region cell)",
        lambda b, r: _set(b, "programme_cci", r, "2021FR16FFPR0X8"),
    ),
    _Defect(
        "eu21.cci.known_programme", "programme_cci", "76",
        "NUMCCI 2021FR16FFPR099 (well formed, no such programme)",
        lambda b, r: _set(b, "programme_cci", r, "2021FR16FFPR099"),
    ),
    _Defect(
        "eu21.fund.valid", "fund", "28", "Fonds FEDR (typo for FEDER)",
        lambda b, r: _set(b, "fund", r, "FEDR"), _is_erdf,
    ),
    _Defect(
        "eu21.specific_objective.valid_for_fund", "specific_objective", "27",
        "ESF+ objective ESO4.1 on a FEDER operation", _wrong_objective, _is_erdf,
    ),
    _Defect(
        "eu21.intervention_field.valid", "intervention_field", "24",
        "Type d'intervention 999 (not an Annex I code)",
        lambda b, r: _set(b, "intervention_field", r, "999 - Assistance technique forfaitaire"),
    ),
    _Defect(
        "fr.postcode.format", "beneficiary_postcode", "11",
        "beneficiary postcode 75O01 (letter O instead of zero)",
        lambda b, r: _set(b, "beneficiary_postcode", r, "75O01"),
    ),
    _Defect(
        "fr.postcode.exists", "operation_postcode", "53",
        "operation postcode of five digits whose prefix is no département", _unknown_postcode,
    ),
    _Defect(
        "eu.country.valid", "country", "44", "Pays Allemange (misspelt, no country code)",
        lambda b, r: _set(b, "country", r, "Allemange"),
    ),
    _Defect(
        "eu.dates.start_before_end", "end_date", "52", "start and end dates swapped", _swap_dates
    ),
    _Defect(
        "eu21.dates.eligibility_window", "start_date", "04",
        "start date in 2019, before the 2021-01-01 eligibility start", _early_start,
    ),
    _Defect(
        "eu.rate.range", "cofinancing_rate", "01",
        "Taux de cofinancement 1.5 (EU amount left at the true rate)", _rate_out_of_range,
        also=("eu.amount.consistent_with_rate",),
    ),
    _Defect(
        "eu.amount.eu_not_above_eligible", "eu_amount", "02",
        "Montant UE 0.4 % above the eligible cost, rate 1.0", _eu_above_eligible,
        _small_cost, also=("eu.cofinancing.full_rate",),
    ),
    _Defect(
        "eu.amount.consistent_with_rate", "eu_amount", "03",
        "Montant UE 10 % below eligible cost × rate", _eu_inconsistent,
    ),
    _Defect(
        "eu21.art49.unique_operation_id", "operation_id", "75",
        "Numéro Opération of an earlier operation of the same programme", _duplicate_id,
        _has_predecessor,
    ),
    _Defect(
        "read.unreadable_value", "start_date", "06", "start date 31/02/2023 (no such day)",
        lambda b, r: _set(b, "start_date", r, "31/02/2023"),
    ),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Public entry points


def generate_operations(operations: int, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A clean list of ``operations`` rows in the national format (no injected defect)."""
    return _build(operations, seed).frame


def generate_demo(seed: int = DEFAULT_SEED, operations: int = DEFAULT_OPERATIONS) -> DemoDataset:
    """The demo list: clean rows plus exactly one row per defect of the module docstring.

    ``operations`` must leave every region a few rows (200 or more): ValueError otherwise. The
    programme-level breaches need about 1,000 operations; with fewer, those that find no place
    are left out.
    """
    from fundcheck.demo_breaches import inject_breaches, quiet_repeated_actions

    build = _build(operations, seed)
    quiet_repeated_actions(build)
    rng = np.random.default_rng([seed, 1])
    regional = ~build.national & (build.region != None)  # noqa: E711 (element-wise)
    taken = np.zeros(len(build.frame), dtype=bool)
    chosen: list[tuple[_Defect, int]] = []
    for defect in DEFECTS:
        candidates = np.flatnonzero(
            regional & ~taken & (build.region == defect.region) & defect.eligible(build)
        )
        if defect.inject is _duplicate_id:  # the repeated number must stay untouched
            candidates = candidates[~taken[_first_of_programme(build, candidates)]]
        if len(candidates) == 0:
            raise ValueError(
                f"no row to inject {defect.rule} in region {defect.region}: "
                f"{operations} operations are too few for the demo"
            )
        row = int(rng.choice(candidates))
        taken[row] = True
        if defect.inject is _duplicate_id:
            taken[_first_of_programme(build, np.array([row]))] = True
        chosen.append((defect, row))
    names = _geography().region_names
    for defect, row in chosen:
        rows = np.array([row])
        _set(build, "operation_region", rows, f"{defect.region}/{names[defect.region]}")
        defect.inject(build, rows)
    defects = tuple(
        InjectedDefect(
            rule=d.rule,
            row=row + 2,
            region=d.region,
            field=d.field,
            description=d.description,
            value=_cell(build.frame.at[row, header_of(d.field)]) if d.field else None,
            also=d.also,
        )
        for d, row in chosen
    )
    breaches = inject_breaches(build, np.random.default_rng([seed, 3]), taken)
    return DemoDataset(frame=build.frame, defects=(*defects, *breaches))


def inject_random_defects(
    frame: pd.DataFrame, rate: float, seed: int = DEFAULT_SEED
) -> dict[str, int]:
    """Alter about ``rate`` of the rows of a generated list in place, one random defect each.

    Returns the number of rows altered per rule. For benchmarks: unlike the demo, rows are not
    kept apart, so a defect may occasionally hide or add another finding.
    """
    rng = np.random.default_rng([seed, 2])
    build = _Build(
        frame=frame,
        region=np.full(len(frame), None, dtype=object),
        fund=frame[header_of("fund")].map({v: k for k, v in FUND_LABELS.items()}).to_numpy(),
        national=np.zeros(len(frame), dtype=bool),
        dep=_departements_of(frame),
    )
    hit = np.flatnonzero(rng.random(len(frame)) < rate)
    kind = rng.integers(len(DEFECTS), size=len(hit))
    counts: dict[str, int] = {}
    for k, defect in enumerate(DEFECTS):
        rows = hit[kind == k]
        rows = rows[defect.eligible(build)[rows]]
        if len(rows):
            defect.inject(build, rows)
            counts[defect.rule] = counts.get(defect.rule, 0) + len(rows)
    return counts


def _departements_of(frame: pd.DataFrame) -> ObjArray:
    deps = load_reference().postcode_departement
    postcodes = frame[header_of("beneficiary_postcode")].map(
        lambda v: f"{int(v):05d}" if isinstance(v, int) else v
    )
    out: ObjArray = postcodes.map(deps).fillna("75").to_numpy(dtype=object)
    return out


def _cell(value: Any) -> Cell:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp | str | int | float):
        return value
    return str(value)


# --------------------------------------------------------------------------------------------
# Writers


def write_demo(path: Path, dataset: DemoDataset | None = None) -> Path:
    """Write the demo list as the national publication does (.xlsx, one sheet)."""
    frame = (dataset or generate_demo()).frame
    return write_xlsx(path, frame)


def write_xlsx(path: Path, frame: pd.DataFrame) -> Path:
    """One sheet, header on row 1 (frozen, with filters), dates as dd/mm/yyyy date cells,
    numbers as numbers; the same frame always gives the same bytes."""
    import xlsxwriter

    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    workbook.set_properties({"created": dt.datetime(2026, 3, 16, 9, 0, 0), "author": "fundcheck"})
    sheet = workbook.add_worksheet(sheet_name())
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for col, header in enumerate(frame.columns):
        sheet.set_column(col, col, min(45, max(12, len(str(header)))))
        sheet.write_string(0, col, str(header), bold)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(values):
            if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, pd.Timestamp):
                sheet.write_datetime(r, col, value.to_pydatetime(), date)
            elif isinstance(value, str):
                sheet.write_string(r, col, value)
            else:
                sheet.write_number(r, col, float(value))
    workbook.close()
    return path


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """``;``-separated UTF-8 text, dates as dd/mm/yyyy, decimal point, empty cells for blanks."""
    import pyarrow as pa
    from pyarrow import csv

    table = pa.table({str(name): pa.array(_as_text(frame[name]).array) for name in frame.columns})
    options = csv.WriteOptions(delimiter=";", quoting_style="needed")
    csv.write_csv(table, str(path), write_options=options)
    return Path(path)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as a spreadsheet exports them: dd/mm/yyyy dates, numbers without a trailing .0."""
    if pd.api.types.is_datetime64_any_dtype(values):
        dates: pd.Series = values.dt.strftime("%d/%m/%Y").astype("str")
        return dates
    if pd.api.types.is_float_dtype(values):
        text = pd.Series(values.to_numpy().astype(str), index=values.index, dtype="str")
        numbers: pd.Series = text.str.removesuffix(".0").where(values.notna())
        return numbers
    if values.dtype != np.dtype(object):
        return values.astype("str")
    is_date = values.map(type) == pd.Timestamp
    text = values.where(values.notna()).astype("str")
    if is_date.any():
        text[is_date] = pd.to_datetime(values[is_date]).dt.strftime("%d/%m/%Y")
    return text
