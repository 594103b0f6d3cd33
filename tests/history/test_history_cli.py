"""`fundcheck validate --history` stores each run; `fundcheck history` lists runs and the trend."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fundcheck.cli import ExitCode, cli
from fundcheck.demo import generate_operations, header_of, write_csv


def test_validate_stores_runs_and_history_shows_the_trend(tmp_path):
    clean = generate_operations(30)
    dirty = clean.copy()
    dirty.loc[[3, 7], header_of("fund")] = "FEDR"
    sources = [write_csv(tmp_path / "jan.csv", clean), write_csv(tmp_path / "mar.csv", dirty)]
    store = tmp_path / "runs.sqlite"
    runner = CliRunner()
    for source in sources:
        result = runner.invoke(cli, ["validate", str(source), "--history", str(store)])
        assert "history: run #" in result.output, result.output

    listing = runner.invoke(cli, ["history", "--history", str(store)], terminal_width=200)
    assert listing.exit_code == ExitCode.OK, listing.output
    assert "jan.csv" in listing.output and "mar.csv" in listing.output

    shown = runner.invoke(cli, ["history", "--history", str(store), "--json"])
    payload = json.loads(shown.output)
    assert [run["sources"][0]["name"] for run in payload["runs"]] == ["mar.csv", "jan.csv"]
    assert payload["runs"][0]["error"] == payload["runs"][1]["error"] + 2
    assert all(len(run["sources"][0]["sha256"]) == 64 for run in payload["runs"])
    errors = {}
    for line in payload["trend"]:
        errors[line["run_id"]] = errors.get(line["run_id"], 0) + line["error"]
    assert errors[2] - errors[1] == 2


def test_history_without_a_store_is_an_execution_error(tmp_path):
    result = CliRunner().invoke(cli, ["history", "--history", str(tmp_path / "none.sqlite")])
    assert result.exit_code == ExitCode.EXECUTION
    assert "no run history" in result.output
    assert not (tmp_path / "none.sqlite").exists()
