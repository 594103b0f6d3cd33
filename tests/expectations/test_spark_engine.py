"""The Spark engine's set-up: asked for without PySpark, a run stops with a clear execution
error (exit 3) naming the extra to install, before any report is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.expectations import spark_engine

EXTRACT = (
    Path(__file__).parents[1]
    / "data"
    / "realfiles"
    / "20260316_liste_operations_extrait_9_regions.xlsx"
)


def test_the_spark_engine_without_pyspark_is_an_execution_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(spark_engine, "spark_available", lambda: False)
    spark_engine.spark_session.cache_clear()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["validate", str(EXTRACT), "--engine", "spark", "--spark-master", "local[1]",
         "--no-checks", "--output", str(out), "--report", "json", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "pip install 'fundcheck[spark]'" in result.output
    assert "Traceback" not in result.output
    assert not (out / "report.json").exists()


def test_an_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXTRACT), "--engine", "dask"])
    assert result.exit_code == 2
    assert "dask" in result.output
