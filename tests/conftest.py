"""Shared test set-up: no analytics from GX, and paths to the test data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
