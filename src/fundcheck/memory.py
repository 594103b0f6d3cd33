"""Give back to the system the memory a finished step freed.

Arrow's allocator (mimalloc) and glibc's keep freed blocks for later allocations: after reading a
million rows, about 350 MB that no object uses any more stays in the process (measured at 1M
generated rows: 1.59 GB resident after reading, 1.25 GB once released). A run calls
``release_freed_memory`` between its steps (after reading, after the record rules, after each
aggregate check), so that the next step's peak starts from what is really in use.

A process that holds little (``RELEASE_FROM_BYTES``) keeps its freed blocks: given back, they
would be taken again by the next step, page by page, at a cost in system time (at 200,000
generated rows, 0.3 s of it over a run, for no memory that matters).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

RELEASE_FROM_BYTES = 1 << 30
"""Resident size from which freed memory is given back to the system (1 GiB: a run of about
400,000 records; a million generated rows hold 1.6 GB once read)."""


@cache
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:  # glibc's name first: find_library runs ldconfig (17 ms)
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        except OSError:
            return None
    return libc if hasattr(libc, "malloc_trim") else None  # glibc only (not musl)


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
HEAP_BLOCKS_UP_TO = 32 << 20
"""The largest block the C heap serves itself once ``keep_freed_heap`` has run (glibc's
maximum; larger ones are mapped from the system and given back when freed)."""


TRIM_FROM_BYTES = 2 * HEAP_BLOCKS_UP_TO
"""Free space at the top of the C heap from which a free gives it back, in a process holding
``RELEASE_FROM_BYTES`` (glibc's own value once its thresholds have grown to their maximum)."""


def keep_freed_heap() -> bool:
    """Make the C heap keep what a step frees for the next one (for a run of the command line;
    whether it could). By default glibc serves blocks from 128 KB straight from the system and
    gives back the top of its heap at each large free: both are taken again page by page, and
    at 200,000 generated rows these page faults cost about 0.6 s of system time over a run
    (480,000 faults; 340,000 with this). Once the process holds ``RELEASE_FROM_BYTES``,
    ``release_freed_memory`` makes large frees give the top back again (``TRIM_FROM_BYTES``):
    kept, it took the peak of a million real-copy rows from 2.29 GB to 2.52 GB."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    trim = libc.mallopt(M_TRIM_THRESHOLD, ctypes.c_int(2**31 - 1))
    mmap = libc.mallopt(M_MMAP_THRESHOLD, ctypes.c_int(HEAP_BLOCKS_UP_TO))
    _HEAP_KEPT[:] = [True]
    return bool(trim and mmap)


_HEAP_KEPT: list[bool] = []
"""Set while ``keep_freed_heap`` is in force in this process."""


def resident_bytes(statm: Path = Path("/proc/self/statm")) -> int | None:
    """This process's resident size, or None where the system does not tell (no ``/proc``)."""
    try:
        pages = int(statm.read_text(encoding="ascii").split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def release_freed_memory(
    *, collect: bool = False, resident: Callable[[], int | None] = resident_bytes
) -> None:
    """Return the freed blocks of Arrow's pool and of the C heap to the system (best effort),
    when this process holds at least ``RELEASE_FROM_BYTES`` (``resident``: its resident size;
    unknown: released).

    ``collect``: first free the objects only a full garbage collection finds (GX leaves its
    validation's metrics, Series of every row, in reference cycles: about 350 MB at a million
    rows that would otherwise wait for Python's rare oldest-generation collection)."""
    held = resident()
    if held is not None and held < RELEASE_FROM_BYTES:
        return
    if _HEAP_KEPT:  # large now: frees give the top of the heap back again
        _HEAP_KEPT.clear()
        libc = _libc()
        if libc is not None:
            libc.mallopt(M_TRIM_THRESHOLD, ctypes.c_int(TRIM_FROM_BYTES))
    if collect:
        gc.collect()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
