"""Shared test set-up: no analytics from GX, and paths to the test data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["GX_ANALYTICS_ENABLED"] = "False"

DATA = Path(__file__).parent / "data"


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
