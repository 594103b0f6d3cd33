"""Golden test of the CPER demo: validated with the demo list of operations (as `fundcheck demo`
does), each injected defect is found exactly once, in its region (and operation, file or row),
no other CPER warning or error appears, and the negative-AE trap raises no error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from fundcheck.config import RunConfig
from fundcheck.demo import generate_demo, write_demo
from fundcheck.demo.cper import CperDefect
from fundcheck.demo.cper_files import write_cper_demo
from fundcheck.model import RunResult
from fundcheck.pipeline import run

AS_OF = "2026-03-16"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[list[CperDefect], RunResult]:
    folder = tmp_path_factory.mktemp("cper-demo")
    dataset = generate_demo()
    eu = write_demo(folder / "demo_liste_operations_2021_2027.xlsx", dataset)
    paths, demo = write_cper_demo(folder, dataset)
    result = run(RunConfig(sources=[eu, *paths], parameters={"as_of": AS_OF}))
    return demo.defects, result


def _cper(result: RunResult) -> pd.DataFrame:
    findings = result.findings
    return findings[findings["rule"].str.startswith("CPER")]


def _hits(findings: pd.DataFrame, defect: CperDefect) -> pd.DataFrame:
    mask = (findings["rule"] == defect.rule) & (findings["region"] == defect.region)
    if defect.operation_id is not None:
        mask &= findings["operation_id"] == defect.operation_id
    if defect.source is not None:
        mask &= findings["source"] == defect.source
    if defect.row is not None:
        mask &= findings["row"] == defect.row
    return findings[mask]


def test_every_injected_defect_is_found_exactly_once(demo_run):
    defects, result = demo_run
    findings = _cper(result)
    missed = [
        (d.rule, d.region, d.operation_id, d.source, d.row, len(_hits(findings, d)))
        for d in defects
        if len(_hits(findings, d)) != 1
    ]
    assert missed == []
    for defect in defects:
        hit = _hits(findings, defect).iloc[0]
        assert hit["legal_basis"] and hit["message_fr"] and hit["message_en"]


def test_no_other_cper_warning_or_error(demo_run):
    defects, result = demo_run
    findings = _cper(result)
    serious = findings[findings["severity"].isin(["error", "warning"])]
    expected = Counter([d.rule for d in defects] + [a for d in defects for a in d.also])
    expected = Counter({rule: n for rule, n in expected.items() if not rule.endswith(
        (".normalise", ".avenant", ".sans_cle"))})  # fmt: skip
    assert Counter(serious["rule"]) == expected


def test_negative_annual_ae_is_legal(demo_run):
    _, result = demo_run
    findings = _cper(result)
    retraits = findings[findings["rule"] == "CPER-012.retrait"]
    assert retraits["count"].sum() > 0 and set(retraits["severity"]) == {"info"}
    assert not (findings["rule"] == "CPER-012").any()


def test_demo_covers_every_region_and_shows_the_eu_overlap(demo_run):
    defects, result = demo_run
    findings = _cper(result)
    assert (findings["rule"] == "CPER-021.cofinancee").sum() > 0
    regions = set(findings["region"].dropna())
    assert {"11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"} <= regions
    assert len({d.rule for d in defects}) >= 18
    eu = result.findings[~result.findings["rule"].str.startswith(("CPER", "read.cper"))]
    assert not eu.empty  # the lists-of-operations findings sit beside the CPER ones


def test_the_json_report_carries_the_cper_sources_and_validates(demo_run, tmp_path):
    import json

    import jsonschema

    from fundcheck.reports.json_report import JsonReport

    _, result = demo_run
    (path,) = JsonReport().render(result, tmp_path, "fr")
    report = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads(
        (Path(__file__).parents[2] / "docs" / "report.schema.json").read_text(encoding="utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate(report)
    kinds = {source["name"]: source["record_kind"] for source in report["sources"]}
    assert kinds["demo_cper_2021_2027.xlsx"] == "cper"
    assert kinds["demo_liste_operations_2021_2027.xlsx"] == "operations"
    assert report["summary"]["by_region"]["94"]["info"] >= 1  # Corse: CPER findings only


def test_the_html_report_has_an_execution_chart_per_cper_region(demo_run, tmp_path):
    from fundcheck.reports.html_report import HtmlReport

    _, result = demo_run
    assert set(result.cper_pace) >= {"24", "27", "53", "94"}
    behind = {row["financer"]: row for row in result.cper_pace["24"]}
    assert behind["ETAT"]["theoretical"] - behind["ETAT"]["ae"] > 0.2  # the injected lag
    paths = HtmlReport().render(result, tmp_path, "en")
    page = paths[0].read_text(encoding="utf-8")
    assert page.count('<figure class="cper-chart">') == len(result.cper_pace)
    assert "CPER-2021-24 — ETAT" in page


def test_the_liaison_pack_has_a_cper_section_per_cper_region(demo_run):
    from fundcheck.reports import liaison_report as liaison

    _, result = demo_run
    documents = {d.region.key: d for d in liaison.liaison_documents(result)}
    centre = documents["24"]
    assert centre.cper_anomalies and all(r.id.startswith("CPER-") for r in centre.cper_anomalies)
    assert not any(r.id.startswith("CPER-") for r in centre.anomalies)
    assert '<figure class="cper-chart">' in centre.cper_chart
    html = liaison.render_document(result, centre, pdf_note=None)
    assert "State-Region plan contracts (CPER)" in html and "CPER-2021-24 — ETAT" in html
