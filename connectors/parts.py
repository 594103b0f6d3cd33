"""A source read a part at a time: what the validation in parts needs from a database table or a
file read by Spark, and the rows turned into parts of text cells.

A ``PartReader`` gives the column names, the header matched to the canonical fields with the
source's provenance, and the rows in parts, all columns or some (by name), in the source's order.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from fundcheck.connectors.header_rows import HeaderRow, header_texts
from fundcheck.connectors.mapping_profiles import best_match, list_profiles, load_mapping
from fundcheck.model import Provenance


class PartReader(Protocol):
    """A source read a part at a time (see the module doc)."""

    @property
    def headers(self) -> list[str]:
        """The column names, in order."""
        ...

    def mapped(self) -> tuple[HeaderRow, Provenance]:
        """The header matched to the canonical fields, and the source's provenance."""
        ...

    def parts(self, columns: list[str] | None, rows_per_part: int) -> Iterator[pd.DataFrame]:
        """The rows, ``rows_per_part`` at a time, as text cells (columns numbered): every
        column, or ``columns`` (by name, in that order); at least one part."""
        ...


def mapped_columns(
    headers: list[str], mapping: Path | None, *, name: str, location: str, format: str
) -> tuple[HeaderRow, Provenance]:
    """The column names matched to the canonical fields (``mapping``, else the best profile),
    and the provenance of the source they head (no checksum: it is not read whole)."""
    from fundcheck.connectors.file_connector import period_hint

    texts = header_texts(headers)
    profiles = [load_mapping(mapping)] if mapping is not None else list_profiles()
    match = best_match(texts, profiles)
    provenance = Provenance(
        name=name,
        location=location,
        format=format,
        sha256=None,
        profile=match.profile.id,
        period=period_hint(match.profile),
    )
    return HeaderRow(0, texts, match), provenance


def cell_text(value: Any) -> str | None:
    """A typed value as the text a published file would hold."""
    if value is None:
        return None
    if isinstance(value, float | decimal.Decimal) and not isinstance(value, bool):
        return format(value, "f") if isinstance(value, decimal.Decimal) else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def text_parts(
    batches: Iterable[Sequence[Sequence[Any]]], width: int, rows_per_part: int
) -> Iterator[pd.DataFrame]:
    """Batches of rows (each at most ``rows_per_part`` long) as parts of exactly
    ``rows_per_part`` rows (the last one shorter), text cells as compact Arrow text: the rows
    are never held as Python objects beyond one batch. At least one part, empty if no row."""
    import pyarrow as pa

    columns: list[list[Any]] = [[] for _ in range(width)]
    held = 0
    sent = False
    for batch in batches:
        room = rows_per_part - held
        head, tail = batch[:room], batch[room:]
        for position, values in enumerate(zip(*head, strict=True)):
            columns[position].append(pa.array([cell_text(v) for v in values], type=pa.string()))
        held += len(head)
        if held == rows_per_part:
            yield _frame(columns)
            columns, held, sent = [[] for _ in range(width)], 0, True
        if len(tail):
            for position, values in enumerate(zip(*tail, strict=True)):
                columns[position].append(pa.array([cell_text(v) for v in values], type=pa.string()))
            held = len(tail)
    if held or not sent:
        yield _frame(columns)


def _frame(columns: list[list[Any]]) -> pd.DataFrame:
    import pyarrow as pa

    return pd.DataFrame(
        {
            position: pd.array(pa.chunked_array(chunks, type=pa.string()), dtype="str")
            for position, chunks in enumerate(columns)
        },
        columns=range(len(columns)),
    )
