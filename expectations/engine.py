"""The only place that talks to GX: build a GX suite, run it on a frame, read failing rows.
GX runs the suite with its pandas engine, or with its Spark engine (``Engine("spark", master)``,
see ``spark_engine``), which returns the failing rows' positions from a column of their own.

The frame is loaded into one GX validator (GX hashes the whole DataFrame per batch, about 1 s
at 1M rows) and the whole suite runs in one call. Failing rows come from
``unexpected_index_list`` of a lean ``COMPLETE`` result: failing values, partial lists and
index queries are turned off, and the index list is complete (unlike the 200 values).

One lean COMPLETE run, measured by ``bench/gx_formats.py`` (1M rows, 33 expectations, 2 cores):
1.8 s on a clean file, 2.5-2.9 s with 0.5 to 20 % failing rows. A pass/fail BOOLEAN_ONLY run
followed by a COMPLETE run of the failed expectations was measured and dropped: 1.5 s on a clean
file but 2.9-3.3 s as soon as rows fail (GX recomputes the row conditions of the second run).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any, Literal

import numpy as np
import pandas as pd

from fundcheck.errors import SuiteError
from fundcheck.expectations.spark_engine import POSITION as SPARK_POSITION
from fundcheck.expectations.suite import ExpectationSpec

logger = logging.getLogger(__name__)

KEY = "fundcheck_key"  # meta entry that ties a GX result back to its planned expectation
ROWS_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
    "include_unexpected_rows": False,
}


@dataclass(frozen=True)
class Engine:
    """Where GX runs the record rules: ``pandas`` (this process) or ``spark`` (a Spark master:
    ``local[2]``, ``spark://host:7077``, ``yarn``...)."""

    name: Literal["pandas", "spark"] = "pandas"
    spark_master: str = "local[2]"


PANDAS = Engine()


@dataclass(frozen=True)
class PlannedExpectation:
    """An expectation of the suite file, its kwargs fitted to the columns of one frame."""

    key: int  # position in the suite file
    spec: ExpectationSpec


GX_DEFERRED = ("scipy.stats", "altair")
"""Modules GX imports when it starts but that no expectation fundcheck runs uses: SciPy's
statistics and Altair's charts, for the KL-divergence expectation (``from scipy import stats``,
``import altair as alt``, read only inside its methods). About 1 s of the 2 s GX takes to import;
they stay stand-ins, imported for real on the first attribute anyone reads."""


class _Deferred(ModuleType):
    """Stands for a module until one of its attributes is read, then imports it for real."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(_real_module(self.__name__), attribute)


def _real_module(name: str) -> ModuleType:
    if isinstance(sys.modules.get(name), _Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def _defer(name: str) -> None:
    """Put a stand-in for ``name`` in ``sys.modules``, unless it is imported or not installed."""
    if name in sys.modules or importlib.util.find_spec(name.partition(".")[0]) is None:
        return
    sys.modules[name] = _Deferred(name)


def import_gx() -> Any:
    """Import GX (about 1.3 s) with analytics off, and register fundcheck's own expectations."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if "great_expectations" not in sys.modules:
        for name in GX_DEFERRED:
            _defer(name)
    import great_expectations as gx

    import fundcheck.expectations.custom  # noqa: F401 - registers the custom expectation types

    return gx


def start_engine() -> None:
    """Import GX and make its context now (about 1.3 s, whatever the size of the list), so that
    a caller can do it while something else runs."""
    _context()


PANDAS_ONLY_LEFT_OUT = ("sqlalchemy", "pyspark")
"""What GX imports at start for its SQL and Spark engines, left out of a process that runs its
pandas engine only (``start_pandas_engine``): about 0.35 s of the 1.6 s GX takes to start with
both installed (0.3 s SQLAlchemy, 0.07 s PySpark)."""


def start_pandas_engine() -> None:
    """``start_engine`` in a process that will run GX's pandas engine only and nothing else (the
    process a run starts GX in while it reads the lists): the libraries of GX's SQL and Spark
    engines that this process has not imported yet are made unimportable first. GX treats them
    as not installed; fundcheck's expectations import PySpark only to run on Spark."""
    for name in PANDAS_ONLY_LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    start_engine()


def engine_started() -> bool:
    """Whether GX is imported and its context made (a previous run of this process)."""
    return _context.cache_info().currsize > 0


@cache
def _context() -> Any:
    gx = import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def build_gx_suite(name: str, planned: Sequence[PlannedExpectation]) -> Any:
    """A ``gx.ExpectationSuite`` holding every planned expectation, or ``SuiteError``.

    Each entry is built on its own so that an unknown type or an invalid kwarg names its
    expectation; the count is checked again on the suite, because GX drops (and only logs) an
    entry it cannot build.
    """
    gx = import_gx()
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    expectations = []
    problems = []
    for item in planned:
        configuration = ExpectationConfiguration(
            type=item.spec.type,
            kwargs=dict(item.spec.kwargs),
            meta={**item.spec.meta.model_dump(exclude_defaults=True), KEY: item.key},
        )
        try:
            expectations.append(configuration.to_domain_obj())
        except Exception as error:  # noqa: BLE001 - GX raises several unrelated types here
            reason = " ".join(str(error).split())
            problems.append(f"#{item.key + 1} {item.spec.type} ({item.spec.meta.rule}): {reason}")
    if problems:
        raise SuiteError(
            f"suite {name}: {len(problems)} invalid expectation(s): " + "; ".join(problems)
        )
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    if len(suite.expectations) != len(planned):
        raise SuiteError(
            f"suite {name}: GX kept {len(suite.expectations)} of {len(planned)} expectations"
        )
    return suite


WHOLE_SET_TYPES = frozenset({"expect_column_values_to_not_repeat_within_group"})
"""Expectations whose verdict on a row depends on other rows."""


def failing_rows(
    frame: pd.DataFrame,
    suite_name: str,
    planned: Sequence[PlannedExpectation],
    parameters: Mapping[str, Any],
    engine: Engine = PANDAS,
) -> dict[int, np.ndarray]:
    """Positions (0-based, in ``frame``) of the rows failing each planned expectation.

    ``frame`` must have a default RangeIndex. Only expectations with failing rows are keys.
    An engine error on any expectation raises ``SuiteError``.
    """
    if not planned:
        return {}
    by_key = {item.key: item for item in planned}
    gx_parameters = {name: _gx_parameter(value) for name, value in parameters.items()}
    on_spark = engine.name == "spark"
    validator_of = _spark_validator(engine.spark_master) if on_spark else _validator
    with validator_of(frame) as validator, _configurations_built_once():
        to_attribute = list(planned)
        started = time.perf_counter()
        validator.result_format = SPARK_ROWS_FORMAT if on_spark else ROWS_FORMAT
        attributed = validator.validate_expectation_suite(
            build_gx_suite(suite_name, to_attribute), gx_parameters
        )
        logger.debug(
            "GX failing rows: %d expectations on %d rows in %.2f s",
            len(to_attribute),
            len(frame),
            time.perf_counter() - started,
        )
    positions: dict[int, np.ndarray] = {}
    for key, result in _results_by_key(attributed.results, by_key).items():
        index_list = result.result.get("unexpected_index_list") or []
        if on_spark:  # [{position column: [positions...]}], in no particular order
            index_list = sorted(p for part in index_list for p in part[SPARK_POSITION])
        if index_list:
            positions[key] = np.asarray(index_list, dtype=np.int64)
    return positions


@contextmanager
def _configurations_built_once() -> Iterator[None]:
    """While a suite runs, each GX expectation builds its configuration once.

    GX 1.x rebuilds an expectation's configuration (a pydantic copy of all its fields) every time
    it is read, and reads it once per keyword while planning the metrics: about 7,000 copies for
    fundcheck's 2021-2027 suite, 1 s of every run whatever the number of rows. An expectation is
    not changed once built (GX makes a new one from its configuration for each step), so the
    first copy is kept, for that expectation, until the run ends.
    """
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.__dict__["configuration"]
    built: dict[int, tuple[Any, Any]] = {}  # id -> (expectation kept alive, its configuration)

    def configuration(expectation: Any) -> Any:
        entry = built.get(id(expectation))
        if entry is None:
            entry = built[id(expectation)] = (expectation, original.fget(expectation))
        return entry[1]

    Expectation.configuration = property(configuration)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Expectation.configuration = original  # type: ignore[method-assign]
        built.clear()


@contextmanager
def _validator_on(kind: Literal["pandas", "spark"], data: Any) -> Iterator[Any]:
    """A GX validator on ``data`` (a pandas or Spark DataFrame) through a data source of its own,
    loaded (and hashed by GX) once for all its runs and removed afterwards."""
    context = _context()  # imports GX first (import_gx), then its validator below
    from great_expectations.validator.v1_validator import Validator

    source_name = f"fundcheck-{uuid.uuid4().hex}"
    sources = context.data_sources
    source = (sources.add_pandas if kind == "pandas" else sources.add_spark)(source_name)
    try:
        asset = source.add_dataframe_asset("records")
        yield Validator(
            batch_definition=asset.add_batch_definition_whole_dataframe("all"),
            batch_parameters={"dataframe": data},
        )
    finally:
        sources.delete(source_name)


@contextmanager
def _validator(frame: pd.DataFrame) -> Iterator[Any]:
    """A GX validator on ``frame`` (GX's pandas engine)."""
    with _validator_on("pandas", frame) as validator:
        yield validator


SPARK_ROWS_FORMAT = {**ROWS_FORMAT, "unexpected_index_column_names": [SPARK_POSITION]}
"""Spark has no row index: GX returns the position column of the failing rows instead."""


def _spark_validator(master: str) -> Any:
    """A context manager giving a GX validator on a Spark copy of a frame (on ``master``)."""

    @contextmanager
    def validator(frame: pd.DataFrame) -> Iterator[Any]:
        from fundcheck.expectations.spark_engine import spark_frame

        records = spark_frame(frame, master).cache()  # starts Spark (ConfigError if it cannot)
        try:
            with _validator_on("spark", records) as on_spark:
                yield on_spark
        finally:
            records.unpersist()

    return validator


def _results_by_key(
    results: Sequence[Any], by_key: Mapping[int, PlannedExpectation]
) -> dict[int, Any]:
    """GX results keyed by planned expectation, after checking none raised in the engine."""
    out: dict[int, Any] = {}
    for result in results:
        key = int(result.expectation_config.meta[KEY])
        message = _engine_error(result.exception_info)
        if message is not None:
            spec = by_key[key].spec
            raise SuiteError(
                f"GX failed on expectation #{key + 1} {spec.type} ({spec.meta.rule}, "
                f"columns {', '.join(spec.columns())}): {message}"
            )
        out[key] = result
    return out


def _engine_error(exception_info: Any) -> str | None:
    """The message of an engine error, if GX reports one (two shapes exist in 1.x results)."""
    if not isinstance(exception_info, Mapping):
        return None
    if "raised_exception" in exception_info:
        if exception_info.get("raised_exception"):
            return str(exception_info.get("exception_message") or "unknown error")
        return None
    for detail in exception_info.values():  # {metric id: {"raised_exception": ...}}
        if isinstance(detail, Mapping) and detail.get("raised_exception"):
            return str(detail.get("exception_message") or "unknown error")
    return None


def _gx_parameter(value: Any) -> Any:
    """GX compares date columns with datetimes only (a ``date`` fails on datetime64 columns)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value
