"""A run stopped by SIGINT or SIGTERM exits 130 or 143 after removing its temporary files, and
leaves either the previous complete set of reports or the new complete set, never a mix."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fundcheck.config import build_config
from fundcheck.interrupts import Interrupted, install
from fundcheck.model import RunResult, Severity
from fundcheck.output import write_reports
from fundcheck.pipeline import run
from tests.robustness.conftest import Case, sha256

FORMATS = ["json", "html", "xlsx", "junit", "markdown"]
KILLS = 20


def _temporary(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(".fundcheck-tmp-")]


def assert_complete_set(folder: Path) -> dict[str, str]:
    """The folder holds exactly the files its manifest lists, each with the listed sha256."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    assert sorted(os.listdir(folder)) == sorted([*listed, "manifest.json"])
    for name, digest in listed.items():
        assert sha256(folder / name) == digest, f"{name} is not the one of its set"
    json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return listed


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    from fundcheck.demo import generate_demo, write_demo

    source = write_demo(tmp_path_factory.mktemp("kill") / "liste.xlsx", generate_demo())
    return run(build_config({}, sources=[source], checks=False))


def _writer(result: RunResult, out: Path, attempt: int) -> int:
    """Fork a child that writes the set of reports as the command line does.

    Each attempt writes a set of its own (its run time differs), so a complete new set is told
    apart from the previous one even when two writes fall within the same second."""
    result = dataclasses.replace(result, generated_at=f"2026-01-01T00:00:{attempt:02d}+00:00")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            install()
            write_reports(result, FORMATS, out, lang="fr", fail_on=Severity.ERROR)
        except Interrupted as stop:
            code = stop.exit_code
        except BaseException:  # noqa: BLE001 - the parent sees the code
            code = 99
        os._exit(code)
    return pid


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _until_writing(pid: int, out: Path, deadline: float = 120) -> None:
    """Return once the child has started writing its set (or has finished)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if _temporary(out):
            return
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            raise AssertionError("the writer ended before writing")
        time.sleep(0.001)
    raise AssertionError("the writer never started writing")


def test_a_run_killed_at_random_moments_leaves_a_complete_set(
    result: RunResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    started = time.monotonic()
    assert _wait(_writer(result, out, KILLS)) == 0
    span = time.monotonic() - started
    current = assert_complete_set(out)
    outcomes = {"previous": 0, "new": 0}
    chance = random.Random(9)
    for attempt in range(KILLS):
        pid = _writer(result, out, attempt)
        try:
            _until_writing(pid, out)
        except AssertionError:
            _wait(pid)
            raise
        time.sleep(chance.uniform(0, span))
        signum = signal.SIGTERM if attempt % 2 else signal.SIGINT
        os.kill(pid, signum)
        code = _wait(pid)
        assert code in (0, 128 + signum), code
        assert not _temporary(out), "temporary files left"
        found = assert_complete_set(out)
        outcomes["previous" if found == current else "new"] += 1
        if code == 0:
            assert found != current
        current = found
    assert sum(outcomes.values()) == KILLS


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_command_line_exits_130_or_143_and_cleans_up(
    case: Case, small_xlsx: Path, signum: int
) -> None:
    out = case.work / "out"
    out.mkdir()
    digest = sha256(small_xlsx)
    args = ["validate", str(small_xlsx), "--output", str(out), "--report", ",".join(FORMATS)]
    env = {**os.environ, "TMPDIR": str(case.system_tmp)}
    child = subprocess.Popen(
        [sys.executable, "-m", "fundcheck", *args],
        cwd=case.work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    end = time.monotonic() + 300
    while not _temporary(out) and child.poll() is None and time.monotonic() < end:
        time.sleep(0.001)
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=120)
    output = stdout.decode() + stderr.decode()
    assert child.returncode in (128 + signum, 0), output
    assert "Traceback" not in output
    if child.returncode:
        assert "interrupted" in output
        assert os.listdir(out) == []  # no previous set here: nothing at all
    else:
        assert_complete_set(out)
    assert not _temporary(out)
    assert not list(case.system_tmp.iterdir())
    assert sha256(small_xlsx) == digest
