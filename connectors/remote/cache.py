"""The source cache: one folder per source URI with the raw bytes and their provenance.

Layout: ``<cache>/sources/<sha256(URI)[:32]>/<file>`` plus ``<file>.provenance.json``
(final URL, response headers, fetch time, validators). A new edition replaces the folder's
content atomically; ``--offline`` reads it back without any request.

Why not an HTTP cache library (hishel): what must be replayed is a *resolved source* (a dataset
lookup, a redirect, many SODA pages joined into one file, a verified checksum), keyed by the
URI the user typed, not individual HTTP responses; data.gouv.fr's API sends no caching headers,
so an RFC 9111 cache would store nothing useful without forcing it, and offline replay of a
paged source would depend on every page key matching. A small store keyed by URI is simpler
and fully tested.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from fundcheck.connectors.remote.origin import (
    SIDECAR_SUFFIX,
    Origin,
    read_sidecar,
    write_sidecar,
)


@dataclass(frozen=True)
class CachedSource:
    """A fetched source file and its provenance."""

    path: Path
    origin: Origin


class SourceCache:
    """A folder of fetched sources keyed by URI."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, uri: str) -> Path:
        return self.root / "sources" / hashlib.sha256(uri.encode("utf-8")).hexdigest()[:32]

    def staging(self) -> Path:
        """A fresh temporary file inside the cache (same file system: atomic rename)."""
        tmp = self.root / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        return tmp / f"{uuid.uuid4().hex}.part"

    def load(self, uri: str) -> CachedSource | None:
        """The cached copy of a URI, or None (also when the bytes no longer match)."""
        folder = self.folder(uri)
        if not folder.is_dir():
            return None
        for sidecar in folder.glob(f"*{SIDECAR_SUFFIX}"):
            path = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
            origin = read_sidecar(path)
            if (
                origin
                and origin.uri == uri
                and path.is_file()
                and path.stat().st_size == origin.size
            ):
                return CachedSource(path, origin)
        return None

    def store(self, uri: str, staged: Path, origin: Origin) -> CachedSource:
        """Move a downloaded file into the URI's folder, replacing any older edition."""
        folder = self.folder(uri)
        fresh = folder.with_name(folder.name + f".{uuid.uuid4().hex[:8]}.new")
        fresh.mkdir(parents=True)
        path = fresh / origin.filename
        staged.replace(path)
        write_sidecar(path, origin)
        old = folder.with_name(folder.name + f".{uuid.uuid4().hex[:8]}.old")
        if folder.exists():
            folder.replace(old)
        fresh.replace(folder)
        shutil.rmtree(old, ignore_errors=True)
        return CachedSource(folder / origin.filename, origin)

    def touch(self, cached: CachedSource, origin: Origin) -> CachedSource:
        """Record a new check of an unchanged source (a 304, the same checksum)."""
        write_sidecar(cached.path, origin)
        return CachedSource(cached.path, origin)
