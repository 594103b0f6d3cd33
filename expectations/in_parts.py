"""A suite run over a record set that arrives in parts (a database table read a part at a time),
with the findings of one run over the whole set.

Most expectations judge each row by itself: they run on each part as it arrives, and only their
findings are kept. Two things need the whole set, and wait for its end:

- an expectation comparing rows with each other (``WHOLE_SET_TYPES``: an operation code repeated
  within its programme) runs once on the columns kept for every row;
- a completeness rule failing on every row is one finding about an empty column, not one per
  row: while every part so far has failed it everywhere, only the row numbers are kept, and the
  row findings are made at the end if a later part had the value after all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.errors import SuiteError
from fundcheck.expectations.engine import PANDAS, WHOLE_SET_TYPES, Engine, PlannedExpectation
from fundcheck.expectations.findings import failing_row_findings
from fundcheck.expectations.runner import (
    NOT_NULL,
    SuitePlan,
    absent_column_findings,
    empty_column_findings,
    failing_positions,
    in_suite_order,
    is_empty_column,
    plan_suite,
    run_parameters,
)
from fundcheck.expectations.suite import SuiteFile
from fundcheck.findings import findings_frame
from fundcheck.model import ROW

logger = logging.getLogger(__name__)


class SuiteInParts:
    """One suite over a record set given part by part (``add``), findings at the end
    (``finish``), equal to ``run_suite`` on the whole set."""

    def __init__(
        self,
        suite: SuiteFile,
        *,
        source: str,
        column_labels: Mapping[str, str],
        parameters: Mapping[str, Any] | None = None,
        engine: Engine = PANDAS,
    ) -> None:
        self.suite = suite
        self.source = source
        self.column_labels = column_labels
        self.values = run_parameters(suite, parameters)
        self.engine = engine
        self.plan: SuitePlan | None = None
        self.rows = 0
        self.pieces: list[pd.DataFrame] = []
        self.empty_so_far: dict[int, list[np.ndarray]] = {}
        """Completeness rules that failed on every row so far: the row numbers."""
        self.deferred: dict[int, np.ndarray] = {}
        """Completeness rules that failed on every row of the first parts only: those rows."""

    def compared_columns(self) -> set[str]:
        """The columns the whole-set expectations compare (kept for every row)."""
        if self.plan is None:
            return set()
        planned = self.plan.planned
        return {c for i in planned if i.spec.type in WHOLE_SET_TYPES for c in i.spec.columns()}

    def _fitted(self, part: pd.DataFrame) -> SuitePlan:
        plan = plan_suite(self.suite, part.columns)
        if self.plan is None:
            self.plan = plan
            for item in plan.planned:
                if item.spec.type == NOT_NULL:
                    self.empty_so_far[item.key] = []
            for skipped in plan.skipped:
                logger.info(
                    "suite %s: %s (%s) skipped, absent column(s): %s",
                    self.suite.name,
                    skipped.type,
                    skipped.rule,
                    ", ".join(skipped.missing_columns),
                )
        elif [i.key for i in plan.planned] != [i.key for i in self.plan.planned]:
            raise SuiteError(f"suite {self.suite.name}: the parts of a source differ in columns")
        return plan

    def add(self, part: pd.DataFrame, unreadable: Mapping[str, pd.Series] | None = None) -> None:
        """Run the row-by-row expectations on one part (its rows after the earlier parts')."""
        if part.empty:
            return
        plan = self._fitted(part)
        local = tuple(i for i in plan.planned if i.spec.type not in WHOLE_SET_TYPES)
        positions = failing_positions(
            part, self.suite.name, local, self.values, unreadable=unreadable, engine=self.engine
        )
        self.rows += len(part)
        for item in local:
            failing = positions.get(item.key, np.empty(0, dtype=np.int64))
            so_far = self.empty_so_far.get(item.key)
            if so_far is not None:
                if len(failing) == len(part):
                    so_far.append(part[ROW].to_numpy()[failing])
                    continue
                del self.empty_so_far[item.key]
                if so_far:
                    self.deferred[item.key] = np.concatenate(so_far)
            if len(failing):
                self.pieces.append(self._row_findings(part, failing, item))

    def _row_findings(
        self, frame: pd.DataFrame, failing: np.ndarray, item: PlannedExpectation
    ) -> pd.DataFrame:
        return failing_row_findings(
            frame,
            failing,
            item.spec,
            self.suite.rule(item.spec.meta.rule),
            source=self.source,
            column_labels=self.column_labels,
            parameters=self.values,
        ).assign(_key=item.key)

    def finish(
        self, whole: pd.DataFrame, unreadable: Mapping[str, pd.Series] | None = None
    ) -> pd.DataFrame:
        """The suite's findings, ordered as ``run_suite`` orders them. ``whole``: every row of
        the parts (in order) with the columns kept for the whole set; a column it lacks was
        dropped to save memory and is empty on the rows it is read for here."""
        if self.plan is None:
            return findings_frame([])
        plan = self.plan
        pieces = [
            absent_column_findings(
                self.suite, plan.absent, rows=self.rows, source=self.source,
                column_labels=self.column_labels, parameters=self.values,
            )
        ]  # fmt: skip
        rows = whole[ROW].to_numpy()
        for item in plan.planned:
            if item.key in self.empty_so_far:
                failed = int(sum(len(part) for part in self.empty_so_far[item.key]))
                if is_empty_column(item.spec, failed, self.rows):
                    pieces.append(
                        empty_column_findings(
                            self.suite, item, rows=self.rows, source=self.source,
                            column_labels=self.column_labels,
                        )
                    )  # fmt: skip
                    continue
                self.deferred[item.key] = np.concatenate(self.empty_so_far[item.key])
            if item.key in self.deferred:
                failing = np.flatnonzero(np.isin(rows, self.deferred[item.key]))
                pieces.append(self._row_findings(_with(whole, item), failing, item))
        for item in (i for i in plan.planned if i.spec.type in WHOLE_SET_TYPES):
            shared = _sharing_rows(whole, item)
            positions = failing_positions(
                _as_codes(whole, item, shared),
                self.suite.name,
                (item,),
                self.values,
                unreadable=unreadable,
            )
            if item.key in positions:
                failing = shared[positions[item.key]]
                pieces.append(self._row_findings(whole, failing, item))
        pieces += self.pieces
        self.pieces = []  # held once: in the suite's findings
        return in_suite_order(pieces)


def _with(frame: pd.DataFrame, item: PlannedExpectation) -> pd.DataFrame:
    """``frame`` with the expectation's own column, empty when it was not kept."""
    field = item.spec.field
    if field is None or field in frame.columns:
        return frame
    return frame.assign(**{field: pd.Series(pd.NA, index=frame.index, dtype="str")})


def _sharing_rows(frame: pd.DataFrame, item: PlannedExpectation) -> np.ndarray:
    """Positions of the rows a row-repeat rule can report: a value that another row has too.
    The rule runs on these rows only, in their order (a row whose value no other row has
    neither repeats nor is repeated), so 5 million mostly distinct operation codes come down
    to a few thousand rows. Texts are first narrowed to those whose hash another text has
    (``_maybe_repeated``: 8 bytes a row), then counted exactly (``_codes``, then a count per
    code)."""
    field = item.spec.field
    if field is None or field not in frame.columns:
        return np.arange(len(frame))
    column = frame[field]
    if isinstance(column.dtype, pd.StringDtype):
        candidates = _maybe_repeated(column)
        codes = _codes(column.iloc[candidates])
    else:
        candidates = np.arange(len(column))
        codes = _codes(column)
    present = codes >= 0
    if not present.any():
        return np.empty(0, dtype=np.int64)
    counts = np.bincount(codes[present])
    shared: np.ndarray = candidates[present & (counts[np.where(present, codes, 0)] > 1)]
    return shared


HASHED_AT_ONCE = 500_000
"""Texts turned into Python strings at once to be hashed (``_maybe_repeated``)."""


def _maybe_repeated(column: pd.Series) -> np.ndarray:
    """Positions (in order) of the texts whose 64-bit hash another text has too: every text
    that repeats is among them, with, rarely, one whose hash only collides. Hashed a slice of
    ``HASHED_AT_ONCE`` rows at a time, then sorted: 5 million operation codes held about 120 MB
    at once here, where sorting the texts themselves held 300 MB."""
    hashes = np.zeros(len(column), dtype=np.uint64)
    for start in range(0, len(column), HASHED_AT_ONCE):
        texts = column.iloc[start : start + HASHED_AT_ONCE].to_numpy(dtype=object, na_value="")
        hashes[start : start + len(texts)] = pd.util.hash_array(texts, categorize=False)
        del texts
    positions = np.flatnonzero(column.notna().to_numpy(dtype=bool))
    values = hashes[positions]
    del hashes
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    del values
    same = ordered[1:] == ordered[:-1]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    candidates: np.ndarray = np.sort(positions[order[repeated]])
    return candidates


def _as_codes(frame: pd.DataFrame, item: PlannedExpectation, rows: np.ndarray) -> pd.DataFrame:
    """The ``rows`` of the columns a whole-set expectation compares, each value replaced by an
    integer code (equal values, equal codes; missing stays missing): what it decides is the
    same. A column its row filter (``where``) reads keeps its values."""
    where = item.spec.meta.where
    filtered = {where.column} if where is not None else set()
    part = frame.iloc[rows]
    coded = {}
    for name in part.columns:
        if name in item.spec.columns() and name not in filtered:
            codes = _codes(part[name])
            values = pd.array(codes, dtype="Int64")
            values[codes < 0] = pd.NA
            coded[name] = values
        elif name in filtered:
            coded[name] = part[name].array
    return pd.DataFrame(coded, index=part.index)


def _codes(column: pd.Series) -> np.ndarray:
    """An integer per value, equal for equal values, -1 where missing. Text is coded by sorting
    it with Arrow (each value's rank among the distinct values): at 5 million distinct codes this
    holds about 100 MB at once, where a hash table of them took 700-970 MB."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories: np.ndarray = column.cat.codes.to_numpy(dtype=np.int64)
        return categories
    if isinstance(column.dtype, pd.StringDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        text = pa.array(column.array)
        order = pc.sort_indices(text).to_numpy()
        ordered = text.take(order)
        first = np.ones(len(order), dtype=bool)  # the first of a run of equal values
        if len(order) > 1:
            differs = pc.not_equal(ordered[1:], ordered[:-1]).fill_null(True)
            first[1:] = differs.to_numpy(zero_copy_only=False)
        del ordered
        out = np.empty(len(order), dtype=np.int64)
        out[order] = np.cumsum(first) - 1
        out[pc.is_null(text).to_numpy(zero_copy_only=False)] = -1
        return out
    codes, _ = pd.factorize(column, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)
