"""Freed memory goes back to the system only when the process holds much of it."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

from fundcheck import memory


class Calls:
    def __init__(self) -> None:
        self.trimmed = 0
        self.options: list[tuple[int, int]] = []

    def malloc_trim(self, _pad: int) -> int:
        self.trimmed += 1
        return 1

    def mallopt(self, option: int, value: ctypes.c_int) -> int:
        self.options.append((option, value.value))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> Calls:
    calls = Calls()
    monkeypatch.setattr(memory, "_libc", lambda: calls)
    return calls


def test_a_small_process_keeps_its_freed_memory(libc: Calls) -> None:
    memory.release_freed_memory(resident=lambda: memory.RELEASE_FROM_BYTES - 1)
    assert libc.trimmed == 0


def test_a_large_process_gives_it_back(libc: Calls) -> None:
    memory.release_freed_memory(resident=lambda: memory.RELEASE_FROM_BYTES)
    assert libc.trimmed == 1


def test_an_unknown_size_gives_it_back(libc: Calls) -> None:
    memory.release_freed_memory(resident=lambda: None)
    assert libc.trimmed == 1


def test_resident_size_is_read_from_the_system(tmp_path: Path) -> None:
    statm = tmp_path / "statm"
    statm.write_text("1000 250 30 4 0 60 0\n", encoding="ascii")
    assert memory.resident_bytes(statm) == 250 * memory.os.sysconf("SC_PAGE_SIZE")
    assert memory.resident_bytes(tmp_path / "absent") is None
    held = memory.resident_bytes()
    assert held is not None and held > 1 << 20  # this interpreter


HEAP_PROBE = """
import resource, sys
import numpy as np
from fundcheck import memory
if sys.argv[1] == "keep":
    assert memory.keep_freed_heap()
block = 10 << 20  # 10 MB: mapped from the system by default, from the heap once kept
np.ones(block // 8).sum()  # taken, touched, freed
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
np.ones(block // 8).sum()  # taken again
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults_taking_a_block_again(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", HEAP_PROBE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(memory._libc() is None, reason="glibc only")
def test_a_kept_heap_serves_a_freed_block_again_without_page_faults() -> None:
    # by default the block comes back from the system (hundreds of faults, fewer than its 2,560
    # pages where numpy asks for huge pages); a kept heap has it at hand
    assert faults_taking_a_block_again("default") > 200
    assert faults_taking_a_block_again("keep") < 50


def test_keeping_the_heap_needs_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_libc", lambda: None)
    assert memory.keep_freed_heap() is False


def test_a_kept_heap_trims_again_once_the_process_is_large(
    libc: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory, "_HEAP_KEPT", [])
    assert memory.keep_freed_heap()
    assert (memory.M_TRIM_THRESHOLD, 2**31 - 1) in libc.options
    libc.options.clear()
    memory.release_freed_memory(resident=lambda: memory.RELEASE_FROM_BYTES - 1)
    assert libc.options == []  # small: the heap keeps its blocks
    memory.release_freed_memory(resident=lambda: memory.RELEASE_FROM_BYTES)
    memory.release_freed_memory(resident=lambda: memory.RELEASE_FROM_BYTES)
    assert libc.options == [(memory.M_TRIM_THRESHOLD, memory.TRIM_FROM_BYTES)]  # once
    assert libc.trimmed == 2
