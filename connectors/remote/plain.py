"""A plain http(s) URL: one download, conditional on the cached copy's ETag/Last-Modified."""

from __future__ import annotations

from fundcheck.connectors.remote.cache import CachedSource, SourceCache
from fundcheck.connectors.remote.files import conditional_headers, downloaded_origin, refuse_html
from fundcheck.connectors.remote.http import HttpClient
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
    origin = downloaded_origin(
        uri.raw,
        download,
        client.requests,
        fallback_name="download.data",
        edition=download.headers.get("last-modified"),
    )
    return cache.store(uri.raw, staged, origin)
