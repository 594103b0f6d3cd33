"""Checks and names shared by every platform: HTML instead of data, file names, timestamps, the
provenance of a downloaded file."""

from __future__ import annotations

import datetime as dt
import re
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fundcheck.connectors.remote.http import Download, FetchError
from fundcheck.connectors.remote.origin import Origin

_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def refuse_html(path: Path, url: str, uri: str) -> None:
    """An HTML page served in place of data (error page, SPA shell, login wall) is an error."""
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS):
        raise FetchError(
            f"{url} answered an HTML page instead of a data file (moved, missing or an error page)",
            location=uri,
        )


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the cached copy's validators."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def file_name(download: Download, fallback: str) -> str:
    """A safe local file name: Content-Disposition, else the URL's last segment, else fallback."""
    name = ""
    disposition = download.headers.get("content-disposition")
    if disposition:
        message = Message()
        message["content-disposition"] = disposition
        name = message.get_filename() or ""
    if not name:
        name = unquote(urlsplit(download.url).path.rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip("._")[:120]
    return name or fallback


def downloaded_origin(
    uri: str,
    download: Download,
    requests: int,
    *,
    fallback_name: str,
    edition: str | None,
    checksum: str | None = None,
    validators: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> Origin:
    """The provenance of one downloaded file: final URL, fetch time, SHA-256, size, a safe file
    name, the HTTP validators (ETag, Last-Modified) and the edition as the platform states it."""
    return Origin(
        uri=uri,
        url=download.url,
        fetched_at=now(),
        sha256=download.sha256 or "",
        size=download.size,
        filename=file_name(download, fallback_name),
        etag=download.headers.get("etag"),
        last_modified=download.headers.get("last-modified"),
        edition=edition,
        checksum=checksum,
        headers=download.headers,
        validators=validators or {},
        notes=notes or [],
        requests=requests,
    )
