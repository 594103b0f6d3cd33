"""Scripted failures: each ends in a retry that succeeds or a clear error naming the URI."""

import datetime as dt
import email.utils
import time

import pytest
from werkzeug import Response

from fundcheck.connectors.remote.http import FetchError, HttpClient, retry_after

URI = "https://example.invalid/liste.csv"


def download(settings, httpserver, tmp_path, path="/f"):
    with HttpClient(settings, URI) as client:
        result = client.download(httpserver.url_for(path), tmp_path / "body")
        return result, client.requests


def test_429_then_200_honours_retry_after(settings, httpserver, tmp_path):
    httpserver.expect_oneshot_request("/f").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_request("/f").respond_with_data("a;b\n1;2\n")
    started = time.monotonic()
    result, requests = download(settings, httpserver, tmp_path)
    assert requests == 2 and result.status == 200
    assert (tmp_path / "body").read_bytes() == b"a;b\n1;2\n"
    assert time.monotonic() - started >= 0.9  # waited as told, not the 0.01 s back-off


def test_500_then_200_is_retried(settings, httpserver, tmp_path):
    httpserver.expect_oneshot_request("/f").respond_with_data("oops", status=500)
    httpserver.expect_request("/f").respond_with_data("x")
    result, requests = download(settings, httpserver, tmp_path)
    assert (requests, result.size) == (2, 1)


def test_persistent_500_ends_in_an_error_naming_the_uri(settings, httpserver, tmp_path):
    httpserver.expect_request("/f").respond_with_data("oops", status=500)
    with pytest.raises(FetchError) as caught:
        download(settings, httpserver, tmp_path)
    message = str(caught.value)
    assert message.startswith(URI) and "HTTP 500" in message and "3 attempts" in message
    assert len(httpserver.log) == settings.attempts
    assert not (tmp_path / "body").exists()


def test_404_is_not_retried(settings, httpserver, tmp_path):
    httpserver.expect_request("/f").respond_with_json({"message": "Resource not found"}, 404)
    with pytest.raises(FetchError, match="HTTP 404.*Resource not found"):
        download(settings, httpserver, tmp_path)
    assert len(httpserver.log) == 1


def test_truncated_body_is_retried_then_refused(settings, httpserver, tmp_path):
    def short(request):
        response = Response(b"ms,cci\nFR,2021FR16", content_type="text/csv")
        response.headers["Content-Length"] = "5000"
        return response

    httpserver.expect_request("/f").respond_with_handler(short)
    with pytest.raises(FetchError, match=r"truncated body.*expected 5000"):
        download(settings, httpserver, tmp_path)
    assert len(httpserver.log) == settings.attempts


def test_truncated_once_then_complete(settings, httpserver, tmp_path):
    def short(request):
        response = Response(b"ms,cci\n", content_type="text/csv")
        response.headers["Content-Length"] = "100"
        return response

    httpserver.expect_oneshot_request("/f").respond_with_handler(short)
    httpserver.expect_request("/f").respond_with_data(b"ms,cci\nFR,2021FR16RFPR001\n")
    result, requests = download(settings, httpserver, tmp_path)
    assert requests == 2 and result.size == 26


def test_a_silent_server_times_out_instead_of_hanging(settings, httpserver, tmp_path):
    from dataclasses import replace

    def slow(request):
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/f").respond_with_handler(slow)
    quick = replace(settings, read_timeout=0.2, attempts=2)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timeout"):
        download(quick, httpserver, tmp_path)
    assert time.monotonic() - started < 5


def test_redirects_are_followed_and_the_final_url_kept(settings, httpserver, tmp_path):
    httpserver.expect_request("/api/1/datasets/r/abc").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/static/2026/file.csv")}
    )
    httpserver.expect_request("/static/2026/file.csv").respond_with_data("a\n1\n")
    result, _ = download(settings, httpserver, tmp_path, "/api/1/datasets/r/abc")
    assert result.url.endswith("/static/2026/file.csv")


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after("7") == 7.0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    assert 25 <= retry_after(email.utils.format_datetime(later, usegmt=True)) <= 30
    assert retry_after(None) is None and retry_after("soon") is None
