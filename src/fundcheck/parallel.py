"""Both cores: the aggregate checks run in a forked process while this one runs the record rules.

The record rules (the GX suite, with GX's import) and the aggregate checks read the same record
sets and never each other's findings, so they can run at once. The child is forked after reading:
it shares the record sets copy-on-write, runs the checks and sends back their findings (a pickled
table). The result is the serial one: the parent puts the checks' findings where the serial run
puts them.

Nothing depends on the child succeeding: if it cannot start, dies, or fails, the parent runs the
checks itself, so an error in a check surfaces as in a serial run (same message, same exit code).
A run is parallel when fork is available and either ``jobs`` asks for it (2 or more) or ``jobs``
is not set, the machine has two cores and the list is large enough to gain from it but not so
large that memory, not time, is what counts (measured with bench/run.py: 200,000 rows, 25 % faster
for 20 % more memory; 1,000,000 rows, 4 % faster for 28 % more memory).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")

AUTO_MIN_RECORDS = 20_000
"""Below this many records, forking costs more than the checks it would overlap."""
AUTO_MAX_RECORDS = 500_000
"""Above this many records, the checks outlast the record rules and a second process mostly
adds its memory: one process, unless ``jobs`` asks for two."""


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a child can be forked (Linux; macOS and Windows spawn, which would re-read)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def runs_in_parallel(jobs: int | None, records: int) -> bool:
    """Whether the checks go to a child: ``jobs`` 2+ forces it, 1 forbids it, None decides."""
    if not can_fork():
        return False
    if jobs is not None:
        return jobs > 1
    return usable_cores() > 1 and AUTO_MIN_RECORDS <= records <= AUTO_MAX_RECORDS


class Background(Generic[T]):
    """A task run in a forked child; ``result()`` waits for it, or runs it here if the child
    failed. Use as a context manager so that the child never outlives the run."""

    def __init__(self, task: Callable[[], T]) -> None:
        self._task = task
        self._process: Any = None
        self._receiver: Connection | None = None
        try:
            context = multiprocessing.get_context("fork")
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(task, sender), daemon=True)
            gc.freeze()  # the child's collector leaves the shared objects' pages alone
            try:
                process.start()
            finally:
                gc.unfreeze()
        except (OSError, ValueError):
            return  # no child: result() runs the task here
        sender.close()
        self._process, self._receiver = process, receiver

    def result(self) -> T:
        """The task's result, from the child, or computed here if the child did not give it."""
        outcome = self._receive()
        self.close()
        if outcome is not None:
            return outcome[0]
        return self._task()

    def _receive(self) -> tuple[T] | None:
        if self._receiver is None:
            return None
        try:
            status, value = self._receiver.recv()
        except (EOFError, OSError, Exception):  # the child died or sent what cannot be read
            return None
        return (value,) if status == "ok" else None

    def close(self) -> None:
        """Stop the child if it still runs and release the pipe."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _child(task: Callable[[], Any], sender: Connection) -> None:
    """In the child: the parent handles interrupts and stops the child; run, send, exit.

    The child writes nothing: its output streams are fresh objects on the null device, as a
    lock of the inherited ones may have been held by a thread of the parent (the progress
    spinner) at the moment of the fork."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    try:
        value = task()
    except BaseException:  # the parent runs the task again and reports the error itself
        _send(sender, ("failed", None))
    else:
        if not _send(sender, ("ok", value)):
            _send(sender, ("failed", None))
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers, no flush of the parent's inherited buffers


def _send(sender: Connection, message: tuple[str, Any]) -> bool:
    try:
        sender.send(message)
    except Exception:  # unpicklable value or a closed pipe
        return False
    return True
