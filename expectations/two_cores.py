"""A suite's expectations on both cores: each half of the rows validated in its own process.

GX runs a suite on one core. When nothing else runs beside the record rules (no aggregate checks
in a second process), the rows are cut in two: a forked process validates the second half while
this one validates the first, and the expectations comparing rows with each other
(``WHOLE_SET_TYPES``) run here on the whole frame, on their columns only. The failing rows are
those of one run over the whole frame: every other expectation judges each row by itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.expectations.engine import WHOLE_SET_TYPES, PlannedExpectation, failing_rows
from fundcheck.parallel import Background

MIN_ROWS = 20_000
"""Below this many rows, forking costs more than the half of the suite it saves."""


def failing_rows_on_two_cores(
    frame: pd.DataFrame,
    suite_name: str,
    planned: Sequence[PlannedExpectation],
    parameters: Mapping[str, Any],
) -> dict[int, np.ndarray]:
    """``engine.failing_rows`` on GX's pandas engine, the second half of the rows validated in
    a forked process (``frame``: a default RangeIndex). If that process fails, this one
    validates the second half itself."""
    row_wise = [item for item in planned if item.spec.type not in WHOLE_SET_TYPES]
    whole_set = [item for item in planned if item.spec.type in WHOLE_SET_TYPES]
    half = len(frame) // 2
    second = frame.iloc[half:].reset_index(drop=True)
    with Background(lambda: failing_rows(second, suite_name, row_wise, parameters)) as other:
        first = failing_rows(frame.iloc[:half], suite_name, row_wise, parameters)
        compared = sorted({name for item in whole_set for name in item.spec.columns()})
        whole = failing_rows(frame.loc[:, compared], suite_name, whole_set, parameters)
        later = other.result()
    positions = dict(whole)
    for key in sorted(set(first) | set(later)):
        parts = [
            first.get(key, np.empty(0, np.int64)),
            later.get(key, np.empty(0, np.int64)) + half,
        ]
        positions[key] = np.concatenate(parts)
    return positions
