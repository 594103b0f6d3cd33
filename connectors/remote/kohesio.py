"""Kohesio: the project search (paged, at most 1 000 results per query) and the bulk dumps.

The backend caps ``offset`` at 950 and slices the first 1 000 hits, while ``numberResults``
still gives the full count: a query matching more is refused with advice (filter by programme
or fund, or take the bulk dump) rather than silently truncated. A missing dump answers 200 with
the site's HTML: refused too.
"""

from __future__ import annotations

import csv
from typing import Any

from fundcheck.connectors.remote.cache import CachedSource, SourceCache
from fundcheck.connectors.remote.files import downloaded_origin, now, refuse_html
from fundcheck.connectors.remote.http import FetchError, HttpClient
from fundcheck.connectors.remote.origin import Origin
from fundcheck.connectors.remote.socrata import _sha256
from fundcheck.connectors.remote.uris import SourceURI

RESULT_CAP = 1000  # offset capped at 950 + the last page of 50


def fetch_kohesio(
    uri: SourceURI, client: HttpClient, cache: SourceCache, previous: CachedSource | None
) -> CachedSource:
    """Fetch a Kohesio project query (as CSV) or a bulk dump into the cache."""
    if uri.target == "dump":
        return _dump(uri, client, cache)
    return _projects(uri, client, cache)


def _projects(uri: SourceURI, client: HttpClient, cache: SourceCache) -> CachedSource:
    url = f"{client.settings.kohesio_url}/projects"
    params = {k: v for k, v in uri.params if k not in ("limit", "offset")}
    limit = min(max(1, client.settings.page_size), 50)
    items: list[dict[str, Any]] = []
    total: int | None = None
    while total is None or len(items) < total:
        page = client.get_json(url, {**params, "limit": str(limit), "offset": str(len(items))})
        if not isinstance(page, dict) or not isinstance(page.get("list"), list):
            raise FetchError(f"not a Kohesio search answer at {url}", location=uri.raw)
        total = int(page.get("numberResults") or 0)
        if total > RESULT_CAP:
            raise FetchError(
                f"the query matches {total} projects but Kohesio serves at most {RESULT_CAP} "
                "per query (offset capped at 950): add a program= or fund= filter, or use "
                "kohesio:dump/KEY",
                location=uri.raw,
            )
        if not page["list"]:
            break
        items.extend(page["list"])
    if total is not None and len(items) < total:
        raise FetchError(f"received {len(items)} of {total} projects", location=uri.raw)
    staged = cache.staging()
    columns = list(dict.fromkeys(key for item in items for key in item))
    with staged.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for item in items:
            writer.writerow([_cell(item.get(column)) for column in columns])
    origin = Origin(
        uri=uri.raw,
        url=url,
        fetched_at=now(),
        sha256=_sha256(staged),
        size=staged.stat().st_size,
        filename="kohesio-projects.csv",
        validators={"numberResults": str(total or 0)},
        requests=client.requests,
    )
    return cache.store(uri.raw, staged, origin)


def _dump(uri: SourceURI, client: HttpClient, cache: SourceCache) -> CachedSource:
    url = f"{client.settings.kohesio_url}/data/object"
    staged = cache.staging()
    download = client.download(url, staged, params={"id": uri.resource or ""})
    refuse_html(staged, download.url, uri.raw)
    origin = downloaded_origin(
        uri.raw,
        download,
        client.requests,
        fallback_name="kohesio-dump.csv",
        edition=_dump_date(uri.resource or ""),
    )
    return cache.store(uri.raw, staged, origin)


def _dump_date(key: str) -> str | None:
    """The dated folder of a dump key (``data/projects-2021-2027/2025-11-10/…``)."""
    for part in key.split("/"):
        if (
            len(part) == 10
            and part[4] == "-"
            and part[7] == "-"
            and part.replace("-", "").isdigit()
        ):
            return part
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(_cell(v) for v in value)
    return str(value)
