"""A plain URL (a dated edition on a static site): download, revalidation, refusal of HTML."""

from dataclasses import replace

import pytest

from fundcheck.connectors.remote.fetch import resolve
from fundcheck.connectors.remote.http import FetchError


def test_a_url_is_fetched_then_revalidated_with_its_etag(settings, platform, httpserver):
    body = platform.LIST_OF_OPERATIONS.read_bytes()
    path = "/sites/default/files/2026-03/20260316_liste_operations.csv"
    httpserver.expect_request(path, headers={"If-None-Match": '"e1"'}).respond_with_data(
        "", status=304
    )
    httpserver.expect_request(path).respond_with_data(
        body, headers={"ETag": '"e1"', "Last-Modified": "Mon, 16 Mar 2026 08:00:00 GMT"}
    )
    url = httpserver.url_for(path)
    first = resolve(url, settings)
    assert first.path.name == "20260316_liste_operations.csv"
    assert first.path.read_bytes() == body
    assert first.origin.edition == "Mon, 16 Mar 2026 08:00:00 GMT"
    second = resolve(url, settings)
    assert httpserver.log[-1][1].status_code == 304 and second.origin == first.origin
    resolve(url, replace(settings, refresh=True))
    assert httpserver.log[-1][1].status_code == 200  # --refresh: no conditional header


def test_an_html_page_at_a_file_url_is_refused(settings, httpserver):
    httpserver.expect_request("/liste.xlsx").respond_with_data(
        "\n  <html><body>Page introuvable</body></html>", content_type="text/html"
    )
    with pytest.raises(FetchError, match="HTML page instead of a data file"):
        resolve(httpserver.url_for("/liste.xlsx"), settings)
