"""Amounts and co-financing rates: numbers written as published text, read as floats.

Amounts accept spaces, NBSP and narrow NBSP as thousands separators, "€"/"EUR", a decimal comma
or point, and scientific notation. When a single separator is ambiguous ("750.000", "1,234") the
column decides: the convention its unambiguous values show, else the French one (decimal
comma, so "750.000" is 750 000). Rates: "40 %" is 0.4 (``rate_text``); a column whose numbers
are mostly above 1 is in percent and is divided by 100 (``rate_percent``); otherwise fractions
are kept as they are, so a stray 1.5 stays 1.5 for the range rule to flag.

Text is parsed once per distinct value with whole-column string operations (no Python loop).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundcheck.connectors.cells import (
    UNREADABLE,
    ColumnResult,
    distinct_texts,
    is_string_column,
    summarise,
    take_distinct,
)

# [0-9] rather than \d, no anchors: pandas then runs these regexes in pyarrow (RE2)
_PLAIN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_ONE_GROUP_DOT = r"[+-]?[0-9]{1,3}\.[0-9]{3}"
_ONE_GROUP_COMMA = r"[+-]?[0-9]{1,3},[0-9]{3}"
_NOISE = (" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\t", "'", "€", "EUROS", "EURO", "EUR")


def _flags(series: pd.Series) -> np.ndarray:
    return series.fillna(False).to_numpy(dtype=bool)


def _split_typed(cleaned: pd.Series) -> tuple[np.ndarray, pd.Series, np.ndarray, np.ndarray]:
    """Distinct values -> (row codes, texts to parse, typed numbers or NaN, display texts)."""
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    if is_string_column(cleaned):
        texts = pd.Series(uniques, dtype="str")
        return codes, texts, np.full(len(uniques), np.nan), distinct_texts(uniques)
    to_parse: list[str | None] = []
    numbers = np.full(len(uniques), np.nan)
    for position, value in enumerate(uniques):
        if isinstance(value, str):
            to_parse.append(value)
        elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool | np.bool_
        ):
            to_parse.append(None)
            numbers[position] = float(value)
        else:
            to_parse.append(str(value))  # a date or a boolean where a number is expected
    return codes, pd.Series(to_parse, dtype="str"), numbers, distinct_texts(uniques)


def _to_float(texts: pd.Series) -> np.ndarray:
    valid = texts.str.fullmatch(_PLAIN).fillna(False).astype(bool)
    return texts.where(valid).astype("float64").to_numpy()


def _without_noise(texts: pd.Series) -> pd.Series:
    """Spaces of any kind, apostrophes and the currency removed (literal replaces: fast)."""
    upper = texts.str.upper()
    for noise in _NOISE:
        if _flags(upper.str.contains(noise, regex=False)).any():
            upper = upper.str.replace(noise, "", regex=False)
    negative = upper.str.fullmatch(r"\(.*\)").fillna(False).astype(bool)
    if negative.any():
        upper = upper.where(~negative, "-" + upper.str.slice(1, -1))
    return upper


def _parse_texts(texts: pd.Series, *, thousands: bool) -> tuple[np.ndarray, np.ndarray]:
    """Distinct texts -> (float values, whether a text needed more than plain parsing)."""
    present = texts.notna().to_numpy()
    plain = _flags(texts.str.fullmatch(_PLAIN))
    group_dot = _flags(texts.str.fullmatch(_ONE_GROUP_DOT)) if thousands else plain & False
    if plain[present].all() and not group_dot.any():
        return _to_float(texts), np.zeros(len(texts), dtype=bool)

    t = _without_noise(texts)
    if not thousands:
        return _to_float(t.str.replace(",", ".", regex=False)), present & ~plain

    has_dot = _flags(t.str.contains(".", regex=False))
    has_comma = _flags(t.str.contains(",", regex=False))
    many_dots = _flags(t.str.contains(r"\..*\."))
    many_commas = _flags(t.str.contains(",.*,"))
    dot_last = _flags(t.str.fullmatch(r".*\.[^,]*"))
    group_dot = _flags(t.str.fullmatch(_ONE_GROUP_DOT))
    group_comma = _flags(t.str.fullmatch(_ONE_GROUP_COMMA))
    both = has_dot & has_comma
    only_dots = has_dot & ~has_comma
    only_commas = has_comma & ~has_dot

    comma_votes = (both & ~dot_last) | (only_commas & ~many_commas & ~group_comma)
    comma_votes |= only_dots & many_dots
    dot_votes = (both & dot_last) | (only_dots & ~many_dots & ~group_dot)
    dot_votes |= only_commas & many_commas
    decimal_comma = int(comma_votes.sum()) >= int(dot_votes.sum())

    drop_dots = (both & ~dot_last) | (only_dots & many_dots)
    drop_commas = (both & dot_last) | (only_commas & many_commas)
    if decimal_comma:
        drop_dots |= only_dots & group_dot
    else:
        drop_commas |= only_commas & group_comma
    if drop_dots.any():
        t = t.where(~drop_dots, t.str.replace(".", "", regex=False))
    if drop_commas.any():
        t = t.where(~drop_commas, t.str.replace(",", "", regex=False))
    values = _to_float(t.str.replace(",", ".", regex=False))
    reread = plain & decimal_comma & group_dot
    return values, present & (~plain | reread)


def _kinds(mask: np.ndarray, kind: str) -> np.ndarray:
    kinds = np.full(len(mask), None, dtype=object)
    kinds[mask] = kind
    return kinds


def _result(
    codes: np.ndarray,
    values: np.ndarray,
    kinds: np.ndarray,
    texts: np.ndarray,
    index: pd.Index,
) -> ColumnResult:
    kinds[np.isnan(values)] = UNREADABLE
    notes, unreadable = summarise(codes, kinds, texts, index)
    row_values = take_distinct(values, codes, np.nan)
    return ColumnResult(pd.Series(row_values, index=index, dtype="float64"), notes, unreadable)


def parse_amounts(cleaned: pd.Series) -> ColumnResult:
    """Read an amount column (euros) as float64; text forms are noted as ``amount_text``."""
    codes, to_parse, numbers, texts = _split_typed(cleaned)
    parsed, texty = _parse_texts(to_parse, thousands=True)
    values = np.where(to_parse.notna().to_numpy(), parsed, numbers)
    return _result(codes, values, _kinds(texty, "amount_text"), texts, cleaned.index)


def parse_rates(cleaned: pd.Series) -> ColumnResult:
    """Read a co-financing rate column as a fraction (float64)."""
    codes, to_parse, numbers, texts = _split_typed(cleaned)
    # "(45%)": a rate in brackets is a note, not an accounting negative
    to_parse = to_parse.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    percent_sign = _flags(to_parse.str.contains("%", regex=False))
    parsed, texty = _parse_texts(to_parse.str.replace("%", "", regex=False), thousands=False)
    parsed = np.where(percent_sign, parsed / 100, parsed)
    values = np.where(to_parse.notna().to_numpy(), parsed, numbers)
    kinds = _kinds(texty | percent_sign, "rate_text")

    # Per column: mostly above 1 means the numbers are percentages.
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    candidates = ~percent_sign & ~np.isnan(values)
    above_one = int(counts[candidates & (values > 1)].sum())
    if above_one * 2 > int(counts[candidates].sum()):
        values = np.where(candidates, values / 100, values)
        kinds[candidates] = "rate_percent"
    return _result(codes, values, kinds, texts, cleaned.index)
