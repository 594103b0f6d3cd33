"""Shared test set-up: no analytics from GX, paths to the test data, and the report of a run of
the command line."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ["GX_ANALYTICS_ENABLED"] = "False"

DATA = Path(__file__).parent / "data"

NAME_RULES = {"eu.publication.edition_date_unknown", "eu.publication.freshness"}
"""Rules that read the source's name (a dated file name): a file and a table of the same rows
differ there by nature."""


def cli_report(*args: str, tmp: Path, as_of: str = "2026-04-01") -> tuple[int, dict, str]:
    """``fundcheck ARGS`` with a JSON report in English, never failing on findings: the exit
    code, the report (empty when none was written) and the output."""
    from click.testing import CliRunner

    from fundcheck.cli import cli

    out = tmp / f"out-{uuid.uuid4().hex[:6]}"
    result = CliRunner().invoke(
        cli,
        [*args, "--report", "json", "--output", str(out), "--as-of", as_of,
         "--fail-on", "never", "--lang", "en"],
    )  # fmt: skip
    path = out / "report.json"
    report = json.loads(path.read_text("utf-8")) if path.exists() else {}
    return result.exit_code, report, result.output


def findings_but_name(report: dict) -> list[dict]:
    """A report's findings less the source's name (a file's or a table's) and the rules that
    read it."""
    return [{**f, "source": None} for f in report["findings"] if f["rule"] not in NAME_RULES]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="module")
def spark_master():
    """A local Spark master for the Spark engine's tests; Spark is stopped when the module ends,
    so that no gateway thread is left in the process that later tests fork. Without PySpark or
    Java the tests are skipped, except in CI, which installs both and must run them."""
    import shutil

    from fundcheck.expectations.spark_engine import spark_available, stop_spark

    if not (spark_available() and (shutil.which("java") or os.environ.get("JAVA_HOME"))):
        if os.environ.get("CI") == "true":
            pytest.fail("PySpark or Java missing: CI must run the Spark engine tests")
        pytest.skip("PySpark or Java missing (pip install 'fundcheck[spark]')")
    yield "local[2]"
    stop_spark()


def database_engine(url: str, server: str) -> Any:
    """A SQLAlchemy engine on a database server of the machine; the test is skipped when the
    server is unreachable, except in CI, which must run the database tests."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{server} unreachable ({exc}): CI must run the database tests")
        pytest.skip(f"{server} unreachable: {exc}")
    return engine


@pytest.fixture(scope="session")
def server_engine() -> Callable[[str, str], Any]:
    """``database_engine``, for the database fixtures of the test modules (any scope)."""
    return database_engine
