"""What the checks derive from the record sets is computed once per run and shared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from fundcheck.checks.frames import CheckData, intervention_codes, per_distinct, shared


def test_a_derivation_is_computed_once_per_run_and_each_check_gets_its_own_frame() -> None:
    data = CheckData({})
    calls: list[int] = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"a": [1, 2]})

    first = shared(data, "key", compute)
    first["added_by_a_check"] = 0
    second = shared(data, "key", compute)
    assert calls == [1]
    assert list(second.columns) == ["a"]  # what one check adds, another does not see


def test_without_a_run_a_mapping_computes_each_time() -> None:
    calls: list[int] = []
    shared({}, "key", lambda: calls.append(1))
    shared({}, "key", lambda: calls.append(1))
    assert calls == [1, 1]


def test_per_distinct_derives_each_value_once_and_keeps_missing_cells() -> None:
    seen: list[str] = []

    def derive(value: str) -> str:
        seen.append(value)
        return value.upper()

    values = pd.Series(["a", None, "b", "a", "a"], dtype="string", index=[5, 6, 7, 8, 9])
    out = per_distinct(values, derive)
    assert sorted(seen) == ["a", "b"]
    assert out.tolist() == ["A", None, "B", "A", "A"]
    assert list(out.index) == [5, 6, 7, 8, 9]


def test_intervention_codes_split_each_cell() -> None:
    frame = pd.DataFrame({"intervention_field": ["044|045", None, " 179 ", "044|045"]})
    assert intervention_codes(frame).tolist() == [("044", "045"), None, ("179",), ("044", "045")]


def test_a_run_derives_each_shared_value_once_for_all_its_checks(build, monkeypatch) -> None:
    """Every check of a run on 2021-2027 ERDF operations: the intervention codes, technical
    assistance flags, policy objectives, categories of region and identical rows, which several
    checks read, are derived once each; the findings are those of checks run one by one."""
    from fundcheck.checks import CHECKS, derived, frames
    from fundcheck.reference import load_reference

    rows = [{"operation_id": f"OC{i}", "eu_amount": 60_000.0 + i} for i in range(40)]
    record_sets = build(rows + [{"operation_id": "OC1", "eu_amount": 60_001.0}])
    calls: list[str] = []

    def counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return function(*args, **kwargs)

        return wrapper

    for name in ("intervention_codes", "technical_assistance", "policy_objectives"):
        monkeypatch.setattr(frames, name, counted(name, getattr(frames, name)))
    monkeypatch.setattr(derived, "categories_of", counted("categories", derived.categories_of))
    monkeypatch.setattr(
        derived, "identical_to_earlier", counted("identical", derived.identical_to_earlier)
    )
    reference = load_reference()
    params = {"as_of": "2026-04-01"}

    def all_findings(data: Any) -> pd.DataFrame:
        found = [check().run(data, reference, params) for check in CHECKS.values()]
        return pd.concat(found, ignore_index=True)

    in_a_run = all_findings(CheckData(record_sets))
    once = sorted(calls)
    calls.clear()
    one_by_one = all_findings(dict(record_sets))
    for name in ("categories", "intervention_codes", "policy_objectives", "technical_assistance"):
        assert once.count(name) == 1, (name, once)
        assert calls.count(name) > 1  # without a run, each check derives its own
    assert once.count("identical") == 1
    assert not in_a_run.empty
    pd.testing.assert_frame_equal(in_a_run, one_by_one)


REAL_LISTS = (
    "20260316_liste_operations_extrait_9_regions.xlsx",
    "ERDF_Denmark_2014-2020.original.csv",
    "ListOfOperations_20160513.head260.csv",
)


def test_each_check_declares_what_it_reads_and_a_run_derives_nothing_twice(tmp_path) -> None:
    """A run drops a derivation once no check still to run declares it (``reads``): on the
    demo list and on real lists of both periods, every check reads only what it declares, no
    derivation is computed twice, and the findings are those of a run that keeps everything."""
    from pathlib import Path

    from fundcheck.checks import CHECKS, run_checks
    from fundcheck.connectors import read_source
    from fundcheck.demo import generate_demo, write_demo
    from fundcheck.reference import load_reference

    reference = load_reference()
    params = {"as_of": "2026-04-01"}
    real = Path(__file__).resolve().parents[1] / "data" / "realfiles"
    sources = [write_demo(tmp_path / "demo.xlsx", generate_demo())]
    sources += [real / name for name in REAL_LISTS]
    for source in sources:
        record_sets = {source.name: read_source(source, reference)}
        data = CheckData(record_sets)
        for check in CHECKS.values():
            data.names_read.clear()
            check().run(data, reference, params)
            undeclared = data.names_read - check.reads
            assert not undeclared, (source.name, check.rule.id, undeclared)
        data = CheckData(record_sets)
        dropping = run_checks(data, reference, params)
        assert len(data.computed) == len(set(data.computed)), (source.name, data.computed)
        assert data.derived == {}  # nothing kept once the last check has run
        keeping = [
            check().run(CheckData(record_sets), reference, params) for check in CHECKS.values()
        ]
        for dropped, kept in zip(dropping, keeping, strict=True):
            pd.testing.assert_frame_equal(dropped, kept)


def test_a_run_of_some_checks_gives_their_findings_of_the_whole_run(tmp_path) -> None:
    """With two processes each runs a share of the checks (``ids``): each share, put back in
    registry order, gives the whole run's findings, and keeps no derivation once done."""
    from fundcheck.checks import CHECKS, run_checks
    from fundcheck.connectors import read_source
    from fundcheck.demo import generate_demo, write_demo
    from fundcheck.pipeline import CHECKS_AFTER_THE_RECORD_RULES
    from fundcheck.reference import load_reference

    reference = load_reference()
    params = {"as_of": "2026-04-01"}
    source = write_demo(tmp_path / "demo.xlsx", generate_demo())
    record_sets = {source.name: read_source(source, reference)}
    whole = dict(zip(CHECKS, run_checks(CheckData(record_sets), reference, params), strict=True))
    assert set(CHECKS) > CHECKS_AFTER_THE_RECORD_RULES  # ids of registered checks only
    here = [rule for rule in CHECKS if rule in CHECKS_AFTER_THE_RECORD_RULES]
    beside = [rule for rule in CHECKS if rule not in CHECKS_AFTER_THE_RECORD_RULES]
    for share in (here, beside):
        data = CheckData(record_sets)
        found = run_checks(data, reference, params, ids=share)
        assert len(found) == len(share)
        assert data.derived == {}
        for rule, frame in zip(share, found, strict=True):
            assert set(frame["rule"]) <= {rule}
            pd.testing.assert_frame_equal(frame, whole[rule])
    assert len(whole["eu.risk.concentration_indicators"]) > 0  # the demo has some to compare


def test_categories_derived_per_distinct_inputs_equal_the_row_by_row_derivation(tmp_path) -> None:
    """The category of region is derived once per distinct combination of the cells it reads:
    on the demo list (both periods, every way a category is found), the same as row by row."""
    from fundcheck.checks.categories import _categories, categories
    from fundcheck.checks.ceilings import COLUMNS
    from fundcheck.checks.frames import operations
    from fundcheck.connectors import read_source
    from fundcheck.demo import generate_demo, write_demo
    from fundcheck.reference import load_reference

    reference = load_reference()
    source = write_demo(tmp_path / "demo.xlsx", generate_demo())
    frame = operations({source.name: read_source(source, reference)}, COLUMNS)
    frame.index = frame.index * 3 + 7  # any index, kept
    derived = categories(frame, reference)
    assert derived["category"].notna().sum() > len(frame) // 2
    pd.testing.assert_frame_equal(derived, _categories(frame, reference))
