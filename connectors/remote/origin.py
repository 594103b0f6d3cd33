"""Where fetched bytes came from: the ``Origin`` of a remote source and its side-car file.

Next to every fetched file (in the cache or in a ``fundcheck fetch --output`` folder) lies
``<file>.provenance.json``; reading that file later (even offline) gives the report its
provenance: URI, final URL, fetch time, validators, SHA-256, edition date.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from fundcheck.model import Provenance, RemoteOrigin

SIDECAR_SUFFIX = ".provenance.json"


class Origin(BaseModel):
    """The provenance of one fetched source file."""

    uri: str
    url: str
    fetched_at: str
    sha256: str
    size: int
    filename: str
    etag: str | None = None
    last_modified: str | None = None
    edition: str | None = None
    """Edition date as the platform states it (resource ``last_modified``, dataset date...)."""
    checksum: str | None = None
    """The platform's own checksum, verified (``sha1:…``), when it gives one."""
    headers: dict[str, str] = {}
    validators: dict[str, str] = {}
    """What tells a new edition apart without downloading it (resource checksum, ETag...)."""
    notes: list[str] = []
    requests: int = 0


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def write_sidecar(path: Path, origin: Origin) -> Path:
    """Write the provenance side-car of a fetched file (atomically)."""
    target = sidecar_path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(origin.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(target)
    return target


def read_sidecar(path: Path) -> Origin | None:
    """The provenance of a fetched file, or None for a file fundcheck did not fetch."""
    target = sidecar_path(Path(path))
    if not target.is_file():
        return None
    try:
        return Origin.model_validate(json.loads(target.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return None


def with_origin(provenance: Provenance, path: Path) -> Provenance:
    """The provenance of a file, completed from its side-car when fundcheck fetched it."""
    origin = read_sidecar(path)
    if origin is None:
        return provenance
    remote = RemoteOrigin(
        uri=origin.uri,
        url=origin.url,
        etag=origin.etag,
        last_modified=origin.last_modified,
        edition=origin.edition,
        checksum=origin.checksum,
    )
    return provenance.model_copy(
        update={"location": origin.uri, "fetched_at": origin.fetched_at, "remote": remote}
    )
