"""data.gouv.fr: find a dataset's resource (the newest main table by default), download it,
verify the platform's checksum and size.

API v1 ``/datasets/{id-or-slug}/`` embeds the resources; a renamed slug answers 308 (followed);
when ``resources`` is a v2 link, its pages are read through ``next_page`` to the end.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fundcheck.connectors.remote.cache import CachedSource, SourceCache
from fundcheck.connectors.remote.files import conditional_headers, downloaded_origin, refuse_html
from fundcheck.connectors.remote.http import FetchError, HttpClient
from fundcheck.connectors.remote.uris import SourceURI

TABULAR_FORMATS = frozenset({"csv", "tsv", "txt", "xlsx", "xls", "ods", "parquet"})
_HASHLIB = {"sha1": "sha1", "sha2": "sha256", "sha256": "sha256", "md5": "md5"}
_MAX_PAGES = 1000


def fetch_datagouv(
    uri: SourceURI, client: HttpClient, cache: SourceCache, previous: CachedSource | None
) -> CachedSource:
    """Fetch the chosen resource of a data.gouv.fr dataset into the cache."""
    base = client.settings.datagouv_url
    dataset = client.get_json(f"{base}/datasets/{quote(uri.target, safe='')}/")
    if not isinstance(dataset, dict):
        raise FetchError("the dataset answer is not a JSON object", location=uri.raw)
    resources = dataset.get("resources") or []
    if isinstance(resources, dict) and resources.get("href"):
        resources = all_pages(client, str(resources["href"]))
    resource = choose_resource(resources, uri)
    checksum = _checksum(resource)
    validators = {
        "dataset_id": str(dataset.get("id", "")),
        "resource_id": str(resource.get("id", "")),
        "checksum": checksum or "",
        "last_modified": str(resource.get("last_modified") or ""),
        "filesize": str(resource.get("filesize") or ""),
    }
    if previous is not None and checksum and previous.origin.validators == validators:
        return previous  # same edition: the platform's checksum did not change
    url = str(resource.get("url") or "").strip() or str(resource.get("latest") or "")
    if not url:
        raise FetchError(f"resource {resource.get('id')} has no URL", location=uri.raw)
    headers = {}
    if previous is not None and previous.origin.validators.get("resource_id") == resource.get("id"):
        headers = conditional_headers(previous.origin.etag, previous.origin.last_modified)
    algorithm = _HASHLIB.get(checksum.split(":", 1)[0]) if checksum else None
    staged = cache.staging()
    download = client.download(
        url, staged, headers=headers, algorithms=(algorithm,) if algorithm else ()
    )
    if download.not_modified and previous is not None:
        return previous
    refuse_html(staged, download.url, uri.raw)
    notes = _verify(uri, resource, download.digests, download.size, checksum, algorithm, url)
    origin = downloaded_origin(
        uri.raw,
        download,
        client.requests,
        fallback_name=f"{resource.get('id', 'resource')}.data",
        edition=str(resource.get("last_modified") or dataset.get("last_update") or "") or None,
        checksum=checksum,
        validators=validators,
        notes=notes,
    )
    return cache.store(uri.raw, staged, origin)


def all_pages(client: HttpClient, url: str) -> list[dict[str, Any]]:
    """Every item of a paged udata list, following ``next_page`` until null or ``total``."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    for _ in range(_MAX_PAGES):
        if not next_url:
            break
        page = client.get_json(next_url)
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list):
            raise FetchError(f"not a udata page at {next_url}", location=client.uri)
        items.extend(data)
        total = page.get("total")
        if not data or (isinstance(total, int) and len(items) >= total):
            break
        next_url = page.get("next_page")
    return items


def choose_resource(resources: list[dict[str, Any]], uri: SourceURI) -> dict[str, Any]:
    """The resource the URI names (id or exact title), else the newest main tabular one."""
    if uri.resource:
        wanted = uri.resource.casefold()
        for resource in resources:
            if wanted in (
                str(resource.get("id", "")).casefold(),
                str(resource.get("title", "")).casefold(),
            ):
                return resource
        raise FetchError(
            f"no resource {uri.resource!r} in the dataset; resources: {_listing(resources)}",
            location=uri.raw,
        )
    tables = [r for r in resources if r.get("type", "main") == "main" and _format(r)]
    if not tables:
        raise FetchError(
            f"no main tabular resource (CSV, XLSX, XLS, ODS, Parquet) in the dataset; name one "
            f"with datagouv:DATASET/RESOURCE; resources: {_listing(resources)}",
            location=uri.raw,
        )
    return max(
        tables, key=lambda r: (str(r.get("last_modified") or ""), str(r.get("created_at") or ""))
    )


def _format(resource: dict[str, Any]) -> bool:
    declared = str(resource.get("format") or "").strip().lower()
    suffix = str(resource.get("url") or "").strip().rsplit(".", 1)[-1].lower()
    return declared in TABULAR_FORMATS or suffix in TABULAR_FORMATS


def _checksum(resource: dict[str, Any]) -> str | None:
    checksum = resource.get("checksum")
    if isinstance(checksum, dict) and checksum.get("value"):
        return f"{str(checksum.get('type') or 'sha1').lower()}:{str(checksum['value']).lower()}"
    return None


def _verify(
    uri: SourceURI,
    resource: dict[str, Any],
    digests: dict[str, str],
    size: int,
    checksum: str | None,
    algorithm: str | None,
    url: str,
) -> list[str]:
    notes = []
    if checksum and algorithm:
        expected = checksum.split(":", 1)[1]
        if digests.get(algorithm) != expected:
            raise FetchError(
                f"checksum mismatch for {url}: data.gouv.fr announces {checksum}, the "
                f"{size} bytes received give {algorithm}:{digests.get(algorithm)}",
                location=uri.raw,
            )
    elif checksum:
        notes.append(f"checksum {checksum} not verifiable (unsupported type)")
    else:
        notes.append("data.gouv.fr gives no checksum for this resource: integrity not verified")
    filesize = resource.get("filesize")
    if isinstance(filesize, int) and filesize > 0 and filesize != size:
        raise FetchError(
            f"size mismatch for {url}: data.gouv.fr announces {filesize} bytes, received {size}",
            location=uri.raw,
        )
    return notes


def _listing(resources: list[dict[str, Any]]) -> str:
    shown = [
        f"{r.get('id')} ({r.get('title')}, {r.get('type')}, {r.get('format')})"
        for r in resources[:10]
    ]
    return "; ".join(shown) or "none"
