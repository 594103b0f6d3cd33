"""Dates: read whatever a published file holds into datetime64[ns] at day precision.

Accepted: dates typed by a workbook; ISO text ("2023-05-12", with or without a time);
day-first text "12/05/2023", "12.05.2023", "12-05-2023" (two-digit years are 20xx below 70)
and "2023/05/12" (``date_text``); a year alone, "2023" -> 2023-01-01 (``date_text``); Excel
serial numbers, typed or as text ("45123" -> 2023-07-16, ``excel_serial_date``). Anything else,
and impossible dates such as 31/02/2023, is unreadable.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from fundcheck.connectors.cells import (
    UNREADABLE,
    ColumnResult,
    distinct_texts,
    summarise,
    take_distinct,
)

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_LAST_SERIAL = 109_573  # 2199-12-31
# [0-9] rather than \d, no anchors: pandas then runs these in pyarrow (RE2)
_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = (
    r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4}|[0-9]{2})"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
)
_YEAR_FIRST = r"([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})"
_SERIAL = r"[0-9]{1,6}(?:[.,][0-9]+)?"


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    parts = pd.DataFrame(
        {
            "year": pd.to_numeric(year, errors="coerce"),
            "month": pd.to_numeric(month, errors="coerce"),
            "day": pd.to_numeric(day, errors="coerce"),
        }
    )
    if parts.empty:
        return pd.Series([], dtype="datetime64[ns]")
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")


def _serial_dates(numbers: pd.Series) -> pd.Series:
    in_range = numbers.between(1, _LAST_SERIAL)
    days = np.floor(numbers.where(in_range)).to_numpy()
    return pd.Series(EXCEL_EPOCH + pd.to_timedelta(days, unit="D"), index=numbers.index).astype(
        "datetime64[ns]"
    )


def _parse_numbers(numbers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Typed or textual numbers: a year (1900-2100) or an Excel serial date."""
    year = numbers.between(1900, 2100) & (numbers % 1 == 0)
    values = _serial_dates(numbers)
    ones = pd.Series(1, index=numbers.index)
    values[year] = _from_parts(numbers[year], ones[year], ones[year])
    kinds = pd.Series(np.where(year, "date_text", "excel_serial_date"), index=numbers.index)
    return values, kinds


def _parse_texts(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Distinct date texts -> (dates, kind: None for ISO text, else the normalisation)."""
    values = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    kinds = pd.Series(None, index=texts.index, dtype=object)

    iso = texts.str.fullmatch(_ISO).fillna(False).astype(bool)
    if iso.any():
        values[iso] = pd.to_datetime(texts[iso], format="ISO8601", errors="coerce").astype(
            "datetime64[ns]"
        )

    day_first = texts.str.extract(f"^{_DAY_FIRST}$")
    found = day_first[0].notna() & ~iso
    if found.any():
        year = pd.to_numeric(day_first.loc[found, 2])
        year = year.where(year >= 100, year + np.where(year < 70, 2000, 1900))
        values[found] = _from_parts(year, day_first.loc[found, 1], day_first.loc[found, 0])
        kinds[found] = "date_text"

    year_first = texts.str.extract(f"^{_YEAR_FIRST}$")
    found = year_first[0].notna()
    if found.any():
        values[found] = _from_parts(
            year_first.loc[found, 0], year_first.loc[found, 1], year_first.loc[found, 2]
        )
        kinds[found] = "date_text"

    numeric = texts.str.fullmatch(_SERIAL).fillna(False).astype(bool)
    if numeric.any():
        numbers = pd.to_numeric(texts[numeric].str.replace(",", ".", regex=False))
        values[numeric], kinds[numeric] = _parse_numbers(numbers)

    kinds[values.isna() & texts.notna()] = UNREADABLE
    return values, kinds


def _typed_date(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        return value.normalize().tz_localize(None) if value.tzinfo else value.normalize()
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.date())
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).normalize()
    return None


def parse_dates(cleaned: pd.Series) -> ColumnResult:
    """Read a date column as datetime64[ns] (day precision)."""
    if pd.api.types.is_datetime64_any_dtype(cleaned):
        values = cleaned.dt.tz_localize(None) if cleaned.dt.tz else cleaned
        empty = pd.Series(dtype="str")
        return ColumnResult(values.dt.normalize().astype("datetime64[ns]"), [], empty)

    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype=object)
    values = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    kinds = pd.Series(None, index=distinct.index, dtype=object)

    typed = distinct.map(_typed_date)
    is_typed = typed.notna()
    values[is_typed] = pd.to_datetime(typed[is_typed]).astype("datetime64[ns]")

    is_number = distinct.map(
        lambda v: isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
    ).astype(bool)
    if is_number.any():
        values[is_number], kinds[is_number] = _parse_numbers(distinct[is_number].astype(float))

    is_text = ~is_typed & ~is_number
    if is_text.any():
        texts = distinct[is_text].map(str).astype("str")
        values[is_text], kinds[is_text] = _parse_texts(texts)
    kinds[values.isna()] = UNREADABLE

    shown = distinct_texts(uniques)
    notes, unreadable = summarise(codes, kinds.to_numpy(dtype=object), shown, cleaned.index)
    distinct_values = values.to_numpy(dtype="datetime64[ns]")
    row_values = take_distinct(distinct_values, codes, np.datetime64("NaT"))
    return ColumnResult(
        values=pd.Series(row_values, index=cleaned.index, dtype="datetime64[ns]"),
        notes=notes,
        unreadable=unreadable,
    )
