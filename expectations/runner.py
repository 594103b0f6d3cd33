"""Validate a canonical frame against a suite: plan, run through GX, report findings.

Planning fits the suite to the frame: an expectation whose columns are absent is skipped, or
(``meta.on_absent: report``, e.g. a mandatory field) becomes one dataset-scope finding; columns
listed in ``meta.optional_columns`` are left out of column lists instead.

Reporting rules applied after GX: a cell the reader could not parse (``unreadable``) is NA in
the frame but yields no finding here (the reader reports it); an expectation with
``meta.only_if_passes`` reports only rows that pass that other rule on the same field.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.errors import ConfigError, SuiteError
from fundcheck.expectations.engine import (
    PANDAS,
    Engine,
    PlannedExpectation,
    build_gx_suite,
    failing_rows,
)
from fundcheck.expectations.findings import (
    absent_column_finding,
    empty_column_finding,
    failing_row_findings,
)
from fundcheck.expectations.suite import ExpectationSpec, RowFilter, SuiteFile
from fundcheck.expectations.two_cores import MIN_ROWS, failing_rows_on_two_cores
from fundcheck.findings import findings_frame, taken_in_order
from fundcheck.model import FIELDS, FieldType
from fundcheck.reference import Reference

logger = logging.getLogger(__name__)

NOT_ALL_NULL = "expect_multicolumn_values_to_not_be_all_null"
NOT_NULL = "expect_column_values_to_not_be_null"
DATETIME_NS = np.dtype("datetime64[ns]")
FLOAT = np.dtype("float64")


@dataclass(frozen=True)
class SkippedExpectation:
    """An expectation that could not run because columns it needs are absent."""

    key: int
    type: str
    rule: str
    missing_columns: tuple[str, ...]


@dataclass(frozen=True)
class SuitePlan:
    """The suite fitted to one frame's columns."""

    planned: tuple[PlannedExpectation, ...]
    absent: tuple[PlannedExpectation, ...]  # to report as one dataset finding each
    skipped: tuple[SkippedExpectation, ...]


@dataclass(frozen=True)
class SuiteRun:
    """Findings of one suite on one frame, and what could not be evaluated."""

    findings: pd.DataFrame
    evaluated: int
    skipped: tuple[SkippedExpectation, ...]


def validate(
    frame: pd.DataFrame,
    suite: SuiteFile,
    *,
    reference: Reference,
    source: str,
    column_labels: Mapping[str, str],
    parameters: Mapping[str, Any] | None = None,
    unreadable: Mapping[str, pd.Series] | None = None,
    engine: Engine = PANDAS,
    two_cores: bool = False,
    found_by_gx: Mapping[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Findings of ``suite`` on ``frame`` (a ``findings_frame``), one per failing row.

    ``reference`` is accepted for a uniform rule-runner signature: the suite's code lists were
    resolved from the packaged reference data when it was loaded. ``two_cores``: GX validates
    half of the expectations in a forked process (``two_cores.failing_rows_on_two_cores``).
    ``found_by_gx``: GX's failing rows of ``frame``, found by another process (``gx_job`` run
    by ``gx_failing_rows``); GX is not run here.
    """
    return run_suite(
        frame,
        suite,
        source=source,
        column_labels=column_labels,
        parameters=parameters,
        unreadable=unreadable,
        engine=engine,
        two_cores=two_cores,
        found_by_gx=found_by_gx,
    ).findings


def run_suite(
    frame: pd.DataFrame,
    suite: SuiteFile,
    *,
    source: str,
    column_labels: Mapping[str, str],
    parameters: Mapping[str, Any] | None = None,
    unreadable: Mapping[str, pd.Series] | None = None,
    engine: Engine = PANDAS,
    two_cores: bool = False,
    found_by_gx: Mapping[int, np.ndarray] | None = None,
) -> SuiteRun:
    """Like :func:`validate`, also telling which expectations were skipped."""
    values = run_parameters(suite, parameters)
    plan = plan_suite(suite, frame.columns)
    for skipped in plan.skipped:
        logger.info(
            "suite %s: %s (%s) skipped, absent column(s): %s",
            suite.name,
            skipped.type,
            skipped.rule,
            ", ".join(skipped.missing_columns),
        )
    positions = failing_positions(
        frame,
        suite.name,
        plan.planned,
        values,
        unreadable=unreadable,
        engine=engine,
        two_cores=two_cores,
        found_by_gx=found_by_gx,
    )

    pieces = [
        absent_column_findings(
            suite, plan.absent, rows=len(frame), source=source,
            column_labels=column_labels, parameters=values,
        )
    ]  # fmt: skip
    for item in plan.planned:
        if item.key in positions and is_empty_column(
            item.spec, len(positions[item.key]), len(frame)
        ):
            pieces.append(
                empty_column_findings(
                    suite, item, rows=len(frame), source=source, column_labels=column_labels
                )
            )
            continue
        if item.key in positions:
            piece = failing_row_findings(
                frame,
                positions[item.key],
                item.spec,
                suite.rule(item.spec.meta.rule),
                source=source,
                column_labels=column_labels,
                parameters=values,
            )
            pieces.append(piece.assign(_key=item.key))
    findings = in_suite_order(pieces)
    return SuiteRun(
        findings=findings,
        evaluated=len(plan.planned),
        skipped=plan.skipped,
    )


def absent_column_findings(
    suite: SuiteFile,
    items: tuple[PlannedExpectation, ...],
    *,
    rows: int,
    source: str,
    column_labels: Mapping[str, str],
    parameters: Mapping[str, Any],
) -> pd.DataFrame:
    """One dataset finding per expectation whose columns the source lacks (``on_absent``)."""
    return findings_frame(
        absent_column_finding(
            item.spec,
            suite.rule(item.spec.meta.rule),
            rows=rows,
            source=source,
            column_labels=column_labels,
            parameters=parameters,
        )
        for item in items
    )


def empty_column_findings(
    suite: SuiteFile,
    item: PlannedExpectation,
    *,
    rows: int,
    source: str,
    column_labels: Mapping[str, str],
) -> pd.DataFrame:
    """The one finding of a completeness rule failing on every row: the column is empty."""
    rule = suite.rule(item.spec.meta.rule)
    finding = empty_column_finding(
        item.spec, rule, rows=rows, source=source, column_labels=column_labels
    )
    return findings_frame([finding])


def in_suite_order(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """A suite's findings from its pieces (dataset findings first, the first piece never
    empty of columns), the row findings by row, then by expectation (``_key``). The list is
    emptied (its pieces are let go once joined), and the rows are put in order a column at a
    time: the findings are held about once, not once as pieces and once sorted."""
    findings = pd.concat(
        [piece for piece in pieces if not piece.empty] or [pieces[0]], ignore_index=True
    )
    pieces.clear()
    if "_key" in findings.columns:
        keys = findings[["row", "_key"]]
        order = keys.sort_values(["row", "_key"], na_position="first", kind="stable").index
        del keys
        if not order.equals(findings.index):
            findings = taken_in_order(findings, order.to_numpy())
    return findings_frame(findings)


def failing_positions(
    frame: pd.DataFrame,
    suite_name: str,
    planned: tuple[PlannedExpectation, ...],
    values: Mapping[str, Any],
    *,
    unreadable: Mapping[str, pd.Series] | None = None,
    engine: Engine = PANDAS,
    two_cores: bool = False,
    found_by_gx: Mapping[int, np.ndarray] | None = None,
) -> dict[int, np.ndarray]:
    """Positions in ``frame`` of the rows each planned expectation reports, by key: GX's failing
    rows less the unreadable cells, ``only_if_passes`` and ``where`` applied. ``two_cores``: on
    GX's pandas engine, from ``two_cores.MIN_ROWS`` rows, half of the expectations go to a
    forked process.
    ``found_by_gx``: GX's failing rows, already found (GX is not run here)."""
    if found_by_gx is None:
        job = GxJob(suite_name, planned, dict(values), gx_frame(frame, planned), two_cores)
        positions = gx_failing_rows(job, engine)
    else:
        positions = dict(found_by_gx)
    positions = _drop_unreadable(positions, planned, frame, unreadable or {})
    positions = _apply_only_if_passes(positions, planned)
    return _apply_row_filters(positions, planned, frame)


@dataclass(frozen=True)
class GxJob:
    """What GX needs to find the failing rows of one frame for one suite: the expectations
    fitted to its columns, the run's parameters and the columns they read (``gx_frame``). It
    pickles, so that a process where GX has started can run it (``gx_failing_rows``)."""

    suite_name: str
    planned: tuple[PlannedExpectation, ...]
    parameters: dict[str, Any]
    data: pd.DataFrame
    two_cores: bool = False


def gx_job(
    frame: pd.DataFrame,
    suite: SuiteFile,
    parameters: Mapping[str, Any] | None = None,
    *,
    two_cores: bool = False,
) -> GxJob:
    """The GX part of validating ``frame`` against ``suite`` (``validate`` with
    ``found_by_gx`` does the rest). Building it does not import GX."""
    planned = plan_suite(suite, frame.columns).planned
    values = run_parameters(suite, parameters)
    return GxJob(suite.name, planned, values, gx_frame(frame, planned), two_cores)


def gx_failing_rows(job: GxJob, engine: Engine = PANDAS) -> dict[int, np.ndarray]:
    """Positions of the rows of ``job.data`` failing each planned expectation, by key
    (``engine.failing_rows``; on both cores when the job asks and has the rows for it)."""
    if job.two_cores and engine.name == "pandas" and len(job.data) >= MIN_ROWS:
        return failing_rows_on_two_cores(job.data, job.suite_name, job.planned, job.parameters)
    return failing_rows(job.data, job.suite_name, job.planned, job.parameters, engine)


def is_empty_column(spec: ExpectationSpec, failing: int, rows: int) -> bool:
    """A completeness rule failing on every row of two or more: the column is empty in the file,
    one finding about the column rather than one per row."""
    return spec.type == NOT_NULL and rows >= 2 and failing == rows


def check_suite(suite: SuiteFile) -> None:
    """Build every expectation of ``suite`` in GX (a lint): ``SuiteError`` if one is invalid.

    ``validate`` builds only the expectations whose columns a frame has, so a typo in an
    expectation on a column the frame lacks would go unnoticed there.
    """
    build_gx_suite(suite.name, [PlannedExpectation(k, s) for k, s in enumerate(suite.expectations)])


def run_parameters(suite: SuiteFile, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The suite's parameters, with a run's values for those it declares.

    A run's parameters are shared by every suite and check, so names this suite does not
    declare are left for the others (the configuration layer reports unknown names).
    """
    chosen = {
        name: _like(suite.parameters[name], value, name)
        for name, value in (overrides or {}).items()
        if name in suite.parameters
    }
    return {**suite.parameters, **chosen}


def _like(default: Any, value: Any, name: str) -> Any:
    """A run's parameter value in the type of the suite's default (ISO text for a date)."""
    wrong_type = ConfigError(f"parameter {name}: {value!r} is not a {type(default).__name__}")
    try:
        if isinstance(default, dt.date) and isinstance(value, str):
            return dt.date.fromisoformat(value)
        if isinstance(default, float) and isinstance(value, int | float | str):
            return float(value)
    except ValueError as error:
        raise wrong_type from error
    if not isinstance(value, type(default)):
        raise wrong_type
    return value


def plan_suite(suite: SuiteFile, columns: pd.Index | list[str]) -> SuitePlan:
    """Fit every expectation of ``suite`` to the columns a frame has."""
    present = set(columns)
    planned: list[PlannedExpectation] = []
    absent: list[PlannedExpectation] = []
    skipped: list[SkippedExpectation] = []
    for key, spec in enumerate(suite.expectations):
        missing = [name for name in spec.columns() if name not in present]
        optional = set(spec.meta.optional_columns)
        required_missing = [name for name in missing if name not in optional]
        fitted = _without_columns(spec, set(missing) & optional)
        if required_missing or fitted is None:
            if spec.meta.on_absent == "report":
                absent.append(PlannedExpectation(key, spec))
            else:
                skipped.append(SkippedExpectation(key, spec.type, spec.meta.rule, tuple(missing)))
            continue
        planned.append(PlannedExpectation(key, fitted))
    return SuitePlan(tuple(planned), tuple(absent), tuple(skipped))


def _without_columns(spec: ExpectationSpec, names: set[str]) -> ExpectationSpec | None:
    """The spec with optional absent columns left out; None if a column list becomes empty."""
    if not names:
        return spec
    kwargs = dict(spec.kwargs)
    for key in ("column_list", "group_by"):
        if key in kwargs:
            kwargs[key] = [name for name in kwargs[key] if name not in names]
    if "column_list" in kwargs:
        if not kwargs["column_list"]:
            return None
        if spec.type == NOT_ALL_NULL and len(kwargs["column_list"]) == 1:
            # GX needs two columns for a multicolumn domain; one column left: not-null on it.
            (column,) = kwargs.pop("column_list")
            kwargs.pop("ignore_row_if", None)
            return spec.model_copy(
                update={"type": NOT_NULL, "kwargs": {**kwargs, "column": column}}
            )
    return spec.model_copy(update={"kwargs": kwargs})


NULLNESS_ONLY = frozenset({NOT_NULL, NOT_ALL_NULL})
"""Expectations that read only whether each cell is empty."""


def gx_frame(frame: pd.DataFrame, planned: tuple[PlannedExpectation, ...]) -> pd.DataFrame:
    """The columns GX needs, on a RangeIndex, with every column in a GX-fast dtype.

    A column that only completeness expectations read (a description, a location text) is
    handed over as a marker of its filled cells: GX finds the same rows, without copying or
    hashing a million long texts (nor sending them to the engine's process).

    GX filters the whole frame once per expectation; on pyarrow-backed text columns each filter
    copies every string, so text and code columns are handed over as categoricals (the filter
    then moves integer codes; string methods run once per distinct value).
    """
    needed = sorted({name for item in planned for name in item.spec.columns()})
    out = frame.loc[:, needed].reset_index(drop=True)
    read_for_more = {
        name
        for item in planned
        if item.spec.type not in NULLNESS_ONLY
        for name in item.spec.columns()
    }
    for name in needed:
        column = out[name]
        if name not in read_for_more:  # only whether a cell is empty counts: a marker
            codes = np.where(column.isna().to_numpy(dtype=bool), -1, 0).astype(np.int8)
            out[name] = pd.Categorical.from_codes(codes, categories=pd.Index(["filled"]))
            continue
        spec = FIELDS.get(name)
        if spec is None:
            continue
        if spec.type is FieldType.DATE:
            out[name] = _as_dtype(column, DATETIME_NS, pd.api.types.is_datetime64_any_dtype)
        elif spec.type in (FieldType.AMOUNT, FieldType.RATE):
            out[name] = _as_dtype(column, FLOAT, pd.api.types.is_numeric_dtype)
        elif isinstance(column.dtype, pd.StringDtype):
            out[name] = column.astype("category")
    return out


def _as_dtype(column: pd.Series, dtype: np.dtype[Any], accepts: Any) -> pd.Series:
    # GX compares dates vectorised only on datetime64[ns]; other units fall back to a slow map.
    if accepts(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.astype(dtype)
    if column.isna().all():
        return pd.Series(None, index=column.index, dtype=dtype)
    raise SuiteError(
        f"column {column.name!r} has dtype {column.dtype}, expected {dtype} "
        "(the connector should have parsed it)"
    )


def _drop_unreadable(
    positions: dict[int, np.ndarray],
    planned: tuple[PlannedExpectation, ...],
    frame: pd.DataFrame,
    unreadable: Mapping[str, pd.Series],
) -> dict[int, np.ndarray]:
    """Leave out rows whose checked cell the reader could not parse (reported by the reader)."""
    unreadable_positions = {
        name: frame.index.get_indexer(cells.index) for name, cells in unreadable.items()
    }
    out: dict[int, np.ndarray] = {}
    for item in planned:
        rows = positions.get(item.key)
        if rows is None:
            continue
        field = item.spec.field
        if field in unreadable_positions:
            rows = rows[~np.isin(rows, unreadable_positions[field])]
        if len(rows):
            out[item.key] = rows
    return out


def _apply_only_if_passes(
    positions: dict[int, np.ndarray], planned: tuple[PlannedExpectation, ...]
) -> dict[int, np.ndarray]:
    """Leave out rows that already fail the rule named in ``meta.only_if_passes``."""
    failing_by_rule_field: dict[tuple[str, str | None], list[np.ndarray]] = {}
    for item in planned:
        if item.key in positions:
            rule_field = (item.spec.meta.rule, item.spec.field)
            failing_by_rule_field.setdefault(rule_field, []).append(positions[item.key])
    out = dict(positions)
    for item in planned:
        prior_rule = item.spec.meta.only_if_passes
        if prior_rule is None or item.key not in out:
            continue
        prior = failing_by_rule_field.get((prior_rule, item.spec.field))
        if prior:
            rows = out[item.key][~np.isin(out[item.key], np.concatenate(prior))]
            if len(rows):
                out[item.key] = rows
            else:
                del out[item.key]
    return out


def row_filter_mask(frame: pd.DataFrame, where: RowFilter) -> np.ndarray:
    """Which rows of ``frame`` (by position) a row filter keeps."""
    if where.column not in frame.columns:
        return np.full(len(frame), where.or_missing or where.exclude, dtype=bool)
    text = frame[where.column].astype("string")
    if where.slice is not None:
        text = text.str.slice(*where.slice)
    kept = text.isin(list(where.values)).fillna(False).to_numpy(dtype=bool, copy=True)
    if where.exclude:
        kept = ~kept & text.notna().to_numpy(dtype=bool)
    if where.or_missing:
        kept |= text.isna().to_numpy(dtype=bool)
    return kept


def _apply_row_filters(
    positions: dict[int, np.ndarray], planned: tuple[PlannedExpectation, ...], frame: pd.DataFrame
) -> dict[int, np.ndarray]:
    """Leave out rows a ``meta.where`` filter does not keep (each filter computed once)."""
    masks: dict[RowFilter, np.ndarray] = {}
    out: dict[int, np.ndarray] = {}
    for item in planned:
        rows = positions.get(item.key)
        if rows is None:
            continue
        where = item.spec.meta.where
        if where is not None:
            if where not in masks:
                masks[where] = row_filter_mask(frame, where)
            rows = rows[masks[where][rows]]
        if len(rows):
            out[item.key] = rows
    return out
