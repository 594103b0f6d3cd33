"""The record rules on Spark (``--engine spark``): the same GX suites through GX's Spark engine.

The canonical records are handed to Spark as a DataFrame with one more column, the row's
position, which GX returns for each failing row (``unexpected_index_column_names``): the
findings are then built exactly as with the pandas engine. fundcheck's own expectations run on
Spark through pandas UDFs that call the very functions the pandas engine calls (``on_spark``),
or through window functions where a rule compares rows (a value repeated within its group).

PySpark is an optional dependency (``pip install 'fundcheck[spark]'``, Java 17 or newer): it is
imported only when the Spark engine is asked for. ``master`` is any Spark master URL:
``local[2]`` (two cores of this machine, the default), ``spark://host:7077`` (a standalone
cluster) or ``yarn``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.errors import ConfigError

POSITION = "_fundcheck_position"
"""The column holding each record's position in the canonical frame (0-based)."""

DEFAULT_MASTER = "local[2]"


def spark_available() -> bool:
    """Whether PySpark is installed (the ``spark`` extra)."""
    from importlib.util import find_spec

    return find_spec("pyspark") is not None


@cache
def spark_session(master: str) -> Any:
    """The Spark session of this process on ``master`` (started once, about 5 s locally).

    Timestamps are read and compared in UTC, so that a date is the same day on every worker;
    Arrow carries the records from pandas to Spark and back to the UDFs."""
    if not spark_available():
        raise ConfigError(
            "the Spark engine needs PySpark: pip install 'fundcheck[spark]' (and Java 17+)"
        )
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ConfigError(
            "the Spark engine needs Java 17 or newer (java not found, JAVA_HOME unset)"
        )
    # the Python workers of a local master run this interpreter, which has fundcheck installed
    # (on a cluster, each worker needs fundcheck: PYSPARK_PYTHON then names their interpreter)
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    try:
        session = (
            SparkSession.builder.master(master)
            .appName("fundcheck")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.log.level", "ERROR")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
    except Exception as error:  # noqa: BLE001 - the JVM reports failures in many types
        raise ConfigError(f"cannot start Spark on {master}: {error}") from None
    session.sparkContext.setLogLevel("ERROR")
    _masters.add(master)
    return session


def stop_spark() -> None:
    """Stop the Spark sessions this process started (their JVM stays until the process ends)."""
    for master in list(_masters):
        spark_session(master).stop()
    _masters.clear()
    spark_session.cache_clear()


_masters: set[str] = set()


def spark_frame(frame: pd.DataFrame, master: str) -> Any:
    """``frame`` (a RangeIndex) as a Spark DataFrame with its positions in ``POSITION``.

    Categorical text columns (the pandas engine's fast form) go back to plain text, which
    Arrow hands to Spark as strings."""
    out = frame.copy(deep=False)
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype(out[name].cat.categories.dtype)
    out[POSITION] = np.arange(len(out), dtype=np.int64)
    return spark_session(master).createDataFrame(out)


def on_spark(check: Callable[..., pd.Series], *columns: Any, **values: Any) -> Any:
    """A Spark boolean column: ``check(*cells, **values)`` run by a pandas UDF on each batch
    of the ``columns`` (the pandas engine's own function, so both engines judge alike).

    Only row-local checks may be bridged this way: a batch is a slice of the rows."""
    from pyspark.sql.pandas.functions import pandas_udf

    def judged(*cells: pd.Series) -> pd.Series:
        return check(*cells, **values).astype(bool)

    make_udf: Any = pandas_udf  # its overloads do not cover a function of *Series
    return make_udf(judged, "boolean")(*columns)


def repeated_within_group(column: Any, group_by: list[str]) -> Any:
    """Spark: true on a row whose value an earlier row (by position) of its group holds."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812 - PySpark's convention

    window = Window.partitionBy(*(F.col(name) for name in group_by), column).orderBy(POSITION)
    return F.row_number().over(window) > 1


def occurrences(column: Any) -> Any:
    """Spark: how many rows hold the row's value."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812 - PySpark's convention

    return F.count(F.lit(1)).over(Window.partitionBy(column))
