"""``fundcheck inspect``: how fundcheck understands a source, before any rule runs.

For each source column: the canonical field it feeds and why (exact published header, spelling
variant, synonym of the Annex XII vocabulary, user mapping); the columns left unmapped; the
canonical fields the source does not provide (the mandatory ones first); the mapping profile chosen
and the period it suggests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fundcheck.connectors.file_connector import locate_header
from fundcheck.connectors.sql_source import SqlSource, located_table
from fundcheck.display import markup_safe, printable
from fundcheck.model import OPERATION_FIELDS


@dataclass(frozen=True)
class InspectedColumn:
    """One source column: its position (1-based), header, canonical field and why."""

    position: int
    header: str
    field: str | None
    how: str


@dataclass(frozen=True)
class Inspection:
    """What ``inspect_source`` found (``to_dict`` gives a JSON-ready form)."""

    path: str
    format: str
    sheet: str | None
    header_row: int
    profile: str
    profile_description: str
    reason: str
    period: str | None
    mappable: bool
    columns: list[InspectedColumn]
    missing_required: list[str]
    missing_fields: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> list[InspectedColumn]:
        return [column for column in self.columns if column.field is None and column.header]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["unmapped"] = [column.header for column in self.unmapped]
        return out


def inspect_source(
    path: Path | SqlSource, sheet: str | None = None, mapping: Path | None = None
) -> Inspection:
    """How ``path`` (a file, or a database table or query) is read: header row, profile,
    column-by-column mapping, missing fields.

    Raises ``SourceError`` when the source cannot be read or no header row is recognised; an
    unmappable header is reported (``mappable`` False), not raised.
    """
    if isinstance(path, SqlSource):
        table, provenance = located_table(path, mapping, max_rows=0)
        where: tuple[str, str, str | None, int] = (provenance.location, provenance.format, None, 1)
        header = table.header
        encoding = delimiter = None
    else:
        located = locate_header(Path(path), sheet=sheet, mapping=mapping)
        header = located.header
        where = (
            str(located.source.path),
            located.source.format,
            located.sheet,
            located.first_row - 1,
        )
        encoding, delimiter = located.encoding, located.delimiter
    match = header.match
    columns = []
    for position, text in enumerate(header.headers):
        target = match.fields.get(text)
        how = match.how.get(text, "")
        if target is None and how:
            how += "; recognised, not read"
        elif target is None:
            how = "not recognised"
        columns.append(InspectedColumn(position + 1, text, target, how))
    mapped = set(match.positions)
    required = list(match.profile.required)
    missing = [spec.name for spec in OPERATION_FIELDS if spec.name not in mapped]
    missing.sort(key=lambda name: name not in required)
    notes = []
    if match.variants:
        notes.append(f"{len(match.variants)} header(s) recognised with a spelling variant")
    return Inspection(
        path=where[0],
        format=where[1],
        sheet=where[2],
        header_row=where[3],
        profile=match.profile.id,
        profile_description=match.profile.description,
        reason=match.reason,
        period=match.profile.period,
        mappable=match.mappable,
        columns=columns,
        missing_required=list(match.missing_required),
        missing_fields=missing,
        encoding=encoding,
        delimiter=delimiter,
        notes=notes,
    )


def print_inspection(inspection: Inspection, console: Console) -> None:
    """The inspection as a rich table and a few lines of text (every text from the file or its
    name escaped: no markup, no control character reaches the terminal)."""
    where = inspection.path + (f", sheet {inspection.sheet!r}" if inspection.sheet else "")
    layout = inspection.format
    if inspection.encoding:
        layout += f", {inspection.encoding}, delimiter {inspection.delimiter!r}"
    console.print(
        f"[bold]{markup_safe(where)}[/] ({markup_safe(layout)}), "
        f"header on row {inspection.header_row}"
    )
    console.print(
        f"profile: [bold]{markup_safe(inspection.profile)}[/] — "
        f"{markup_safe(inspection.profile_description)}",
        highlight=False,
    )
    console.print(f"why: {markup_safe(inspection.reason)}", highlight=False)
    period = inspection.period or "none (read per CCI)"
    console.print(f"period suggested by the format: {markup_safe(period)}")
    table = Table(title="columns")
    for name in ("#", "source header", "canonical field", "why"):
        table.add_column(name)
    for column in inspection.columns:
        header = Text(printable(" ".join(column.header.split())))
        target = Text(column.field) if column.field else Text("—", style="dim")
        table.add_row(str(column.position), header, target, Text(printable(column.how)))
    console.print(table)
    unmapped = [" ".join(c.header.split()) for c in inspection.unmapped]
    shown = markup_safe(", ".join(unmapped) or "none")
    console.print(f"unmapped columns ({len(unmapped)}): {shown}")
    missing = inspection.missing_fields
    console.print(f"canonical fields not provided ({len(missing)}): {', '.join(missing) or 'none'}")
    for note in inspection.notes:
        console.print(f"note: {markup_safe(note)}")
    if not inspection.mappable:
        console.print(
            "[bold red]not mappable:[/] required fields not found: "
            + markup_safe(", ".join(inspection.missing_required))
        )
