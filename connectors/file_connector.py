"""The file connector: a list of operations (CSV, XLSX, XLS, Parquet) -> one canonical record set.

Steps: check and hash the file; read its cells (all sheets are scanned in a workbook); find the
header row among the first rows and the mapping profile it matches best (or use the user's
mapping); build the canonical table. Bad input raises ``SourceError`` naming the file, never a
raw exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from fundcheck.columns import as_categories, in_one_chunk
from fundcheck.connectors.attribution import annotate
from fundcheck.connectors.canonical import blank_rows, build_canonical, mapped_only
from fundcheck.connectors.decoding import decode_in_context
from fundcheck.connectors.file_formats import SourceFile, inspect_file
from fundcheck.connectors.header_rows import SCAN_ROWS, HeaderRow, find_header, header_texts
from fundcheck.connectors.limits import DEFAULT_LIMITS, InputLimits
from fundcheck.connectors.mapping_profiles import (
    MappingProfile,
    ProfileMatch,
    best_match,
    list_profiles,
    load_mapping,
)
from fundcheck.connectors.reader_findings import reading_findings
from fundcheck.connectors.remote.origin import with_origin
from fundcheck.connectors.text_files import read_text_grid
from fundcheck.connectors.workbooks import Workbook
from fundcheck.display import printable
from fundcheck.errors import SourceError, UnmappableSourceError
from fundcheck.model import LABEL_FIELDS, PERIOD, Normalisation, Provenance, RecordSet
from fundcheck.reference import Reference


@dataclass(frozen=True)
class LocatedTable:
    """The rows under the header, where they start, and how the header maps."""

    body: pd.DataFrame
    first_row: int
    header: HeaderRow
    sheet: str | None = None
    notes: tuple[Normalisation, ...] = ()


def _no_header(source: SourceFile, where: str = "") -> SourceError:
    return SourceError(
        f"no header row of a known list-of-operations format found in the first {SCAN_ROWS} "
        f"rows{where}; give a mapping file to read this layout",
        location=str(source.path),
    )


def _locate_in_grid(grid: pd.DataFrame, profiles: Sequence[MappingProfile]) -> LocatedTable | None:
    header = find_header(grid.iloc[:SCAN_ROWS], profiles)
    if header is None:
        return None
    return LocatedTable(grid.iloc[header.index + 1 :], header.index + 2, header)


def _locate_in_workbook(
    source: SourceFile,
    profiles: Sequence[MappingProfile],
    sheet: str | None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> LocatedTable:
    book = Workbook(source.path, limits)
    names = [sheet] if sheet is not None else book.sheet_names
    best: tuple[str, HeaderRow] | None = None
    for name in names:
        header = find_header(book.grid(name, nrows=SCAN_ROWS), profiles)
        if header is not None and (best is None or header.rank() > best[1].rank()):
            best = (name, header)
    if best is None:
        where = f" of sheet {sheet!r}" if sheet else f" of any sheet ({', '.join(names)})"
        raise _no_header(source, where)
    name, header = best
    grid = book.grid(name)
    return LocatedTable(grid.iloc[header.index + 1 :], header.index + 2, header, sheet=name)


def _locate_in_parquet(source: SourceFile, profiles: Sequence[MappingProfile]) -> LocatedTable:
    try:
        frame = pd.read_parquet(source.path, engine="pyarrow")
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise SourceError(
            f"the Parquet file cannot be read: {exc}", location=str(source.path)
        ) from None
    headers = header_texts(list(frame.columns))
    match = best_match(headers, profiles)
    if match.recognised == 0:
        raise _no_header(source)
    frame.columns = pd.RangeIndex(len(frame.columns))
    return LocatedTable(frame, 2, HeaderRow(0, headers, match))


def _locate(
    source: SourceFile,
    profiles: Sequence[MappingProfile],
    sheet: str | None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> LocatedTable:
    if source.format in ("xlsx", "xls", "ods"):
        return _locate_in_workbook(source, profiles, sheet, limits)
    if source.format == "parquet":
        return _locate_in_parquet(source, profiles)
    grid, layout = read_text_grid(source.path)
    located = _locate_in_grid(grid, profiles)
    if located is None:
        raise _no_header(source)
    if layout.other_encoding_lines:
        note = Normalisation(
            "mixed_encoding",
            None,
            None,
            layout.other_encoding_lines,
            f"line {layout.first_other_line}",
        )
        located = replace(located, notes=(note,))
    return located


@dataclass(frozen=True)
class HeaderLocation:
    """Where a source's header is and how it maps (what ``fundcheck inspect`` shows)."""

    source: SourceFile
    header: HeaderRow
    first_row: int
    sheet: str | None
    encoding: str | None = None
    delimiter: str | None = None


def locate_header(
    path: Path, *, sheet: str | None = None, mapping: Path | None = None
) -> HeaderLocation:
    """Find the header row of a source and the profile it matches (no canonical table built)."""
    source = inspect_file(path)
    profiles = [load_mapping(mapping)] if mapping is not None else list_profiles()
    if source.format in ("xlsx", "xls", "ods", "parquet"):
        located = _locate(source, profiles, sheet)
        return HeaderLocation(source, located.header, located.first_row, located.sheet)
    grid, layout = read_text_grid(source.path)
    found = _locate_in_grid(grid, profiles)
    if found is None:
        raise _no_header(source)
    return HeaderLocation(
        source, found.header, found.first_row, None, layout.encoding, layout.delimiter
    )


def period_hint(profile: MappingProfile) -> str | None:
    """The period a source's format tells (a format published for one period only), else None.
    Records with a CCI, a programme label, a one-period fund or telling dates are dated by them
    (``fundcheck.connectors.attribution``); a file is never dated by a majority of its records."""
    return profile.period


def apply_value_maps(
    frame: pd.DataFrame, match: ProfileMatch, labels: dict[str, str]
) -> list[Normalisation]:
    """Replace a publisher's own codes by canonical ones (the profile's ``values``), in place."""
    notes = []
    for field, mapping in match.profile.values.items():
        if field not in frame.columns or not mapping:
            continue
        column = frame[field]
        hits = column.isin(list(mapping)).fillna(False).to_numpy(dtype=bool)
        if hits.any():
            example = str(column[hits].iloc[0])
            frame[field] = column.replace(mapping)
            kind = "fund_alias" if field == "fund" else "value_alias"
            notes.append(Normalisation(kind, field, labels.get(field), int(hits.sum()), example))
    return notes


def read_operations(
    path: Path,
    *,
    sheet: str | None = None,
    mapping: Path | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
) -> RecordSet:
    """Read a list of operations into the canonical record set.

    ``sheet`` picks a workbook sheet (default: the sheet whose header matches best); ``mapping``
    is a user mapping file that replaces profile detection; ``limits`` bound what is read.
    """
    source = inspect_file(path)
    profiles = [load_mapping(mapping)] if mapping is not None else list_profiles()
    located = _locate(source, profiles, sheet, limits)
    provenance = Provenance(  # names shown in reports: undecodable bytes escaped
        name=printable(source.path.name),
        location=printable(source.path),
        format=source.format,
        sha256=source.sha256,
        profile=located.header.match.profile.id,
        sheet=located.sheet,
        period=period_hint(located.header.match.profile),
    )
    return canonical_records(
        located,
        with_origin(provenance, source.path),  # a fetched file: URI, URL, fetch time
        limits=limits,
        control_characters=source.nul_bytes > 0,
    )


def canonical_records(
    located: LocatedTable,
    provenance: Provenance,
    *,
    limits: InputLimits = DEFAULT_LIMITS,
    control_characters: bool = False,
    decisions: Mapping[str, bool] | None = None,
) -> RecordSet:
    """The canonical record set of a located table (a file's sheet, a database table): mapped,
    parsed and normalised, publishers' codes decoded. A table whose required fields are not
    found is an ``UnmappableSourceError`` naming the source. ``decisions``: column-wide
    conventions by field when the table is one part of a source (``build_canonical``)."""
    match = located.header.match
    if not match.mappable:
        raise UnmappableSourceError(
            f"required fields not found: {', '.join(match.missing_required)} "
            f"(closest format: {match.reason}); rename the columns or give a mapping file",
            location=provenance.location,
            row=located.first_row - 1,
        )
    first_row, headers = located.first_row, located.header.headers
    body, notes = located.body, list(located.notes)
    del located  # build_canonical consumes the body column by column
    body.index = pd.RangeIndex(len(body))
    blank = blank_rows(body)
    body = mapped_only(body, match)  # the unmapped columns are freed here
    record_set = build_canonical(
        body,
        blank=blank,
        first_row=first_row,
        match=match,
        headers=headers,
        max_chars=limits.max_cell_chars,
        control_characters=control_characters,
        provenance=provenance,
        decisions=decisions,
    )
    del body
    frame, labels = record_set.frame, record_set.column_labels
    record_set.normalisations[:0] = notes
    record_set.normalisations.extend(apply_value_maps(frame, match, labels))
    record_set.normalisations.extend(decode_in_context(frame, labels))
    return record_set


def read_source(
    path: Path,
    reference: Reference,
    *,
    sheet: str | None = None,
    mapping: Path | None = None,
    limits: InputLimits = DEFAULT_LIMITS,
    period: str | None = None,
) -> RecordSet:
    """Read a list of operations into a complete record set: canonical records, each with its
    region (and the evidence for it) and its programming period (``period`` overrides the
    evidence), the findings of reading it; the provenance names the periods found."""
    record_set = read_operations(path, sheet=sheet, mapping=mapping, limits=limits)
    annotate(
        record_set.frame,
        reference,
        period_hint=record_set.provenance.period,
        period_override=period,
    )
    as_categories(record_set.frame, LABEL_FIELDS)
    in_one_chunk(record_set.frame)  # cleaned in blocks: the checks and GX take rows from it
    periods = sorted(record_set.frame[PERIOD].dropna().unique())
    record_set.provenance.period = ", ".join(str(p) for p in periods) or None
    record_set.findings = reading_findings(record_set)
    return record_set
