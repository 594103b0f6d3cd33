"""The row builder: clean operations drawn at random, vectorised (a million rows in seconds),
and the cell setters the defects and breaches use."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fundcheck.demo.geography import Geography, geography, programme_lines
from fundcheck.demo.vocabulary import (
    ELIGIBILITY_END,
    ELIGIBILITY_START,
    FUND_LABELS,
    NATIONAL_REGION_CELL,
    NATIONAL_ZONE,
    PUBLICATION_DATE,
    IntArray,
    ObjArray,
    header_of,
    national_headers,
    vocabulary,
)
from fundcheck.reference import Reference, load_reference

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
class Build:
    """A generated list plus what the generator knows about each row (never in the file)."""

    frame: pd.DataFrame
    region: ObjArray  # INSEE region of each row (None for the national bucket)
    fund: ObjArray  # canonical fund
    national: npt.NDArray[np.bool_]  # row of a national programme
    dep: ObjArray


def build_operations(operations: int, seed: int) -> Build:
    """Draw ``operations`` clean rows: programme line, place, objective, dates, money, texts."""
    ref = load_reference()
    geo = geography()
    vocab = vocabulary()
    rng = np.random.default_rng(seed)
    n = operations

    lines = programme_lines(ref, geo)
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
    so_label = objective_labels(ref, objective_codes)
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
    return Build(
        frame=frame,
        region=_replace(cells.nationwide, np.full(n, None, dtype=object), region)[order],
        fund=fund[order],
        national=national[order],
        dep=dep[order],
    )


def _places(
    rng: np.random.Generator, geo: Geography, region: ObjArray
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
        table: Mapping[str, float] = vocabulary()["objective_weights"][name]
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
    rng: np.random.Generator, geo: Geography, dep: ObjArray, fund: ObjArray
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
    geo: Geography,
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
    vocab = vocabulary()
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


def objective_labels(ref: Reference, codes: Sequence[str]) -> ObjArray:
    extra: Mapping[str, str] = vocabulary()["extra_objective_labels"]
    labels = []
    for code in codes:
        label = ref.specific_objectives[code].label_fr or extra[code]
        labels.append(f"{code} - {' '.join(label.split())}")
    return np.array(labels, dtype=object)


def _beneficiaries(
    rng: np.random.Generator,
    geo: Geography,
    specs: Sequence[Mapping[str, Any]],
    objective: IntArray,
    dep: ObjArray,
    ben_postcode: ObjArray,
) -> tuple[ObjArray, ObjArray]:
    """Beneficiary names by kind of organisation; a university's postcode is its campus's."""
    vocab = vocabulary()
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
    prefixes: Mapping[str, str] = vocabulary()["operation_prefix"]
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


def _holds(dtype: Any, value: Any) -> bool:
    """Whether a column of ``dtype`` can take ``value`` without becoming an object column."""
    if value is None or dtype == np.dtype(object):
        return True
    if pd.api.types.is_float_dtype(dtype):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return isinstance(value, pd.Timestamp)
    return isinstance(value, str)


def set_each(build: Build, field: str, rows: IntArray, values: Sequence[Any]) -> None:
    """Write ``values[i]`` at row ``rows[i]`` of a field's column (an object column if needed)."""
    frame = build.frame
    column = header_of(field)
    if all(_holds(frame[column].dtype, v) for v in values):
        frame.loc[rows, column] = pd.Series(list(values), index=rows, dtype=frame[column].dtype)
        return
    if frame[column].dtype != np.dtype(object):
        frame[column] = frame[column].astype(object)
    frame.loc[rows, column] = pd.Series(list(values), index=rows, dtype=object)


def set_value(build: Build, field: str, rows: IntArray, value: Any) -> None:
    set_each(build, field, rows, [value] * len(rows))
