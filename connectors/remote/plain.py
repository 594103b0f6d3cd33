"""A plain http(s) URL: one download, conditional on the cached copy's ETag/Last-Modified."""

from __future__ import annotations

from fundcheck.connectors.remote.cache import CachedSource, SourceCache
from fundcheck.connectors.remote.files import conditional_headers, file_name, now, refuse_html
from fundcheck.connectors.remote.http import HttpClient
from fundcheck.connectors.remote.origin import Origin
from fundcheck.connectors.remote.uris import SourceURI


def fetch_url(
    uri: SourceURI, client: HttpClient, cache: SourceCache, previous: CachedSource | None
) -> CachedSource:
    """Download a URL (following redirects) into the cache."""
    headers = {}
    if previous is not None:
        headers = conditional_headers(previous.origin.etag, previous.origin.last_modified)
    staged = cache.staging()
    download = client.download(uri.target, staged, headers=headers)
    if download.not_modified and previous is not None:
        return previous
    refuse_html(staged, download.url, uri.raw)
    origin = Origin(
        uri=uri.raw,
        url=download.url,
        fetched_at=now(),
        sha256=download.sha256 or "",
        size=download.size,
        filename=file_name(download, "download.data"),
        etag=download.headers.get("etag"),
        last_modified=download.headers.get("last-modified"),
        edition=download.headers.get("last-modified"),
        headers=download.headers,
        requests=client.requests,
    )
    return cache.store(uri.raw, staged, origin)
