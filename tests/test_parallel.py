"""Both cores: the aggregate checks in a forked child give the serial run's findings, and a
child that fails, dies or is interrupted never changes the outcome nor outlives the run."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from fundcheck import pipeline
from fundcheck.checks import CHECKS
from fundcheck.config import RunConfig
from fundcheck.demo import generate_demo, write_demo
from fundcheck.parallel import (
    AUTO_MIN_RECORDS,
    Background,
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


def test_the_parent_takes_a_share_of_the_checks_by_size() -> None:
    assert pipeline.parent_share(200_000) == pipeline.CHECKS_AFTER_THE_RECORD_RULES
    large = pipeline.parent_share(pipeline.PARENT_SHARE_MAX_RECORDS + 1)
    assert large == pipeline.RELATED_OPERATIONS_CHECKS
    assert large <= set(CHECKS) and set(CHECKS) >= pipeline.CHECKS_BUILDING_MOST


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


def _validate(path: Path, output: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``fundcheck validate`` in a new process (where the rule engine has not started yet)."""
    command = [sys.executable, "-m", "fundcheck", "validate", str(path), "--no-checks"]
    command += ["--as-of", AS_OF, "--report", "json", "--output", str(output), *options]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


def _report(output: Path) -> dict[str, object]:
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    report.pop("generated_at", None)
    return report


def test_lists_read_while_the_engine_starts_give_the_serial_report(
    demo_path: Path, tmp_path: Path
) -> None:
    serial = _validate(demo_path, tmp_path / "serial", "--jobs", "1")
    beside = _validate(demo_path, tmp_path / "beside", "--jobs", "2")
    assert serial.returncode == beside.returncode == 1  # the demo has errors
    assert _report(tmp_path / "serial") == _report(tmp_path / "beside")
    report = _report(tmp_path / "beside")
    assert report["summary"]["records"] == len(pd.read_excel(demo_path, engine="calamine"))  # type: ignore[index]
    assert len(report["findings"]) > 0  # type: ignore[arg-type]


def test_a_bad_list_read_in_the_child_fails_as_in_a_serial_run(tmp_path: Path) -> None:
    bad = tmp_path / "liste.csv"
    bad.write_text("Nom;Montant\nA;12\n", encoding="utf-8")
    serial = _validate(bad, tmp_path / "serial", "--jobs", "1")
    beside = _validate(bad, tmp_path / "beside", "--jobs", "2")
    assert serial.returncode == beside.returncode == 3
    assert "liste.csv" in beside.stderr and "no header row" in beside.stderr
    assert beside.stderr == serial.stderr


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: one process reads")
def test_the_lists_are_read_by_a_child_while_this_process_starts_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[int] = []
    monkeypatch.setattr(pipeline, "engine_started", lambda: False)  # as in a new process
    monkeypatch.setattr(pipeline, "start_engine", lambda: started.append(os.getpid()))
    said: list[str] = []

    def read_lists(progress: Callable[[str], None]) -> list[int]:
        progress("reading liste.csv")
        return [os.getpid()]

    assert pipeline.read_while_the_engine_starts(read_lists, said.append, None) != [os.getpid()]
    assert started == [os.getpid()]
    assert said == ["reading the lists while the rule engine starts"]  # the child stays quiet
    said.clear()
    assert pipeline.read_while_the_engine_starts(read_lists, said.append, 1) == [os.getpid()]
    assert said == ["reading liste.csv"] and started == [os.getpid()]  # --jobs 1: all here


def test_a_record_set_as_read_crosses_to_another_process_whole(demo_path: Path) -> None:
    """What the reading child sends back: a record set read from a file pickles and unpickles
    to the same records, findings and provenance (else the parent would read the file again)."""
    from fundcheck.connectors import read_source
    from fundcheck.reference import load_reference

    record_set = read_source(demo_path, load_reference())
    copy = pickle.loads(pickle.dumps(record_set, protocol=pickle.HIGHEST_PROTOCOL))
    pd.testing.assert_frame_equal(copy.frame, record_set.frame)
    pd.testing.assert_frame_equal(copy.findings, record_set.findings)
    assert copy.provenance == record_set.provenance and copy.provenance.sha256
    assert copy.column_labels == record_set.column_labels


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
