"""Both cores: the aggregate checks in a forked child give the serial run's findings, and a
child that fails, dies or is interrupted never changes the outcome nor outlives the run."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from fundcheck.config import RunConfig
from fundcheck.demo import generate_demo, write_demo
from fundcheck.parallel import (
    AUTO_MAX_RECORDS,
    AUTO_MIN_RECORDS,
    Background,
    can_fork,
    runs_in_parallel,
)
from fundcheck.pipeline import run

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is Linux-only here")
AS_OF = "2026-03-16"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.xlsx", generate_demo())


def _findings(path: Path, jobs: int, progress: list[str]) -> pd.DataFrame:
    config = RunConfig(sources=[path], parameters={"as_of": AS_OF}, jobs=jobs)
    return run(config, progress=progress.append).findings


def test_the_parallel_run_gives_the_serial_findings_in_the_same_order(demo_path: Path) -> None:
    serial_steps: list[str] = []
    parallel_steps: list[str] = []
    serial = _findings(demo_path, 1, serial_steps)
    parallel = _findings(demo_path, 2, parallel_steps)
    assert "running aggregate checks in a second process" in parallel_steps
    assert "running aggregate checks in a second process" not in serial_steps
    aggregate = serial[serial["rule"].str.startswith("eu.cofinancing")]
    assert len(aggregate) > 0  # the demo's breaches come from the checks
    pd.testing.assert_frame_equal(serial, parallel)


def test_who_decides_to_fork() -> None:
    assert runs_in_parallel(2, 10) and not runs_in_parallel(1, 10_000_000)
    assert not runs_in_parallel(None, AUTO_MIN_RECORDS - 1)
    assert not runs_in_parallel(None, AUTO_MAX_RECORDS + 1)  # memory counts more than time
    assert runs_in_parallel(2, AUTO_MAX_RECORDS + 1)
    assert runs_in_parallel(None, AUTO_MIN_RECORDS) == (len(os.sched_getaffinity(0)) > 1)


def test_a_task_that_fails_in_the_child_fails_in_the_parent_as_in_a_serial_run() -> None:
    calls: list[int] = []

    def task() -> int:
        calls.append(os.getpid())
        raise ValueError("check failed: column 'x'")

    with Background(task) as background, pytest.raises(ValueError, match="column 'x'"):
        background.result()
    assert calls == [os.getpid()]  # the child's attempt is not seen here; the parent's is


def test_a_child_that_dies_or_sends_what_cannot_be_pickled_is_replaced_by_the_parent() -> None:
    parent = os.getpid()

    def dies() -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "computed here"

    def unpicklable() -> object:
        return (lambda: None) if os.getpid() != parent else "computed here"

    for task in (dies, unpicklable):
        with Background(task) as background:
            assert background.result() == "computed here"


def test_the_child_is_stopped_when_the_run_stops() -> None:
    background = Background(lambda: time.sleep(60))
    child = background._process.pid
    started = time.monotonic()
    background.close()
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
