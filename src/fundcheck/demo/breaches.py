"""Programme-level breaches of the demo list, for the aggregate checks (``fundcheck.checks``).

``generate_demo`` calls ``quiet_repeated_actions`` on the clean rows, then, after the per-record
defects, ``inject_breaches``:

==========================================  =====================================================
Rule                                        Injected breach
==========================================  =====================================================
eu.cofinancing.ceiling_aggregate            in one regional programme × fund, the largest
                                            operation gets a rate 25 points above the ceiling of
                                            its category (at most 95 %), so that Σ EU / Σ eligible
                                            exceeds the ceiling (one programme finding) …
eu.cofinancing.ceiling_operation            … and that operation is above the ceiling (a record
                                            warning on its row)
eu21.concentration.erdf_policy_objectives   one transition-region programme: its ERDF operations
                                            are scaled up until they cover 15 % of its ERDF
                                            allocation (so that concentration is assessable) and
                                            its PO1 operations are moved to RSO5.1: PO1 share 0 %
                                            < 40 % (one programme finding; PO2 stays ≥ 30 %)
eu.duplicates.split_operation               a row becomes a near-copy of an earlier row of the
                                            same programme and fund: same beneficiary and place,
                                            title + " (2)", starting a month later
eu.duplicates.double_funding                an ESF+ row becomes the same operation as an earlier
                                            ERDF row of the same programme (beneficiary, title,
                                            dates, place, eligible cost): the two EU amounts
                                            together exceed the eligible cost
==========================================  =====================================================

A breach that finds no suitable place (a demo of a few hundred operations) is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import numpy as np
import pandas as pd

from fundcheck.demo.builder import Build, objective_labels, set_each, set_value
from fundcheck.demo.dataset import InjectedDefect
from fundcheck.demo.geography import geography
from fundcheck.demo.vocabulary import ELIGIBILITY_END, header_of, vocabulary
from fundcheck.reference import load_reference
from fundcheck.reference.targets import table9b_lines

COVERAGE = 0.15  # share of the allocation the concentration programme's selection is scaled to
MIN_ERDF_ROWS = 40  # the concentration check needs 30 operations; keep a margin


def fold(values: pd.Series) -> np.ndarray:
    """Text as the duplicate checks compare it: lower case, no accents nor punctuation."""
    folded = (
        values.astype("string")
        .str.replace(r"[^\w]+", " ", regex=True)
        .str.normalize("NFKD")
        .str.encode("ascii", errors="ignore")
        .str.decode("ascii")
        .str.lower()
        .str.split()
        .str.join(" ")
    )
    return folded.fillna("").to_numpy(dtype=object)


def quiet_repeated_actions(build: Build) -> None:
    """Clean-generator tuning: one beneficiary never runs two operations of the same title at
    overlapping dates (what ``eu.duplicates.split_operation`` looks for). The later one becomes
    a renewal that starts the day after the earlier ones end (its end moved to the end of the
    eligibility period if needed); when no room is left, its beneficiary is named after its
    place instead ("… – Rouen", "… – Rouen 2")."""
    frame = build.frame
    start_col, end_col = header_of("start_date"), header_of("end_date")
    names = frame[header_of("beneficiary_name")].to_numpy(dtype=object).copy()
    titles = fold(frame[header_of("operation_name")])
    key = pd.Series(fold(frame[header_of("beneficiary_name")])) + "|" + titles
    starts = pd.to_datetime(frame[start_col]).to_numpy().copy()
    ends = pd.to_datetime(frame[end_col]).to_numpy().copy()
    cities = vocabulary()["prefectures"]
    last = ELIGIBILITY_END.astype("datetime64[ns]")
    day, room = np.timedelta64(1, "D"), np.timedelta64(90, "D")
    taken_names = set(zip(names, titles, strict=True))
    for rows in key.groupby(key).indices.values():
        if len(rows) < 2:
            continue
        order = sorted(rows, key=lambda r: (starts[r], r))
        busy_until = ends[order[0]]
        for row in order[1:]:
            if starts[row] > busy_until:
                busy_until = max(busy_until, ends[row])
                continue
            moved = busy_until + day
            if moved + room <= last:
                ends[row] = min(moved + (ends[row] - starts[row]), last)
                starts[row] = moved
                busy_until = ends[row]
                continue
            city = cities.get(build.dep[row], build.dep[row])
            name, k = f"{names[row]} – {city}", 1
            while (name, titles[row]) in taken_names:
                k += 1
                name = f"{names[row]} – {city} {k}"
            names[row] = name
            taken_names.add((name, titles[row]))
    frame[start_col] = pd.to_datetime(starts)
    frame[end_col] = pd.to_datetime(ends)
    frame[header_of("beneficiary_name")] = names


def inject_breaches(
    build: Build, rng: np.random.Generator, taken: np.ndarray
) -> list[InjectedDefect]:
    """Alter the clean rows (``taken`` marks rows already used) for each programme-level breach
    of the module docstring; return what was injected."""
    used: set[str] = set()
    out: list[InjectedDefect] = []
    for inject in (_ceiling, _concentration, _split, _double_funding):
        out += inject(build, rng, taken, used)
    return out


def _cci(build: Build) -> np.ndarray:
    return build.frame[header_of("programme_cci")].to_numpy(dtype=object)


def _free(build: Build, taken: np.ndarray, used: set[str]) -> np.ndarray:
    """Regional rows not used by a defect, outside programmes used by a breach and outside
    Auvergne-Rhône-Alpes (two categories of region: a sum there mixes two ceilings)."""
    regional = ~build.national & (build.region != None)  # noqa: E711 (element-wise)
    outside = np.array([c not in used for c in _cci(build)]) & (build.region != "84")
    return np.asarray(regional & ~taken & outside)


def _groups(build: Build, mask: np.ndarray) -> Iterator[tuple[tuple[str, str], np.ndarray]]:
    keys = pd.DataFrame({"cci": _cci(build), "fund": build.fund})[mask]
    for key, rows in keys.groupby(["cci", "fund"], sort=True).indices.items():
        cci, fund = cast(tuple[str, str], key)
        yield (str(cci), str(fund)), keys.index.to_numpy()[rows]


def _amounts(build: Build) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = build.frame
    return (
        frame[header_of("total_eligible_cost")].to_numpy(dtype=float),
        frame[header_of("cofinancing_rate")].to_numpy(dtype=float),
        frame[header_of("eu_amount")].to_numpy(dtype=float),
    )


def _ceiling(
    build: Build, rng: np.random.Generator, taken: np.ndarray, used: set[str]
) -> list[InjectedDefect]:
    geo = geography()
    eligible, _, eu = _amounts(build)
    whole = ~build.national & (build.region != None)  # noqa: E711 (element-wise)
    candidates = []
    for (cci, fund), rows in _groups(build, _free(build, taken, used)):
        group = np.flatnonzero(whole & (_cci(build) == cci) & (build.fund == fund))
        if taken[group].any() or len(group) < 5:
            continue
        limit = geo.max_rate[build.dep[rows[0]], fund]
        top = int(group[np.argmax(eligible[group])])
        high = min(limit + 0.25, 0.95)
        share = (eu[group].sum() - eu[top] + eligible[top] * high) / eligible[group].sum()
        if share > limit + 0.01:
            candidates.append((cci, fund, top, high, limit))
    if not candidates:
        return []
    cci, fund, top, high, limit = candidates[int(rng.integers(len(candidates)))]
    rows = np.array([top])
    set_value(build, "cofinancing_rate", rows, high)
    set_each(build, "eu_amount", rows, [round(float(eligible[top]) * high, 2)])
    taken[top] = True
    used.add(cci)
    region = str(build.region[top])
    return [
        InjectedDefect(
            rule="eu.cofinancing.ceiling_aggregate",
            row=None,
            region=region,
            field=None,
            description=(
                f"{cci} {fund}: the largest operation at {high:.0%} lifts Σ EU / Σ eligible "
                f"above the {limit:.0%} ceiling"
            ),
            programme=cci,
        ),
        InjectedDefect(
            rule="eu.cofinancing.ceiling_operation",
            row=top + 2,
            region=region,
            field="cofinancing_rate",
            description=f"rate {high:.0%} above the {limit:.0%} ceiling of its category",
            value=high,
            programme=cci,
        ),
    ]


def _erdf_allocation(cci: str) -> float:
    return sum(
        line.eu_contribution
        for line in table9b_lines()
        if line.cci == cci and line.fund == "ERDF" and line.category == "transition"
    )


def _concentration(
    build: Build, rng: np.random.Generator, taken: np.ndarray, used: set[str]
) -> list[InjectedDefect]:
    geo = geography()
    eligible, rate, eu = _amounts(build)
    objective = build.frame[header_of("specific_objective")].to_numpy(dtype=object)
    po = np.array([str(o)[:4] for o in objective], dtype=object)
    best: tuple[float, str, np.ndarray] | None = None
    for (cci, fund), rows in _groups(build, _free(build, np.zeros_like(taken), used)):
        if fund != "ERDF" or len(rows) < MIN_ERDF_ROWS:
            continue
        if any(geo.max_rate[d, "ERDF"] != 0.6 for d in build.dep[rows]):
            continue  # transition regions only (no outermost region)
        rows = rows[~taken[rows]]
        allocation = _erdf_allocation(cci)
        total = eu[rows].sum()
        po2 = eu[rows][po[rows] == "RSO2"].sum() / total
        if not allocation or po2 < 0.35 or not (po[rows] == "RSO1").any():
            continue
        factor = max(1.0, COVERAGE * allocation / total)
        if best is None or factor < best[0]:
            best = (factor, cci, rows)
    if best is None:
        return []
    factor, cci, rows = best
    scaled = np.round(eligible[rows] * factor, 2)
    set_each(build, "total_eligible_cost", rows, list(scaled))
    set_each(build, "eu_amount", rows, list(np.round(scaled * rate[rows], 2)))
    moved = rows[po[rows] == "RSO1"]
    field = load_reference().intervention_fields_2021_2027["168"]
    set_value(build, "specific_objective", moved, "RSO5.1")
    set_value(
        build, "specific_objective_label", moved, objective_labels(load_reference(), ["RSO5.1"])[0]
    )
    set_value(build, "policy_objective", moved, vocabulary()["policy_objectives"]["RSO5"])
    set_value(build, "intervention_field", moved, f"168 - {field.label_fr or field.label_en}")
    used.add(cci)
    return [
        InjectedDefect(
            rule="eu21.concentration.erdf_policy_objectives",
            row=None,
            region=str(build.region[rows[0]]),
            field=None,
            description=(
                f"{cci}: ERDF operations ×{factor:.1f} ({COVERAGE:.0%} of the allocation), "
                f"its {len(moved)} PO1 operations moved to RSO5.1: PO1 share 0 % < 40 % "
                "(information: the target applies at national or category level)"
            ),
            programme=cci,
            severity="info",
        )
    ]


_COPIED = (
    "beneficiary_name", "beneficiary_postcode", "operation_postcode", "location_text",
    "operation_department", "operation_region",
)  # fmt: skip


def _pair(
    build: Build,
    rng: np.random.Generator,
    taken: np.ndarray,
    used: set[str],
    funds: tuple[str, str],
) -> tuple[int, int] | None:
    """Two free rows a < b of one programme with funds ``funds`` (rates ≥ 55 %), a lasting more
    than two months, b of another beneficiary; None when there is none."""
    eligible, rate, _ = _amounts(build)
    free = _free(build, taken, used)
    frame = build.frame
    days = (
        pd.to_datetime(frame[header_of("end_date")], errors="coerce")
        - pd.to_datetime(frame[header_of("start_date")], errors="coerce")
    ).dt.days.to_numpy()
    names = fold(frame[header_of("beneficiary_name")])
    options = []
    for cci in sorted({c for c, f in zip(_cci(build), free, strict=True) if f}):
        here = free & (_cci(build) == cci) & (rate >= 0.55) & (eligible < 600_000)
        first = np.flatnonzero(here & (build.fund == funds[0]) & (days > 90))
        second = np.flatnonzero(here & (build.fund == funds[1]))
        for a in first[:3]:
            later = [b for b in second if b > a and names[b] != names[a]]
            if later:
                options.append((int(a), int(later[0])))
    if not options:
        return None
    return options[int(rng.integers(len(options)))]


def _copy_place(build: Build, a: int, b: int) -> None:
    frame = build.frame
    for field in _COPIED:
        set_each(build, field, np.array([b]), [frame.at[a, header_of(field)]])
    build.dep[b] = build.dep[a]


def _split(
    build: Build, rng: np.random.Generator, taken: np.ndarray, used: set[str]
) -> list[InjectedDefect]:
    found = _pair(build, rng, taken, used, ("ESF+", "ESF+"))
    if found is None:
        return []
    a, b = found
    frame = build.frame
    _copy_place(build, a, b)
    title = f"{frame[header_of('operation_name')].iloc[a]} (2)"
    start = pd.to_datetime(frame[header_of("start_date")], errors="coerce").iloc[a]
    start += pd.Timedelta(days=31)
    set_each(build, "operation_name", np.array([b]), [title])
    set_each(build, "start_date", np.array([b]), [start])
    set_each(build, "end_date", np.array([b]), [frame.at[a, header_of("end_date")]])
    taken[[a, b]] = True
    cci = str(_cci(build)[b])
    used.add(cci)
    return [
        InjectedDefect(
            rule="eu.duplicates.split_operation",
            row=b + 2,
            region=str(build.region[b]),
            field="operation_name",
            description=f"near-copy of row {a + 2}: same beneficiary and place, title + ' (2)'",
            value=title,
            programme=cci,
        )
    ]


def _double_funding(
    build: Build, rng: np.random.Generator, taken: np.ndarray, used: set[str]
) -> list[InjectedDefect]:
    found = _pair(build, rng, taken, used, ("ERDF", "ESF+"))
    if found is None:
        return []
    a, b = found
    frame = build.frame
    eligible, rate, _ = _amounts(build)
    _copy_place(build, a, b)
    for field in ("operation_name", "start_date", "end_date", "total_eligible_cost"):
        set_each(build, field, np.array([b]), [frame.at[a, header_of(field)]])
    set_each(build, "eu_amount", np.array([b]), [round(float(eligible[a] * rate[b]), 2)])
    taken[[a, b]] = True
    cci = str(_cci(build)[b])
    used.add(cci)
    return [
        InjectedDefect(
            rule="eu.duplicates.double_funding",
            row=b + 2,
            region=str(build.region[b]),
            field="eu_amount",
            description=(
                f"ESF+ copy of the ERDF operation of row {a + 2} (same eligible cost): "
                f"EU {rate[a]:.0%} + {rate[b]:.0%} of the cost"
            ),
            value=round(float(eligible[a] * rate[b]), 2),
            programme=cci,
        )
    ]
