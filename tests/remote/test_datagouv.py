"""data.gouv.fr: the recorded DVF and logements-sociaux datasets served by a local server."""

import hashlib
from dataclasses import replace

import pytest

from fundcheck.connectors.remote.fetch import resolve
from fundcheck.connectors.remote.http import FetchError


@pytest.fixture
def body(platform):
    return platform.LIST_OF_OPERATIONS.read_bytes()


def test_the_newest_main_resource_is_downloaded_and_verified(settings, platform, body):
    served = platform.serve_dataset(body)
    cached = resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    assert cached.path.read_bytes() == body
    origin = cached.origin
    # five yearly main resources in the recorded dataset: the last modified one wins
    assert served.newest["title"] == "Valeurs foncières 2022"  # modified 2024-04-08 13:07
    assert origin.url == served.newest["url"]
    assert origin.edition == served.newest["last_modified"]
    assert origin.checksum == f"sha1:{hashlib.sha1(body).hexdigest()}"
    assert origin.sha256 == hashlib.sha256(body).hexdigest()
    assert origin.validators["resource_id"] == served.newest["id"]
    assert origin.fetched_at and origin.notes == []


def test_a_resource_named_by_id_or_title(settings, platform, body):
    served = platform.serve_dataset(body)
    older = next(r for r in served.dataset["resources"] if r["title"] == "Valeurs foncières 2019")
    by_id = resolve(f"datagouv:{served.dataset['id']}/{older['id']}", settings)
    assert by_id.origin.url == older["url"]
    by_title = resolve("datagouv:demandes-de-valeurs-foncieres/valeurs foncières 2019", settings)
    assert by_title.origin.url == older["url"]


def test_an_unknown_resource_lists_the_available_ones(settings, platform, body):
    platform.serve_dataset(body)
    with pytest.raises(FetchError) as caught:
        resolve("datagouv:demandes-de-valeurs-foncieres/nope", settings)
    assert "datagouv:demandes-de-valeurs-foncieres/nope" in str(caught.value)
    assert "Valeurs foncières 2023" in str(caught.value)


def test_an_old_slug_follows_the_308_redirect(settings, platform, httpserver, body):
    platform.serve_dataset(body)
    httpserver.expect_request("/api/1/datasets/valeurs-foncieres-old/").respond_with_data(
        "",
        status=308,
        headers={"Location": httpserver.url_for("/api/1/datasets/demandes-de-valeurs-foncieres/")},
    )
    cached = resolve("datagouv:valeurs-foncieres-old", settings)
    assert cached.path.read_bytes() == body


def test_a_wrong_checksum_is_a_clear_error(settings, platform, body):
    platform.serve_dataset(body, checksum="0" * 40)
    with pytest.raises(FetchError) as caught:
        resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    message = str(caught.value)
    assert message.startswith("datagouv:demandes-de-valeurs-foncieres: checksum mismatch")
    assert "sha1:" + "0" * 40 in message
    assert not list((settings.cache_dir / "sources").glob("*/*"))  # nothing cached


def test_an_unchanged_edition_is_not_downloaded_again(settings, platform, body):
    served = platform.serve_dataset(body)
    first = resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    files_before = len(platform.requests("/static/"))
    second = resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    assert len(platform.requests("/static/")) == files_before == 1
    assert second.origin == first.origin
    refreshed = resolve("datagouv:demandes-de-valeurs-foncieres", replace(settings, refresh=True))
    assert len(platform.requests("/static/")) == 2
    assert refreshed.origin.url == served.newest["url"]


def test_a_replaced_resource_is_a_new_edition(settings, platform, httpserver, body):
    platform.serve_dataset(body)
    first = resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    httpserver.clear()
    new_body = body.replace(b"\n", b"\r\n", 3)
    platform.serve_dataset(new_body)
    second = resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    assert second.origin.sha256 != first.origin.sha256
    assert second.path.read_bytes() == new_body


def test_offline_replays_without_a_request_and_fails_clearly_when_not_cached(
    settings, platform, httpserver, body
):
    offline = replace(settings, offline=True)
    with pytest.raises(FetchError, match="not in the cache"):
        resolve("datagouv:demandes-de-valeurs-foncieres", offline)
    platform.serve_dataset(body)
    first = resolve("datagouv:demandes-de-valeurs-foncieres", settings)
    count = len(httpserver.log)
    replay = resolve("datagouv:demandes-de-valeurs-foncieres", offline)
    assert len(httpserver.log) == count
    assert replay.origin == first.origin and replay.path.read_bytes() == body


def test_a_remote_resource_without_checksum_is_fetched_with_a_note(settings, platform, httpserver):
    dataset = platform.recorded_dataset(platform.LOGEMENTS)
    csv_resource = next(r for r in dataset["resources"] if r["format"] == "csv")
    assert csv_resource["checksum"] is None and csv_resource["filesize"] is None  # recorded
    csv_resource["url"] = httpserver.url_for("/explore/exports/csv")
    dataset["resources"] = [csv_resource]
    httpserver.expect_request(f"/api/1/datasets/{dataset['id']}/").respond_with_json(dataset)
    httpserver.expect_request("/explore/exports/csv").respond_with_data(
        platform.LIST_OF_OPERATIONS.read_bytes(),
        headers={"ETag": '"v7"', "Last-Modified": "Fri, 25 Oct 2019 13:46:12 GMT"},
    )
    cached = resolve(f"datagouv:{dataset['id']}", settings)
    assert cached.origin.checksum is None
    assert cached.origin.notes == [
        "data.gouv.fr gives no checksum for this resource: integrity not verified"
    ]
    assert (cached.origin.etag, cached.origin.filename) == ('"v7"', "csv")


def test_an_unchanged_remote_file_answers_304_to_a_conditional_request(
    settings, platform, httpserver
):
    dataset = platform.recorded_dataset(platform.LOGEMENTS)
    resource = next(r for r in dataset["resources"] if r["format"] == "csv")
    resource["url"] = httpserver.url_for("/exports/bailleurs.csv")
    dataset["resources"] = [resource]
    httpserver.expect_request(f"/api/1/datasets/{dataset['id']}/").respond_with_json(dataset)
    httpserver.expect_request(
        "/exports/bailleurs.csv", headers={"If-None-Match": '"v7"'}
    ).respond_with_data("", status=304)
    httpserver.expect_request("/exports/bailleurs.csv").respond_with_data(
        "a,b\n1,2\n", headers={"ETag": '"v7"'}
    )
    first = resolve(f"datagouv:{dataset['id']}", settings)
    second = resolve(f"datagouv:{dataset['id']}", settings)
    assert second.origin == first.origin
    statuses = [response.status_code for _, response in httpserver.log]
    assert statuses[-1] == 304


def test_v2_resources_are_read_page_by_page(settings, platform, httpserver, body):
    served = platform.serve_dataset(body)  # registers the static files
    resources = served.dataset["resources"]
    dataset = {
        **served.dataset,
        "resources": {
            "rel": "subsection",
            "href": httpserver.url_for("/api/2/datasets/dvf/resources/") + "?page=1&page_size=4",
            "total": len(resources),
        },
    }
    for page in (1, 2, 3):
        chunk = resources[(page - 1) * 4 : page * 4]
        next_page = (
            httpserver.url_for("/api/2/datasets/dvf/resources/") + f"?page={page + 1}&page_size=4"
            if page < 3
            else None
        )
        httpserver.expect_request(
            "/api/2/datasets/dvf/resources/", query_string=f"page={page}&page_size=4"
        ).respond_with_json(
            {
                "data": chunk,
                "page": page,
                "page_size": 4,
                "total": len(resources),
                "next_page": next_page,
                "previous_page": None,
            }
        )
    httpserver.expect_request("/api/1/datasets/dvf-v2/").respond_with_json(dataset)
    cached = resolve("datagouv:dvf-v2", settings)
    assert cached.origin.url == served.newest["url"]
    assert len(platform.requests("/api/2/")) == 3


def test_an_html_page_instead_of_the_file_is_refused(settings, platform, httpserver, body):
    served = platform.serve_dataset(body)
    httpserver.clear()
    for resource in served.dataset["resources"]:
        resource["checksum"] = None
        resource["filesize"] = None
    httpserver.expect_request("/api/1/datasets/dvf/").respond_with_json(served.dataset)
    path = served.newest["url"].split(httpserver.url_for("/").rstrip("/"), 1)[1]
    httpserver.expect_request(path).respond_with_data(
        "<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html"
    )
    with pytest.raises(FetchError, match="HTML page instead of a data file"):
        resolve("datagouv:dvf", settings)
