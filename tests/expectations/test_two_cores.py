"""The suite on both cores: half of the expectations validated in a forked process gives the
failing rows, and the findings, of one run of the whole suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fundcheck.catalogue import suites_for
from fundcheck.config import RunConfig
from fundcheck.connectors import read_source
from fundcheck.demo import generate_demo, write_demo
from fundcheck.expectations import runner, two_cores
from fundcheck.expectations.engine import WHOLE_SET_TYPES, failing_rows
from fundcheck.expectations.runner import gx_frame, plan_suite, run_parameters
from fundcheck.parallel import can_fork
from fundcheck.pipeline import run
from fundcheck.reference import load_reference

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is Linux-only here")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.xlsx", generate_demo())


def test_two_halves_of_the_suite_fail_the_rows_one_run_fails(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = read_source(demo_path, load_reference()).frame
    frame = frame[frame["_period"] == "2021-2027"].reset_index(drop=True)
    (suite,) = suites_for("2021-2027", "operations")
    plan = plan_suite(suite, frame.columns)
    values = run_parameters(suite, None)
    data = gx_frame(frame, plan.planned)
    whole = failing_rows(data, suite.name, plan.planned, values)

    validated_here: list[list[int]] = []

    def counted(
        part: pd.DataFrame, name: str, planned: list[Any], *args: Any
    ) -> dict[int, np.ndarray]:
        validated_here.append([item.key for item in planned])
        return failing_rows(part, name, planned, *args)

    monkeypatch.setattr(two_cores, "failing_rows", counted)
    halves = two_cores.failing_rows_on_two_cores(data, suite.name, plan.planned, values)
    here, other = two_cores.dealt_in_two(plan.planned)
    assert validated_here == [[item.key for item in here]]  # the rest went to the other process
    assert sorted(item.key for item in [*here, *other]) == sorted(i.key for i in plan.planned)
    assert abs(len(here) - len(other)) <= 2  # about half each
    assert sorted(halves) == sorted(whole)
    for key, rows in whole.items():
        np.testing.assert_array_equal(halves[key], rows)
    assert {key for key in whole if key in {i.key for i in here}}
    assert {key for key in whole if key in {i.key for i in other}}  # failing rows from both
    compared = [i.key for i in plan.planned if i.spec.type in WHOLE_SET_TYPES]
    assert compared and {i.key for i in here} >= set(compared)  # compared rows here, whole
    assert any(key in whole for key in compared)  # the demo repeats a code


def test_a_run_without_checks_on_two_cores_gives_the_one_core_findings(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MIN_ROWS", 0)  # the demo's 2,000 rows, cut in two
    calls: list[int] = []
    original = two_cores.failing_rows_on_two_cores

    def spied(frame: pd.DataFrame, *args: Any) -> dict[int, np.ndarray]:
        calls.append(len(frame))
        return original(frame, *args)

    monkeypatch.setattr(runner, "failing_rows_on_two_cores", spied)
    config = {"sources": [demo_path], "checks": False, "parameters": {"as_of": "2026-03-16"}}
    one = run(RunConfig(**config, jobs=1)).findings
    assert calls == []
    two = run(RunConfig(**config, jobs=2)).findings
    assert calls  # the suites ran on two cores
    pd.testing.assert_frame_equal(one, two)
