"""Source URIs: ``datagouv:``, ``cohesiondata:``, ``kohesio:`` and plain ``http(s)://`` URLs.

* ``datagouv:DATASET[/RESOURCE]``: a data.gouv.fr dataset (id or slug) and optionally one of its
  resources (id or exact title); default: the newest main tabular resource.
* ``cohesiondata:4x4-ID[?SoQL]``: a Cohesion Open Data (Socrata) dataset, e.g.
  ``cohesiondata:hgyj-gyin?$where=ms='FR'``; fundcheck pages it itself (``$limit``/``$offset``).
* ``kohesio:projects?PARAMS``: the Kohesio project search (parameters passed as given, e.g.
  ``country=https://linkedopendata.eu/entity/Q20``); ``kohesio:dump/KEY``: one bulk dump file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fundcheck.errors import SourceError

_SCHEMES = ("datagouv", "cohesiondata", "kohesio")
_URI = re.compile(r"^(?:(?:datagouv|cohesiondata|kohesio):|https?://)", re.IGNORECASE)
_FOUR_BY_FOUR = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}$")
_RESERVED_SOQL = ("$limit", "$offset")


@dataclass(frozen=True)
class SourceURI:
    """A parsed source URI."""

    raw: str
    scheme: str  # datagouv, cohesiondata, kohesio or http
    target: str  # dataset id/slug, 4x4 id, kohesio path, or the URL itself
    resource: str | None = None
    params: tuple[tuple[str, str], ...] = ()


def is_uri(text: str) -> bool:
    """True when ``text`` names a remote source rather than a local path."""
    return bool(_URI.match(text))


def parse_uri(text: str) -> SourceURI:
    """Parse a source URI; a malformed one raises SourceError naming it."""
    text = text.strip()
    if text.lower().startswith(("http://", "https://")):
        return SourceURI(raw=text, scheme="http", target=text)
    scheme, _, rest = text.partition(":")
    scheme = scheme.lower()
    if scheme not in _SCHEMES or not rest:
        raise SourceError(
            "not a source URI (datagouv:, cohesiondata:, kohesio:, http(s)://)", location=text
        )
    path, _, query = rest.partition("?")
    params = tuple(parse_qsl(query, keep_blank_values=True))
    if scheme == "datagouv":
        dataset, _, resource = path.strip("/").partition("/")
        if not dataset:
            raise SourceError(
                "a dataset id or slug is expected: datagouv:DATASET[/RESOURCE]", location=text
            )
        return SourceURI(text, scheme, dataset, resource or None)
    if scheme == "cohesiondata":
        dataset = path.strip("/").lower()
        if not _FOUR_BY_FOUR.match(dataset):
            raise SourceError(
                "a Socrata dataset id like hgyj-gyin is expected: cohesiondata:4x4-ID[?SoQL]",
                location=text,
            )
        reserved = [key for key, _ in params if key.lower() in _RESERVED_SOQL]
        if reserved:
            raise SourceError(
                f"{', '.join(reserved)}: fundcheck pages the dataset itself; "
                "filter with $where or field=value instead",
                location=text,
            )
        return SourceURI(text, scheme, dataset, None, params)
    kind = path.strip("/")
    if kind == "projects":
        return SourceURI(text, scheme, kind, None, params)
    if kind.startswith("dump/") and len(kind) > len("dump/"):
        return SourceURI(text, scheme, "dump", kind[len("dump/") :], params)
    raise SourceError("expected kohesio:projects?PARAMS or kohesio:dump/KEY", location=text)
