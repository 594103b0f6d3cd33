"""What a file is: its format from its first bytes (not its name), and its SHA-256."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future
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
    digest: Future[str]
    """The file's SHA-256, computed in a thread while the file is read (``sha256``)."""
    size: int
    nul_bytes: int = 0
    """NUL bytes in the file (stray ones in a text file are removed from their cells)."""

    @property
    def sha256(self) -> str:
        """The SHA-256 of the file's bytes (waits for the hashing thread)."""
        return self.digest.result()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)  # releases the GIL: runs beside the reading
    except OSError as exc:
        raise SourceError(
            f"file cannot be read: {exc.strerror or exc}", location=str(path)
        ) from None
    return digest.hexdigest()


def inspect_file(path: Path) -> SourceFile:
    """Check a file can be read, tell its format and count its NUL bytes; bad input raises
    SourceError. Its SHA-256 is computed in a thread meanwhile: hashing a large file takes
    about a second per gigabyte, which the reading that follows hides."""
    path = Path(path).expanduser().absolute()
    location = str(path)
    if not path.exists():
        raise SourceError("file not found", location=location)
    if not path.is_file():
        raise SourceError("not a regular file", location=location)
    head = b""
    size = nuls = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                if not head:
                    head = chunk[:16]
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
    digest: Future[str] = Future()
    threading.Thread(target=_resolve, args=(digest, path), daemon=True).start()
    return SourceFile(path=path, format=file_format, digest=digest, size=size, nul_bytes=nuls)


def _resolve(digest: Future[str], path: Path) -> None:
    try:
        digest.set_result(_sha256(path))
    except BaseException as exc:  # noqa: BLE001 - handed to the reader of ``sha256``
        digest.set_exception(exc)
