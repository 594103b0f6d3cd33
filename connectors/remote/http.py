"""HTTP for remote sources: timeouts, retries with back-off, Retry-After, size checks.

Retried: 429, 5xx, 202 ("still processing" on Socrata), connection failures, timeouts and
truncated bodies. Not retried: other 4xx (the request itself is wrong). Every failure ends in a
``FetchError`` that names the source URI; nothing waits longer than the configured timeouts.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fundcheck import __version__
from fundcheck.connectors.remote.settings import RemoteSettings
from fundcheck.errors import SourceError

RETRY_STATUS = frozenset({202, 429, 500, 502, 503, 504})
_KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-disposition",
    "etag",
    "last-modified",
    "x-soda2-truth-last-modified",
    "x-soda2-fields",
)


class FetchError(SourceError):
    """A remote source cannot be had (network, HTTP status, integrity check)."""


@dataclass
class Download:
    """One response body saved to disk (or a 304 that says the cached copy is current)."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    sha256: str | None = None
    size: int = 0
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Retry(Exception):
    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class HttpClient:
    """An httpx client bound to one source URI (named in every error); counts its requests."""

    def __init__(self, settings: RemoteSettings, uri: str) -> None:
        self.settings = settings
        self.uri = uri
        self.requests = 0
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=True,
            headers={"User-Agent": f"fundcheck/{__version__}"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a JSON document (small: API metadata, one page of records)."""
        response = self._send(url, params, {}, None)
        try:
            return json.loads(response.path.read_bytes() if response.path else b"")
        except ValueError:
            raise FetchError(
                f"not JSON (Content-Type {response.headers.get('content-type', '?')}) at "
                f"{response.url}",
                location=self.uri,
            ) from None
        finally:
            if response.path:
                response.path.unlink(missing_ok=True)

    def download(
        self,
        url: str,
        dest: Path,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        algorithms: tuple[str, ...] = (),
    ) -> Download:
        """Stream a body to ``dest`` (hashing it on the way); a 304 writes nothing."""
        return self._send(url, params, dict(headers or {}), dest, algorithms)

    # ----------------------------------------------------------------------------------------

    def _send(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: dict[str, str],
        dest: Path | None,
        algorithms: tuple[str, ...] = (),
    ) -> Download:
        if dest is None:
            dest = Path(self.settings.cache_dir) / "tmp" / f"response-{os.getpid()}-{id(self)}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        last = "no attempt"
        wait: float | None = None
        for attempt in range(max(1, self.settings.attempts)):
            if attempt:
                time.sleep(self._backoff(attempt) if wait is None else wait)
            try:
                return self._attempt(url, params, headers, dest, algorithms)
            except _Retry as retry:
                last = retry.reason
                wait = None if retry.delay is None else min(retry.delay, self.settings.max_delay)
        dest.unlink(missing_ok=True)
        raise FetchError(
            f"cannot fetch {url} after {self.settings.attempts} attempts: {last}",
            location=self.uri,
        )

    def _attempt(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: dict[str, str],
        dest: Path,
        algorithms: tuple[str, ...],
    ) -> Download:
        self.requests += 1
        try:
            with self._client.stream("GET", url, params=params, headers=headers) as response:
                status = response.status_code
                if status in RETRY_STATUS:
                    delay = retry_after(response.headers.get("retry-after"))
                    raise _Retry(f"HTTP {status} at {response.url}", delay)
                kept = {k: v for k in _KEPT_HEADERS if (v := response.headers.get(k))}
                if status == 304:
                    return Download(url=str(response.url), status=status, headers=kept)
                if status >= 400:
                    raise FetchError(
                        f"HTTP {status} at {response.url}{_error_detail(response)}",
                        location=self.uri,
                    )
                digests = {name: hashlib.new(name) for name in {"sha256", *algorithms}}
                size = 0
                with dest.open("wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
                        size += len(chunk)
                        for digest in digests.values():
                            digest.update(chunk)
                expected = response.headers.get("content-length")
                encoded = response.headers.get("content-encoding", "identity") != "identity"
                received = response.num_bytes_downloaded
                if expected and expected.isdigit() and int(expected) != received and not encoded:
                    raise _Retry(
                        f"truncated body at {response.url}: received {received} of "
                        f"{expected} bytes announced by Content-Length"
                    )
        except httpx.TimeoutException as exc:
            raise _Retry(f"timeout ({type(exc).__name__}) at {url}") from None
        except httpx.RemoteProtocolError as exc:
            raise _Retry(f"truncated body at {url}: {exc}") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise _Retry(f"{type(exc).__name__} at {url}: {exc}") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"too many redirects from {url}", location=self.uri) from None
        return Download(
            url=str(response.url),
            status=status,
            headers=kept,
            path=dest,
            sha256=digests["sha256"].hexdigest(),
            size=size,
            digests={name: digest.hexdigest() for name, digest in digests.items()},
        )

    def _backoff(self, attempt: int) -> float:
        base: float = self.settings.backoff * 2.0 ** (attempt - 1)
        return min(base + random.uniform(0, self.settings.backoff / 2), self.settings.max_delay)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _error_detail(response: httpx.Response) -> str:
    """The platform's own message from an error body (Socrata and Kohesio send JSON)."""
    try:
        body = response.read()[:2000]
        message = json.loads(body).get("message")
    except (ValueError, AttributeError, httpx.HTTPError):
        return ""
    return f": {message}" if isinstance(message, str) else ""
