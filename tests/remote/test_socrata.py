"""Cohesion Open Data: the recorded 1 000-row hgyj-gyin page served in $limit/$offset pages."""

from dataclasses import replace

import pytest

from fundcheck.connectors.remote.fetch import resolve
from fundcheck.connectors.remote.http import FetchError
from fundcheck.connectors.remote.socrata import count_rows


@pytest.fixture
def pages(platform):
    header, records = platform.soda_records()
    assert len(records) == 1000  # the recorded page: exactly SODA's default $limit
    return header, records


@pytest.mark.parametrize(("page_size", "expected_pages"), [(400, 3), (500, 3), (1000, 2)])
def test_every_page_is_read_to_the_end(
    settings, platform, httpserver, pages, page_size, expected_pages
):
    header, records = pages
    httpserver.expect_request("/resource/hgyj-gyin.csv").respond_with_handler(
        platform.soda_handler(header, records)
    )
    httpserver.expect_request("/resource/hgyj-gyin.json").respond_with_handler(
        platform.soda_handler(header, records)
    )
    cached = resolve("cohesiondata:hgyj-gyin?ms=FR", replace(settings, page_size=page_size))
    # the pages put back together are the recorded bytes, multi-line cells included
    assert cached.path.read_bytes() == platform.HGYJ.read_bytes()
    csv_requests = platform.requests("/resource/hgyj-gyin.csv")
    assert len(csv_requests) == expected_pages  # a last page shorter than $limit (or empty)
    assert [r.args["$offset"] for r in csv_requests] == [
        str(i * page_size) for i in range(expected_pages)
    ]
    assert {r.args["$order"] for r in csv_requests} == {":id"}
    assert {r.args["ms"] for r in csv_requests} == {"FR"}
    count = platform.requests("/resource/hgyj-gyin.json")[0]
    assert count.args["$select"] == "count(*) AS total" and count.args["ms"] == "FR"
    origin = cached.origin
    assert origin.edition == "Tue, 17 Oct 2023 09:58:00 GMT"  # X-SODA2-Truth-Last-Modified
    assert (origin.etag, origin.validators["rows"]) == ('"hgyj-v1"', "1000")


def test_a_short_download_is_caught_by_the_count_guard(settings, platform, httpserver, pages):
    header, records = pages
    handler = platform.soda_handler(header, records, total=1400)
    httpserver.expect_request("/resource/hgyj-gyin.csv").respond_with_handler(handler)
    httpserver.expect_request("/resource/hgyj-gyin.json").respond_with_handler(handler)
    with pytest.raises(FetchError, match="received 1000 rows but the platform counts 1400"):
        resolve("cohesiondata:hgyj-gyin", replace(settings, page_size=600))


def test_a_malformed_query_reports_the_platform_message(settings, httpserver):
    httpserver.expect_request("/resource/hgyj-gyin.csv").respond_with_json(
        {"message": "No such column: country", "errorCode": "query.soql.no-such-column"}, 400
    )
    with pytest.raises(FetchError) as caught:
        resolve("cohesiondata:hgyj-gyin?$where=country='FR'", settings)
    message = str(caught.value)
    assert message.startswith("cohesiondata:hgyj-gyin?$where=country='FR': HTTP 400")
    assert "No such column: country" in message


def test_throttling_429_then_200_succeeds(settings, platform, httpserver, pages):
    header, records = pages
    handler = platform.soda_handler(header, records)
    httpserver.expect_oneshot_request("/resource/hgyj-gyin.csv").respond_with_data("", status=429)
    httpserver.expect_request("/resource/hgyj-gyin.csv").respond_with_handler(handler)
    httpserver.expect_request("/resource/hgyj-gyin.json").respond_with_handler(handler)
    cached = resolve("cohesiondata:hgyj-gyin", replace(settings, page_size=1000))
    assert cached.origin.validators["rows"] == "1000"


def test_the_app_token_is_sent_when_configured(settings, platform, httpserver, pages):
    header, records = pages
    handler = platform.soda_handler(header, records)
    httpserver.expect_request(
        "/resource/hgyj-gyin.csv", headers={"X-App-Token": "t0k3n"}
    ).respond_with_handler(handler)
    httpserver.expect_request("/resource/hgyj-gyin.json").respond_with_handler(handler)
    resolve("cohesiondata:hgyj-gyin", replace(settings, app_token="t0k3n", page_size=5000))


def test_rows_are_counted_as_csv_records():
    assert count_rows(b'"a","multi\nline"\n"b","c"\n') == 2
    assert count_rows(b"") == 0


def test_an_unchanged_dataset_answers_304_and_is_not_paged_again(
    settings, platform, httpserver, pages
):
    header, records = pages
    handler = platform.soda_handler(header, records)
    httpserver.expect_request(
        "/resource/hgyj-gyin.csv", headers={"If-None-Match": '"hgyj-v1"'}
    ).respond_with_data("", status=304)
    httpserver.expect_request("/resource/hgyj-gyin.csv").respond_with_handler(handler)
    httpserver.expect_request("/resource/hgyj-gyin.json").respond_with_handler(handler)
    quick = replace(settings, page_size=400)
    first = resolve("cohesiondata:hgyj-gyin", quick)
    before = len(httpserver.log)
    second = resolve("cohesiondata:hgyj-gyin", quick)
    assert len(httpserver.log) == before + 1  # one conditional request, answered 304
    assert second.origin == first.origin
    assert httpserver.log[-1][0].headers["If-Modified-Since"] == "Tue, 17 Oct 2023 10:00:00 GMT"
