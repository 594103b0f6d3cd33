"""Source URIs on the command line: validate, inspect, diff, fetch, sources, --offline."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fundcheck.cli import ExitCode, cli
from fundcheck.connectors.remote.uris import parse_uri

URI = "datagouv:demandes-de-valeurs-foncieres"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def report_of(folder):
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    report.pop("generated_at")
    return report


@pytest.fixture
def served(remote_env, platform):
    return platform.serve_dataset(platform.LIST_OF_OPERATIONS.read_bytes())


def test_validate_a_dataset_once_then_offline_without_a_request(
    served, httpserver, platform, tmp_path
):
    first = invoke(
        "validate", URI, "--report", "json", "--output", str(tmp_path / "a"), "--fail-on", "never"
    )
    assert first.exit_code == ExitCode.OK, first.output
    assert len(platform.requests("/static/")) == 1  # the newest resource, downloaded once
    assert len(platform.requests("/api/1/")) == 1
    requests = len(httpserver.log)

    second = invoke(
        "validate",
        URI,
        "--offline",
        "--report",
        "json",
        "--output",
        str(tmp_path / "b"),
        "--fail-on",
        "never",
    )
    assert second.exit_code == ExitCode.OK, second.output
    assert len(httpserver.log) == requests  # not one request
    report = report_of(tmp_path / "a")
    assert report == report_of(tmp_path / "b")
    (source,) = report["sources"]
    assert source["location"] == URI
    assert source["fetched_at"]
    assert source["remote"]["uri"] == URI
    assert source["remote"]["url"] == served.newest["url"]
    assert source["remote"]["edition"] == served.newest["last_modified"]
    assert source["remote"]["checksum"] == "sha1:" + served.newest["checksum"]["value"]
    assert source["sha256"] == __import__("hashlib").sha256(served.body).hexdigest()
    assert report["summary"]["records"] == 260


def test_an_unreachable_source_is_exit_3_naming_the_uri(remote_env, httpserver):
    httpserver.expect_request("/api/1/datasets/gone/").respond_with_data("down", status=503)
    result = invoke("validate", "datagouv:gone", "--quiet")
    assert result.exit_code == ExitCode.EXECUTION
    assert "datagouv:gone" in result.output and "HTTP 503" in result.output
    assert "Traceback" not in result.output


def test_offline_without_a_cached_copy_is_exit_3(remote_env):
    result = invoke("inspect", "cohesiondata:hgyj-gyin", "--offline")
    assert result.exit_code == ExitCode.EXECUTION
    assert "cohesiondata:hgyj-gyin: not in the cache" in result.output


def test_offline_and_refresh_exclude_each_other(remote_env):
    result = invoke("inspect", URI, "--offline", "--refresh")
    assert result.exit_code == ExitCode.USAGE


def test_inspect_reads_a_uri(served):
    result = invoke("inspect", URI, "--json")
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.output)["format"] == "csv"


def test_a_local_path_still_works_and_a_missing_one_is_an_execution_error(platform, tmp_path):
    assert invoke("inspect", str(platform.LIST_OF_OPERATIONS), "--json").exit_code == 0
    missing = invoke("inspect", str(tmp_path / "nope.csv"))
    assert missing.exit_code == ExitCode.EXECUTION  # an unreadable source is exit 3
    assert "nope.csv" in missing.output


def test_fetch_writes_the_file_and_its_provenance(served, tmp_path):
    result = invoke("fetch", URI, "--output", str(tmp_path / "out"), "--json")
    assert result.exit_code == ExitCode.OK, result.output
    (entry,) = json.loads(result.output)
    path = tmp_path / "out" / entry["filename"]
    assert path.read_bytes() == served.body
    sidecar = json.loads((path.parent / (path.name + ".provenance.json")).read_text())
    assert sidecar["uri"] == URI and sidecar["sha256"] == entry["sha256"]

    # the fetched copy keeps its provenance when validated as a plain file later
    out = tmp_path / "report"
    assert (
        invoke(
            "validate", str(path), "--report", "json", "--output", str(out), "--fail-on", "never"
        ).exit_code
        == 0
    )
    assert report_of(out)["sources"][0]["remote"]["uri"] == URI


def test_diff_takes_uris_and_its_report_carries_their_provenance(served, tmp_path):
    result = invoke("diff", URI, URI, "--report", "json", "--output", str(tmp_path))
    assert result.exit_code == ExitCode.OK, result.output
    assert "0 vanished, 0 new, 0 changed" in result.output
    diff = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    for edition in ("old", "new"):
        (source,) = diff[edition]["sources"]
        assert source["location"] == URI
        assert source["remote"]["edition"] == served.newest["last_modified"]


def test_known_sources_have_valid_uris():
    result = invoke("sources", "--json")
    entries = json.loads(result.output)
    assert len(entries) >= 5
    for entry in entries:
        assert parse_uri(entry["uri"]).raw == entry["uri"]


def test_the_history_stores_the_uri_and_the_bytes_hash(served, tmp_path):
    import hashlib
    import sqlite3

    store = tmp_path / "runs.sqlite"
    result = invoke("validate", URI, "--history", str(store), "--fail-on", "never", "--quiet")
    assert result.exit_code == ExitCode.OK, result.output
    with sqlite3.connect(store) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        table = next(t for t in tables if t.endswith("run_sources"))
        ((location, sha256),) = db.execute(f"select location, sha256 from {table}").fetchall()
    assert location == URI
    assert sha256 == hashlib.sha256(served.body).hexdigest()
