"""Golden test, with each rule engine (pandas, Spark): the demo's injected defects are each found
exactly once, in the right region and row (or programme, for a programme-level breach), and no
other error- or warning-level finding appears. The run is assessed as of the demo's publication
date, so that date-dependent rules (freshness, n+3 progress) give the same answer whatever the
day."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundcheck.config import RunConfig
from fundcheck.demo import DemoDataset, generate_demo, write_demo
from fundcheck.model import RunResult
from fundcheck.pipeline import run

AS_OF = "2026-03-16"  # the demo's publication date
ENGINES = ("pandas", "spark")


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    """The demo's run by each engine asked for, made once (Spark's takes about a minute)."""
    return {}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoDataset, Path]:
    dataset = generate_demo()
    return dataset, write_demo(tmp_path_factory.mktemp("demo") / "demo.xlsx", dataset)


def _run(request, engine: str, demo: tuple[DemoDataset, Path], runs: dict[str, RunResult]):
    master = request.getfixturevalue("spark_master") if engine == "spark" else "local[2]"
    if engine not in runs:
        config = RunConfig(
            sources=[demo[1]], parameters={"as_of": AS_OF}, engine=engine, spark_master=master
        )
        runs[engine] = run(config)
    return runs[engine]


@pytest.fixture(scope="module", params=ENGINES)
def demo_run(request, demo, runs) -> tuple[DemoDataset, RunResult]:
    """The golden assertions hold for the record rules run by GX's pandas and Spark engines."""
    return demo[0], _run(request, request.param, demo, runs)


def test_the_spark_engine_gives_the_pandas_engine_findings(request, demo, runs):
    spark = _run(request, "spark", demo, runs)
    pandas = _run(request, "pandas", demo, runs)
    assert len(pandas.findings) > 200  # errors, warnings and notes of every kind to compare
    pd.testing.assert_frame_equal(spark.findings, pandas.findings)


def test_every_row_is_read(demo_run):
    dataset, result = demo_run
    assert result.records == len(dataset.frame)
    assert result.sources[0].profile == "fr_national_2021_2027"
    assert result.sources[0].period == "2021-2027"


@pytest.mark.parametrize("index", range(len(generate_demo().defects)))
def test_each_injected_defect_is_found_once_in_its_row_and_region(demo_run, index):
    dataset, result = demo_run
    defect = dataset.defects[index]
    findings = result.findings
    if defect.row is None:  # a programme-level breach
        hits = findings[
            (findings["rule"] == defect.rule)
            & (findings["programme"] == defect.programme)
            & findings["row"].isna()
        ]
    else:
        hits = findings[(findings["rule"] == defect.rule) & (findings["row"] == defect.row)]
    assert len(hits) == 1, f"{defect}: {hits[['rule', 'row', 'field', 'value']].to_dict('records')}"
    hit = hits.iloc[0]
    region = None if pd.isna(hit["region"]) else hit["region"]
    assert region == defect.region
    assert hit["severity"] == defect.severity or defect.severity == "warning"
    assert hit["legal_basis"]
    assert hit["message_fr"] and hit["message_en"]


def test_no_other_error_or_warning_finding(demo_run):
    dataset, result = demo_run
    findings = result.findings
    serious = findings[findings["severity"].isin(["error", "warning"])]
    where = [
        str(row) if pd.notna(row) else str(programme)
        for row, programme in zip(serious["row"], serious["programme"], strict=True)
    ]
    found = sorted(zip(serious["rule"], where, strict=True))
    expected = sorted(
        [
            (d.rule, str(d.row) if d.row is not None else str(d.programme))
            for d in dataset.defects
            if d.severity != "info"
        ]
        + [(also, str(d.row)) for d in dataset.defects for also in d.also]
    )
    assert found == expected


def test_every_record_finding_is_attributed_to_a_region_bucket(demo_run):
    _, result = demo_run
    records = result.findings[result.findings["scope"] == "record"]
    assert records["row"].notna().all()
    attributed = records["region"].dropna()
    assert set(attributed) <= set(result.region_names)
    assert len(set(result.records_by_region) - {"national"}) == 18
