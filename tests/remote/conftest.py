"""A local HTTP server plays the open-data platforms: recorded real payloads (tests/data/remote,
see tests/data/SOURCES.md) and scripted failures. No test touches the internet."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from fundcheck.connectors.remote.settings import RemoteSettings

DATA = Path(__file__).parents[1] / "data"
REMOTE = DATA / "remote"
DVF = "dataset_demandes-de-valeurs-foncieres.udata-fixture.json"
LOGEMENTS = "dataset_logements-sociaux-et-bailleurs-par-region.udata-fixture.json"
HGYJ = REMOTE / "resource_hgyj-gyin.default-limit-page.csv"
LIST_OF_OPERATIONS = DATA / "realfiles" / "ListOfOperations_20160513.head260.csv"


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> RemoteSettings:
    """Settings that point every platform at the local server, with short waits."""
    return RemoteSettings(
        cache_dir=tmp_path / "cache",
        datagouv_url=httpserver.url_for("/api/1"),
        cohesiondata_url=httpserver.url_for("").rstrip("/"),
        kohesio_url=httpserver.url_for("/kohesio/api"),
        read_timeout=5,
        connect_timeout=2,
        attempts=3,
        backoff=0.01,
        max_delay=1,
    )


@pytest.fixture
def remote_env(settings: RemoteSettings, monkeypatch: pytest.MonkeyPatch) -> RemoteSettings:
    """The same settings through the environment, for command-line tests."""
    monkeypatch.setenv("FUNDCHECK_CACHE_DIR", str(settings.cache_dir))
    monkeypatch.setenv("FUNDCHECK_DATAGOUV_URL", settings.datagouv_url)
    monkeypatch.setenv("FUNDCHECK_COHESIONDATA_URL", settings.cohesiondata_url)
    monkeypatch.setenv("FUNDCHECK_KOHESIO_URL", settings.kohesio_url)
    monkeypatch.setenv("FUNDCHECK_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("FUNDCHECK_HTTP_ATTEMPTS", "3")
    return settings


def recorded_dataset(name: str) -> dict:
    """A recorded udata fixture turned back into the API v1 shape (resources embedded)."""
    fixture = json.loads((REMOTE / name).read_text(encoding="utf-8"))
    return {**fixture["dataset"], "resources": copy.deepcopy(fixture["resources"])}


@dataclass
class ServedDataset:
    dataset: dict
    newest: dict  # the resource fundcheck should pick
    body: bytes


def serve_dataset(
    server: HTTPServer, body: bytes, *, name: str = DVF, checksum: str | None = None
) -> ServedDataset:
    """Serve a recorded dataset whose main resources point at the local server.

    The real resource files (DVF, 0.5 GB each) are not recorded: each main resource serves
    ``body`` (a real list of operations) with its checksum and size set to match, unless
    ``checksum`` overrides the announced sha1.
    """
    dataset = recorded_dataset(name)
    for resource in dataset["resources"]:
        path = f"/static/{resource['id']}/{resource['url'].rsplit('/', 1)[-1]}"
        resource["url"] = server.url_for(path)
        if resource["type"] == "main":
            resource["checksum"] = {
                "type": "sha1",
                "value": checksum or hashlib.sha1(body).hexdigest(),
            }
            resource["filesize"] = len(body)
            server.expect_request(path).respond_with_data(body, content_type="text/csv")
    server.expect_request(f"/api/1/datasets/{dataset['slug']}/").respond_with_json(dataset)
    server.expect_request(f"/api/1/datasets/{dataset['id']}/").respond_with_json(dataset)
    newest = max(
        (r for r in dataset["resources"] if r["type"] == "main"),
        key=lambda r: r["last_modified"],
    )
    return ServedDataset(dataset, newest, body)


def soda_records(path: Path = HGYJ) -> tuple[bytes, list[bytes]]:
    """The header line and each record of a recorded SODA CSV page, byte for byte."""
    raw = path.read_bytes()
    header, _, body = raw.partition(b"\n")
    records, current = [], b""
    for line in body.splitlines(keepends=True):
        current += line
        text = current.decode("utf-8")
        if len(list(csv.reader(io.StringIO(text)))) == 1 and text.count('"') % 2 == 0:
            records.append(current)
            current = b""
    assert current == b""
    return header + b"\n", records


def soda_handler(header: bytes, records: list[bytes], *, total: int | None = None):
    """Answer ``/resource/<id>.csv`` pages by ``$offset``/``$limit`` and the count(*) query."""

    def handle(request: Request) -> Response:
        if request.path.endswith(".json"):
            count = len(records) if total is None else total
            return Response(json.dumps([{"total": str(count)}]), content_type="application/json")
        offset, limit = int(request.args["$offset"]), int(request.args["$limit"])
        page = header + b"".join(records[offset : offset + limit])
        return Response(
            page,
            content_type="text/csv; charset=UTF-8",
            headers={
                "ETag": '"hgyj-v1"',
                "Last-Modified": "Tue, 17 Oct 2023 10:00:00 GMT",
                "X-SODA2-Truth-Last-Modified": "Tue, 17 Oct 2023 09:58:00 GMT",
            },
        )

    return handle


def requests_to(server: HTTPServer, prefix: str = "/") -> list[Request]:
    return [request for request, _ in server.log if request.path.startswith(prefix)]


class Platform:
    """The helpers above bound to the local server (test modules get them as a fixture)."""

    DVF = DVF
    LOGEMENTS = LOGEMENTS
    HGYJ = HGYJ
    LIST_OF_OPERATIONS = LIST_OF_OPERATIONS

    def __init__(self, server: HTTPServer) -> None:
        self.server = server

    def serve_dataset(self, body: bytes, **options: object) -> ServedDataset:
        return serve_dataset(self.server, body, **options)  # type: ignore[arg-type]

    def recorded_dataset(self, name: str) -> dict:
        return recorded_dataset(name)

    def soda_records(self) -> tuple[bytes, list[bytes]]:
        return soda_records()

    def soda_handler(self, header: bytes, records: list[bytes], **options: object):
        return soda_handler(header, records, **options)  # type: ignore[arg-type]

    def requests(self, prefix: str = "/") -> list[Request]:
        return requests_to(self.server, prefix)


@pytest.fixture
def platform(httpserver: HTTPServer) -> Platform:
    return Platform(httpserver)
