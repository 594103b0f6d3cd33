"""Input limits: what a source may hold before it is read, so that a small hostile file can
neither exhaust memory, nor hang the run, nor abort the process.

A workbook (XLSX, ODS: a zip archive of XML parts) is inspected before the workbook reader
touches it: the unpacked size of its parts, their compression ratio, the dimension each sheet
declares and the longest text it holds. Beyond a limit the source is refused (exit code 3, the
message names the file and the limit). Limits are set in ``fundcheck.toml`` under ``[limits]``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, Field

from fundcheck.errors import SourceError


class InputLimits(BaseModel):
    """Bounds on a source (``[limits]`` in fundcheck.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_unpacked_bytes: int = Field(default=1 << 30, gt=0)
    """A workbook's XML parts together, unpacked (1 GiB)."""
    max_compression_ratio: float = Field(default=100.0, gt=1, allow_inf_nan=False)
    """Unpacked / packed size of a workbook part of more than 1 MiB (XML usually packs 5-20×)."""
    max_sheet_cells: int = Field(default=20_000_000, gt=0)
    """Cells a sheet may declare (rows × columns of its ``<dimension>``)."""
    rows_per_part: int = Field(default=100_000, gt=0)
    """Rows of a database table validated at a time: the client holds one part's rows, and of
    every row only the columns the aggregate checks read. ``max_sheet_cells`` bounds each part
    rather than the table."""
    rows_in_memory: int = Field(default=500_000, gt=0)
    """Rows of a table validated in parts whose columns for the aggregate checks stay in
    memory; beyond, all but the row numbers go to temporary files and each check reads back
    the columns it needs."""
    max_cell_chars: int = Field(default=32_767, gt=0)
    """Characters read from one cell (Excel's own limit); longer CSV cells are cut (an info
    finding), a workbook holding a longer text is refused."""


DEFAULT_LIMITS = InputLimits()

_RATIO_FROM = 1 << 20
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")
_CHUNK = 1 << 22
_BYTES_PER_CHAR = 8  # an XML-escaped character takes at most this many bytes (&#x10FFFF;)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _declared_cells(head: bytes) -> int | None:
    found = _DIMENSION.search(head)
    if found is None:
        return None
    col1, row1, col2, row2 = (g.decode() if g else None for g in found.groups())
    if col2 is None or row2 is None:
        return 1
    rows = int(row2) - int(row1 or 1) + 1
    cols = _column_number(col2) - _column_number(col1 or "A") + 1
    return max(rows, 1) * max(cols, 1)


def _longest_text(handle: IO[bytes], limit: int) -> int:
    """Length in bytes of the longest run without markup, scanning until one exceeds limit."""
    longest = carry = 0
    long_run = re.compile(rb"<([^<]{%d,})" % (limit + 1))  # tried at "<" only: linear
    while chunk := handle.read(_CHUNK):
        first = chunk.find(b"<")
        if first < 0:
            carry += len(chunk)
            longest = max(longest, carry)
        else:
            longest = max(longest, carry + first)
            found = long_run.search(chunk, first)
            if found is not None:
                return max(longest, len(found.group(1)))
            carry = len(chunk) - chunk.rfind(b"<") - 1
        if longest > limit:
            return longest
    return longest


def check_workbook(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> None:
    """Refuse a zipped workbook whose parts exceed ``limits`` (before any reader opens it)."""
    location = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(f"the workbook cannot be opened: {exc}", location=location) from None
    with archive:
        parts = [info for info in archive.infolist() if not info.is_dir()]
        unpacked = sum(info.file_size for info in parts)
        if unpacked > limits.max_unpacked_bytes:
            raise SourceError(
                f"the workbook unpacks to {unpacked:,} bytes, above the limit of "
                f"{limits.max_unpacked_bytes:,} (limits.max_unpacked_bytes)",
                location=location,
            )
        for info in parts:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FROM and ratio > limits.max_compression_ratio:
                raise SourceError(
                    f"part {info.filename!r} is compressed {ratio:,.0f} times, above the limit "
                    f"of {limits.max_compression_ratio:g} (limits.max_compression_ratio): "
                    "a compression bomb?",
                    location=location,
                )
        for info in parts:
            if not info.filename.endswith(".xml"):
                continue
            try:
                with archive.open(info) as handle:
                    if "worksheets/" in info.filename:
                        cells = _declared_cells(handle.read(4096))
                        if cells is not None and cells > limits.max_sheet_cells:
                            raise SourceError(
                                f"sheet part {info.filename!r} declares {cells:,} cells, above "
                                f"the limit of {limits.max_sheet_cells:,} "
                                "(limits.max_sheet_cells)",
                                location=location,
                            )
                    bound = limits.max_cell_chars * _BYTES_PER_CHAR
                    if _longest_text(handle, bound) > bound:
                        raise SourceError(
                            f"part {info.filename!r} holds a text of more than "
                            f"{limits.max_cell_chars:,} characters, above the limit "
                            "(limits.max_cell_chars)",
                            location=location,
                        )
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise SourceError(
                    f"the workbook cannot be read: part {info.filename!r}: {exc}",
                    location=location,
                ) from None
