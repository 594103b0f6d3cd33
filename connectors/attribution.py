"""Which region and which programming period each record belongs to, and on what evidence.

Region: a controller reviews anomalies region by region, so every record is attributed to an INSEE
region, in this order of evidence (the first that names one region wins; ``_region_basis`` says
which):

1. ``operation_region``: the region cell ("24/Centre-Val de Loire", "Mayotte", former regions
   mapped to current ones);
2. ``operation_postcode``: the operation's postcode (La Poste base, else its département prefix);
3. ``operation_department``: the département cell;
4. ``location_text``: the location column ("REG/53/Bretagne | COMM/56036/Caudan");
5. ``programme``: the region of the programme (CCI);
6. ``programme_label``: the region of the programme(s) the programme label names;
7. ``beneficiary_postcode``: the beneficiary's postcode, as last resort.

A record none of these places goes to the national bucket (``_region`` NA) with basis
``national_programme`` (a national or multi-regional programme: the normal case),
``foreign_country`` (an operation outside France: a foreign list is one national bucket) or
``none`` (no programme known and no location).

Period: read per record, never assumed for a whole file, in this order of evidence: the CCI year
(2014-2016 → 2014-2020, 2021 onwards → 2021-2027, 2007 → 2007-2013); the programme label; a fund
of one period only (ESF+, JTF, EMFAF → 2021-2027; YEI, EMFF, REACT-EU → 2014-2020); the
source format; the dates (a start before 2014 → 2007-2013, 2014-2020 → 2014-2020, from 2024 or
an end after 2023 → 2021-2027). A record none of these decides has no period (NA): no period
suite runs on it and the run says so once, naming ``--period``. ``--period`` overrides everything.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from fundcheck.columns import flag_per_distinct, text_per_distinct
from fundcheck.model import PERIOD, REGION, REGION_BASIS, Period
from fundcheck.reference import Reference

NATIONAL_PROGRAMME = "national_programme"
FOREIGN_COUNTRY = "foreign_country"
NO_EVIDENCE = "none"
REGION_BASES = (
    "operation_region",
    "operation_postcode",
    "operation_department",
    "location_text",
    "programme",
    "programme_label",
    "beneficiary_postcode",
    NATIONAL_PROGRAMME,
    FOREIGN_COUNTRY,
    NO_EVIDENCE,
)


def _by_distinct(column: pd.Series, answer: Callable[[str], str | None]) -> pd.Series:
    """``answer`` once per distinct text of ``column`` (NA where empty or answered None)."""
    return text_per_distinct(column.astype("string"), answer)


def _evidence(frame: pd.DataFrame, reference: Reference) -> list[tuple[str, pd.Series]]:
    """(basis, region per record) for each kind of evidence the frame carries, in order."""
    out: list[tuple[str, pd.Series]] = []

    def add(basis: str, field: str, lookup: object) -> None:
        if field not in frame:
            return
        out.append((basis, _by_distinct(frame[field], lookup)))  # type: ignore[arg-type]

    add("operation_region", "operation_region", reference.region_of_region_code)
    add("operation_postcode", "operation_postcode", reference.region_of_postcode)
    add("operation_department", "operation_department", reference.region_of_departement)
    add("location_text", "location_text", reference.region_of_location)
    add("programme", "programme_cci", reference.region_of_programme)
    add("programme_label", "programme_title", reference.region_of_label)
    add("beneficiary_postcode", "beneficiary_postcode", reference.region_of_postcode)
    return out


def _national_programme(frame: pd.DataFrame, reference: Reference) -> pd.Series:
    """Records of a programme known to be national or multi-regional (no region of its own)."""
    national = pd.Series(False, index=frame.index)
    if "programme_cci" in frame:
        cci = frame["programme_cci"].astype("string")
        known = {c for c in reference.programmes if reference.is_national_programme(c)}
        national |= cci.isin(known).fillna(False).astype(bool)
    if "programme_title" in frame:

        def all_national(title: str) -> bool:
            found = reference.programmes_for_label(title)
            return bool(found) and all(reference.is_national_programme(c) for c in found)

        national |= flag_per_distinct(frame["programme_title"].astype("string"), all_national)
    return national


def attribute_regions(frame: pd.DataFrame, reference: Reference) -> tuple[pd.Series, pd.Series]:
    """INSEE region code of each record (NA = national bucket) and the evidence used."""
    region = pd.Series(pd.NA, index=frame.index, dtype="string")
    basis = pd.Series(pd.NA, index=frame.index, dtype="string")
    for name, candidate in _evidence(frame, reference):
        take = region.isna() & candidate.notna()
        if take.any():
            region[take] = candidate[take]
            basis[take] = name
    national = _national_programme(frame, reference)
    basis[region.isna() & national] = NATIONAL_PROGRAMME
    if "country" in frame:
        foreign = frame["country"].astype("string").ne("FR").fillna(False).astype(bool)
        basis[region.isna() & basis.isna() & foreign] = FOREIGN_COUNTRY
    basis = basis.fillna(NO_EVIDENCE)
    return region, basis


# --------------------------------------------------------------------------------------------
# Period


def _periods_from_dates(frame: pd.DataFrame) -> pd.Series:
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "start_date" not in frame:
        return out
    start = pd.to_datetime(frame["start_date"], errors="coerce")
    end = (
        pd.to_datetime(frame["end_date"], errors="coerce")
        if "end_date" in frame
        else pd.Series(pd.NaT, index=frame.index)
    )
    youth = (
        frame["fund"].astype("string").eq("YEI").fillna(False).astype(bool)
        if "fund" in frame
        else pd.Series(False, index=frame.index)
    )
    before_2014 = (start < pd.Timestamp("2014-01-01")) & ~(
        youth & (start >= pd.Timestamp("2013-09-01"))  # YEI: eligible from 2013-09-01
    )
    p1420 = (start >= pd.Timestamp("2014-01-01")) & (start < pd.Timestamp("2021-01-01"))
    p2127 = (start >= pd.Timestamp("2024-01-01")) | (
        (start >= pd.Timestamp("2021-01-01")) & (end > pd.Timestamp("2023-12-31"))
    )
    out[before_2014.fillna(False).to_numpy(bool)] = Period.P2007_2013.value
    out[p1420.fillna(False).to_numpy(bool)] = Period.P2014_2020.value
    out[p2127.fillna(False).to_numpy(bool)] = Period.P2021_2027.value
    return out


def detect_periods(
    frame: pd.DataFrame,
    reference: Reference,
    *,
    hint: str | None = None,
    override: str | None = None,
) -> pd.Series:
    """Programming period of each record, NA where no evidence decides (see the module doc)."""
    if override:
        return pd.Series(Period(override).value, index=frame.index, dtype="string")
    period = pd.Series(pd.NA, index=frame.index, dtype="string")

    def fill(field: str, answer: Callable[[str], str | None]) -> None:
        nonlocal period
        if field in frame:
            period = period.fillna(_by_distinct(frame[field], answer))

    fill("programme_cci", reference.period_of_cci)
    fill("programme_title", reference.period_of_label)
    fill("fund", reference.period_of_fund)
    if hint:
        period = period.fillna(pd.Series(Period(hint).value, index=frame.index, dtype="string"))
    period = period.fillna(_periods_from_dates(frame))
    return period


def annotate(
    frame: pd.DataFrame,
    reference: Reference,
    *,
    period_hint: str | None = None,
    period_override: str | None = None,
) -> pd.DataFrame:
    """Add the ``_region``, ``_region_basis`` and ``_period`` columns in place."""
    frame[REGION], frame[REGION_BASIS] = attribute_regions(frame, reference)
    frame[PERIOD] = detect_periods(frame, reference, hint=period_hint, override=period_override)
    return frame
