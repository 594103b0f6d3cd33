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


class _Separators:
    """Which separators each distinct text (noise removed) holds."""

    def __init__(self, t: pd.Series) -> None:
        has_dot = _flags(t.str.contains(".", regex=False))
        has_comma = _flags(t.str.contains(",", regex=False))
        self.many_dots = _flags(t.str.contains(r"\..*\."))
        self.many_commas = _flags(t.str.contains(",.*,"))
        self.dot_last = _flags(t.str.fullmatch(r".*\.[^,]*"))
        self.group_dot = _flags(t.str.fullmatch(_ONE_GROUP_DOT))
        self.group_comma = _flags(t.str.fullmatch(_ONE_GROUP_COMMA))
        self.both = has_dot & has_comma
        self.only_dots = has_dot & ~has_comma
        self.only_commas = has_comma & ~has_dot

    def votes(self) -> tuple[np.ndarray, np.ndarray]:
        """Whether each text shows a decimal comma, or a decimal point (an ambiguous
        "750.000" or "1,234" shows neither)."""
        comma = (self.both & ~self.dot_last) | (
            self.only_commas & ~self.many_commas & ~self.group_comma
        )
        comma |= self.only_dots & self.many_dots
        dot = (self.both & self.dot_last) | (self.only_dots & ~self.many_dots & ~self.group_dot)
        dot |= self.only_commas & self.many_commas
        return comma, dot


def _parse_texts(
    texts: pd.Series, *, thousands: bool, decimal_comma: bool | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct texts -> (float values, whether a text needed more than plain parsing).

    ``decimal_comma`` is the column's convention when the caller decided it over the whole
    column (a table read in parts); otherwise these texts vote."""
    present = texts.notna().to_numpy()
    plain = _flags(texts.str.fullmatch(_PLAIN))
    group_dot = _flags(texts.str.fullmatch(_ONE_GROUP_DOT)) if thousands else plain & False
    if plain[present].all() and not group_dot.any():
        return _to_float(texts), np.zeros(len(texts), dtype=bool)

    t = _without_noise(texts)
    if not thousands:
        return _to_float(t.str.replace(",", ".", regex=False)), present & ~plain

    s = _Separators(t)
    if decimal_comma is None:
        comma_votes, dot_votes = s.votes()
        decimal_comma = int(comma_votes.sum()) >= int(dot_votes.sum())
    drop_dots = (s.both & ~s.dot_last) | (s.only_dots & s.many_dots)
    drop_commas = (s.both & s.dot_last) | (s.only_commas & s.many_commas)
    if decimal_comma:
        drop_dots |= s.only_dots & s.group_dot
    else:
        drop_commas |= s.only_commas & s.group_comma
    if drop_dots.any():
        t = t.where(~drop_dots, t.str.replace(".", "", regex=False))
    if drop_commas.any():
        t = t.where(~drop_commas, t.str.replace(",", "", regex=False))
    values = _to_float(t.str.replace(",", ".", regex=False))
    reread = plain & decimal_comma & s.group_dot
    return values, present & (~plain | reread)


def amount_votes(cleaned: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each distinct text of a part of an amount column: a 64-bit hash of it, whether it
    shows a decimal comma, whether it shows a decimal point. The column's convention counts
    each distinct text once, so the parts' votes are summed over their distinct hashes."""
    _, to_parse, _, _ = _split_typed(cleaned)
    texts = to_parse[to_parse.notna().to_numpy()]
    comma, dot = _Separators(_without_noise(texts)).votes()
    hashes = pd.util.hash_array(texts.to_numpy(dtype=object))
    return hashes, comma, dot


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


def parse_amounts(cleaned: pd.Series, decimal_comma: bool | None = None) -> ColumnResult:
    """Read an amount column (euros) as float64; text forms are noted as ``amount_text``.

    ``decimal_comma``: the convention decided over the whole column (``amount_votes``
    summed over its parts), when
    ``cleaned`` is a part of it; otherwise ``cleaned``'s own values decide."""
    codes, to_parse, numbers, texts = _split_typed(cleaned)
    parsed, texty = _parse_texts(to_parse, thousands=True, decimal_comma=decimal_comma)
    values = np.where(to_parse.notna().to_numpy(), parsed, numbers)
    return _result(codes, values, _kinds(texty, "amount_text"), texts, cleaned.index)


def _rate_values(
    cleaned: pd.Series,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rates as written: row codes, values, kinds, display texts, "%" written."""
    codes, to_parse, numbers, texts = _split_typed(cleaned)
    # "(45%)": a rate in brackets is a note, not an accounting negative
    to_parse = to_parse.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    percent_sign = _flags(to_parse.str.contains("%", regex=False))
    parsed, texty = _parse_texts(to_parse.str.replace("%", "", regex=False), thousands=False)
    parsed = np.where(percent_sign, parsed / 100, parsed)
    values = np.where(to_parse.notna().to_numpy(), parsed, numbers)
    return codes, values, _kinds(texty | percent_sign, "rate_text"), texts, percent_sign


def _rate_counts(codes: np.ndarray, values: np.ndarray, candidates: np.ndarray) -> tuple[int, int]:
    """Rows whose number (no "%" written) is above 1, and rows with such a number."""
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    return int(counts[candidates & (values > 1)].sum()), int(counts[candidates].sum())


def rate_votes(cleaned: pd.Series) -> tuple[int, int]:
    """For a part of a rate column: rows whose number is above 1, and rows with a number (no
    "%" written); the column is in percent when the first is more than half the second."""
    codes, values, _, _, percent_sign = _rate_values(cleaned)
    return _rate_counts(codes, values, ~percent_sign & ~np.isnan(values))


def parse_rates(cleaned: pd.Series, percent: bool | None = None) -> ColumnResult:
    """Read a co-financing rate column as a fraction (float64).

    ``percent``: whether the whole column is in percent (``rate_votes`` summed over its
    parts), when ``cleaned`` is a part of it; otherwise ``cleaned``'s own values decide."""
    codes, values, kinds, texts, percent_sign = _rate_values(cleaned)
    # Per column: mostly above 1 means the numbers are percentages.
    candidates = ~percent_sign & ~np.isnan(values)
    if percent is None:
        above_one, numbers_seen = _rate_counts(codes, values, candidates)
        percent = above_one * 2 > numbers_seen
    if percent:
        values = np.where(candidates, values / 100, values)
        kinds[candidates] = "rate_percent"
    return _result(codes, values, kinds, texts, cleaned.index)
