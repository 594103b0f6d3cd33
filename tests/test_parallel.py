"""Both cores: the aggregate checks in a forked child give the serial run's findings, and a
child that fails, dies or is interrupted never changes the outcome nor outlives the run."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fundcheck import pipeline
from fundcheck.checks import CHECKS
from fundcheck.config import RunConfig
from fundcheck.demo import generate_demo, write_demo
from fundcheck.expectations.engine import Engine
from fundcheck.parallel import (
    AUTO_MIN_RECORDS,
    Background,
    Standby,
    TakingTurns,
    can_fork,
    memory_to_spare,
    runs_in_parallel,
)
from fundcheck.pipeline import run

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork is Linux-only here")
AS_OF = "2026-03-16"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.xlsx", generate_demo())


def _findings(path: Path, jobs: int | None, progress: list[str]) -> pd.DataFrame:
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


def test_the_parent_takes_a_share_of_the_checks_by_size() -> None:
    assert pipeline.parent_share(200_000) == pipeline.CHECKS_AFTER_THE_RECORD_RULES
    beside_the_engine = pipeline.parent_share(200_000, engine_apart=True)
    assert beside_the_engine == pipeline.CHECKS_BESIDE_THE_ENGINE
    large = pipeline.parent_share(pipeline.PARENT_SHARE_MAX_RECORDS + 1)
    assert large == pipeline.RELATED_OPERATIONS_CHECKS
    assert pipeline.parent_share(pipeline.PARENT_SHARE_MAX_RECORDS + 1, engine_apart=True) == large
    assert large | beside_the_engine <= set(CHECKS) and set(CHECKS) >= pipeline.CHECKS_BUILDING_MOST
    assert len(beside_the_engine) < len(CHECKS) / 2 + 2  # the other process has the rest


def test_the_parent_runs_the_checks_building_most_last() -> None:
    here = [rule for rule in CHECKS if rule in pipeline.CHECKS_BESIDE_THE_ENGINE]
    ordered = pipeline.here_order(here)
    heavy = [rule for rule in here if rule in pipeline.CHECKS_BUILDING_MOST]
    assert heavy and sorted(ordered) == sorted(here)
    assert ordered[len(here) - len(heavy) :] == heavy


def test_the_child_runs_the_checks_building_most_first_then_in_registry_order() -> None:
    beside = [rule for rule in CHECKS if rule not in pipeline.RELATED_OPERATIONS_CHECKS]
    ordered = pipeline.child_order(beside)
    heavy = [rule for rule in beside if rule in pipeline.CHECKS_BUILDING_MOST]
    assert sorted(ordered) == sorted(beside)
    assert ordered[: len(heavy)] == heavy  # first, in registry order
    assert ordered[len(heavy) :] == [rule for rule in beside if rule not in heavy]


def _intervals(log: Path) -> list[tuple[str, float, float]]:
    lines = [line.split() for line in log.read_text(encoding="ascii").splitlines()]
    return [(who, float(begin), float(end)) for who, begin, end in lines]


def test_two_processes_never_run_exclusive_steps_at_once(tmp_path: Path) -> None:
    """The child takes an exclusive step first and holds it; the parent's exclusive step waits
    for it to end, its other steps do not."""
    turns = TakingTurns({"heavy", "large"})
    log = tmp_path / "steps.log"

    def step(who: str, name: str, seconds: float) -> None:
        with turns.turn(name):
            begin = time.monotonic()
            time.sleep(seconds)
            with log.open("a", encoding="ascii") as out:
                out.write(f"{who}-{name} {begin} {time.monotonic()}\n")

    def child() -> int:
        step("child", "heavy", 1.0)
        step("child", "large", 0.2)
        return 0

    with Background(child) as other:
        turns.child_alive = other.alive
        time.sleep(0.3)  # the child holds its turn now
        step("parent", "light", 0.1)
        step("parent", "large", 0.2)
        assert other.result() == 0
    steps = {who: (begin, end) for who, begin, end in _intervals(log)}
    assert steps["parent-light"][1] < steps["child-heavy"][1]  # did not wait
    exclusive = sorted(v for k, v in steps.items() if k != "parent-light")
    for (_, end), (begin, _) in zip(exclusive, exclusive[1:], strict=False):
        assert end <= begin  # one after the other


def test_a_process_that_dies_holding_its_turn_does_not_block_the_other() -> None:
    turns = TakingTurns({"heavy"})

    def dies_holding() -> None:
        with turns.turn("heavy"):
            os._exit(1)

    with Background(dies_holding) as other:
        turns.child_alive = other.alive
        time.sleep(0.3)
        started = time.monotonic()
        with turns.turn("heavy"):
            waited = time.monotonic() - started
    assert waited < 5


def test_who_decides_to_fork() -> None:
    assert runs_in_parallel(2, 10) and not runs_in_parallel(1, 10_000_000)
    assert not runs_in_parallel(None, AUTO_MIN_RECORDS - 1)
    two_cores = len(os.sched_getaffinity(0)) > 1
    assert runs_in_parallel(None, 5_000_000, room=lambda: True) == two_cores
    assert not runs_in_parallel(None, 5_000_000, room=lambda: False)  # no memory for a second
    assert runs_in_parallel(2, 5_000_000, room=lambda: False)  # unless asked for
    assert runs_in_parallel(None, AUTO_MIN_RECORDS) == two_cores  # this machine has the memory


def test_memory_to_spare_compares_what_the_machine_has_with_what_the_process_holds(
    tmp_path: Path,
) -> None:
    assert memory_to_spare()  # this process, on this machine
    pages = 2 * 2**30 // os.sysconf("SC_PAGE_SIZE")  # the process holds 2 GiB
    statm = tmp_path / "statm"
    statm.write_text(f"{pages * 3} {pages} 1000 10 0 {pages} 0\n", encoding="ascii")
    meminfo = tmp_path / "meminfo"
    for available_kib, spare in ((1 * 2**20, False), (2 * 2**20, True), (16 * 2**20, True)):
        meminfo.write_text(
            f"MemTotal:       {32 * 2**20} kB\nMemFree:  1000 kB\n"
            f"MemAvailable:   {available_kib} kB\n",
            encoding="ascii",
        )
        assert memory_to_spare(meminfo, statm) is spare
    assert not memory_to_spare(tmp_path / "absent", statm)  # unknown: one process


def test_a_large_result_comes_from_the_child_whole() -> None:
    parent = os.getpid()
    rows = 300_000  # tens of megabytes: many times what a pipe holds at once

    def task() -> tuple[int, pd.DataFrame]:
        frame = pd.DataFrame(
            {
                "message": pd.array([f"opération {i} : montant" for i in range(rows)], dtype="str"),
                "amount": pd.Series(range(rows), dtype="float64") / 3,
            }
        )
        return os.getpid(), frame

    with Background(task) as background:
        pid, frame = background.result()
    assert pid != parent  # computed in the child, not again here
    pd.testing.assert_frame_equal(frame, task()[1])


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


def _pid_and(argument: object) -> tuple[int, object]:
    return os.getpid(), argument


def _fails(argument: object) -> object:
    raise ValueError(f"check failed: {argument}")


def _dies_unless_here(parent: int) -> str:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return "computed here"


def test_a_standby_child_gets_ready_then_runs_the_work_it_is_sent() -> None:
    prepared: list[int] = []
    with Standby(lambda: prepared.append(os.getpid())) as standby:
        standby.submit(_pid_and, "list")
        pid, argument = standby.result(lambda: (os.getpid(), "here"))
    assert pid != os.getpid() and argument == "list"
    assert not prepared  # it got ready in the child


def test_a_standby_child_takes_in_its_work_while_it_gets_ready() -> None:
    """The parent sends many times what a pipe holds while the child is still getting ready,
    and goes on: the child takes the work in as it comes (else both would wait forever)."""
    sent = multiprocessing.get_context("fork").Event()

    def prepare() -> None:  # ready only once the parent has sent everything
        if not sent.wait(timeout=30):
            raise TimeoutError

    work = pd.DataFrame({"amount": range(2_000_000)}, dtype="float64")  # 16 MB
    with Standby(prepare) as standby:
        standby.submit(_pid_and, work)
        sent.set()
        pid, copy = standby.result(lambda: (os.getpid(), None))
    assert pid != os.getpid()
    pd.testing.assert_frame_equal(copy, work)


def test_what_the_standby_child_cannot_do_is_done_here() -> None:
    parent = os.getpid()

    def fails_to_get_ready() -> None:
        raise OSError("cannot start the engine")

    cases: list[tuple[Callable[[], None], Callable[[Any], object], object]] = [
        (lambda: None, _dies_unless_here, parent),  # dies while working
        (fails_to_get_ready, _pid_and, "list"),
        (lambda: None, _pid_and, lambda: None),  # a work that does not pickle
    ]
    for prepare, work, argument in cases:
        with Standby(prepare) as standby:
            standby.submit(work, argument)
            assert standby.result(lambda: "computed here") == "computed here"
    with Standby(lambda: None) as standby, pytest.raises(ValueError, match="column 'x'"):
        standby.submit(_fails, "column 'x'")
        standby.result(lambda: _fails("column 'x'"))  # the serial run's error, raised here


def test_a_standby_child_sent_no_work_ends_with_the_run() -> None:
    standby: Standby[object, object] = Standby(lambda: time.sleep(60))
    child = standby._process.pid
    standby.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    idle: Standby[object, object] = Standby(lambda: None)  # ready, waiting for work
    child = idle._process.pid
    idle.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def _validate(path: Path, output: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``fundcheck validate`` in a new process (where the rule engine has not started yet)."""
    command = [sys.executable, "-m", "fundcheck", "validate", str(path)]
    command += ["--as-of", AS_OF, "--report", "json", "--output", str(output), *options]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


def _report(output: Path) -> dict[str, object]:
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    report.pop("generated_at", None)
    return report


@pytest.mark.parametrize("checks", [(), ("--no-checks",)], ids=["default", "no-checks"])
def test_a_new_process_with_the_engine_ahead_writes_the_serial_report(
    demo_path: Path, tmp_path: Path, checks: tuple[str, ...]
) -> None:
    serial = _validate(demo_path, tmp_path / "serial", "--jobs", "1", *checks)
    ahead = _validate(demo_path, tmp_path / "ahead", "--jobs", "2", *checks)
    assert serial.returncode == ahead.returncode == 1  # the demo has errors
    assert _report(tmp_path / "serial") == _report(tmp_path / "ahead")
    report = _report(tmp_path / "ahead")
    assert report["summary"]["records"] == len(pd.read_excel(demo_path, engine="calamine"))  # type: ignore[index]
    assert len(report["findings"]) > 0  # type: ignore[arg-type]


def test_a_bad_list_fails_with_the_engine_ahead_as_in_a_serial_run(tmp_path: Path) -> None:
    bad = tmp_path / "liste.csv"
    bad.write_text("Nom;Montant\nA;12\n", encoding="utf-8")
    serial = _validate(bad, tmp_path / "serial", "--jobs", "1", "--no-checks")
    beside = _validate(bad, tmp_path / "beside", "--jobs", "2", "--no-checks")
    assert serial.returncode == beside.returncode == 3
    assert "liste.csv" in beside.stderr and "no header row" in beside.stderr
    assert beside.stderr == serial.stderr


def test_the_engine_goes_ahead_once_per_process_and_only_where_it_can_help(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "engine_started", lambda: False)  # as in a new process
    monkeypatch.setattr(pipeline, "ENGINE_AHEAD_ONCE", [])
    files, pandas = [Path("liste.csv")], Engine()
    assert not pipeline.engine_goes_ahead(1, files, [], pandas)  # --jobs 1: one process
    assert not pipeline.engine_goes_ahead(2, [], [], pandas)  # no list file
    assert not pipeline.engine_goes_ahead(2, files, ["a table"], pandas)  # validated in parts
    assert not pipeline.engine_goes_ahead(2, files, [], Engine("spark"))
    assert pipeline.engine_goes_ahead(2, files, [], pandas)
    assert not pipeline.engine_goes_ahead(2, files, [], pandas)  # once: GX starts here now
    monkeypatch.setattr(pipeline, "ENGINE_AHEAD_ONCE", [])
    monkeypatch.setattr(pipeline, "engine_started", lambda: True)
    assert not pipeline.engine_goes_ahead(2, files, [], pandas)  # GX already runs here


@pytest.mark.parametrize("jobs", [2, None], ids=["checks-child", "checks-here"])
def test_with_the_engine_ahead_the_failing_rows_come_from_the_other_process(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int | None
) -> None:
    """GX finds the failing rows in the process started ahead; this one runs its checks
    meanwhile (a share of them beside a checks' child with ``--jobs 2``; all of them below
    20,000 records otherwise), then makes the findings: they are the serial run's."""
    if jobs is None and len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the engine starts here")
    serial = _findings(demo_path, 1, [])
    monkeypatch.setattr(pipeline, "engine_started", lambda: False)  # as in a new process
    monkeypatch.setattr(pipeline, "ENGINE_AHEAD_ONCE", [])
    found_by_gx: list[object] = []
    validate = pipeline.validate

    def spied(*args: object, **kwargs: Any) -> pd.DataFrame:
        found_by_gx.append(kwargs["found_by_gx"])
        return validate(*args, **kwargs)

    monkeypatch.setattr(pipeline, "validate", spied)
    here: list[int] = []
    gx_failing_rows, parent = pipeline.gx_failing_rows, os.getpid()

    def found_where(*args: Any) -> object:
        if os.getpid() == parent:
            here.append(1)
        return gx_failing_rows(*args)

    monkeypatch.setattr(pipeline, "gx_failing_rows", found_where)
    steps: list[str] = []
    ahead = _findings(demo_path, jobs, steps)
    assert "starting the rule engine in a second process" in steps
    checks_child = "running aggregate checks in a second process" in steps
    assert checks_child == (jobs == 2)  # the demo has fewer than 20,000 records
    assert steps.index("running aggregate checks") < steps.index(
        "validating the records in the second process"
    )
    assert found_by_gx and all(isinstance(found, dict) and found for found in found_by_gx)
    assert not here
    pd.testing.assert_frame_equal(serial, ahead)


def test_a_gx_job_crosses_to_another_process_whole(demo_path: Path) -> None:
    """What the engine's process is sent: the expectations fitted to the list's columns, the
    run's parameters and the columns GX reads pickle and unpickle unchanged."""
    from fundcheck.connectors import read_source
    from fundcheck.expectations.runner import gx_job
    from fundcheck.reference import load_reference

    (part,) = pipeline.suite_parts([read_source(demo_path, load_reference())])
    job = gx_job(part.frame, part.suite, {"as_of": AS_OF}, two_cores=True)
    copy = pickle.loads(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
    pd.testing.assert_frame_equal(copy.data, job.data)
    assert copy.planned == job.planned and len(job.planned) > 10
    assert copy.parameters == job.parameters and copy.two_cores
    assert copy.data.select_dtypes("category").shape[1] > 5  # texts travel as categories


def test_rows_alike_but_for_a_long_text_are_not_identical_in_either_process(
    tmp_path: Path,
) -> None:
    """The second process holds the long texts as hashes: a row copied whole is an identical
    row, a row copied with another description is not, as in one process."""
    from fundcheck.demo import write_csv

    cells = generate_demo().frame
    summary = "Objectifs et réalisations escomptés et effectifs"
    assert summary in cells.columns
    copied_whole = cells.iloc[[10]]
    copied_new_text = cells.iloc[[20]].assign(**{summary: "Une autre description"})
    path = write_csv(tmp_path / "liste.csv", pd.concat([cells, copied_whole, copied_new_text]))
    serial = _findings(path, 1, [])
    parallel = _findings(path, 2, [])
    pd.testing.assert_frame_equal(serial, parallel)
    identical = parallel[parallel["rule"] == "eu.duplicates.identical_row"]
    last_rows = len(cells) + 2, len(cells) + 3  # the two copies, under the header
    assert last_rows[0] in set(identical["row"])
    assert last_rows[1] not in set(identical["row"])


def test_when_the_child_cannot_put_findings_aside_the_parent_runs_its_checks(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk in the second process: the main process runs that share itself, the
    findings are the serial run's, and the record sets it returns keep their texts."""

    def disk_full(findings: pd.DataFrame, folder: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "put_aside", disk_full)
    serial = _findings(demo_path, 1, [])
    config = RunConfig(sources=[demo_path], parameters={"as_of": AS_OF}, jobs=2)
    result, record_sets = pipeline.read_and_validate(config)
    pd.testing.assert_frame_equal(serial, result.findings)
    summaries = record_sets[0].frame["operation_summary"]
    assert summaries.dropna().map(type).eq(str).all() and summaries.notna().any()
