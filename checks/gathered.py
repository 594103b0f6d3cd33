"""The rows a check gathers, shard by shard, held compactly until it judges them all at once.

A check that compares sums over a programme or a fund (``GatheringCheck`` in ``checks.base``)
reads of each row a few values derived from that row's own cells (its programme, category of
region, policy objective, EU amount...), adds up the amounts of the rows alike in all the rest
into one line (``summed``), then judges the table of all the lines. A large run gathers a shard
of rows at a time (``checks.shards``); this module keeps each shard's lines with every text
column as codes into its distinct values (``compact``), and stacks them into one table again
(``stack``), summed once more: the judgment sees the values and dtypes the check would have
gathered from every row at once, and sums that differ from those only in the order of their
additions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Compact:
    """A gathered table whose text columns are codes (``codes``) into their distinct values
    (``uniques``); its other columns as they were (``frame``)."""

    frame: pd.DataFrame
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    uniques: dict[str, np.ndarray] = field(default_factory=dict)
    dtypes: dict[str, Any] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


def _is_text(values: pd.Series) -> bool:
    """Columns of texts or other Python objects (codes, ceilings)."""
    return pd.api.types.is_object_dtype(values.dtype) or isinstance(values.dtype, pd.StringDtype)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the code of each value, the first value of each code): a missing value stays the
    object it was (None, NaN, NA), where ``pd.factorize`` would make it NaN."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(values) - 1, -1, -1)
    return codes, values[first]


ROWS = "_rows"
"""The rows a gathered line stands for (``summed``)."""


def summed(table: pd.DataFrame, sums: tuple[str, ...]) -> pd.DataFrame:
    """The gathered rows alike in every column but ``sums`` as one line each: ``sums`` added
    up, ``_rows`` the rows it stands for (added up too when ``table`` is itself summed). The
    lines come in the order of their first row: a sum over a programme or a fund is the same,
    and so is its first row."""
    if ROWS not in table.columns:
        table = table.assign(**{ROWS: np.ones(len(table), dtype=np.int64)})
    keys = [name for name in table.columns if name not in (*sums, ROWS)]
    if not keys:
        return table[[*sums, ROWS]].sum().to_frame().T.astype(table[[*sums, ROWS]].dtypes)
    lines = table.groupby(keys, sort=False, dropna=False, observed=True)[[*sums, ROWS]].sum()
    return lines.reset_index()[list(table.columns)]


def _narrow(codes: np.ndarray, count: int) -> np.ndarray:
    """Codes in the smallest integers that hold ``count`` values (a programme code a byte)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count <= np.iinfo(dtype).max:
            return codes.astype(dtype)
    return codes


def compact(table: pd.DataFrame) -> Compact:
    """``table`` with each text column as codes into its distinct values (missing values kept
    as one distinct value, so that they come back as they were)."""
    out = Compact(frame=table.reset_index(drop=True), order=list(table.columns))
    texts = [name for name in table.columns if _is_text(table[name])]
    for name in texts:
        try:
            codes, uniques = _distinct(table[name].to_numpy(dtype=object))
        except TypeError:  # values that cannot be hashed stay as they are
            continue
        out.codes[name], out.uniques[name] = _narrow(codes, len(uniques)), uniques
        out.dtypes[name] = table[name].dtype
    out.frame = out.frame.drop(columns=list(out.codes))
    return out


def stack(pieces: list[Compact]) -> pd.DataFrame:
    """The gathered tables ``pieces`` one after the other, as one table (index 0..n-1) with the
    columns and dtypes they were gathered with."""
    if not pieces:
        raise ValueError("no gathered table to stack")
    # a shard that gathered no row says nothing of the columns' dtypes (an empty column is
    # often of objects); a column coded in some pieces only is decoded in those
    pieces = [piece for piece in pieces if len(piece.frame)] or pieces[:1]
    coded = set.intersection(*(set(piece.codes) for piece in pieces))
    pieces = [_decoded(piece, set(piece.codes) - coded) for piece in pieces]
    frames = [piece.frame for piece in pieces]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    first = pieces[0]
    for name, dtype in first.dtypes.items():
        seen = np.concatenate([piece.uniques[name] for piece in pieces])
        where, values = _distinct(seen)
        codes = []
        offset = 0
        for piece in pieces:
            count = len(piece.uniques[name])
            codes.append(where[offset : offset + count][piece.codes[name]])
            offset += count
        spread = values[np.concatenate(codes)]
        plain_objects = pd.api.types.is_object_dtype(dtype)
        out[name] = spread if plain_objects else pd.array(spread, dtype=dtype)
    return out[first.order]


def _decoded(piece: Compact, names: set[str]) -> Compact:
    """``piece`` with the columns ``names`` back as values (not codes)."""
    if not names:
        return piece
    frame = piece.frame.copy()
    for name in names:
        values = piece.uniques[name][piece.codes[name]]
        frame[name] = (
            values
            if pd.api.types.is_object_dtype(piece.dtypes[name])
            else pd.array(values, dtype=piece.dtypes[name])
        )
    keep = {name: value for name, value in piece.codes.items() if name not in names}
    return Compact(
        frame=frame,
        codes=keep,
        uniques={name: piece.uniques[name] for name in keep},
        dtypes={name: piece.dtypes[name] for name in keep},
        order=piece.order,
    )
