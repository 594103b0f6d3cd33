"""Time GX result formats on a 1M-row synthetic list of operations (about 5 % failing rows).

Run: ``.venv/bin/python bench/gx_formats.py [--rows 1000000] [--repeat 3]`` (best of N).

Options timed, each on the whole ``eu_2021_2027.list_of_operations`` suite:

* ``runner``             fundcheck's ``run_suite`` end to end (GX run + findings table);
* ``single``             GX only, the engine's run: one COMPLETE run keeping only
                         ``unexpected_index_list`` (values, partial lists, index query off);
* ``two_phase_fresh``    BOOLEAN_ONLY, then the same lean COMPLETE on the failed expectations
                         only, on a new batch (the dropped two-phase strategy, for comparison);
* ``complete_indexcols`` one COMPLETE run with ``unexpected_index_column_names`` (the
                         ARCHITECTURE §5 baseline);
* ``boolean_only``, ``basic``, ``summary``: one run each, no row attribution.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from fundcheck.expectations import load_suite, plan_suite, run_suite  # noqa: E402
from fundcheck.expectations.engine import (  # noqa: E402
    ROWS_FORMAT,
    _context,
    _gx_parameter,
    build_gx_suite,
    failing_rows,
    import_gx,
)
from fundcheck.expectations.runner import gx_frame, run_parameters  # noqa: E402
from fundcheck.expectations.suite import SuiteFile  # noqa: E402

SUITE = "eu_2021_2027.list_of_operations"
DEFECTS = (
    "beneficiary_name",  # mandatory field empty
    "rate",  # rate 1.5
    "dates",  # end before start
    "cci",  # malformed CCI
    "postcode",  # unknown postcode
    "intervention",  # code not in Annex I
    "objective",  # ESF+ objective on an ERDF row
    "duplicate",  # id repeating the previous row's
    "eu_amount",  # EU amount above eligible cost
    "location",  # no location indicator
)


def synthetic_operations(rows: int, failing_share: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """A canonical frame of valid operations, with ``failing_share`` of rows given one defect."""
    rng = np.random.default_rng(seed)

    def text(values: Any) -> pd.arrays.ArrowStringArray:
        return pd.array(values, dtype="str")

    ids = np.char.add("OP", np.arange(rows).astype(str))
    start = np.datetime64("2022-01-01") + rng.integers(0, 900, rows).astype("timedelta64[D]")
    end = start + rng.integers(30, 1500, rows).astype("timedelta64[D]")
    eligible = np.round(rng.uniform(1_000, 2_000_000, rows), 2)
    rate = rng.choice([0.4, 0.5, 0.6, 0.85], rows)
    frame = pd.DataFrame(
        {
            "operation_id": ids,
            "programme_cci": rng.choice(["2021FR16FFPR001", "2021FR16FFPR004"], rows),
            "beneficiary_name": "Commune de Test",
            "operation_name": "Rénovation énergétique",
            "operation_summary": "Travaux d'isolation",
            "start_date": start.astype("datetime64[ns]"),
            "end_date": end.astype("datetime64[ns]"),
            "total_eligible_cost": eligible,
            "cofinancing_rate": rate,
            "eu_amount": np.round(eligible * rate, 2),
            "fund": "ERDF",
            "specific_objective": rng.choice(["RSO2.1", "RSO1.1", "RSO2.4"], rows),
            "country": "FR",
            "intervention_field": rng.choice(["044", "045", "044|045", "010"], rows),
            "operation_postcode": rng.choice(["13001", "34000", "75001", "69001"], rows),
            "beneficiary_postcode": rng.choice(["13001", "34000", "75001"], rows),
            "location_text": "Commune",
            "_row": np.arange(2, rows + 2),
            "_region": rng.choice(["93", "76", "11", "84"], rows),
            "_period": "2021-2027",
        }
    )
    failing = rng.random(rows) < failing_share
    defect = rng.integers(0, len(DEFECTS), rows)
    for number, name in enumerate(DEFECTS):
        hit = failing & (defect == number)
        if name == "beneficiary_name":
            frame.loc[hit, "beneficiary_name"] = None
        elif name == "rate":
            frame.loc[hit, "cofinancing_rate"] = 1.5
        elif name == "dates":
            frame.loc[hit, "end_date"] = frame.loc[hit, "start_date"] - pd.Timedelta(days=10)
        elif name == "cci":
            frame.loc[hit, "programme_cci"] = "2021FR16FFXX001"
        elif name == "postcode":
            frame.loc[hit, "operation_postcode"] = "99999"
        elif name == "intervention":
            frame.loc[hit, "intervention_field"] = "044|999"
        elif name == "objective":
            frame.loc[hit, "specific_objective"] = "ESO4.1"
        elif name == "duplicate":
            previous = np.flatnonzero(hit) - 1
            frame.loc[hit, "operation_id"] = frame["operation_id"].to_numpy()[previous]
            frame.loc[hit, "programme_cci"] = frame["programme_cci"].to_numpy()[previous]
        elif name == "eu_amount":
            frame.loc[hit, "eu_amount"] = frame.loc[hit, "total_eligible_cost"] * 1.1
        elif name == "location":
            frame.loc[hit, ["operation_postcode", "location_text"]] = None
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column].dtype):
            frame[column] = text(frame[column].to_numpy(dtype=object))
    return frame


def _gx_run(data: pd.DataFrame, suite: SuiteFile, result_format: Any) -> Any:
    """One GX validation of the planned suite, with a new batch."""
    from great_expectations.validator.v1_validator import Validator

    plan = plan_suite(suite, data.columns)
    name = f"bench-{time.monotonic_ns()}"
    source = _context().data_sources.add_pandas(name)
    try:
        definition = source.add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
        validator = Validator(
            definition, result_format=result_format, batch_parameters={"dataframe": data}
        )
        parameters = {k: _gx_parameter(v) for k, v in run_parameters(suite, None).items()}
        gx_suite = build_gx_suite(suite.name, plan.planned)
        return validator.validate_expectation_suite(gx_suite, parameters)
    finally:
        _context().data_sources.delete(name)


def _rows_attributed(result: Any) -> int:
    return sum(len(r.result.get("unexpected_index_list") or []) for r in result.results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--failing-share", type=float, default=0.05)
    parser.add_argument("--only", nargs="*", help="option names to time (default: all)")
    arguments = parser.parse_args()

    started = time.perf_counter()
    import_gx()
    _context()
    print(f"GX import + context: {time.perf_counter() - started:.1f} s")
    suite = load_suite(SUITE)
    frame = synthetic_operations(arguments.rows, arguments.failing_share)
    failing = int(frame["cofinancing_rate"].gt(1).sum())  # one defect family, as a sanity check
    print(
        f"rows: {len(frame):,}; expectations: {len(suite.expectations)}; rate defects: {failing:,}"
    )
    plan = plan_suite(suite, frame.columns)
    data = gx_frame(frame, plan.planned)
    parameters = run_parameters(suite, None)

    def runner() -> str:
        run = run_suite(frame, suite, source="bench", column_labels={})
        return f"{len(run.findings):,} findings"

    def engine() -> str:
        positions = failing_rows(data, suite.name, plan.planned, parameters)
        return f"{sum(len(p) for p in positions.values()):,} failing-row entries"

    def two_phase_fresh() -> str:
        first = _gx_run(data, suite, {"result_format": "BOOLEAN_ONLY"})
        failed = {
            r.expectation_config.meta["fundcheck_key"] for r in first.results if not r.success
        }
        failed_suite = suite.model_copy(
            update={"expectations": [s for i, s in enumerate(suite.expectations) if i in failed]}
        )
        second = _gx_run(data, failed_suite, ROWS_FORMAT)
        return f"{_rows_attributed(second):,} failing-row entries"

    def single(result_format: Any) -> Callable[[], str]:
        def run() -> str:
            result = _gx_run(data, suite, result_format)
            failed = sum(not r.success for r in result.results)
            return f"{failed} failed, {_rows_attributed(result):,} failing-row entries"

        return run

    options: dict[str, Callable[[], str]] = {
        "runner": runner,
        "single": engine,
        "two_phase_fresh": two_phase_fresh,
        "complete_indexcols": single(
            {"result_format": "COMPLETE", "unexpected_index_column_names": ["_row", "_region"]}
        ),
        "boolean_only": single("BOOLEAN_ONLY"),
        "basic": single("BASIC"),
        "summary": single("SUMMARY"),
    }
    if "_row" not in data.columns:  # index columns must exist in the GX frame
        data = data.assign(_row=frame["_row"].to_numpy(), _region=frame["_region"].to_numpy())
    run_suite(synthetic_operations(1_000), suite, source="warm-up", column_labels={})
    for name, option in options.items():
        if arguments.only and name not in arguments.only:
            continue
        timings = []
        for _ in range(arguments.repeat):
            gc.collect()
            started = time.perf_counter()
            outcome = option()
            timings.append(time.perf_counter() - started)
        print(f"{name:20s} {min(timings):6.2f} s   {outcome}", flush=True)


if __name__ == "__main__":
    main()
