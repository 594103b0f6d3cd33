"""The edition diff: operations and findings matched between two editions, per region."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from fundcheck.cli import ExitCode, cli
from fundcheck.diff import Edition, compare
from fundcheck.findings import findings_frame
from fundcheck.model import PERIOD, REGION, ROW, Provenance, RecordKind, RecordSet, RunResult
from fundcheck.reports.diff_report import diff_markdown, diff_payload, write_diff


@pytest.fixture(scope="module")
def changes(validated):
    return compare(*validated)


def test_the_diff_lists_exactly_the_changed_operations(changes, editions):
    removed = set(
        zip(changes.removed["programme_cci"], changes.removed["operation_id"], strict=True)
    )
    added = set(zip(changes.added["programme_cci"], changes.added["operation_id"], strict=True))
    assert removed == editions.removed
    assert added == editions.added
    changed: dict[tuple[str, str], set[str]] = {}
    for cci, op, field in changes.changed[["programme_cci", "operation_id", "field"]].itertuples(
        index=False
    ):
        changed.setdefault((cci, op), set()).add(field)
    assert changed == editions.changed  # the 0.001 € difference is rounding, not a change


def test_changed_lines_hold_the_old_and_new_values(changes, editions):
    [key] = [k for k, fields in editions.changed.items() if fields == {"end_date"}]
    line = changes.changed[changes.changed["operation_id"] == key[1]].iloc[0]
    old, new = pd.Timestamp(line["old"]), pd.Timestamp(line["new"])
    assert (new - old).days == 365
    amounts = changes.changed[changes.changed["field"] == "eu_amount"].iloc[0]
    assert amounts["new"] == pytest.approx(2 * amounts["old"], abs=0.01)


def test_findings_are_new_resolved_or_persisting(changes, editions):
    def keys(status):
        part = changes.findings[changes.findings["status"] == status]
        return set(zip(part["rule"], part["operation_id"], part["field"], strict=True))

    assert keys("new") == {editions.new_finding}
    assert keys("resolved") == {editions.resolved_finding}
    assert editions.persisting_finding in keys("persisting")
    persisting = changes.findings[
        changes.findings["operation_id"] == editions.persisting_finding[1]
    ]
    assert persisting["row"].tolist() == persisting["old_row"].tolist() == [13]


def test_counts_are_given_per_region(changes, validated):
    by_region = changes.by_region()
    old_result, new_result = validated[0].result, validated[1].result
    assert sum(row["removed"] for row in by_region.values()) == 2
    assert changes.counts()["changed"] == 2
    # the regions of the operations, as attributed by the pipeline
    removed_regions = set(changes.removed["region"])
    assert all(by_region[region]["removed"] >= 1 for region in removed_regions)
    assert list(by_region)[-1] == "national"
    assert old_result.records - new_result.records == 1


def test_json_markdown_and_html_reports(changes, tmp_path, editions):
    paths = write_diff(changes, ["json", "markdown", "html"], tmp_path, "fr")
    assert [p.name for p in paths] == ["diff.json", "diff.md", "diff.html"]
    payload = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert payload["summary"]["removed"] == 2 and payload["summary"]["new"] == 1
    removed_ids = {op["operation_id"] for op in payload["operations"]["removed"]}
    assert removed_ids == {key[1] for key in editions.removed}
    assert {f["status"] for f in payload["findings"]} == {"new", "resolved", "persisting"}
    markdown = (tmp_path / "diff.md").read_text(encoding="utf-8")
    for key in editions.removed | editions.added | set(editions.changed):
        assert key[1] in markdown
    html = (tmp_path / "diff.html").read_text(encoding="utf-8")
    assert "Opérations disparues" in html and editions.new_finding[1] in html


def _record_set(rows: list[dict], name: str) -> RecordSet:
    frame = pd.DataFrame(rows)
    frame[ROW] = range(2, len(frame) + 2)
    frame[REGION] = frame.get(REGION, "84")
    frame[PERIOD] = "2021-2027"
    provenance = Provenance(name=name, location=name, format="csv", rows=len(frame))
    return RecordSet(kind=RecordKind.OPERATIONS, frame=frame, provenance=provenance)


def _edition(rows: list[dict], findings: list[dict], name: str) -> Edition:
    record_set = _record_set(rows, name)
    result = RunResult(
        fundcheck_version="0.1.0",
        generated_at="2026-03-16T09:00:00+00:00",
        sources=[record_set.provenance],
        suites=[],
        rules=[],
        records=len(rows),
        findings=findings_frame(findings),
    )
    return Edition(result, [record_set])


def _op(op: str, **values) -> dict:
    return {"programme_cci": "2021FR16FFPR001", "operation_id": op, **values}


def test_unkeyed_and_repeated_operations_are_counted_not_compared():
    old = _edition([_op("A", eu_amount=1.0), _op(None), _op("B", eu_amount=2.0)], [], "old.csv")
    new = _edition(
        [_op("A", eu_amount=1.0), _op("A", eu_amount=9.0), _op(" B ", eu_amount=None)],
        [],
        "new.csv",
    )
    changes = compare(old, new)
    assert (changes.old.unkeyed, changes.new.repeated) == (1, 1)
    assert changes.removed.empty and changes.added.empty
    # an amount that disappears is a change; the repeated A (9.0) is not compared
    assert changes.changed[["operation_id", "field", "old", "new"]].values.tolist() == [
        ["B", "eu_amount", 2.0, None]
    ]


def test_repeated_findings_of_one_key_are_paired_in_order():
    def f(row):
        return {
            "rule": "r",
            "severity": "error",
            "scope": "record",
            "operation_id": "A",
            "programme": "P",
            "field": "x",
            "row": row,
            "region": "84",
            "message_fr": "m",
            "message_en": "m",
            "legal_basis": "b",
        }

    old = _edition([_op("A")], [f(2), f(2)], "old.csv")
    new = _edition([_op("A")], [f(2), f(2), f(2)], "new.csv")
    statuses = compare(old, new).findings["status"].tolist()
    assert sorted(statuses) == ["new", "persisting", "persisting"]
    assert compare(new, old).findings["status"].tolist().count("resolved") == 1


def test_identical_editions_have_no_change(validated):
    same = compare(validated[0], validated[0])
    counts = same.counts()
    assert counts["removed"] == counts["added"] == counts["changed"] == 0
    assert counts["new"] == counts["resolved"] == 0
    assert all(row["persisting"] for row in same.by_region().values())
    assert "### " not in diff_markdown(same, "en")  # persisting findings are not listed there
    assert diff_payload(same)["operations"] == {"removed": [], "added": [], "changed": []}


def test_cli_diff_writes_reports_and_fails_on_new_errors(editions, tmp_path):
    args = ["diff", str(editions.old), str(editions.new), "--output", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--report", "json,html", "--lang", "en"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "DIFF: 2 vanished, 1 new, 2 changed operations; 1 new, 1 resolved" in result.output
    assert (tmp_path / "diff.json").exists() and (tmp_path / "diff.html").exists()
    failing = CliRunner().invoke(cli, [*args, "--fail-on-new", "error", "--quiet"])
    assert failing.exit_code == ExitCode.FINDINGS
    assert failing.output.startswith("FAIL")
    unknown = CliRunner().invoke(cli, [*args, "--report", "pdf"])
    assert unknown.exit_code == ExitCode.USAGE
