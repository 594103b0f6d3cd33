"""Freed memory goes back to the system only when the process holds much of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundcheck import memory


class Calls:
    def __init__(self) -> None:
        self.trimmed = 0

    def malloc_trim(self, _pad: int) -> int:
        self.trimmed += 1
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
