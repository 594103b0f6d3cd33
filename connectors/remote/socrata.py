"""Cohesion Open Data (Socrata SODA 2): page a dataset to its end into one CSV file.

Pages are ``$limit``/``$offset`` with a stable ``$order`` (``:id`` unless the URI gives one);
the loop stops on a page shorter than ``$limit``. A ``count(*)`` with the same filters then
guards against a silently short download.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fundcheck.connectors.remote.cache import CachedSource, SourceCache
from fundcheck.connectors.remote.files import conditional_headers, now, refuse_html
from fundcheck.connectors.remote.http import Download, FetchError, HttpClient
from fundcheck.connectors.remote.origin import Origin
from fundcheck.connectors.remote.uris import SourceURI

_MAX_PAGES = 100_000


def fetch_socrata(
    uri: SourceURI, client: HttpClient, cache: SourceCache, previous: CachedSource | None
) -> CachedSource:
    """Fetch every row of a SODA query as one CSV file in the cache."""
    settings = client.settings
    url = f"{settings.cohesiondata_url}/resource/{uri.target}.csv"
    params = dict(uri.params)
    order = params.pop("$order", ":id")
    limit = max(1, settings.page_size)
    token = {"X-App-Token": settings.app_token} if settings.app_token else {}
    staged, page_file = cache.staging(), cache.staging()
    first: Download | None = None
    header = b""
    rows = 0
    try:
        with staged.open("wb") as out:
            for page in range(_MAX_PAGES):
                page_params = {
                    **params,
                    "$order": order,
                    "$limit": str(limit),
                    "$offset": str(page * limit),
                }
                headers = dict(token)
                if page == 0 and previous is not None:
                    headers |= conditional_headers(
                        previous.origin.etag, previous.origin.last_modified
                    )
                download = client.download(url, page_file, params=page_params, headers=headers)
                if download.not_modified and previous is not None:
                    return previous
                refuse_html(page_file, download.url, uri.raw)
                data = page_file.read_bytes()
                head, _, body = data.partition(b"\n")
                if first is None:
                    first, header = download, head
                    out.write(head + b"\n")
                elif head and head != header:
                    raise FetchError(
                        f"the columns changed while paging (page {page + 1})", location=uri.raw
                    )
                count = count_rows(body)
                if count:
                    out.write(body if body.endswith(b"\n") else body + b"\n")
                rows += count
                if count < limit:
                    break
    finally:
        page_file.unlink(missing_ok=True)
    assert first is not None
    expected = _count(client, uri, params, token)
    if expected is not None and expected != rows:
        staged.unlink(missing_ok=True)
        raise FetchError(
            f"received {rows} rows but the platform counts {expected} for this query",
            location=uri.raw,
        )
    origin = Origin(
        uri=uri.raw,
        url=first.url,
        fetched_at=now(),
        sha256=_sha256(staged),
        size=staged.stat().st_size,
        filename=f"{uri.target}.csv",
        etag=first.headers.get("etag"),
        last_modified=first.headers.get("last-modified"),
        edition=first.headers.get("x-soda2-truth-last-modified")
        or first.headers.get("last-modified"),
        headers=first.headers,
        validators={"rows": str(rows)},
        notes=[] if expected is not None else ["row count not confirmed by count(*)"],
        requests=client.requests,
    )
    return cache.store(uri.raw, staged, origin)


def count_rows(body: bytes) -> int:
    """Number of CSV records in a page body (quoted values may hold line breaks)."""
    if not body.strip():
        return 0
    text = body.decode("utf-8", errors="replace")
    return sum(1 for record in csv.reader(io.StringIO(text)) if record)


def _count(
    client: HttpClient, uri: SourceURI, params: dict[str, str], token: dict[str, str]
) -> int | None:
    """``count(*)`` of the same query, or None when the platform does not answer it."""
    url = f"{client.settings.cohesiondata_url}/resource/{uri.target}.json"
    query = {k: v for k, v in params.items() if k.lower() not in ("$select", "$order")}
    query["$select"] = "count(*) AS total"
    try:
        answer = client.get_json(url, query)
    except FetchError:
        return None
    if isinstance(answer, list) and answer and isinstance(answer[0], dict):
        value = next(iter(answer[0].values()), None)
        if isinstance(value, str | int) and str(value).isdigit():
            return int(value)
    return None


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
