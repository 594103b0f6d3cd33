"""A list of operations validated a part at a time, in bounded memory: a database table, or a
file read by Spark (any Hadoop-compatible URI).

Such a source may not fit in the client's memory as a pandas frame. It is read twice (for a
database, in one read-only transaction that sees one snapshot):

1. **Column decisions.** A few conventions are decided over a whole column: whether ambiguous
   amounts ("750.000") use a decimal comma, whether rates are in percent, whether programme
   titles name programmes when no CCI column exists. Only those columns are read for this.
2. **Parts.** ``limits.rows_per_part`` rows at a time are decoded into canonical records with
   those decisions, and the record rules run on them (``SuiteInParts``); of each row, only the
   columns the aggregate checks and the findings read are kept: in memory up to
   ``limits.rows_in_memory`` rows, beyond in temporary files on disk, all but the row numbers
   (``stored_columns``: the checks read them back one check at a time).

The result is the record set the aggregate checks read and the findings of the record rules,
identical to reading the same rows from a file (tests compare report.json on the demo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.catalogue import suites_for
from fundcheck.checks.frames import LONG_TEXTS, hash_long_texts
from fundcheck.columns import as_categories
from fundcheck.connectors.attribution import annotate
from fundcheck.connectors.canonical import parse_field
from fundcheck.connectors.cells import clean_cells
from fundcheck.connectors.file_connector import LocatedTable, canonical_records
from fundcheck.connectors.header_rows import HeaderRow, header_texts
from fundcheck.connectors.limits import DEFAULT_LIMITS, InputLimits
from fundcheck.connectors.numbers import amount_votes, rate_votes
from fundcheck.connectors.parts import PartReader
from fundcheck.connectors.reader_findings import reading_findings
from fundcheck.connectors.spark_source import SparkFile, spark_parts
from fundcheck.connectors.sql_source import SqlSource, database_parts
from fundcheck.errors import SourceError
from fundcheck.expectations.engine import PANDAS, Engine
from fundcheck.expectations.in_parts import SuiteInParts
from fundcheck.findings import RECORD_COLUMNS, concat_findings
from fundcheck.memory import release_freed_memory
from fundcheck.model import (
    FIELDS,
    LABEL_FIELDS,
    PERIOD,
    REGION,
    REGION_BASIS,
    ROW,
    FieldType,
    Normalisation,
    Provenance,
    RecordKind,
    RecordSet,
    SuiteRef,
)
from fundcheck.reference import Reference
from fundcheck.reference.lookups import programmes_for_label
from fundcheck.stored_columns import StoredColumns, column, has_column, joined

Progress = Callable[[str], None]

NOT_KEPT = LONG_TEXTS
"""Long free-text fields the aggregate checks only compare whole: kept as hashes
(``hash_long_texts``)."""

KEPT_WITHOUT_CHECKS = (*RECORD_COLUMNS, REGION_BASIS, PERIOD)
"""What is kept of every row when no aggregate check runs: what a finding names (row, code,
programme, region and its basis) and the period; with the columns the whole-set record rules
compare."""

FEW_VALUES = ("programme_cci", REGION, REGION_BASIS, PERIOD)
"""Kept columns with few distinct values, held as categories when no aggregate check reads
them (1-2 bytes a row instead of 10-25: 70 MB a million rows)."""


@dataclass
class PartsRun:
    """A source read and validated in parts."""

    record_set: RecordSet
    """Every record, with the columns the aggregate checks read; ``findings``: the reader's."""
    findings: pd.DataFrame
    """The record rules' findings, in the order of a run on the whole table."""
    suites: list[SuiteRef] = field(default_factory=list)


@contextmanager
def part_reader(
    source: SqlSource | SparkFile, mapping: Path | None, spark_master: str
) -> Iterator[PartReader]:
    """The source as a ``PartReader``: a database table in one read-only transaction, a file
    through the Spark session on ``spark_master``."""
    if isinstance(source, SqlSource):
        with database_parts(source, mapping) as reader:
            yield reader
    else:
        from fundcheck.expectations.spark_engine import spark_session

        yield spark_parts(source, spark_session(spark_master), mapping)


def validate_in_parts(
    reader: PartReader,
    reference: Reference,
    *,
    limits: InputLimits = DEFAULT_LIMITS,
    period: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    engine: Engine = PANDAS,
    progress: Progress | None = None,
    for_checks: bool = True,
) -> PartsRun:
    """Read and validate a source a part at a time (see the module doc). ``for_checks``: keep
    of every row the columns the aggregate checks read (``NOT_KEPT`` as hashes), else only
    ``KEPT_WITHOUT_CHECKS`` and what whole-set rules compare."""
    say = progress or (lambda _message: None)
    headers = reader.headers
    header, provenance = reader.mapped()
    decisions, titles_name_programmes = _column_decisions(reader, header, limits)
    parts = _Parts(
        reference,
        provenance,
        parameters,
        engine,
        period,
        keep_every_column=for_checks,
        add_programme_cci=titles_name_programmes,
        rows_in_memory=limits.rows_in_memory,
    )
    for body in reader.parts(None, limits.rows_per_part):
        if len(body) * max(len(headers), 1) > limits.max_sheet_cells:
            raise SourceError(
                f"a part holds more than {limits.max_sheet_cells:,} cells, the limit "
                "(limits.max_sheet_cells; lower limits.rows_per_part)",
                location=provenance.location,
            )
        located = LocatedTable(body, parts.next_row, header)
        parts.next_row += len(body)
        del body
        record_set = canonical_records(located, provenance, limits=limits, decisions=decisions)
        del located
        parts.add(record_set)
        del record_set
        release_freed_memory(collect=True)  # GX's metrics of the part wait in reference cycles
        say(f"validated {parts.rows:,} rows of {provenance.name}")
    return parts.finish()


def _column_decisions(
    reader: PartReader, header: HeaderRow, limits: InputLimits
) -> tuple[dict[str, bool], bool]:
    """The conventions of the amount and rate columns (``parse_field``'s decisions) and whether
    programme titles decode to programmes (then every part has a programme code column)."""
    match, headers = header.match, reader.headers
    if not match.mappable:
        return {}, False
    voted = {
        name: position
        for name, position in match.positions.items()
        if FIELDS[name].type in (FieldType.AMOUNT, FieldType.RATE)
    }
    titles = (
        match.positions.get("programme_title") if "programme_cci" not in match.positions else None
    )
    wanted = sorted(set(voted.values()) | ({titles} if titles is not None else set()))
    if not wanted:
        return {}, False
    names = [headers[position] for position in wanted]
    amounts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    rates: dict[str, list[int]] = {}
    decoded_title = False
    for part in reader.parts(names, limits.rows_per_part):
        cells = {position: part[i] for i, position in enumerate(wanted)}
        for name, position in voted.items():
            cleaned = _cleaned(cells[position], header_texts(headers)[position])
            if FIELDS[name].type is FieldType.AMOUNT:
                amounts.setdefault(name, []).append(amount_votes(cleaned))
            else:
                above, seen = rate_votes(cleaned)
                counts = rates.setdefault(name, [0, 0])
                counts[0] += above
                counts[1] += seen
        if titles is not None and not decoded_title:
            decoded_title = _titles_decode(cells[titles], header_texts(headers)[titles])
    decisions = {name: _decimal_comma(votes) for name, votes in amounts.items()}
    decisions.update({name: above * 2 > seen for name, (above, seen) in rates.items()})
    return decisions, decoded_title


def _cleaned(raw: pd.Series, header: str) -> pd.Series:
    """The cells as the reader parses them (a cell repeating the header is not a value)."""
    cleaned, _ = clean_cells(raw)
    return cleaned.where(cleaned.ne(header.strip()).fillna(True))


def _decimal_comma(votes: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> bool:
    """Each distinct text votes once over the whole column (a text found in several parts
    too); a tie is the French convention, as for one file."""
    hashes = np.concatenate([part[0] for part in votes])
    comma = np.concatenate([part[1] for part in votes])
    dot = np.concatenate([part[2] for part in votes])
    _, first = np.unique(hashes, return_index=True)
    return int(comma[first].sum()) >= int(dot[first].sum())


def _titles_decode(raw: pd.Series, header: str) -> bool:
    titles = parse_field("programme_title", _cleaned(raw, header)).values.dropna().unique()
    return any(len(programmes_for_label(str(title))) == 1 for title in titles)


class _Parts:
    """What is kept of each part: the record rules' state, the rows for the whole set, the
    reader's notes and unreadable cells."""

    def __init__(
        self,
        reference: Reference,
        provenance: Provenance,
        parameters: Mapping[str, Any] | None,
        engine: Engine,
        period: str | None,
        *,
        keep_every_column: bool,
        add_programme_cci: bool,
        rows_in_memory: int,
    ) -> None:
        self.reference, self.provenance = reference, provenance
        self.parameters, self.engine, self.period = parameters, engine, period
        self.keep_every_column = keep_every_column
        """Keep every column for the checks, ``NOT_KEPT`` as hashes (else
        ``KEPT_WITHOUT_CHECKS``)."""
        self.add_programme_cci = add_programme_cci
        """Give every part a programme code column (titles name programmes somewhere)."""
        self.next_row = 2  # row 1 is the header
        self.rows = 0
        self.frames: list[pd.DataFrame] = []
        self.notes: list[list[Normalisation]] = []
        self.unreadable: dict[str, list[pd.Series]] = {}
        self.labels: dict[str, str] = {}
        self.suites: dict[tuple[str, str], SuiteInParts] = {}
        self.rows_in_memory = rows_in_memory
        self.stored: StoredColumns | None = None
        """The kept columns but the row numbers, on disk, once the rows exceed
        ``rows_in_memory`` (with every column kept for the checks)."""

    def add(self, part: RecordSet) -> None:
        frame = part.frame
        if self.add_programme_cci and "programme_cci" not in frame:
            frame["programme_cci"] = pd.Series(pd.NA, index=frame.index, dtype="string")
        frame.index = pd.RangeIndex(self.rows, self.rows + len(frame))
        annotate(frame, self.reference, period_hint=self.provenance.period,
                 period_override=self.period)  # fmt: skip
        as_categories(frame, LABEL_FIELDS)
        for name, label in part.column_labels.items():
            self.labels.setdefault(name, label)
        unreadable = {}
        for name, cells in part.unreadable.items():
            shifted = cells.set_axis(cells.index + self.rows)
            unreadable[name] = shifted
            self.unreadable.setdefault(name, []).append(shifted)
        self.notes.append(part.normalisations)
        for period, rows in frame.groupby(PERIOD, sort=True):
            for suite in suites_for(str(period), part.kind.value):
                key = (str(period), suite.name)
                if key not in self.suites:
                    self.suites[key] = SuiteInParts(
                        suite,
                        source=self.provenance.name,
                        column_labels=self.labels,
                        parameters=self.parameters,
                        engine=self.engine,
                    )
                self.suites[key].add(rows, _within(unreadable, rows.index))
        self.rows += len(frame)
        if self.keep_every_column:
            kept = list(frame.columns)
            hash_long_texts(frame)
        else:
            compared = {c for suite in self.suites.values() for c in suite.compared_columns()}
            kept = [c for c in frame.columns if c in KEPT_WITHOUT_CHECKS or c in compared]
        frame = frame[kept]
        if not self.keep_every_column:
            as_categories(frame, FEW_VALUES)
        self.frames.append(frame)
        if self.keep_every_column and (self.stored is not None or self.rows > self.rows_in_memory):
            self._to_disk()

    def _to_disk(self) -> None:
        """Write the kept columns of the parts held so far to disk, but their row numbers."""
        if self.stored is None:
            self.stored = StoredColumns()
        for position, part in enumerate(self.frames):
            if list(part.columns) != [ROW]:
                self.stored.append(part.drop(columns=[ROW]))
                self.frames[position] = part[[ROW]]

    def _whole(self) -> pd.DataFrame:
        """The parts' kept rows as one frame, column by column (each part's column freed once
        copied: the parts and the whole are not held twice)."""
        if not self.frames:
            return pd.DataFrame()
        columns = list(self.frames[0].columns)
        whole = {}
        for name in columns:
            whole[name] = joined([part[name] for part in self.frames])
            for part in self.frames:
                del part[name]
        self.frames.clear()
        return pd.DataFrame(whole, columns=columns)

    def finish(self) -> PartsRun:
        frame = self._whole()
        unreadable = {name: pd.concat(cells) for name, cells in self.unreadable.items()}
        record_set = RecordSet(
            kind=RecordKind.OPERATIONS,
            frame=frame,
            provenance=self.provenance,
            column_labels=self.labels,
            normalisations=merged_notes(self.notes),
            unreadable=unreadable,
            stored=self.stored,
        )
        periods = column(record_set, PERIOD) if has_column(record_set, PERIOD) else None
        named = sorted(periods.dropna().unique()) if periods is not None else []
        record_set.provenance = self.provenance.model_copy(
            update={"rows": len(frame), "period": ", ".join(str(p) for p in named) or None}
        )
        record_set.findings = reading_findings(record_set)
        if self.stored is not None:  # the columns it read back, not held through the suites
            self.stored.forget()
        found = []
        suites: dict[str, SuiteRef] = {}
        for (period, _), suite in sorted(self.suites.items(), key=_suite_order):
            assert periods is not None  # a suite was chosen by period
            in_period = periods.eq(period).fillna(False).to_numpy(dtype=bool)
            whole = self._finishing(record_set, suite)
            if in_period.all():  # one period: no copy
                found.append(suite.finish(whole, unreadable))
            else:
                found.append(suite.finish(whole[in_period], _marked(unreadable, in_period)))
            del whole
            suites[suite.suite.name] = SuiteRef(
                name=suite.suite.name,
                version=suite.suite.version,
                expectations=len(suite.suite.expectations),
            )
        if self.stored is not None:
            self.stored.forget()
        return PartsRun(record_set, concat_findings(found), list(suites.values()))

    def _finishing(self, record_set: RecordSet, suite: SuiteInParts) -> pd.DataFrame:
        """What a suite's whole-set rules read of every row: the frame, or with the columns on
        disk, what a finding names and what the rules compare, read back."""
        if self.stored is None:
            return record_set.frame
        names = [*KEPT_WITHOUT_CHECKS, *sorted(suite.compared_columns())]
        present = [name for name in dict.fromkeys(names) if has_column(record_set, name)]
        columns = {}
        for name in present:  # each held once: in the frame, not also as the column read back
            values = column(record_set, name)
            if name in FEW_VALUES and not isinstance(values.dtype, pd.CategoricalDtype):
                values = values.astype("category")  # 1-2 bytes a row instead of 10-25
            columns[name] = values
            del values
            self.stored.forget()
        return pd.DataFrame(columns)


def _suite_order(item: tuple[tuple[str, str], SuiteInParts]) -> tuple[str, int]:
    """Periods in order, each period's suites in ``suites_for`` order (a file's run order)."""
    (period, name), _ = item
    names = [suite.name for suite in suites_for(period, RecordKind.OPERATIONS.value)]
    return period, names.index(name)


def _within(unreadable: Mapping[str, pd.Series], index: pd.Index) -> dict[str, pd.Series]:
    return {name: cells[cells.index.isin(index)] for name, cells in unreadable.items()}


def _marked(unreadable: Mapping[str, pd.Series], rows: np.ndarray) -> dict[str, pd.Series]:
    """The unreadable cells of the rows marked in ``rows`` (one flag a row of the set: no
    table of millions of row numbers is built to look them up)."""
    return {name: cells[rows[cells.index.to_numpy()]] for name, cells in unreadable.items()}


def merged_notes(parts: Iterable[list[Normalisation]]) -> list[Normalisation]:
    """The normalisations of a table from those of its parts: counts added, the first part's
    example kept; a header variant is noted once."""
    merged: dict[tuple[str, str | None, str | None], Normalisation] = {}
    for notes in parts:
        for note in notes:
            key = (note.kind, note.field, note.column)
            if key not in merged:
                merged[key] = note
            elif note.kind != "header_variant":
                first = merged[key]
                merged[key] = Normalisation(
                    first.kind,
                    first.field,
                    first.column,
                    first.count + note.count,
                    first.example if first.example is not None else note.example,
                )
    return list(merged.values())
