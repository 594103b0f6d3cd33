"""Cell-level helpers shared by every value parser: emptiness, placeholders, display text.

Cells arrive either as strings (CSV: pandas ``str`` columns) or typed (workbooks and Parquet:
``object`` columns holding str, float, int, bool, date and datetime values). Costly parsing runs
once per distinct value (``pd.factorize``) and is mapped back, never row by row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from fundcheck.columns import arrow_data, spread_text

_PLACEHOLDER_LOWER = (  # RE2-friendly (no \\s, \\d or anchors) so pandas keeps it in pyarrow
    r"(?:n\.? ?[cr]\.?|n ?/ ?[acr]\.?|#n/?a|na|void|null|none|nan|n[ée]ant|inconnu"
    r"|non +(?:communiqu[ée]|renseign[ée]|connu|applicable)|sans +objet|s\. ?o\.?"
    r"|[-–—_.?*]+)"
)
PLACEHOLDER = re.compile(_PLACEHOLDER_LOWER, re.IGNORECASE)
"""Texts that stand for "no value" in published files (N.C, NR, n/a, VOID, ---, -, ...)."""

UNREADABLE = "unreadable"
"""Kind given to a cell that could not be read as its field's type."""


@dataclass(frozen=True)
class KindCount:
    """How many cells of a column one kind of normalisation touched, with one raw example."""

    kind: str
    count: int
    example: str | None


@dataclass
class ColumnResult:
    """A parsed column: canonical values, normalisations applied, and unreadable raw cells."""

    values: pd.Series
    notes: list[KindCount]
    unreadable: pd.Series


def is_string_column(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype)


def is_placeholder(text: str) -> bool:
    return len(text) <= 30 and PLACEHOLDER.fullmatch(text) is not None


def display_text(value: Any) -> str | None:
    """A typed cell as a spreadsheet shows it: 1000.0 -> "1000", a midnight datetime -> a date."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def map_distinct(
    series: pd.Series, parse: Callable[[Any], tuple[Any, str | None]]
) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``parse`` once per distinct non-missing value; return (values, kinds) per row.

    Missing cells get ``None`` for both.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed = [parse(value) for value in uniques]
    values = np.empty(len(parsed) + 1, dtype=object)
    kinds = np.empty(len(parsed) + 1, dtype=object)
    for position, (value, kind) in enumerate(parsed):
        values[position] = value
        kinds[position] = kind
    values[-1] = None
    kinds[-1] = None
    return values[codes], kinds[codes]


def take_distinct(distinct: np.ndarray, codes: np.ndarray, missing: Any) -> np.ndarray:
    """Per-row values from per-distinct-value results (``codes`` from ``pd.factorize``)."""
    out = np.empty(len(distinct) + 1, dtype=distinct.dtype)
    out[:-1] = distinct
    out[-1] = missing
    rows: np.ndarray = out[codes]
    return rows


def _clean_scalar(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, None
        if is_placeholder(text):
            return None, "placeholder"
        return text, None
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None, None
    return value, None


def _longest_in_bytes(texts: pd.Series) -> int:
    """The longest cell of an Arrow-backed text column in UTF-8 bytes (from its offsets, without
    counting characters); a column held otherwise: unknown (the largest int)."""
    data = arrow_data(texts)
    if data is None:
        return sys.maxsize
    longest = pc.max(pc.binary_length(data)).as_py()
    return 0 if longest is None else int(longest)


def cut_long_cells(raw: pd.Series, max_chars: int) -> tuple[pd.Series, tuple[int, int] | None]:
    """Text cells cut to ``max_chars`` characters; also (how many were cut, position of the
    first) or None. Typed columns are left alone (a workbook's texts are bounded on opening)."""
    if not is_string_column(raw):
        return raw, None
    if _longest_in_bytes(raw) <= max_chars:  # a character takes a byte or more: none is long
        return raw, None
    long = raw.str.len().gt(max_chars).fillna(False).to_numpy(dtype=bool)
    if not long.any():
        return raw, None
    cut = raw.copy()
    cut[long] = raw[long].str.slice(0, max_chars)
    return cut, (int(long.sum()), int(np.argmax(long)))


_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def strip_control_characters(raw: pd.Series) -> tuple[pd.Series, tuple[int, int] | None]:
    """Text cells without control characters (NUL...); also (how many cells had some, position
    of the first) or None."""
    if not is_string_column(raw):
        return raw, None
    found = raw.str.contains(_CONTROL, regex=True).fillna(False).to_numpy(dtype=bool)
    if not found.any():
        return raw, None
    clean = raw.copy()
    clean[found] = raw[found].str.replace(_CONTROL, "", regex=True)
    return clean, (int(found.sum()), int(np.argmax(found)))


def clean_cells(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip text, turn empty and placeholder cells into missing values.

    Returns the cleaned column (``str`` dtype for text columns, ``object`` otherwise) and a
    boolean mask of the cells that held a placeholder.
    """
    if is_string_column(raw):
        sample = raw.iloc[:2000]  # (a strided sample is slow to take from Arrow chunks)
        if sample.nunique() > len(sample) // 2:  # mostly distinct (names, descriptions)
            return _clean_texts(raw)  # row by row
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        # codes, funds, dates as text...: each distinct cell cleaned once, spread back
        distinct = pd.Series(uniques, dtype=raw.dtype)
        text, placeholder = _clean_texts(distinct)
        if text is distinct:  # every distinct cell already clean
            return raw, pd.Series(False, index=raw.index)
        flags = np.append(placeholder.to_numpy(dtype=bool), False)
        return (
            pd.Series(spread_text(text, codes, raw.dtype), index=raw.index),
            pd.Series(flags[codes], index=raw.index),
        )
    if raw.dtype != object:
        return raw, pd.Series(False, index=raw.index)
    values, kinds = map_distinct(raw, _clean_scalar)
    placeholder = pd.Series(kinds == "placeholder", index=raw.index)
    return pd.Series(values, index=raw.index, dtype=object), placeholder


_MAY_BE_PADDED = r"^[^\p{L}\p{N}\p{P}\p{S}]|[^\p{L}\p{N}\p{P}\p{S}]$"
"""A cell that starts or ends with a character that is no letter, digit, punctuation or symbol:
every cell with white space to strip, whatever the kind of space (RE2, run by Arrow)."""


def _clean_texts(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    # a column already clean is kept as it is (a copy of a million long cells costs seconds)
    try:
        padded = raw.str.contains(_MAY_BE_PADDED, regex=True).fillna(False).to_numpy(dtype=bool)
    except re.error:  # text not held by Arrow: Python's re has no \p{...} classes
        padded = np.ones(len(raw), dtype=bool)
    text = raw.str.strip() if padded.any() else raw
    empty = (text == "").fillna(False).to_numpy(dtype=bool)
    if empty.any():
        text = text.mask(empty)
    # only short cells can be placeholders: long free text is never lower-cased nor matched
    short = text.str.len().le(30).fillna(False).to_numpy(dtype=bool)
    if short.any():  # nor does any placeholder hold a digit (amounts, dates, ids are skipped)
        short = short & ~text.str.contains("[0-9]", regex=True).fillna(True).to_numpy(dtype=bool)
    placeholder = pd.Series(False, index=raw.index)
    if short.any():
        # lower case instead of an inline flag: pandas then keeps the regex in pyarrow (RE2)
        found = text[short].str.lower().str.fullmatch(_PLACEHOLDER_LOWER)
        placeholder[short] = found.fillna(False).astype(bool).to_numpy()
    if placeholder.any():
        text = text.mask(placeholder)
    return text, placeholder


def as_text(cleaned: pd.Series) -> pd.Series:
    """Cleaned cells as a ``str`` column (typed cells shown as a spreadsheet shows them)."""
    if is_string_column(cleaned):
        return cleaned
    if cleaned.dtype == object:
        values, _ = map_distinct(cleaned, lambda v: (display_text(v), None))
        return pd.Series(values, index=cleaned.index, dtype="str")
    if pd.api.types.is_datetime64_any_dtype(cleaned):
        dates: pd.Series = cleaned.dt.strftime("%Y-%m-%d").astype("str")
        return dates
    typed: pd.Series = cleaned.astype(object)
    return as_text(typed)


def _blank_scalar(value: Any) -> bool:
    text = display_text(value)
    return text is None or not text.strip()


def blank_mask(raw: pd.Series) -> pd.Series:
    """Cells with no content at all (missing, empty or whitespace)."""
    if is_string_column(raw):
        return (raw.isna() | raw.str.strip().eq("")).astype(bool)
    values, _ = map_distinct(raw.astype(object), lambda v: (_blank_scalar(v), None))
    return pd.Series(values, index=raw.index).fillna(True).astype(bool)


def distinct_texts(uniques: Any) -> np.ndarray:
    """Display text of each distinct value (``uniques`` from ``pd.factorize``), as objects."""
    if isinstance(getattr(uniques, "dtype", None), pd.StringDtype):
        shown: np.ndarray = np.asarray(uniques, dtype=object)
        return shown
    return np.array([display_text(value) for value in uniques], dtype=object)


def summarise(
    codes: np.ndarray, kinds: np.ndarray, texts: np.ndarray, index: pd.Index
) -> tuple[list[KindCount], pd.Series]:
    """Notes and unreadable cells from per-distinct-value kinds and display texts.

    ``codes`` map rows to distinct values in ``pd.factorize`` order (order of first
    appearance), so the first distinct value of a kind is also its first row.
    """
    kinds = np.asarray(kinds, dtype=object)
    counts = np.bincount(codes[codes >= 0], minlength=len(kinds))
    labels = sorted({kind for kind in pd.unique(kinds) if isinstance(kind, str)})
    notes = []
    for label in labels:
        if label == UNREADABLE:
            continue
        found = kinds == label
        example = texts[int(np.argmax(found))]
        notes.append(KindCount(label, int(counts[found].sum()), example))
    unreadable = np.append(kinds == UNREADABLE, False)[codes]  # code -1 -> the False
    rows = np.flatnonzero(unreadable)
    cells = pd.Series(texts[codes[rows]], index=index[rows], dtype="str")
    return notes, cells
