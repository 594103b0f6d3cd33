"""What a file is: its format from its first bytes (not its name), and its SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fundcheck.errors import SourceError

_MAGIC = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"PAR1", "parquet"),
)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    """A readable, non-empty file and the format its content shows."""

    path: Path
    format: str  # "csv", "xlsx", "xls", "ods" or "parquet"
    sha256: str
    size: int
    nul_bytes: int = 0
    """NUL bytes in the file (stray ones in a text file are removed from their cells)."""


def inspect_file(path: Path) -> SourceFile:
    """Check a file can be read, hash it and tell its format; bad input raises SourceError."""
    path = Path(path).expanduser().absolute()
    location = str(path)
    if not path.exists():
        raise SourceError("file not found", location=location)
    if not path.is_file():
        raise SourceError("not a regular file", location=location)
    digest = hashlib.sha256()
    head = b""
    size = nuls = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                if not head:
                    head = chunk[:16]
                digest.update(chunk)
                size += len(chunk)
                nuls += chunk.count(b"\x00")
    except OSError as exc:
        raise SourceError(
            f"file cannot be read: {exc.strerror or exc}", location=location
        ) from None
    if size == 0:
        raise SourceError("empty file", location=location)
    file_format = next((name for magic, name in _MAGIC if head.startswith(magic)), "csv")
    if file_format == "xlsx" and path.suffix.lower() == ".ods":
        file_format = "ods"
    return SourceFile(
        path=path, format=file_format, sha256=digest.hexdigest(), size=size, nul_bytes=nuls
    )
