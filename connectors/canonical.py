"""From the rows under a header to the canonical table.

Blank rows and header rows repeated inside the data are dropped (every kept row keeps its true
spreadsheet row number in ``_row``); each mapped column is cleaned (placeholders such as "N.C"
become missing) and parsed by its field's type; every normalisation is counted per column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundcheck.connectors.cells import (
    ColumnResult,
    blank_mask,
    clean_cells,
    cut_long_cells,
    display_text,
    strip_control_characters,
)
from fundcheck.connectors.codes import (
    NORMALISERS,
    POSTCODE_FIELDS,
    parse_codes,
    parse_text,
    specific_objective,
)
from fundcheck.connectors.dates import parse_dates
from fundcheck.connectors.mapping_profiles import ProfileMatch
from fundcheck.connectors.numbers import parse_amounts, parse_rates
from fundcheck.model import (
    FIELDS,
    OPERATION_FIELDS,
    ROW,
    FieldType,
    Normalisation,
    Provenance,
    RecordKind,
    RecordSet,
)


def parse_field(
    name: str,
    cleaned: pd.Series,
    country: pd.Series | None = None,
    decision: bool | None = None,
) -> ColumnResult:
    """Parse one cleaned column as the canonical field ``name``.

    ``decision`` is the column-wide convention when ``cleaned`` is one part of a table read in
    parts (amounts: a decimal comma; rates: in percent); otherwise the column's values decide.

    French postcode rules (a lost leading zero restored) apply only to rows whose country is
    France or not given, so a Danish "9220" stays "9220".
    """
    field_type = FIELDS[name].type
    if field_type is FieldType.DATE:
        return parse_dates(cleaned)
    if field_type is FieldType.AMOUNT:
        return parse_amounts(cleaned, decision)
    if field_type is FieldType.RATE:
        return parse_rates(cleaned, decision)
    if name in POSTCODE_FIELDS and country is not None:
        foreign = (country.notna() & country.ne("FR")).to_numpy(dtype=bool)
        if foreign.any():
            french = parse_codes(cleaned[~foreign], NORMALISERS[name])
            values = pd.concat([french.values, parse_text(cleaned[foreign]).values]).sort_index()
            return ColumnResult(values.astype("str"), french.notes, french.unreadable)
    if name in NORMALISERS:
        return parse_codes(cleaned, NORMALISERS[name])
    return parse_text(cleaned)


def blank_rows(body: pd.DataFrame) -> pd.Series:
    """Rows with no content in any column (checked on a shrinking set of candidate rows)."""
    candidates = pd.Series(True, index=body.index)
    for column in body.columns:
        rows = candidates[candidates].index
        if rows.empty:
            break
        candidates.loc[rows] = blank_mask(body.loc[rows, column]).to_numpy()
    return candidates


def _repeated_headers(cleaned: dict[str, pd.Series], labels: dict[str, str]) -> pd.Series:
    """Rows where at least half of the mapped cells (two at least) repeat their header."""
    first = next(iter(cleaned.values()))
    hits = pd.Series(0, index=first.index)
    for name, column in cleaned.items():
        hits += column.eq(labels[name].strip()).fillna(False).astype(int)
    needed = max(1 if len(cleaned) == 1 else 2, (len(cleaned) + 1) // 2)
    return hits >= needed


def _dropped_note(kind: str, mask: pd.Series, rows: pd.Series) -> list[Normalisation]:
    count = int(mask.sum())
    if not count:
        return []
    return [Normalisation(kind, None, None, count, f"row {int(rows[mask].iloc[0])}")]


def mapped_only(body: pd.DataFrame, match: ProfileMatch) -> pd.DataFrame:
    """The mapped columns, selected at once (deleting thousands of unmapped columns one at a
    time is quadratic)."""
    wanted = list(dict.fromkeys(match.positions.values()))
    return body if len(wanted) == body.shape[1] else body[wanted]


@dataclass
class _Column:
    """One mapped column on its way to the canonical frame (the raw cells are not kept)."""

    name: str
    label: str
    cleaned: pd.Series
    placeholder: pd.Series
    placeholder_example: str | None


def _parse_column(
    column: _Column,
    keep: np.ndarray,
    match: ProfileMatch,
    country: pd.Series | None,
    decision: bool | None = None,
) -> tuple[ColumnResult, list[Normalisation]]:
    """Parse the kept cells of one column; return the result and its notes (header first)."""
    name, label = column.name, column.label
    notes = []
    if label in match.variants:
        notes.append(Normalisation("header_variant", name, label, 1, label))
    every_row = bool(keep.all())  # usually: then no copy of the column (a million cells)
    placeholders = int((column.placeholder if every_row else column.placeholder[keep]).sum())
    if placeholders:
        example = column.placeholder_example
        notes.append(Normalisation("placeholder", name, label, placeholders, example))
    kept = column.cleaned if every_row else column.cleaned[keep].reset_index(drop=True)
    result = parse_field(name, kept, country, decision)
    notes += [Normalisation(n.kind, name, label, n.count, n.example) for n in result.notes]
    return result, notes


def _derived_objective(label_values: pd.Series, label: str) -> tuple[pd.Series, Normalisation]:
    """Specific objective codes taken from the "code and label" column when no code column."""
    derived = parse_codes(label_values, specific_objective).values
    codes = derived.where(derived != label_values)
    found = codes.notna()
    example = str(label_values[found].iloc[0]) if found.any() else None
    kind = "specific_objective_code_extracted"
    return codes, Normalisation(kind, "specific_objective", label, int(found.sum()), example)


def build_canonical(
    body: pd.DataFrame,
    *,
    first_row: int,
    match: ProfileMatch,
    headers: list[str],
    max_chars: int = 32_767,
    control_characters: bool = False,
    blank: pd.Series | None = None,
    provenance: Provenance,
    decisions: Mapping[str, bool] | None = None,
) -> RecordSet:
    """The canonical record set of the rows under the header (``first_row`` = row of body line
    0), with what was normalised and the cells that could not be read; ``provenance`` gets the
    row count.

    ``body`` is consumed: each raw column is deleted from it once cleaned, so that a large file
    is held about once in memory rather than three times (raw, cleaned, parsed). Text cells
    longer than ``max_chars`` are cut to that length (reported as information), and, when the
    file holds NUL bytes (``control_characters``), control characters are removed from text
    cells (reported too, with the first row). ``blank`` marks the rows empty in every column,
    when the caller computed it before keeping only the mapped columns (``mapped_only``).
    ``decisions``: column-wide conventions by field, when ``body`` is one part of a table
    (``parse_field``).
    """
    body.index = pd.RangeIndex(len(body))
    rows = pd.Series(np.arange(first_row, first_row + len(body), dtype="int64"), index=body.index)
    labels = {name: headers[position] for name, position in match.positions.items()}
    if blank is None:
        blank = blank_rows(body)
    body = mapped_only(body, match)
    columns = {}
    cut_notes: list[Normalisation] = []
    for name, position in match.positions.items():
        raw, cut = cut_long_cells(body[position], max_chars)
        if cut is not None:
            row = f"row {int(rows.iloc[cut[1]])}"
            cut_notes.append(Normalisation("cell_truncated", name, labels[name], cut[0], row))
        if control_characters:
            raw, removed = strip_control_characters(raw)
            if removed is not None:
                row = f"row {int(rows.iloc[removed[1]])}"
                cut_notes.append(
                    Normalisation("control_character", name, labels[name], removed[0], row)
                )
        cleaned, placeholder = clean_cells(raw)
        example = display_text(raw[placeholder].iloc[0]) if placeholder.any() else None
        columns[name] = _Column(name, labels[name], cleaned, placeholder, example)
        del raw
        if list(match.positions.values()).count(position) == 1:
            del body[position]

    repeated = _repeated_headers({n: c.cleaned for n, c in columns.items()}, labels) & ~blank
    keep = (~blank & ~repeated).to_numpy()
    notes = cut_notes + _dropped_note("blank_row", blank, rows)
    notes += _dropped_note("repeated_header", repeated, rows)

    values: dict[str, pd.Series] = {}
    unreadable: dict[str, pd.Series] = {}
    field_notes: dict[str, list[Normalisation]] = {}
    names = [spec.name for spec in OPERATION_FIELDS if spec.name in columns]
    for name in sorted(names, key=lambda n: n != "country"):  # country first: postcodes need it
        result, field_notes[name] = _parse_column(
            columns[name], keep, match, values.get("country"), (decisions or {}).get(name)
        )
        del columns[name]  # the cleaned cells are no longer needed
        values[name] = result.values
        if not result.unreadable.empty:
            unreadable[name] = result.unreadable
    notes += [note for name in names for note in field_notes[name]]

    if "specific_objective" not in values and "specific_objective_label" in values:
        label = labels["specific_objective_label"]
        values["specific_objective"], note = _derived_objective(
            values["specific_objective_label"], label
        )
        labels["specific_objective"] = label
        notes += [note] if note.count else []

    ordered = [spec.name for spec in OPERATION_FIELDS if spec.name in values]
    frame = pd.DataFrame({name: values[name] for name in ordered}, index=range(int(keep.sum())))
    frame[ROW] = rows[keep].to_numpy()
    return RecordSet(
        kind=RecordKind.OPERATIONS,
        frame=frame,
        provenance=provenance.model_copy(update={"rows": len(frame)}),
        column_labels={name: labels[name] for name in ordered},
        normalisations=notes,
        unreadable=unreadable,
    )
