"""Resolve a source URI to a local file: from the cache (``--offline``), or fetched anew."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fundcheck.connectors.remote.cache import CachedSource, SourceCache
from fundcheck.connectors.remote.datagouv import fetch_datagouv
from fundcheck.connectors.remote.http import FetchError, HttpClient
from fundcheck.connectors.remote.kohesio import fetch_kohesio
from fundcheck.connectors.remote.origin import write_sidecar
from fundcheck.connectors.remote.plain import fetch_url
from fundcheck.connectors.remote.settings import RemoteSettings
from fundcheck.connectors.remote.socrata import fetch_socrata
from fundcheck.connectors.remote.uris import SourceURI, parse_uri

Fetcher = Callable[[SourceURI, HttpClient, SourceCache, CachedSource | None], CachedSource]
FETCHERS: dict[str, Fetcher] = {
    "datagouv": fetch_datagouv,
    "cohesiondata": fetch_socrata,
    "kohesio": fetch_kohesio,
    "http": fetch_url,
}


def resolve(text: str, settings: RemoteSettings) -> CachedSource:
    """The local copy of a source URI, fetched unless ``offline`` (then from the cache only).

    Without ``refresh``, a cached copy is revalidated (platform checksum, ETag/Last-Modified)
    and downloaded again only when the edition changed.
    """
    uri = parse_uri(text)
    cache = SourceCache(settings.cache_dir)
    cached = cache.load(uri.raw)
    if settings.offline:
        if cached is None:
            raise FetchError(
                f"not in the cache ({settings.cache_dir}); run once without --offline",
                location=uri.raw,
            )
        return cached
    try:
        with HttpClient(settings, uri.raw) as client:
            return FETCHERS[uri.scheme](uri, client, cache, None if settings.refresh else cached)
    except OSError as exc:  # the cache folder cannot be written (permissions, disk full)
        raise FetchError(
            f"cannot write the cache {settings.cache_dir}: {exc.strerror or exc}",
            location=uri.raw,
        ) from None


def export(cached: CachedSource, folder: Path) -> Path:
    """Copy a fetched file and its provenance side-car into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / cached.path.name
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(cached.path, tmp)
    tmp.replace(target)
    write_sidecar(target, cached.origin)
    return target
