"""Columns of a large record set held in temporary files, read back a column at a time.

A table validated a part at a time (a database table, a file read by Spark) may hold more rows
than the client should keep in memory with every column the aggregate checks read. Past
``limits.rows_in_memory`` rows, each part's columns are written to a private temporary
directory as the part is validated, and only the columns every later step reads (row, region
and its basis, period, programme) stay in the record set's frame. A check then reads the
columns it asks for (``checks.frames.operations``): each one is read back whole when first
asked for and kept until the check ends (``StoredColumns.forget``), so the client holds the
columns of one check at a time instead of all of them.

The pieces are pandas' own objects, pickled: a column read back is, value for value and dtype
for dtype, the column the parts joined in memory would give (``joined``). The directory is
removed when the record set is dropped, or when the process that made it ends.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from fundcheck.columns import one_chunk
from fundcheck.model import RecordSet


def joined(pieces: Sequence[pd.Series]) -> pd.Series:
    """The parts of a column as one column, in order: categories (each part has its own)
    as their union, sorted as one frame's are; other dtypes as ``pd.concat`` joins them."""
    if all(isinstance(piece.dtype, pd.CategoricalDtype) for piece in pieces):
        values = union_categoricals(list(pieces), sort_categories=True)
        index = pd.concat([piece.index.to_series() for piece in pieces]).index
        return pd.Series(values, index=index, name=pieces[0].name)
    return one_chunk(pd.concat(pieces))


class StoredColumns:
    """Columns of a record set written part by part to a private temporary directory (the
    module doc). Rows are numbered 0..n-1 across the parts, as the record set's frame index."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="fundcheck-columns-", dir=directory))
        self.names: list[str] = []
        """The stored columns, in the order of the first part's frame."""
        self.starts: list[int] = []
        """The first row of each part."""
        self.rows = 0
        self.categories: dict[str, set[Any]] = {}
        """Every category of each categorical column, over all parts."""
        self._loaded: dict[str, pd.Series] = {}
        self._owner: StoredColumns | None = None
        # removed when this object goes, or at exit; never by a forked process
        self._remove = weakref.finalize(self, _remove, self.directory, os.getpid())

    @property
    def parts(self) -> int:
        return len(self.starts)

    def append(self, frame: pd.DataFrame) -> None:
        """Write the columns of the next part (its rows follow the rows stored so far)."""
        if not self.parts:
            self.names = list(frame.columns)
        elif list(frame.columns) != self.names:
            raise ValueError("every part of a table has the same columns")
        frame = frame.set_axis(pd.RangeIndex(self.rows, self.rows + len(frame)))
        for number, name in enumerate(self.names):
            values = frame[name]
            if isinstance(values.dtype, pd.CategoricalDtype):
                self.categories.setdefault(name, set()).update(values.cat.categories)
            with self._path(number, self.parts).open("wb") as handle:
                pickle.dump(values, handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.starts.append(self.rows)
        self.rows += len(frame)

    def view(self) -> StoredColumns:
        """The same columns with a memory of their own for the columns read back (one for each
        shard of rows the checks read: ``checks.shards``)."""
        view = object.__new__(StoredColumns)
        view.__dict__.update(self.__dict__)
        view._loaded = {}
        view._owner = self  # the directory lasts as long as a view reads it
        return view

    def column(self, name: str, index: pd.Index | None = None) -> pd.Series:
        """A stored column, whole or at the rows of ``index`` (row numbers 0..n-1, in
        increasing order): read back when first asked for (only the parts holding those rows),
        then kept until ``forget``."""
        kept = self._loaded.get(name)
        if kept is not None and (index is None or index.equals(kept.index)):
            return kept
        if kept is not None and index is not None and bool(index.isin(kept.index).all()):
            return kept.loc[index]
        rows = None if index is None or index.equals(pd.RangeIndex(self.rows)) else index
        parts = range(self.parts) if rows is None else self._parts_holding(rows)
        number = self.names.index(name)
        labels = None if rows is None else np.asarray(rows, dtype=np.int64)
        pieces = []
        for part in parts:
            with self._path(number, part).open("rb") as handle:
                piece = pickle.load(handle)  # written by this process (append)
            if labels is not None:  # the rows asked for, before the next part is read
                end = self.starts[part + 1] if part + 1 < self.parts else self.rows
                piece = piece.loc[labels[(labels >= self.starts[part]) & (labels < end)]]
            pieces.append(piece)
            del piece
        values = joined(pieces) if pieces else pd.Series([], name=name, dtype=object)
        del pieces
        if rows is not None:
            values = values.set_axis(rows)
            if name in self.categories:  # the categories of the whole column
                values = values.cat.set_categories(sorted(self.categories[name]))
        self._loaded[name] = values
        return values

    def _parts_holding(self, index: pd.Index) -> list[int]:
        labels = np.asarray(index, dtype=np.int64)
        found = np.searchsorted(np.asarray(self.starts), labels, side="right") - 1
        return [int(part) for part in np.unique(found)]

    def forget(self) -> None:
        """Drop the columns read back (a check has ended: the next reads its own)."""
        self._loaded.clear()

    def remove(self) -> None:
        """Remove the directory now (the record set is no longer read)."""
        self._loaded.clear()
        self._remove()

    def _path(self, number: int, part: int) -> Path:
        return self.directory / f"{number:03d}-{part:06d}.pickle"


def _remove(directory: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(directory, ignore_errors=True)


def column_names(record_set: RecordSet) -> list[str]:
    """The columns of a record set: those of its frame, then those stored on disk."""
    names = list(record_set.frame.columns)
    if record_set.stored is not None:
        names += [name for name in record_set.stored.names if name not in names]
    return names


def has_column(record_set: RecordSet, name: str) -> bool:
    """Whether a record set has a column, in its frame or stored on disk."""
    return name in record_set.frame.columns or (
        record_set.stored is not None and name in record_set.stored.names
    )


def columns_of(
    record_set: RecordSet, names: Sequence[str], rows: pd.Index | None = None
) -> pd.DataFrame:
    """The columns of ``names`` a record set has (from its frame or read back from disk), at
    the rows of ``rows`` (index labels of its frame; all rows when None)."""
    present = [name for name in dict.fromkeys(names) if has_column(record_set, name)]
    if record_set.stored is None:
        frame = record_set.frame[present]
        return frame if rows is None else frame.loc[rows]
    if rows is None:
        return pd.DataFrame({name: column(record_set, name) for name in present})
    # some rows of columns on disk: only those rows are read back, part by part
    wanted = pd.Index(rows)
    in_order = wanted.is_monotonic_increasing and wanted.is_unique
    ordered = wanted if in_order else wanted.unique().sort_values()  # each row read once
    stored, frame_columns = record_set.stored, record_set.frame.columns
    frame = pd.DataFrame(
        {
            name: record_set.frame[name].loc[ordered]
            if name in frame_columns
            else stored.column(name, ordered)
            for name in present
        },
        index=ordered,
    )
    return frame if ordered.equals(wanted) else frame.loc[wanted]


def whole_frame(record_set: RecordSet) -> pd.DataFrame:
    """A record set's frame with every column, those stored on disk read back."""
    if record_set.stored is None:
        return record_set.frame
    return pd.DataFrame({name: column(record_set, name) for name in column_names(record_set)})


def column(record_set: RecordSet, name: str) -> pd.Series:
    """A column of a record set, indexed like its frame: from the frame, else read back from
    disk (KeyError when it has none)."""
    frame = record_set.frame
    if name in frame.columns:
        return frame[name]
    if record_set.stored is not None and name in record_set.stored.names:
        return record_set.stored.column(name, frame.index)
    raise KeyError(name)
