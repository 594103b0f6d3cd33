"""Kohesio: no real payload was ever recorded (tests/data/SOURCES.md); these answers are
synthetic, shaped after the backend code (list of string arrays, numberResults)."""

import csv
from dataclasses import replace

import pytest
from werkzeug import Response

from fundcheck.connectors.remote.fetch import resolve
from fundcheck.connectors.remote.http import FetchError

QUERY = "kohesio:projects?country=https://linkedopendata.eu/entity/Q20&program=P1"


def search_handler(total, served=None):
    served = total if served is None else served

    def handle(request):
        offset = min(int(request.args["offset"]), 950)  # the backend's cap
        limit = int(request.args["limit"])
        items = [
            {
                "item": f"Q{i}",
                "labels": [f"Projet {i}"],
                "euBudgets": ["31500000,00"],
                "startTimes": ["2022-01-01"],
            }
            for i in range(offset, min(offset + limit, served))
        ]
        return Response(
            __import__("json").dumps({"list": items, "numberResults": total}),
            content_type="application/json",
        )

    return handle


def test_a_query_is_paged_to_its_end_into_a_csv(settings, httpserver):
    httpserver.expect_request("/kohesio/api/projects").respond_with_handler(search_handler(120))
    cached = resolve(QUERY, replace(settings, page_size=50))
    with cached.path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 120
    assert rows[0] == {
        "item": "Q0",
        "labels": "Projet 0",
        "euBudgets": "31500000,00",
        "startTimes": "2022-01-01",
    }
    offsets = [r.args["offset"] for r, _ in httpserver.log]
    assert offsets == ["0", "50", "100"]
    assert {r.args["program"] for r, _ in httpserver.log} == {"P1"}


def test_a_query_beyond_the_offset_cap_is_refused_not_truncated(settings, httpserver):
    httpserver.expect_request("/kohesio/api/projects").respond_with_handler(search_handler(4321))
    with pytest.raises(FetchError, match="matches 4321 projects.*at most 1000"):
        resolve(QUERY, settings)


def test_a_short_answer_is_an_error(settings, httpserver):
    httpserver.expect_request("/kohesio/api/projects").respond_with_handler(
        search_handler(120, served=70)
    )
    with pytest.raises(FetchError, match="received 70 of 120 projects"):
        resolve(QUERY, replace(settings, page_size=50))


def test_a_missing_dump_answered_by_the_site_html_is_refused(settings, httpserver):
    httpserver.expect_request("/kohesio/api/data/object").respond_with_data(
        "<!DOCTYPE html><html><head><title>Kohesio</title></head></html>",
        content_type="text/html",
    )
    with pytest.raises(FetchError, match="HTML page instead of a data file"):
        resolve("kohesio:dump/data/projects-2021-2027/2025-11-10/XX-pp21-27-20251110.csv", settings)


def test_a_dump_is_saved_under_its_attachment_name(settings, httpserver):
    key = "data/projects-2021-2027/2025-11-10/FR-pp21-27-20251110.csv"
    httpserver.expect_request(
        "/kohesio/api/data/object", query_string={"id": key}
    ).respond_with_data(
        "Operation_Unique_Identifier,Operation_Name_English\nQ1,Tram\n",
        headers={"Content-Disposition": 'attachment; filename="2025-11-10_FR-pp21-27.csv"'},
    )
    cached = resolve(f"kohesio:dump/{key}", settings)
    assert cached.path.name == "2025-11-10_FR-pp21-27.csv"
    assert cached.origin.edition == "2025-11-10"
