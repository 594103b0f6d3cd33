"""A list read by Spark from a file URI (here ``file://``, as a cluster would read ``hdfs://`` or
``s3a://``) and validated a part at a time gives the report of the same file read by fundcheck's
own readers: the demo as CSV and as Parquet, with the real Spark on local[2]."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.connectors.spark_source import SparkFile, is_hadoop_uri
from fundcheck.demo import generate_demo, write_csv
from fundcheck.demo.writers import _as_text
from fundcheck.errors import ConfigError
from tests.conftest import cli_report, findings_but_name

AS_OF = "2026-03-16"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("spark-demo")
    frame = generate_demo().frame
    cells = pd.DataFrame({str(name): _as_text(frame[name]) for name in frame.columns})
    csv = write_csv(folder / "demo.csv", cells)
    parquet = folder / "demo.parquet"
    cells.to_parquet(parquet, index=False)
    return csv, parquet


def test_a_csv_and_a_parquet_file_read_by_spark_in_parts_give_the_report_of_the_csv(
    demo_files, spark_master, tmp_path
):
    csv, parquet = demo_files
    config = tmp_path / "parts.toml"
    config.write_text("[limits]\nrows_per_part = 700\n", encoding="utf-8")
    code, from_file, output = cli_report("validate", str(csv), tmp=tmp_path, as_of=AS_OF)
    assert code == 0, output
    for path in (csv, parquet):
        code, by_spark, output = cli_report(
            "validate", path.as_uri(), "--spark-master", spark_master, "--config", str(config),
            tmp=tmp_path, as_of=AS_OF,
        )  # fmt: skip
        assert code == 0, output
        source = by_spark["sources"][0]
        assert (source["location"], source["rows"]) == (path.as_uri(), 2_000)
        assert by_spark["summary"] == from_file["summary"]
        assert findings_but_name(by_spark) == findings_but_name(from_file)


def test_a_file_spark_cannot_read_is_exit_3_naming_it(spark_master, tmp_path):
    missing = (tmp_path / "absent.csv").as_uri()
    code, _, output = cli_report(
        "validate", missing, "--spark-master", spark_master, tmp=tmp_path, as_of=AS_OF
    )
    assert code == 3
    assert "absent.csv" in output and "Traceback" not in output


def test_file_uris_spark_reads_and_their_formats():
    assert is_hadoop_uri("hdfs://namenode:8020/fonds/liste.parquet")
    assert is_hadoop_uri("s3a://bucket/liste.csv") and is_hadoop_uri("file:///tmp/liste.csv")
    assert not is_hadoop_uri("postgresql+psycopg://host/db")
    assert not is_hadoop_uri("https://www.data.gouv.fr/x.csv")  # fetched, then read locally
    assert not is_hadoop_uri("datagouv:liste-des-operations")
    assert SparkFile("s3a://bucket/2026/liste.PARQUET").format == "parquet"
    assert SparkFile("hdfs://nn/liste.csv").name == "liste.csv"
    with pytest.raises(ConfigError, match=r"\.csv or \.parquet"):
        _ = SparkFile("hdfs://nn/liste.xlsx").format


def test_inspect_refuses_a_file_spark_reads_without_starting_spark(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", "hdfs://namenode:8020/fonds/liste.csv"])
    assert result.exit_code == 2
    assert "not files Spark reads" in result.output
