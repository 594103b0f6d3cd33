"""Delimited text files (CSV, TSV, semicolon exports) read as a grid of strings.

The encoding is found from a byte-order mark, else strict UTF-8, else charset-normalizer on a
sample; any Western single-byte guess is read as cp1252 (the encoding of French Windows
exports), with latin-1 as the last resort. The delimiter is the one of ``; , tab |`` that cuts
the sample into the most rows of the same width. Every cell is read as a string so leading
zeros survive; quoted cells may span lines; blank lines are kept so row numbers stay true.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from fundcheck.errors import SourceError

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN = {
    "cp1252", "cp1250", "cp1254", "cp1257", "latin_1", "iso8859_15", "iso8859_2", "iso8859_9",
    "iso8859_16", "mac_roman", "mac_latin2", "cp850", "cp437", "ascii",
}  # fmt: skip


@dataclass(frozen=True)
class TextLayout:
    """How a text table is written."""

    encoding: str
    delimiter: str
    width: int
    other_encoding_lines: int = 0
    """Lines written in the other of UTF-8 / cp1252 (a file assembled from two exports)."""
    first_other_line: int | None = None


BINARY_NUL_SHARE = 0.01
"""A sample with more NUL bytes than this share is binary; fewer are stray bytes in cells."""


def sniff_encoding(sample: bytes, *, location: str) -> str:
    """The encoding of a text file from its first bytes; binary content raises SourceError."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    if b"\x00" in sample:
        guess = from_bytes(sample).best()
        if guess is not None and guess.encoding.startswith(("utf_16", "utf_32")):
            return guess.encoding
        if sample.count(b"\x00") > BINARY_NUL_SHARE * len(sample):
            raise SourceError(
                "binary content: not a CSV, XLSX, XLS or Parquet table", location=location
            )
        sample = sample.replace(b"\x00", b"")  # a stray NUL in a cell: reported per cell later
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    guess = from_bytes(sample).best()
    if guess is None:
        raise SourceError("unknown text encoding or binary content", location=location)
    return "cp1252" if guess.encoding in _WESTERN else guess.encoding


def _decode_sample(sample: bytes, encoding: str, *, complete: bool) -> str:
    text = sample.decode(encoding, errors="replace")
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _records(text: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter, strict=False):
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # a sample may end inside a quoted cell: keep the rows read so far
    return rows


def sniff_delimiter(text: str) -> tuple[str, int]:
    """(delimiter, widest row) that cuts the sample into the most rows of one width (> 1)."""
    best: tuple[int, int, str, int] = (0, 0, DELIMITERS[0], 1)
    for rank, delimiter in enumerate(DELIMITERS):
        widths = [len(r) for r in _records(text, delimiter) if any(c.strip() for c in r)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (count if width > 1 else 0, -rank, delimiter, max(widths))
        if score[:2] > best[:2]:
            best = score
    return best[2], best[3]


def sniff_layout(path: Path) -> TextLayout:
    location = str(path)
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        complete = not handle.read(1)
    encoding = sniff_encoding(sample, location=location)
    delimiter, width = sniff_delimiter(_decode_sample(sample, encoding, complete=complete))
    return TextLayout(encoding, delimiter, width)


def _read_with_pandas(path: Path | io.StringIO, layout: TextLayout, encoding: str) -> pd.DataFrame:
    return pd.read_csv(
        path,
        sep=layout.delimiter,
        header=None,
        names=list(range(layout.width)),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding=encoding,
        quotechar='"',
        engine="c",
    )


FAST_PATH_BYTES = 32 * 1024 * 1024
"""Files above this size are read with pyarrow's multi-threaded reader when they allow it."""


def _read_with_pyarrow(path: Path, layout: TextLayout, encoding: str) -> pd.DataFrame | None:
    """Fast path for large regular files: every cell a string, row numbers kept.

    pyarrow rejects a row of another width, and an empty line counts as a one-cell row, so a
    file with ragged rows or blank lines (whose row numbers pyarrow would shift) returns None
    and the exact reader takes over.
    """
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    if path.stat().st_size < FAST_PATH_BYTES:
        return None
    names = [str(i) for i in range(layout.width)]
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                column_names=names, encoding=encoding.replace("-sig", ""), block_size=1 << 24
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=layout.delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    frame: pd.DataFrame = table.to_pandas()
    frame.columns = list(range(layout.width))
    if encoding == "utf-8-sig" and len(frame):
        frame.iat[0, 0] = str(frame.iat[0, 0]).removeprefix("\ufeff")
    return frame


def _read_with_csv_module(path: Path, layout: TextLayout, encoding: str) -> pd.DataFrame:
    """Slow path for ragged files (a row wider than the sample showed)."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=layout.delimiter, strict=False))
    width = max((len(r) for r in rows), default=1)
    padded = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(padded, dtype="str")


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _mixes_encodings(path: Path, encoding: str) -> bool:
    """Whether a file read as UTF-8 has bytes that are not, or one read in a single-byte
    encoding has UTF-8 sequences (streamed: the file is not held in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            if encoding != "utf-8":
                if _UTF8_SEQUENCE.search(chunk):
                    return True
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return True
    return False


def _single_byte_encoding(lines: list[bytes]) -> str:
    """The encoding of the lines that are not UTF-8 (a Western guess reads as cp1252)."""
    guess = from_bytes(b"".join(lines)[:SAMPLE_BYTES]).best()
    if guess is None or guess.encoding in _WESTERN or guess.encoding.startswith("utf"):
        return "cp1252"
    return str(guess.encoding)


def _decode_per_line(path: Path) -> tuple[io.StringIO, str, int, int | None]:
    """The text of a file mixing UTF-8 lines and lines in a single-byte encoding, each line
    decoded in its own; also that single-byte encoding, how many lines are not in the
    majority encoding and the first of them (1-based)."""
    with path.open("rb") as handle:
        lines = handle.read().splitlines(keepends=True)
    utf8 = []
    other: list[bytes] = []
    for line in lines:
        if line.isascii():
            utf8.append(True)
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            utf8.append(False)
            other.append(line)
        else:
            utf8.append(True)
    single = _single_byte_encoding(other) if other else "cp1252"
    wide = [
        n for n, (line, ok) in enumerate(zip(lines, utf8, strict=True)) if ok and not line.isascii()
    ]
    minority_is_utf8 = len(wide) <= len(other)
    minority = wide if minority_is_utf8 else [n for n, ok in enumerate(utf8) if not ok]
    text = "".join(
        line.decode("utf-8") if ok else line.decode(single, errors="replace")
        for line, ok in zip(lines, utf8, strict=True)
    )
    first = minority[0] + 1 if minority and wide and other else None
    count = len(minority) if wide and other else 0
    return io.StringIO(text), single, count, first


def read_text_grid(path: Path) -> tuple[pd.DataFrame, TextLayout]:
    """All rows of a text table as ``str`` columns numbered 0..n (row i is line record i + 1)."""
    layout = sniff_layout(path)
    if layout.encoding == "utf-8":
        # pyarrow checks that every cell is UTF-8: a large file it reads mixes no encodings
        fast = _read_with_pyarrow(path, layout, layout.encoding)
        if fast is not None:
            return fast, layout
    single_byte = not layout.encoding.startswith(("utf", "UTF"))
    if (single_byte or layout.encoding == "utf-8") and _mixes_encodings(path, layout.encoding):
        text, encoding, other, first = _decode_per_line(path)
        if other:
            layout = replace(
                layout, encoding=encoding, other_encoding_lines=other, first_other_line=first
            )
            try:
                return _read_with_pandas(text, layout, layout.encoding), layout
            except (pd.errors.ParserError, csv.Error, ValueError, OverflowError):
                text.seek(0)
                rows = list(csv.reader(text, delimiter=layout.delimiter, strict=False))
                width = max((len(r) for r in rows), default=1)
                padded = [r + [""] * (width - len(r)) for r in rows]
                return pd.DataFrame(padded, dtype="str"), layout
    encodings = [layout.encoding] + [e for e in ("cp1252", "latin-1") if e != layout.encoding]
    fast = None if layout.encoding == "utf-8" else _read_with_pyarrow(path, layout, layout.encoding)
    if fast is not None:
        return fast, layout
    for encoding in encodings:
        try:
            return _read_with_pandas(path, layout, encoding), layout
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, csv.Error, ValueError, OverflowError):
            try:
                return _read_with_csv_module(path, layout, encoding), layout
            except csv.Error as exc:
                raise SourceError(f"malformed CSV: {exc}", location=str(path)) from None
    raise SourceError("the text cannot be decoded", location=str(path))
