"""The demo list: clean rows, one row per record defect, then the programme-level breaches."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fundcheck.demo.breaches import inject_breaches, quiet_repeated_actions
from fundcheck.demo.builder import build_operations, set_value
from fundcheck.demo.dataset import DemoDataset, InjectedDefect
from fundcheck.demo.defects import DEFECTS, Defect, duplicate_id, first_of_programme
from fundcheck.demo.geography import geography
from fundcheck.demo.vocabulary import DEFAULT_OPERATIONS, DEFAULT_SEED, Cell, header_of

# --------------------------------------------------------------------------------------------
# Public entry points


def generate_operations(operations: int, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A clean list of ``operations`` rows in the national format (no injected defect)."""
    return build_operations(operations, seed).frame


def generate_demo(seed: int = DEFAULT_SEED, operations: int = DEFAULT_OPERATIONS) -> DemoDataset:
    """The demo list: clean rows plus exactly one row per defect of the module docstring.

    ``operations`` must leave every region a few rows (200 or more): ValueError otherwise. The
    programme-level breaches need about 1,000 operations; with fewer, those that find no place
    are left out.
    """
    build = build_operations(operations, seed)
    quiet_repeated_actions(build)
    rng = np.random.default_rng([seed, 1])
    regional = ~build.national & (build.region != None)  # noqa: E711 (element-wise)
    taken = np.zeros(len(build.frame), dtype=bool)
    chosen: list[tuple[Defect, int]] = []
    for defect in DEFECTS:
        candidates = np.flatnonzero(
            regional & ~taken & (build.region == defect.region) & defect.eligible(build)
        )
        if defect.inject is duplicate_id:  # the repeated number must stay untouched
            candidates = candidates[~taken[first_of_programme(build, candidates)]]
        if len(candidates) == 0:
            raise ValueError(
                f"no row to inject {defect.rule} in region {defect.region}: "
                f"{operations} operations are too few for the demo"
            )
        row = int(rng.choice(candidates))
        taken[row] = True
        if defect.inject is duplicate_id:
            taken[first_of_programme(build, np.array([row]))] = True
        chosen.append((defect, row))
    names = geography().region_names
    for defect, row in chosen:
        rows = np.array([row])
        set_value(build, "operation_region", rows, f"{defect.region}/{names[defect.region]}")
        defect.inject(build, rows)
    defects = tuple(
        InjectedDefect(
            rule=d.rule,
            row=row + 2,
            region=d.region,
            field=d.field,
            description=d.description,
            value=cell_value(build.frame.at[row, header_of(d.field)]) if d.field else None,
            also=d.also,
        )
        for d, row in chosen
    )
    breaches = inject_breaches(build, np.random.default_rng([seed, 3]), taken)
    return DemoDataset(frame=build.frame, defects=(*defects, *breaches))


def cell_value(value: Any) -> Cell:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp | str | int | float):
        return value
    return str(value)
