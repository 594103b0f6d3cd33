import io
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from fundcheck.findings import FINDING_COLUMNS, findings_frame, json_value
from fundcheck.model import RunResult
from fundcheck.reports.digest import reading_order
from fundcheck.reports.json_report import SCHEMA_VERSION, JsonReport, finding_lines, write_json

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "report.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def render(result: RunResult, tmp_path: Path) -> dict:
    (path,) = JsonReport().render(result, tmp_path, "en")
    assert path == tmp_path / "report.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_published_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_a_rendered_report_validates_against_the_schema(sample_result, tmp_path):
    report = render(sample_result, tmp_path)
    VALIDATOR.validate(report)
    assert report["schema_version"] == SCHEMA_VERSION == "1.2"
    assert {source["record_kind"] for source in report["sources"]} <= {
        "operations",
        "cper",
        "cper_published",
    }


def test_summary_counts_findings_per_severity_and_region(sample_result, tmp_path):
    summary = render(sample_result, tmp_path)["summary"]
    assert summary["records"] == 215
    assert summary["findings"] == {"error": 7, "warning": 2, "info": 1}
    assert summary["by_region"]["84"] == {
        "name": "Auvergne-Rhône-Alpes",
        "records": 120,
        "error": 4,
        "warning": 2,
        "info": 0,
    }
    assert summary["by_region"]["93"]["error"] == 0  # records but no finding
    assert summary["by_region"]["national"]["records"] == 5
    assert summary["by_region"]["national"]["info"] == 1


def test_findings_keep_every_field_worst_first(sample_result, tmp_path):
    findings = render(sample_result, tmp_path)["findings"]
    assert len(findings) == 10
    assert [f["severity"] for f in findings] == ["error"] * 7 + ["warning"] * 2 + ["info"]
    national = next(f for f in findings if f["operation_id"] == "NAT-1")
    assert national["region"] is None
    assert national["value"] == "2024-02-01"  # a Timestamp becomes an ISO date
    placeholder = findings[-1]
    assert (placeholder["count"], placeholder["row"], placeholder["value"]) == (12, None, "N.C")
    postcode = next(f for f in findings if f["operation_id"] == "@SUM(A1)")
    assert postcode["value"] == 99999 and postcode["row"] == 7


def test_rules_and_sources_are_listed(sample_result, tmp_path):
    report = render(sample_result, tmp_path)
    assert [rule["id"] for rule in report["rules"]] == [rule.id for rule in sample_result.rules]
    assert report["sources"][0]["sha256"] == "ab" * 32
    assert report["suites"] == [
        {"name": "eu_2021_2027.list_of_operations", "version": "1", "expectations": 18}
    ]


def test_an_empty_run_is_still_a_valid_report(sample_result, tmp_path):
    sample_result.findings = findings_frame([])
    report = render(sample_result, tmp_path)
    VALIDATOR.validate(report)
    assert report["findings"] == []


def test_the_schema_rejects_an_unknown_severity(sample_result, tmp_path):
    report = render(sample_result, tmp_path)
    report["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(report)


def test_streaming_to_a_text_stream_writes_the_same_report(sample_result, tmp_path):
    stream = io.StringIO()
    write_json(sample_result, stream, "en")
    assert json.loads(stream.getvalue()) == render(sample_result, tmp_path)


def test_large_runs_validate_too(many_findings, tmp_path):
    report = render(many_findings(3000), tmp_path)
    VALIDATOR.validate(report)
    assert len(report["findings"]) == 3000
    assert sum(report["summary"]["findings"].values()) == 3000


def test_a_fetched_source_carries_its_provenance(sample_result, tmp_path):
    from fundcheck.model import RemoteOrigin

    sample_result.sources[0] = sample_result.sources[0].model_copy(
        update={
            "location": "datagouv:5c4ae55a634f4117716d5656",
            "fetched_at": "2026-12-03T09:41:47+00:00",
            "remote": RemoteOrigin(
                uri="datagouv:5c4ae55a634f4117716d5656",
                url="https://static.data.gouv.fr/resources/x/20240408-124817/liste.csv",
                etag='"abc"',
                last_modified="Mon, 08 Apr 2024 12:49:22 GMT",
                edition="2024-04-08T12:49:22.303000+00:00",
                checksum="sha1:36039b9eb7b667c972336984e0479c1923fb6755",
            ),
        }
    )
    report = render(sample_result, tmp_path)
    VALIDATOR.validate(report)
    source = report["sources"][0]
    assert source["fetched_at"] == "2026-12-03T09:41:47+00:00"
    assert source["remote"]["edition"] == "2024-04-08T12:49:22.303000+00:00"
    del source["remote"]["url"]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(report)


def test_a_local_source_has_no_remote_block(sample_result, tmp_path):
    source = render(sample_result, tmp_path)["sources"][0]
    assert source["remote"] is None and source["fetched_at"] is None


def test_findings_are_written_a_slice_at_a_time_with_the_same_bytes(
    many_findings, tmp_path, monkeypatch, copies
):
    """report.json never copies all findings at once: slices of ``_CHUNK`` in reading order; the
    file is the same, byte for byte, whatever the slice size."""
    from fundcheck.reports import json_report

    result = many_findings(23)
    whole = tmp_path / "whole"
    JsonReport().render(result, whole, "fr")
    monkeypatch.setattr(json_report, "_CHUNK", 5)
    copies.start()
    (sliced,) = JsonReport().render(result, tmp_path / "sliced", "fr")
    assert max(copies.taken) == 5 and copies.taken[-5:] == [5, 5, 5, 5, 3]  # no copy of all 23
    assert copies.sorted_widths and max(copies.sorted_widths) <= 5  # the sort keys, no more
    assert sliced.read_bytes() == (whole / "report.json").read_bytes()
    findings = json.loads(sliced.read_text(encoding="utf-8"))["findings"]
    assert len(findings) == 23
    assert [f["severity"] for f in findings] == sorted(
        (f["severity"] for f in findings), key=["error", "warning", "info"].index
    )


def test_each_finding_line_is_the_json_of_its_cells(sample_result):
    """Lines are assembled from each column's encoded members: they must be, byte for byte,
    what ``json.dumps`` writes for the finding (quotes, accents, line breaks, numbers that
    compare equal but are written differently, lists, missing cells)."""
    tricky = [
        ('Intitulé « guillemets » "doubles"\nsur deux lignes', 1, "1"),
        ("Ελληνικά \\ barre", 1.0, None),
        (None, True, ["044", "140"]),
        ('Intitulé « guillemets » "doubles"\nsur deux lignes', 12.5, {"min": 0.4}),
    ]
    findings = sample_result.findings.iloc[: len(tricky)].copy()
    findings["operation_id"] = [text for text, _, _ in tricky]
    findings["value"] = pd.Series([value for _, value, _ in tricky], dtype=object).to_numpy()
    findings["expected"] = pd.Series([cell for _, _, cell in tricky], dtype=object).to_numpy()
    findings["region"] = pd.Categorical(["84", None, "84", "11"])
    # mostly distinct texts (as messages are) are encoded cell by cell: the same bytes
    findings["message_en"] = pd.array(
        ['Ligne « 3 » "citée"\ttab', None, "Ελληνικά \\ barre\n", "\u2028 séparateur"],
        dtype="str",
    )
    result = replace(sample_result, findings=findings_frame(findings))
    lines = "".join(finding_lines(result)).split(",\n")
    order = reading_order(result.findings)
    expected = [
        json.dumps(
            {name: json_value(result.findings[name].iloc[i]) for name in FINDING_COLUMNS},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for i in order
    ]
    assert lines == expected
    assert [json.loads(line)["value"] for line in lines] == [
        json_value(findings["value"].iloc[i]) for i in order
    ]
