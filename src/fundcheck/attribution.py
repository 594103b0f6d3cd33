"""Which region and which programming period each record belongs to.

Region: a controller reviews anomalies region by region, so every record is attributed to an INSEE
region, in this order of evidence:

1. the region cell of the operation (``operation_region``, e.g. "24/Centre-Val de Loire" → "24");
2. the operation postcode → its département (La Poste base) → its region;
3. the département cell of the operation → its region;
4. the region of the programme (CCI) the operation belongs to.

Operations of national and multi-regional programmes (and those with no usable evidence at all) go
to the national bucket (``NA`` in ``_region``).

Period: read per record from the CCI year (2014, 2015, 2016 → 2014-2020; 2021 onwards →
2021-2027), never assumed for a whole file; a record without a usable CCI takes the period hinted by
the source format, else its start date (before 2021 → 2014-2020), else 2021-2027. ``--period``
overrides everything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundcheck.model import PERIOD, REGION, Period
from fundcheck.reference import Reference


def _valid_region(codes: pd.Series, reference: Reference) -> pd.Series:
    return codes.where(codes.isin(list(reference.regions)))


def attribute_regions(frame: pd.DataFrame, reference: Reference) -> pd.Series:
    """INSEE region code of each record (NA = national / multi-regional bucket)."""
    empty = pd.Series(pd.NA, index=frame.index, dtype="string")
    region = empty.copy()

    def fill(candidate: pd.Series) -> None:
        nonlocal region
        region = region.fillna(_valid_region(candidate.astype("string"), reference))

    if "operation_region" in frame:
        fill(frame["operation_region"])
    dep_region = {code: d.region for code, d in reference.departements.items() if d.region}
    if "operation_postcode" in frame:
        deps = frame["operation_postcode"].map(reference.postcode_departement)
        fill(deps.map(dep_region))
    if "operation_department" in frame:
        fill(frame["operation_department"].map(dep_region))
    if "programme_cci" in frame:
        prog_region = {cci: p.region for cci, p in reference.programmes.items() if p.region}
        fill(frame["programme_cci"].map(prog_region))
    return region.astype("string")


def detect_periods(
    frame: pd.DataFrame, *, hint: str | None = None, override: str | None = None
) -> pd.Series:
    """Programming period of each record (see the module docstring for the order of evidence)."""
    if override:
        return pd.Series(Period(override).value, index=frame.index, dtype="string")
    fallback = Period(hint).value if hint else Period.P2021_2027.value
    default: np.ndarray = np.full(len(frame), fallback, dtype=object)
    if not hint and "start_date" in frame:
        # no CCI and no format hint: a start before 2021 points to 2014-2020, per record
        start = pd.to_datetime(frame["start_date"], errors="coerce")
        before = (start < pd.Timestamp("2021-01-01")).to_numpy(dtype=bool)
        default = np.where(before, Period.P2014_2020.value, Period.P2021_2027.value).astype(object)
    if "programme_cci" not in frame:
        return pd.Series(default, index=frame.index, dtype="string")
    year = pd.to_numeric(frame["programme_cci"].astype("string").str[:4], errors="coerce")
    periods = np.select(
        [
            year.between(2014, 2020).fillna(False).to_numpy(bool),
            year.between(2021, 2027).fillna(False).to_numpy(bool),
        ],
        [Period.P2014_2020.value, Period.P2021_2027.value],
        default=default,
    )
    return pd.Series(periods, index=frame.index, dtype="string")


def annotate(
    frame: pd.DataFrame,
    reference: Reference,
    *,
    period_hint: str | None = None,
    period_override: str | None = None,
) -> pd.DataFrame:
    """Add the ``_region`` and ``_period`` columns in place and return the frame."""
    frame[REGION] = attribute_regions(frame, reference)
    frame[PERIOD] = detect_periods(frame, hint=period_hint, override=period_override)
    return frame
