"""The runner: absent columns, unreadable cells, repeats, parameters, engine errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from fundcheck.errors import ConfigError, SuiteError
from fundcheck.expectations import SuiteFile, parse_suite, plan_suite, run_suite, runner, validate
from fundcheck.expectations.engine import failing_rows
from fundcheck.expectations.runner import gx_frame, run_parameters
from fundcheck.reference import load_reference

Operations = Callable[..., pd.DataFrame]
MANDATORY = "eu21.art49.mandatory_field"


def _validate(frame: pd.DataFrame, suite: SuiteFile, **options: object) -> pd.DataFrame:
    return validate(
        frame,
        suite,
        reference=load_reference(),
        source="liste.csv",
        column_labels=options.pop("column_labels", {}),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def test_a_clean_frame_has_no_finding(suite: SuiteFile, make_operations: Operations) -> None:
    frame = make_operations([{"operation_id": f"OP-{i}"} for i in range(3)])
    frame["end_date"] = frame["end_date"].astype("datetime64[us]")  # converted for GX
    frame["total_eligible_cost"] = frame["total_eligible_cost"].astype("int64")
    assert _validate(frame, suite).empty


def test_absent_mandatory_column_is_one_dataset_finding(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations([{"operation_id": f"OP-{i}"} for i in range(4)], drop=["country"])
    run = run_suite(frame, suite, source="liste.csv", column_labels={})
    findings = run.findings
    (finding,) = findings.to_dict(orient="records")
    assert finding["rule"] == MANDATORY and finding["severity"] == "error"
    assert finding["scope"] == "dataset"
    assert finding["field"] == "country" and finding["column"] == "country"
    assert finding["count"] == 4 and pd.isna(finding["row"])
    assert finding["legal_basis"] == "CPR (EU) 2021/1060 Art 49(3)(l)"
    assert "absente" in finding["message_fr"] and "country (Pays)" in finding["message_fr"]
    assert "missing from the file" in finding["message_en"] and "4 rows" in finding["message_en"]
    # the other expectation on the column is skipped, and says why
    assert [(s.rule, s.missing_columns) for s in run.skipped if "country" in s.missing_columns] == [
        ("eu.country.valid", ("country",))
    ]


def test_optional_columns_absent_are_skipped_silently(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations(
        [{"operation_id": "OP-1"}], drop=["eu_amount", "beneficiary_postcode", "programme_cci"]
    )
    run = run_suite(frame, suite, source="liste.csv", column_labels={})
    assert run.findings["rule"].tolist() == [MANDATORY]  # programme_cci is mandatory
    assert {s.rule for s in run.skipped} >= {
        "eu.cci.format",
        "eu21.cci.known_programme",
        "fr.postcode.format",
        "fr.postcode.exists",
        "eu.amount.non_negative",
        "eu.amount.eu_not_above_eligible",
        "eu.amount.consistent_with_rate",
        "fr.location.outside_programme_territory",
    }


def test_location_columns_partly_or_wholly_absent(
    suite: SuiteFile, make_operations: Operations
) -> None:
    rows = [{"operation_id": "OP-1"}, {"operation_id": "OP-2", "operation_postcode": None}]
    only_postcode = make_operations(
        rows, drop=["operation_department", "operation_region", "location_text"]
    )
    findings = _validate(only_postcode, suite)
    assert findings[["rule", "row", "column"]].values.tolist() == [
        ["eu21.art49.location_indicator", 3, "operation_postcode"]
    ]
    without_any = only_postcode.drop(columns=["operation_postcode"])
    (finding,) = _validate(without_any, suite).to_dict(orient="records")
    assert finding["rule"] == "eu21.art49.location_indicator"
    assert finding["scope"] == "dataset" and finding["count"] == 2


def test_unreadable_cell_yields_no_mandatory_finding(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations(
        [
            {"operation_id": "OP-1", "start_date": None},  # unreadable: reported by the reader
            {"operation_id": "OP-2", "start_date": None},  # really empty
        ]
    )
    frame.index = pd.Index([10, 11])  # a part of a larger frame, as the pipeline passes it
    unreadable = {"start_date": pd.Series(["31/02/2023"], index=[10])}
    findings = _validate(frame, suite, unreadable=unreadable)
    assert findings[["rule", "row", "field"]].values.tolist() == [[MANDATORY, 3, "start_date"]]


def test_operation_id_repeats_report_only_the_later_rows(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations(
        [
            {"operation_id": "A"},
            {"operation_id": "B"},
            {"operation_id": "A"},
            {  # another programme
                "operation_id": "A",
                "programme_cci": "2021FR05SFPR001",
                "fund": "ESF+",
                "specific_objective": "ESO4.1",
            },
            {"operation_id": "A"},
            {"operation_id": None},
            {"operation_id": None},
        ]
    )
    findings = _validate(frame, suite, column_labels={"operation_id": "Numéro Opération"})
    repeats = findings[findings["rule"] == "eu21.art49.unique_operation_id"]
    assert repeats["row"].tolist() == [4, 6]
    assert repeats["value"].tolist() == ["A", "A"]
    assert set(repeats["column"]) == {"Numéro Opération"}
    assert set(findings["rule"]) == {"eu21.art49.unique_operation_id", MANDATORY}


def test_operation_id_unique_across_the_file_without_programme_column(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations([{"operation_id": "A"}, {"operation_id": "A"}], drop=["programme_cci"])
    findings = _validate(frame, suite)
    repeats = findings[findings["rule"] == "eu21.art49.unique_operation_id"]
    assert repeats["row"].tolist() == [3]
    assert repeats["expected"].tolist() == ["unique within —"]


def test_run_parameters_override_the_suite(suite: SuiteFile, make_operations: Operations) -> None:
    frame = make_operations([{"eu_amount": 59_000.0, "start_date": "2021-03-01"}])
    assert set(_validate(frame, suite)["rule"]) == {"eu.amount.consistent_with_rate"}
    looser = {"rate_tolerance": 0.02, "eligibility_start": "2021-06-01", "unrelated": 1}
    findings = _validate(frame, suite, parameters=looser)
    assert findings[["rule", "expected"]].values.tolist() == [
        ["eu21.dates.eligibility_window", "≥ 2021-06-01"]
    ]


def test_parameter_of_the_wrong_type(suite: SuiteFile) -> None:
    assert run_parameters(suite, {"eligibility_end": "2030-06-30"})["eligibility_end"] == dt.date(
        2030, 6, 30
    )
    with pytest.raises(ConfigError, match="rate_tolerance"):
        run_parameters(suite, {"rate_tolerance": "half a percent"})
    with pytest.raises(ConfigError, match="eligibility_start"):
        run_parameters(suite, {"eligibility_start": 2021})


def test_a_column_of_the_wrong_dtype_is_a_suite_error(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations([{}])
    frame["start_date"] = pd.array(["2022-03-01"], dtype="str")
    with pytest.raises(SuiteError, match="start_date"):
        _validate(frame, suite)


def test_an_all_empty_column_of_any_dtype_is_accepted(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations([{}, {"operation_id": "OP-2"}])
    frame["eu_amount"] = pd.Series([None, None], dtype=object)
    assert _validate(frame, suite).empty


def test_a_typo_in_a_type_stops_validation(suite: SuiteFile, make_operations: Operations) -> None:
    broken = suite.model_copy(
        update={
            "expectations": [
                spec.model_copy(update={"type": spec.type.replace("to_be_in_set", "to_be_in_sets")})
                for spec in suite.expectations
            ]
        }
    )
    with pytest.raises(SuiteError, match="expect_column_values_to_be_in_sets not found"):
        _validate(make_operations([{}]), broken)


def test_an_engine_error_is_a_suite_error_not_a_finding(make_operations: Operations) -> None:
    broken = parse_suite(
        """
name: broken
version: 0.1.0
period: "2021-2027"
record_kind: operations
rules:
  - {id: x.text.between, severity: error, origin: expectation, family: validity,
     title_fr: t, title_en: t, message_fr: m, message_en: m, legal_basis: b}
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: operation_name, min_value: 0}
    meta: {rule: x.text.between}
"""
    )
    with pytest.raises(SuiteError, match="GX failed on expectation #1 .*operation_name"):
        _validate(make_operations([{}]), broken)


def test_failing_rows_are_the_positions_of_each_failing_expectation(
    suite: SuiteFile, make_operations: Operations
) -> None:
    frame = make_operations(
        [
            {"operation_id": "A", "cofinancing_rate": 2.0},
            {"operation_id": "A", "beneficiary_name": None},
            {"operation_id": "C"},
        ]
    )
    plan = plan_suite(suite, frame.columns)
    data = gx_frame(frame, plan.planned)
    parameters = run_parameters(suite, None)
    found = failing_rows(data, suite.name, plan.planned, parameters)
    spec = {item.key: item.spec for item in plan.planned}
    rules = {spec[key].meta.rule: rows.tolist() for key, rows in found.items()}
    assert rules == {
        "eu.rate.range": [0],  # a rate of 200 %
        "eu.amount.consistent_with_rate": [0],  # EU amount is not rate x cost
        "eu21.art49.mandatory_field": [1],  # no beneficiary name
        "eu21.art49.unique_operation_id": [1],  # "A" again (the first one is not the repeat)
    }


def test_plan_fits_the_suite_to_the_columns(suite: SuiteFile) -> None:
    plan = plan_suite(suite, ["operation_id", "fund", "specific_objective", "location_text"])
    planned = {item.spec.meta.rule: item.spec for item in plan.planned}
    assert planned["eu21.art49.unique_operation_id"].kwargs["group_by"] == []
    location = planned["eu21.art49.location_indicator"]
    assert location.type == "expect_column_values_to_not_be_null"
    assert location.kwargs["column"] == "location_text"
    assert "eu21.specific_objective.valid_for_fund" in planned
    assert len(plan.absent) == 10  # the other mandatory fields
    assert len(plan.planned) + len(plan.absent) + len(plan.skipped) == len(suite.expectations)


def test_modules_gx_imports_but_fundcheck_never_uses_are_real_on_first_use():
    """GX_DEFERRED leaves stand-ins while GX imports; the first attribute read imports the real
    module, for GX's own code and for anyone else (a fresh interpreter: GX is imported once)."""
    import subprocess
    import sys

    code = "\n".join(
        [
            "import sys",
            "from fundcheck.expectations.engine import GX_DEFERRED, import_gx",
            "import_gx()",
            "assert all(sys.modules[name].__spec__ is None for name in GX_DEFERRED)",
            "from great_expectations.expectations.core import "
            "expect_column_kl_divergence_to_be_less_than as kl",
            "print(round(float(kl.stats.entropy([0.5, 0.5], [0.9, 0.1])), 4))",
            "import scipy.stats",
            "print(sys.modules['scipy.stats'].__spec__ is not None, scipy.stats.norm.cdf(0))",
            "print(kl.alt.Chart.__name__)",
        ]
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0.5108", "True", "0.5", "Chart"]


def test_the_pandas_only_engine_starts_without_sql_nor_spark_and_finds_the_same_rows(
    suite: SuiteFile, make_operations: Operations
) -> None:
    """In a fresh interpreter, GX started for its pandas engine only leaves SQLAlchemy and
    PySpark unimported, and finds the failing rows GX finds with them (this process)."""
    import json
    import pickle
    import subprocess
    import sys

    frame = make_operations([{"fund": "FEDER"}, {"fund": "XX"}, {"fund": None}])
    job = runner.gx_job(frame, suite, {"as_of": "2026-04-01"})
    here = {key: rows.tolist() for key, rows in runner.gx_failing_rows(job).items()}
    assert here  # the unknown fund and the empty one fail
    code = "\n".join(
        [
            "import json, pickle, sys",
            "from fundcheck.expectations.engine import start_pandas_engine",
            "from fundcheck.expectations.runner import gx_failing_rows",
            "job = pickle.load(sys.stdin.buffer)",
            "start_pandas_engine()",
            "found = gx_failing_rows(job)",
            "left_out = [m for m in ('sqlalchemy', 'pyspark') if sys.modules.get(m) is not None]",
            "print(json.dumps([left_out, {k: v.tolist() for k, v in found.items()}]))",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(job), capture_output=True, check=True
    )
    left_out, there = json.loads(done.stdout)
    assert left_out == []
    assert {int(key): rows for key, rows in there.items()} == here


def test_columns_read_only_for_completeness_reach_gx_as_markers_with_the_same_failing_rows(
    suite: SuiteFile, make_operations: Operations
) -> None:
    """A description or a location text that only completeness rules read is handed to GX as
    a marker of its filled cells (no copy of long texts); GX fails the same rows."""
    frame = make_operations(
        [
            {"operation_summary": "Une longue description " * 40, "location_text": None},
            {"operation_summary": None, "location_text": "Toulouse"},
            {"operation_summary": "Autre", "operation_postcode": None, "location_text": None},
        ]
    )
    frame.loc[2, ["operation_department", "operation_region"]] = None
    plan = plan_suite(suite, frame.columns)
    data = gx_frame(frame, plan.planned)
    summary = data["operation_summary"]
    assert list(summary.cat.categories) == ["filled"]
    assert summary.isna().tolist() == [False, True, False]
    assert list(data["operation_id"].cat.categories) == ["OP-1"]  # read by more rules: itself
    as_texts = data.assign(
        operation_summary=frame["operation_summary"].astype("category").to_numpy(),
        location_text=frame["location_text"].astype("category").to_numpy(),
    )
    values = run_parameters(suite, {})
    found = failing_rows(data, suite.name, plan.planned, values)
    assert found.keys() == failing_rows(as_texts, suite.name, plan.planned, values).keys()
    for key, rows in failing_rows(as_texts, suite.name, plan.planned, values).items():
        assert found[key].tolist() == rows.tolist()
    by_rule = {plan.planned[i].spec.meta.rule for i, p in enumerate(plan.planned) if p.key in found}
    assert {"eu21.art49.mandatory_field", "eu21.art49.location_indicator"} <= by_rule


def test_an_expectation_builds_its_configuration_once_per_run() -> None:
    """GX rebuilds a configuration on every read; while a suite runs the first one is kept,
    equal to what GX builds, and GX's own behaviour is back once the run ends."""
    import great_expectations as gx

    from fundcheck.expectations.engine import _configurations_built_once

    expectation = gx.expectations.ExpectColumnValuesToNotBeNull(column="fund", mostly=0.5)
    assert expectation.configuration is not expectation.configuration
    with _configurations_built_once():
        first = expectation.configuration
        assert expectation.configuration is first
        assert (
            first
            == gx.expectations.ExpectColumnValuesToNotBeNull(
                column="fund", mostly=0.5
            ).configuration
        )
    assert expectation.configuration is not first
    assert expectation.configuration == first
