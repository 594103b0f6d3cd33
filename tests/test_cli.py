"""The command line: exit codes, reports, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundcheck.cli import ExitCode, cli
from fundcheck.demo import generate_demo, write_demo


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("cli") / "liste.xlsx", generate_demo())


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_validate_fails_on_errors_and_writes_json(demo_file, tmp_path):
    result = invoke("validate", str(demo_file), "--report", "json", "--output", str(tmp_path))
    assert result.exit_code == ExitCode.FINDINGS, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["records"] == 2000
    assert report["summary"]["findings"]["error"] > 0
    assert "FAIL" in result.output


def test_fail_on_never_exits_zero(demo_file):
    result = invoke("validate", str(demo_file), "--fail-on", "never", "--quiet")
    assert result.exit_code == ExitCode.OK
    assert result.output.startswith("PASS")


def test_unreadable_file_is_an_execution_error_without_traceback(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == ExitCode.EXECUTION
    assert "broken.xlsx" in result.output
    assert "Traceback" not in result.output


def test_unknown_columns_name_the_missing_fields(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == ExitCode.EXECUTION
    assert "other.csv" in result.output


def test_unknown_report_format_is_a_usage_error(demo_file):
    result = CliRunner().invoke(cli, ["validate", str(demo_file), "--report", "pdf"])
    assert result.exit_code == ExitCode.USAGE


def test_bad_config_file_is_an_execution_error(demo_file, tmp_path):
    config = tmp_path / "fundcheck.toml"
    config.write_text("[validate]\nfail_on = 'sometimes'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(demo_file), "--config", str(config)])
    assert result.exit_code == ExitCode.EXECUTION
    assert "fail_on" in result.output


def test_rules_json_lists_every_rule_with_a_legal_basis():
    result = invoke("rules", "--json")
    rules = json.loads(result.output)
    ids = {r["id"] for r in rules}
    assert {"eu21.art49.mandatory_field", "read.unreadable_value", "eu.rate.range"} <= ids
    assert all(r["legal_basis"] for r in rules)
    assert all(r["status"] != "U" or r["severity"] != "error" for r in rules)


def test_demo_writes_every_report(tmp_path):
    result = invoke("demo", "--output", str(tmp_path), "--lang", "en")
    assert result.exit_code == ExitCode.OK, result.output
    for name in ("report.json", "report.html", "report.xlsx", "junit.xml", "summary.md"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_as_of_moves_the_freshness_reference(tmp_path):
    dated = tmp_path / "20260316_liste_operations.xlsx"
    dated.write_bytes(write_demo(tmp_path / "x.xlsx", generate_demo()).read_bytes())

    def freshness(as_of: str) -> int:
        out = tmp_path / as_of
        invoke("validate", str(dated), "--as-of", as_of, "--report", "json", "--output", str(out))
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return sum(f["rule"] == "eu.publication.freshness" for f in report["findings"])

    assert freshness("2026-04-01") == 0
    assert freshness("2026-12-01") == 1


def test_no_checks_runs_the_record_rules_only(demo_file, tmp_path):
    invoke("validate", str(demo_file), "--no-checks", "--report", "json", "--output", str(tmp_path))
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    origins = {r["id"]: r["origin"] for r in report["rules"]}
    rules_found = {f["rule"] for f in report["findings"]}
    assert "eu.rate.range" in rules_found
    assert not [rule for rule in rules_found if origins.get(rule) == "check"]
