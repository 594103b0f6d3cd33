"""Co-financing ceilings on the Commission's planned finances of 2014-2020 programmes.

The Cohesion Open Data dataset "ESIF 2014-2020 Finances Planned Details" (``e4v6-qrrq``, CSV export:
``MS, CCI, Programme Title, Fund, Priority, Category of region, EU Amount, National Amount,
Total Amount, EU co-financing`` …) gives each programme's financial plan per fund, priority axis,
thematic objective and category of region. ``planned_ceilings`` sums it per programme × fund ×
priority axis × category of region (the level at which CPR 1303/2013 Art 120 fixes the rate) and
sets Σ EU / Σ total against the ceiling of ``checks.categories``; ``planned_ceiling_breaches``
keeps the lines above it (with the SFC tolerance of 0.001 percentage point).

Categories: "Outermost or Northern Sparsely Populated" (the additional outermost allocation) is
tested as an outermost region (85 %); "VOID" (YEI, EMFF) has no category: EMFF is tested against
its fund ceiling (75 %), YEI is not tested (its specific allocation is not co-financed). EAFRD is
not covered by the CPR ceilings (its own regulation) and is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fundcheck.checks.categories import Ceiling, ceiling

CATEGORIES = {
    "More developed": ("more_developed", False),
    "Transition": ("transition", False),
    "Less developed": ("less_developed", False),
    "Outermost or Northern Sparsely Populated": ("less_developed", True),
}
TOLERANCE = 0.00001  # 0.001 percentage point, as SFC2014 validates rates
COLUMNS = {
    "CCI": "cci",
    "Programme Title": "title",
    "Fund": "fund",
    "Priority": "priority",
    "Category of region": "category",
    "EU Amount": "eu",
    "National Amount": "national",
    "Total Amount": "total",
}


def read_planned_finances(path: Path, country: str = "FR") -> pd.DataFrame:
    """The lines of one Member State in a planned-finances CSV export, amounts as floats."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["MS"] == country].rename(columns=COLUMNS)[list(COLUMNS.values())]
    for column in ("eu", "national", "total"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.reset_index(drop=True)


def planned_ceilings(planned: pd.DataFrame) -> pd.DataFrame:
    """Per programme × fund × priority axis × category: Σ EU, Σ total, their ratio, the ceiling
    (NaN where none applies) and ``breach``."""
    lines = planned[planned["fund"] != "EAFRD"]
    sums = (
        lines.groupby(["cci", "title", "fund", "priority", "category"], dropna=False)[
            ["eu", "total"]
        ]
        .sum()
        .reset_index()
    )
    sums["rate"] = sums["eu"] / sums["total"]
    limits = [
        _ceiling(str(fund), str(category), str(cci))
        for fund, category, cci in zip(sums["fund"], sums["category"], sums["cci"], strict=True)
    ]
    sums["ceiling"] = [limit.rate if limit else float("nan") for limit in limits]
    sums["legal_basis"] = [limit.legal_basis if limit else None for limit in limits]
    sums["breach"] = sums["rate"] > sums["ceiling"] + TOLERANCE
    return sums


def planned_ceiling_breaches(planned: pd.DataFrame) -> pd.DataFrame:
    """The programme × fund × priority × category lines whose planned rate exceeds the ceiling."""
    table = planned_ceilings(planned)
    return table[table["breach"]].reset_index(drop=True)


def _ceiling(fund: str, category: str, cci: str) -> Ceiling | None:
    code, outermost = CATEGORIES.get(category, (None, False))
    return ceiling("2014-2020", fund, code, outermost, None, cci, None)
